@G1 @L1
Feature: Acknowledge the distributor's publications
  Every well-formed delivery of a publication routed to the distributor, for one of its own
  MPANs (those of the test data it loaded), is answered 201 with RCP0000 within the ack
  timeout, and the answer echoes the delivered message (CONTRACT.md §3, CONTRACT-ROLES.md
  §6.1 G1 and §6.4 L1). A 400 with RCP1002 or RCP1003 says that the system does not know an
  interface or event the market sends it. Each event the schemas cover is delivered once;
  PUB-009, PUB-040, PUB-044 and the ECS reports REP-002A, REP-002B and REP-008 have no schema
  yet and are not delivered.

  Scenario Outline: <publication> <event> from <sender>, for a <segment> MPAN of its own, is acknowledged and echoed
    Given a <segment> MPAN of the system's test data
    When <sender> delivers <publication> <event> for the MPAN
    Then the system answers 201 with RCP0000
    And the answer echoes the delivered message

    @QT-LDSO-001
    @catches:slow-ack:3 @catches:wrong-echo
    Examples: the Registration Service's notifications
      | segment   | sender | publication | event                      |
      | smart     | REGS   | PUB-001     | [InitialRegistration]      |
      | smart     | REGS   | PUB-001     | [ChangeOfSupplier]         |
      | smart     | REGS   | PUB-003     | [MSDeAppRM]                |
      | smart     | REGS   | PUB-003     | [DSDeAppRM]                |
      | smart     | REGS   | PUB-003     | [ReverseMigNotification]   |
      | smart     | REGS   | PUB-006     | [MeterInstall]             |
      | smart     | REGS   | PUB-006     | [MeterRemoval]             |
      | smart     | REGS   | PUB-006     | [MeterExchange]            |
      | smart     | REGS   | PUB-006     | [MeterUpdate]              |
      | smart     | REGS   | PUB-006     | [MeterHistoryUpdate]       |
      | smart     | REGS   | PUB-008     | [EnergisationStatusChange] |
      | advanced  | REGS   | PUB-008     | [EnergisationStatusChange] |
      | unmetered | REGS   | PUB-008     | [EnergisationStatusChange] |
      | smart     | REGS   | PUB-020     | [LinkedImportExportCreate] |
      | smart     | REGS   | PUB-020     | [LinkedImportExportAdd]    |
      | smart     | REGS   | PUB-020     | [LinkedImportExportRemove] |
      | smart     | REGS   | PUB-020     | [RelatedCreate]            |
      | smart     | REGS   | PUB-026     | [ConsentGranularity]       |
      | smart     | REGS   | PUB-026     | [IHDInfo]                  |
      | unmetered | REGS   | PUB-026     | [SMSO]                     |
      | smart     | REGS   | PUB-026     | [SSCandProfileClass]       |
      | smart     | REGS   | PUB-036     | [MSAppActive]              |
      | smart     | REGS   | PUB-036     | [DSAppActive]              |
      | smart     | REGS   | PUB-037     | [MSDeApp]                  |
      | smart     | REGS   | PUB-037     | [DSDeApp]                  |
      | smart     | REGS   | PUB-037     | [MSDeAppUpdate]            |
      | smart     | REGS   | PUB-037     | [DSDeAppUpdate]            |

    @QT-LDSO-001
    @catches:refuses-registration-changes:3 @catches:slow-ack:3 @catches:wrong-echo
    Examples: the Registration Service's registration changes
      | segment | sender | publication | event             |
      | smart   | REGS   | PUB-018     | [AddressChg]      |
      | smart   | REGS   | PUB-018     | [GSPChg]          |
      | smart   | REGS   | PUB-018     | [DUOSTariffIDChg] |
      | smart   | REGS   | PUB-018     | [DomPremInd]      |
      | smart   | REGS   | PUB-018     | [EnergyDirection] |
      | smart   | REGS   | PUB-018     | [MUMIndicator]    |
      | smart   | REGS   | PUB-018     | [DCCEnrolment]    |

    @QT-LDSO-001
    @catches:refuses-defaults:3 @catches:slow-ack:3 @catches:wrong-echo
    Examples: the Market-wide Data Service's defaults
      | segment | sender | publication | event                  |
      | smart   | MDS    | PUB-013     | [ActivePowerDefaulted] |

    @QT-LDSO-001
    @catches:refuses-consumption:3 @catches:slow-ack:3 @catches:wrong-echo
    Examples: a data service's consumption
      | segment | sender | publication | event            |
      | smart   | SDS    | PUB-021     | [ActivePower]    |
      | smart   | SDS    | PUB-021     | [ReactivePower]  |

    @QT-LDSO-001
    @catches:refuses-readings:3 @catches:slow-ack:3 @catches:wrong-echo
    Examples: meter reads
      | segment | sender | publication | event                    |
      | smart   | MSS    | PUB-041     | [ReadingRemote]          |
      | smart   | MSS    | PUB-041     | [ReadingRemv]            |
      | smart   | MSS    | PUB-041     | [ReadingInstl]           |
      | smart   | MSS    | PUB-041     | [ReadingEnergisationChg] |
      | smart   | MSS    | PUB-041     | [ReadingOnSite]          |
      | smart   | SUP    | PUB-041     | [ReadingCOR]             |
      | smart   | SUP    | PUB-041     | [ReadingCOS]             |
      | smart   | SUP    | PUB-041     | [SupplierAgreedCOS]      |
      | smart   | SDS    | PUB-041     | [DSEstimate]             |
      | smart   | SDS    | PUB-041     | [ReadingOverride]        |
