//! The reference supplier's behaviour (CONTRACT.md §6 S4): on an accepted
//! `PUB-002 [GainMPANInfo]` it asks the Registration Service to appoint a metering and a data
//! service of the type the MPAN's market segment needs (`IF-031 [MSApp]`, `[DSApp]`), and it
//! accepts the Registration Service's answers.

use serde_json::{Value, json};

use super::Fault;
use super::behaviour::{Behaviour, Context, Submission, segment_of};
use crate::dip::{Header, now_dt003};
use crate::market::Segment;

/// The supplier's own fault switches.
const FAULTS: &[Fault] = &[
    Fault {
        name: "no-appointment",
        behaviour: "S4",
        what: "never requests appointments on a gain",
        shows: "no submission",
    },
    Fault {
        name: "smart-services-only",
        behaviour: "S4",
        what: "proposes MSS and SDS whatever the market segment",
        shows: "proposes",
    },
    Fault {
        name: "wrong-recipient",
        behaviour: "S4",
        what: "addresses appointment requests to the service, not the Registration Service",
        shows: "primaryRecipients",
    },
    Fault {
        name: "wrong-scenario",
        behaviour: "S4",
        what: "sends appointmentScenario CSP instead of COS",
        shows: "appointmentScenario",
    },
    Fault {
        name: "gain-by-content",
        behaviour: "S2",
        what: "treats any delivery carrying M0 and B026 as a gain, whatever its interface and event code, even one it rejects",
        shows: "no business reaction",
    },
    Fault {
        name: "refuse-appointment-response",
        behaviour: "S1",
        what: "answers the Registration Service's PUB-032 with RCP1002, as an interface it does not know",
        shows: "RCP1002",
    },
];

/// A correct supplier.
#[derive(Debug, Clone, Copy)]
pub struct Supplier;

impl Behaviour for Supplier {
    fn role(&self) -> &'static str {
        "SUP"
    }

    fn faults(&self) -> &'static [Fault] {
        FAULTS
    }

    fn reacts_to_rejected(&self, cx: &Context<'_>) -> bool {
        cx.has("gain-by-content")
    }

    fn refuse(&self, cx: &Context<'_>, payload: &Value) -> Option<&'static str> {
        let h = Header::of(payload);
        (cx.has("refuse-appointment-response") && h.interface.as_deref() == Some("IF-032"))
            .then_some("RCP1002")
    }

    fn react(&self, cx: &Context<'_>, payload: &Value) -> Vec<Submission> {
        let h = Header::of(payload);
        let gain = if cx.has("gain-by-content") {
            payload.pointer("/CommonBlock/M0").is_some()
                && payload.pointer("/CustomBlock/B026").is_some()
        } else {
            h.interface.as_deref() == Some("IF-002") && h.event.as_deref() == Some("[GainMPANInfo]")
        };
        if !gain || cx.has("no-appointment") {
            return Vec::new();
        }
        let segment = if cx.has("smart-services-only") {
            Segment::Smart
        } else {
            segment_of(payload)
        };
        let Some(regs) = cx.counterparty("REGS") else {
            tracing::warn!("reference supplier: no REGS counterparty; cannot request appointments");
            return Vec::new();
        };
        let scenario = if cx.has("wrong-scenario") {
            "CSP"
        } else {
            "COS"
        };
        let m0 = payload
            .pointer("/CommonBlock/M0")
            .cloned()
            .unwrap_or(Value::Null);
        let mut out = Vec::new();
        for (event, role) in [
            ("[MSApp]", segment.metering_role()),
            ("[DSApp]", segment.data_role()),
        ] {
            let Some(service) = cx.counterparty(role) else {
                tracing::warn!("reference supplier: no {role} counterparty for a {segment} MPAN");
                continue;
            };
            let recipient = if cx.has("wrong-recipient") {
                &service.dip_id
            } else {
                &regs.dip_id
            };
            let now = now_dt003();
            let custom = if event == "[MSApp]" {
                json!({"B070": {
                    "proposedMeteringServiceDIPID": service.dip_id,
                    "proposedMeteringServiceMPID": service.mpid,
                    "proposedMeteringServiceDIPEffectiveFromDate": now,
                    "contractReferenceMeteringService": null,
                    "appointmentScenario": scenario,
                }})
            } else {
                json!({"B071": {
                    "proposedDataServiceDIPID": service.dip_id,
                    "proposedDataServiceMPID": service.mpid,
                    "proposedDataServiceDIPEffectiveFromDate": now,
                    "contractReferenceDataService": null,
                    "appointmentScenario": scenario,
                    "supplierNominatedMDRDIPID": null,
                    "supplierNominatedMDRMPID": null,
                    "supplierNominatedMDREffectiveFromDate": null,
                    "supplierProposedConsentGranularity": "H",
                    "supplierProposedDomesticIndicator": true,
                    "traditionalFallBackReadFrequency": null,
                }})
            };
            out.push(Submission {
                interface: "IF-031",
                event,
                to: vec![recipient.clone()],
                m0: m0.clone(),
                r0: None,
                custom,
                correlation: cx.correlation(payload),
            });
        }
        out
    }
}
