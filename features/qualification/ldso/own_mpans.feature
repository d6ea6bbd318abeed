@L2
Feature: Know its own MPANs
  The distributor creates the MPANs, so it holds every MPAN of its area: a delivery for an
  MPAN core with a valid check digit, of a distributor its test data has, that the data does
  not hold is answered 400 with RCP1061 (MPAN Invalid or Unknown), and so is a delivery whose
  distributorDIPID (in M0, or M1 for a relationship of MPANs) names another distributor
  (CONTRACT-ROLES.md §6.4 L2). For another distributor, RCP1041 is a warning, not a failure.
  A 201 fails: the system accepted an MPAN it does not hold.

  @QT-LDSO-010
  @catches:accepts-unknown-mpan @catches:slow-ack
  Scenario Outline: <publication> <event> for an MPAN that is not in its test data is refused
    Given a smart MPAN that is not in the system's test data
    When <sender> delivers <publication> <event> for the MPAN
    Then the system refuses the MPAN as unknown to it

    Examples:
      | sender | publication | event                      |
      | REGS   | PUB-001     | [ChangeOfSupplier]         |
      | REGS   | PUB-008     | [EnergisationStatusChange] |
      | REGS   | PUB-020     | [RelatedCreate]            |

  @QT-LDSO-011
  @catches:accepts-other-distributor @catches:slow-ack @warns:other-distributor-rcp1041
  Scenario Outline: <publication> <event> naming another distributor is refused
    Given a smart MPAN of the system's test data
    When <sender> delivers <publication> <event> for the MPAN naming another distributor
    Then the system refuses the MPAN as another distributor's

    Examples:
      | sender | publication | event                      |
      | REGS   | PUB-008     | [EnergisationStatusChange] |
      | REGS   | PUB-036     | [MSAppActive]              |
      | REGS   | PUB-020     | [RelatedCreate]            |
