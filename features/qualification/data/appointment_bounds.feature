@D4 @prompted
Feature: Submit consumption only inside the appointment
  A data service submits consumption only for the periods of its appointment: none that ends
  before the appointment starts (CONTRACT-ROLES.md §6.3 D5 C15), none that ends after the
  effective-to date of a de-appointment (D4). A day that lies partly inside the appointment
  is submitted for its appointed periods; a prompt for a day wholly outside it is declined
  (exit status 3) and nothing is submitted within the quiet period.

  Scenario Outline: A day on which the appointment starts is submitted from the start only
    Given a <segment> MPAN the system has served since "2026-07-01T12:00:00+00:00"
    When the system is prompted to submit the consumption of "2026-07-01"
    Then the system submits the day's consumption to the Market-wide Data Service
    And the consumption keeps the settlement rules

    @SDS @QT-SDS-210
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:3 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:estimate-without-reason @catches:issuer-not-sender
    @catches:lapsed-code:1 @catches:local-days @catches:m0-not-as-delivered:1
    @catches:negative-consumption @catches:no-appointment-response:1 @catches:no-consumption:3
    @catches:outside-appointment @catches:period-starts @catches:reactive-mqid
    @catches:refuses-appointment-confirmation:1 @catches:reuse-reference:3
    @catches:signs-url-as-is:1 @catches:slow-ack:1 @catches:unsigned-submissions:1
    @catches:wrong-connection-type @warns:descending-periods @warns:echo-wrong-contract:1
    @warns:estimate-as-e @warns:midnight-with-offset
    Examples: a smart data service
      | segment |
      | smart |

    @ADS @QT-ADS-210
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:3 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender @catches:lapsed-code:1
    @catches:local-days @catches:m0-not-as-delivered:1 @catches:negative-consumption
    @catches:no-appointment-response:1 @catches:no-consumption:3 @catches:outside-appointment
    @catches:period-starts @catches:reactive-mqid @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:3 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type
    @warns:actual-with-reason @warns:descending-periods @warns:echo-wrong-contract:1
    @warns:midnight-with-offset
    Examples: an advanced data service
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-210
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:3 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender @catches:lapsed-code:1
    @catches:local-days @catches:m0-not-as-delivered:1 @catches:negative-consumption
    @catches:no-appointment-response:1 @catches:no-consumption:3 @catches:outside-appointment
    @catches:period-starts @catches:reactive-mqid @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:3 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type
    @warns:actual-with-reason @warns:descending-periods @warns:echo-wrong-contract:1
    @warns:midnight-with-offset
    Examples: an unmetered supplies data service
      | segment |
      | unmetered |

  Scenario Outline: A day on which the appointment ends is submitted up to its end only
    Given a <segment> MPAN the system has served since "2026-03-01"
    When the Registration Service de-appoints the system from the MPAN from "2026-07-02T12:00:00+00:00"
    And the system is prompted to submit the consumption of "2026-07-02"
    Then the system submits the day's consumption to the Market-wide Data Service
    And the consumption keeps the settlement rules

    @SDS @QT-SDS-211
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:4 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:estimate-without-reason @catches:issuer-not-sender
    @catches:lapsed-code:1 @catches:local-days @catches:m0-not-as-delivered:1
    @catches:negative-consumption @catches:no-appointment-response:1 @catches:no-consumption:4
    @catches:outside-appointment @catches:period-starts @catches:reactive-mqid
    @catches:refuses-appointment-confirmation:1 @catches:reuse-reference:4
    @catches:signs-url-as-is:1 @catches:slow-ack:1 @catches:submits-after-de-appointment
    @catches:unsigned-submissions:1 @catches:wrong-connection-type @warns:descending-periods
    @warns:echo-wrong-contract:1 @warns:estimate-as-e @warns:midnight-with-offset
    Examples: a smart data service
      | segment |
      | smart |

    @ADS @QT-ADS-211
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:4 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender @catches:lapsed-code:1
    @catches:local-days @catches:m0-not-as-delivered:1 @catches:negative-consumption
    @catches:no-appointment-response:1 @catches:no-consumption:4 @catches:outside-appointment
    @catches:period-starts @catches:reactive-mqid @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:4 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:submits-after-de-appointment @catches:unsigned-submissions:1
    @catches:wrong-connection-type @warns:actual-with-reason @warns:descending-periods
    @warns:echo-wrong-contract:1 @warns:midnight-with-offset
    Examples: an advanced data service
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-211
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:4 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender @catches:lapsed-code:1
    @catches:local-days @catches:m0-not-as-delivered:1 @catches:negative-consumption
    @catches:no-appointment-response:1 @catches:no-consumption:4 @catches:outside-appointment
    @catches:period-starts @catches:reactive-mqid @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:4 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:submits-after-de-appointment @catches:unsigned-submissions:1
    @catches:wrong-connection-type @warns:actual-with-reason @warns:descending-periods
    @warns:echo-wrong-contract:1 @warns:midnight-with-offset
    Examples: an unmetered supplies data service
      | segment |
      | unmetered |

  Scenario Outline: A day before the appointment is declined
    Given a <segment> MPAN the system has served since "2026-07-01"
    When the system is prompted to submit the consumption of "2026-06-30"
    Then the system declines the work and submits nothing for the MPAN

    @SDS @QT-SDS-212
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:lapsed-code:1
    @catches:m0-not-as-delivered:1 @catches:no-appointment-response:1
    @catches:refuses-appointment-confirmation:1 @catches:serves-unappointed-day
    @catches:signs-url-as-is:1 @catches:slow-ack:1 @catches:unsigned-submissions:1
    @warns:echo-wrong-contract:1
    Examples: a smart data service
      | segment |
      | smart |

    @ADS @QT-ADS-212
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:lapsed-code:1
    @catches:m0-not-as-delivered:1 @catches:no-appointment-response:1
    @catches:refuses-appointment-confirmation:1 @catches:sends-mdr-nomination:1
    @catches:serves-unappointed-day @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1 @warns:echo-wrong-contract:1
    Examples: an advanced data service
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-212
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:lapsed-code:1
    @catches:m0-not-as-delivered:1 @catches:no-appointment-response:1
    @catches:refuses-appointment-confirmation:1 @catches:sends-mdr-nomination:1
    @catches:serves-unappointed-day @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1 @warns:echo-wrong-contract:1
    Examples: an unmetered supplies data service
      | segment |
      | unmetered |
