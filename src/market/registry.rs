//! The Registration Service's record of each MPAN, as far as the harness plays it
//! (CONTRACT-ROLES.md §6.6 "Registry"): its segment, energisation, installed meters, and who
//! is appointed as metering and data service from when to when. It learns from what the
//! Registration Service publishes (PUB-036, PUB-037, PUB-003, an accepting PUB-006, PUB-008),
//! and judges the meter technical details rules of M4 on each IF-005 (`mtd_verdict`).

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;
use time::{Duration, OffsetDateTime};

use super::Segment;
use crate::schema::rules::parse_dt003;

/// One appointment: a service's DIP ID, from, and (once de-appointed) to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub dip_id: String,
    pub from: OffsetDateTime,
    pub to: Option<OffsetDateTime>,
}

impl Term {
    /// Whether `at` lies inside the appointment (from inclusive, to exclusive).
    pub fn covers(&self, at: OffsetDateTime) -> bool {
        at >= self.from && self.to.is_none_or(|to| at < to)
    }
}

/// A meter the registry knows on an MPAN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meter {
    pub id: String,
    pub installed: OffsetDateTime,
    pub removed: Option<OffsetDateTime>,
}

/// What the registry holds for one MPAN.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub segment: Option<Segment>,
    /// The energisation status (`E`, `D`) and since when.
    pub energisation: Option<(String, OffsetDateTime)>,
    pub meters: Vec<Meter>,
    /// Metering service appointments, oldest first.
    pub metering: Vec<Term>,
    /// Data service appointments, oldest first.
    pub data: Vec<Term>,
    /// Every energisation status change, oldest first: the status (`E`, `D`) and from when.
    pub energisations: Vec<(String, OffsetDateTime)>,
    /// The energy direction (`I`, `E`), from B023.
    pub direction: Option<char>,
    /// The connection type and since when, from B023.
    pub connection: Option<(String, OffsetDateTime)>,
    /// The assigned meter data retriever (B019): DIP ID and MPID.
    pub mdr: Option<(String, String)>,
    /// The registration's CSS ID (B013), as the Registration Service last published it.
    pub css_registration_id: Option<String>,
}

impl Record {
    /// The installed (not removed) meter with this ID.
    pub fn installed(&self, id: &str) -> Option<&Meter> {
        self.meters
            .iter()
            .find(|m| m.id == id && m.removed.is_none())
    }
}

/// The registry of a run, by MPAN core.
#[derive(Debug, Default)]
pub struct Registry(Mutex<HashMap<String, Record>>);

/// A rule of the Registration Service that a message breaks: its code and text.
pub type Broken = (&'static str, &'static str);

fn at(payload: &Value, pointer: &str) -> Option<OffsetDateTime> {
    payload
        .pointer(pointer)
        .and_then(Value::as_str)
        .and_then(parse_dt003)
}

fn text<'a>(payload: &'a Value, pointer: &str) -> Option<&'a str> {
    payload.pointer(pointer).and_then(Value::as_str)
}

