@S3
Feature: Idempotence
  A delivery repeated with the same D0.transactionID is answered 201 again and causes no
  second business reaction (CONTRACT.md §6 S3).

  @QT-SUP-020
  Scenario: A repeated gain notification does not appoint twice
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system answers 201 with RCP0000
    And the system requests a metering service appointment for the MPAN within the response timeout
    And the system requests a data service appointment for the MPAN within the response timeout
    When the Registration Service repeats the delivery
    Then the system answers 201 with RCP0000
    And the system submits IF-031 [MSApp] for the MPAN at most once
    And the system submits IF-031 [DSApp] for the MPAN at most once
