//! A metering service in a scenario (CONTRACT-ROLES.md §6.2, M1-M8): the Registration
//! Service's appointment requests and what the system answers; prompted meter work and what
//! the system reports of it. Each check names the field, the expected value and what arrived.

use std::sync::Arc;

use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, Time};

use super::scenario::{batch_has, fail, payload_of, refusals};
use super::{Session, StepFailure};
use crate::dip::format_dt003;
use crate::journal::{Direction, Entry};
use crate::market::Segment;

/// Who asks for the appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requester {
    /// The first `SUP` counterparty: one the system holds a contract with.
    Contracted,
    /// A supplier the harness invents: not in the configuration.
    Uncontracted,
}

/// When the requested appointment starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Starts {
    /// 7 days ahead at 00:00 UTC (§6.5, appointment behaviours).
    InAWeek,
    /// Today at 00:00 UTC (§6.5, a standing appointment made in the scenario).
    Today,
    /// From a given moment (a standing appointment back-dated, for settlement days past).
    At(OffsetDateTime),
}

/// The invented supplier without a contract.
const UNCONTRACTED: (&str, &str) = ("2399999999", "NOCN");

/// Today at 00:00 UTC.
pub fn midnight() -> OffsetDateTime {
    OffsetDateTime::now_utc().replace_time(Time::MIDNIGHT)
}

/// A moment of prompted work: a little before now, and never before today's midnight.
fn work_time() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc() - Duration::seconds(90);
    t.max(midnight() + Duration::seconds(1))
        .replace_nanosecond(0)
        .unwrap_or(t)
}

/// The appointment messages of the system's service: a metering service's (`B070`) or a data
/// service's (`B071`).
#[derive(Debug, Clone, Copy)]
pub struct Service {
    pub request: &'static str,
    pub response: &'static str,
    pub accepted: &'static str,
    pub active: &'static str,
    /// The block of the proposed service, and the prefix of its fields.
    pub block: &'static str,
    pub proposed: &'static str,
    pub contract: &'static str,
    /// The B070/B071 fields an answer must echo (beyond the contract reference, which warns).
    pub echoed: &'static [&'static str],
}

const METERING: Service = Service {
    request: "[MSAppSPRequest]",
    response: "[MSAppSPResponse]",
    accepted: "[MSAppAccepted]",
    active: "[MSAppActive]",
    block: "B070",
    proposed: "proposedMeteringService",
    contract: "contractReferenceMeteringService",
    echoed: &[
        "proposedMeteringServiceDIPID",
        "proposedMeteringServiceMPID",
        "proposedMeteringServiceDIPEffectiveFromDate",
        "appointmentScenario",
    ],
};

const DATA: Service = Service {
    request: "[DSAppSPRequest]",
    response: "[DSAppSPResponse]",
    accepted: "[DSAppAccepted]",
    active: "[DSAppActive]",
    block: "B071",
    proposed: "proposedDataService",
    contract: "contractReferenceDataService",
    // D1: its DIP ID, MPID, effective-from date, scenario, supplier-nominated MDR, consent
    // granularity, domestic indicator and fall-back read frequency.
    echoed: &[
        "proposedDataServiceDIPID",
        "proposedDataServiceMPID",
        "proposedDataServiceDIPEffectiveFromDate",
        "appointmentScenario",
        "supplierNominatedMDRDIPID",
        "supplierNominatedMDRMPID",
        "supplierNominatedMDREffectiveFromDate",
        "supplierProposedConsentGranularity",
        "supplierProposedDomesticIndicator",
        "traditionalFallBackReadFrequency",
    ],
};

pub(super) fn at(v: &Value, pointer: &str) -> Value {
    v.pointer(pointer).cloned().unwrap_or(Value::Null)
}

impl Session {
    /// The appointment messages of the system's service.
    pub fn service(&self) -> Service {
        if crate::market::roles::family(&self.system().role) == "DS" {
            DATA
        } else {
            METERING
        }
    }

    /// The Registration Service asks the system to be the metering (or data) service of the
    /// latest MPAN (`PUB-033 [MSAppSPRequest]`, `[DSAppSPRequest]`).
    pub async fn request_metering_appointment(
        &mut self,
        requester: Requester,
        scenario: &str,
        starts: Starts,
    ) -> Result<(), StepFailure> {
        self.request_appointment(requester, scenario, starts, &[])
            .await
    }

