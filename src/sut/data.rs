//! The reference data services (CONTRACT-ROLES.md §6.3, D1-D8): smart (SDS), advanced (ADS)
//! and unmetered supplies (UMSDS). One behaviour serves the three roles; what differs is the
//! segment each serves, that only a smart data service works with a meter data retriever
//! (MDR), and that an unmetered supplies data service takes no consumption amendments.
//!
//! It answers the Registration Service's appointment requests (PUB-033 → IF-034), keeps its
//! own record of the MPANs it serves (from PUB-033, PUB-035, PUB-036, PUB-037, PUB-003,
//! PUB-008 and PUB-064: never from the harness's registry), starts and stops the MDR (IF-061,
//! IF-063), answers consumption amendments (PUB-027 → IF-028 and the revised IF-021), and on
//! the prompt `submit-consumption` submits one UTC settlement day of consumption (IF-021).
//!
//! Settlement days are UTC days of 48 periods, each `sp` the *end* of its period (D5, §9.2).
//! An SDS passes the MDR's actual periods on unchanged and estimates the rest (D6); every DS
//! submits zero for periods after a de-energisation (D7) and nothing after its de-appointment
//! (D4). Values are kept in thousandths of a kWh, so that DT-016's three decimals are exact.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{LazyLock, Mutex, PoisonError};

use serde_json::{Value, json};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Date, Duration, Month, OffsetDateTime, UtcOffset, Weekday};

use super::Fault;
use super::behaviour::{Behaviour, Context, PromptAnswer, Submission};
use super::fault::fault;
use crate::dip::{Header, format_dt003, response_text};
use crate::market::{Mpan, Segment};
use crate::schema::rules::parse_dt003;

/// The length of a settlement period.
const PERIOD: Duration = Duration::minutes(30);

/// The longest consumption amendment window it takes on (a bound on the work of one delivery).
const MAX_AMENDMENT: Duration = Duration::days(31);

/// A date-time written with the offset it carries (DT-003 shape).
const DT003_WITH_OFFSET: &[FormatItem<'static>] = format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
);

/// The `day` of a `submit-consumption` prompt.
const DAY: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// The DIP ID a data service names for another issuer (fault `issuer-not-sender`).
const OTHER_ISSUER: &str = "1799999998";

/// The faults of every data service.
const FAULTS: &[Fault] = &[
    fault(
        "no-appointment-response",
        "D1",
        "never answers an appointment request",
        "IF-034",
    ),
    fault(
        "answers-twice",
        "D1",
        "answers each appointment request with two IF-034",
        "2 accepted submissions",
    ),
    fault(
        "answers-the-supplier",
        "D1",
        "addresses its IF-034 to the requesting supplier instead of the Registration Service",
        "primaryRecipients",
    ),
    fault(
        "echo-wrong-date",
        "D1",
        "answers with an effective-from date a day later than requested",
        "proposedDataServiceDIPEffectiveFromDate",
    ),
    fault(
        "echo-wrong-scenario",
        "D1",
        "answers with another appointment scenario than requested",
        "appointmentScenario",
    ),
    fault(
        "echo-drops-registration",
        "D1",
        "leaves the CSS registration ID (B013) out of its IF-034",
        "B013",
    ),
    fault(
        "echo-wrong-supplier",
        "D1",
        "names another supplier in the IF-034's B012",
        "B012",
    ),
    fault(
        "echo-wrong-contract",
        "D1",
        "answers with another contractReferenceDataService than requested",
        "contractReferenceDataService",
    ),
    fault(
        "lapsed-code",
        "D1",
        "answers L (lapsed) instead of A",
        "responseCode",
    ),
    fault(
        "appointment-by-content",
        "G2",
        "answers any delivery whose B071 names it as an appointment request, whatever its interface and event code, even one it rejects (but the confirmations of its own)",
        "no business reaction",
    ),
    fault(
        "wrong-correlation",
        "G7",
        "puts a correlation ID of its own in S1.senderCorrelationID",
        "senderCorrelationID",
    ),
    fault(
        "declines-everything",
        "D2",
        "declines every appointment request (SP099)",
        "responseCode",
    ),
    fault(
        "serves-any-segment",
        "D2",
        "accepts appointments for MPANs of any market segment",
        "decline",
    ),
    fault(
        "serves-any-supplier",
        "D2",
        "accepts appointments from suppliers it holds no contract with",
        "decline",
    ),
    fault(
        "silent-on-decline",
        "D2",
        "does not answer a request it declines",
        "decline",
    ),
    fault(
        "refuses-appointment-confirmation",
        "G1",
        "answers PUB-036 [DSAppActive] naming it with RCP1062, as unexpected",
        "RCP1062",
    ),
    fault(
        "refuses-consumption-rejection",
        "G1",
        "answers PUB-014 with RCP1062, as unexpected",
        "RCP1062",
    ),
    fault(
        "submits-after-de-appointment",
        "D4",
        "keeps submitting consumption for periods after its effective-to date",
        "outside the data service's appointment",
    ),
    fault(
        "no-consumption",
        "D6",
        "takes submit-consumption on but submits nothing",
        "IF-021",
    ),
    fault(
        "consumption-to-supplier",
        "D6",
        "addresses its IF-021 to the supplier instead of the MDS",
        "primaryRecipients",
    ),
    fault(
        "serves-unappointed-day",
        "D6",
        "takes on a prompt for a day wholly outside its appointment and submits it",
        "declined",
    ),
    fault(
        "reactive-mqid",
        "C1",
        "sends [ActivePower] with a reactive MQID (RI, RE)",
        "measurementQuantityID",
    ),
    fault(
        "issuer-not-sender",
        "C3",
        "names another DIP ID in B044.issuingDataServiceDIPID",
        "issuingDataServiceDIPID",
    ),
    fault(
        "wrong-connection-type",
        "C4",
        "sends another connection type than the registered one in B067",
        "connectionTypeIndicator",
    ),
    fault(
        "local-days",
        "C5",
        "builds settlement days on Europe/London local days: a local midnight with its offset, 46 or 50 periods on clock-change days",
        "UTC day",
    ),
    fault(
        "midnight-with-offset",
        "C5",
        "writes the UTC midnight of a summer day as 01:00:00+01:00",
        "settlementDayDate",
    ),
    fault(
        "period-starts",
        "C7",
        "writes each period's start as its sp, not its end",
        "END of a period",
    ),
    fault(
        "duplicate-period",
        "C8",
        "repeats the last period's sp in place of the one before it",
        "twice",
    ),
    fault(
        "descending-periods",
        "C8",
        "sends the periods in descending order",
        "ascend",
    ),
    fault(
        "missing-period",
        "C9",
        "leaves out the 24th period of every day",
        "periods",
    ),
    fault(
        "negative-consumption",
        "C10",
        "sends a negative value in the 10th period",
        "negative",
    ),
    fault(
        "ze-nonzero",
        "C11",
        "sends de-energised (ZE-family) periods with v 0.100",
        "0.000",
    ),
    fault(
        "estimate-without-reason",
        "C12",
        "sends estimated periods with no estimation reason code",
        "null",
    ),
    fault(
        "actual-with-reason",
        "C12",
        "sends actual periods with estimation reason code 2",
        "actual",
    ),
    fault(
        "amendment-without-arc",
        "C13",
        "sends amended periods (e 9) with arc null",
        "arc",
    ),
    fault(
        "outside-appointment",
        "C15",
        "submits all 48 periods of a day only partly inside its appointment",
        "appointment",
    ),
    fault(
        "estimates-de-energised",
        "D7",
        "estimates non-zero E1 values for periods after a de-energisation",
        "ZE",
    ),
    fault(
        "zero-without-reason",
        "D7",
        "sends de-energised periods with estimation reason code 2, not 7",
        "De-Energised",
    ),
    // Smart data services only: the MDR.
    fault(
        "nominates-unknown-mdr",
        "D1",
        "nominates an MDR that is not configured (1799999999, MDRX) in B018",
        "SDSNominatedMDRDIPID",
    ),
    fault(
        "nominates-far-ahead",
        "D1",
        "nominates its MDR from 10 days ahead",
        "SDSNominatedMDRRequestedEffectiveFromDate",
    ),
    fault(
        "accepts-unknown-mdr",
        "D2",
        "accepts a supplier's nomination of an MDR that is not configured",
        "decline",
    ),
    fault(
        "mdr-decline-code",
        "D2",
        "declines a supplier's nomination of an unknown MDR with SP099, not DS001",
        "DS001",
    ),
    fault("no-mdr-start", "D3", "never starts the MDR", "IF-061"),
    fault(
        "mdr-start-to-regs",
        "D3",
        "addresses its IF-061 to the Registration Service instead of the MDR",
        "primaryRecipients",
    ),
    fault(
        "mdr-start-wrong-direction",
        "D3",
        "starts the MDR with the other energy direction",
        "energyDirection",
    ),
    fault("no-mdr-stop", "D4", "never stops the MDR", "IF-063"),
    fault(
        "mdr-stop-wrong-date",
        "D4",
        "stops the MDR a day after its de-appointment",
        "assignedMDREffectiveToDate",
    ),
    fault(
        "alters-actuals",
        "D6",
        "adds 0.001 to the MDR's value in the 5th period",
        "value",
    ),
    fault(
        "requalifies-actuals",
        "D6",
        "passes the MDR's actual periods on as estimates (E1, e 2)",
        "quality",
    ),
    fault(
        "drops-gaps",
        "D6",
        "leaves out the periods the MDR did not give, on a day it gave data for",
        "48 periods",
    ),
    fault(
        "gap-reason-code",
        "D6",
        "estimates the gaps with estimation reason code 1, not 2 or 4",
        "Missing",
    ),
    fault(
        "estimate-as-e",
        "C14",
        "estimates with quality E instead of E1",
        "unmetered supplies code",
    ),
    fault(
        "ads-quality-code",
        "C14",
        "passes actual periods on with the ADS quality code A1",
        "A1",
    ),
    // Advanced and unmetered supplies data services only.
    fault(
        "sends-mdr-nomination",
        "D1",
        "sends an SDS Nominated MDR (B018) in its IF-034",
        "B018",
    ),
    // Smart and advanced data services only: consumption amendments.
    fault(
        "no-amendment-answer",
        "D8",
        "never answers a consumption amendment",
        "IF-028",
    ),
    fault(
        "amendment-to-regs",
        "D8",
        "addresses its IF-028 to the Registration Service instead of the supplier",
        "primaryRecipients",
    ),
    fault(
        "amendment-echo-drops",
        "D8",
        "answers with a B902List that lacks the last request (or changes its reference)",
        "B902List",
    ),
    fault(
        "amends-unserved",
        "D8",
        "accepts and carries out amendments for MPANs and periods it does not serve",
        "responseCode",
    ),
    fault(
        "no-revised-consumption",
        "D8",
        "accepts amendments but never submits the revised consumption",
        "IF-021",
    ),
    fault(
        "amendment-without-reason-code",
        "D8",
        "sends revised periods with estimation reason code null",
        "9",
    ),
    fault(
        "amendment-wrong-arc",
        "D8",
        "sends revised periods with arc X whatever the request's",
        "arc",
    ),
    fault(
        "amendment-sum",
        "D8",
        "gives every revised period the whole grossRevisedConsumption",
        "gross revised consumption",
    ),
];

