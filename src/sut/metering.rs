//! The reference metering services (CONTRACT-ROLES.md §6.2, M1-M8): smart (MSS), advanced
//! (MSA) and unmetered (UMSO). One behaviour serves the three roles; what differs is the
//! segment each serves and that an unmetered operator reports no meter work.
//!
//! It answers the Registration Service's appointment requests (PUB-033 → IF-034), keeps its
//! own record of the MPANs it serves (from PUB-033, PUB-035, PUB-036, PUB-037, PUB-003 and
//! PUB-008: never from the harness's registry), and on a prompt reports meter work (IF-005),
//! its reads (IF-041) and energisation outcomes (IF-007), only inside its appointment.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::Fault;
use super::behaviour::{Behaviour, Context, PromptAnswer, Submission};
use super::fault::fault;
use crate::dip::Header;
use crate::market::{Mpan, Segment};
use crate::schema::rules::parse_dt003;

/// The faults of every metering service.
const FAULTS: &[Fault] = &[
    fault(
        "no-appointment-response",
        "M1",
        "never answers an appointment request",
        "IF-034",
    ),
    fault(
        "answers-twice",
        "M1",
        "answers each appointment request with two IF-034",
        "2 accepted submissions",
    ),
    fault(
        "answers-the-supplier",
        "M1",
        "addresses its IF-034 to the requesting supplier instead of the Registration Service",
        "primaryRecipients",
    ),
    fault(
        "echo-wrong-date",
        "M1",
        "answers with an effective-from date a day later than requested",
        "proposedMeteringServiceDIPEffectiveFromDate",
    ),
    fault(
        "echo-wrong-scenario",
        "M1",
        "answers every request as appointment scenario CSP",
        "appointmentScenario",
    ),
    fault(
        "echo-drops-registration",
        "M1",
        "leaves the CSS registration ID (B013) out of its IF-034",
        "B013",
    ),
    fault(
        "echo-wrong-supplier",
        "M1",
        "names another supplier in the IF-034's B012",
        "B012",
    ),
    fault(
        "lapsed-code",
        "M1",
        "answers L (lapsed) instead of A",
        "responseCode",
    ),
    fault(
        "declines-without-code",
        "M1",
        "declines without an SP code",
        "SP code",
    ),
    fault(
        "declines-with-sp000",
        "M1",
        "declines with SP000, the code of an acceptance",
        "SP000",
    ),
    fault(
        "wrong-correlation",
        "G7",
        "puts a correlation ID of its own in S1.senderCorrelationID",
        "senderCorrelationID",
    ),
    fault(
        "declines-everything",
        "M2",
        "declines every appointment request (SP099)",
        "responseCode",
    ),
    fault(
        "serves-any-segment",
        "M3",
        "accepts appointments for MPANs of any market segment",
        "decline",
    ),
    fault(
        "serves-any-supplier",
        "M3",
        "accepts appointments from suppliers it holds no contract with",
        "decline",
    ),
    fault(
        "silent-on-decline",
        "M3",
        "does not answer a request it declines",
        "decline",
    ),
    fault(
        "appointment-by-content",
        "G2",
        "answers any delivery whose B070 names it as an appointment request, whatever its interface and event code, even one it rejects (but the confirmations of its own)",
        "no business reaction",
    ),
    fault(
        "refuses-registration-changes",
        "G1",
        "answers PUB-018 registration changes with RCP1002, as an interface it does not know",
        "RCP1002",
    ),
    fault(
        "refuses-appointment-confirmation",
        "G1",
        "answers PUB-036 [MSAppActive] naming it with RCP1062, as unexpected",
        "RCP1062",
    ),
    fault(
        "no-meter-report",
        "M4",
        "takes meter work on but never reports it to the Registration Service",
        "IF-005",
    ),
    fault(
        "install-as-update",
        "M4",
        "reports an installation as [MeterUpdate]",
        "[MeterInstall]",
    ),
    fault(
        "meter-id-altered",
        "M4",
        "reports the installed meter under another meter ID",
        "meterID",
    ),
    fault(
        "future-dated-work",
        "M4",
        "dates the meter work two days after it was done",
        "meterInstallationDate",
    ),
    fault(
        "map-before-install",
        "M4",
        "dates the meter asset provider a day before the installation",
        "REG1010",
    ),
    fault(
        "no-esme-guid",
        "M4",
        "reports smart meters without their ESME GUID",
        "ESMEGUID",
    ),
    fault(
        "no-register-digits",
        "M4",
        "reports meters without their number of displayed register digits",
        "numberOfDisplayedRegisterDigits",
    ),
    fault(
        "modified-id-on-install",
        "M4",
        "fills modifiedMeterID on an installation",
        "REG1029",
    ),
    fault(
        "removal-dated-a-day-early",
        "M4",
        "dates a meter removal a day before the work",
        "meterRemovalDate",
    ),
    fault(
        "exchange-reported-as-install",
        "M4",
        "reports a meter exchange as the installation of the new meter",
        "[MeterExchange]",
    ),
    fault(
        "correction-without-new-id",
        "M4",
        "reports a corrected meter ID with modifiedMeterID null",
        "modifiedMeterID",
    ),
    fault(
        "no-read",
        "M5",
        "never sends the data service the reads of its work",
        "IF-041",
    ),
    fault(
        "no-install-read-on-exchange",
        "M5",
        "sends only the removal read of an exchange",
        "[ReadingInstl]",
    ),
    fault(
        "estimated-read",
        "M5",
        "sends reads with readingMethod E",
        "readingMethod",
    ),
    fault(
        "empty-read-list",
        "M5",
        "sends IF-041 with an empty B064List",
        "B064List",
    ),
    fault(
        "read-at-send-time",
        "M5",
        "dates its reads when it sends them, not when the work was done",
        "cumulativeRegisterReadingDateTime",
    ),
    fault(
        "no-energisation-report",
        "M6",
        "takes energisation work on but never reports it",
        "IF-007",
    ),
    fault(
        "undefined-energisation",
        "M6",
        "reports energisation status U",
        "energisationStatus",
    ),
    fault(
        "failure-not-to-supplier",
        "M6",
        "reports a failed energisation to the Registration Service only",
        "primaryRecipients",
    ),
    fault(
        "works-before-appointment",
        "M7",
        "takes on work dated before its appointment starts",
        "declined",
    ),
    fault(
        "works-after-de-appointment",
        "M7",
        "takes on work dated after its de-appointment",
        "declined",
    ),
    fault(
        "meters-unmetered",
        "M8",
        "reports meter work and reads for unmetered supplies",
        "declined",
    ),
];

