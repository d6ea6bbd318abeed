//! The reference distributor (LDSO; CONTRACT-ROLES.md §6.4 L1-L2, qualified with those two
//! alone by §9 decision 1). It acknowledges every publication routed to it (L1) for its own
//! MPANs, and answers `400` with `RCP1061 MPAN Invalid or Unknown` a delivery for an MPAN it
//! does not hold, or one whose distributor (`M0.distributorDIPID`, or `M1`'s for a
//! relationship) is not itself (L2). It acts on no delivery and submits nothing: the DUoS
//! invoices of L3 and L4 are not qualified yet.
//!
//! Its own MPANs are the test data it loaded: records `0..count` of the configuration's
//! `[testdata]`, as `mhhs-qual testdata generate` wrote them. Without test data it holds no
//! MPAN, and refuses every delivery about one.

use serde_json::Value;

use super::Fault;
use super::behaviour::{Behaviour, Context, Submission};
use super::fault::fault;
use crate::dip::Header;

/// The distributor's own fault switches: one refused publication of each family it receives
/// (the Registration Service's notifications, the Market-wide Data Service's defaults, a data
/// service's consumption, reads), and each way of not knowing its own MPANs.
const FAULTS: &[Fault] = &[
    fault(
        "refuses-registration-changes",
        "L1",
        "answers PUB-018 registration changes with RCP1002, as an interface it does not know",
        "RCP1002",
    ),
    fault(
        "refuses-defaults",
        "L1",
        "answers PUB-013 [ActivePowerDefaulted] with RCP1003, as an event it does not know",
        "RCP1003",
    ),
    fault(
        "refuses-consumption",
        "L1",
        "answers PUB-021 consumption with RCP1002, as an interface it does not know",
        "RCP1002",
    ),
    fault(
        "refuses-readings",
        "L1",
        "answers PUB-041 meter reads with RCP1003, as events it does not know",
        "RCP1003",
    ),
    fault(
        "accepts-unknown-mpan",
        "L2",
        "answers 201 to a delivery for an MPAN its test data does not hold",
        "not in its test data",
    ),
    fault(
        "accepts-other-distributor",
        "L2",
        "answers 201 to a delivery whose M0.distributorDIPID names another distributor",
        "another distributor",
    ),
    fault(
        "other-distributor-rcp1041",
        "L2",
        "answers a delivery naming another distributor with RCP1041 instead of RCP1061",
        "RCP1041",
    ),
];

/// A correct distributor.
#[derive(Debug, Clone, Copy)]
pub struct Distributor;

impl Distributor {
    /// Whether its test data holds `core`. Under the shell's fault `accept-bad-check-digit`
    /// it looks MPANs up by their first twelve digits, as a system that never checks the
    /// check digit would: a core with a wrong one is then taken for the one it holds.
    fn holds(cx: &Context<'_>, core: &str) -> bool {
        let Some(loaded) = cx.loaded else {
            return false;
        };
        if loaded.holds(core) {
            return true;
        }
        cx.has("accept-bad-check-digit")
            && core.len() == 13
            && core.is_ascii()
            && (0..10).any(|d| loaded.holds(&format!("{}{d}", &core[..12])))
    }
}

/// The block naming the MPAN a message is about, and its distributor: `M0`, or `M1` (the
/// principal MPAN of a relationship, IF-020).
fn mpan_block(payload: &Value) -> Option<(&str, &str)> {
    let common = payload.get("CommonBlock")?;
    let (block, key) = match common.get("M0") {
        Some(m0) => (m0, "MPANCore"),
        None => (common.get("M1")?, "principalMPAN"),
    };
    let text = |k: &str| block.get(k).and_then(Value::as_str);
    Some((text(key)?, text("distributorDIPID").unwrap_or_default()))
}

