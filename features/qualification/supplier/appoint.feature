@S4
Feature: Appoint services on gain
  After it accepts PUB-002 [GainMPANInfo], the supplier asks the Registration Service, within
  the response timeout, to appoint a metering service and a data service of the type the
  MPAN's market segment needs, with appointment scenario COS (CONTRACT.md §6 S4). Each
  example checks one of the two requests; the reference supplier sends the metering service
  request first.

  @QT-SUP-030
  @catches:slow-ack:3 @catches:bad-timestamp:4 @catches:no-appointment:4
  @catches:signs-url-as-is:4 @catches:unsigned-submissions:4 @catches:wrong-scenario:5
  @catches:wrong-recipient:6 @catches:m0-not-as-delivered:7 @catches:refuse-appointment-response
  Scenario Outline: Gain of a smart MPAN appoints a smart <service>
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system answers 201 with RCP0000
    And the <request> request proposes <article> <role> counterparty
    And the <request> request has appointment scenario "COS"
    And the <request> request is addressed to the Registration Service
    And the <request> request carries the MPAN as delivered
    And the Registration Service answers with IF-032 <answer> and the system acknowledges it

    Examples: the first request
      | service          | request | article | role | answer             |
      | metering service | [MSApp] | an      | MSS  | [MSAppInitialResp] |

    @catches:reuse-reference:4
    Examples: the second request
      | service          | request | article | role | answer             |
      | data service     | [DSApp] | a       | SDS  | [DSAppInitialResp] |

  @catches:slow-ack:3 @catches:bad-timestamp:4 @catches:no-appointment:4
  @catches:signs-url-as-is:4 @catches:smart-services-only:4 @catches:unsigned-submissions:4
  @catches:wrong-scenario:5 @catches:wrong-recipient
  Scenario Outline: Gain of an <segment> MPAN appoints an <segment> <service>
    Given an <segment> MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system answers 201 with RCP0000
    And the <request> request proposes <article> <role> counterparty
    And the <request> request has appointment scenario "COS"
    And the <request> request is addressed to the Registration Service

    @QT-SUP-031
    Examples: advanced, the first request
      | segment  | service          | request | article | role |
      | advanced | metering service | [MSApp] | an      | MSA  |

    @QT-SUP-031 @catches:reuse-reference:4
    Examples: advanced, the second request
      | segment  | service          | request | article | role |
      | advanced | data service     | [DSApp] | an      | ADS  |

    @QT-SUP-032
    Examples: unmetered, the first request
      | segment   | service          | request | article | role  |
      | unmetered | metering service | [MSApp] | a       | UMSO  |

    @QT-SUP-032 @catches:reuse-reference:4
    Examples: unmetered, the second request
      | segment   | service          | request | article | role  |
      | unmetered | data service     | [DSApp] | a       | UMSDS |