/// Faults only a smart data service can show: it alone works with an MDR.
const SMART_ONLY: &[&str] = &[
    "nominates-unknown-mdr",
    "nominates-far-ahead",
    "accepts-unknown-mdr",
    "mdr-decline-code",
    "no-mdr-start",
    "mdr-start-to-regs",
    "mdr-start-wrong-direction",
    "no-mdr-stop",
    "mdr-stop-wrong-date",
    "alters-actuals",
    "requalifies-actuals",
    "drops-gaps",
    "gap-reason-code",
    "estimate-as-e",
    "ads-quality-code",
];

/// Faults of consumption amendments, which an unmetered supplies data service does not
/// receive (PUB-027 is not on its list, §6.3 and §8).
const AMENDMENTS: &[&str] = &[
    "no-amendment-answer",
    "amendment-to-regs",
    "amendment-echo-drops",
    "amends-unserved",
    "no-revised-consumption",
    "amendment-without-reason-code",
    "amendment-wrong-arc",
    "amendment-sum",
    "amendment-without-arc",
];

/// The faults of each role.
static ROLE_FAULTS: LazyLock<[Vec<Fault>; 3]> = LazyLock::new(|| {
    let keep = |f: &&Fault, role: &str| match role {
        "SDS" => f.name != "sends-mdr-nomination",
        "ADS" => !SMART_ONLY.contains(&f.name),
        _ => !SMART_ONLY.contains(&f.name) && !AMENDMENTS.contains(&f.name),
    };
    ["SDS", "ADS", "UMSDS"].map(|r| FAULTS.iter().filter(|f| keep(f, r)).copied().collect())
});

/// One settlement period of an IF-021 (B047): `v` in thousandths of a kWh.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Period {
    sp: OffsetDateTime,
    v: i64,
    q: &'static str,
    e: Option<&'static str>,
    arc: Option<&'static str>,
}

/// What the data service knows of one MPAN.
#[derive(Debug, Clone, Default)]
struct Site {
    m0: Value,
    segment: Option<String>,
    /// `B023`: the connection type and its effective-from date as delivered.
    connection: Option<(String, String)>,
    /// `B023.energyDirection`.
    direction: Option<String>,
    /// Its appointments: from, and to once de-appointed.
    terms: Vec<(OffsetDateTime, Option<OffsetDateTime>)>,
    /// Energisation changes: from when, `E` or `D`.
    energisation: Vec<(OffsetDateTime, String)>,
    /// The assigned MDR (B019): DIP ID and MPID.
    mdr: Option<(String, String)>,
    /// The MDR it started (IF-061) and has not stopped.
    started: Option<(String, String)>,
    /// `B068` as last delivered.
    consent: Option<Value>,
    /// The consent granularity the supplier proposed (B071), with the DS effective-from.
    proposed_consent: Option<(String, String)>,
    /// The MDR's periods (PUB-064), by `sp` (Unix seconds): value and quality.
    mdr_periods: BTreeMap<i64, (i64, String)>,
    /// The periods of its last submission, by `sp` (Unix seconds).
    submitted: BTreeMap<i64, Period>,
}

impl Site {
    /// What any delivery about the MPAN says of it.
    fn note(&mut self, t: &Value) {
        let s = |p: &str| text(t, &format!("/CustomBlock/{p}"));
        if self.m0.is_null() {
            self.m0 = t.pointer("/CommonBlock/M0").cloned().unwrap_or(Value::Null);
        }
        if let Some(seg) = s("B026/marketSegmentIndicator") {
            self.segment = Some(seg);
        }
        if let (Some(ct), Some(from)) = (
            s("B023/connectionTypeIndicator"),
            s("B023/connectionTypeEffectiveFromDate"),
        ) {
            self.connection = Some((ct, from));
        }
        if let Some(d) = s("B023/energyDirection") {
            self.direction = Some(d);
        }
        if let (Some(status), Some(at)) = (
            s("B025/energisationStatus"),
            s("B025/energisationStatusEffectiveFromDate")
                .as_deref()
                .and_then(parse_dt003),
        ) {
            self.energise(at, status);
        }
        if let Some(b068) = t.pointer("/CustomBlock/B068").filter(|v| v.is_object()) {
            self.consent = Some(b068.clone());
        }
    }

    fn energise(&mut self, at: OffsetDateTime, status: String) {
        self.energisation.retain(|(when, _)| *when != at);
        self.energisation.push((at, status));
        self.energisation.sort_by_key(|(when, _)| *when);
    }

    fn appoint(&mut self, from: OffsetDateTime) {
        if !self.terms.iter().any(|(f, _)| *f == from) {
            self.terms.push((from, None));
        }
    }

    fn de_appoint(&mut self, to: OffsetDateTime) {
        if let Some(last) = self.terms.iter_mut().rev().find(|t| t.0 <= to) {
            last.1 = Some(to);
        }
    }

    /// Whether the period (`start`, `end`] lies inside one of its appointments; `open_ended`
    /// ignores de-appointments (fault `submits-after-de-appointment`).
    fn appointed(&self, start: OffsetDateTime, end: OffsetDateTime, open_ended: bool) -> bool {
        self.terms
            .iter()
            .any(|(from, to)| start >= *from && (open_ended || to.is_none_or(|to| end <= to)))
    }

    /// Whether the MPAN is de-energised for the period ending at `sp`: the last change
    /// before its end was to `D`.
    fn de_energised(&self, sp: OffsetDateTime) -> bool {
        self.energisation
            .iter()
            .rev()
            .find(|(at, _)| *at < sp)
            .is_some_and(|(_, s)| s == "D")
    }

    fn mqid(&self) -> &'static str {
        if self.direction.as_deref() == Some("E") {
            "AE"
        } else {
            "AI"
        }
    }
}

/// A data service of one role.
#[derive(Debug)]
pub struct DataService {
    role: &'static str,
    sites: Mutex<HashMap<String, Site>>,
}

impl DataService {
    pub fn new(role: &'static str) -> Self {
        Self {
            role,
            sites: Mutex::new(HashMap::new()),
        }
    }

    fn segment(&self) -> Segment {
        match self.role {
            "ADS" => Segment::Advanced,
            "UMSDS" => Segment::Unmetered,
            _ => Segment::Smart,
        }
    }

    fn smart(&self) -> bool {
        self.role == "SDS"
    }

    fn site<R>(&self, mpan: &str, f: impl FnOnce(&mut Site) -> R) -> R {
        let mut sites = self.sites.lock().unwrap_or_else(PoisonError::into_inner);
        f(sites.entry(mpan.to_owned()).or_default())
    }

    fn known(&self, mpan: &str) -> Option<Site> {
        self.sites
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(mpan)
            .cloned()
    }

    /// The answer to `PUB-033 [DSAppSPRequest]` for it (D1, D2).
    fn answer_request(&self, cx: &Context<'_>, t: &Value) -> Vec<Submission> {
        let c = |p: &str| t.pointer(&format!("/CustomBlock/{p}")).cloned();
        let s = |p: &str| text(t, &format!("/CustomBlock/{p}"));
        let regs = text(t, "/CommonBlock/S1/senderDIPID").unwrap_or_default();
        let mpan = Header::of(t).mpan.unwrap_or_default();
        let segment = s("B026/marketSegmentIndicator");
        self.site(&mpan, |site| {
            site.note(t);
            if let (Some(g), Some(from)) = (
                s("B071/supplierProposedConsentGranularity"),
                s("B071/proposedDataServiceDIPEffectiveFromDate"),
            ) {
                site.proposed_consent = Some((g, from));
            }
        });
        let supplier =
            s("B012/serviceProviderAppointmentRequestingSupplierDIPID").unwrap_or_default();
        let contracted = cx
            .counterparties
            .iter()
            .any(|p| p.role == "SUP" && p.dip_id == supplier);
        let nominated = s("B071/supplierNominatedMDRDIPID");
        let unknown_mdr = nominated.as_ref().is_some_and(|n| {
            !cx.counterparties
                .iter()
                .any(|p| p.role == "MDR" && &p.dip_id == n)
        });
        let decline = if segment.as_deref() != Some(self.segment().indicator())
            && !cx.has("serves-any-segment")
        {
            Some("SP005")
        } else if !contracted && !cx.has("serves-any-supplier") {
            Some("SP001")
        } else if self.smart() && unknown_mdr && !cx.has("accepts-unknown-mdr") {
            Some(if cx.has("mdr-decline-code") {
                "SP099"
            } else {
                "DS001"
            })
        } else if cx.has("declines-everything") {
            Some("SP099")
        } else {
            None
        };
        if cx.has("no-appointment-response") || decline.is_some() && cx.has("silent-on-decline") {
            return Vec::new();
        }
        let b007 = match decline {
            None if cx.has("lapsed-code") => {
                json!({"responseCode": "L", "proposedAppointmentResponseCode": null})
            }
            None => {
                json!({"responseCode": "A", "proposedAppointmentResponseCode": response_text("SP000")})
            }
            Some(code) => {
                json!({"responseCode": "R", "proposedAppointmentResponseCode": response_text(code)})
            }
        };
        let mut b071 = c("B071").unwrap_or(Value::Null);
        if cx.has("echo-wrong-date")
            && let Some(d) = b071
                .pointer("/proposedDataServiceDIPEffectiveFromDate")
                .and_then(Value::as_str)
                .and_then(parse_dt003)
                .and_then(|d| d.checked_add(Duration::days(1)))
        {
            b071["proposedDataServiceDIPEffectiveFromDate"] = json!(format_dt003(d));
        }
        if cx.has("echo-wrong-scenario") {
            let other = if b071["appointmentScenario"] == "CSP" {
                "COS"
            } else {
                "CSP"
            };
            b071["appointmentScenario"] = json!(other);
        }
        if cx.has("echo-wrong-contract") {
            let other = if b071["contractReferenceDataService"] == "DS-OTHER-CONTRACT" {
                "DS-OTHER-CONTRACT-2"
            } else {
                "DS-OTHER-CONTRACT"
            };
            b071["contractReferenceDataService"] = json!(other);
        }
        let mut b012 = c("B012").unwrap_or(Value::Null);
        if cx.has("echo-wrong-supplier") {
            b012["serviceProviderAppointmentRequestingSupplierMPID"] = json!("ZZZZ");
        }
        let mut custom = json!({"B007": b007, "B012": b012, "B071": b071});
        if let Some(b013) = c("B013")
            && !cx.has("echo-drops-registration")
        {
            custom["B013"] = b013;
        }
        let sends_b018 = self.smart() || cx.has("sends-mdr-nomination");
        if decline.is_none()
            && sends_b018
            && nominated.is_none()
            && let Some(b018) = nomination(cx, s("B071/proposedDataServiceDIPEffectiveFromDate"))
        {
            custom["B018"] = b018;
        }
        let to = if cx.has("answers-the-supplier") {
            supplier
        } else {
            regs
        };
        let answer = Submission {
            interface: "IF-034",
            event: "[DSAppSPResponse]",
            to: vec![to],
            m0: t.pointer("/CommonBlock/M0").cloned().unwrap_or(Value::Null),
            r0: None,
            custom,
            correlation: cx.correlation(t),
        };
        cx.answered(answer)
    }