/// Faults an unmetered supplies operator cannot show: it reports no meter work and no reads.
const METER_WORK: &[&str] = &[
    "no-meter-report",
    "install-as-update",
    "meter-id-altered",
    "future-dated-work",
    "map-before-install",
    "no-esme-guid",
    "no-register-digits",
    "modified-id-on-install",
    "removal-dated-a-day-early",
    "exchange-reported-as-install",
    "correction-without-new-id",
    "no-install-read-on-exchange",
    "no-read",
    "estimated-read",
    "empty-read-list",
    "read-at-send-time",
];

/// The faults of each role: a smart metering service has them all but metering unmetered
/// supplies (it is never appointed to one); an advanced one reports no ESME GUID either; an
/// unmetered supplies operator has none of the meter work's.
static ROLE_FAULTS: std::sync::LazyLock<[Vec<Fault>; 3]> = std::sync::LazyLock::new(|| {
    let keep = |f: &&Fault, role: &str| match role {
        "MSS" => f.name != "meters-unmetered",
        "MSA" => f.name != "meters-unmetered" && f.name != "no-esme-guid",
        _ => !METER_WORK.contains(&f.name),
    };
    ["MSS", "MSA", "UMSO"].map(|r| FAULTS.iter().filter(|f| keep(f, r)).copied().collect())
});

