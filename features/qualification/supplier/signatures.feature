@S7
Feature: Message signatures
  The DIP signs every delivery (CONTRACT.md §4). The supplier verifies each one: a delivery
  whose signature is missing or wrong is answered 400 with RCP9999 (or 401 or 403) and causes
  no business reaction. Every message the system submits is signed with its certificate and
  verifies (CONTRACT.md §6 S7).

  @QT-SUP-060
  Scenario: A body changed after signing is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with the body changed after signing
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

  @QT-SUP-061
  Scenario: A signature dated outside the clock-skew window is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with a stale signature date
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

  @QT-SUP-062
  Scenario: A signature by a certificate that is not the DIP's is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN signed with a certificate that is not the DIP's
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

  @QT-SUP-063
  Scenario Outline: A delivery without <header> is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN without the signature header "<header>"
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

    Examples:
      | header                      |
      | X-DIP-Signature-Date        |
      | X-DIP-Content-Hash          |
      | X-DIP-Signature             |
      | X-DIP-Signature-Certificate |

  @QT-SUP-064
  Scenario: Every submission is signed and verifies
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system submits IF-031 [MSApp] for the MPAN within the response timeout, whatever the DIP answers
    And the system submits IF-031 [DSApp] for the MPAN within the response timeout, whatever the DIP answers
    And every submission is signed with the system's certificate and verifies
