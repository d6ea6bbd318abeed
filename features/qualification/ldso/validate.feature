@G2
Feature: Reject what breaks the interface (level-3 validation)
  A delivery that breaks its interface is answered 400 with the code of the first check it
  breaks, in the contract's order (CONTRACT.md §3, CONTRACT-ROLES.md §6.1 G2). The delivery is
  the Registration Service's energisation status change for an MPAN of the distributor's own.
  The distributor acts on no delivery, so there is no reaction to watch for.

  @QT-LDSO-030 @catches:accept-schema-failure @catches:slow-ack
  Scenario: A delivery missing a required block is a schema failure
    Given a smart MPAN of the system's test data
    When the Registration Service delivers PUB-008 [EnergisationStatusChange] for the MPAN without "/CustomBlock/B025"
    Then the system answers 400 with RCP1001

  @QT-LDSO-031 @catches:accept-wrong-environment @catches:slow-ack
  Scenario: A delivery for another environment is refused
    Given a smart MPAN of the system's test data
    When the Registration Service delivers PUB-008 [EnergisationStatusChange] for the MPAN with "/CommonBlock/S1/environmentTag" set to "PRD"
    Then the system answers 400 with RCP1004

  @QT-LDSO-032 @catches:accept-unknown-event @catches:slow-ack
  Scenario: An event code that is not one of the interface's is refused
    Given a smart MPAN of the system's test data
    When the Registration Service delivers PUB-008 [EnergisationStatusChange] for the MPAN with "/CommonBlock/S0/eventCode" set to "[MSApp]"
    Then the system answers 400 with RCP1003

  @QT-LDSO-033 @catches:accept-wrong-schema-version @catches:slow-ack
  Scenario: A schema version other than the interface's is refused
    Given a smart MPAN of the system's test data
    When the Registration Service delivers PUB-008 [EnergisationStatusChange] for the MPAN with "/CommonBlock/S0/schemaVersion" set to "001"
    Then the system answers 400 with RCP1005

  @QT-LDSO-034 @catches:accept-bad-check-digit @catches:slow-ack
  Scenario: An MPAN core with a wrong check digit is refused
    Given a smart MPAN of the system's test data
    When the Registration Service delivers PUB-008 [EnergisationStatusChange] for the MPAN with a wrong check digit
    Then the system answers 400 with RCP1061

  @QT-LDSO-035 @catches:accept-unknown-interface @catches:slow-ack
  Scenario: An unknown interface is refused
    Given a smart MPAN of the system's test data
    When the Registration Service delivers PUB-008 [EnergisationStatusChange] for the MPAN with "/CommonBlock/S0/interfaceID" set to "IF-099"
    Then the system answers 400 with RCP1002

  @QT-LDSO-036 @catches:accept-non-json @catches:slow-ack
  Scenario: A body that is not JSON is refused
    Given a smart MPAN of the system's test data
    When the Registration Service delivers a body that is not JSON
    Then the system answers 400
