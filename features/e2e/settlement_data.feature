@E3 @prompted
Feature: E3 Daily settlement data
  The data service takes a day of readings from the meter data retriever and submits the day's
  consumption, which the DIP routes to the Market-wide Data Service, the settlement service,
  the supplier and the distributor (CONTRACT-ROLES.md §7 E3). Real systems: the data service
  and the supplier. Stubbed: the meter data retriever, the Market-wide Data Service and the
  settlement service. The data service's appointment is set up by the Registration Service
  from 2026-03-01, for the real supplier.

  @QT-E2E-010
  @catches:SDS:no-consumption:5 @catches:SDS:consumption-to-supplier:5 @catches:SUP:slow-ack:6
  @catches:SDS:period-starts:7 @catches:SDS:alters-actuals:8
  @catches:SDS:no-appointment-response:2 @catches:SDS:answers-the-supplier:2
  @catches:SDS:echo-wrong-date:2 @catches:SDS:echo-drops-registration:2 @catches:SDS:slow-ack:3
  Scenario Outline: A day of settlement data reaches the central services and the supplier, on <day> (<what>)
    Given "the system" below is the SDS
    And a smart MPAN the system has served since "2026-03-01"
    And the meter data retriever has sent the system the day "<day>"
    When the system is prompted to submit the consumption of "<day>"
    Then the system submits the day's consumption to the Market-wide Data Service
    And the SUP receives IF-021 [ActivePower]
    And the consumption keeps the settlement rules
    And the consumption passes the meter data retriever's actual periods on unchanged
    And every message of the flow keeps its MPAN and CSS registration ID

    @catches:SDS:local-days:7
    Examples:
      | day        | what                      |
      | 2026-07-01 | a summer (BST) day        |
      | 2026-03-29 | the spring clock change   |

    # 50 local periods: the schema refuses the day before the settlement rules are read.
    @catches:SDS:local-days:5
    Examples:
      | day        | what                      |
      | 2026-10-25 | the autumn clock change   |
