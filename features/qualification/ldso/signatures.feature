@G6
Feature: Message signatures
  The distributor verifies the DIP's signature on every delivery: one whose signature is
  missing or wrong is refused (CONTRACT.md §4, CONTRACT-ROLES.md §6.1 G6). It submits nothing,
  so it signs nothing.

  @QT-LDSO-070 @catches:hash-not-checked @catches:slow-ack
  Scenario: A body changed after signing is refused
    Given a smart MPAN of the system's test data
    When the Registration Service delivers PUB-008 [EnergisationStatusChange] for the MPAN with the body changed after signing
    Then the system refuses the delivery's signature

  @QT-LDSO-071 @catches:no-clock-check @catches:slow-ack
  Scenario: A signature dated outside the clock-skew window is refused
    Given a smart MPAN of the system's test data
    When the Registration Service delivers PUB-008 [EnergisationStatusChange] for the MPAN with a stale signature date
    Then the system refuses the delivery's signature

  @QT-LDSO-072 @catches:any-certificate @catches:slow-ack
  Scenario: A signature by a certificate that is not the DIP's is refused
    Given a smart MPAN of the system's test data
    When the Registration Service delivers PUB-008 [EnergisationStatusChange] for the MPAN signed with a certificate that is not the DIP's
    Then the system refuses the delivery's signature

  Scenario Outline: A delivery without <header> is refused
    Given a smart MPAN of the system's test data
    When the Registration Service delivers PUB-008 [EnergisationStatusChange] for the MPAN without the signature header "<header>"
    Then the system refuses the delivery's signature

    @QT-LDSO-073 @catches:accept-missing-date @catches:slow-ack
    Examples:
      | header               |
      | X-DIP-Signature-Date |

    @QT-LDSO-073 @catches:accept-missing-hash @catches:slow-ack
    Examples:
      | header             |
      | X-DIP-Content-Hash |

    @QT-LDSO-073 @catches:accept-missing-signature @catches:slow-ack
    Examples:
      | header          |
      | X-DIP-Signature |

    @QT-LDSO-073 @catches:accept-missing-certificate @catches:slow-ack
    Examples:
      | header                      |
      | X-DIP-Signature-Certificate |
