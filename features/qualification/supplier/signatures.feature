@S7
Feature: Message signatures
  The DIP signs every delivery (CONTRACT.md §4). The supplier verifies each one: a delivery
  whose signature is missing or wrong is answered 400 with RCP9999 (or 401 or 403) and causes
  no business reaction. Every message the system submits is signed with its certificate and
  verifies (CONTRACT.md §6 S7).

  @QT-SUP-060
  @catches:hash-not-checked:3 @catches:slow-ack:3 @catches:react-to-bad-signature
  Scenario: A body changed after signing is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with the body changed after signing
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

  @QT-SUP-061
  @catches:no-clock-check:3 @catches:slow-ack:3 @catches:react-to-bad-signature
  Scenario: A signature dated outside the clock-skew window is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN with a stale signature date
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

  @QT-SUP-062
  @catches:any-certificate:3 @catches:slow-ack:3 @catches:react-to-bad-signature
  Scenario: A signature by a certificate that is not the DIP's is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN signed with a certificate that is not the DIP's
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

  @QT-SUP-063
  @catches:slow-ack:3 @catches:react-to-bad-signature
  Scenario Outline: A delivery without <header> is refused
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN without the signature header "<header>"
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

    @catches:accept-missing-date:3
    Examples:
      | header                      |
      | X-DIP-Signature-Date        |

    @catches:accept-missing-hash:3
    Examples:
      | header                      |
      | X-DIP-Content-Hash          |

    @catches:accept-missing-signature:3
    Examples:
      | header                      |
      | X-DIP-Signature             |

    @catches:accept-missing-certificate:3
    Examples:
      | header                      |
      | X-DIP-Signature-Certificate |

  @QT-SUP-064
  @catches:no-appointment:3 @catches:signs-url-as-is @catches:unsigned-submissions
  Scenario Outline: Every submission is signed and verifies: <request>
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system submits IF-031 <request> for the MPAN within the response timeout, whatever the DIP answers
    And every submission is signed with the system's certificate and verifies

    Examples:
      | request |
      | [MSApp] |
      | [DSApp] |
