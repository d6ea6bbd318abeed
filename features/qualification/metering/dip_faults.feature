@G5
Feature: Survive DIP faults
  A submission answered 503 or 429 is resubmitted within the retry timeout until accepted,
  as the same message, and is accepted once only; a submission answered 400 is not
  resubmitted unchanged (CONTRACT-ROLES.md §6.1 G5).

  Scenario Outline: An outage (503) is ridden out
    Given a <segment> MPAN
    And the DIP answers the next 1 submission of IF-034 with 503
    When the Registration Service delivers PUB-033 [MSAppSPRequest] for the MPAN
    Then the DIP answered a submission of IF-034 with 503
    And the system resubmits it within the retry timeout and the DIP accepts it once

    @MSS @QT-MSS-060
    @catches:bad-timestamp @catches:no-appointment-response:4 @catches:no-retry
    @catches:retry-new-reference @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
    Examples: MSS
      | segment |
      | smart |

    @MSA @QT-MSA-060
    @catches:bad-timestamp @catches:no-appointment-response:4 @catches:no-retry
    @catches:retry-new-reference @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
    Examples: MSA
      | segment |
      | advanced |

    @UMSO @QT-UMSO-060
    @catches:bad-timestamp @catches:no-appointment-response:4 @catches:no-retry
    @catches:retry-new-reference @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
    Examples: UMSO
      | segment |
      | unmetered |

  Scenario Outline: Throttling (429) is ridden out
    Given a <segment> MPAN
    And the DIP answers the next 2 submissions of IF-034 with 429
    When the Registration Service delivers PUB-033 [MSAppSPRequest] for the MPAN
    Then the DIP answered a submission of IF-034 with 429
    And the system resubmits it within the retry timeout and the DIP accepts it once

    @MSS @QT-MSS-061
    @catches:bad-timestamp @catches:no-appointment-response:4 @catches:no-retry
    @catches:retry-new-reference @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
    Examples: MSS
      | segment |
      | smart |

    @MSA @QT-MSA-061
    @catches:bad-timestamp @catches:no-appointment-response:4 @catches:no-retry
    @catches:retry-new-reference @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
    Examples: MSA
      | segment |
      | advanced |

    @UMSO @QT-UMSO-061
    @catches:bad-timestamp @catches:no-appointment-response:4 @catches:no-retry
    @catches:retry-new-reference @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
    Examples: UMSO
      | segment |
      | unmetered |

  Scenario Outline: A refused submission is not resubmitted unchanged
    Given a <segment> MPAN
    And the DIP answers the next 1 submission of IF-034 with 400
    When the Registration Service delivers PUB-033 [MSAppSPRequest] for the MPAN
    Then the DIP answered a submission of IF-034 with 400
    And the system does not resubmit it unchanged

    @MSS @QT-MSS-062
    @catches:no-appointment-response:4 @catches:resubmit-on-400 @catches:signs-url-as-is:4
    @catches:unsigned-submissions:4
    Examples: MSS
      | segment |
      | smart |

    @MSA @QT-MSA-062
    @catches:no-appointment-response:4 @catches:resubmit-on-400 @catches:signs-url-as-is:4
    @catches:unsigned-submissions:4
    Examples: MSA
      | segment |
      | advanced |

    @UMSO @QT-UMSO-062
    @catches:no-appointment-response:4 @catches:resubmit-on-400 @catches:signs-url-as-is:4
    @catches:unsigned-submissions:4
    Examples: UMSO
      | segment |
      | unmetered |