    /// What it learns of an MPAN from a delivery: its appointments, MDR, energisation and the
    /// MDR's data.
    fn learn(&self, cx: &Context<'_>, t: &Value) {
        let h = Header::of(t);
        let Some(mpan) = h.mpan.clone() else {
            return;
        };
        let s = |p: &str| text(t, &format!("/CustomBlock/{p}"));
        let at = |p: &str| s(p).as_deref().and_then(parse_dt003);
        let me = Some(cx.dip_id);
        let mdr = |site: &mut Site| {
            if let (Some(dip), Some(mpid)) = (s("B019/assignedMDRDIPID"), s("B019/assignedMDRMPID"))
            {
                site.mdr = Some((dip, mpid));
            }
        };
        match (h.interface.as_deref(), h.event.as_deref()) {
            (Some("IF-035"), Some("[DSAppAccepted]"))
                if s("B071/proposedDataServiceDIPID").as_deref() == me =>
            {
                let from = at("B071/proposedDataServiceDIPEffectiveFromDate");
                self.site(&mpan, |site| {
                    site.note(t);
                    if let Some(from) = from {
                        site.appoint(from);
                    }
                    mdr(site);
                });
            }
            (Some("IF-036"), Some("[DSAppActive]"))
                if s("B015/incomingDataServiceDIPID").as_deref() == me =>
            {
                let from = at("B015/incomingDataServiceEffectiveFromDate");
                self.site(&mpan, |site| {
                    site.note(t);
                    if let Some(from) = from {
                        site.appoint(from);
                    }
                    mdr(site);
                });
            }
            (Some("IF-037"), Some("[DSDeApp]")) | (Some("IF-003"), Some("[DSDeAppRM]"))
                if s("B009/deAppointedDataServiceDIPID").as_deref() == me =>
            {
                if let Some(to) = at("B009/dataServiceEffectiveToDate") {
                    self.site(&mpan, |site| site.de_appoint(to));
                }
            }
            (Some("IF-008"), _) => self.site(&mpan, |site| site.note(t)),
            (Some("IF-064"), Some("[MDRConsumption]")) if self.smart() => {
                self.store_mdr_data(cx, &mpan, t);
            }
            _ => {}
        }
    }

    /// Keeps the MDR's periods of `PUB-064 [MDRConsumption]` for the prompt that asks for
    /// the day (D6).
    fn store_mdr_data(&self, cx: &Context<'_>, mpan: &str, t: &Value) {
        let sender = text(t, "/CommonBlock/S1/senderDIPID").unwrap_or_default();
        let active =
            text(t, "/CustomBlock/B045/measurementQuantityID").is_some_and(|m| m.starts_with('A'));
        let days = t
            .pointer("/CustomBlock/B941List")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let periods: Vec<(i64, (i64, String))> = days
            .iter()
            .filter_map(|d| d.get("MDRConsumptionPeriods").and_then(Value::as_array))
            .flatten()
            .filter_map(|p| {
                let sp = p.get("sp").and_then(Value::as_str).and_then(parse_dt003)?;
                let v = p.get("v").and_then(Value::as_str).and_then(parse_milli)?;
                let q = p.get("q").and_then(Value::as_str)?;
                Some((sp.unix_timestamp(), (v, q.to_owned())))
            })
            .collect();
        if !active {
            return;
        }
        self.site(mpan, |site| {
            let from_its_mdr = site.mdr.as_ref().is_none_or(|(d, _)| *d == sender)
                || cx
                    .counterparties
                    .iter()
                    .any(|p| p.role == "MDR" && p.dip_id == sender);
            if from_its_mdr {
                site.mdr_periods.extend(periods);
            }
        });
    }

    /// `IF-061 [MDRStart]` on `PUB-036 [DSAppActive]` naming it with an assigned MDR (D3).
    fn start_mdr(&self, cx: &Context<'_>, t: &Value) -> Vec<Submission> {
        let s = |p: &str| text(t, &format!("/CustomBlock/{p}"));
        let (Some(mdr), Some(mpid)) = (s("B019/assignedMDRDIPID"), s("B019/assignedMDRMPID"))
        else {
            return Vec::new();
        };
        if !self.smart() {
            return Vec::new();
        }
        // It holds the MDR as started even when the start goes astray (a fault of D3 only), so
        // that it stops the MDR on its de-appointment all the same (D4).
        let mpan = Header::of(t).mpan.unwrap_or_default();
        let site = self.site(&mpan, |site| {
            site.started = Some((mdr.clone(), mpid));
            site.clone()
        });
        if cx.has("no-mdr-start") {
            return Vec::new();
        }
        let registered = s("B023/energyDirection")
            .or(site.direction.clone())
            .unwrap_or_else(|| "I".to_owned());
        let direction = match (registered.as_str(), cx.has("mdr-start-wrong-direction")) {
            ("E", true) => "I",
            (_, true) => "E",
            (d, false) => d,
        };
        let b025 = t
            .pointer("/CustomBlock/B025")
            .cloned()
            .or_else(|| {
                site.energisation.last().map(|(at, status)| {
                    json!({"energisationStatus": status, "energisationStatusEffectiveFromDate": format_dt003(*at)})
                })
            })
            .unwrap_or_else(|| {
                json!({"energisationStatus": "E", "energisationStatusEffectiveFromDate": s("B015/incomingDataServiceEffectiveFromDate")})
            });
        let b068 = t
            .pointer("/CustomBlock/B068")
            .cloned()
            .or(site.consent.clone())
            .unwrap_or_else(|| {
                let (granularity, from) = site.proposed_consent.clone().unwrap_or_else(|| {
                    (
                        "N".to_owned(),
                        s("B015/incomingDataServiceEffectiveFromDate").unwrap_or_default(),
                    )
                });
                json!({"consentGranularity": granularity, "consentGranularityEffectiveFromDate": from})
            });
        let mut custom = json!({
            "B019": t.pointer("/CustomBlock/B019").cloned().unwrap_or(Value::Null),
            "B078": {"energyDirection": direction},
            "B025": b025,
            "B068": b068,
        });
        if let Some(b012) = t.pointer("/CustomBlock/B012") {
            custom["B012"] = b012.clone();
        }
        let to = if cx.has("mdr-start-to-regs") {
            counterparty(cx, "REGS")
        } else {
            mdr
        };
        vec![Submission {
            interface: "IF-061",
            event: "[MDRStart]",
            to: vec![to],
            m0: t.pointer("/CommonBlock/M0").cloned().unwrap_or(Value::Null),
            r0: None,
            custom,
            correlation: cx.correlation(t),
        }]
    }

    /// `IF-063 [MDRStop]` to the MDR it started, on its de-appointment (D4).
    fn stop_mdr(&self, cx: &Context<'_>, t: &Value) -> Vec<Submission> {
        if !self.smart() || cx.has("no-mdr-stop") {
            return Vec::new();
        }
        let mpan = Header::of(t).mpan.unwrap_or_default();
        let Some((mdr, mpid)) = self.site(&mpan, |site| site.started.take()) else {
            return Vec::new();
        };
        let mut to_date = text(t, "/CustomBlock/B009/dataServiceEffectiveToDate");
        if cx.has("mdr-stop-wrong-date")
            && let Some(d) = to_date
                .as_deref()
                .and_then(parse_dt003)
                .and_then(|d| d.checked_add(Duration::days(1)))
        {
            to_date = Some(format_dt003(d));
        }
        vec![Submission {
            interface: "IF-063",
            event: "[MDRStop]",
            to: vec![mdr.clone()],
            m0: t.pointer("/CommonBlock/M0").cloned().unwrap_or(Value::Null),
            r0: None,
            custom: json!({"B083": {
                "assignedMDRDIPID": mdr,
                "assignedMDRMPID": mpid,
                "assignedMDREffectiveToDate": to_date,
            }}),
            correlation: cx.correlation(t),
        }]
    }

    /// The periods of one day it submits: `sps` are the ends of the periods to submit. An SDS
    /// passes the MDR's actual periods on and estimates the others; an ADS or a UMSDS gives
    /// its own values. A de-energised period is zero (D7).
    fn day_periods(
        &self,
        cx: &Context<'_>,
        site: &Site,
        mpan: &str,
        sps: &[OffsetDateTime],
    ) -> Vec<Period> {
        let actual = |sp: &OffsetDateTime| {
            site.mdr_periods
                .get(&sp.unix_timestamp())
                .filter(|(_, q)| q == "A")
                .map(|(v, _)| *v)
        };
        let given: Vec<i64> = sps.iter().filter_map(actual).collect();
        let average = i64::try_from(given.len())
            .ok()
            .filter(|n| *n > 0)
            .map(|n| given.iter().sum::<i64>() / n);
        let mut out = Vec::with_capacity(sps.len());
        for (i, &sp) in sps.iter().enumerate() {
            let de_energised = site.de_energised(sp);
            let period = if self.smart() {
                if let Some(v) = actual(&sp) {
                    passed_on(cx, sp, v, i)
                } else if cx.has("drops-gaps") && !given.is_empty() {
                    // Leaves out the gaps of a day the MDR gave data for.
                    continue;
                } else if de_energised {
                    self.zero(cx, sp, mpan)
                } else {
                    estimate(cx, sp, average.unwrap_or_else(|| profile(mpan, sp)))
                }
            } else if de_energised {
                self.zero(cx, sp, mpan)
            } else {
                Period {
                    sp,
                    v: profile(mpan, sp),
                    q: "A",
                    e: None,
                    arc: None,
                }
            };
            out.push(period);
        }
        out
    }

