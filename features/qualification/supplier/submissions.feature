@S5
Feature: Well-formed submissions
  Every message the system submits is valid against its interface's schema and passes the
  DIP's checks and the market's rules: channel, sender, environment, DT-995 reference never
  reused, DT-003 timestamp not in the future, M0 as delivered (CONTRACT.md §6 S5). A
  reference whose interface, DIP ID or role segment differs from S0/S1 is a warning, not a
  failure (CONTRACT-ROLES.md §6.1 G4).

  @QT-SUP-040
  @catches:no-appointment:3 @catches:bad-timestamp @catches:m0-not-as-delivered
  @catches:reuse-reference @catches:signs-url-as-is
  @catches:unsigned-submissions @catches:wrong-environment-tag
  @warns:reference-names-other-role
  Scenario Outline: Appointment requests are well formed: <request>
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system submits IF-031 <request> for the MPAN within the response timeout, whatever the DIP answers
    And every submission passes the DIP's checks and the market rules

    Examples:
      | request |
      | [MSApp] |
      | [DSApp] |
