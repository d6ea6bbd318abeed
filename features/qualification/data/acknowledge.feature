@G1
Feature: Acknowledge deliveries
  Every well-formed delivery of a publication a data service receives is answered 201 with
  RCP0000 within the ack timeout, and the answer echoes the delivered message (CONTRACT.md §3,
  CONTRACT-ROLES.md §6.1 G1 and §6.3's receive lists). These publications need no reaction
  that the harness can see: the data service's reactions have scenarios of their own.

  Scenario Outline: <publication> <event> from <sender> is acknowledged and echoed
    Given a <segment> MPAN
    When <sender> delivers <publication> <event> for the MPAN
    Then the system answers 201 with RCP0000
    And the answer echoes the delivered message

    @SDS @QT-SDS-020
    @catches:slow-ack:3 @catches:wrong-echo
    Examples: SDS
      | segment | sender | publication | event |
      | smart | REGS | PUB-003 | [DSDeAppRM] |
      | smart | REGS | PUB-008 | [EnergisationStatusChange] |
      | smart | MDS | PUB-013 | [ActivePowerDefaulted] |
      | smart | REGS | PUB-018 | [DUOSTariffIDChg] |
      | smart | REGS | PUB-020 | [RelatedCreate] |
      | smart | LSS | PUB-022 | [LSSPeriodData] |
      | smart | LSS | PUB-023 | [LSSTotalsData] |
      | smart | REGS | PUB-026 | [ConsentGranularity] |
      | smart | REGS | PUB-035 | [DSAppLapsed] |
      | smart | REGS | PUB-036 | [DSAppActive] |
      | smart | REGS | PUB-037 | [DSDeApp] |
      | smart | REGS | PUB-039 | [DirectContractDSAdd] |
      | smart | MSS | PUB-041 | [ReadingRemote] |
      | smart | REGS | PUB-045 | [NoDSAppointed] |
      | smart | REGS | PUB-006 | [MeterInstall] |
      | smart | MDR | PUB-062 | [MDRStartResponse] |
      | smart | MDR | PUB-064 | [MDRConsumption] |
      | smart | MDR | PUB-065 | [ReadingRemote] |

    @SDS @QT-SDS-020
    @catches:refuses-consumption-rejection:3 @catches:slow-ack:3 @catches:wrong-echo
    Examples: SDS
      | segment | sender | publication | event |
      | smart | MDS | PUB-014 | [ActivePowerRejected] |

    @ADS @QT-ADS-020
    @catches:slow-ack:3 @catches:wrong-echo
    Examples: ADS
      | segment | sender | publication | event |
      | advanced | REGS | PUB-003 | [DSDeAppRM] |
      | advanced | REGS | PUB-008 | [EnergisationStatusChange] |
      | advanced | MDS | PUB-013 | [ActivePowerDefaulted] |
      | advanced | REGS | PUB-018 | [DUOSTariffIDChg] |
      | advanced | REGS | PUB-020 | [RelatedCreate] |
      | advanced | LSS | PUB-022 | [LSSPeriodData] |
      | advanced | LSS | PUB-023 | [LSSTotalsData] |
      | advanced | REGS | PUB-026 | [ConsentGranularity] |
      | advanced | REGS | PUB-035 | [DSAppLapsed] |
      | advanced | REGS | PUB-036 | [DSAppActive] |
      | advanced | REGS | PUB-037 | [DSDeApp] |
      | advanced | REGS | PUB-039 | [DirectContractDSAdd] |
      | advanced | MSA | PUB-041 | [ReadingRemote] |
      | advanced | REGS | PUB-045 | [NoDSAppointed] |
      | advanced | REGS | PUB-006 | [MeterInstall] |

    @ADS @QT-ADS-020
    @catches:refuses-consumption-rejection:3 @catches:slow-ack:3 @catches:wrong-echo
    Examples: ADS
      | segment | sender | publication | event |
      | advanced | MDS | PUB-014 | [ActivePowerRejected] |

    @UMSDS @QT-UMSDS-020
    @catches:slow-ack:3 @catches:wrong-echo
    Examples: UMSDS
      | segment | sender | publication | event |
      | unmetered | REGS | PUB-003 | [DSDeAppRM] |
      | unmetered | REGS | PUB-008 | [EnergisationStatusChange] |
      | unmetered | MDS | PUB-013 | [ActivePowerDefaulted] |
      | unmetered | REGS | PUB-018 | [DUOSTariffIDChg] |
      | unmetered | LSS | PUB-022 | [LSSPeriodData] |
      | unmetered | LSS | PUB-023 | [LSSTotalsData] |
      | unmetered | REGS | PUB-026 | [ConsentGranularity] |
      | unmetered | REGS | PUB-035 | [DSAppLapsed] |
      | unmetered | REGS | PUB-036 | [DSAppActive] |
      | unmetered | REGS | PUB-037 | [DSDeApp] |
      | unmetered | REGS | PUB-039 | [DirectContractDSAdd] |

    @UMSDS @QT-UMSDS-020
    @catches:refuses-consumption-rejection:3 @catches:slow-ack:3 @catches:wrong-echo
    Examples: UMSDS
      | segment | sender | publication | event |
      | unmetered | MDS | PUB-014 | [ActivePowerRejected] |
