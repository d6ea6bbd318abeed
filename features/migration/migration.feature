@NFT @S4 @S6 @serial
Feature: Migration volume
  Migration moves MPANs into the market in bulk: the supplier takes gains at pace and answers
  each with its appointment requests, within the DIP's constraints on its own traffic. A load
  profile (features/migration/profiles/) sends signed deliveries on an open-model schedule;
  the stub DIP throttles (429 above its rate limit) or goes down (503) as the profile says
  (CONTRACT.md §2, §6 S4 and S6).

  @QT-SUP-301
  @catches:slow-ack:2 @catches:drops-reaction:3 @catches:no-appointment:3
  @catches:bad-timestamp:3 @catches:reuse-reference:3 @catches:unsigned-submissions:3
  @catches:signs-url-as-is:3
  Scenario: A stream of migration gains is answered in full
    When the load profile "gains-steady" runs against the system
    Then every delivery of the load was acknowledged
    And no expected reaction of the load was lost

  @QT-SUP-302
  @catches:ignores-429:2 @catches:no-retry:2 @catches:no-appointment:2 @catches:slow-ack:3
  @catches:bad-timestamp:3 @catches:reuse-reference:3 @catches:unsigned-submissions:3
  @catches:signs-url-as-is:3
  Scenario: Under the DIP's rate limit the supplier backs off
    When the load profile "gains-throttled" runs against the system
    Then the system kept to the DIP's rate limit
    And no expected reaction of the load was lost

  @QT-SUP-303
  @catches:no-retry:2 @catches:no-appointment:2 @catches:bad-timestamp:2
  @catches:reuse-reference:2 @catches:unsigned-submissions:2 @catches:signs-url-as-is:2
  Scenario: An outage of the DIP mid-run loses nothing
    When the load profile "gains-outage" runs against the system
    Then the system rode out the DIP's outage