    /// As [`Session::request_metering_appointment`], with more template variables.
    pub async fn request_appointment(
        &mut self,
        requester: Requester,
        scenario: &str,
        starts: Starts,
        more: &[(&str, Value)],
    ) -> Result<(), StepFailure> {
        let supplier = match requester {
            Requester::Contracted => {
                // In a flow, the real supplier when a system plays it.
                if let Some(p) = self
                    .harness
                    .parties
                    .systems()
                    .find(|p| p.role == "SUP" && self.target.is_some())
                {
                    (p.dip_id.clone(), p.mpid.clone())
                } else {
                    let c = self.counterparty("SUP")?;
                    (c.dip_id, c.mpid)
                }
            }
            Requester::Uncontracted => (UNCONTRACTED.0.to_owned(), UNCONTRACTED.1.to_owned()),
        };
        let from = match starts {
            Starts::InAWeek => midnight() + Duration::days(7),
            Starts::Today => midnight(),
            Starts::At(t) => t,
        };
        let css = crate::dip::css_registration_id();
        let mut vars = vec![
            ("supplier.dip_id", json!(supplier.0)),
            ("supplier.mpid", json!(supplier.1)),
            ("css_registration_id", json!(css)),
            ("effective_from", json!(format_dt003(from))),
            ("contract_reference", json!("MS-CONTRACT-0001")),
            ("appointment_scenario", json!(scenario)),
        ];
        if self.subject()?.segment == Segment::Smart
            && self.harness.config.counterparty("MDR").is_some()
        {
            vars.push(("nominated_mdr.from", json!(format_dt003(from))));
        }
        vars.extend(more.iter().cloned());
        let event = self.service().request;
        let payload = self.build_with("REGS", "IF-033", event, &vars, &[])?;
        self.deliver("REGS", vec![payload]).await?;
        Ok(())
    }

    /// The delivered appointment request.
    fn delivered_request(&self) -> Result<(Arc<Entry>, Value), StepFailure> {
        let d = self.last_delivery()?;
        let p = payload_of(&d, self.service().request).ok_or_else(|| {
            StepFailure::setup(
                "no appointment request was delivered: a step such as \"When the Registration Service asks the system to be the metering service of the MPAN\" must come first",
            )
        })?;
        Ok((d, p))
    }

    /// The system answers the request with exactly one IF-034 within the response timeout; it
    /// becomes the focus.
    pub async fn expect_appointment_answer(&mut self) -> Result<Arc<Entry>, StepFailure> {
        let timeout = self.harness.config.timeouts.response;
        let event = self.service().response;
        let e = self.await_submission("IF-034", event, timeout).await?;
        self.expect_at_most_once("IF-034", event).await?;
        Ok(e)
    }

    /// The focused IF-034 echoes the request as M1's table says, field by field.
    pub fn expect_appointment_echo(&mut self) -> Result<(), StepFailure> {
        let (_, t) = self.delivered_request()?;
        let service = self.service();
        let (e, p) = self.focused_payload(service.response)?;
        let check = |what: &str, want: Value, got: Value| -> Result<(), StepFailure> {
            if want == got {
                Ok(())
            } else {
                Err(fail(
                    format!("IF-034 {what} = {want}, as in the request"),
                    format!("{what} = {got}"),
                    std::slice::from_ref(&e),
                ))
            }
        };
        check(
            "A0.primaryRecipients",
            json!([at(&t, "/CommonBlock/S1/senderDIPID")]),
            at(&p, "/CommonBlock/A0/primaryRecipients"),
        )?;
        check("M0", at(&t, "/CommonBlock/M0"), at(&p, "/CommonBlock/M0"))?;
        check(
            "B012",
            at(&t, "/CustomBlock/B012"),
            at(&p, "/CustomBlock/B012"),
        )?;
        if t.pointer("/CustomBlock/B013").is_some() {
            check(
                "B013",
                at(&t, "/CustomBlock/B013"),
                at(&p, "/CustomBlock/B013"),
            )?;
        }
        let block = service.block;
        for field in service.echoed {
            let ptr = format!("/CustomBlock/{block}/{field}");
            check(&format!("{block}.{field}"), at(&t, &ptr), at(&p, &ptr))?;
        }
        let ptr = format!("/CustomBlock/{block}/{}", service.contract);
        let rule = if block == "B070" { "M1" } else { "D1" };
        if at(&t, &ptr) != at(&p, &ptr) {
            self.warn(
                rule,
                format!(
                    "IF-034 {block}.{} = {}, the request's is {}",
                    service.contract,
                    at(&p, &ptr),
                    at(&t, &ptr)
                ),
            );
        }
        if block == "B071" {
            self.expect_mdr_nomination(&e, &p)?;
        }
        if p.pointer("/CommonBlock/R0").is_some() {
            return Err(fail(
                "IF-034 without R0 (it has none)",
                format!("R0 = {}", at(&p, "/CommonBlock/R0")),
                &[e],
            ));
        }
        self.expect_response_code(&e, &p)
    }

