@S6
Feature: Survive DIP faults
  A submission answered 503 or 429 is resubmitted within the retry timeout until accepted,
  as the same message (same senderUniqueReference), and is accepted once only; a submission
  answered 400 is not resubmitted unchanged (CONTRACT.md §6 S6).

  @QT-SUP-050
  @catches:no-appointment:4 @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
  @catches:bad-timestamp @catches:no-retry @catches:retry-new-reference
  Scenario: An outage (503) is ridden out
    Given a smart MPAN
    And the DIP answers the next 1 submission of IF-031 with 503
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the DIP answered a submission of IF-031 with 503
    And the system resubmits it within the retry timeout and the DIP accepts it once

  @QT-SUP-051
  @catches:no-appointment:4 @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
  @catches:bad-timestamp @catches:no-retry @catches:retry-new-reference
  Scenario: Throttling (429) is ridden out
    Given a smart MPAN
    And the DIP answers the next 2 submissions of IF-031 with 429
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the DIP answered a submission of IF-031 with 429
    And the system resubmits it within the retry timeout and the DIP accepts it once

  @QT-SUP-052
  @catches:no-appointment:4 @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
  @catches:resubmit-on-400
  Scenario: A refused submission is not resubmitted unchanged
    Given a smart MPAN
    And the DIP answers the next 1 submission of IF-031 with 400
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the DIP answered a submission of IF-031 with 400
    And the system does not resubmit it unchanged
