@G5
Feature: Survive DIP faults
  A submission answered 503 or 429 is resubmitted within the retry timeout until accepted,
  as the same message, and is accepted once only; a submission answered 400 is not
  resubmitted unchanged (CONTRACT-ROLES.md §6.1 G5).

  Scenario Outline: An outage (503) is ridden out
    Given a <segment> MPAN
    And the DIP answers the next 1 submission of IF-034 with 503
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN
    Then the DIP answered a submission of IF-034 with 503
    And the system resubmits it within the retry timeout and the DIP accepts it once

    @SDS @QT-SDS-060
    @catches:bad-timestamp @catches:no-appointment-response:4 @catches:no-retry
    @catches:retry-new-reference @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-060
    @catches:bad-timestamp @catches:no-appointment-response:4 @catches:no-retry
    @catches:retry-new-reference @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-060
    @catches:bad-timestamp @catches:no-appointment-response:4 @catches:no-retry
    @catches:retry-new-reference @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
    Examples: UMSDS
      | segment |
      | unmetered |

  Scenario Outline: Throttling (429) is ridden out
    Given a <segment> MPAN
    And the DIP answers the next 2 submissions of IF-034 with 429
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN
    Then the DIP answered a submission of IF-034 with 429
    And the system resubmits it within the retry timeout and the DIP accepts it once

    @SDS @QT-SDS-061
    @catches:bad-timestamp @catches:no-appointment-response:4 @catches:no-retry
    @catches:retry-new-reference @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-061
    @catches:bad-timestamp @catches:no-appointment-response:4 @catches:no-retry
    @catches:retry-new-reference @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-061
    @catches:bad-timestamp @catches:no-appointment-response:4 @catches:no-retry
    @catches:retry-new-reference @catches:signs-url-as-is:4 @catches:unsigned-submissions:4
    Examples: UMSDS
      | segment |
      | unmetered |

  Scenario Outline: A refused submission is not resubmitted unchanged
    Given a <segment> MPAN
    And the DIP answers the next 1 submission of IF-034 with 400
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN
    Then the DIP answered a submission of IF-034 with 400
    And the system does not resubmit it unchanged

    @SDS @QT-SDS-062
    @catches:no-appointment-response:4 @catches:resubmit-on-400 @catches:signs-url-as-is:4
    @catches:unsigned-submissions:4
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-062
    @catches:no-appointment-response:4 @catches:resubmit-on-400 @catches:signs-url-as-is:4
    @catches:unsigned-submissions:4
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-062
    @catches:no-appointment-response:4 @catches:resubmit-on-400 @catches:signs-url-as-is:4
    @catches:unsigned-submissions:4
    Examples: UMSDS
      | segment |
      | unmetered |