    /// B007 as M1 says: `A` or `R`; `R` with an SP code; never `SP000` with `R`.
    fn expect_response_code(&mut self, e: &Arc<Entry>, p: &Value) -> Result<(), StepFailure> {
        let code = at(p, "/CustomBlock/B007/responseCode");
        let text = p
            .pointer("/CustomBlock/B007/proposedAppointmentResponseCode")
            .and_then(Value::as_str);
        let entries = std::slice::from_ref(e);
        match code.as_str() {
            Some("A") => match text {
                None => Ok(()),
                Some(t) if t.starts_with("SP000") => Ok(()),
                Some(t) => Err(fail(
                    "B007.proposedAppointmentResponseCode null or SP000 with responseCode A",
                    format!("{t:?}"),
                    entries,
                )),
            },
            Some("R") => {
                let Some(t) = text else {
                    return Err(fail(
                        "responseCode R with an SP code (SP001-SP011, SP099) in proposedAppointmentResponseCode",
                        "proposedAppointmentResponseCode = null",
                        entries,
                    ));
                };
                if t.starts_with("SP000") {
                    return Err(fail(
                        "responseCode R with a decline's SP code, not SP000 (the code of an acceptance)",
                        format!("{t:?}"),
                        entries,
                    ));
                }
                // A data service may also decline with DS001 or DS003-DS006 (D1).
                let data = self.service().block == DATA.block;
                let known = (1..=11)
                    .map(|n| format!("SP{n:03}"))
                    .chain(["SP099".to_owned()])
                    .chain(
                        [1, 3, 4, 5, 6]
                            .into_iter()
                            .filter(|_| data)
                            .map(|n| format!("DS{n:03}")),
                    )
                    .find(|c| t.starts_with(c.as_str()));
                let Some(code) = known else {
                    return Err(fail(
                        if data {
                            "responseCode R with an SP code (SP001-SP011, SP099) or a DS code (DS001, DS003-DS006) in proposedAppointmentResponseCode"
                        } else {
                            "responseCode R with an SP code (SP001-SP011, SP099) in proposedAppointmentResponseCode"
                        },
                        format!("{t:?}"),
                        entries,
                    ));
                };
                let want = format!(
                    "{code} - {}",
                    crate::dip::response_text(&code)
                        .split(" - ")
                        .nth(1)
                        .unwrap_or_default()
                );
                if t != want {
                    self.warn(
                        "M1",
                        format!(
                            "proposedAppointmentResponseCode {t:?} is not the code's text {want:?}"
                        ),
                    );
                }
                Ok(())
            }
            _ => Err(fail(
                "B007.responseCode A or R",
                format!("responseCode = {code}"),
                entries,
            )),
        }
    }

    /// The focused IF-034 accepts (M2).
    pub fn expect_appointment_accepted(&mut self) -> Result<(), StepFailure> {
        let (e, p) = self.focused_payload(self.service().response)?;
        let code = at(&p, "/CustomBlock/B007/responseCode");
        if code == json!("A") {
            Ok(())
        } else {
            Err(fail(
                "the appointment accepted: IF-034 responseCode A",
                format!(
                    "responseCode = {code}, {}",
                    at(&p, "/CustomBlock/B007/proposedAppointmentResponseCode")
                ),
                &[e],
            ))
        }
    }

