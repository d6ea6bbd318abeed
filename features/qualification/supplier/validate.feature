@S2
Feature: Reject what breaks the interface (level-3 validation)
  A delivery that breaks its interface is answered 400 with the code of the first check it
  breaks, in the contract's order, and causes no business reaction (CONTRACT.md §3, §6 S2).

  @QT-SUP-010
  @catches:accept-schema-failure:3 @catches:slow-ack:3 @catches:react-to-rejected
  Scenario: A delivery missing a required block is a schema failure
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN without "/CustomBlock/B026"
    Then the system answers 400 with RCP1001
    And the system submits nothing for the MPAN

  @QT-SUP-011
  @catches:accept-wrong-environment:3 @catches:slow-ack:3 @catches:gain-by-content
  @catches:react-to-rejected
  Scenario: A delivery for another environment is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with "/CommonBlock/S1/environmentTag" set to "PRD"
    Then the system answers 400 with RCP1004
    And the system submits nothing for the MPAN

  @QT-SUP-012
  @catches:accept-unknown-event:3 @catches:slow-ack:3 @catches:gain-by-content
  Scenario: An event code that is not one of the interface's is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with "/CommonBlock/S0/eventCode" set to "[MSApp]"
    Then the system answers 400 with RCP1003
    And the system submits nothing for the MPAN

  @QT-SUP-013
  @catches:accept-wrong-schema-version:3 @catches:slow-ack:3 @catches:gain-by-content
  @catches:react-to-rejected
  Scenario: A schema version other than 011 is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with "/CommonBlock/S0/schemaVersion" set to "010"
    Then the system answers 400 with RCP1005
    And the system submits nothing for the MPAN

  @QT-SUP-014
  @catches:accept-bad-check-digit:3 @catches:slow-ack:3 @catches:gain-by-content
  @catches:react-to-rejected
  Scenario: An MPAN core with a wrong check digit is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with a wrong check digit
    Then the system answers 400 with RCP1061
    And the system submits nothing for the MPAN

  @QT-SUP-015
  @catches:accept-non-json @catches:slow-ack
  Scenario: A body that is not JSON is refused
    Given a smart MPAN
    When the Registration Service delivers a body that is not JSON
    Then the system answers 400

  @QT-SUP-016
  @catches:accept-unknown-interface:3 @catches:slow-ack:3 @catches:gain-by-content
  Scenario: An unknown interface is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with "/CommonBlock/S0/interfaceID" set to "IF-099"
    Then the system answers 400 with RCP1002
    And the system submits nothing for the MPAN

  @QT-SUP-017
  @catches:accept-bad-check-digit:3 @catches:slow-ack:3 @catches:gain-by-content
  @catches:partial-batch @catches:react-to-rejected
  Scenario: A batch with one bad message is rejected whole
    Given two smart MPANs
    When the Registration Service delivers PUB-002 [GainMPANInfo] for both MPANs in one batch, the second with a wrong check digit
    Then the system answers 400 with RCP1061
    And the system submits nothing for the MPANs
