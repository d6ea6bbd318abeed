//! Fault switches of the reference participants: each breaks exactly one behaviour of the
//! contract, so that every scenario can be shown to catch the fault it exists for. The shell
//! ([`GENERIC`]) has the faults any role can have; each role's behaviour adds its own.
//!
//! A fault that breaks only a detail the contract marks *(warn)* fails no scenario: the
//! scenarios that check that detail report a warning instead. The packs say which faults
//! those are (`@warns:FAULT` instead of `@catches:FAULT`), and its `shows` is then a text of
//! that warning.

/// One way to break a reference participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// The switch's name (`--fault NAME`, `@catches:NAME`).
    pub name: &'static str,
    /// The contract behaviour it breaks (`S1`, `G4`, `M1` ...).
    pub behaviour: &'static str,
    /// What the broken participant does.
    pub what: &'static str,
    /// Words that a failure caused by it must show in its reason (its `expected:` or
    /// `arrived instead:` line), or, for a fault that only warns, in the warning's text: what a
    /// tester reads to know which behaviour broke.
    pub shows: &'static str,
}

/// A fault, written compactly (the roles' behaviour files use it too).
pub(super) const fn fault(
    name: &'static str,
    behaviour: &'static str,
    what: &'static str,
    shows: &'static str,
) -> Fault {
    Fault {
        name,
        behaviour,
        what,
        shows,
    }
}

/// The faults of the shell every reference participant shares: acknowledging, level-3
/// checks, idempotence, well-formed submissions, DIP faults and signatures (G1-G6, S1-S3 and
/// S5-S7), and losing a reaction now and then (S4).
pub const GENERIC: &[Fault] = &[
    fault(
        "slow-ack",
        "S1",
        "answers every delivery after the ack timeout",
        "no answer within",
    ),
    fault(
        "wrong-echo",
        "S1",
        "echoes a wrong transactionID in its StandardResponse",
        "messageArray/0/transactionID",
    ),
    fault(
        "accept-schema-failure",
        "S2",
        "does not check deliveries against the schema",
        "RCP1001",
    ),
    fault(
        "accept-wrong-environment",
        "S2",
        "does not check S1.environmentTag",
        "RCP1004",
    ),
    fault(
        "accept-unknown-event",
        "S2",
        "does not check S0.eventCode against the interface",
        "RCP1003",
    ),
    fault(
        "accept-wrong-schema-version",
        "S2",
        "does not check S0.schemaVersion",
        "RCP1005",
    ),
    fault(
        "accept-bad-check-digit",
        "S2",
        "does not check the MPAN check digit",
        "RCP1061",
    ),
    fault(
        "accept-non-json",
        "S2",
        "answers 201 to a body that is not JSON",
        "answered 400",
    ),
    fault(
        "accept-unknown-interface",
        "S2",
        "does not check S0.interfaceID",
        "RCP1002",
    ),
    fault(
        "react-to-rejected",
        "S2",
        "acts on deliveries it rejects",
        "no business reaction",
    ),
    fault(
        "partial-batch",
        "S2",
        "acts on the good messages of a rejected batch",
        "no business reaction",
    ),
    fault(
        "not-idempotent",
        "S3",
        "acts again on a repeated D0.transactionID",
        "accepted once",
    ),
    fault(
        "reject-repeat",
        "S3",
        "answers a repeated D0.transactionID 400 RCP1001 instead of 201",
        "answered 201",
    ),
    fault(
        "bad-timestamp",
        "S5",
        "sends senderTimestamp in a form other than DT-003",
        "DT-003",
    ),
    fault(
        "reuse-reference",
        "S5",
        "reuses one senderUniqueReference for every submission about an MPAN",
        "already accepted",
    ),
    fault(
        "wrong-environment-tag",
        "S5",
        "sends environmentTag DEV whatever the configuration",
        "environment",
    ),
    fault(
        "reference-names-other-role",
        "G4",
        "sends every senderUniqueReference with a role segment naming another role than S1.senderRoleID",
        "but S1.senderRoleID is",
    ),
    fault(
        "m0-not-as-delivered",
        "S5",
        "sends M0 with another GSP group than the one delivered",
        "M0",
    ),
    fault(
        "no-retry",
        "S6",
        "gives up on a submission answered 503 or 429",
        "no accepted resubmission",
    ),
    fault(
        "retry-new-reference",
        "S6",
        "resubmits with a new senderUniqueReference",
        "a resubmission with a new reference",
    ),
    fault(
        "resubmit-on-400",
        "S6",
        "resubmits unchanged a submission answered 400",
        "not resubmitted unchanged",
    ),
    fault(
        "ignores-429",
        "S6",
        "resubmits a throttled submission after 1 ms and never pauses its other submissions",
        "rate limit",
    ),
    fault(
        "drops-reaction",
        "S4",
        "silently submits nothing for every 1,000th reaction that has something to submit",
        "lost",
    ),
    fault(
        "accept-missing-date",
        "S7",
        "accepts a delivery without X-DIP-Signature-Date, unverified",
        "refused",
    ),
    fault(
        "accept-missing-hash",
        "S7",
        "computes the hash itself when X-DIP-Content-Hash is missing",
        "refused",
    ),
    fault(
        "accept-missing-signature",
        "S7",
        "accepts a delivery without X-DIP-Signature, unverified",
        "refused",
    ),
    fault(
        "accept-missing-certificate",
        "S7",
        "verifies with the DIP certificate it holds when X-DIP-Signature-Certificate is missing",
        "refused",
    ),
    fault(
        "hash-not-checked",
        "S7",
        "does not compare X-DIP-Content-Hash with the body",
        "refused",
    ),
    fault(
        "no-clock-check",
        "S7",
        "does not check the signature date against the clock",
        "refused",
    ),
    fault(
        "any-certificate",
        "S7",
        "verifies with whatever certificate a delivery carries",
        "refused",
    ),
    fault(
        "react-to-bad-signature",
        "S7",
        "refuses a delivery's signature but acts on it all the same",
        "no business reaction",
    ),
    fault(
        "unsigned-submissions",
        "S7",
        "submits without signature headers",
        "X-DIP-Signature",
    ),
    fault(
        "signs-url-as-is",
        "S7",
        "signs the URL without lower-casing it",
        "X-DIP-Signature",
    ),
];