    /// The system declines the request (M3): `400` with an RCP code, or IF-034 `R`;
    /// warning unless the SP code is `expected`.
    pub async fn expect_appointment_declined(&mut self, expected: &str) -> Result<(), StepFailure> {
        let d = self.last_delivery()?;
        if d.status == Some(400) {
            return Ok(());
        }
        let timeout = self.harness.config.timeouts.response;
        let what = format!(
            "a decline within {}: 400 with an RCP code, or IF-034 responseCode R",
            humantime::format_duration(timeout)
        );
        let event = self.service().response;
        let got = self
            .await_submission("IF-034", event, timeout)
            .await
            .map_err(|f| {
                let arrived = if f.arrived == "no submission" {
                    "no answer".to_owned()
                } else {
                    f.arrived
                };
                fail(&what, arrived, &f.entries)
            })?;
        let p = payload_of(&got, event).unwrap_or(Value::Null);
        let (_, t) = self.delivered_request()?;
        for (what, pointer, want) in [
            (
                "A0.primaryRecipients",
                "/CommonBlock/A0/primaryRecipients",
                json!([at(&t, "/CommonBlock/S1/senderDIPID")]),
            ),
            ("M0", "/CommonBlock/M0", at(&t, "/CommonBlock/M0")),
        ] {
            if at(&p, pointer) != want {
                return Err(fail(
                    format!("IF-034 {what} = {want}, as in the request"),
                    format!("{what} = {}", at(&p, pointer)),
                    &[got],
                ));
            }
        }
        let code = at(&p, "/CustomBlock/B007/responseCode");
        if code != json!("R") {
            return Err(fail(what, format!("IF-034 responseCode = {code}"), &[got]));
        }
        self.expect_response_code(&got, &p)?;
        let text = at(&p, "/CustomBlock/B007/proposedAppointmentResponseCode");
        if !text.as_str().is_some_and(|t| t.starts_with(expected)) {
            self.warn(
                if event == DATA.response { "D2" } else { "M3" },
                format!("the decline gives {text}, where {expected} is the code for it"),
            );
        }
        Ok(())
    }

    /// The focused IF-034 carries the request's `D0.initialCorrelationID` (G7).
    pub fn expect_correlated(&mut self, event: &str) -> Result<(), StepFailure> {
        let d = self.last_delivery()?;
        let want = d
            .body
            .json()
            .map(crate::dip::payloads)
            .unwrap_or_default()
            .first()
            .and_then(|p| p.pointer("/CommonBlock/D0/initialCorrelationID"))
            .cloned()
            .unwrap_or(Value::Null);
        let (e, p) = self.focused_payload(event)?;
        let got = at(&p, "/CommonBlock/S1/senderCorrelationID");
        if got == want {
            return Ok(());
        }
        if got.is_null() {
            self.warn(
                "G7",
                format!("{event} S1.senderCorrelationID is null; the delivery's D0.initialCorrelationID is {want}"),
            );
            return Ok(());
        }
        Err(fail(
            format!(
                "{event} S1.senderCorrelationID = {want}, the delivery's D0.initialCorrelationID"
            ),
            format!("senderCorrelationID = {got}"),
            &[e],
        ))
    }

    /// A standing appointment made in the scenario (§6.5): the handshake with effective-from
    /// today at 00:00 UTC, up to the system acknowledging `PUB-036 [MSAppActive]`.
    pub async fn appoint_system(&mut self, segment: Segment) -> Result<(), StepFailure> {
        self.appoint_system_from(segment, Starts::Today).await
    }

    /// As [`Session::appoint_system`], from `starts`.
    pub async fn appoint_system_from(
        &mut self,
        segment: Segment,
        starts: Starts,
    ) -> Result<(), StepFailure> {
        self.new_subject(segment);
        self.request_metering_appointment(Requester::Contracted, "COS", starts)
            .await?;
        self.expect_appointment_answer().await?;
        self.expect_appointment_echo()?;
        self.expect_appointment_accepted()?;
        let active = self.service().active;
        self.expect_reaction_acknowledged("REGS", "IF-036", active)
            .await
    }