    /// A period after a de-energisation: zero, ZE-family, De-Energised (D7).
    fn zero(&self, cx: &Context<'_>, sp: OffsetDateTime, mpan: &str) -> Period {
        if cx.has("estimates-de-energised") {
            return Period {
                sp,
                v: profile(mpan, sp),
                q: "E1",
                e: Some("2"),
                arc: None,
            };
        }
        Period {
            sp,
            v: if cx.has("ze-nonzero") { 100 } else { 0 },
            q: if self.role == "UMSDS" { "ZE" } else { "ZE1" },
            e: Some(if cx.has("zero-without-reason") {
                "2"
            } else {
                "7"
            }),
            arc: None,
        }
    }

    /// `IF-021` of one settlement day beginning at `day_start` (D5): `local` writes its times
    /// as Europe/London local times (fault `local-days`).
    #[expect(
        clippy::too_many_arguments,
        reason = "one message's parts, each from a different source"
    )]
    fn active_power(
        &self,
        cx: &Context<'_>,
        site: &Site,
        day_start: OffsetDateTime,
        local: bool,
        mqid: &str,
        mut periods: Vec<Period>,
        correlation: Option<String>,
    ) -> Submission {
        for p in &mut periods {
            if cx.has("actual-with-reason") && p.q == "A" {
                p.e = Some("2");
            }
            if cx.has("estimate-without-reason") && p.q.starts_with(['E', 'Z']) {
                p.e = None;
            }
        }
        if cx.has("negative-consumption")
            && let Some(p) = periods.get_mut(9)
        {
            p.v = if p.v > 0 { -p.v } else { -100 };
        }
        if cx.has("missing-period") && periods.len() > 23 {
            periods.remove(23);
        }
        if cx.has("duplicate-period") && periods.len() >= 2 {
            let n = periods.len();
            periods[n - 2].sp = periods[n - 1].sp;
        }
        if cx.has("descending-periods") {
            periods.reverse();
        }
        let write = |t: OffsetDateTime| {
            if local {
                format_london(t)
            } else {
                format_dt003(t)
            }
        };
        let day = if local || cx.has("midnight-with-offset") {
            format_london(day_start)
        } else {
            format_dt003(day_start)
        };
        let starts = cx.has("period-starts");
        let periods: Vec<Value> = periods
            .iter()
            .map(|p| {
                json!({
                    "sp": write(if starts { p.sp - PERIOD } else { p.sp }),
                    "v": format_milli(p.v),
                    "q": p.q,
                    "e": p.e,
                    "arc": p.arc,
                })
            })
            .collect();
        let event = if mqid.starts_with('R') {
            "[ReactivePower]"
        } else {
            "[ActivePower]"
        };
        let mqid = if cx.has("reactive-mqid") {
            mqid.replacen('A', "R", 1)
        } else {
            mqid.to_owned()
        };
        let (registered, from) = site.connection.clone().unwrap_or_else(|| {
            let from = site.terms.first().map_or(day_start, |t| t.0);
            (
                self.segment().connection_type().to_owned(),
                format_dt003(from),
            )
        });
        let unmetered = self.role == "UMSDS";
        let connection = if cx.has("wrong-connection-type") {
            if unmetered || registered != "L" {
                "L"
            } else {
                "W"
            }
        } else if unmetered {
            "U"
        } else {
            registered.as_str()
        };
        let issuer = if cx.has("issuer-not-sender") {
            if cx.dip_id == OTHER_ISSUER {
                "1799999997"
            } else {
                OTHER_ISSUER
            }
        } else {
            cx.dip_id
        };
        let to = counterparty(
            cx,
            if cx.has("consumption-to-supplier") {
                "SUP"
            } else {
                "MDS"
            },
        );
        Submission {
            interface: "IF-021",
            event,
            to: vec![to],
            m0: site.m0.clone(),
            r0: None,
            custom: json!({
                "B044": {"issuingDataServiceDIPID": issuer},
                "B067": {"connectionTypeIndicator": connection, "connectionTypeEffectiveFromDate": from},
                "B900": {
                    "MQID": {"measurementQuantityID": mqid},
                    "settlementDayConsumptionPeriods": [{
                        "settlementDay": {"settlementDayDate": day, "periodDuration": 30},
                        "consumptionPeriods": periods,
                    }],
                },
            }),
            correlation,
        }
    }

    /// The prompt `submit-consumption {mpan, day}` (D5-D7).
    fn submit_consumption(&self, cx: &Context<'_>, input: &Value) -> PromptAnswer {
        let Some(mpan) = input.get("mpan").and_then(Value::as_str) else {
            return PromptAnswer::Refused("the prompt's JSON has no mpan".into());
        };
        if let Err(e) = Mpan::parse(mpan) {
            return PromptAnswer::Refused(format!("mpan {mpan}: {e}"));
        }
        let Some(date) = input
            .get("day")
            .and_then(Value::as_str)
            .and_then(|d| Date::parse(d, DAY).ok())
        else {
            return PromptAnswer::Refused("the prompt's `day` is not a date YYYY-MM-DD".into());
        };
        let Some(site) = self.known(mpan).filter(|s| !s.terms.is_empty()) else {
            return PromptAnswer::Declined(format!("{mpan} is no MPAN this data service serves"));
        };
        let local = cx.has("local-days");
        let bounds = if local {
            london_day(date)
        } else {
            utc_day(date)
        };
        let Some((start, end)) = bounds else {
            return PromptAnswer::Refused(format!("the day {date} is out of range"));
        };
        let all = half_hours(start, end);
        let open_ended = cx.has("submits-after-de-appointment");
        let inside: Vec<OffsetDateTime> = all
            .iter()
            .copied()
            .filter(|sp| site.appointed(*sp - PERIOD, *sp, open_ended))
            .collect();
        let sps = if inside.is_empty() {
            if !cx.has("serves-unappointed-day") {
                return PromptAnswer::Declined(format!(
                    "{mpan}: {date} lies wholly outside this data service's appointment"
                ));
            }
            all
        } else if cx.has("outside-appointment") {
            all
        } else {
            inside
        };
        if cx.has("no-consumption") {
            return PromptAnswer::Work(Vec::new());
        }
        let periods = self.day_periods(cx, &site, mpan, &sps);
        self.site(mpan, |s| {
            s.submitted
                .extend(periods.iter().map(|p| (p.sp.unix_timestamp(), p.clone())));
        });
        PromptAnswer::Work(vec![self.active_power(
            cx,
            &site,
            start,
            local,
            site.mqid(),
            periods,
            None,
        )])
    }

    /// `PUB-027 [ConsumptionAmendment]` (D8): IF-028, then on `A` the revised IF-021 of every
    /// UTC day the amended periods fall in.
    fn amend(&self, cx: &Context<'_>, t: &Value) -> Vec<Submission> {
        if cx.has("no-amendment-answer") {
            return Vec::new();
        }
        let mpan = Header::of(t).mpan.unwrap_or_default();
        let list = t
            .pointer("/CustomBlock/B902List")
            .cloned()
            .unwrap_or(json!([]));
        let requests = amendment_requests(&list);
        let site = self.known(&mpan).filter(|s| !s.terms.is_empty());
        let served = match (&site, &requests) {
            (Some(site), Some(rs)) => rs.iter().all(|r| site.appointed(r.start, r.end, false)),
            _ => false,
        };
        let accepted = requests.is_some() && (served || cx.has("amends-unserved"));
        let r0 = if accepted {
            json!({"responseCode": "A", "responseMessages": []})
        } else {
            json!({"responseCode": "R", "responseMessages": [response_text("RCP1062")]})
        };
        let mut echo = list.clone();
        if cx.has("amendment-echo-drops") {
            drop_last_request(&mut echo);
        }
        let to = if cx.has("amendment-to-regs") {
            counterparty(cx, "REGS")
        } else {
            text(t, "/CommonBlock/S1/senderDIPID").unwrap_or_default()
        };
        let mut out = vec![Submission {
            interface: "IF-028",
            event: "[ConsumptionAmendment]",
            to: vec![to],
            m0: t.pointer("/CommonBlock/M0").cloned().unwrap_or(Value::Null),
            r0: Some(r0),
            custom: json!({"B902List": echo}),
            correlation: cx.correlation(t),
        }];
        let Some(requests) = requests.filter(|_| accepted) else {
            return out;
        };
        if cx.has("no-revised-consumption") {
            return out;
        }
        let mut site = site.unwrap_or_default();
        if site.m0.is_null() {
            site.note(t);
        }
        // The revised periods, by MQID, then by sp.
        let mut revised: BTreeMap<String, BTreeMap<i64, Period>> = BTreeMap::new();
        for r in &requests {
            let sps = r.periods();
            let n = i64::try_from(sps.len()).unwrap_or(1).max(1);
            let each = if cx.has("amendment-sum") {
                r.gross
            } else {
                r.gross / n
            };
            let arc = if cx.has("amendment-wrong-arc") {
                Some("X")
            } else if cx.has("amendment-without-arc") {
                None
            } else {
                r.arc
            };
            let target = revised.entry(r.mqid.clone()).or_default();
            for (i, sp) in sps.iter().enumerate() {
                let remainder = i + 1 == sps.len() && !cx.has("amendment-sum");
                target.insert(
                    sp.unix_timestamp(),
                    Period {
                        sp: *sp,
                        v: if remainder {
                            r.gross - each * (n - 1)
                        } else {
                            each
                        },
                        q: "E0",
                        e: if cx.has("amendment-without-reason-code") {
                            None
                        } else {
                            Some("9")
                        },
                        arc,
                    },
                );
            }
        }
        for (mqid, periods) in revised {
            let days: BTreeSet<Date> = periods.values().map(|p| (p.sp - PERIOD).date()).collect();
            for date in days {
                let Some((start, end)) = utc_day(date) else {
                    continue;
                };
                let sps: Vec<OffsetDateTime> = half_hours(start, end)
                    .into_iter()
                    .filter(|sp| !served || site.appointed(*sp - PERIOD, *sp, false))
                    .collect();
                let day: Vec<Period> = self
                    .day_periods(cx, &site, &mpan, &sps)
                    .into_iter()
                    .map(|p| {
                        let key = p.sp.unix_timestamp();
                        periods
                            .get(&key)
                            .or_else(|| site.submitted.get(&key))
                            .cloned()
                            .unwrap_or(p)
                    })
                    .collect();
                if served {
                    self.site(&mpan, |s| {
                        s.submitted
                            .extend(day.iter().map(|p| (p.sp.unix_timestamp(), p.clone())));
                    });
                    site.submitted
                        .extend(day.iter().map(|p| (p.sp.unix_timestamp(), p.clone())));
                }
                out.push(self.active_power(cx, &site, start, false, &mqid, day, cx.correlation(t)));
            }
        }
        out
    }
}

