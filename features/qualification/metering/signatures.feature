@G6
Feature: Message signatures
  The system verifies the DIP's signature on every delivery: one whose signature is missing or
  wrong is refused and causes no business reaction. Every message it submits is signed with
  its certificate and verifies (CONTRACT.md §4, CONTRACT-ROLES.md §6.1 G6).

  Scenario Outline: A body changed after signing is refused
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [MSAppSPRequest] for the MPAN with the body changed after signing
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

    @MSS @QT-MSS-070
    @catches:hash-not-checked:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSS
      | segment |
      | smart |

    @MSA @QT-MSA-070
    @catches:hash-not-checked:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSA
      | segment |
      | advanced |

    @UMSO @QT-UMSO-070
    @catches:hash-not-checked:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSO
      | segment |
      | unmetered |

  Scenario Outline: A signature dated outside the clock-skew window is refused
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [MSAppSPRequest] for the MPAN with a stale signature date
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

    @MSS @QT-MSS-071
    @catches:no-clock-check:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSS
      | segment |
      | smart |

    @MSA @QT-MSA-071
    @catches:no-clock-check:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSA
      | segment |
      | advanced |

    @UMSO @QT-UMSO-071
    @catches:no-clock-check:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSO
      | segment |
      | unmetered |

  Scenario Outline: A signature by a certificate that is not the DIP's is refused
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [MSAppSPRequest] for the MPAN signed with a certificate that is not the DIP's
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

    @MSS @QT-MSS-072
    @catches:any-certificate:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSS
      | segment |
      | smart |

    @MSA @QT-MSA-072
    @catches:any-certificate:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSA
      | segment |
      | advanced |

    @UMSO @QT-UMSO-072
    @catches:any-certificate:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSO
      | segment |
      | unmetered |

  Scenario Outline: A delivery without <header> is refused
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [MSAppSPRequest] for the MPAN without the signature header "<header>"
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

    @MSS @QT-MSS-073
    @catches:accept-missing-date:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSS
      | segment | header |
      | smart | X-DIP-Signature-Date |

    @MSS @QT-MSS-073
    @catches:accept-missing-hash:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSS
      | segment | header |
      | smart | X-DIP-Content-Hash |

    @MSS @QT-MSS-073
    @catches:accept-missing-signature:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSS
      | segment | header |
      | smart | X-DIP-Signature |

    @MSS @QT-MSS-073
    @catches:accept-missing-certificate:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSS
      | segment | header |
      | smart | X-DIP-Signature-Certificate |

    @MSA @QT-MSA-073
    @catches:accept-missing-date:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSA
      | segment | header |
      | advanced | X-DIP-Signature-Date |

    @MSA @QT-MSA-073
    @catches:accept-missing-hash:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSA
      | segment | header |
      | advanced | X-DIP-Content-Hash |

    @MSA @QT-MSA-073
    @catches:accept-missing-signature:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSA
      | segment | header |
      | advanced | X-DIP-Signature |

    @MSA @QT-MSA-073
    @catches:accept-missing-certificate:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: MSA
      | segment | header |
      | advanced | X-DIP-Signature-Certificate |

    @UMSO @QT-UMSO-073
    @catches:accept-missing-date:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSO
      | segment | header |
      | unmetered | X-DIP-Signature-Date |

    @UMSO @QT-UMSO-073
    @catches:accept-missing-hash:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSO
      | segment | header |
      | unmetered | X-DIP-Content-Hash |

    @UMSO @QT-UMSO-073
    @catches:accept-missing-signature:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSO
      | segment | header |
      | unmetered | X-DIP-Signature |

    @UMSO @QT-UMSO-073
    @catches:accept-missing-certificate:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSO
      | segment | header |
      | unmetered | X-DIP-Signature-Certificate |

  Scenario Outline: Every submission is signed and verifies
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [MSAppSPRequest] for the MPAN
    Then the system submits IF-034 [MSAppSPResponse] for the MPAN within the response timeout, whatever the DIP answers
    And every submission is signed with the system's certificate and verifies

    @MSS @QT-MSS-074
    @catches:no-appointment-response:3 @catches:signs-url-as-is @catches:unsigned-submissions
    Examples: MSS
      | segment |
      | smart |

    @MSA @QT-MSA-074
    @catches:no-appointment-response:3 @catches:signs-url-as-is @catches:unsigned-submissions
    Examples: MSA
      | segment |
      | advanced |

    @UMSO @QT-UMSO-074
    @catches:no-appointment-response:3 @catches:signs-url-as-is @catches:unsigned-submissions
    Examples: UMSO
      | segment |
      | unmetered |
