@S3
Feature: Idempotence
  A delivery repeated with the same D0.transactionID is answered 201 again and causes no
  second business reaction (CONTRACT.md §6 S3).

  @QT-SUP-020
  @catches:slow-ack:3 @catches:bad-timestamp:4 @catches:no-appointment:4
  @catches:signs-url-as-is:4 @catches:unsigned-submissions:4 @catches:reject-repeat:6
  @catches:not-idempotent
  Scenario Outline: A repeated gain notification does not request a <service> twice
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system answers 201 with RCP0000
    And the system submits IF-031 <request> for the MPAN within the response timeout
    When the Registration Service repeats the delivery
    Then the system answers 201 with RCP0000
    And the system submits IF-031 <request> for the MPAN at most once

    Examples: the first request
      | service          | request |
      | metering service | [MSApp] |

    @catches:reuse-reference:4
    Examples: the second request
      | service          | request |
      | data service     | [DSApp] |