    /// The Registration Service de-appoints the system from the latest MPAN, effective a
    /// five minutes ago (`PUB-037 [MSDeApp]`): before the work the scenario then prompts.
    pub async fn de_appoint_system(&mut self) -> Result<(), StepFailure> {
        let me = self.system();
        let to = (OffsetDateTime::now_utc() - Duration::minutes(5))
            .max(midnight() + Duration::seconds(1));
        if self.service().block == DATA.block {
            return self.de_appoint_data_service(to).await;
        }
        let incoming = self.counterparty(self.subject()?.segment.metering_role())?;
        let supplier = self.counterparty("SUP")?;
        let mut p = self.build("REGS", "IF-037", "[MSDeApp]", &[])?;
        p["CustomBlock"] = json!({
            "B008": {
                "deAppointedMeteringServiceDIPID": me.dip_id,
                "deAppointedMeteringServiceMPID": me.mpid,
                "meteringServiceEffectiveFromDate": format_dt003(midnight()),
                "meteringServiceEffectiveToDate": format_dt003(to),
                "deAppointmentReasonCode": "CSERV",
            },
            "B010": {
                "incomingMeteringServiceDIPID": incoming.dip_id,
                "incomingMeteringServiceMPID": incoming.mpid,
                "incomingMeteringServiceEffectiveFromDate": format_dt003(to),
            },
            "B002": {
                "incomingSupplierDIPID": supplier.dip_id,
                "incomingSupplierMPID": supplier.mpid,
                "supplierEffectiveFromDate": format_dt003(midnight()),
            },
        });
        let d = self.deliver("REGS", vec![p]).await?;
        let _ = d;
        self.expect_answer(201, Some("RCP0000"))
    }

    /// The JSON of a prompt's meter: a new one, of the kind the MPAN's segment has.
    fn new_meter(&self) -> Result<Value, StepFailure> {
        let segment = self.subject()?.segment;
        let smart = segment == Segment::Smart;
        Ok(json!({
            "meterID": format!("M{:09}", fastrand::u32(..1_000_000_000)),
            "meterType": if smart { "S2ADE" } else { "H" },
            "manufacturersMakeAndType": "LANDIS+GYR E470 5424",
            "ESMEGUID": if smart { json!(format!("0C-A2-F4-00-00-{:02X}-{:02X}-{:02X}", fastrand::u8(..), fastrand::u8(..), fastrand::u8(..))) } else { Value::Null },
            "meterLocation": "B",
            "numberOfDisplayedRegisterDigits": 6,
        }))
    }

    /// The JSON of a prompt for `action` on the latest MPAN, dated `at` (now, by default).
    pub fn work(
        &mut self,
        action: &str,
        dated: Option<OffsetDateTime>,
    ) -> Result<Value, StepFailure> {
        let mpan = self.subject()?.mpan.clone();
        let at = format_dt003(dated.unwrap_or_else(work_time));
        let reading = json!(f64::from(fastrand::u32(..900_000)) + 0.5);
        let installed = self.installed_meter.clone();
        let supplier = self.counterparty("SUP")?.dip_id;
        let input = match action {
            "install-meter" => json!({
                "mpan": mpan, "at": at, "meter": self.new_meter()?,
                "map": {"meterAssetProviderID": "MAPA"}, "reading": reading,
            }),
            "remove-meter" => {
                json!({"mpan": mpan, "at": at, "meterID": installed, "reading": reading})
            }
            "exchange-meter" => json!({
                "mpan": mpan, "at": at,
                "removed": {"meterID": installed, "reading": reading},
                "installed": {"meter": self.new_meter()?, "map": {"meterAssetProviderID": "MAPA"}, "reading": 0.0},
            }),
            "correct-meter" => json!({
                "mpan": mpan, "at": at, "meterID": installed,
                "modifiedMeterID": format!("C{:09}", fastrand::u32(..1_000_000_000)),
            }),
            "energise" | "de-energise" => json!({
                "mpan": mpan, "at": at, "meterID": installed, "supplierDIPID": supplier,
                "outcome": "done", "failureReason": null, "reading": reading,
            }),
            other => return Err(StepFailure::setup(format!("no prompt {other}"))),
        };
        Ok(input)
    }

    /// Prompts the system for `action` with `input`, and keeps both for the checks that
    /// follow.
    pub async fn prompt_work(&mut self, action: &str, input: Value) -> Result<(), StepFailure> {
        self.prompt_mark = self.harness.journal.last_seq();
        let outcome = self.prompt(action, input.clone()).await?;
        self.prompted = Some(Prompted {
            action: action.to_owned(),
            input,
            accepted: matches!(outcome, crate::prompt::PromptOutcome::Accepted),
        });
        Ok(())
    }

