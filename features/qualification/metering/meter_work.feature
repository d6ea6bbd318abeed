@M4 @M5 @prompted
Feature: Report meter work to the Registration Service, and its reads to the data service
  Prompted with meter work on an MPAN it is appointed to, a smart or advanced metering service
  reports it to the Registration Service with IF-005, with the prompt's values, breaking none
  of the Registration Service's meter technical details rules (M4), and sends the appointed
  data service the reads of the work with IF-041: an actual read (readingMethod A) of the
  meter concerned, at the work's date and time (M5).

  Scenario Outline: A meter installation is reported, with its install read
    Given a <segment> MPAN the system is appointed to
    When the system is prompted to install a meter on the MPAN
    Then the system reports the meter work to the Registration Service as [MeterInstall], with the prompt's values
    And the Registration Service accepts the meter work
    And the system sends the data service the [ReadingInstl] read of the work

    @MSS @QT-MSS-100
    Examples: MSS
      | segment |
      | smart   |

    @MSA @QT-MSA-100
    Examples: MSA
      | segment  |
      | advanced |

  Scenario Outline: A meter removal is reported, with its removal read
    Given a <segment> MPAN the system is appointed to
    And a meter the system installed on the MPAN
    When the system is prompted to remove the meter
    Then the system reports the meter work to the Registration Service as [MeterRemoval], with the prompt's values
    And the Registration Service accepts the meter work
    And the system sends the data service the [ReadingRemv] read of the work

    @MSS @QT-MSS-101
    Examples: MSS
      | segment |
      | smart   |

    @MSA @QT-MSA-101
    Examples: MSA
      | segment  |
      | advanced |

  Scenario Outline: A meter exchange is reported, with the removal read and then the install read
    Given a <segment> MPAN the system is appointed to
    And a meter the system installed on the MPAN
    When the system is prompted to exchange the meter
    Then the system reports the meter work to the Registration Service as [MeterExchange], with the prompt's values
    And the Registration Service accepts the meter work
    And the system sends the data service the [ReadingRemv] read of the work
    And the system sends the data service the [ReadingInstl] read of the work

    @MSS @QT-MSS-102
    Examples: MSS
      | segment |
      | smart   |

    @MSA @QT-MSA-102
    Examples: MSA
      | segment  |
      | advanced |

  Scenario Outline: A corrected meter ID is reported
    Given a <segment> MPAN the system is appointed to
    And a meter the system installed on the MPAN
    When the system is prompted to correct the meter's ID
    Then the system reports the meter work to the Registration Service as [MeterUpdate], with the prompt's values
    And the Registration Service accepts the meter work

    @MSS @QT-MSS-103
    Examples: MSS
      | segment |
      | smart   |

    @MSA @QT-MSA-103
    Examples: MSA
      | segment  |
      | advanced |
