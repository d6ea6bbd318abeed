@G4
Feature: Well-formed submissions
  Every message the system submits is valid against its interface's schema and passes the
  DIP's checks and the market's rules: channel, sender, role MSS, MSA or UMSO, environment,
  DT-995 reference never reused, DT-003 timestamp not in the future, M0 as delivered
  (CONTRACT-ROLES.md §6.1 G4). A reference whose interface, DIP ID or role segment differs
  from S0/S1 is a warning, not a failure.

  @warns:reference-names-other-role
  Scenario Outline: The answer to an appointment request is well formed
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [MSAppSPRequest] for the MPAN
    Then the system submits IF-034 [MSAppSPResponse] for the MPAN within the response timeout, whatever the DIP answers
    And every submission passes the DIP's checks and the market rules

    @MSS @QT-MSS-050
    @catches:bad-timestamp @catches:m0-not-as-delivered @catches:no-appointment-response:3
    @catches:signs-url-as-is @catches:unsigned-submissions @catches:wrong-environment-tag
    Examples: MSS
      | segment |
      | smart |

    @MSA @QT-MSA-050
    @catches:bad-timestamp @catches:m0-not-as-delivered @catches:no-appointment-response:3
    @catches:signs-url-as-is @catches:unsigned-submissions @catches:wrong-environment-tag
    Examples: MSA
      | segment |
      | advanced |

    @UMSO @QT-UMSO-050
    @catches:bad-timestamp @catches:m0-not-as-delivered @catches:no-appointment-response:3
    @catches:signs-url-as-is @catches:unsigned-submissions @catches:wrong-environment-tag
    Examples: UMSO
      | segment |
      | unmetered |
