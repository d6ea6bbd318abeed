@G1
Feature: Acknowledge deliveries
  Every well-formed delivery of a publication a metering service receives is answered 201
  with RCP0000 within the ack timeout, and the answer echoes the delivered message
  (CONTRACT.md §3, CONTRACT-ROLES.md §6.1 G1 and §6.2's receive lists). These publications
  need no reaction that the harness can see.

  Scenario Outline: <publication> <event> is acknowledged and echoed
    Given a <segment> MPAN
    When the Registration Service delivers <publication> <event> for the MPAN
    Then the system answers 201 with RCP0000
    And the answer echoes the delivered message

    @MSS @QT-MSS-020
    @catches:slow-ack:3 @catches:wrong-echo
    Examples: MSS
      | segment | publication | event |
      | smart | PUB-003 | [MSDeAppRM] |
      | smart | PUB-008 | [EnergisationStatusChange] |
      | smart | PUB-026 | [SMSO] |
      | smart | PUB-035 | [IMS-SendMTD] |
      | smart | PUB-035 | [MSAppLapsed] |
      | smart | PUB-036 | [MSAppActive] |
      | smart | PUB-037 | [MSDeApp] |
      | smart | PUB-039 | [DirectContractMSAdd] |
      | smart | PUB-006 | [MeterInstall] |
      | smart | PUB-020 | [RelatedCreate] |
      | smart | PUB-045 | [NoMSAppointed] |

    @MSS @QT-MSS-020
    @catches:refuses-registration-changes:3 @catches:slow-ack:3 @catches:wrong-echo
    Examples: MSS
      | segment | publication | event |
      | smart | PUB-018 | [DUOSTariffIDChg] |

    @MSA @QT-MSA-020
    @catches:slow-ack:3 @catches:wrong-echo
    Examples: MSA
      | segment | publication | event |
      | advanced | PUB-003 | [MSDeAppRM] |
      | advanced | PUB-008 | [EnergisationStatusChange] |
      | advanced | PUB-026 | [SMSO] |
      | advanced | PUB-035 | [IMS-SendMTD] |
      | advanced | PUB-035 | [MSAppLapsed] |
      | advanced | PUB-036 | [MSAppActive] |
      | advanced | PUB-037 | [MSDeApp] |
      | advanced | PUB-039 | [DirectContractMSAdd] |
      | advanced | PUB-006 | [MeterInstall] |
      | advanced | PUB-020 | [RelatedCreate] |
      | advanced | PUB-045 | [NoMSAppointed] |

    @MSA @QT-MSA-020
    @catches:refuses-registration-changes:3 @catches:slow-ack:3 @catches:wrong-echo
    Examples: MSA
      | segment | publication | event |
      | advanced | PUB-018 | [DUOSTariffIDChg] |

    @UMSO @QT-UMSO-020
    @catches:slow-ack:3 @catches:wrong-echo
    Examples: UMSO
      | segment | publication | event |
      | unmetered | PUB-003 | [MSDeAppRM] |
      | unmetered | PUB-008 | [EnergisationStatusChange] |
      | unmetered | PUB-026 | [SMSO] |
      | unmetered | PUB-035 | [IMS-SendMTD] |
      | unmetered | PUB-035 | [MSAppLapsed] |
      | unmetered | PUB-036 | [MSAppActive] |
      | unmetered | PUB-037 | [MSDeApp] |
      | unmetered | PUB-039 | [DirectContractMSAdd] |

    @UMSO @QT-UMSO-020
    @catches:refuses-registration-changes:3 @catches:slow-ack:3 @catches:wrong-echo
    Examples: UMSO
      | segment | publication | event |
      | unmetered | PUB-018 | [DUOSTariffIDChg] |