/// A period the MDR gave as actual, passed on (D6).
fn passed_on(cx: &Context<'_>, sp: OffsetDateTime, v: i64, index: usize) -> Period {
    let mut p = Period {
        sp,
        v,
        q: "A",
        e: None,
        arc: None,
    };
    if cx.has("alters-actuals") && index == 4 {
        p.v += 1;
    }
    if cx.has("requalifies-actuals") {
        p.q = "E1";
        p.e = Some("2");
    }
    if cx.has("ads-quality-code") {
        p.q = "A1";
    }
    p
}

/// A period the MDR did not give: estimated, Missing (D6).
fn estimate(cx: &Context<'_>, sp: OffsetDateTime, v: i64) -> Period {
    Period {
        sp,
        v,
        q: if cx.has("estimate-as-e") { "E" } else { "E1" },
        e: Some(if cx.has("gap-reason-code") { "1" } else { "2" }),
        arc: None,
    }
}

/// The SDS's nomination of its own MDR (B018, D1): the first configured MDR, from the
/// requested effective-from date but never more than 5 days ahead (REG1082).
fn nomination(cx: &Context<'_>, requested: Option<String>) -> Option<Value> {
    let (dip, mpid) = if cx.has("nominates-unknown-mdr") {
        ("1799999999".to_owned(), "MDRX".to_owned())
    } else if let Some(c) = cx.counterparty("MDR") {
        (c.dip_id.clone(), c.mpid.clone())
    } else if cx.has("sends-mdr-nomination") {
        ("1700000001".to_owned(), "MDRA".to_owned())
    } else {
        return None;
    };
    let today = OffsetDateTime::now_utc().date().midnight().assume_utc();
    let from = if cx.has("nominates-far-ahead") {
        today + Duration::days(10)
    } else {
        let cap = today + Duration::days(5);
        requested
            .as_deref()
            .and_then(parse_dt003)
            .map_or(cap, |r| r.min(cap))
    };
    Some(json!({
        "SDSNominatedMDRDIPID": dip,
        "SDSNominatedMDRMPID": mpid,
        "SDSNominatedMDRRequestedEffectiveFromDate": format_dt003(from),
    }))
}

/// One consumption amendment request (B073) under its MQID.
#[derive(Debug, Clone)]
struct Request {
    mqid: String,
    start: OffsetDateTime,
    end: OffsetDateTime,
    gross: i64,
    arc: Option<&'static str>,
}

impl Request {
    /// The ends of the periods it amends: every half hour in (start, end].
    fn periods(&self) -> Vec<OffsetDateTime> {
        let first = (self.start.unix_timestamp().div_euclid(1800) + 1) * 1800;
        let cap = MAX_AMENDMENT.whole_minutes() / 30 + 1;
        (0..cap)
            .filter_map(|k| OffsetDateTime::from_unix_timestamp(first + k * 1800).ok())
            .take_while(|sp| *sp <= self.end)
            .collect()
    }
}