/// What the metering service knows of one MPAN.
#[derive(Debug, Clone, Default)]
struct Site {
    m0: Value,
    segment: Option<String>,
    connection_type: Option<String>,
    metered: Option<bool>,
    energisation: Option<String>,
    /// The Registration Service that asked.
    regs: Option<String>,
    /// The data service appointed beside it (PUB-036 B017).
    data_service: Option<String>,
    /// Its appointments: from, and to once de-appointed.
    terms: Vec<(OffsetDateTime, Option<OffsetDateTime>)>,
    /// Meters it installed: the install-meter prompt's `meter` object, by meter ID.
    meters: HashMap<String, Value>,
}

/// A metering service of one role.
#[derive(Debug)]
pub struct MeteringService {
    role: &'static str,
    sites: Mutex<HashMap<String, Site>>,
}

impl MeteringService {
    pub fn new(role: &'static str) -> Self {
        Self {
            role,
            sites: Mutex::new(HashMap::new()),
        }
    }

    fn segment(&self) -> &'static str {
        match self.role {
            "MSA" => "A",
            "UMSO" => "U",
            _ => "S",
        }
    }

    fn site<R>(&self, mpan: &str, f: impl FnOnce(&mut Site) -> R) -> R {
        let mut sites = self
            .sites
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(sites.entry(mpan.to_owned()).or_default())
    }

    fn known(&self, mpan: &str) -> Option<Site> {
        self.sites
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(mpan)
            .cloned()
    }

    /// The answer to `PUB-033 [MSAppSPRequest]` for it.
    fn answer_request(&self, cx: &Context<'_>, t: &Value) -> Vec<Submission> {
        let c = |p: &str| t.pointer(&format!("/CustomBlock/{p}")).cloned();
        let s = |p: &str| {
            t.pointer(&format!("/CustomBlock/{p}"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let regs = t
            .pointer("/CommonBlock/S1/senderDIPID")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mpan = Header::of(t).mpan.unwrap_or_default();
        let segment = s("B026/marketSegmentIndicator");
        let connection = s("B023/connectionTypeIndicator");
        let metered = t
            .pointer("/CustomBlock/B023/meteredIndicator")
            .and_then(Value::as_bool);
        self.site(&mpan, |site| {
            site.m0 = t.pointer("/CommonBlock/M0").cloned().unwrap_or(Value::Null);
            site.segment.clone_from(&segment);
            site.connection_type.clone_from(&connection);
            site.metered = metered;
            site.regs = Some(regs.clone());
            site.energisation = s("B025/energisationStatus");
        });
        let supplier =
            s("B012/serviceProviderAppointmentRequestingSupplierDIPID").unwrap_or_default();
        let ours = segment.as_deref() == Some(self.segment())
            && (self.role != "UMSO"
                || (connection.as_deref() == Some("U") && metered == Some(false)));
        let contracted = cx
            .counterparties
            .iter()
            .any(|p| p.role == "SUP" && p.dip_id == supplier);
        let decline = if !ours && !cx.has("serves-any-segment") {
            Some("SP005")
        } else if !contracted && !cx.has("serves-any-supplier") {
            Some("SP001")
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
                json!({"responseCode": "A", "proposedAppointmentResponseCode": "SP000 - Proposed Appointment ACCEPTED"})
            }
            Some(_) if cx.has("declines-without-code") => {
                json!({"responseCode": "R", "proposedAppointmentResponseCode": null})
            }
            Some(_) if cx.has("declines-with-sp000") => {
                json!({"responseCode": "R", "proposedAppointmentResponseCode": "SP000 - Proposed Appointment ACCEPTED"})
            }
            Some(code) => {
                json!({"responseCode": "R", "proposedAppointmentResponseCode": crate::dip::response_text(code)})
            }
        };
        let mut b070 = c("B070").unwrap_or(Value::Null);
        if cx.has("echo-wrong-date")
            && let Some(d) = b070
                .pointer("/proposedMeteringServiceDIPEffectiveFromDate")
                .and_then(Value::as_str)
                .and_then(parse_dt003)
        {
            b070["proposedMeteringServiceDIPEffectiveFromDate"] =
                json!(crate::dip::format_dt003(d + Duration::days(1)));
        }
        if cx.has("echo-wrong-scenario") {
            b070["appointmentScenario"] = json!("CSP");
        }
        let mut b012 = c("B012").unwrap_or(Value::Null);
        if cx.has("echo-wrong-supplier") {
            b012["serviceProviderAppointmentRequestingSupplierMPID"] = json!("ZZZZ");
        }
        let mut custom = json!({"B007": b007, "B012": b012, "B070": b070});
        if let Some(b013) = c("B013")
            && !cx.has("echo-drops-registration")
        {
            custom["B013"] = b013;
        }
        let to = if cx.has("answers-the-supplier") {
            supplier
        } else {
            regs
        };
        let answer = Submission {
            interface: "IF-034",
            event: "[MSAppSPResponse]",
            to: vec![to],
            m0: t.pointer("/CommonBlock/M0").cloned().unwrap_or(Value::Null),
            r0: None,
            custom,
            correlation: cx.correlation(t),
        };
        cx.answered(answer)
    }

    /// What it learns from the Registration Service's notifications.
    fn learn(&self, cx: &Context<'_>, t: &Value) {
        let h = Header::of(t);
        let Some(mpan) = h.mpan.clone() else {
            return;
        };
        let s = |p: &str| {
            t.pointer(&format!("/CustomBlock/{p}"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let at = |p: &str| s(p).as_deref().and_then(parse_dt003);
        let me = cx.dip_id;
        match (h.interface.as_deref(), h.event.as_deref()) {
            (Some("IF-036"), Some("[MSAppActive]"))
                if s("B014/incomingMeteringServiceDIPID").as_deref() == Some(me) =>
            {
                let from = at("B014/incomingMeteringServiceEffectiveFromDate");
                self.site(&mpan, |site| {
                    if site.m0.is_null() {
                        site.m0 = t.pointer("/CommonBlock/M0").cloned().unwrap_or(Value::Null);
                    }
                    if let Some(from) = from {
                        site.terms.push((from, None));
                    }
                    site.regs = t
                        .pointer("/CommonBlock/S1/senderDIPID")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    site.data_service = s("B017/incomingDataServiceDIPID");
                    if let Some(seg) = s("B026/marketSegmentIndicator") {
                        site.segment = Some(seg);
                    }
                    if let Some(ct) = s("B023/connectionTypeIndicator") {
                        site.connection_type = Some(ct);
                    }
                    if let Some(m) = t
                        .pointer("/CustomBlock/B023/meteredIndicator")
                        .and_then(Value::as_bool)
                    {
                        site.metered = Some(m);
                    }
                    if let Some(e) = s("B025/energisationStatus") {
                        site.energisation = Some(e);
                    }
                });
            }
            (Some("IF-037" | "IF-003"), Some("[MSDeApp]" | "[MSDeAppRM]"))
                if s("B008/deAppointedMeteringServiceDIPID").as_deref() == Some(me) =>
            {
                if let Some(to) = at("B008/meteringServiceEffectiveToDate") {
                    self.site(&mpan, |site| {
                        if let Some(last) = site.terms.iter_mut().rev().find(|t| t.0 <= to) {
                            last.1 = Some(to);
                        }
                    });
                }
            }
            (Some("IF-008"), _) => {
                if let Some(e) = s("B025/energisationStatus") {
                    self.site(&mpan, |site| site.energisation = Some(e));
                }
            }
            _ => {}
        }
    }

    /// Whether work dated `at` falls inside one of its appointments to the site.
    fn appointed(cx: &Context<'_>, site: &Site, at: OffsetDateTime) -> bool {
        site.terms.iter().any(|(from, to)| {
            (at >= *from || cx.has("works-before-appointment"))
                && to.is_none_or(|to| at < to || cx.has("works-after-de-appointment"))
        })
    }

    fn unmetered(site: &Site) -> bool {
        site.segment.as_deref() == Some("U")
            || site.connection_type.as_deref() == Some("U")
            || site.metered == Some(false)
    }
}

impl Behaviour for MeteringService {
    fn role(&self) -> &'static str {
        self.role
    }

    fn faults(&self) -> &'static [Fault] {
        let i = match self.role {
            "MSS" => 0,
            "MSA" => 1,
            _ => 2,
        };
        &ROLE_FAULTS[i]
    }

    fn reacts_to_rejected(&self, cx: &Context<'_>) -> bool {
        cx.has("appointment-by-content")
    }

    fn refuse(&self, cx: &Context<'_>, payload: &Value) -> Option<&'static str> {
        let h = Header::of(payload);
        if cx.has("refuses-registration-changes") && h.interface.as_deref() == Some("IF-018") {
            return Some("RCP1002");
        }
        (cx.has("refuses-appointment-confirmation")
            && h.interface.as_deref() == Some("IF-036")
            && payload
                .pointer("/CustomBlock/B014/incomingMeteringServiceDIPID")
                .and_then(Value::as_str)
                == Some(cx.dip_id))
        .then_some("RCP1062")
    }

    fn react(&self, cx: &Context<'_>, payload: &Value) -> Vec<Submission> {
        let h = Header::of(payload);
        match (h.interface.as_deref(), h.event.as_deref()) {
            (i, _)
                if cx.has("appointment-by-content")
                    && !matches!(i, Some("IF-035" | "IF-036"))
                    && payload
                        .pointer("/CustomBlock/B070/proposedMeteringServiceDIPID")
                        .and_then(Value::as_str)
                        == Some(cx.dip_id) =>
            {
                self.answer_request(cx, payload)
            }
            (Some("IF-033"), Some("[MSAppSPRequest]"))
                if payload
                    .pointer("/CustomBlock/B070/proposedMeteringServiceDIPID")
                    .and_then(Value::as_str)
                    == Some(cx.dip_id) =>
            {
                self.answer_request(cx, payload)
            }
            _ => {
                self.learn(cx, payload);
                Vec::new()
            }
        }
    }

    fn prompt(&self, cx: &Context<'_>, action: &str, input: &Value) -> PromptAnswer {
        let Some(mpan) = input.get("mpan").and_then(Value::as_str) else {
            return PromptAnswer::Refused("the prompt's JSON has no mpan".into());
        };
        if let Err(e) = Mpan::parse(mpan) {
            return PromptAnswer::Refused(format!("mpan {mpan}: {e}"));
        }
        let Some(at) = input
            .get("at")
            .and_then(Value::as_str)
            .and_then(parse_dt003)
        else {
            return PromptAnswer::Refused("the prompt's `at` is not a DT-003 date-time".into());
        };
        let Some(site) = self.known(mpan) else {
            return PromptAnswer::Declined(format!(
                "{mpan} is no MPAN this metering service serves"
            ));
        };
        if !Self::appointed(cx, &site, at) {
            return PromptAnswer::Declined(format!(
                "{mpan}: the work is dated outside this metering service's appointment"
            ));
        }
        let metering = matches!(
            action,
            "install-meter" | "remove-meter" | "exchange-meter" | "correct-meter"
        );
        if metering
            && (self.role == "UMSO" || Self::unmetered(&site))
            && !cx.has("meters-unmetered")
        {
            return PromptAnswer::Declined(format!(
                "{mpan} is an unmetered supply: no meter work is reported for it"
            ));
        }
        let regs = site.regs.clone().unwrap_or_else(|| {
            cx.counterparty("REGS")
                .map(|c| c.dip_id.clone())
                .unwrap_or_default()
        });
        let work = Work {
            cx,
            role: self.role,
            m0: site.m0.clone(),
            regs,
            data_service: site.data_service.clone(),
            at,
            unmetered: self.role == "UMSO" || Self::unmetered(&site),
        };
        let out = match action {
            "install-meter" => work.install(input, None),
            "remove-meter" => work.removal(input),
            "exchange-meter" => work.exchange(input),
            "correct-meter" => work.correction(input, &site),
            "energise" | "de-energise" => Ok(work.energisation(action, input, &site)),
            other => {
                return PromptAnswer::Refused(format!(
                    "the reference {} takes no prompt {other}",
                    self.role
                ));
            }
        };
        match out {
            Ok(subs) => {
                if action == "install-meter"
                    && let Some(meter) = input.get("meter")
                    && let Some(id) = meter.get("meterID").and_then(Value::as_str)
                {
                    self.site(mpan, |s| {
                        s.meters.insert(id.to_owned(), meter.clone());
                    });
                }
                PromptAnswer::Work(subs)
            }
            Err(why) => PromptAnswer::Refused(why),
        }
    }
}

/// One piece of prompted work on a site.
struct Work<'a> {
    cx: &'a Context<'a>,
    role: &'static str,
    m0: Value,
    regs: String,
    data_service: Option<String>,
    at: OffsetDateTime,
    unmetered: bool,
}

impl Work<'_> {
    fn at(&self) -> String {
        crate::dip::format_dt003(self.at)
    }

    fn to_regs(&self, interface: &'static str, event: &'static str, custom: Value) -> Submission {
        Submission {
            interface,
            event,
            to: vec![self.regs.clone()],
            m0: self.m0.clone(),
            r0: None,
            custom,
            correlation: None,
        }
    }

    /// The IF-041 of the read of a meter at the work's time.
    fn read(
        &self,
        event: &'static str,
        meter_id: &str,
        reading: Option<&Value>,
    ) -> Option<Submission> {
        if self.unmetered && !self.cx.has("meters-unmetered") || self.cx.has("no-read") {
            return None;
        }
        let value = reading
            .and_then(|r| {
                r.as_f64()
                    .or_else(|| r.as_str().and_then(|s| s.parse().ok()))
            })
            .unwrap_or(0.0);
        let when = if self.cx.has("read-at-send-time") {
            crate::dip::now_dt003()
        } else {
            self.at()
        };
        let read = json!({
            "meterID": meter_id,
            "cumulativeRegisterReading": format!("{value:.3}"),
            "cumulativeRegisterReadingDateTime": when,
            "readingMethod": if self.cx.has("estimated-read") { "E" } else { "A" },
            "siteVisitCheckCode": null,
        });
        let list = if self.cx.has("empty-read-list") {
            json!([])
        } else {
            json!([read])
        };
        let to = self
            .data_service
            .clone()
            .or_else(|| {
                self.cx
                    .counterparty(
                        Segment::from_indicator(match self.role {
                            "MSA" => "A",
                            "UMSO" => "U",
                            _ => "S",
                        })?
                        .data_role(),
                    )
                    .map(|c| c.dip_id.clone())
            })
            .unwrap_or_default();
        Some(Submission {
            interface: "IF-041",
            event,
            to: vec![to],
            m0: self.m0.clone(),
            r0: None,
            custom: json!({"B064List": list}),
            correlation: None,
        })
    }

    /// The B906 of a meter the prompt describes (`meter`, `map`), installed at the work's time.
    fn b906(&self, input: &Value) -> Result<Value, String> {
        let meter = input.get("meter").ok_or("the prompt's JSON has no meter")?;
        let f = |k: &str| meter.get(k).cloned().unwrap_or(Value::Null);
        let mut id = f("meterID");
        if self.cx.has("meter-id-altered") {
            id = json!(format!("{}X", id.as_str().unwrap_or_default()));
        }
        let installed = if self.cx.has("future-dated-work") {
            crate::dip::format_dt003(self.at + Duration::days(2))
        } else {
            self.at()
        };
        let map_from = if self.cx.has("map-before-install") {
            crate::dip::format_dt003(self.at - Duration::days(1))
        } else {
            installed.clone()
        };
        Ok(json!({
            "existingMeter": {
                "meterID": id,
                "modifiedMeterID": if self.cx.has("modified-id-on-install") { json!("MOD0000001") } else { Value::Null },
                "meterType": f("meterType"),
                "manufacturersMakeAndType": f("manufacturersMakeAndType"),
                "ESMEGUID": if self.cx.has("no-esme-guid") { Value::Null } else { f("ESMEGUID") },
                "meterLocation": f("meterLocation"),
                "numberOfDisplayedRegisterDigits": if self.cx.has("no-register-digits") { Value::Null } else { f("numberOfDisplayedRegisterDigits") },
                "meterInstallationDate": installed,
            },
            "historyMAP": [{
                "meterAssetProviderID": input.pointer("/map/meterAssetProviderID").cloned().unwrap_or(json!("MAPA")),
                "meterAssetProviderEffectiveFromDate": map_from,
            }],
        }))
    }

    fn install(&self, input: &Value, _: Option<()>) -> Result<Vec<Submission>, String> {
        let b906 = self.b906(input)?;
        let id = input
            .pointer("/meter/meterID")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut out = Vec::new();
        if !self.cx.has("no-meter-report") {
            let event = if self.cx.has("install-as-update") {
                "[MeterUpdate]"
            } else {
                "[MeterInstall]"
            };
            out.push(self.to_regs("IF-005", event, json!({"B906": b906})));
        }
        out.extend(self.read("[ReadingInstl]", id, input.get("reading")));
        Ok(out)
    }

    fn b039(&self, id: &str) -> Value {
        let when = if self.cx.has("removal-dated-a-day-early") {
            crate::dip::format_dt003(self.at - Duration::days(1))
        } else {
            self.at()
        };
        json!({"meterIDRemoved": id, "meterRemovalDate": when})
    }

    fn removal(&self, input: &Value) -> Result<Vec<Submission>, String> {
        let id = input
            .get("meterID")
            .and_then(Value::as_str)
            .ok_or("the prompt's JSON has no meterID")?;
        let mut out = Vec::new();
        if !self.cx.has("no-meter-report") {
            out.push(self.to_regs("IF-005", "[MeterRemoval]", json!({"B039": self.b039(id)})));
        }
        out.extend(self.read("[ReadingRemv]", id, input.get("reading")));
        Ok(out)
    }

    fn exchange(&self, input: &Value) -> Result<Vec<Submission>, String> {
        let old = input
            .pointer("/removed/meterID")
            .and_then(Value::as_str)
            .ok_or("the prompt's JSON has no removed.meterID")?;
        let installed = input
            .get("installed")
            .ok_or("the prompt's JSON has no installed")?;
        let new_id = installed
            .pointer("/meter/meterID")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut out = Vec::new();
        if self.cx.has("exchange-reported-as-install") {
            out.push(self.to_regs(
                "IF-005",
                "[MeterInstall]",
                json!({"B906": self.b906(installed)?}),
            ));
        } else if !self.cx.has("no-meter-report") {
            out.push(self.to_regs(
                "IF-005",
                "[MeterExchange]",
                json!({"B906": self.b906(installed)?, "B039": self.b039(old)}),
            ));
        }
        out.extend(self.read("[ReadingRemv]", old, input.pointer("/removed/reading")));
        if !self.cx.has("no-install-read-on-exchange") {
            out.extend(self.read("[ReadingInstl]", new_id, installed.get("reading")));
        }
        Ok(out)
    }

    fn correction(&self, input: &Value, site: &Site) -> Result<Vec<Submission>, String> {
        let id = input
            .get("meterID")
            .and_then(Value::as_str)
            .ok_or("the prompt's JSON has no meterID")?;
        let new_id = input
            .get("modifiedMeterID")
            .and_then(Value::as_str)
            .ok_or("the prompt's JSON has no modifiedMeterID")?;
        let meter = site
            .meters
            .get(id)
            .ok_or_else(|| format!("meter {id} is not one this metering service installed"))?;
        let mut b906 = self.b906(&json!({"meter": meter}))?;
        b906["existingMeter"]["meterID"] = json!(id);
        b906["existingMeter"]["modifiedMeterID"] = if self.cx.has("correction-without-new-id") {
            Value::Null
        } else {
            json!(new_id)
        };
        if self.cx.has("no-meter-report") {
            return Ok(Vec::new());
        }
        Ok(vec![self.to_regs(
            "IF-005",
            "[MeterUpdate]",
            json!({"B906": b906}),
        )])
    }

    fn energisation(&self, action: &str, input: &Value, site: &Site) -> Vec<Submission> {
        let status = if action == "energise" { "E" } else { "D" };
        let supplier = input
            .get("supplierDIPID")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let failed = input.get("outcome").and_then(Value::as_str) == Some("failed");
        let unchanged = site.energisation.as_deref() == Some(status);
        if self.cx.has("no-energisation-report") {
            return Vec::new();
        }
        if failed || unchanged {
            let reason = if failed {
                input.get("failureReason").cloned().unwrap_or(json!("01"))
            } else {
                json!("15")
            };
            let mut to = vec![self.regs.clone()];
            if !self.cx.has("failure-not-to-supplier") {
                to.push(supplier);
            }
            return vec![Submission {
                interface: "IF-007",
                event: "[EnergisationStatusFailure]",
                to,
                m0: self.m0.clone(),
                r0: None,
                custom: json!({"B040": {
                    "failureEnergiseDeEnergiseReasonCode": reason,
                    "siteVisitCheckCode": null,
                    "natureofMaintenanceEnergisationStatus": null,
                    "additionalInformationSiteVisit": null,
                }}),
                correlation: None,
            }];
        }
        let status = if self.cx.has("undefined-energisation") {
            "U"
        } else {
            status
        };
        let mut out = vec![self.to_regs(
            "IF-007",
            "[EnergisationStatusChange]",
            json!({"B025": {"energisationStatus": status, "energisationStatusEffectiveFromDate": self.at()}}),
        )];
        if let Some(meter) = input.get("meterID").and_then(Value::as_str) {
            out.extend(self.read("[ReadingEnergisationChg]", meter, input.get("reading")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use serde_json::json;

    use super::*;

    fn with<R>(f: impl FnOnce(&Context<'_>) -> R) -> R {
        let faults = HashSet::new();
        let cx = Context {
            dip_id: "1200000009",
            counterparties: &[],
            faults: &faults,
            loaded: None,
        };
        f(&cx)
    }

    #[test]
    fn a_delivery_for_an_mpan_it_has_never_seen_is_learnt_from_and_answers_nothing() {
        let ms = MeteringService::new("MSS");
        for (interface, event, custom) in [
            (
                "IF-037",
                "[MSDeApp]",
                json!({"B008": {"deAppointedMeteringServiceDIPID": "1200000009", "meteringServiceEffectiveToDate": "2026-01-01T00:00:00+00:00"}}),
            ),
            (
                "IF-008",
                "[EnergisationStatusChange]",
                json!({"B025": {"energisationStatus": "D"}}),
            ),
            ("IF-006", "[MeterInstall]", json!({"B906": {}})),
            ("IF-033", "[MSAppSPRequest]", json!({})),
        ] {
            let payload = json!({"CommonBlock": {
                "S0": {"interfaceID": interface, "eventCode": event},
                "M0": {"MPANCore": "2000056535971"}}, "CustomBlock": custom});
            assert!(
                with(|cx| ms.react(cx, &payload)).is_empty(),
                "{interface} {event}"
            );
        }
    }

    #[test]
    fn a_prompt_for_an_mpan_it_has_never_seen_is_declined_and_a_broken_prompt_refused() {
        let ms = MeteringService::new("MSS");
        let answer = |input: Value| with(|cx| ms.prompt(cx, "install-meter", &input));
        assert!(matches!(
            answer(json!({"mpan": "2000056535971", "at": "2026-11-29T10:00:00+00:00"})),
            PromptAnswer::Declined(_)
        ));
        assert!(matches!(
            answer(json!({"at": "2026-11-29T10:00:00+00:00"})),
            PromptAnswer::Refused(_)
        ));
        assert!(matches!(
            answer(json!({"mpan": "2000056535972", "at": "2026-11-29T10:00:00+00:00"})),
            PromptAnswer::Refused(_)
        ));
        assert!(matches!(
            answer(json!({"mpan": "2000056535971", "at": "yesterday"})),
            PromptAnswer::Refused(_)
        ));
    }

    #[test]
    fn each_role_has_the_faults_it_can_show() {
        let names = |role: &'static str| -> Vec<&str> {
            MeteringService::new(role)
                .faults()
                .iter()
                .map(|f| f.name)
                .collect()
        };
        assert!(names("MSS").contains(&"no-esme-guid"));
        assert!(!names("MSA").contains(&"no-esme-guid"));
        assert!(names("UMSO").contains(&"meters-unmetered"));
        assert!(!names("UMSO").contains(&"no-read"));
        assert!(!names("MSS").contains(&"meters-unmetered"));
    }
}
