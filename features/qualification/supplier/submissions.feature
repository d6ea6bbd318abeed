@S5
Feature: Well-formed submissions
  Every message the system submits is valid against its interface's schema and passes the
  DIP's checks and the market's rules: channel, sender, environment, DT-995 reference never
  reused, DT-003 timestamp not in the future, M0 as delivered (CONTRACT.md §6 S5).

  @QT-SUP-040
  Scenario: Appointment requests are well formed
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system submits IF-031 [MSApp] for the MPAN within the response timeout, whatever the DIP answers
    And the system submits IF-031 [DSApp] for the MPAN within the response timeout, whatever the DIP answers
    And every submission passes the DIP's checks and the market rules