/// The faults of [`GENERIC`] that no scenario of a pack can catch: they show only under load,
/// over thousands of submissions, and the verdicts of `mhhs-qual load` catch them instead (a
/// participant over the DIP's rate limit; one reaction lost in a thousand). The packs' tests
/// leave them out of their checks that every fault is caught by some scenario.
pub const LOAD_ONLY: &[&str] = &["ignores-429", "drops-reaction"];

/// The faults of [`GENERIC`] that break only what a participant submits, or what it does in
/// reaction to a delivery. A role that acts on no delivery and submits nothing (the LDSO of
/// CONTRACT-ROLES.md §6.4 L1-L2) cannot show them, and its reference participant has none of
/// them.
pub const SUBMITTING: &[&str] = &[
    "react-to-rejected",
    "partial-batch",
    "not-idempotent",
    "bad-timestamp",
    "reuse-reference",
    "wrong-environment-tag",
    "reference-names-other-role",
    "m0-not-as-delivered",
    "no-retry",
    "retry-new-reference",
    "resubmit-on-400",
    "ignores-429",
    "drops-reaction",
    "react-to-bad-signature",
    "unsigned-submissions",
    "signs-url-as-is",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_faults_caught_under_load_are_generic_faults() {
        for name in LOAD_ONLY {
            assert!(GENERIC.iter().any(|f| f.name == *name), "{name}");
        }
    }

    #[test]
    fn the_faults_of_submitting_are_generic_faults_and_include_those_of_load() {
        for name in SUBMITTING {
            assert!(GENERIC.iter().any(|f| f.name == *name), "{name}");
        }
        for name in LOAD_ONLY {
            assert!(SUBMITTING.contains(name), "{name}");
        }
    }
}
