@M3 @M1
Feature: Decline what it cannot serve
  A request for an MPAN of another market segment, or from a supplier the system holds no
  contract with, is declined: 400 with an RCP code, or IF-034 with responseCode R and an SP
  code (CONTRACT-ROLES.md §6.2 M3). SP005 and SP001 are the codes for them; another SP code
  is a warning. An R never carries SP000, the code of an acceptance (M1).

  Scenario Outline: A request for a <segment> MPAN is declined
    Given a <segment> MPAN
    When the Registration Service asks the system to be the metering service of the MPAN
    Then the system declines the appointment request, giving "SP005"

    @MSS @QT-MSS-010
    @catches:answers-the-supplier @catches:bad-timestamp @catches:declines-with-sp000
    @catches:declines-without-code @catches:m0-not-as-delivered @catches:no-appointment-response
    @catches:serves-any-segment @catches:signs-url-as-is @catches:silent-on-decline
    @catches:unsigned-submissions
    Examples: a smart metering service
      | segment   |
      | advanced  |
      | unmetered |

    @MSA @QT-MSA-010
    @catches:answers-the-supplier @catches:bad-timestamp @catches:declines-with-sp000
    @catches:declines-without-code @catches:m0-not-as-delivered @catches:no-appointment-response
    @catches:serves-any-segment @catches:signs-url-as-is @catches:silent-on-decline
    @catches:unsigned-submissions
    Examples: an advanced metering service
      | segment   |
      | smart     |
      | unmetered |

    @UMSO @QT-UMSO-010
    @catches:answers-the-supplier @catches:bad-timestamp @catches:declines-with-sp000
    @catches:declines-without-code @catches:m0-not-as-delivered @catches:no-appointment-response
    @catches:serves-any-segment @catches:signs-url-as-is @catches:silent-on-decline
    @catches:unsigned-submissions
    Examples: an unmetered supplies operator
      | segment  |
      | smart    |
      | advanced |

  Scenario Outline: A request from a supplier without a contract is declined
    Given a <segment> MPAN
    When the Registration Service asks the system to be the metering service of the MPAN for a supplier it holds no contract with
    Then the system declines the appointment request, giving "SP001"

    @MSS @QT-MSS-011
    @catches:answers-the-supplier @catches:bad-timestamp @catches:declines-with-sp000
    @catches:declines-without-code @catches:m0-not-as-delivered @catches:no-appointment-response
    @catches:serves-any-supplier @catches:signs-url-as-is @catches:silent-on-decline
    @catches:unsigned-submissions
    Examples: a smart metering service
      | segment |
      | smart   |

    @MSA @QT-MSA-011
    @catches:answers-the-supplier @catches:bad-timestamp @catches:declines-with-sp000
    @catches:declines-without-code @catches:m0-not-as-delivered @catches:no-appointment-response
    @catches:serves-any-supplier @catches:signs-url-as-is @catches:silent-on-decline
    @catches:unsigned-submissions
    Examples: an advanced metering service
      | segment  |
      | advanced |

    @UMSO @QT-UMSO-011
    @catches:answers-the-supplier @catches:bad-timestamp @catches:declines-with-sp000
    @catches:declines-without-code @catches:m0-not-as-delivered @catches:no-appointment-response
    @catches:serves-any-supplier @catches:signs-url-as-is @catches:silent-on-decline
    @catches:unsigned-submissions
    Examples: an unmetered supplies operator
      | segment   |
      | unmetered |
