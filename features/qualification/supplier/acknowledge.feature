@S1
Feature: Acknowledge deliveries
  Every well-formed delivery from the DIP is answered 201 with RCP0000 within the ack
  timeout, and the answer echoes the delivered message (CONTRACT.md §3 and §6 S1).

  @QT-SUP-001
  @catches:slow-ack:3 @catches:wrong-echo
  Scenario: A gain notification is acknowledged and echoed
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system answers 201 with RCP0000
    And the answer echoes the delivered message

  @QT-SUP-002
  @catches:slow-ack:3 @catches:wrong-echo
  Scenario Outline: Registration notifications are acknowledged
    Given a smart MPAN
    When the Registration Service delivers <publication> <event> for the MPAN
    Then the system answers 201 with RCP0000
    And the answer echoes the delivered message

    @catches:refuse-appointment-response:3
    Examples: what a supplier receives after asking for appointments
      | publication | event                |
      | PUB-032     | [MSAppInitialResp]   |

    Examples: registration notifications
      | publication | event                |
      | PUB-001     | [ChangeOfSupplier]   |
      | PUB-035     | [MSAppAccepted]      |
      | PUB-035     | [DSAppRejected]      |
      | PUB-036     | [MSAppActive]        |
      | PUB-037     | [MSDeApp]            |
