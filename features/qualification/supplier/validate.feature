@S2
Feature: Reject what breaks the interface (level-3 validation)
  A delivery that breaks its interface is answered 400 with the code of the first check it
  breaks, in the contract's order, and causes no business reaction (CONTRACT.md §3, §6 S2).

  @QT-SUP-010
  Scenario: A delivery missing a required block is a schema failure
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN without "/CustomBlock/B026"
    Then the system answers 400 with RCP1001
    And the system submits nothing for the MPAN

  @QT-SUP-011
  Scenario: A delivery for another environment is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with "/CommonBlock/S1/environmentTag" set to "PRD"
    Then the system answers 400 with RCP1004
    And the system submits nothing for the MPAN

  @QT-SUP-012
  Scenario: An event code that is not one of the interface's is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with "/CommonBlock/S0/eventCode" set to "[MSApp]"
    Then the system answers 400 with RCP1003
    And the system submits nothing for the MPAN

  @QT-SUP-013
  Scenario: A schema version other than 011 is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with "/CommonBlock/S0/schemaVersion" set to "010"
    Then the system answers 400 with RCP1005
    And the system submits nothing for the MPAN

  @QT-SUP-014
  Scenario: An MPAN core with a wrong check digit is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with a wrong check digit
    Then the system answers 400 with RCP1061
    And the system submits nothing for the MPAN

  @QT-SUP-015
  Scenario: A body that is not JSON is refused
    Given a smart MPAN
    When the Registration Service delivers a body that is not JSON
    Then the system answers 400

  @QT-SUP-016
  Scenario: An unknown interface is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with "/CommonBlock/S0/interfaceID" set to "IF-099"
    Then the system answers 400 with RCP1002
    And the system submits nothing for the MPAN

  @QT-SUP-017
  Scenario: A batch with one bad message is rejected whole
    Given two smart MPANs
    When the Registration Service delivers PUB-002 [GainMPANInfo] for both MPANs in one batch, the second with a wrong check digit
    Then the system answers 400 with RCP1061
    And the system submits nothing for the MPANs
