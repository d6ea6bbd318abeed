@D3 @D4
Feature: Start and stop the meter data retriever
  A smart data service that the Registration Service makes active on an MPAN with an assigned
  meter data retriever (PUB-036 [DSAppActive] with B019) starts it with IF-061 [MDRStart],
  addressed to that retriever, carrying the MPAN, B019, the energisation (B025), the consent
  (B068) and the energy direction (B078) as PUB-036 gives them, and acknowledges the
  retriever's PUB-062 [MDRStartResponse] (CONTRACT-ROLES.md §6.3 D3). De-appointed (PUB-037
  [DSDeApp]), it stops the retriever it started with IF-063 [MDRStop] (D4); an effective-to
  date other than the de-appointment's is a warning.

  Scenario Outline: An appointment with an assigned meter data retriever starts it
    Given a <segment> MPAN the system is appointed to
    Then the system starts the meter data retriever with IF-061

    @SDS @QT-SDS-100
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:lapsed-code:1
    @catches:m0-not-as-delivered:1 @catches:mdr-start-to-regs @catches:mdr-start-wrong-direction
    @catches:no-appointment-response:1 @catches:no-mdr-start
    @catches:refuses-appointment-confirmation:1 @catches:reuse-reference @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @warns:echo-wrong-contract:1
    Examples: a smart data service
      | segment |
      | smart   |

  Scenario Outline: A de-appointment stops the meter data retriever
    Given a <segment> MPAN the system is appointed to
    When the Registration Service de-appoints the system from the MPAN, effective five minutes ago
    Then the system stops the meter data retriever with IF-063

    @SDS @QT-SDS-101
    @catches:answers-the-supplier:1 @catches:answers-twice:1 @catches:bad-timestamp:1
    @catches:declines-everything:1 @catches:echo-drops-registration:1 @catches:echo-wrong-date:1
    @catches:echo-wrong-scenario:1 @catches:echo-wrong-supplier:1 @catches:lapsed-code:1
    @catches:m0-not-as-delivered:1 @catches:no-appointment-response:1 @catches:no-mdr-stop
    @catches:refuses-appointment-confirmation:1 @catches:reuse-reference @catches:signs-url-as-is:1
    @catches:slow-ack:1 @catches:unsigned-submissions:1 @warns:echo-wrong-contract:1
    @warns:mdr-stop-wrong-date
    Examples: a smart data service
      | segment |
      | smart   |