/// The requests of a B902List, when every one is one it can carry out: a window of at least
/// one period and at most [`MAX_AMENDMENT`], and a revised consumption that is not negative.
fn amendment_requests(list: &Value) -> Option<Vec<Request>> {
    let mut out = Vec::new();
    for b902 in list.as_array()? {
        let mqid = b902.pointer("/MQID/measurementQuantityID")?.as_str()?;
        for r in b902
            .get("supplierConsumptionAmendmentRequests")?
            .as_array()?
        {
            let at = |k: &str| r.get(k).and_then(Value::as_str).and_then(parse_dt003);
            let request = Request {
                mqid: mqid.to_owned(),
                start: at("consumptionAmendmentPeriodStartDate")?,
                end: at("consumptionAmendmentPeriodEndDate")?,
                gross: r
                    .get("grossRevisedConsumption")
                    .and_then(Value::as_str)
                    .and_then(parse_milli)?,
                arc: arc_code(r.get("arc").and_then(Value::as_str)),
            };
            if request.end <= request.start
                || request.end - request.start > MAX_AMENDMENT
                || request.gross < 0
                || request.periods().is_empty()
            {
                return None;
            }
            out.push(request);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// DI-166's codes as static text.
fn arc_code(arc: Option<&str>) -> Option<&'static str> {
    ["A", "E", "M", "R", "S", "T", "X"]
        .into_iter()
        .find(|c| Some(*c) == arc)
}

/// The echo's fault `amendment-echo-drops`: the last request left out, or, when it is the only
/// one of its B902, its reference changed.
fn drop_last_request(list: &mut Value) {
    let Some(requests) = list
        .as_array_mut()
        .and_then(|l| l.last_mut())
        .and_then(|b| b.get_mut("supplierConsumptionAmendmentRequests"))
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    if requests.len() > 1 {
        requests.pop();
    } else if let Some(r) = requests.last_mut() {
        r["consumptionAmendmentSupplierReference"] = json!("CA-CHANGED");
    }
}

/// The DIP ID of the first counterparty of a role, empty when there is none.
fn counterparty(cx: &Context<'_>, role: &str) -> String {
    cx.counterparty(role)
        .map(|c| c.dip_id.clone())
        .unwrap_or_default()
}

fn text(t: &Value, pointer: &str) -> Option<String> {
    t.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// A plausible consumption for the period ending at `sp`, in thousandths of a kWh: low at
/// night, peaks in the morning and the evening, a little different for every MPAN.
fn profile(mpan: &str, sp: OffsetDateTime) -> i64 {
    let sp = sp.to_offset(UtcOffset::UTC);
    let seed = mpan.bytes().map(i64::from).sum::<i64>() % 40;
    let slot = i64::from(sp.hour()) * 2 + i64::from(sp.minute() / 30);
    let shape = match slot {
        0..=11 => 140,
        12..=17 => 260,
        18..=31 => 220,
        32..=41 => 480,
        _ => 300,
    };
    shape + seed + (slot % 5) * 3
}

/// A DT-016 decimal in thousandths.
fn parse_milli(s: &str) -> Option<i64> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (whole, fraction) = digits.split_once('.')?;
    let digits_only = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits_only(whole) || whole.len() > 9 || fraction.len() != 3 || !digits_only(fraction) {
        return None;
    }
    let v = whole.parse::<i64>().ok()? * 1000 + fraction.parse::<i64>().ok()?;
    Some(if negative { -v } else { v })
}

/// Thousandths as a DT-016 decimal.
fn format_milli(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{:03}", a / 1000, a % 1000)
}

/// The UTC day `date`: its first and last instants.
fn utc_day(date: Date) -> Option<(OffsetDateTime, OffsetDateTime)> {
    let start = date.midnight().assume_utc();
    Some((start, start.checked_add(Duration::days(1))?))
}

/// The Europe/London local day `date` (fault `local-days`): from one local midnight to the
/// next, 23, 24 or 25 hours long.
fn london_day(date: Date) -> Option<(OffsetDateTime, OffsetDateTime)> {
    let midnight = |d: Date| {
        let utc = d.midnight().assume_utc();
        let summer = utc.checked_sub(Duration::hours(1))?;
        Some(if london_offset(summer) == UtcOffset::UTC {
            utc
        } else {
            summer
        })
    };
    Some((midnight(date)?, midnight(date.next_day()?)?))
}

/// The ends of the half-hour periods from `start` to `end`.
fn half_hours(start: OffsetDateTime, end: OffsetDateTime) -> Vec<OffsetDateTime> {
    (1..=50)
        .filter_map(|k| start.checked_add(PERIOD * k))
        .take_while(|sp| *sp <= end)
        .collect()
}

/// The UK's offset from UTC at `t`: one hour from 01:00 UTC on the last Sunday of March to
/// 01:00 UTC on the last Sunday of October.
fn london_offset(t: OffsetDateTime) -> UtcOffset {
    let change = |month: Month| {
        let mut d = Date::from_calendar_date(t.year(), month, 31).ok()?;
        for _ in 0..7 {
            if d.weekday() == Weekday::Sunday {
                break;
            }
            d = d.previous_day()?;
        }
        d.midnight().assume_utc().checked_add(Duration::hours(1))
    };
    let summer = UtcOffset::from_hms(1, 0, 0).unwrap_or(UtcOffset::UTC);
    match (change(Month::March), change(Month::October)) {
        (Some(from), Some(to)) if t >= from && t < to => summer,
        _ => UtcOffset::UTC,
    }
}

/// An instant as a DT-003 date-time in Europe/London local time, with its offset.
fn format_london(t: OffsetDateTime) -> String {
    t.to_offset(london_offset(t))
        .format(DT003_WITH_OFFSET)
        .unwrap_or_else(|_| format_dt003(t))
}

impl Behaviour for DataService {
    fn role(&self) -> &'static str {
        self.role
    }

    fn faults(&self) -> &'static [Fault] {
        let i = match self.role {
            "SDS" => 0,
            "ADS" => 1,
            _ => 2,
        };
        &ROLE_FAULTS[i]
    }

    fn refuse(&self, cx: &Context<'_>, payload: &Value) -> Option<&'static str> {
        let h = Header::of(payload);
        let confirmation = h.interface.as_deref() == Some("IF-036")
            && h.event.as_deref() == Some("[DSAppActive]")
            && text(payload, "/CustomBlock/B015/incomingDataServiceDIPID").as_deref()
                == Some(cx.dip_id);
        let rejection = h.interface.as_deref() == Some("IF-014");
        (cx.has("refuses-appointment-confirmation") && confirmation
            || cx.has("refuses-consumption-rejection") && rejection)
            .then_some("RCP1062")
    }

    fn reacts_to_rejected(&self, cx: &Context<'_>) -> bool {
        cx.has("appointment-by-content")
    }

    fn react(&self, cx: &Context<'_>, payload: &Value) -> Vec<Submission> {
        let h = Header::of(payload);
        let names_me = |p: &str| text(payload, p).as_deref() == Some(cx.dip_id);
        match (h.interface.as_deref(), h.event.as_deref()) {
            (i, _)
                if cx.has("appointment-by-content")
                    && !matches!(i, Some("IF-035" | "IF-036"))
                    && names_me("/CustomBlock/B071/proposedDataServiceDIPID") =>
            {
                self.answer_request(cx, payload)
            }
            (Some("IF-033"), Some("[DSAppSPRequest]"))
                if names_me("/CustomBlock/B071/proposedDataServiceDIPID") =>
            {
                self.answer_request(cx, payload)
            }
            (Some("IF-036"), Some("[DSAppActive]"))
                if names_me("/CustomBlock/B015/incomingDataServiceDIPID") =>
            {
                self.learn(cx, payload);
                self.start_mdr(cx, payload)
            }
            (Some("IF-037"), Some("[DSDeApp]")) | (Some("IF-003"), Some("[DSDeAppRM]"))
                if names_me("/CustomBlock/B009/deAppointedDataServiceDIPID") =>
            {
                self.learn(cx, payload);
                self.stop_mdr(cx, payload)
            }
            (Some("IF-027"), Some("[ConsumptionAmendment]")) if self.role != "UMSDS" => {
                self.amend(cx, payload)
            }
            _ => {
                self.learn(cx, payload);
                Vec::new()
            }
        }
    }

    fn prompt(&self, cx: &Context<'_>, action: &str, input: &Value) -> PromptAnswer {
        match action {
            "submit-consumption" => self.submit_consumption(cx, input),
            other => PromptAnswer::Refused(format!(
                "the reference {} takes no prompt {other}",
                self.role
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use serde_json::json;

    use super::*;
    use crate::config::Counterparty;
    use crate::schema::{FindingKind, SchemaSet};
    use crate::sut::fault::GENERIC;

    /// The data service's own DIP ID in these tests.
    const ME: &str = "1400000009";
    const MPAN: &str = "1400047037790";
    const CORRELATION: &str = "CI-20260401-000000000000abcd";

    fn parties() -> Vec<Counterparty> {
        [
            ("REGS", "2200000001", "REGA"),
            ("SUP", "2300000001", "SUPA"),
            ("MDS", "2600000001", "MDSA"),
            ("MDR", "1700000001", "MDRA"),
        ]
        .into_iter()
        .map(|(role, dip_id, mpid)| Counterparty {
            role: role.into(),
            dip_id: dip_id.into(),
            mpid: mpid.into(),
        })
        .collect()
    }

    fn with<R>(faults: &[&str], f: impl FnOnce(&Context<'_>) -> R) -> R {
        let faults: HashSet<String> = faults.iter().map(|f| (*f).to_owned()).collect();
        let parties = parties();
        let cx = Context {
            dip_id: ME,
            counterparties: &parties,
            faults: &faults,
            loaded: None,
        };
        f(&cx)
    }

    /// The shipped example of a variant as a delivery about [`MPAN`], with a correlation ID.
    fn delivery(variant: &str) -> Value {
        let file = crate::embedded::file(&format!("schemas/examples/valid/{variant}.json"))
            .unwrap_or_else(|| panic!("no example {variant}"));
        let mut t: Value = serde_json::from_str(file).unwrap();
        let mut t = t[0]["payload"].take();
        t["CommonBlock"]["M0"] =
            json!({"MPANCore": MPAN, "distributorDIPID": "2500000014", "GSPGroupID": "_E"});
        t["CommonBlock"]["D0"] = json!({"initialCorrelationID": CORRELATION});
        t
    }

    fn segment_of(role: &str) -> &'static str {
        match role {
            "ADS" => "A",
            "UMSDS" => "U",
            _ => "S",
        }
    }

    /// `PUB-036 [DSAppActive]` appointing it from `from`, the MDR 1700000001 assigned.
    fn active(role: &str, from: &str) -> Value {
        let mut t = delivery("IF-036-DSAppActive");
        let c = &mut t["CustomBlock"];
        c["B015"]["incomingDataServiceDIPID"] = json!(ME);
        c["B015"]["incomingDataServiceEffectiveFromDate"] = json!(from);
        c["B019"] = json!({"assignedMDRDIPID": "1700000001", "assignedMDRMPID": "MDRA", "assignedMDREffectiveFromDate": from});
        c["B026"]["marketSegmentIndicator"] = json!(segment_of(role));
        if role == "UMSDS" {
            c["B023"]["connectionTypeIndicator"] = json!("U");
            c["B023"]["meteredIndicator"] = json!(false);
        }
        t
    }

    /// A data service of `role` appointed to [`MPAN`] since 2026-01-01.
    fn appointed(role: &'static str) -> DataService {
        let ds = DataService::new(role);
        with(&[], |cx| {
            ds.react(cx, &active(role, "2026-01-01T00:00:00+00:00"))
        });
        ds
    }

    /// A submission as the shell submits it, checked against the schema and the market rules.
    fn assert_valid(s: &Submission, role: &str) {
        let mut payload = json!({
            "CommonBlock": {
                "S0": {"interfaceID": s.interface, "schemaVersion": "011", "eventCode": s.event},
                "S1": {
                    "environmentTag": "UIT",
                    "subText": null,
                    "senderUniqueReference": format!("S-{}-{ME}-{role}-20260401-1a", s.interface),
                    "senderTimestamp": "2026-04-01T10:00:00+00:00",
                    "senderDIPID": ME,
                    "senderRoleID": role,
                    "senderCorrelationID": s.correlation,
                    "DIPConnectionProviderID": null,
                },
                "A0": {"primaryRecipients": s.to, "secondaryRecipients": [], "always": []},
                "M0": s.m0,
            },
            "CustomBlock": s.custom,
        });
        if let Some(r0) = &s.r0 {
            payload["CommonBlock"]["R0"] = r0.clone();
        }
        let mut findings = SchemaSet::embedded().unwrap().check_payload(&payload, "");
        findings.extend(
            crate::schema::rules::check_payload(&payload, "")
                .into_iter()
                .filter(|f| f.kind != FindingKind::Warning),
        );
        assert!(
            findings.is_empty(),
            "{} {}: {findings:#?}",
            s.interface,
            s.event
        );
    }

    fn work(answer: PromptAnswer) -> Vec<Submission> {
        match answer {
            PromptAnswer::Work(w) => w,
            other => panic!("expected work, got {other:?}"),
        }
    }

    fn consumption(ds: &DataService, faults: &[&str], day: &str) -> Submission {
        let mut w = work(with(faults, |cx| {
            ds.prompt(cx, "submit-consumption", &json!({"mpan": MPAN, "day": day}))
        }));
        assert_eq!(w.len(), 1, "{day}");
        w.remove(0)
    }

    fn day_of(s: &Submission) -> &Value {
        &s.custom["B900"]["settlementDayConsumptionPeriods"][0]
    }

    fn periods(s: &Submission) -> Vec<Value> {
        day_of(s)["consumptionPeriods"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn field(periods: &[Value], key: &str) -> Vec<String> {
        periods
            .iter()
            .map(|p| p[key].as_str().unwrap_or("null").to_owned())
            .collect()
    }

    #[test]
    fn each_role_has_the_faults_it_can_show_and_each_fault_is_wired() {
        let names = |role: &'static str| -> Vec<&str> {
            DataService::new(role)
                .faults()
                .iter()
                .map(|f| f.name)
                .collect()
        };
        for role in ["SDS", "ADS", "UMSDS"] {
            let own = names(role);
            let unique: HashSet<&str> = own.iter().copied().collect();
            assert_eq!(unique.len(), own.len(), "{role}: a fault twice");
            for f in &own {
                assert!(!GENERIC.iter().any(|g| g.name == *f), "{role}: {f}");
            }
            for f in ["answers-twice", "local-days", "zero-without-reason"] {
                assert!(own.contains(&f), "{role}: {f}");
            }
        }
        assert!(names("SDS").contains(&"drops-gaps"));
        assert!(!names("SDS").contains(&"sends-mdr-nomination"));
        assert!(names("ADS").contains(&"sends-mdr-nomination"));
        assert!(names("ADS").contains(&"amendment-sum"));
        assert!(!names("ADS").contains(&"no-mdr-start"));
        assert!(names("UMSDS").contains(&"sends-mdr-nomination"));
        assert!(!names("UMSDS").contains(&"no-amendment-answer"));
        assert!(!names("UMSDS").contains(&"amendment-without-arc"));
        assert!(!names("UMSDS").contains(&"ads-quality-code"));
        // Every fault of the list belongs to a role and is switched somewhere in this file, or
        // in the behaviours' shared context (answers-twice, wrong-correlation).
        let source = concat!(include_str!("data.rs"), include_str!("behaviour.rs"));
        for f in FAULTS {
            assert!(
                ["SDS", "ADS", "UMSDS"]
                    .iter()
                    .any(|r| names(r).contains(&f.name)),
                "{}",
                f.name
            );
            assert!(
                source.contains(&format!("has(\"{}\")", f.name)),
                "{} is never switched",
                f.name
            );
        }
    }

    fn request(role: &str) -> Value {
        let mut t = delivery("IF-033-DSAppSPRequest");
        t["CustomBlock"]["B071"]["proposedDataServiceDIPID"] = json!(ME);
        t["CustomBlock"]["B026"]["marketSegmentIndicator"] = json!(segment_of(role));
        t
    }

    #[test]
    fn an_appointment_request_is_answered_once_with_its_echo_and_the_sds_nominates_its_mdr() {
        for role in ["SDS", "ADS", "UMSDS"] {
            let t = request(role);
            let out = with(&[], |cx| DataService::new(role).react(cx, &t));
            assert_eq!(out.len(), 1, "{role}");
            let a = &out[0];
            assert_valid(a, role);
            assert_eq!((a.interface, a.event), ("IF-034", "[DSAppSPResponse]"));
            assert_eq!(a.to, vec!["2200000001".to_owned()]);
            assert_eq!(a.correlation.as_deref(), Some(CORRELATION));
            assert_eq!(a.m0, t["CommonBlock"]["M0"]);
            let c = &a.custom;
            assert_eq!(c["B007"]["responseCode"], "A");
            assert_eq!(
                c["B007"]["proposedAppointmentResponseCode"],
                "SP000 - Proposed Appointment ACCEPTED"
            );
            for block in ["B012", "B013", "B071"] {
                assert_eq!(c[block], t["CustomBlock"][block], "{role} {block}");
            }
            if role == "SDS" {
                assert_eq!(c["B018"]["SDSNominatedMDRDIPID"], "1700000001");
                assert_eq!(c["B018"]["SDSNominatedMDRMPID"], "MDRA");
                let from = parse_dt003(
                    c["B018"]["SDSNominatedMDRRequestedEffectiveFromDate"]
                        .as_str()
                        .unwrap(),
                )
                .unwrap();
                assert!(from <= OffsetDateTime::now_utc() + Duration::days(5));
            } else {
                assert!(c.get("B018").is_none(), "{role}");
            }
        }
        // ADS and UMSDS with the fault nominate all the same.
        let t = request("ADS");
        let out = with(&["sends-mdr-nomination"], |cx| {
            DataService::new("ADS").react(cx, &t)
        });
        assert_eq!(out[0].custom["B018"]["SDSNominatedMDRDIPID"], "1700000001");
    }

    #[test]
    fn a_request_it_cannot_serve_is_declined_with_its_code() {
        let decline = |role: &'static str, t: &Value, faults: &[&str]| {
            let out = with(faults, |cx| DataService::new(role).react(cx, t));
            for s in &out {
                assert_valid(s, role);
            }
            out.first().map(|a| {
                assert_eq!(a.custom.get("B018"), None);
                (
                    a.custom["B007"]["responseCode"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    a.custom["B007"]["proposedAppointmentResponseCode"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
            })
        };
        let other_segment = request("ADS");
        assert_eq!(
            decline("SDS", &other_segment, &[]),
            Some(("R".into(), "SP005 - Segment Not Supported".into()))
        );
        let mut unknown_supplier = request("UMSDS");
        unknown_supplier["CustomBlock"]["B012"]["serviceProviderAppointmentRequestingSupplierDIPID"] =
            json!("2399999999");
        assert_eq!(
            decline("UMSDS", &unknown_supplier, &[]),
            Some((
                "R".into(),
                "SP001 - No Contract(s) exist for Supplier".into()
            ))
        );
        let mut unknown_mdr = request("SDS");
        let b071 = &mut unknown_mdr["CustomBlock"]["B071"];
        b071["supplierNominatedMDRDIPID"] = json!("1799999990");
        b071["supplierNominatedMDRMPID"] = json!("MDRZ");
        b071["supplierNominatedMDREffectiveFromDate"] = json!("2026-04-01T00:00:00+00:00");
        assert_eq!(
            decline("SDS", &unknown_mdr, &[]),
            Some((
                "R".into(),
                "DS001 - Supplier Nominated MDR Invalid/Unsupported".into()
            ))
        );
        assert_eq!(
            decline("SDS", &unknown_mdr, &["mdr-decline-code"]),
            Some(("R".into(), "SP099 - Other".into()))
        );
        assert_eq!(decline("SDS", &unknown_mdr, &["silent-on-decline"]), None);
        // An ADS does not judge MDRs: it accepts.
        let mut ads = unknown_mdr.clone();
        ads["CustomBlock"]["B026"]["marketSegmentIndicator"] = json!("A");
        assert_eq!(decline("ADS", &ads, &[]).unwrap().0, "A");
    }

    #[test]
    fn the_sds_starts_its_mdr_on_appointment_and_stops_it_on_de_appointment() {
        let ds = DataService::new("SDS");
        let t = active("SDS", "2026-01-01T00:00:00+00:00");
        let out = with(&[], |cx| ds.react(cx, &t));
        assert_eq!(out.len(), 1);
        let start = &out[0];
        assert_valid(start, "SDS");
        assert_eq!((start.interface, start.event), ("IF-061", "[MDRStart]"));
        assert_eq!(start.to, vec!["1700000001".to_owned()]);
        assert_eq!(start.correlation.as_deref(), Some(CORRELATION));
        for block in ["B019", "B025", "B068", "B012"] {
            assert_eq!(start.custom[block], t["CustomBlock"][block], "{block}");
        }
        assert_eq!(
            start.custom["B078"]["energyDirection"],
            t["CustomBlock"]["B023"]["energyDirection"]
        );
        let mut stop = delivery("IF-037-DSDeApp");
        stop["CustomBlock"]["B009"]["deAppointedDataServiceDIPID"] = json!(ME);
        stop["CustomBlock"]["B009"]["dataServiceEffectiveToDate"] =
            json!("2026-04-10T00:00:00+00:00");
        let out = with(&[], |cx| ds.react(cx, &stop));
        assert_eq!(out.len(), 1);
        assert_valid(&out[0], "SDS");
        assert_eq!(
            (out[0].interface, out[0].to.clone()),
            ("IF-063", vec!["1700000001".to_owned()])
        );
        assert_eq!(
            out[0].custom["B083"],
            json!({"assignedMDRDIPID": "1700000001", "assignedMDRMPID": "MDRA", "assignedMDREffectiveToDate": "2026-04-10T00:00:00+00:00"})
        );
        // Stopped once: a repeated de-appointment stops nothing more.
        assert!(with(&[], |cx| ds.react(cx, &stop)).is_empty());
        // An ADS has no MDR to start.
        assert!(
            with(&[], |cx| DataService::new("ADS")
                .react(cx, &active("ADS", "2026-01-01T00:00:00+00:00")))
            .is_empty()
        );
    }

    #[test]
    fn a_settlement_day_is_a_utc_day_of_48_period_ends_also_on_clock_change_days() {
        for role in ["SDS", "ADS", "UMSDS"] {
            let ds = appointed(role);
            for (day, next) in [
                ("2026-07-01", "2026-07-02"),
                ("2026-03-29", "2026-03-30"),
                ("2026-10-25", "2026-10-26"),
            ] {
                let s = consumption(&ds, &[], day);
                assert_valid(&s, role);
                assert_eq!((s.interface, s.event), ("IF-021", "[ActivePower]"));
                assert_eq!(s.to, vec!["2600000001".to_owned()]);
                assert_eq!(s.correlation, None);
                assert_eq!(s.custom["B044"]["issuingDataServiceDIPID"], ME);
                assert_eq!(s.custom["B900"]["MQID"]["measurementQuantityID"], "AI");
                let ct = if role == "UMSDS" { "U" } else { "W" };
                assert_eq!(s.custom["B067"]["connectionTypeIndicator"], ct);
                assert_eq!(
                    day_of(&s)["settlementDay"],
                    json!({"settlementDayDate": format!("{day}T00:00:00+00:00"), "periodDuration": 30})
                );
                let sps = field(&periods(&s), "sp");
                assert_eq!(sps.len(), 48, "{role} {day}");
                assert_eq!(sps[0], format!("{day}T00:30:00+00:00"));
                assert_eq!(sps[47], format!("{next}T00:00:00+00:00"));
                assert!(sps.windows(2).all(|w| w[0] < w[1]));
            }
        }
    }

    #[test]
    fn the_local_days_fault_builds_46_and_50_period_days_from_local_midnight() {
        let ds = appointed("ADS");
        for (day, count, midnight) in [
            ("2026-03-29", 46, "2026-03-29T00:00:00+00:00"),
            ("2026-10-25", 50, "2026-10-25T00:00:00+01:00"),
            ("2026-07-01", 48, "2026-07-01T00:00:00+01:00"),
        ] {
            let s = consumption(&ds, &["local-days"], day);
            assert_eq!(periods(&s).len(), count, "{day}");
            assert_eq!(day_of(&s)["settlementDay"]["settlementDayDate"], midnight);
        }
        let s = consumption(&ds, &["midnight-with-offset"], "2026-07-01");
        assert_eq!(
            day_of(&s)["settlementDay"]["settlementDayDate"],
            "2026-07-01T01:00:00+01:00"
        );
        assert_eq!(periods(&s).len(), 48);
    }

    #[test]
    fn a_prompt_it_cannot_serve_is_declined_and_a_broken_prompt_refused() {
        let ds = appointed("SDS");
        let answer = |action: &str, input: Value| with(&[], |cx| ds.prompt(cx, action, &input));
        assert!(matches!(
            answer(
                "submit-consumption",
                json!({"mpan": "2000056535971", "day": "2026-04-01"})
            ),
            PromptAnswer::Declined(_)
        ));
        assert!(matches!(
            answer(
                "submit-consumption",
                json!({"mpan": MPAN, "day": "2025-12-31"})
            ),
            PromptAnswer::Declined(_)
        ));
        for broken in [
            json!({"day": "2026-04-01"}),
            json!({"mpan": "2000056535972", "day": "2026-04-01"}),
            json!({"mpan": MPAN}),
            json!({"mpan": MPAN, "day": "1 April"}),
            json!({"mpan": MPAN, "day": "2026-02-30"}),
        ] {
            assert!(
                matches!(
                    answer("submit-consumption", broken.clone()),
                    PromptAnswer::Refused(_)
                ),
                "{broken}"
            );
        }
        assert!(matches!(
            answer("install-meter", json!({"mpan": MPAN})),
            PromptAnswer::Refused(_)
        ));
        // With the fault, a day before the appointment is taken on.
        let s = consumption(&ds, &["serves-unappointed-day"], "2025-12-31");
        assert_eq!(periods(&s).len(), 48);
        // Taken on, nothing submitted.
        assert!(
            work(with(&["no-consumption"], |cx| ds.prompt(
                cx,
                "submit-consumption",
                &json!({"mpan": MPAN, "day": "2026-04-01"})
            )))
            .is_empty()
        );
    }

    /// `PUB-064` for 2026-04-19 from the MDR, without the periods at `gaps` (0-based).
    fn mdr_day(gaps: &[usize]) -> Value {
        let mut t = delivery("IF-064-MDRConsumption");
        let periods = t["CustomBlock"]["B941List"][0]["MDRConsumptionPeriods"]
            .as_array_mut()
            .unwrap();
        for i in gaps.iter().rev() {
            periods.remove(*i);
        }
        t
    }

    #[test]
    fn the_sds_passes_the_mdrs_periods_on_unchanged_and_estimates_the_gaps() {
        let ds = appointed("SDS");
        let t = mdr_day(&[10, 11, 30]);
        assert!(with(&[], |cx| ds.react(cx, &t)).is_empty());
        let given = t["CustomBlock"]["B941List"][0]["MDRConsumptionPeriods"]
            .as_array()
            .unwrap()
            .clone();
        let s = consumption(&ds, &[], "2026-04-19");
        assert_valid(&s, "SDS");
        let out = periods(&s);
        assert_eq!(out.len(), 48);
        for g in &given {
            let p = out.iter().find(|p| p["sp"] == g["sp"]).unwrap();
            assert_eq!(
                (&p["v"], &p["q"], &p["e"], &p["arc"]),
                (&g["v"], &json!("A"), &Value::Null, &Value::Null)
            );
        }
        for i in [10, 11, 30] {
            let p = &out[i];
            assert_eq!((&p["q"], &p["e"]), (&json!("E1"), &json!("2")), "{i}");
            assert!(parse_milli(p["v"].as_str().unwrap()).unwrap() > 0);
        }
        // A day without any data from the MDR is estimated whole.
        let s = consumption(&ds, &[], "2026-04-20");
        let out = periods(&s);
        assert_eq!(out.len(), 48);
        assert!(out.iter().all(|p| p["q"] == "E1" && p["e"] == "2"));
        // The faults of D6.
        let s = consumption(&ds, &["drops-gaps"], "2026-04-19");
        assert_eq!(periods(&s).len(), 45);
        let s = consumption(&ds, &["alters-actuals"], "2026-04-19");
        assert_ne!(periods(&s)[4]["v"], given[4]["v"]);
        let s = consumption(&ds, &["requalifies-actuals"], "2026-04-19");
        assert!(periods(&s).iter().all(|p| p["q"] == "E1"));
    }

    #[test]
    fn periods_after_a_de_energisation_are_zero_and_after_a_de_appointment_absent() {
        for (role, ze) in [("SDS", "ZE1"), ("ADS", "ZE1"), ("UMSDS", "ZE")] {
            let ds = appointed(role);
            let mut t = delivery("IF-008-EnergisationStatusChange");
            t["CustomBlock"]["B025"] = json!({"energisationStatus": "D", "energisationStatusEffectiveFromDate": "2026-05-01T12:00:00+00:00"});
            with(&[], |cx| ds.react(cx, &t));
            let s = consumption(&ds, &[], "2026-05-01");
            assert_valid(&s, role);
            let out = periods(&s);
            assert_eq!(out.len(), 48);
            for (i, p) in out.iter().enumerate() {
                if i < 24 {
                    assert_ne!(p["v"], "0.000", "{role} {i}");
                } else {
                    assert_eq!(
                        (&p["v"], &p["q"], &p["e"]),
                        (&json!("0.000"), &json!(ze), &json!("7")),
                        "{role} {i}"
                    );
                }
            }
            let s = consumption(&ds, &["estimates-de-energised"], "2026-05-01");
            assert!(periods(&s)[30]["q"] == "E1" && periods(&s)[30]["v"] != "0.000");
        }
        let ds = appointed("ADS");
        let mut stop = delivery("IF-037-DSDeApp");
        stop["CustomBlock"]["B009"]["deAppointedDataServiceDIPID"] = json!(ME);
        stop["CustomBlock"]["B009"]["dataServiceEffectiveToDate"] =
            json!("2026-04-10T12:00:00+00:00");
        assert!(with(&[], |cx| ds.react(cx, &stop)).is_empty());
        let s = consumption(&ds, &[], "2026-04-10");
        let sps = field(&periods(&s), "sp");
        assert_eq!(sps.len(), 24);
        assert_eq!(sps[23], "2026-04-10T12:00:00+00:00");
        assert_eq!(
            periods(&consumption(&ds, &["outside-appointment"], "2026-04-10")).len(),
            48
        );
        assert_eq!(
            periods(&consumption(
                &ds,
                &["submits-after-de-appointment"],
                "2026-04-10"
            ))
            .len(),
            48
        );
        assert!(matches!(
            with(&[], |cx| ds.prompt(
                cx,
                "submit-consumption",
                &json!({"mpan": MPAN, "day": "2026-04-11"})
            )),
            PromptAnswer::Declined(_)
        ));
    }

    #[test]
    fn the_form_faults_break_the_day_as_they_say() {
        let ds = appointed("ADS");
        let sps = |faults: &[&str]| field(&periods(&consumption(&ds, faults, "2026-04-19")), "sp");
        assert_eq!(sps(&["period-starts"])[0], "2026-04-19T00:00:00+00:00");
        assert_eq!(sps(&["missing-period"]).len(), 47);
        let dup = sps(&["duplicate-period"]);
        assert_eq!(dup[46], dup[47]);
        let down = sps(&["descending-periods"]);
        assert!(down[0] > down[47]);
        let s = consumption(&ds, &["negative-consumption"], "2026-04-19");
        assert!(periods(&s)[9]["v"].as_str().unwrap().starts_with('-'));
        let s = consumption(
            &ds,
            &[
                "reactive-mqid",
                "issuer-not-sender",
                "wrong-connection-type",
                "consumption-to-supplier",
            ],
            "2026-04-19",
        );
        assert_eq!(s.event, "[ActivePower]");
        assert_eq!(s.custom["B900"]["MQID"]["measurementQuantityID"], "RI");
        assert_ne!(s.custom["B044"]["issuingDataServiceDIPID"], ME);
        assert_eq!(s.custom["B067"]["connectionTypeIndicator"], "L");
        assert_eq!(s.to, vec!["2300000001".to_owned()]);
    }

    /// `PUB-027` from the supplier: one request for 2026-04-19 (start, end], `gross`.
    fn amendment(start: &str, end: &str, gross: &str) -> Value {
        let mut t = delivery("IF-027-ConsumptionAmendment");
        let r = &mut t["CustomBlock"]["B902List"][0]["supplierConsumptionAmendmentRequests"][0];
        r["consumptionAmendmentPeriodStartDate"] = json!(start);
        r["consumptionAmendmentPeriodEndDate"] = json!(end);
        r["grossRevisedConsumption"] = json!(gross);
        t
    }

    #[test]
    fn an_amendment_is_answered_and_the_revised_day_submitted() {
        let ds = appointed("SDS");
        let before = periods(&consumption(&ds, &[], "2026-04-19"));
        let t = amendment(
            "2026-04-19T08:00:00+00:00",
            "2026-04-19T09:30:00+00:00",
            "1.000",
        );
        let out = with(&[], |cx| ds.react(cx, &t));
        assert_eq!(out.len(), 2);
        let answer = &out[0];
        assert_valid(answer, "SDS");
        assert_eq!(
            (answer.interface, answer.event),
            ("IF-028", "[ConsumptionAmendment]")
        );
        assert_eq!(answer.to, vec!["2300000001".to_owned()]);
        assert_eq!(
            answer.r0,
            Some(json!({"responseCode": "A", "responseMessages": []}))
        );
        assert_eq!(answer.custom["B902List"], t["CustomBlock"]["B902List"]);
        assert_eq!(answer.correlation.as_deref(), Some(CORRELATION));
        let revised = &out[1];
        assert_valid(revised, "SDS");
        assert_eq!(revised.correlation.as_deref(), Some(CORRELATION));
        let after = periods(revised);
        assert_eq!(after.len(), 48);
        // 08:30, 09:00 and 09:30 are the periods of (08:00, 09:30].
        for (i, p) in after.iter().enumerate() {
            if (16..=18).contains(&i) {
                assert_eq!(
                    (&p["q"], &p["e"], &p["arc"]),
                    (&json!("E0"), &json!("9"), &json!("R"))
                );
            } else {
                assert_eq!(p, &before[i], "{i}");
            }
        }
        assert_eq!(field(&after[16..=18], "v"), ["0.333", "0.333", "0.334"]);
        // With the sum fault every revised period carries the whole.
        let again = amendment(
            "2026-04-19T08:00:00+00:00",
            "2026-04-19T09:30:00+00:00",
            "1.000",
        );
        let out = with(&["amendment-sum"], |cx| ds.react(cx, &again));
        assert_eq!(
            field(&periods(&out[1])[16..=18], "v"),
            ["1.000", "1.000", "1.000"]
        );
    }

    #[test]
    fn an_amendment_it_does_not_serve_is_declined_without_revised_consumption() {
        let ds = appointed("ADS");
        let before = amendment(
            "2025-12-31T08:00:00+00:00",
            "2025-12-31T09:00:00+00:00",
            "1.000",
        );
        let mut unknown = amendment(
            "2026-04-19T08:00:00+00:00",
            "2026-04-19T09:00:00+00:00",
            "1.000",
        );
        unknown["CommonBlock"]["M0"] = json!({"MPANCore": "1600047196179", "distributorDIPID": "2500000016", "GSPGroupID": "_G"});
        for t in [before, unknown] {
            let out = with(&[], |cx| ds.react(cx, &t));
            assert_eq!(out.len(), 1);
            assert_valid(&out[0], "ADS");
            assert_eq!(
                out[0].r0,
                Some(
                    json!({"responseCode": "R", "responseMessages": ["RCP1062 - PUB Unexpected given MPAN Process Status/Condition"]})
                )
            );
            let out = with(&["amends-unserved"], |cx| ds.react(cx, &t));
            assert_eq!(out.len(), 2);
            assert_eq!(out[0].r0.as_ref().unwrap()["responseCode"], "A");
        }
        // A UMSDS leaves amendments to the shell: no reaction.
        let ds = appointed("UMSDS");
        let t = amendment(
            "2026-04-19T08:00:00+00:00",
            "2026-04-19T09:00:00+00:00",
            "1.000",
        );
        assert!(with(&[], |cx| ds.react(cx, &t)).is_empty());
    }

    #[test]
    fn the_shell_knows_every_publication_a_data_service_receives() {
        let set = SchemaSet::embedded().unwrap();
        for n in [
            3, 6, 8, 13, 14, 16, 18, 20, 22, 23, 24, 26, 27, 33, 35, 36, 37, 39, 40, 41, 45, 62,
            64, 65,
        ] {
            let id = format!("IF-{n:03}");
            let known = set.catalogue().get(&id);
            assert!(
                known.is_some_and(|i| i.id == id && !i.event_codes.is_empty()),
                "{id} would be refused RCP1002"
            );
        }
    }

    #[test]
    fn the_refusal_faults_refuse_only_what_they_name() {
        let ds = DataService::new("SDS");
        let mine = active("SDS", "2026-01-01T00:00:00+00:00");
        let mut others = mine.clone();
        others["CustomBlock"]["B015"]["incomingDataServiceDIPID"] = json!("1400000001");
        let rejection = delivery("IF-014-ActivePowerRejected");
        let refused = |faults: &[&str], t: &Value| with(faults, |cx| ds.refuse(cx, t));
        assert_eq!(refused(&[], &mine), None);
        assert_eq!(refused(&[], &rejection), None);
        assert_eq!(
            refused(&["refuses-appointment-confirmation"], &mine),
            Some("RCP1062")
        );
        assert_eq!(
            refused(&["refuses-appointment-confirmation"], &others),
            None
        );
        assert_eq!(
            refused(&["refuses-appointment-confirmation"], &rejection),
            None
        );
        assert_eq!(
            refused(&["refuses-consumption-rejection"], &rejection),
            Some("RCP1062")
        );
        assert_eq!(refused(&["refuses-consumption-rejection"], &mine), None);
    }

    #[test]
    fn decimals_and_london_time() {
        assert_eq!(parse_milli("0.182"), Some(182));
        assert_eq!(parse_milli("-12.005"), Some(-12_005));
        assert_eq!(parse_milli("1.5"), None);
        assert_eq!(parse_milli(".500"), None);
        assert_eq!(format_milli(-100), "-0.100");
        assert_eq!(format_milli(123_456), "123.456");
        let at = |s: &str| parse_dt003(s).unwrap();
        assert_eq!(
            london_offset(at("2026-03-29T00:59:59+00:00")),
            UtcOffset::UTC
        );
        assert_ne!(
            london_offset(at("2026-03-29T01:00:00+00:00")),
            UtcOffset::UTC
        );
        assert_ne!(
            london_offset(at("2026-10-25T00:59:59+00:00")),
            UtcOffset::UTC
        );
        assert_eq!(
            london_offset(at("2026-10-25T01:00:00+00:00")),
            UtcOffset::UTC
        );
        assert_eq!(
            format_london(at("2026-07-01T00:00:00+00:00")),
            "2026-07-01T01:00:00+01:00"
        );
    }
}