    pub(super) fn prompted(&self) -> Result<&Prompted, StepFailure> {
        self.prompted
            .as_ref()
            .ok_or_else(|| StepFailure::setup("nothing was prompted yet: a step such as \"When the system is prompted to install a meter on the MPAN\" must come first"))
    }

    /// A submission of `interface`/`event` after the prompt, within the response timeout;
    /// it becomes the focus.
    pub(super) async fn await_after_prompt(
        &mut self,
        interface: &str,
        event: &str,
    ) -> Result<(Arc<Entry>, Value), StepFailure> {
        let p = self.prompted()?;
        if !p.accepted {
            return Err(fail(
                format!(
                    "the system takes the {} work on (exit status 0) and submits {interface} {event}",
                    p.action
                ),
                "the prompt was declined (exit status 3)",
                &[],
            ));
        }
        self.await_since(self.prompt_mark, "the prompt", interface, event)
            .await
    }

    /// A submission of `interface`/`event` for the latest MPAN, accepted by the DIP, journaled
    /// after `mark` (the moment of `since`), within the response timeout; it becomes the
    /// focus.
    pub(super) async fn await_since(
        &mut self,
        mark: u64,
        since: &str,
        interface: &str,
        event: &str,
    ) -> Result<(Arc<Entry>, Value), StepFailure> {
        let timeout = self.harness.config.timeouts.response;
        let mpan = self.subject()?.mpan.clone();
        let expected = format!(
            "the system submits {interface} {event} for MPAN {mpan}, accepted by the DIP, within {} of {since}",
            humantime::format_duration(timeout)
        );
        let got = self
            .harness
            .journal
            .wait_for(&self.key, mark, timeout, |e| {
                e.direction == Direction::Ingress
                    && e.status == Some(201)
                    && batch_has(e, interface, event)
            })
            .await;
        match got {
            Ok(e) => {
                self.focus = Some(e.clone());
                let p = payload_of(&e, event).unwrap_or(Value::Null);
                Ok((e, p))
            }
            Err(entries) => {
                let after: Vec<Arc<Entry>> =
                    entries.iter().filter(|e| e.seq > mark).cloned().collect();
                let arrived = refusals(&after, Some(interface), Some(event)).unwrap_or_else(|| {
                    let others: Vec<String> = after
                        .iter()
                        .filter(|e| e.direction == Direction::Ingress)
                        .map(|e| e.summary())
                        .collect();
                    if others.is_empty() {
                        "no submission".to_owned()
                    } else {
                        others.join("; ")
                    }
                });
                Err(fail(expected, arrived, &entries))
            }
        }
    }

    /// The prompted meter work reported to the Registration Service as `event`, with the
    /// prompt's values (M4).
    pub async fn expect_meter_report(&mut self, event: &str) -> Result<(), StepFailure> {
        let (e, p) = self.await_after_prompt("IF-005", event).await?;
        let input = self.prompted()?.input.clone();
        let regs = self.counterparty("REGS")?.dip_id;
        let mut want: Vec<(String, Value)> = vec![
            ("A0.primaryRecipients".into(), json!([regs])),
            ("M0.MPANCore".into(), at(&input, "/mpan")),
        ];
        let new = match event {
            "[MeterExchange]" => input.get("installed").cloned(),
            "[MeterInstall]" => Some(input.clone()),
            _ => None,
        };
        if let Some(new) = &new {
            for f in [
                "meterID",
                "meterType",
                "ESMEGUID",
                "meterLocation",
                "numberOfDisplayedRegisterDigits",
            ] {
                want.push((
                    format!("B906.existingMeter.{f}"),
                    at(new, &format!("/meter/{f}")),
                ));
            }
            want.push((
                "B906.existingMeter.meterInstallationDate".into(),
                at(&input, "/at"),
            ));
            want.push((
                "B906.historyMAP[0].meterAssetProviderID".into(),
                at(new, "/map/meterAssetProviderID"),
            ));
        }
        if matches!(event, "[MeterRemoval]" | "[MeterExchange]") {
            let removed = if event == "[MeterExchange]" {
                at(&input, "/removed/meterID")
            } else {
                at(&input, "/meterID")
            };
            want.push(("B039.meterIDRemoved".into(), removed));
            want.push(("B039.meterRemovalDate".into(), at(&input, "/at")));
        }
        if event == "[MeterUpdate]" {
            want.push(("B906.existingMeter.meterID".into(), at(&input, "/meterID")));
            want.push((
                "B906.existingMeter.modifiedMeterID".into(),
                at(&input, "/modifiedMeterID"),
            ));
        }
        for (field, value) in want {
            let pointer = field_pointer(&field);
            let got = at(&p, &pointer);
            if got != value {
                return Err(fail(
                    format!("IF-005 {event} {field} = {value}, as prompted"),
                    format!("{field} = {got}"),
                    &[e],
                ));
            }
        }
        if event == "[MeterInstall]" && p.pointer("/CustomBlock/B039").is_some() {
            return Err(fail(
                "IF-005 [MeterInstall] without B039",
                format!("B039 = {}", at(&p, "/CustomBlock/B039")),
                &[e],
            ));
        }
        if event == "[MeterInstall]" {
            self.installed_meter = at(&input, "/meter/meterID");
        }
        if event == "[MeterExchange]" {
            self.installed_meter = at(&input, "/installed/meter/meterID");
        }
        Ok(())
    }

