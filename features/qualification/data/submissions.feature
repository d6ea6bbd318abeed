@G4
Feature: Well-formed submissions
  Every message the system submits is valid against its interface's schema and passes the
  DIP's checks and the market's rules: channel, sender, role SDS, ADS or UMSDS, environment,
  DT-995 reference never reused, DT-003 timestamp not in the future, M0 as delivered
  (CONTRACT-ROLES.md §6.1 G4). A reference whose interface, DIP ID or role segment differs
  from S0/S1 is a warning, not a failure.

  @warns:reference-names-other-role
  Scenario Outline: The answer to an appointment request is well formed
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN
    Then the system submits IF-034 [DSAppSPResponse] for the MPAN within the response timeout, whatever the DIP answers
    And every submission passes the DIP's checks and the market rules

    @SDS @QT-SDS-050
    @catches:bad-timestamp @catches:m0-not-as-delivered @catches:no-appointment-response:3
    @catches:reuse-reference @catches:signs-url-as-is @catches:unsigned-submissions
    @catches:wrong-environment-tag @warns:reference-names-other-role
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-050
    @catches:bad-timestamp @catches:m0-not-as-delivered @catches:no-appointment-response:3
    @catches:signs-url-as-is @catches:unsigned-submissions @catches:wrong-environment-tag
    @warns:reference-names-other-role
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-050
    @catches:bad-timestamp @catches:m0-not-as-delivered @catches:no-appointment-response:3
    @catches:signs-url-as-is @catches:unsigned-submissions @catches:wrong-environment-tag
    @warns:reference-names-other-role
    Examples: UMSDS
      | segment |
      | unmetered |

  @prompted
  Scenario Outline: A day of consumption is well formed
    Given a <segment> MPAN the system has served since "2026-03-01"
    When the system is prompted to submit the consumption of "2026-07-01"
    Then the system submits the day's consumption to the Market-wide Data Service
    And every submission passes the DIP's checks and the market rules

    @SDS @QT-SDS-051
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:3 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:estimate-without-reason @catches:issuer-not-sender
    @catches:lapsed-code:1 @catches:local-days @catches:m0-not-as-delivered:1
    @catches:missing-period @catches:negative-consumption @catches:no-appointment-response:1
    @catches:no-consumption:3 @catches:period-starts @catches:reactive-mqid
    @catches:refuses-appointment-confirmation:1 @catches:reuse-reference:3
    @catches:signs-url-as-is:1 @catches:slow-ack:1 @catches:unsigned-submissions:1
    @catches:wrong-connection-type @catches:wrong-environment-tag @warns:descending-periods
    @warns:echo-wrong-contract:1 @warns:estimate-as-e @warns:midnight-with-offset
    @warns:reference-names-other-role
    Examples: a smart data service
      | segment |
      | smart |

    @ADS @QT-ADS-051
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:3 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender @catches:lapsed-code:1
    @catches:local-days @catches:m0-not-as-delivered:1 @catches:missing-period
    @catches:negative-consumption @catches:no-appointment-response:1 @catches:no-consumption:3
    @catches:period-starts @catches:reactive-mqid @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:3 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type
    @catches:wrong-environment-tag @warns:actual-with-reason @warns:descending-periods
    @warns:echo-wrong-contract:1 @warns:midnight-with-offset @warns:reference-names-other-role
    Examples: an advanced data service
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-051
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:consumption-to-supplier:3 @catches:declines-everything:1 @catches:duplicate-period
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:issuer-not-sender @catches:lapsed-code:1
    @catches:local-days @catches:m0-not-as-delivered:1 @catches:missing-period
    @catches:negative-consumption @catches:no-appointment-response:1 @catches:no-consumption:3
    @catches:period-starts @catches:reactive-mqid @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:3 @catches:sends-mdr-nomination:1 @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @catches:wrong-connection-type
    @catches:wrong-environment-tag @warns:actual-with-reason @warns:descending-periods
    @warns:echo-wrong-contract:1 @warns:midnight-with-offset @warns:reference-names-other-role
    Examples: an unmetered supplies data service
      | segment |
      | unmetered |
