@M1 @M2 @G7
Feature: Answer appointment requests
  After it accepts PUB-033 [MSAppSPRequest] naming it as the proposed metering service, the
  system answers the Registration Service, within the response timeout, with exactly one
  IF-034 [MSAppSPResponse] that echoes the request (CONTRACT-ROLES.md §6.2 M1). A request it
  can serve (its segment, a supplier it holds a contract with, 7 days ahead at 00:00 UTC) is
  accepted (M2), for every appointment scenario. The answer carries the request's correlation
  ID (G7), and the system acknowledges the Registration Service's confirmation (PUB-035
  [MSAppAccepted], then PUB-036 [MSAppActive]).

  Scenario Outline: A <segment> MPAN's appointment request, scenario <scenario>, is accepted and echoed
    Given a <segment> MPAN
    When the Registration Service asks the system to be the metering service of the MPAN with appointment scenario "<scenario>"
    Then the system answers 201 with RCP0000
    And the system answers the appointment request with IF-034 within the response timeout
    And the answer echoes the appointment request field by field
    And the answer accepts the appointment
    And the answer carries the request's correlation ID
    And the Registration Service confirms the appointment and the system acknowledges it

    @MSS @QT-MSS-001
    @catches:answers-the-supplier:5 @catches:answers-twice:4 @catches:bad-timestamp:4
    @catches:declines-everything:6 @catches:echo-drops-registration:5 @catches:echo-wrong-date:5
    @catches:echo-wrong-scenario:5 @catches:echo-wrong-supplier:5 @catches:lapsed-code:5
    @catches:m0-not-as-delivered:5 @catches:no-appointment-response:4
    @catches:refuses-appointment-confirmation @catches:signs-url-as-is:4 @catches:slow-ack:3
    @catches:unsigned-submissions:4 @catches:wrong-correlation:7
    Examples: a smart metering service
      | segment | scenario |
      | smart   | COS      |
      | smart   | USP      |
      | smart   | SEG      |
      | smart   | MCA      |
      | smart   | MCS      |
      | smart   | ALG      |

    @MSS @QT-MSS-001
    @catches:answers-the-supplier:5 @catches:answers-twice:4 @catches:bad-timestamp:4
    @catches:declines-everything:6 @catches:echo-drops-registration:5 @catches:echo-wrong-date:5
    @catches:echo-wrong-supplier:5 @catches:lapsed-code:5 @catches:m0-not-as-delivered:5
    @catches:no-appointment-response:4 @catches:refuses-appointment-confirmation
    @catches:signs-url-as-is:4 @catches:slow-ack:3 @catches:unsigned-submissions:4
    @catches:wrong-correlation:7
    Examples: a smart metering service
      | segment | scenario |
      | smart   | CSP      |

    @MSA @QT-MSA-001
    @catches:answers-the-supplier:5 @catches:answers-twice:4 @catches:bad-timestamp:4
    @catches:declines-everything:6 @catches:echo-drops-registration:5 @catches:echo-wrong-date:5
    @catches:echo-wrong-scenario:5 @catches:echo-wrong-supplier:5 @catches:lapsed-code:5
    @catches:m0-not-as-delivered:5 @catches:no-appointment-response:4
    @catches:refuses-appointment-confirmation @catches:signs-url-as-is:4 @catches:slow-ack:3
    @catches:unsigned-submissions:4 @catches:wrong-correlation:7
    Examples: an advanced metering service
      | segment  | scenario |
      | advanced | COS      |
      | advanced | USP      |
      | advanced | SEG      |
      | advanced | MCA      |
      | advanced | MCS      |
      | advanced | ALG      |

    @MSA @QT-MSA-001
    @catches:answers-the-supplier:5 @catches:answers-twice:4 @catches:bad-timestamp:4
    @catches:declines-everything:6 @catches:echo-drops-registration:5 @catches:echo-wrong-date:5
    @catches:echo-wrong-supplier:5 @catches:lapsed-code:5 @catches:m0-not-as-delivered:5
    @catches:no-appointment-response:4 @catches:refuses-appointment-confirmation
    @catches:signs-url-as-is:4 @catches:slow-ack:3 @catches:unsigned-submissions:4
    @catches:wrong-correlation:7
    Examples: an advanced metering service
      | segment  | scenario |
      | advanced | CSP      |

    @UMSO @QT-UMSO-001
    @catches:answers-the-supplier:5 @catches:answers-twice:4 @catches:bad-timestamp:4
    @catches:declines-everything:6 @catches:echo-drops-registration:5 @catches:echo-wrong-date:5
    @catches:echo-wrong-scenario:5 @catches:echo-wrong-supplier:5 @catches:lapsed-code:5
    @catches:m0-not-as-delivered:5 @catches:no-appointment-response:4
    @catches:refuses-appointment-confirmation @catches:signs-url-as-is:4 @catches:slow-ack:3
    @catches:unsigned-submissions:4 @catches:wrong-correlation:7
    Examples: an unmetered supplies operator
      | segment   | scenario |
      | unmetered | COS      |
      | unmetered | USP      |
      | unmetered | SEG      |
      | unmetered | MCA      |
      | unmetered | MCS      |
      | unmetered | ALG      |

    @UMSO @QT-UMSO-001
    @catches:answers-the-supplier:5 @catches:answers-twice:4 @catches:bad-timestamp:4
    @catches:declines-everything:6 @catches:echo-drops-registration:5 @catches:echo-wrong-date:5
    @catches:echo-wrong-supplier:5 @catches:lapsed-code:5 @catches:m0-not-as-delivered:5
    @catches:no-appointment-response:4 @catches:refuses-appointment-confirmation
    @catches:signs-url-as-is:4 @catches:slow-ack:3 @catches:unsigned-submissions:4
    @catches:wrong-correlation:7
    Examples: an unmetered supplies operator
      | segment   | scenario |
      | unmetered | CSP      |
