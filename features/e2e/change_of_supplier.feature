@E1
Feature: E1 Change of supplier with smart appointments
  The new supplier takes a smart MPAN on: it asks the Registration Service to appoint its
  metering service and its data service, which the Registration Service asks in turn; each
  accepts, and the Registration Service confirms the appointments to everyone concerned
  (CONTRACT-ROLES.md §7 E1). Real systems: the supplier, the metering service and the data
  service. Stubbed: the Registration Service and the central services.

  @QT-E2E-001
  @catches:SUP:slow-ack:2 @catches:SUP:no-appointment:3 @catches:SUP:wrong-recipient:3
  @catches:SUP:wrong-scenario:5 @catches:SUP:refuse-appointment-response:6
  @catches:MSS:slow-ack:8 @catches:SDS:slow-ack:9
  @catches:MSS:no-appointment-response:10 @catches:MSS:answers-the-supplier:10
  @catches:SDS:no-appointment-response:11 @catches:SDS:answers-the-supplier:11
  @catches:MSS:echo-wrong-date:15 @catches:SDS:echo-wrong-date:16
  @catches:MSS:echo-drops-registration:17 @catches:SDS:echo-drops-registration:18
  @catches:MSS:refuses-appointment-confirmation:20
  @warns:MSS:wrong-correlation:24 @warns:SDS:wrong-correlation:24
  Scenario: A gain appoints the supplier's metering and data services end to end
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN to the SUP
    Then the SUP submits IF-031 [MSApp] to the Registration Service
    And the SUP submits IF-031 [DSApp] to the Registration Service
    And the [MSApp] has "B070/appointmentScenario" equal to "COS"
    And the SUP receives IF-032 [MSAppInitialResp]
    And the SUP receives IF-032 [DSAppInitialResp]
    And the MSS receives IF-033 [MSAppSPRequest]
    And the SDS receives IF-033 [DSAppSPRequest]
    And the MSS submits IF-034 [MSAppSPResponse] to the Registration Service
    And the SDS submits IF-034 [DSAppSPResponse] to the Registration Service
    And the [MSAppSPRequest] carries "B070" as the [MSApp] did
    And the [DSAppSPRequest] carries "B071" as the [DSApp] did
    And the [MSAppSPRequest] names the SUP in "B012/serviceProviderAppointmentRequestingSupplierDIPID"
    And the [MSAppSPResponse] carries "B070" as the [MSAppSPRequest] did
    And the [DSAppSPResponse] carries "B071" as the [DSAppSPRequest] did
    And the [MSAppSPResponse] carries "B013" as the [MSAppSPRequest] did
    And the [DSAppSPResponse] carries "B013" as the [DSAppSPRequest] did
    And the SUP receives IF-035 [MSAppAccepted]
    And the MSS receives IF-036 [MSAppActive]
    And the SDS receives IF-036 [DSAppActive]
    And the [MSAppActive] carries "B014/incomingMeteringServiceDIPID" as the [MSAppSPResponse]'s "B070/proposedMeteringServiceDIPID"
    And the [MSAppSPResponse] came after the [MSAppSPRequest]
    And every message of the flow keeps its MPAN and CSS registration ID
