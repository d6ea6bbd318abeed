@M4 @M5 @prompted
Feature: Report meter work to the Registration Service, and its reads to the data service
  Prompted with meter work on an MPAN it is appointed to, a smart or advanced metering service
  reports it to the Registration Service with IF-005, with the prompt's values, breaking none
  of the Registration Service's meter technical details rules (M4: judged on the installation,
  where a system can break them while following the prompt), and sends the appointed
  data service the reads of the work with IF-041: an actual read (readingMethod A) of the
  meter concerned, at the work's date and time (M5).

  Scenario Outline: A meter installation is reported, with its install read
    Given a <segment> MPAN the system is appointed to
    When the system is prompted to install a meter on the MPAN
    Then the system reports the meter work to the Registration Service as [MeterInstall], with the prompt's values
    And the Registration Service accepts the meter work
    And the system sends the data service the [ReadingInstl] read of the work

    @MSS @QT-MSS-100
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:empty-read-list
    @catches:estimated-read @catches:future-dated-work:3 @catches:install-as-update:3
    @catches:lapsed-code:1 @catches:m0-not-as-delivered:1 @catches:map-before-install:4
    @catches:meter-id-altered:3 @catches:modified-id-on-install:4
    @catches:no-appointment-response:1 @catches:no-esme-guid:3 @catches:no-meter-report:3
    @catches:no-read @catches:no-register-digits:3 @catches:read-at-send-time
    @catches:refuses-appointment-confirmation:1 @catches:reuse-reference:3
    @catches:signs-url-as-is:1 @catches:slow-ack:1 @catches:unsigned-submissions:1
    Examples: MSS
      | segment |
      | smart   |

    @MSA @QT-MSA-100
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:empty-read-list
    @catches:estimated-read @catches:future-dated-work:3 @catches:install-as-update:3
    @catches:lapsed-code:1 @catches:m0-not-as-delivered:1 @catches:map-before-install:4
    @catches:meter-id-altered:3 @catches:modified-id-on-install:4
    @catches:no-appointment-response:1 @catches:no-meter-report:3 @catches:no-read
    @catches:no-register-digits:3 @catches:read-at-send-time
    @catches:refuses-appointment-confirmation:1 @catches:reuse-reference:3
    @catches:signs-url-as-is:1 @catches:slow-ack:1 @catches:unsigned-submissions:1
    Examples: MSA
      | segment  |
      | advanced |

  Scenario Outline: A meter removal is reported, with its removal read
    Given a <segment> MPAN the system is appointed to
    And a meter the system installed on the MPAN
    When the system is prompted to remove the meter
    Then the system reports the meter work to the Registration Service as [MeterRemoval], with the prompt's values
    And the system sends the data service the [ReadingRemv] read of the work

    @MSS @QT-MSS-101
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:empty-read-list
    @catches:estimated-read @catches:future-dated-work:2 @catches:install-as-update:2
    @catches:lapsed-code:1 @catches:m0-not-as-delivered:1 @catches:map-before-install:2
    @catches:meter-id-altered:2 @catches:modified-id-on-install:2
    @catches:no-appointment-response:1 @catches:no-esme-guid:2 @catches:no-meter-report:2
    @catches:no-read @catches:no-register-digits:2 @catches:read-at-send-time
    @catches:refuses-appointment-confirmation:1 @catches:removal-dated-a-day-early:4
    @catches:reuse-reference:2 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1
    Examples: MSS
      | segment |
      | smart   |

    @MSA @QT-MSA-101
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:empty-read-list
    @catches:estimated-read @catches:future-dated-work:2 @catches:install-as-update:2
    @catches:lapsed-code:1 @catches:m0-not-as-delivered:1 @catches:map-before-install:2
    @catches:meter-id-altered:2 @catches:modified-id-on-install:2
    @catches:no-appointment-response:1 @catches:no-meter-report:2 @catches:no-read
    @catches:no-register-digits:2 @catches:read-at-send-time
    @catches:refuses-appointment-confirmation:1 @catches:removal-dated-a-day-early:4
    @catches:reuse-reference:2 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1
    Examples: MSA
      | segment  |
      | advanced |

  Scenario Outline: A meter exchange is reported, with the removal read and then the install read
    Given a <segment> MPAN the system is appointed to
    And a meter the system installed on the MPAN
    When the system is prompted to exchange the meter
    Then the system reports the meter work to the Registration Service as [MeterExchange], with the prompt's values
    And the system sends the data service the [ReadingRemv] read of the work
    And the system sends the data service the [ReadingInstl] read of the work

    @MSS @QT-MSS-102
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:empty-read-list:5
    @catches:estimated-read:5 @catches:exchange-reported-as-install:4
    @catches:future-dated-work:2 @catches:install-as-update:2 @catches:lapsed-code:1
    @catches:m0-not-as-delivered:1 @catches:map-before-install:2 @catches:meter-id-altered:2
    @catches:modified-id-on-install:2 @catches:no-appointment-response:1 @catches:no-esme-guid:2
    @catches:no-install-read-on-exchange @catches:no-meter-report:2 @catches:no-read:5
    @catches:no-register-digits:2 @catches:read-at-send-time:5
    @catches:refuses-appointment-confirmation:1 @catches:removal-dated-a-day-early:4
    @catches:reuse-reference:2 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1
    Examples: MSS
      | segment |
      | smart   |

    @MSA @QT-MSA-102
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:empty-read-list:5
    @catches:estimated-read:5 @catches:exchange-reported-as-install:4
    @catches:future-dated-work:2 @catches:install-as-update:2 @catches:lapsed-code:1
    @catches:m0-not-as-delivered:1 @catches:map-before-install:2 @catches:meter-id-altered:2
    @catches:modified-id-on-install:2 @catches:no-appointment-response:1
    @catches:no-install-read-on-exchange @catches:no-meter-report:2 @catches:no-read:5
    @catches:no-register-digits:2 @catches:read-at-send-time:5
    @catches:refuses-appointment-confirmation:1 @catches:removal-dated-a-day-early:4
    @catches:reuse-reference:2 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1
    Examples: MSA
      | segment  |
      | advanced |

  Scenario Outline: A corrected meter ID is reported
    Given a <segment> MPAN the system is appointed to
    And a meter the system installed on the MPAN
    When the system is prompted to correct the meter's ID
    Then the system reports the meter work to the Registration Service as [MeterUpdate], with the prompt's values

    @MSS @QT-MSS-103
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:correction-without-new-id @catches:declines-everything:1
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:future-dated-work:2 @catches:install-as-update:2
    @catches:lapsed-code:1 @catches:m0-not-as-delivered:1 @catches:map-before-install:2
    @catches:meter-id-altered:2 @catches:modified-id-on-install:2
    @catches:no-appointment-response:1 @catches:no-esme-guid:2 @catches:no-meter-report:2
    @catches:no-register-digits:2 @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:2 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1
    Examples: MSS
      | segment |
      | smart   |

    @MSA @QT-MSA-103
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:correction-without-new-id @catches:declines-everything:1
    @catches:echo-drops-registration:1 @catches:echo-wrong-date:1 @catches:echo-wrong-scenario:1
    @catches:echo-wrong-supplier:1 @catches:future-dated-work:2 @catches:install-as-update:2
    @catches:lapsed-code:1 @catches:m0-not-as-delivered:1 @catches:map-before-install:2
    @catches:meter-id-altered:2 @catches:modified-id-on-install:2
    @catches:no-appointment-response:1 @catches:no-meter-report:2 @catches:no-register-digits:2
    @catches:refuses-appointment-confirmation:1 @catches:reuse-reference:2
    @catches:signs-url-as-is:1 @catches:slow-ack:1 @catches:unsigned-submissions:1
    Examples: MSA
      | segment  |
      | advanced |
