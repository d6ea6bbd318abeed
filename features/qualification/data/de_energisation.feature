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
    Examples: an advanced data service
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-220
    Examples: an unmetered supplies data service
      | segment |
      | unmetered |
