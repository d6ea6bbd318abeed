//! The reference supplier's fault switches: each breaks exactly one behaviour of CONTRACT.md
//! §6, so that the pack can be shown to catch it.

use std::fmt;
use std::str::FromStr;

/// One way to break the reference supplier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SupplierFault {
    SlowAck,
    WrongEcho,
    AcceptSchemaFailure,
    AcceptWrongEnvironment,
    AcceptUnknownEvent,
    AcceptWrongSchemaVersion,
    AcceptBadCheckDigit,
    AcceptNonJson,
    AcceptUnknownInterface,
    ReactToRejected,
    PartialBatch,
    NotIdempotent,
    NoAppointment,
    SmartServicesOnly,
    WrongRecipient,
    WrongScenario,
    BadTimestamp,
    ReuseReference,
    WrongEnvironmentTag,
    ReferenceMismatch,
    NoRetry,
    RetryNewReference,
    ResubmitOn400,
    AcceptMissingDate,
    AcceptMissingHash,
    AcceptMissingSignature,
    AcceptMissingCertificate,
    HashNotChecked,
    NoClockCheck,
    AnyCertificate,
    UnsignedSubmissions,
    SignsUrlAsIs,
}

impl SupplierFault {
    /// Every fault: switch name, behaviour broken, what it does.
    pub const ALL: [(Self, &'static str, &'static str, &'static str); 32] = [
        (
            Self::SlowAck,
            "slow-ack",
            "S1",
            "answers every delivery after the ack timeout",
        ),
        (
            Self::WrongEcho,
            "wrong-echo",
            "S1",
            "echoes a wrong transactionID in its StandardResponse",
        ),
        (
            Self::AcceptSchemaFailure,
            "accept-schema-failure",
            "S2",
            "does not check deliveries against the schema",
        ),
        (
            Self::AcceptWrongEnvironment,
            "accept-wrong-environment",
            "S2",
            "does not check S1.environmentTag",
        ),
        (
            Self::AcceptUnknownEvent,
            "accept-unknown-event",
            "S2",
            "does not check S0.eventCode against the interface",
        ),
        (
            Self::AcceptWrongSchemaVersion,
            "accept-wrong-schema-version",
            "S2",
            "does not check S0.schemaVersion",
        ),
        (
            Self::AcceptBadCheckDigit,
            "accept-bad-check-digit",
            "S2",
            "does not check the MPAN check digit",
        ),
        (
            Self::AcceptNonJson,
            "accept-non-json",
            "S2",
            "answers 201 to a body that is not JSON",
        ),
        (
            Self::AcceptUnknownInterface,
            "accept-unknown-interface",
            "S2",
            "does not check S0.interfaceID",
        ),
        (
            Self::ReactToRejected,
            "react-to-rejected",
            "S2",
            "acts on deliveries it rejects",
        ),
        (
            Self::PartialBatch,
            "partial-batch",
            "S2",
            "acts on the good messages of a rejected batch",
        ),
        (
            Self::NotIdempotent,
            "not-idempotent",
            "S3",
            "acts again on a repeated D0.transactionID",
        ),
        (
            Self::NoAppointment,
            "no-appointment",
            "S4",
            "never requests appointments on a gain",
        ),
        (
            Self::SmartServicesOnly,
            "smart-services-only",
            "S4",
            "proposes MSS and SDS whatever the market segment",
        ),
        (
            Self::WrongRecipient,
            "wrong-recipient",
            "S4",
            "addresses appointment requests to the service, not the Registration Service",
        ),
        (
            Self::WrongScenario,
            "wrong-scenario",
            "S4",
            "sends appointmentScenario CSP instead of COS",
        ),
        (
            Self::BadTimestamp,
            "bad-timestamp",
            "S5",
            "sends senderTimestamp in a form other than DT-003",
        ),
        (
            Self::ReuseReference,
            "reuse-reference",
            "S5",
            "reuses one senderUniqueReference for both requests",
        ),
        (
            Self::WrongEnvironmentTag,
            "wrong-environment-tag",
            "S5",
            "sends environmentTag DEV whatever the configuration",
        ),
        (
            Self::ReferenceMismatch,
            "reference-mismatch",
            "S5",
            "sends a senderUniqueReference naming another role",
        ),
        (
            Self::NoRetry,
            "no-retry",
            "S6",
            "gives up on a submission answered 503 or 429",
        ),
        (
            Self::RetryNewReference,
            "retry-new-reference",
            "S6",
            "resubmits with a new senderUniqueReference",
        ),
        (
            Self::ResubmitOn400,
            "resubmit-on-400",
            "S6",
            "resubmits unchanged a submission answered 400",
        ),
        (
            Self::AcceptMissingDate,
            "accept-missing-date",
            "S7",
            "accepts a delivery without X-DIP-Signature-Date, unverified",
        ),
        (
            Self::AcceptMissingHash,
            "accept-missing-hash",
            "S7",
            "computes the hash itself when X-DIP-Content-Hash is missing",
        ),
        (
            Self::AcceptMissingSignature,
            "accept-missing-signature",
            "S7",
            "accepts a delivery without X-DIP-Signature, unverified",
        ),
        (
            Self::AcceptMissingCertificate,
            "accept-missing-certificate",
            "S7",
            "verifies with the DIP certificate it holds when X-DIP-Signature-Certificate is missing",
        ),
        (
            Self::HashNotChecked,
            "hash-not-checked",
            "S7",
            "does not compare X-DIP-Content-Hash with the body",
        ),
        (
            Self::NoClockCheck,
            "no-clock-check",
            "S7",
            "does not check the signature date against the clock",
        ),
        (
            Self::AnyCertificate,
            "any-certificate",
            "S7",
            "verifies with whatever certificate a delivery carries",
        ),
        (
            Self::UnsignedSubmissions,
            "unsigned-submissions",
            "S7",
            "submits without signature headers",
        ),
        (
            Self::SignsUrlAsIs,
            "signs-url-as-is",
            "S7",
            "signs the URL without lower-casing it",
        ),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(f, ..)| *f == self)
            .map_or("?", |(_, n, ..)| n)
    }
}

impl FromStr for SupplierFault {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .find(|(_, n, ..)| *n == s)
            .map(|(f, ..)| *f)
            .ok_or_else(|| {
                format!(
                    "unknown fault {s:?}; known: {}",
                    Self::ALL
                        .iter()
                        .map(|(_, n, ..)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

impl fmt::Display for SupplierFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
