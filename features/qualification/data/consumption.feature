@D5 @D6 @prompted
Feature: Settle in UTC days
  Prompted to submit the consumption of a day (`submit-consumption`), a data service submits
  IF-021 [ActivePower] for it, addressed to the Market-wide Data Service, that keeps every
  settlement rule of CONTRACT-ROLES.md §6.3 D5 (C1-C15): a settlement day is a UTC day, its
  settlementDayDate the instant 00:00:00 UTC, with exactly 48 periods of 30 minutes whose `sp`
  is the END of the period (DI-082): 00:30 to 00:00 the next day. There are no 46- or 50-period
  days, even when the clock changes in Great Britain (2026-03-29 and 2026-10-25). A smart data
  service passes the actual periods of its meter data retriever (PUB-064 [MDRConsumption]) on
  unchanged, and estimates the periods the retriever did not give (D6).

  Scenario Outline: A smart data service passes the meter data retriever's day on, on <day> (<what>)
    Given a <segment> MPAN the system has served since "2026-03-01"
    And the meter data retriever has sent the system the day "<day>"
    When the system is prompted to submit the consumption of "<day>"
    Then the system submits the day's consumption to the Market-wide Data Service
    And the consumption keeps the settlement rules
    And the consumption passes the meter data retriever's actual periods on unchanged

    @SDS @QT-SDS-200
    @catches:actual-with-reason @catches:ads-quality-code:5 @catches:alters-actuals
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:4 @catches:declines-everything:1 @catches:duplicate-period:5
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender:5 @catches:lapsed-code:1
    @catches:local-days:5 @catches:m0-not-as-delivered:1 @catches:missing-period:5
    @catches:negative-consumption:5 @catches:no-appointment-response:1 @catches:no-consumption:4
    @catches:period-starts:5 @catches:reactive-mqid:5 @catches:refuses-appointment-confirmation:1
    @catches:requalifies-actuals @catches:reuse-reference:4 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type:5
    @warns:descending-periods:5 @warns:echo-wrong-contract:1
    Examples: a smart data service
      | segment | day | what |
      | smart | 2026-03-29 | the clock goes forward in Great Britain |

    @SDS @QT-SDS-200
    @catches:actual-with-reason @catches:ads-quality-code:5 @catches:alters-actuals
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:4 @catches:declines-everything:1 @catches:duplicate-period:5
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender:5 @catches:lapsed-code:1
    @catches:local-days:5 @catches:m0-not-as-delivered:1 @catches:missing-period:5
    @catches:negative-consumption:5 @catches:no-appointment-response:1 @catches:no-consumption:4
    @catches:period-starts:5 @catches:reactive-mqid:5 @catches:refuses-appointment-confirmation:1
    @catches:requalifies-actuals @catches:reuse-reference:4 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type:5
    @warns:descending-periods:5 @warns:echo-wrong-contract:1 @warns:midnight-with-offset:5
    Examples: a smart data service
      | segment | day | what |
      | smart | 2026-07-01 | a summer day |

    @SDS @QT-SDS-200
    @catches:actual-with-reason @catches:ads-quality-code:5 @catches:alters-actuals
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:4 @catches:declines-everything:1 @catches:duplicate-period:5
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender:5 @catches:lapsed-code:1
    @catches:local-days:4 @catches:m0-not-as-delivered:1 @catches:missing-period:5
    @catches:negative-consumption:5 @catches:no-appointment-response:1 @catches:no-consumption:4
    @catches:period-starts:5 @catches:reactive-mqid:5 @catches:refuses-appointment-confirmation:1
    @catches:requalifies-actuals @catches:reuse-reference:4 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type:5
    @warns:descending-periods:5 @warns:echo-wrong-contract:1 @warns:midnight-with-offset:5
    Examples: a smart data service
      | segment | day | what |
      | smart | 2026-10-25 | the clock goes back in Great Britain |

  Scenario Outline: A smart data service estimates the periods the meter data retriever did not give
    Given a <segment> MPAN the system has served since "2026-03-01"
    And the meter data retriever has sent the system the day "2026-07-01" without periods 20 to 23
    When the system is prompted to submit the consumption of "2026-07-01"
    Then the system submits the day's consumption to the Market-wide Data Service
    And the consumption keeps the settlement rules
    And the consumption passes the meter data retriever's actual periods on unchanged
    And the consumption estimates the periods the meter data retriever did not give

    @SDS @QT-SDS-201
    @catches:actual-with-reason:6 @catches:ads-quality-code:5 @catches:alters-actuals:6
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:4 @catches:declines-everything:1 @catches:drops-gaps:5
    @catches:duplicate-period:5 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:estimate-without-reason:5
    @catches:issuer-not-sender:5 @catches:lapsed-code:1 @catches:local-days:5
    @catches:m0-not-as-delivered:1 @catches:missing-period:5 @catches:negative-consumption:5
    @catches:no-appointment-response:1 @catches:no-consumption:4 @catches:period-starts:5
    @catches:reactive-mqid:5 @catches:refuses-appointment-confirmation:1
    @catches:requalifies-actuals:6 @catches:reuse-reference:4 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type:5
    @warns:descending-periods:5 @warns:echo-wrong-contract:1 @warns:estimate-as-e:5
    @warns:gap-reason-code @warns:midnight-with-offset:5
    Examples: a smart data service
      | segment |
      | smart   |

  Scenario Outline: A day of consumption on <day> (<what>) keeps the settlement rules
    Given a <segment> MPAN the system has served since "2026-03-01"
    When the system is prompted to submit the consumption of "<day>"
    Then the system submits the day's consumption to the Market-wide Data Service
    And the consumption keeps the settlement rules

    @ADS @QT-ADS-200
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:3 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender @catches:lapsed-code:1
    @catches:local-days @catches:m0-not-as-delivered:1 @catches:missing-period
    @catches:negative-consumption @catches:no-appointment-response:1 @catches:no-consumption:3
    @catches:period-starts @catches:reactive-mqid @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:3 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type
    @warns:actual-with-reason @warns:descending-periods @warns:echo-wrong-contract:1
    Examples: an advanced data service
      | segment | day | what |
      | advanced | 2026-03-29 | the clock goes forward in Great Britain |

    @ADS @QT-ADS-200
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:3 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender @catches:lapsed-code:1
    @catches:local-days @catches:m0-not-as-delivered:1 @catches:missing-period
    @catches:negative-consumption @catches:no-appointment-response:1 @catches:no-consumption:3
    @catches:period-starts @catches:reactive-mqid @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:3 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type
    @warns:actual-with-reason @warns:descending-periods @warns:echo-wrong-contract:1
    @warns:midnight-with-offset
    Examples: an advanced data service
      | segment | day | what |
      | advanced | 2026-07-01 | a summer day |

    @ADS @QT-ADS-200
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:3 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender @catches:lapsed-code:1
    @catches:local-days:3 @catches:m0-not-as-delivered:1 @catches:missing-period
    @catches:negative-consumption @catches:no-appointment-response:1 @catches:no-consumption:3
    @catches:period-starts @catches:reactive-mqid @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:3 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type
    @warns:actual-with-reason @warns:descending-periods @warns:echo-wrong-contract:1
    @warns:midnight-with-offset
    Examples: an advanced data service
      | segment | day | what |
      | advanced | 2026-10-25 | the clock goes back in Great Britain |

    @UMSDS @QT-UMSDS-200
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:3 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender @catches:lapsed-code:1
    @catches:local-days @catches:m0-not-as-delivered:1 @catches:missing-period
    @catches:negative-consumption @catches:no-appointment-response:1 @catches:no-consumption:3
    @catches:period-starts @catches:reactive-mqid @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:3 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type
    @warns:actual-with-reason @warns:descending-periods @warns:echo-wrong-contract:1
    Examples: an unmetered supplies data service
      | segment | day | what |
      | unmetered | 2026-03-29 | the clock goes forward in Great Britain |

    @UMSDS @QT-UMSDS-200
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:3 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender @catches:lapsed-code:1
    @catches:local-days @catches:m0-not-as-delivered:1 @catches:missing-period
    @catches:negative-consumption @catches:no-appointment-response:1 @catches:no-consumption:3
    @catches:period-starts @catches:reactive-mqid @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:3 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type
    @warns:actual-with-reason @warns:descending-periods @warns:echo-wrong-contract:1
    @warns:midnight-with-offset
    Examples: an unmetered supplies data service
      | segment | day | what |
      | unmetered | 2026-07-01 | a summer day |

    @UMSDS @QT-UMSDS-200
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:3 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender @catches:lapsed-code:1
    @catches:local-days:3 @catches:m0-not-as-delivered:1 @catches:missing-period
    @catches:negative-consumption @catches:no-appointment-response:1 @catches:no-consumption:3
    @catches:period-starts @catches:reactive-mqid @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:3 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type
    @warns:actual-with-reason @warns:descending-periods @warns:echo-wrong-contract:1
    @warns:midnight-with-offset
    Examples: an unmetered supplies data service
      | segment | day | what |
      | unmetered | 2026-10-25 | the clock goes back in Great Britain |