impl Behaviour for Distributor {
    fn role(&self) -> &'static str {
        "LDSO"
    }

    fn faults(&self) -> &'static [Fault] {
        FAULTS
    }

    fn submits(&self) -> bool {
        false
    }

    fn refuse(&self, cx: &Context<'_>, payload: &Value) -> Option<&'static str> {
        let h = Header::of(payload);
        let refused = match h.interface.as_deref() {
            Some("IF-018") if cx.has("refuses-registration-changes") => Some("RCP1002"),
            Some("IF-013")
                if cx.has("refuses-defaults")
                    && h.event.as_deref() == Some("[ActivePowerDefaulted]") =>
            {
                Some("RCP1003")
            }
            Some("IF-021") if cx.has("refuses-consumption") => Some("RCP1002"),
            Some("IF-041") if cx.has("refuses-readings") => Some("RCP1003"),
            _ => None,
        };
        if refused.is_some() {
            return refused;
        }
        // A message about no one MPAN is nobody's to refuse for it.
        let (core, distributor) = mpan_block(payload)?;
        if distributor != cx.dip_id && !cx.has("accepts-other-distributor") {
            return Some(if cx.has("other-distributor-rcp1041") {
                "RCP1041"
            } else {
                "RCP1061"
            });
        }
        (!Self::holds(cx, core) && !cx.has("accepts-unknown-mpan")).then_some("RCP1061")
    }

    fn react(&self, _cx: &Context<'_>, _payload: &Value) -> Vec<Submission> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use serde_json::json;

    use super::*;
    use crate::market::{Plan, Segment};
    use crate::sut::Loaded;

    const ME: &str = "2500000009";

    fn loaded() -> Loaded {
        Loaded {
            plan: Plan::new(11, &[Segment::Smart]),
            count: 50,
        }
    }

    fn refusal(faults: &[&str], data: Option<&Loaded>, payload: &Value) -> Option<&'static str> {
        let faults: HashSet<String> = faults.iter().map(|f| (*f).to_owned()).collect();
        let cx = Context {
            dip_id: ME,
            counterparties: &[],
            faults: &faults,
            loaded: data,
        };
        Distributor.refuse(&cx, payload)
    }

    fn delivery(interface: &str, event: &str, mpan: &str, distributor: &str) -> Value {
        json!({"CommonBlock": {
            "S0": {"interfaceID": interface, "eventCode": event, "schemaVersion": "011"},
            "M0": {"MPANCore": mpan, "distributorDIPID": distributor, "GSPGroupID": "_A"},
        }, "CustomBlock": {}})
    }

    #[test]
    fn it_accepts_its_own_mpans_and_refuses_others_with_rcp1061() {
        let data = loaded();
        let own = data.plan.record(3).mpan;
        let outside = data.plan.mpan_outside(3);
        let d = |mpan: &str, distributor: &str| {
            delivery("IF-008", "[EnergisationStatusChange]", mpan, distributor)
        };
        assert_eq!(refusal(&[], Some(&data), &d(own.as_str(), ME)), None);
        assert_eq!(
            refusal(&[], Some(&data), &d(outside.as_str(), ME)),
            Some("RCP1061")
        );
        assert_eq!(
            refusal(&[], Some(&data), &d(own.as_str(), "2500000010")),
            Some("RCP1061")
        );
        // Without test data it holds nothing.
        assert_eq!(refusal(&[], None, &d(own.as_str(), ME)), Some("RCP1061"));
        // A relationship names its principal MPAN in M1.
        let mut related = d(own.as_str(), ME);
        let m0 = related["CommonBlock"]
            .as_object_mut()
            .unwrap()
            .remove("M0")
            .unwrap();
        related["CommonBlock"]["M1"] = json!({
            "principalMPAN": m0["MPANCore"], "distributorDIPID": ME, "GSPGroupID": "_A"
        });
        assert_eq!(refusal(&[], Some(&data), &related), None);
        related["CommonBlock"]["M1"]["principalMPAN"] = json!(outside.as_str());
        assert_eq!(refusal(&[], Some(&data), &related), Some("RCP1061"));
        // A message about no one MPAN is not refused for it.
        let mut shape = d(own.as_str(), ME);
        shape["CommonBlock"].as_object_mut().unwrap().remove("M0");
        assert_eq!(refusal(&[], None, &shape), None);
        assert!(!Distributor.submits());
    }

    #[test]
    fn each_fault_breaks_its_own_behaviour() {
        let data = loaded();
        let own = data.plan.record(4).mpan;
        let outside = data.plan.mpan_outside(4);
        let at = |faults: &[&str], interface: &str, event: &str, mpan: &str, distributor: &str| {
            refusal(
                faults,
                Some(&data),
                &delivery(interface, event, mpan, distributor),
            )
        };
        let own = own.as_str();
        for (fault, interface, event, code) in [
            (
                "refuses-registration-changes",
                "IF-018",
                "[DUOSTariffIDChg]",
                "RCP1002",
            ),
            (
                "refuses-defaults",
                "IF-013",
                "[ActivePowerDefaulted]",
                "RCP1003",
            ),
            ("refuses-consumption", "IF-021", "[ActivePower]", "RCP1002"),
            ("refuses-readings", "IF-041", "[ReadingRemote]", "RCP1003"),
        ] {
            assert_eq!(
                at(&[fault], interface, event, own, ME),
                Some(code),
                "{fault}"
            );
            assert_eq!(at(&[], interface, event, own, ME), None, "{fault}");
            // It refuses only its own family.
            assert_eq!(
                at(&[fault], "IF-008", "[EnergisationStatusChange]", own, ME),
                None,
                "{fault}"
            );
        }
        let ev = "[EnergisationStatusChange]";
        assert_eq!(
            at(
                &["accepts-unknown-mpan"],
                "IF-008",
                ev,
                outside.as_str(),
                ME
            ),
            None
        );
        assert_eq!(
            at(
                &["accepts-other-distributor"],
                "IF-008",
                ev,
                own,
                "2500000010"
            ),
            None
        );
        assert_eq!(
            at(
                &["other-distributor-rcp1041"],
                "IF-008",
                ev,
                own,
                "2500000010"
            ),
            Some("RCP1041")
        );
        // Looking MPANs up without their check digit takes a wrong one for the one it holds.
        let wrong = data.plan.record(4).mpan.with_wrong_check_digit();
        assert_eq!(at(&[], "IF-008", ev, &wrong, ME), Some("RCP1061"));
        assert_eq!(
            at(&["accept-bad-check-digit"], "IF-008", ev, &wrong, ME),
            None
        );
    }
}
