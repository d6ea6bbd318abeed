@D1 @D2 @G7
Feature: Answer appointment requests
  After it accepts PUB-033 [DSAppSPRequest] naming it as the proposed data service, the
  system answers the Registration Service, within the response timeout, with exactly one
  IF-034 [DSAppSPResponse] that echoes the request (CONTRACT-ROLES.md §6.3 D1): M0, B012,
  B013, and B071's DIP ID, MPID, effective-from date, scenario, supplier-nominated meter data
  retriever, consent granularity, domestic indicator and fall-back read frequency (a different
  contract reference is a warning). Only an SDS nominates a meter data retriever (B018), and
  then one the Registration Service knows, by its DIP ID and MPID, at most five days ahead
  (REG1081, REG1093, REG1082). A request it can serve is accepted (D2), for every
  appointment scenario; the answer carries the request's correlation ID (G7), and the system
  acknowledges the Registration Service's confirmation (PUB-035 [DSAppAccepted], then
  PUB-036 [DSAppActive]).

  Scenario Outline: A <segment> MPAN's appointment request, scenario <scenario>, is accepted and echoed
    Given a <segment> MPAN
    When the Registration Service asks the system to be the data service of the MPAN with appointment scenario "<scenario>"
    Then the system answers 201 with RCP0000
    And the system answers the appointment request with IF-034 within the response timeout
    And the answer echoes the appointment request field by field
    And the answer accepts the appointment
    And the answer carries the request's correlation ID
    And the Registration Service confirms the appointment and the system acknowledges it

    @SDS @QT-SDS-001
    @catches:answers-the-supplier:5 @catches:answers-twice:4 @catches:bad-timestamp:4
    @catches:declines-everything:6 @catches:echo-drops-registration:5 @catches:echo-wrong-date:5
    @catches:echo-wrong-scenario:5 @catches:echo-wrong-supplier:5 @catches:lapsed-code:5
    @catches:m0-not-as-delivered:5 @catches:no-appointment-response:4
    @catches:refuses-appointment-confirmation @catches:signs-url-as-is:4 @catches:slow-ack:3
    @catches:unsigned-submissions:4 @catches:wrong-correlation:7 @warns:echo-wrong-contract:5
    Examples: a smart data service
      | segment | scenario |
      | smart   | COS      |
      | smart   | USP      |
      | smart   | SEG      |
      | smart   | MCA      |
      | smart   | MCS      |
      | smart   | ALG      |

    @SDS @QT-SDS-001
    @catches:answers-the-supplier:5 @catches:answers-twice:4 @catches:bad-timestamp:4
    @catches:declines-everything:6 @catches:echo-drops-registration:5 @catches:echo-wrong-date:5
    @catches:echo-wrong-scenario:5 @catches:echo-wrong-supplier:5 @catches:lapsed-code:5
    @catches:m0-not-as-delivered:5 @catches:no-appointment-response:4
    @catches:refuses-appointment-confirmation @catches:signs-url-as-is:4 @catches:slow-ack:3
    @catches:unsigned-submissions:4 @catches:wrong-correlation:7 @warns:echo-wrong-contract:5
    Examples: a smart data service
      | segment | scenario |
      | smart   | CSP      |

    @ADS @QT-ADS-001
    @catches:answers-the-supplier:5 @catches:answers-twice:4 @catches:bad-timestamp:4
    @catches:declines-everything:6 @catches:echo-drops-registration:5 @catches:echo-wrong-date:5
    @catches:echo-wrong-scenario:5 @catches:echo-wrong-supplier:5 @catches:lapsed-code:5
    @catches:m0-not-as-delivered:5 @catches:no-appointment-response:4
    @catches:refuses-appointment-confirmation @catches:sends-mdr-nomination:5
    @catches:signs-url-as-is:4 @catches:slow-ack:3 @catches:unsigned-submissions:4
    @catches:wrong-correlation:7 @warns:echo-wrong-contract:5
    Examples: an advanced data service
      | segment  | scenario |
      | advanced | COS      |
      | advanced | USP      |
      | advanced | SEG      |
      | advanced | MCA      |
      | advanced | MCS      |
      | advanced | ALG      |

    @ADS @QT-ADS-001
    @catches:answers-the-supplier:5 @catches:answers-twice:4 @catches:bad-timestamp:4
    @catches:declines-everything:6 @catches:echo-drops-registration:5 @catches:echo-wrong-date:5
    @catches:echo-wrong-scenario:5 @catches:echo-wrong-supplier:5 @catches:lapsed-code:5
    @catches:m0-not-as-delivered:5 @catches:no-appointment-response:4
    @catches:refuses-appointment-confirmation @catches:sends-mdr-nomination:5
    @catches:signs-url-as-is:4 @catches:slow-ack:3 @catches:unsigned-submissions:4
    @catches:wrong-correlation:7 @warns:echo-wrong-contract:5
    Examples: an advanced data service
      | segment  | scenario |
      | advanced | CSP      |

    @UMSDS @QT-UMSDS-001
    @catches:answers-the-supplier:5 @catches:answers-twice:4 @catches:bad-timestamp:4
    @catches:declines-everything:6 @catches:echo-drops-registration:5 @catches:echo-wrong-date:5
    @catches:echo-wrong-scenario:5 @catches:echo-wrong-supplier:5 @catches:lapsed-code:5
    @catches:m0-not-as-delivered:5 @catches:no-appointment-response:4
    @catches:refuses-appointment-confirmation @catches:sends-mdr-nomination:5
    @catches:signs-url-as-is:4 @catches:slow-ack:3 @catches:unsigned-submissions:4
    @catches:wrong-correlation:7 @warns:echo-wrong-contract:5
    Examples: an unmetered supplies data service
      | segment   | scenario |
      | unmetered | COS      |
      | unmetered | USP      |
      | unmetered | SEG      |
      | unmetered | MCA      |
      | unmetered | MCS      |
      | unmetered | ALG      |

    @UMSDS @QT-UMSDS-001
    @catches:answers-the-supplier:5 @catches:answers-twice:4 @catches:bad-timestamp:4
    @catches:declines-everything:6 @catches:echo-drops-registration:5 @catches:echo-wrong-date:5
    @catches:echo-wrong-scenario:5 @catches:echo-wrong-supplier:5 @catches:lapsed-code:5
    @catches:m0-not-as-delivered:5 @catches:no-appointment-response:4
    @catches:refuses-appointment-confirmation @catches:sends-mdr-nomination:5
    @catches:signs-url-as-is:4 @catches:slow-ack:3 @catches:unsigned-submissions:4
    @catches:wrong-correlation:7 @warns:echo-wrong-contract:5
    Examples: an unmetered supplies data service
      | segment   | scenario |
      | unmetered | CSP      |

  Scenario Outline: A smart data service asked without a nominated meter data retriever nominates one the market knows
    Given a <segment> MPAN
    When the Registration Service asks the system to be the data service of the MPAN, with no meter data retriever nominated
    Then the system answers the appointment request with IF-034 within the response timeout
    And the answer echoes the appointment request field by field
    And the answer accepts the appointment
    And the Registration Service confirms the appointment and the system acknowledges it

    @SDS @QT-SDS-002
    @catches:answers-the-supplier:4 @catches:answers-twice:3 @catches:bad-timestamp:3
    @catches:declines-everything:5 @catches:echo-drops-registration:4 @catches:echo-wrong-date:4
    @catches:echo-wrong-scenario:4 @catches:echo-wrong-supplier:4 @catches:lapsed-code:4
    @catches:m0-not-as-delivered:4 @catches:no-appointment-response:3 @catches:nominates-far-ahead:4
    @catches:nominates-unknown-mdr:4 @catches:refuses-appointment-confirmation
    @catches:signs-url-as-is:3 @catches:slow-ack @catches:unsigned-submissions:3
    @warns:echo-wrong-contract:4
    Examples: a smart data service
      | segment |
      | smart   |
