@D2 @D1
Feature: Decline what it cannot serve
  A request for an MPAN of another market segment, or from a supplier the system holds no
  contract with, is declined: 400 with an RCP code, or IF-034 with responseCode R and an SP
  code (CONTRACT-ROLES.md §6.3 D2, as §6.2 M3). SP005 and SP001 are the codes for them. A
  smart data service also declines a supplier's nomination of a meter data retriever the
  market does not know, with DS001 (another code is a warning). An R never carries SP000.

  Scenario Outline: A request for a <segment> MPAN is declined
    Given a <segment> MPAN
    When the Registration Service asks the system to be the data service of the MPAN
    Then the system declines the appointment request, giving "SP005"

    @SDS @QT-SDS-010
    @catches:answers-the-supplier @catches:bad-timestamp @catches:m0-not-as-delivered
    @catches:no-appointment-response @catches:serves-any-segment @catches:signs-url-as-is
    @catches:silent-on-decline @catches:unsigned-submissions
    Examples: a smart data service
      | segment   |
      | advanced  |
      | unmetered |

    @ADS @QT-ADS-010
    @catches:answers-the-supplier @catches:bad-timestamp @catches:m0-not-as-delivered
    @catches:no-appointment-response @catches:serves-any-segment @catches:signs-url-as-is
    @catches:silent-on-decline @catches:unsigned-submissions
    Examples: an advanced data service
      | segment   |
      | smart     |
      | unmetered |

    @UMSDS @QT-UMSDS-010
    @catches:answers-the-supplier @catches:bad-timestamp @catches:m0-not-as-delivered
    @catches:no-appointment-response @catches:serves-any-segment @catches:signs-url-as-is
    @catches:silent-on-decline @catches:unsigned-submissions
    Examples: an unmetered supplies data service
      | segment  |
      | smart    |
      | advanced |

  Scenario Outline: A request from a supplier without a contract is declined
    Given a <segment> MPAN
    When the Registration Service asks the system to be the data service of the MPAN for a supplier it holds no contract with
    Then the system declines the appointment request, giving "SP001"

    @SDS @QT-SDS-011
    @catches:answers-the-supplier @catches:bad-timestamp @catches:m0-not-as-delivered
    @catches:no-appointment-response @catches:serves-any-supplier @catches:signs-url-as-is
    @catches:silent-on-decline @catches:unsigned-submissions
    Examples: a smart data service
      | segment |
      | smart   |

    @ADS @QT-ADS-011
    @catches:answers-the-supplier @catches:bad-timestamp @catches:m0-not-as-delivered
    @catches:no-appointment-response @catches:serves-any-supplier @catches:signs-url-as-is
    @catches:silent-on-decline @catches:unsigned-submissions
    Examples: an advanced data service
      | segment  |
      | advanced |

    @UMSDS @QT-UMSDS-011
    @catches:answers-the-supplier @catches:bad-timestamp @catches:m0-not-as-delivered
    @catches:no-appointment-response @catches:serves-any-supplier @catches:signs-url-as-is
    @catches:silent-on-decline @catches:unsigned-submissions
    Examples: an unmetered supplies data service
      | segment   |
      | unmetered |

  Scenario Outline: A nomination of a meter data retriever the market does not know is declined
    Given a <segment> MPAN
    When the Registration Service asks the system to be the data service of the MPAN, nominating a meter data retriever the market does not know
    Then the system declines the appointment request, giving "DS001"

    @SDS @QT-SDS-012
    @catches:accepts-unknown-mdr @catches:answers-the-supplier @catches:bad-timestamp
    @catches:m0-not-as-delivered @catches:no-appointment-response @catches:signs-url-as-is
    @catches:silent-on-decline @catches:unsigned-submissions @warns:mdr-decline-code
    Examples: a smart data service
      | segment |
      | smart   |
