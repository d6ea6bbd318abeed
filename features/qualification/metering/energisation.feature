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
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:empty-read-list
    @catches:estimated-read @catches:future-dated-work:2 @catches:install-as-update:2
    @catches:lapsed-code:1 @catches:m0-not-as-delivered:1 @catches:map-before-install:2
    @catches:meter-id-altered:2 @catches:modified-id-on-install:2
    @catches:no-appointment-response:1 @catches:no-energisation-report:4 @catches:no-esme-guid:2
    @catches:no-meter-report:2 @catches:no-read @catches:no-register-digits:2
    @catches:read-at-send-time @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:2 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:undefined-energisation:4 @catches:unsigned-submissions:1
    Examples: MSS
      | segment |
      | smart   |

    @MSA @QT-MSA-110
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:empty-read-list
    @catches:estimated-read @catches:future-dated-work:2 @catches:install-as-update:2
    @catches:lapsed-code:1 @catches:m0-not-as-delivered:1 @catches:map-before-install:2
    @catches:meter-id-altered:2 @catches:modified-id-on-install:2
    @catches:no-appointment-response:1 @catches:no-energisation-report:4
    @catches:no-meter-report:2 @catches:no-read @catches:no-register-digits:2
    @catches:read-at-send-time @catches:refuses-appointment-confirmation:1
    @catches:reuse-reference:2 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:undefined-energisation:4 @catches:unsigned-submissions:1
    Examples: MSA
      | segment  |
      | advanced |

  @UMSO @QT-UMSO-110
  @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
  @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
  @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:lapsed-code:1
  @catches:m0-not-as-delivered:1 @catches:no-appointment-response:1
  @catches:no-energisation-report @catches:refuses-appointment-confirmation:1
  @catches:reuse-reference @catches:signs-url-as-is:1 @catches:slow-ack:1
  @catches:undefined-energisation @catches:unsigned-submissions:1
  Scenario: An unmetered supply's de-energisation is reported
    Given an unmetered MPAN the system is appointed to
    When the system is prompted to de-energise the MPAN
    Then the system reports energisation status "D" to the Registration Service

  Scenario Outline: A failed de-energisation is reported to the Registration Service and the supplier
    Given a <segment> MPAN the system is appointed to
    When the system is prompted to de-energise the MPAN, and the work fails with reason "02"
    Then the system reports the failed energisation to the Registration Service and the supplier

    @MSS @QT-MSS-111
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1
    @catches:failure-not-to-supplier @catches:lapsed-code:1 @catches:m0-not-as-delivered:1
    @catches:no-appointment-response:1 @catches:no-energisation-report
    @catches:refuses-appointment-confirmation:1 @catches:reuse-reference
    @catches:signs-url-as-is:1 @catches:slow-ack:1 @catches:unsigned-submissions:1
    Examples: MSS
      | segment |
      | smart   |

    @MSA @QT-MSA-111
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1
    @catches:failure-not-to-supplier @catches:lapsed-code:1 @catches:m0-not-as-delivered:1
    @catches:no-appointment-response:1 @catches:no-energisation-report
    @catches:refuses-appointment-confirmation:1 @catches:reuse-reference
    @catches:signs-url-as-is:1 @catches:slow-ack:1 @catches:unsigned-submissions:1
    Examples: MSA
      | segment  |
      | advanced |

    @UMSO @QT-UMSO-111
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1
    @catches:failure-not-to-supplier @catches:lapsed-code:1 @catches:m0-not-as-delivered:1
    @catches:no-appointment-response:1 @catches:no-energisation-report
    @catches:refuses-appointment-confirmation:1 @catches:reuse-reference
    @catches:signs-url-as-is:1 @catches:slow-ack:1 @catches:unsigned-submissions:1
    Examples: UMSO
      | segment   |
      | unmetered |
