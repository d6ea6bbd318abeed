@G2
Feature: Reject what breaks the interface (level-3 validation)
  A delivery that breaks its interface is answered 400 with the code of the first check it
  breaks, in the contract's order, and causes no business reaction (CONTRACT.md §3,
  CONTRACT-ROLES.md §6.1 G2). The delivery is the Registration Service's appointment request.

  Scenario Outline: A delivery missing a required block is a schema failure
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN without "/CustomBlock/B071"
    Then the system answers 400 with RCP1001
    And the system submits nothing for the MPAN

    @SDS @QT-SDS-030
    @catches:accept-schema-failure:3 @catches:slow-ack:3
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-030
    @catches:accept-schema-failure:3 @catches:slow-ack:3
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-030
    @catches:accept-schema-failure:3 @catches:slow-ack:3
    Examples: UMSDS
      | segment |
      | unmetered |

  Scenario Outline: A delivery for another environment is refused
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN with "/CommonBlock/S1/environmentTag" set to "PRD"
    Then the system answers 400 with RCP1004
    And the system submits nothing for the MPAN

    @SDS @QT-SDS-031
    @catches:accept-wrong-environment:3 @catches:appointment-by-content @catches:react-to-rejected
    @catches:slow-ack:3
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-031
    @catches:accept-wrong-environment:3 @catches:appointment-by-content @catches:react-to-rejected
    @catches:slow-ack:3
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-031
    @catches:accept-wrong-environment:3 @catches:appointment-by-content @catches:react-to-rejected
    @catches:slow-ack:3
    Examples: UMSDS
      | segment |
      | unmetered |

  Scenario Outline: An event code that is not one of the interface's is refused
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN with "/CommonBlock/S0/eventCode" set to "[DSApp]"
    Then the system answers 400 with RCP1003
    And the system submits nothing for the MPAN

    @SDS @QT-SDS-032
    @catches:accept-unknown-event:3 @catches:appointment-by-content @catches:slow-ack:3
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-032
    @catches:accept-unknown-event:3 @catches:appointment-by-content @catches:slow-ack:3
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-032
    @catches:accept-unknown-event:3 @catches:appointment-by-content @catches:slow-ack:3
    Examples: UMSDS
      | segment |
      | unmetered |

  Scenario Outline: A schema version other than the interface's is refused
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN with "/CommonBlock/S0/schemaVersion" set to "001"
    Then the system answers 400 with RCP1005
    And the system submits nothing for the MPAN

    @SDS @QT-SDS-033
    @catches:accept-wrong-schema-version:3 @catches:appointment-by-content
    @catches:react-to-rejected @catches:slow-ack:3
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-033
    @catches:accept-wrong-schema-version:3 @catches:appointment-by-content
    @catches:react-to-rejected @catches:slow-ack:3
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-033
    @catches:accept-wrong-schema-version:3 @catches:appointment-by-content
    @catches:react-to-rejected @catches:slow-ack:3
    Examples: UMSDS
      | segment |
      | unmetered |

  Scenario Outline: An MPAN core with a wrong check digit is refused
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN with a wrong check digit
    Then the system answers 400 with RCP1061
    And the system submits nothing for the MPAN

    @SDS @QT-SDS-034
    @catches:accept-bad-check-digit:3 @catches:appointment-by-content @catches:react-to-rejected
    @catches:slow-ack:3
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-034
    @catches:accept-bad-check-digit:3 @catches:appointment-by-content @catches:react-to-rejected
    @catches:slow-ack:3
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-034
    @catches:accept-bad-check-digit:3 @catches:appointment-by-content @catches:react-to-rejected
    @catches:slow-ack:3
    Examples: UMSDS
      | segment |
      | unmetered |

  Scenario Outline: An unknown interface is refused
    Given a <segment> MPAN
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for the MPAN with "/CommonBlock/S0/interfaceID" set to "IF-099"
    Then the system answers 400 with RCP1002
    And the system submits nothing for the MPAN

    @SDS @QT-SDS-035
    @catches:accept-unknown-interface:3 @catches:appointment-by-content @catches:slow-ack:3
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-035
    @catches:accept-unknown-interface:3 @catches:appointment-by-content @catches:slow-ack:3
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-035
    @catches:accept-unknown-interface:3 @catches:appointment-by-content @catches:slow-ack:3
    Examples: UMSDS
      | segment |
      | unmetered |

  Scenario Outline: A body that is not JSON is refused
    Given a <segment> MPAN
    When the Registration Service delivers a body that is not JSON
    Then the system answers 400

    @SDS @QT-SDS-036
    @catches:accept-non-json @catches:slow-ack
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-036
    @catches:accept-non-json @catches:slow-ack
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-036
    @catches:accept-non-json @catches:slow-ack
    Examples: UMSDS
      | segment |
      | unmetered |

  Scenario Outline: A batch with one bad message is rejected whole
    Given two <segment> MPANs
    When the Registration Service delivers PUB-033 [DSAppSPRequest] for both MPANs in one batch, the second with a wrong check digit
    Then the system answers 400 with RCP1061
    And the system submits nothing for the MPANs

    @SDS @QT-SDS-037
    @catches:accept-bad-check-digit:3 @catches:appointment-by-content @catches:partial-batch
    @catches:react-to-rejected @catches:slow-ack:3
    Examples: SDS
      | segment |
      | smart |

    @ADS @QT-ADS-037
    @catches:accept-bad-check-digit:3 @catches:appointment-by-content @catches:partial-batch
    @catches:react-to-rejected @catches:slow-ack:3
    Examples: ADS
      | segment |
      | advanced |

    @UMSDS @QT-UMSDS-037
    @catches:accept-bad-check-digit:3 @catches:appointment-by-content @catches:partial-batch
    @catches:react-to-rejected @catches:slow-ack:3
    Examples: UMSDS
      | segment |
      | unmetered |
