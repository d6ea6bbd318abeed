@M7 @M8 @prompted
Feature: Act only within the appointment, and never meter an unmetered supply
  A metering service reports work only when it is dated inside its appointment: from PUB-036
  [MSAppActive]'s effective-from date to the effective-to date of a PUB-037 [MSDeApp]. A prompt
  for work outside it is declined (exit status 3), and nothing is submitted within the quiet
  period (M7). An unmetered supplies operator never reports meter work or reads (M8).

  Scenario Outline: Work dated before the appointment is declined
    Given a <segment> MPAN the system is appointed to
    When the system is prompted to <work>, dated before its appointment
    Then the system declines the work and submits nothing for the MPAN

    @MSS @QT-MSS-120
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:lapsed-code:1
    @catches:m0-not-as-delivered:1 @catches:no-appointment-response:1
    @catches:refuses-appointment-confirmation:1 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1 @catches:works-before-appointment
    Examples: MSS
      | segment | work                         |
      | smart   | install a meter on the MPAN  |

    @MSA @QT-MSA-120
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:lapsed-code:1
    @catches:m0-not-as-delivered:1 @catches:no-appointment-response:1
    @catches:refuses-appointment-confirmation:1 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1 @catches:works-before-appointment
    Examples: MSA
      | segment  | work                        |
      | advanced | install a meter on the MPAN |

    @UMSO @QT-UMSO-120
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:lapsed-code:1
    @catches:m0-not-as-delivered:1 @catches:no-appointment-response:1
    @catches:refuses-appointment-confirmation:1 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1 @catches:works-before-appointment
    Examples: UMSO
      | segment   | work                 |
      | unmetered | de-energise the MPAN |

  Scenario Outline: Work after a de-appointment is declined
    Given a <segment> MPAN the system is appointed to
    When the Registration Service de-appoints the system from the MPAN, effective five minutes ago
    And the system is prompted to <work>
    Then the system declines the work and submits nothing for the MPAN

    @MSS @QT-MSS-121
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:lapsed-code:1
    @catches:m0-not-as-delivered:1 @catches:no-appointment-response:1
    @catches:refuses-appointment-confirmation:1 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1 @catches:works-after-de-appointment
    Examples: MSS
      | segment | work                        |
      | smart   | install a meter on the MPAN |

    @MSA @QT-MSA-121
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:lapsed-code:1
    @catches:m0-not-as-delivered:1 @catches:no-appointment-response:1
    @catches:refuses-appointment-confirmation:1 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1 @catches:works-after-de-appointment
    Examples: MSA
      | segment  | work                        |
      | advanced | install a meter on the MPAN |

    @UMSO @QT-UMSO-121
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:lapsed-code:1
    @catches:m0-not-as-delivered:1 @catches:no-appointment-response:1
    @catches:refuses-appointment-confirmation:1 @catches:signs-url-as-is:1 @catches:slow-ack:1
    @catches:unsigned-submissions:1 @catches:works-after-de-appointment
    Examples: UMSO
      | segment   | work                |
      | unmetered | de-energise the MPAN |

  @UMSO @QT-UMSO-122
  @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
  @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
  @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:lapsed-code:1
  @catches:m0-not-as-delivered:1 @catches:meters-unmetered @catches:no-appointment-response:1
  @catches:refuses-appointment-confirmation:1 @catches:signs-url-as-is:1 @catches:slow-ack:1
  @catches:unsigned-submissions:1
  Scenario: An unmetered supplies operator reports no meter work
    Given an unmetered MPAN the system is appointed to
    When the system is prompted to install a meter on the MPAN
    Then the system declines the work and submits nothing for the MPAN
