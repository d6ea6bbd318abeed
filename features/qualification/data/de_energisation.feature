@D7 @prompted
Feature: Respect de-energisation
  After the Registration Service puts the MPAN at de-energised from a moment (PUB-008
  [EnergisationStatusChange]), every period of the data service's IF-021 that ends after it is
  either actual (q A), or zero (v 0.000) with a ZE-family quality; an estimate that is not zero
  fails (CONTRACT-ROLES.md §6.3 D7, ECS1008, and C11: a ZE-family period is zero). A reason
  other than 7 (De-Energised) is a warning.

  Scenario Outline: A smart data service's day with a de-energisation and no data after it
    Given a <segment> MPAN the system has served since "2026-03-01"
    And the MPAN was de-energised from "2026-07-01T12:00:00+00:00"
    And the meter data retriever has sent the system the day "2026-07-01" without periods 25 to 48
    When the system is prompted to submit the consumption of "2026-07-01"
    Then the system submits the day's consumption to the Market-wide Data Service
    And the consumption keeps the settlement rules
    And the consumption after the de-energisation is actual, or zero

    @SDS @QT-SDS-220
    @catches:ads-quality-code:6 @catches:answers-the-supplier:1 @catches:answers-twice:1
    @catches:bad-timestamp:1 @catches:consumption-to-supplier:5 @catches:declines-everything:1
    @catches:drops-gaps:6 @catches:duplicate-period:6 @catches:echo-drops-registration:1
    @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1
    @catches:estimate-without-reason:6 @catches:estimates-de-energised:6
    @catches:issuer-not-sender:6 @catches:lapsed-code:1 @catches:local-days:6
    @catches:m0-not-as-delivered:1 @catches:missing-period:6 @catches:negative-consumption:6
    @catches:no-appointment-response:1 @catches:no-consumption:5 @catches:period-starts:6
    @catches:reactive-mqid:6 @catches:refuses-appointment-confirmation:1 @catches:reuse-reference:5
    @catches:signs-url-as-is:1 @catches:slow-ack:1 @catches:unsigned-submissions:1
    @catches:wrong-connection-type:6 @catches:ze-nonzero:6 @warns:descending-periods:6
    @warns:echo-wrong-contract:1 @warns:midnight-with-offset:6 @warns:zero-without-reason
    @warns:zero-without-reason:6
    Examples: a smart data service
      | segment |
      | smart |

  Scenario Outline: A day with a de-energisation
    Given a <segment> MPAN the system has served since "2026-03-01"
    And the MPAN was de-energised from "2026-07-01T12:00:00+00:00"
    When the system is prompted to submit the consumption of "2026-07-01"
    Then the system submits the day's consumption to the Market-wide Data Service
    And the consumption keeps the settlement rules
    And the consumption after the de-energisation is actual, or zero

    @ADS @QT-ADS-220
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:4 @catches:declines-everything:1 @catches:duplicate-period:5
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:estimate-without-reason:5
    @catches:estimates-de-energised:5 @catches:issuer-not-sender:5 @catches:lapsed-code:1
    @catches:local-days:5 @catches:m0-not-as-delivered:1 @catches:missing-period:5
    @catches:negative-consumption:5 @catches:no-appointment-response:1 @catches:no-consumption:4
    @catches:period-starts:5 @catches:reactive-mqid:5 @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:4 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type:5
    @catches:ze-nonzero:5 @warns:actual-with-reason:5 @warns:descending-periods:5
    @warns:echo-wrong-contract:1 @warns:midnight-with-offset:5 @warns:zero-without-reason
    @warns:zero-without-reason:5
    Examples: an advanced data service
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-220
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:4 @catches:declines-everything:1 @catches:duplicate-period:5
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:estimate-without-reason:5
    @catches:estimates-de-energised:5 @catches:issuer-not-sender:5 @catches:lapsed-code:1
    @catches:local-days:5 @catches:m0-not-as-delivered:1 @catches:missing-period:5
    @catches:negative-consumption:5 @catches:no-appointment-response:1 @catches:no-consumption:4
    @catches:period-starts:5 @catches:reactive-mqid:5 @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:4 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type:5
    @catches:ze-nonzero:5 @warns:actual-with-reason:5 @warns:descending-periods:5
    @warns:echo-wrong-contract:1 @warns:midnight-with-offset:5 @warns:zero-without-reason
    @warns:zero-without-reason:5
    Examples: an unmetered supplies data service
      | segment |
      | unmetered |
