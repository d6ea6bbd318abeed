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
    Examples: a smart data service
      | segment |
      | smart |

    @ADS @QT-ADS-210
    Examples: an advanced data service
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-210
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
    Examples: a smart data service
      | segment |
      | smart |

    @ADS @QT-ADS-211
    Examples: an advanced data service
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-211
    Examples: an unmetered supplies data service
      | segment |
      | unmetered |

  Scenario Outline: A day before the appointment is declined
    Given a <segment> MPAN the system has served since "2026-07-01"
    When the system is prompted to submit the consumption of "2026-06-30"
    Then the system declines the work and submits nothing for the MPAN

    @SDS @QT-SDS-212
    Examples: a smart data service
      | segment |
      | smart |

    @ADS @QT-ADS-212
    Examples: an advanced data service
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-212
    Examples: an unmetered supplies data service
      | segment |
      | unmetered |
