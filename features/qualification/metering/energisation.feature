@M6 @prompted
Feature: Report energisation outcomes
  Prompted to de-energise or energise an MPAN it serves, the metering service reports the
  outcome to the Registration Service: IF-007 [EnergisationStatusChange] with the status asked
  and the work's date and time when the work was done, IF-007 [EnergisationStatusFailure] to
  the Registration Service and the requesting supplier, with the prompt's reason, when it
  failed (M6). A smart or advanced metering service also sends the data service the read of
  the change (M5).

  Scenario Outline: A de-energisation is reported with its read
    Given a <segment> MPAN the system is appointed to
    And a meter the system installed on the MPAN
    When the system is prompted to de-energise the MPAN
    Then the system reports energisation status "D" to the Registration Service
    And the system sends the data service the [ReadingEnergisationChg] read of the work

    @MSS @QT-MSS-110
    Examples: MSS
      | segment |
      | smart   |

    @MSA @QT-MSA-110
    Examples: MSA
      | segment  |
      | advanced |

  @UMSO @QT-UMSO-110
  Scenario: An unmetered supply's de-energisation is reported
    Given an unmetered MPAN the system is appointed to
    When the system is prompted to de-energise the MPAN
    Then the system reports energisation status "D" to the Registration Service

  Scenario Outline: A failed de-energisation is reported to the Registration Service and the supplier
    Given a <segment> MPAN the system is appointed to
    When the system is prompted to de-energise the MPAN, and the work fails with reason "02"
    Then the system reports the failed energisation to the Registration Service and the supplier

    @MSS @QT-MSS-111
    Examples: MSS
      | segment |
      | smart   |

    @MSA @QT-MSA-111
    Examples: MSA
      | segment  |
      | advanced |

    @UMSO @QT-UMSO-111
    Examples: UMSO
      | segment   |
      | unmetered |