impl Registry {
    /// A copy of the record of `mpan`.
    pub fn record(&self, mpan: &str) -> Option<Record> {
        self.lock().get(mpan).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Record>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records the segment of a new MPAN.
    pub fn register(&self, mpan: &str, segment: Segment) {
        self.lock().entry(mpan.to_owned()).or_default().segment = Some(segment);
    }

    /// Learns from a message the Registration Service publishes.
    pub fn learn(&self, payload: &Value) {
        let Some(mpan) = text(payload, "/CommonBlock/M0/MPANCore") else {
            return;
        };
        let interface = text(payload, "/CommonBlock/S0/interfaceID").unwrap_or_default();
        let event = text(payload, "/CommonBlock/S0/eventCode").unwrap_or_default();
        let mut all = self.lock();
        let r = all.entry(mpan.to_owned()).or_default();
        let c = "/CustomBlock";
        if text(payload, "/CommonBlock/R0/responseCode") != Some("R") {
            learn_site(r, payload);
        }
        match (interface, event) {
            ("IF-036", "[MSAppActive]") => {
                if let (Some(dip_id), Some(from)) = (
                    text(payload, &format!("{c}/B014/incomingMeteringServiceDIPID")),
                    at(
                        payload,
                        &format!("{c}/B014/incomingMeteringServiceEffectiveFromDate"),
                    ),
                ) {
                    appoint(&mut r.metering, dip_id, from);
                }
            }
            ("IF-036", "[DSAppActive]") => {
                if let (Some(dip_id), Some(from)) = (
                    text(payload, &format!("{c}/B015/incomingDataServiceDIPID")),
                    at(
                        payload,
                        &format!("{c}/B015/incomingDataServiceEffectiveFromDate"),
                    ),
                ) {
                    appoint(&mut r.data, dip_id, from);
                }
            }
            ("IF-037" | "IF-003", "[MSDeApp]" | "[MSDeAppRM]") => {
                if let (Some(dip_id), Some(to)) = (
                    text(
                        payload,
                        &format!("{c}/B008/deAppointedMeteringServiceDIPID"),
                    ),
                    at(payload, &format!("{c}/B008/meteringServiceEffectiveToDate")),
                ) {
                    end(&mut r.metering, dip_id, to);
                }
            }
            ("IF-037" | "IF-003", "[DSDeApp]" | "[DSDeAppRM]") => {
                if let (Some(dip_id), Some(to)) = (
                    text(payload, &format!("{c}/B009/deAppointedDataServiceDIPID")),
                    at(payload, &format!("{c}/B009/dataServiceEffectiveToDate")),
                ) {
                    end(&mut r.data, dip_id, to);
                }
            }
            ("IF-008", _) => {
                if let (Some(status), Some(from)) = (
                    text(payload, &format!("{c}/B025/energisationStatus")),
                    at(
                        payload,
                        &format!("{c}/B025/energisationStatusEffectiveFromDate"),
                    ),
                ) && text(payload, "/CommonBlock/R0/responseCode") != Some("R")
                {
                    r.energisation = Some((status.to_owned(), from));
                    energise(r, status, from);
                }
            }
            ("IF-006", event) if text(payload, "/CommonBlock/R0/responseCode") == Some("A") => {
                apply_meter_work(r, event, payload);
            }
            _ => {}
        }
    }

    /// What the registry knows of `mpan` that the settlement rules judge a day of
    /// consumption by, for a data service `sender` (its DIP ID and role).
    pub fn facts(&self, mpan: &str, sender: (&str, &str)) -> super::settlement::Facts {
        let r = self.record(mpan).unwrap_or_default();
        super::settlement::Facts {
            sender_dip_id: sender.0.to_owned(),
            sender_role: sender.1.to_owned(),
            direction: r.direction,
            connection: r.connection.clone(),
            appointment: r
                .data
                .iter()
                .rev()
                .find(|t| t.dip_id == sender.0)
                .map(|t| (t.from, t.to)),
            de_energised: r
                .energisations
                .iter()
                .map(|(status, from)| (*from, status == "D"))
                .collect(),
        }
    }

    /// The first meter technical details rule of M4 that an `IF-005` from `sender` (its DIP
    /// ID and role) breaks, judged against the registry as it stands; None when it breaks
    /// none.
    pub fn mtd_verdict(&self, sender: (&str, &str), payload: &Value) -> Option<Broken> {
        let mpan = text(payload, "/CommonBlock/M0/MPANCore")?;
        let event = text(payload, "/CommonBlock/S0/eventCode").unwrap_or_default();
        let record = self.record(mpan).unwrap_or_default();
        judge(&record, sender, event, payload, OffsetDateTime::now_utc())
    }
}

/// The site facts any Registration Service publication carries: connection (B023), the
/// assigned MDR (B019), and the energisation in an appointment's B025.
fn learn_site(r: &mut Record, payload: &Value) {
    let c = "/CustomBlock";
    if let Some(css) = text(payload, &format!("{c}/B013/CSSRegistrationID")) {
        r.css_registration_id = Some(css.to_owned());
    }
    if let Some(d) =
        text(payload, &format!("{c}/B023/energyDirection")).and_then(|d| d.chars().next())
    {
        r.direction = Some(d);
    }
    if let (Some(kind), Some(from)) = (
        text(payload, &format!("{c}/B023/connectionTypeIndicator")),
        at(
            payload,
            &format!("{c}/B023/connectionTypeEffectiveFromDate"),
        ),
    ) {
        r.connection = Some((kind.to_owned(), from));
    }
    if let (Some(id), Some(mpid)) = (
        text(payload, &format!("{c}/B019/assignedMDRDIPID")),
        text(payload, &format!("{c}/B019/assignedMDRMPID")),
    ) {
        r.mdr = Some((id.to_owned(), mpid.to_owned()));
    }
    if text(payload, "/CommonBlock/S0/interfaceID") == Some("IF-036")
        && let (Some(status), Some(from)) = (
            text(payload, &format!("{c}/B025/energisationStatus")),
            at(
                payload,
                &format!("{c}/B025/energisationStatusEffectiveFromDate"),
            ),
        )
    {
        energise(r, status, from);
    }
}

/// Records an energisation status from `from`, keeping the timeline in order.
fn energise(r: &mut Record, status: &str, from: OffsetDateTime) {
    if r.energisations
        .iter()
        .any(|(s, f)| s == status && *f == from)
    {
        return;
    }
    r.energisations.push((status.to_owned(), from));
    r.energisations.sort_by_key(|(_, f)| *f);
}

fn appoint(terms: &mut Vec<Term>, dip_id: &str, from: OffsetDateTime) {
    for t in terms.iter_mut() {
        if t.to.is_none() && t.from < from && t.dip_id != dip_id {
            t.to = Some(from);
        }
    }
    if !terms.iter().any(|t| t.dip_id == dip_id && t.from == from) {
        terms.push(Term {
            dip_id: dip_id.to_owned(),
            from,
            to: None,
        });
    }
}

fn end(terms: &mut [Term], dip_id: &str, to: OffsetDateTime) {
    if let Some(t) = terms
        .iter_mut()
        .rev()
        .find(|t| t.dip_id == dip_id && t.from <= to)
    {
        t.to = Some(to);
    }
}

fn apply_meter_work(r: &mut Record, event: &str, payload: &Value) {
    let c = "/CustomBlock";
    let installed = || {
        Some(Meter {
            id: text(payload, &format!("{c}/B906/existingMeter/meterID"))?.to_owned(),
            installed: at(
                payload,
                &format!("{c}/B906/existingMeter/meterInstallationDate"),
            )?,
            removed: None,
        })
    };
    let remove = |r: &mut Record| {
        if let (Some(id), Some(when)) = (
            text(payload, &format!("{c}/B039/meterIDRemoved")),
            at(payload, &format!("{c}/B039/meterRemovalDate")),
        ) && let Some(m) = r
            .meters
            .iter_mut()
            .find(|m| m.id == id && m.removed.is_none())
        {
            m.removed = Some(when);
        }
    };
    match event {
        "[MeterInstall]" => r.meters.extend(installed()),
        "[MeterRemoval]" => remove(r),
        "[MeterExchange]" => {
            remove(r);
            r.meters.extend(installed());
        }
        "[MeterUpdate]" => {
            if let (Some(id), Some(new)) = (
                text(payload, &format!("{c}/B906/existingMeter/meterID")),
                text(payload, &format!("{c}/B906/existingMeter/modifiedMeterID")),
            ) && let Some(m) = r
                .meters
                .iter_mut()
                .find(|m| m.id == id && m.removed.is_none())
            {
                new.clone_into(&mut m.id);
            }
        }
        _ => {}
    }
}

/// The M4 rules, in the order CONTRACT-ROLES.md lists them.
fn judge(
    r: &Record,
    (sender, sender_role): (&str, &str),
    event: &str,
    payload: &Value,
    now: OffsetDateTime,
) -> Option<Broken> {
    let c = "/CustomBlock";
    let install = at(
        payload,
        &format!("{c}/B906/existingMeter/meterInstallationDate"),
    );
    let removal = at(payload, &format!("{c}/B039/meterRemovalDate"));
    let installs = matches!(event, "[MeterInstall]" | "[MeterExchange]");
    let removes = matches!(event, "[MeterRemoval]" | "[MeterExchange]");
    let work = match event {
        "[MeterRemoval]" => removal,
        "[MeterInstall]" | "[MeterExchange]" => install.or(removal),
        _ => Some(now),
    };
    if let Some(work) = work
        && !r
            .metering
            .iter()
            .any(|t| t.dip_id == sender && t.covers(work))
    {
        return Some((
            "REG1002",
            "No Valid Appointment held by Metering Service on Relevant Date",
        ));
    }
    if work.is_some_and(|w| w > now + Duration::minutes(1)) {
        return Some(("REG1020", "Event cannot take place in the future"));
    }
    let new_id = text(payload, &format!("{c}/B906/existingMeter/meterID"));
    if installs && new_id.is_some_and(|id| r.installed(id).is_some()) {
        return Some(("REG1006", "Meter with same Meter ID already Installed"));
    }
    let modified = payload.pointer(&format!("{c}/B906/existingMeter/modifiedMeterID"));
    if !matches!(event, "[MeterUpdate]" | "[MeterHistoryUpdate]")
        && modified.is_some_and(|m| !m.is_null())
    {
        return Some(("REG1029", "Modified Meter Id Must be Null"));
    }
    let removed_id = text(payload, &format!("{c}/B039/meterIDRemoved"));
    if removes {
        let Some(meter) = removed_id.and_then(|id| r.installed(id)) else {
            return Some((
                "REG1004",
                "Meter ID does not match existing Installed Meter(s)",
            ));
        };
        if removal.is_some_and(|when| when < meter.installed) {
            return Some((
                "REG1005",
                "Meter Removal Date cannot be prior to Install Date",
            ));
        }
    }
    if event == "[MeterUpdate]" && new_id.is_some_and(|id| r.installed(id).is_none()) {
        return Some((
            "REG1004",
            "Meter ID does not match existing Installed Meter(s)",
        ));
    }
    if event == "[MeterExchange]"
        && let (Some(i), Some(rm)) = (install, removal)
        && i < rm
    {
        return Some((
            "REG1008",
            "Meter Install Date cannot be prior to Removal Date for Exchange",
        ));
    }
    if installs {
        let maps = payload
            .pointer(&format!("{c}/B906/historyMAP"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some(i) = install
            && maps
                .iter()
                .any(|m| at(m, "/meterAssetProviderEffectiveFromDate").is_some_and(|from| from < i))
        {
            return Some((
                "REG1010",
                "MAP Effective Date cannot be prior to Meter Install Date",
            ));
        }
        if sender_role == "MSS"
            && payload
                .pointer(&format!("{c}/B906/existingMeter/ESMEGUID"))
                .is_none_or(Value::is_null)
        {
            return Some(("REG1046", "ESME Id Missing or Invalid"));
        }
        if payload
            .pointer(&format!(
                "{c}/B906/existingMeter/numberOfDisplayedRegisterDigits"
            ))
            .is_none_or(Value::is_null)
        {
            return Some(("REG1047", "Displayed Digits must be Provided"));
        }
        if let (Some(i), Some(ihd)) = (
            install,
            at(payload, &format!("{c}/B030/IHDEffectiveFromDate")),
        ) && ihd < i
        {
            return Some((
                "REG1096",
                "IHD effective from date cannot be before meter installation date",
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn dt(s: &str) -> OffsetDateTime {
        parse_dt003(s).unwrap()
    }

    fn install(id: &str, when: &str) -> Value {
        json!({
            "CommonBlock": {"S0": {"interfaceID": "IF-005", "eventCode": "[MeterInstall]"},
                            "M0": {"MPANCore": "1012345678901"}},
            "CustomBlock": {"B906": {
                "existingMeter": {"meterID": id, "modifiedMeterID": null, "ESMEGUID": "00-11-22-33-44-55-66-77",
                                   "numberOfDisplayedRegisterDigits": 5, "meterInstallationDate": when},
                "historyMAP": [{"meterAssetProviderID": "MAPA", "meterAssetProviderEffectiveFromDate": when}]}}
        })
    }

    fn appointed() -> Registry {
        let r = Registry::default();
        r.learn(&json!({
            "CommonBlock": {"S0": {"interfaceID": "IF-036", "eventCode": "[MSAppActive]"},
                            "M0": {"MPANCore": "1012345678901"}},
            "CustomBlock": {"B014": {"incomingMeteringServiceDIPID": "1200000009",
                                     "incomingMeteringServiceEffectiveFromDate": "2026-01-01T00:00:00+00:00"}}
        }));
        r
    }

    #[test]
    fn an_install_inside_the_appointment_breaks_nothing() {
        let r = appointed();
        let p = install("M1", "2026-02-01T10:00:00+00:00");
        assert_eq!(r.mtd_verdict(("1200000009", "MSS"), &p), None);
    }

    #[test]
    fn each_rule_names_its_code() {
        let r = appointed();
        let sender = ("1200000009", "MSS");
        let before = install("M1", "2025-12-31T10:00:00+00:00");
        assert_eq!(r.mtd_verdict(sender, &before).unwrap().0, "REG1002");
        assert_eq!(
            r.mtd_verdict(
                ("1200000001", "MSS"),
                &install("M1", "2026-02-01T10:00:00+00:00")
            )
            .unwrap()
            .0,
            "REG1002"
        );
        let future = install("M1", "2099-01-01T00:00:00+00:00");
        assert_eq!(r.mtd_verdict(sender, &future).unwrap().0, "REG1020");
        let mut no_esme = install("M1", "2026-02-01T10:00:00+00:00");
        no_esme["CustomBlock"]["B906"]["existingMeter"]["ESMEGUID"] = Value::Null;
        assert_eq!(r.mtd_verdict(sender, &no_esme).unwrap().0, "REG1046");
        assert_eq!(r.mtd_verdict(("1200000009", "MSA"), &no_esme), None);
        let mut map = install("M1", "2026-02-01T10:00:00+00:00");
        map["CustomBlock"]["B906"]["historyMAP"][0]["meterAssetProviderEffectiveFromDate"] =
            json!("2026-01-15T00:00:00+00:00");
        assert_eq!(r.mtd_verdict(sender, &map).unwrap().0, "REG1010");
        let mut modified = install("M1", "2026-02-01T10:00:00+00:00");
        modified["CustomBlock"]["B906"]["existingMeter"]["modifiedMeterID"] = json!("M2");
        assert_eq!(r.mtd_verdict(sender, &modified).unwrap().0, "REG1029");
    }

    #[test]
    fn installed_meters_are_learnt_from_an_accepting_pub_006() {
        let r = appointed();
        let mut accepted = install("M1", "2026-02-01T10:00:00+00:00");
        accepted["CommonBlock"]["S0"]["interfaceID"] = json!("IF-006");
        accepted["CommonBlock"]["R0"] = json!({"responseCode": "A", "responseMessages": []});
        r.learn(&accepted);
        let again = install("M1", "2026-02-02T10:00:00+00:00");
        assert_eq!(
            r.mtd_verdict(("1200000009", "MSS"), &again).unwrap().0,
            "REG1006"
        );
        let removal = json!({
            "CommonBlock": {"S0": {"interfaceID": "IF-005", "eventCode": "[MeterRemoval]"},
                            "M0": {"MPANCore": "1012345678901"}},
            "CustomBlock": {"B039": {"meterIDRemoved": "M9", "meterRemovalDate": "2026-02-03T10:00:00+00:00"}}
        });
        assert_eq!(
            r.mtd_verdict(("1200000009", "MSS"), &removal).unwrap().0,
            "REG1004"
        );
        assert_eq!(
            dt("2026-02-01T10:00:00+00:00"),
            r.record("1012345678901").unwrap().meters[0].installed
        );
    }

    #[test]
    fn a_de_appointment_ends_the_term() {
        let r = appointed();
        r.learn(&json!({
            "CommonBlock": {"S0": {"interfaceID": "IF-037", "eventCode": "[MSDeApp]"},
                            "M0": {"MPANCore": "1012345678901"}},
            "CustomBlock": {"B008": {"deAppointedMeteringServiceDIPID": "1200000009",
                                     "meteringServiceEffectiveToDate": "2026-03-01T00:00:00+00:00"}}
        }));
        let after = install("M1", "2026-03-02T10:00:00+00:00");
        assert_eq!(
            r.mtd_verdict(("1200000009", "MSS"), &after).unwrap().0,
            "REG1002"
        );
        let inside = install("M1", "2026-02-28T10:00:00+00:00");
        assert_eq!(r.mtd_verdict(("1200000009", "MSS"), &inside), None);
    }
}
