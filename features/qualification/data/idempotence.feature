@G3
Feature: Idempotence
  An appointment request repeated with the same D0.transactionID is answered 201 again and
  causes no second IF-034 (CONTRACT-ROLES.md §6.1 G3).

  Scenario Outline: A repeated appointment request is answered once
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN
    Then the system answers 201 with RCP0000
    And the system submits IF-034 [DSAppSPResponse] for the MPAN within the response timeout
    When the Registration Service repeats the delivery
    Then the system answers 201 with RCP0000
    And the system submits IF-034 [DSAppSPResponse] for the MPAN at most once

    @SDS @QT-SDS-040
    @catches:answers-twice @catches:bad-timestamp:4 @catches:no-appointment-response:4
    @catches:not-idempotent @catches:reject-repeat:6 @catches:signs-url-as-is:4 @catches:slow-ack:3
    @catches:unsigned-submissions:4
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-040
    @catches:answers-twice @catches:bad-timestamp:4 @catches:no-appointment-response:4
    @catches:not-idempotent @catches:reject-repeat:6 @catches:signs-url-as-is:4 @catches:slow-ack:3
    @catches:unsigned-submissions:4
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-040
    @catches:answers-twice @catches:bad-timestamp:4 @catches:no-appointment-response:4
    @catches:not-idempotent @catches:reject-repeat:6 @catches:signs-url-as-is:4 @catches:slow-ack:3
    @catches:unsigned-submissions:4
    Examples: UMSDS
      | segment |
      | unmetered |
