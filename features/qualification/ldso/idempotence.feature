@G3
Feature: Idempotence
  A delivery repeated with the same D0.transactionID is answered 201 again (CONTRACT-ROLES.md
  §6.1 G3). The distributor acts on no delivery, so there is no second reaction to watch for.

  @QT-LDSO-040 @catches:reject-repeat @catches:slow-ack:3
  Scenario: A repeated energisation status change is acknowledged again
    Given a smart MPAN of the system's test data
    When the Registration Service delivers PUB-008 [EnergisationStatusChange] for the MPAN
    Then the system answers 201 with RCP0000
    When the Registration Service repeats the delivery
    Then the system answers 201 with RCP0000
