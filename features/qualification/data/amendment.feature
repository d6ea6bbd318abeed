@D8
Feature: Answer consumption amendments
  After it accepts the supplier's PUB-027 [ConsumptionAmendment], a smart or advanced data
  service answers it with IF-028 [ConsumptionAmendment] to the supplier, with the MPAN and the
  request's B902List, accepting it (R0 A), and then resubmits the day: the periods ending in the
  amendment's window carry e 9 (Consumption Amendment) and the request's arc (C13), and their
  values sum to the gross revised consumption (a warning); the other periods keep their values
  (a warning) (CONTRACT-ROLES.md §6.3 D8). An amendment for an MPAN it does not serve is
  declined: 400 with RCP1062, or IF-028 with R.

  @prompted
  Scenario Outline: An amendment is accepted and the day resubmitted with it
    Given a <segment> MPAN the system has served since "2026-03-01"
    And the system was prompted for the consumption of "2026-07-01" and submitted it
    When the supplier asks the system to amend the consumption from "2026-07-01T10:00:00+00:00" to "2026-07-01T12:00:00+00:00" to "4.000" kWh with reason "M"
    Then the system answers 201 with RCP0000
    And the system accepts the amendment with IF-028
    And the system resubmits the day's consumption after the amendment
    And the consumption keeps the settlement rules
    And the resubmitted consumption carries the amendment

    @SDS @QT-SDS-230
    @catches:amendment-echo-drops:5 @catches:amendment-to-regs:5 @catches:amendment-without-arc:7
    @catches:amendment-without-reason-code:7 @catches:amendment-wrong-arc
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:2 @catches:declines-everything:1 @catches:duplicate-period:7
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:estimate-without-reason:7 @catches:issuer-not-sender:7
    @catches:lapsed-code:1 @catches:m0-not-as-delivered:1 @catches:missing-period:7
    @catches:negative-consumption:7 @catches:no-amendment-answer:5
    @catches:no-appointment-response:1 @catches:no-consumption:2 @catches:no-revised-consumption:6
    @catches:period-starts:7 @catches:reactive-mqid:7 @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:2 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1 @catches:wrong-connection-type:7 @warns:amendment-sum
    @warns:descending-periods:7 @warns:echo-wrong-contract:1 @warns:estimate-as-e:7
    @warns:midnight-with-offset:7
    Examples: a smart data service
      | segment |
      | smart |

    @ADS @QT-ADS-230
    @catches:amendment-echo-drops:5 @catches:amendment-to-regs:5 @catches:amendment-without-arc:7
    @catches:amendment-without-reason-code:7 @catches:amendment-wrong-arc
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:2 @catches:declines-everything:1 @catches:duplicate-period:7
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:estimate-without-reason:7 @catches:issuer-not-sender:7
    @catches:lapsed-code:1 @catches:m0-not-as-delivered:1 @catches:missing-period:7
    @catches:negative-consumption:7 @catches:no-amendment-answer:5
    @catches:no-appointment-response:1 @catches:no-consumption:2 @catches:no-revised-consumption:6
    @catches:period-starts:7 @catches:reactive-mqid:7 @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:2 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type:7
    @warns:actual-with-reason:7 @warns:amendment-sum @warns:descending-periods:7
    @warns:echo-wrong-contract:1 @warns:midnight-with-offset:7
    Examples: an advanced data service
      | segment |
      | advanced |

  Scenario Outline: An amendment for an MPAN the system does not serve is declined
    Given a <segment> MPAN the system has served since "2026-03-01"
    When the supplier asks the system to amend the consumption of an MPAN it does not serve
    Then the system declines the amendment

    @SDS @QT-SDS-231
    @catches:amends-unserved @catches:answers-the-supplier:1 @catches:answers-twice:1
    @catches:bad-timestamp:1 @catches:declines-everything:1 @catches:echo-drops-registration:1
    @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1
    @catches:lapsed-code:1 @catches:m0-not-as-delivered:1 @catches:no-amendment-answer
    @catches:no-appointment-response:1 @catches:refuses-appointment-confirmation:1
    @catches:signs-url-as-is:1 @catches:slow-ack:1 @catches:unsigned-submissions:1
    @warns:echo-wrong-contract:1
    Examples: a smart data service
      | segment |
      | smart |

    @ADS @QT-ADS-231
    @catches:amends-unserved @catches:answers-the-supplier:1 @catches:answers-twice:1
    @catches:bad-timestamp:1 @catches:declines-everything:1 @catches:echo-drops-registration:1
    @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1
    @catches:lapsed-code:1 @catches:m0-not-as-delivered:1 @catches:no-amendment-answer
    @catches:no-appointment-response:1 @catches:refuses-appointment-confirmation:1
    @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1 @warns:echo-wrong-contract:1
    Examples: an advanced data service
      | segment |
      | advanced |