    /// The Registration Service accepted the system's latest IF-005: its PUB-006 to the
    /// system says `R0` `A` (M4's rules).
    pub async fn expect_meter_work_accepted(&mut self) -> Result<(), StepFailure> {
        let timeout = self.harness.config.timeouts.response;
        let mark = self.prompt_mark;
        let got = self
            .harness
            .journal
            .wait_for(&self.key, mark, timeout, |e| {
                e.direction == Direction::Egress && e.interface.as_deref() == Some("IF-006")
            })
            .await;
        let expected = "the Registration Service accepts the meter work: PUB-006 with R0 A (no rule of M4 broken)";
        match got {
            Ok(e) => {
                let p = e
                    .body
                    .json()
                    .map(crate::dip::payloads)
                    .unwrap_or_default()
                    .first()
                    .map_or(Value::Null, |p| (*p).clone());
                if at(&p, "/CommonBlock/R0/responseCode") == json!("A") {
                    Ok(())
                } else {
                    Err(fail(
                        expected,
                        format!("PUB-006 R0 {}", at(&p, "/CommonBlock/R0")),
                        &[e],
                    ))
                }
            }
            Err(entries) => Err(fail(expected, "no PUB-006", &entries)),
        }
    }

    /// The read of the prompted work sent to the data service as `event` (M5).
    pub async fn expect_work_read(&mut self, event: &str) -> Result<(), StepFailure> {
        let (e, p) = self.await_after_prompt("IF-041", event).await?;
        let input = self.prompted()?.input.clone();
        let meter = match (self.prompted()?.action.as_str(), event) {
            ("install-meter", _) => at(&input, "/meter/meterID"),
            ("exchange-meter", "[ReadingRemv]") => at(&input, "/removed/meterID"),
            ("exchange-meter", _) => at(&input, "/installed/meter/meterID"),
            _ => at(&input, "/meterID"),
        };
        let list = p
            .pointer("/CustomBlock/B064List")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let Some(read) = list.first() else {
            return Err(fail(
                format!("IF-041 {event} with a read in B064List"),
                format!("B064List = {}", at(&p, "/CustomBlock/B064List")),
                &[e],
            ));
        };
        for (field, want) in [
            ("meterID", meter),
            ("cumulativeRegisterReadingDateTime", at(&input, "/at")),
        ] {
            let got = at(read, &format!("/{field}"));
            if got != want {
                return Err(fail(
                    format!("IF-041 {event} B064List[0].{field} = {want}, the work's"),
                    format!("{field} = {got}"),
                    &[e],
                ));
            }
        }
        let method = at(read, "/readingMethod");
        if method == json!("E") || method == json!("S") {
            return Err(fail(
                format!("IF-041 {event} readingMethod A (an actual read, never E or S: estimates)"),
                format!("readingMethod = {method}"),
                &[e],
            ));
        }
        if method != json!("A") {
            self.warn(
                "M5",
                format!("IF-041 {event} readingMethod = {method}, not A"),
            );
        }
        let ds = self
            .counterparty(self.subject()?.segment.data_role())
            .map(|c| c.dip_id)
            .unwrap_or_default();
        let to = at(&p, "/CommonBlock/A0/primaryRecipients");
        if !to.as_array().is_some_and(|a| a.contains(&json!(ds))) {
            self.warn(
                "M5",
                format!("IF-041 {event} primaryRecipients {to} leave out the appointed data service {ds}"),
            );
        }
        Ok(())
    }

