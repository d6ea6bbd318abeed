@G6
Feature: Message signatures
  The system verifies the DIP's signature on every delivery: one whose signature is missing or
  wrong is refused and causes no business reaction. Every message it submits is signed with
  its certificate and verifies (CONTRACT.md §4, CONTRACT-ROLES.md §6.1 G6).

  Scenario Outline: A body changed after signing is refused
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN with the body changed after signing
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

    @SDS @QT-SDS-070
    @catches:hash-not-checked:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-070
    @catches:hash-not-checked:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-070
    @catches:hash-not-checked:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSDS
      | segment |
      | unmetered |

  Scenario Outline: A signature dated outside the clock-skew window is refused
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN with a stale signature date
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

    @SDS @QT-SDS-071
    @catches:no-clock-check:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-071
    @catches:no-clock-check:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-071
    @catches:no-clock-check:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSDS
      | segment |
      | unmetered |

  Scenario Outline: A signature by a certificate that is not the DIP's is refused
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN signed with a certificate that is not the DIP's
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

    @SDS @QT-SDS-072
    @catches:any-certificate:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-072
    @catches:any-certificate:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-072
    @catches:any-certificate:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSDS
      | segment |
      | unmetered |

  Scenario Outline: A delivery without <header> is refused
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN without the signature header "<header>"
    Then the system refuses the delivery's signature
    And the system submits nothing for the MPAN

    @SDS @QT-SDS-073
    @catches:accept-missing-date:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: SDS
      | segment | header |
      | smart | X-DIP-Signature-Date |

    @SDS @QT-SDS-073
    @catches:accept-missing-hash:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: SDS
      | segment | header |
      | smart | X-DIP-Content-Hash |

    @SDS @QT-SDS-073
    @catches:accept-missing-signature:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: SDS
      | segment | header |
      | smart | X-DIP-Signature |

    @SDS @QT-SDS-073
    @catches:accept-missing-certificate:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: SDS
      | segment | header |
      | smart | X-DIP-Signature-Certificate |

    @ADS @QT-ADS-073
    @catches:accept-missing-date:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: ADS
      | segment | header |
      | advanced | X-DIP-Signature-Date |

    @ADS @QT-ADS-073
    @catches:accept-missing-hash:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: ADS
      | segment | header |
      | advanced | X-DIP-Content-Hash |

    @ADS @QT-ADS-073
    @catches:accept-missing-signature:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: ADS
      | segment | header |
      | advanced | X-DIP-Signature |

    @ADS @QT-ADS-073
    @catches:accept-missing-certificate:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: ADS
      | segment | header |
      | advanced | X-DIP-Signature-Certificate |

    @UMSDS @QT-UMSDS-073
    @catches:accept-missing-date:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSDS
      | segment | header |
      | unmetered | X-DIP-Signature-Date |

    @UMSDS @QT-UMSDS-073
    @catches:accept-missing-hash:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSDS
      | segment | header |
      | unmetered | X-DIP-Content-Hash |

    @UMSDS @QT-UMSDS-073
    @catches:accept-missing-signature:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSDS
      | segment | header |
      | unmetered | X-DIP-Signature |

    @UMSDS @QT-UMSDS-073
    @catches:accept-missing-certificate:3 @catches:react-to-bad-signature @catches:slow-ack:3
    Examples: UMSDS
      | segment | header |
      | unmetered | X-DIP-Signature-Certificate |

  Scenario Outline: Every submission is signed and verifies
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN
    Then the system submits IF-034 [DSAppSPResponse] for the MPAN within the response timeout, whatever the DIP answers
    And every submission is signed with the system's certificate and verifies

    @SDS @QT-SDS-074
    @catches:no-appointment-response:3 @catches:signs-url-as-is @catches:unsigned-submissions
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-074
    @catches:no-appointment-response:3 @catches:signs-url-as-is @catches:unsigned-submissions
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-074
    @catches:no-appointment-response:3 @catches:signs-url-as-is @catches:unsigned-submissions
    Examples: UMSDS
      | segment |
      | unmetered |
