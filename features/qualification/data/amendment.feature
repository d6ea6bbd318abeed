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
    And the system resubmits the consumption with the amendment
    And the consumption keeps the settlement rules

    @SDS @QT-SDS-230
    Examples: a smart data service
      | segment |
      | smart |

    @ADS @QT-ADS-230
    Examples: an advanced data service
      | segment |
      | advanced |

  Scenario Outline: An amendment for an MPAN the system does not serve is declined
    Given a <segment> MPAN the system has served since "2026-03-01"
    When the supplier asks the system to amend the consumption of an MPAN it does not serve
    Then the system declines the amendment

    @SDS @QT-SDS-231
    Examples: a smart data service
      | segment |
      | smart |

    @ADS @QT-ADS-231
    Examples: an advanced data service
      | segment |
      | advanced |