    /// The energisation work reported to the Registration Service with status `status`
    /// (M6).
    pub async fn expect_energisation_report(&mut self, status: &str) -> Result<(), StepFailure> {
        let (e, p) = self
            .await_after_prompt("IF-007", "[EnergisationStatusChange]")
            .await?;
        let input = self.prompted()?.input.clone();
        let regs = self.counterparty("REGS")?.dip_id;
        for (field, pointer, want) in [
            (
                "A0.primaryRecipients",
                "/CommonBlock/A0/primaryRecipients",
                json!([regs]),
            ),
            (
                "B025.energisationStatus",
                "/CustomBlock/B025/energisationStatus",
                json!(status),
            ),
            (
                "B025.energisationStatusEffectiveFromDate",
                "/CustomBlock/B025/energisationStatusEffectiveFromDate",
                at(&input, "/at"),
            ),
        ] {
            let got = at(&p, pointer);
            if got != want {
                return Err(fail(
                    format!("IF-007 [EnergisationStatusChange] {field} = {want}, as prompted"),
                    format!("{field} = {got}"),
                    &[e],
                ));
            }
        }
        Ok(())
    }

    /// The failed energisation reported to the Registration Service and the supplier, with
    /// the prompt's reason (M6).
    pub async fn expect_energisation_failure(&mut self) -> Result<(), StepFailure> {
        let (e, p) = self
            .await_after_prompt("IF-007", "[EnergisationStatusFailure]")
            .await?;
        let input = self.prompted()?.input.clone();
        let regs = self.counterparty("REGS")?.dip_id;
        let to = at(&p, "/CommonBlock/A0/primaryRecipients");
        let names = |id: &Value| to.as_array().is_some_and(|a| a.contains(id));
        if !names(&json!(regs)) || !names(&at(&input, "/supplierDIPID")) {
            return Err(fail(
                format!(
                    "IF-007 [EnergisationStatusFailure] primaryRecipients naming the Registration Service {regs} and the supplier {}",
                    at(&input, "/supplierDIPID")
                ),
                format!("primaryRecipients = {to}"),
                &[e],
            ));
        }
        let reason = at(&p, "/CustomBlock/B040/failureEnergiseDeEnergiseReasonCode");
        let want = at(&input, "/failureReason");
        if reason != want {
            return Err(fail(
                format!("B040.failureEnergiseDeEnergiseReasonCode = {want}, the prompt's"),
                format!("failureEnergiseDeEnergiseReasonCode = {reason}"),
                &[e],
            ));
        }
        Ok(())
    }

    /// The prompted work was declined, and nothing was submitted for the MPAN within the quiet
    /// period (M7, M8).
    pub async fn expect_work_declined(&mut self) -> Result<(), StepFailure> {
        let p = self.prompted()?.clone();
        let quiet = self.harness.config.timeouts.quiet;
        let got = self
            .harness
            .journal
            .wait_for(&self.key, self.prompt_mark, quiet, |e| {
                e.direction == Direction::Ingress
            })
            .await;
        if let Ok(e) = got {
            return Err(fail(
                format!(
                    "the {} work declined, and nothing submitted for the MPAN within {}",
                    p.action,
                    humantime::format_duration(quiet)
                ),
                e.summary(),
                &self.harness.journal.of_scenario(&self.key),
            ));
        }
        if p.accepted {
            self.warn(
                "M7",
                format!("the {} prompt was taken on (exit status 0), not declined (3), though nothing followed", p.action),
            );
        }
        Ok(())
    }
}

/// What the scenario prompted.
#[derive(Debug, Clone)]
pub struct Prompted {
    pub action: String,
    pub input: Value,
    pub accepted: bool,
}

/// `B906.existingMeter.meterID` → `/CustomBlock/B906/existingMeter/meterID`; the common
/// blocks (`A0`, `M0`) are under `CommonBlock`.
fn field_pointer(field: &str) -> String {
    let path = field.replace("[0]", ".0").replace('.', "/");
    if field.starts_with("A0") || field.starts_with("M0") {
        format!("/CommonBlock/{path}")
    } else {
        format!("/CustomBlock/{path}")
    }
}
