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
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-050
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-050
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
    Examples: a smart data service
      | segment |
      | smart |

    @ADS @QT-ADS-051
    Examples: an advanced data service
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-051
    Examples: an unmetered supplies data service
      | segment |
      | unmetered |
