@S4
Feature: Appoint services on gain
  After it accepts PUB-002 [GainMPANInfo], the supplier asks the Registration Service, within
  the response timeout, to appoint a metering service and a data service of the type the
  MPAN's market segment needs, with appointment scenario COS (CONTRACT.md §6 S4).

  @QT-SUP-030
  Scenario: Gain of a smart MPAN appoints a smart metering service and a smart data service
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system answers 201 with RCP0000
    And the [MSApp] request proposes an MSS counterparty
    And the [MSApp] request has appointment scenario "COS"
    And the [MSApp] request is addressed to the Registration Service
    And the [MSApp] request carries the MPAN as delivered
    And the [DSApp] request proposes a SDS counterparty
    And the [DSApp] request has appointment scenario "COS"
    And the [DSApp] request is addressed to the Registration Service
    And the [DSApp] request carries the MPAN as delivered
    And the Registration Service answers with IF-032 [MSAppInitialResp] and the system acknowledges it
    And the Registration Service answers with IF-032 [DSAppInitialResp] and the system acknowledges it

  @QT-SUP-031
  Scenario: Gain of an advanced MPAN appoints an advanced metering service and data service
    Given an advanced MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system answers 201 with RCP0000
    And the [MSApp] request proposes an MSA counterparty
    And the [MSApp] request has appointment scenario "COS"
    And the [MSApp] request is addressed to the Registration Service
    And the [DSApp] request proposes an ADS counterparty
    And the [DSApp] request has appointment scenario "COS"
    And the [DSApp] request is addressed to the Registration Service

  @QT-SUP-032
  Scenario: Gain of an unmetered MPAN appoints an unmetered supplies operator and data service
    Given an unmetered MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system answers 201 with RCP0000
    And the [MSApp] request proposes a UMSO counterparty
    And the [MSApp] request has appointment scenario "COS"
    And the [MSApp] request is addressed to the Registration Service
    And the [DSApp] request proposes a UMSDS counterparty
    And the [DSApp] request has appointment scenario "COS"
    And the [DSApp] request is addressed to the Registration Service
