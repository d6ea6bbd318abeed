@NFT @S4 @S6 @serial
Feature: Migration volume
  Migration moves MPANs into the market in bulk: the supplier takes gains at pace and answers
  each with its appointment requests, within the DIP's constraints on its own traffic. A load
  profile (features/migration/profiles/) sends signed deliveries on an open-model schedule;
  the stub DIP throttles (429 above its rate limit) or goes down (503) as the profile says
  (CONTRACT.md §2, §6 S4 and S6).

  @QT-SUP-301
  Scenario: A stream of migration gains is answered in full
    When the load profile "gains-steady" runs against the system
    Then every delivery of the load was acknowledged
    And no expected reaction of the load was lost
    And no reaction of the load was accepted twice
    And every objective of the load profile held

  @QT-SUP-302
  Scenario: Under the DIP's rate limit the supplier backs off
    When the load profile "gains-throttled" runs against the system
    Then the system kept to the DIP's rate limit
    And no expected reaction of the load was lost
    And no reaction of the load was accepted twice

  @QT-SUP-303
  Scenario: An outage of the DIP mid-run loses nothing
    When the load profile "gains-outage" runs against the system
    Then the system rode out the DIP's outage
    And no reaction of the load was accepted twice
