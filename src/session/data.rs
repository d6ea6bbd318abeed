//! A data service in a scenario (CONTRACT-ROLES.md §6.3, D1-D8): the meter data retriever it
//! nominates and starts, the days of consumption it submits (judged by the settlement rules
//! C1-C15 and against the retriever's data, period by period), de-energisation, the bounds of
//! its appointment, and consumption amendments. Each check names the field or the period, the
//! expected value and what arrived.

use std::sync::Arc;

use serde_json::{Value, json};
use time::{Date, Duration, OffsetDateTime, Time};

use super::metering::at;
use super::scenario::{batch_has, fail, payload_of};
use super::{Session, StepFailure};
use crate::dip::format_dt003;
use crate::journal::{Direction, Entry};
use crate::market::consumption::{Consumption, SettlementDay};
use crate::market::settlement::{Facts, check_if021};
use crate::schema::rules::parse_dt003;

/// An unconfigured meter data retriever a supplier may nominate (D2).
pub const UNKNOWN_MDR: (&str, &str) = ("1799999999", "MDRX");

/// What a scenario keeps of a data service's work.
#[derive(Debug, Default)]
pub struct DataState {
    /// The day the meter data retriever sent, as the harness built it.
    pub mdr_day: Option<SettlementDay>,
    /// The latest IF-021 the system submitted, and the one before it.
    pub consumption: Option<(Arc<Entry>, Value)>,
    pub previous: Option<(Arc<Entry>, Value)>,
    /// The latest amendment the supplier asked for (PUB-027's payload), and the journal's
    /// last sequence number when it was delivered.
    pub amendment: Option<(Value, u64)>,
    /// When the MPAN was de-energised in the scenario.
    pub de_energised: Option<OffsetDateTime>,
}

/// A date or a DT-003 date-time of a scenario: `2026-07-01` is 00:00 UTC that day.
pub fn moment(text: &str) -> Result<OffsetDateTime, StepFailure> {
    if let Some(t) = parse_dt003(text) {
        return Ok(t);
    }
    day(text).map(|d| d.midnight().assume_utc())
}

/// A `YYYY-MM-DD` date of a scenario.
pub fn day(text: &str) -> Result<Date, StepFailure> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).map_err(|_| {
        StepFailure::setup(format!(
            "{text:?} is not a date (YYYY-MM-DD) or a DT-003 date-time"
        ))
    })
}

fn dt(t: OffsetDateTime) -> String {
    format_dt003(t)
}

impl Session {
    /// D1: an SDS's B018 names a configured meter data retriever by its DIP ID and MPID, at
    /// most five days ahead; an ADS or a UMSDS sends none.
    pub(super) fn expect_mdr_nomination(
        &mut self,
        e: &Arc<Entry>,
        p: &Value,
    ) -> Result<(), StepFailure> {
        let Some(b018) = p.pointer("/CustomBlock/B018") else {
            return Ok(());
        };
        let entries = std::slice::from_ref(e);
        let role = self.system().role.clone();
        if role != "SDS" {
            return Err(fail(
                format!(
                    "IF-034 without B018: only an SDS nominates a meter data retriever, and the system is an {role}"
                ),
                format!("B018 = {b018}"),
                entries,
            ));
        }
        let id = at(b018, "/SDSNominatedMDRDIPID");
        let mpid = at(b018, "/SDSNominatedMDRMPID");
        let Some(mdr) = self
            .harness
            .config
            .counterparties
            .iter()
            .find(|c| c.role == "MDR" && id.as_str() == Some(c.dip_id.as_str()))
        else {
            return Err(fail(
                "B018.SDSNominatedMDRDIPID a configured meter data retriever (REG1081 - MDR ID is not a valid MDR)",
                format!("SDSNominatedMDRDIPID = {id}"),
                entries,
            ));
        };
        if mpid.as_str() != Some(mdr.mpid.as_str()) {
            return Err(fail(
                format!(
                    "B018.SDSNominatedMDRMPID = \"{}\", the MPID of {} (REG1093 - SDS Nominated MDR MPID does not match DIP ID)",
                    mdr.mpid, mdr.dip_id
                ),
                format!("SDSNominatedMDRMPID = {mpid}"),
                entries,
            ));
        }
        let from = at(b018, "/SDSNominatedMDRRequestedEffectiveFromDate");
        let limit = OffsetDateTime::now_utc() + Duration::days(5);
        match from.as_str().and_then(parse_dt003) {
            Some(t) if t <= limit => Ok(()),
            _ => Err(fail(
                format!(
                    "B018.SDSNominatedMDRRequestedEffectiveFromDate at most five days ahead, by {} (REG1082 - MDR Effective From Date cannot be more than five days in the future)",
                    dt(limit)
                ),
                format!("SDSNominatedMDRRequestedEffectiveFromDate = {from}"),
                entries,
            )),
        }
    }

    /// The latest message of `interface`/`event` the harness delivered to the system in this
    /// scenario (a reaction of a stub, or a delivery of a step).
    fn delivered_to_system(&self, interface: &str, event: &str) -> Option<(Arc<Entry>, Value)> {
        self.harness
            .journal
            .of_scenario(&self.key)
            .into_iter()
            .rev()
            .filter(|e| e.direction == Direction::Egress && batch_has(e, interface, event))
            .find_map(|e| payload_of(&e, event).map(|p| (e, p)))
    }

    /// D3: after PUB-036 [DSAppActive] with an assigned MDR, the system starts it with
    /// IF-061 [MDRStart], as D3's table says; the MDR's PUB-062 is acknowledged.
    pub async fn expect_mdr_start(&mut self) -> Result<(), StepFailure> {
        let Some((_, t)) = self.delivered_to_system("IF-036", "[DSAppActive]") else {
            return Err(StepFailure::setup(
                "no PUB-036 [DSAppActive] reached the system: a step such as \"Given a smart MPAN the system is appointed to\" must come first",
            ));
        };
        let timeout = self.harness.config.timeouts.response;
        let e = self
            .await_submission("IF-061", "[MDRStart]", timeout)
            .await?;
        let p = payload_of(&e, "[MDRStart]").unwrap_or(Value::Null);
        let mut want = vec![
            (
                "A0.primaryRecipients",
                "/CommonBlock/A0/primaryRecipients",
                json!([at(&t, "/CustomBlock/B019/assignedMDRDIPID")]),
            ),
            ("M0", "/CommonBlock/M0", at(&t, "/CommonBlock/M0")),
            ("B019", "/CustomBlock/B019", at(&t, "/CustomBlock/B019")),
            ("B025", "/CustomBlock/B025", at(&t, "/CustomBlock/B025")),
            (
                "B078.energyDirection",
                "/CustomBlock/B078/energyDirection",
                at(&t, "/CustomBlock/B023/energyDirection"),
            ),
        ];
        if t.pointer("/CustomBlock/B068").is_some() {
            want.push(("B068", "/CustomBlock/B068", at(&t, "/CustomBlock/B068")));
        }
        if p.pointer("/CustomBlock/B012").is_some() {
            want.push(("B012", "/CustomBlock/B012", at(&t, "/CustomBlock/B012")));
        }
        expect_fields(
            &e,
            &p,
            "IF-061 [MDRStart]",
            "as PUB-036 [DSAppActive] gives it",
            &want,
        )?;
        self.expect_reaction_acknowledged("MDR", "IF-062", "[MDRStartResponse]")
            .await
    }

    /// The Registration Service de-appoints the system from the latest MPAN from `to`
    /// (`PUB-037 [DSDeApp]`).
    pub async fn de_appoint_data_service(&mut self, to: OffsetDateTime) -> Result<(), StepFailure> {
        let me = self.system();
        let from = self
            .delivered_to_system("IF-036", "[DSAppActive]")
            .map(|(_, t)| at(&t, "/CustomBlock/B015/incomingDataServiceEffectiveFromDate"))
            .filter(Value::is_string)
            .unwrap_or_else(|| json!(dt(super::midnight())));
        let mut p = self.build("REGS", "IF-037", "[DSDeApp]", &[])?;
        p["CustomBlock"] = json!({
            "B009": {
                "deAppointedDataServiceDIPID": me.dip_id,
                "deAppointedDataServiceMPID": me.mpid,
                "dataServiceEffectiveFromDate": from,
                "dataServiceEffectiveToDate": dt(to),
                "deAppointmentReasonCode": "CSERV",
            },
        });
        self.deliver("REGS", vec![p]).await?;
        self.expect_answer(201, Some("RCP0000"))
    }

    /// D4: an SDS de-appointed stops the MDR it started with IF-063 [MDRStop]; the
    /// effective-to date warns when it differs.
    pub async fn expect_mdr_stop(&mut self) -> Result<(), StepFailure> {
        let (_, active) = self
            .delivered_to_system("IF-036", "[DSAppActive]")
            .ok_or_else(|| StepFailure::setup("no PUB-036 [DSAppActive] reached the system"))?;
        let (_, deapp) = self
            .delivered_to_system("IF-037", "[DSDeApp]")
            .ok_or_else(|| StepFailure::setup("no PUB-037 [DSDeApp] reached the system"))?;
        let timeout = self.harness.config.timeouts.response;
        let e = self
            .await_submission("IF-063", "[MDRStop]", timeout)
            .await?;
        let p = payload_of(&e, "[MDRStop]").unwrap_or(Value::Null);
        let mdr = at(&active, "/CustomBlock/B019/assignedMDRDIPID");
        expect_fields(
            &e,
            &p,
            "IF-063 [MDRStop]",
            "the MDR the system started",
            &[
                (
                    "A0.primaryRecipients",
                    "/CommonBlock/A0/primaryRecipients",
                    json!([mdr]),
                ),
                (
                    "B083.assignedMDRDIPID",
                    "/CustomBlock/B083/assignedMDRDIPID",
                    mdr.clone(),
                ),
                (
                    "B083.assignedMDRMPID",
                    "/CustomBlock/B083/assignedMDRMPID",
                    at(&active, "/CustomBlock/B019/assignedMDRMPID"),
                ),
            ],
        )?;
        let to = at(&deapp, "/CustomBlock/B009/dataServiceEffectiveToDate");
        let got = at(&p, "/CustomBlock/B083/assignedMDREffectiveToDate");
        if got != to {
            self.warn(
                "D4",
                format!("IF-063 B083.assignedMDREffectiveToDate = {got}, the de-appointment's dataServiceEffectiveToDate is {to}"),
            );
        }
        Ok(())
    }

    /// The meter data retriever sends the system a day of actual consumption for the latest
    /// MPAN (PUB-064 [MDRConsumption], R31), without the 1-based periods of `gaps`; the system
    /// must acknowledge it.
    pub async fn mdr_sends_day(&mut self, date: Date, gaps: &[usize]) -> Result<(), StepFailure> {
        let mpan = self.subject()?.mpan.clone();
        let seed = mpan.bytes().fold(u64::from(date.ordinal()), |h, b| {
            h.wrapping_mul(31).wrapping_add(u64::from(b))
        });
        let day = SettlementDay::actuals(date, gaps, seed);
        if day.periods.is_empty() {
            return Err(StepFailure::setup(format!(
                "the meter data retriever's day {date} would have no period ({} of 48 left out): IF-064 carries at least one (B941 MDRConsumptionPeriods, minItems 1), so the scenario must leave at least one period in",
                gaps.len()
            )));
        }
        let mut p = self.build("MDR", "IF-064", "[MDRConsumption]", &[])?;
        p["CustomBlock"] = json!({
            "B045": {"measurementQuantityID": "AI"},
            "B941List": [day.to_b941()],
        });
        self.data.mdr_day = Some(day);
        self.deliver("MDR", vec![p]).await?;
        self.expect_answer(201, Some("RCP0000"))
    }

    /// The Registration Service tells the system that the latest MPAN is de-energised from
    /// `from` (PUB-008 [EnergisationStatusChange]).
    pub async fn de_energise(&mut self, from: OffsetDateTime) -> Result<(), StepFailure> {
        let mut p = self.build("REGS", "IF-008", "[EnergisationStatusChange]", &[])?;
        p["CommonBlock"]["R0"] = json!({"responseCode": "A", "responseMessages": []});
        p["CustomBlock"] = json!({
            "B025": {"energisationStatus": "D", "energisationStatusEffectiveFromDate": dt(from)},
        });
        self.data.de_energised = Some(from);
        self.deliver("REGS", vec![p]).await?;
        self.expect_answer(201, Some("RCP0000"))
    }

    /// Prompts the system to submit the consumption of the latest MPAN for `date` (§6.7
    /// `submit-consumption`).
    pub async fn prompt_consumption(&mut self, date: Date) -> Result<(), StepFailure> {
        let mpan = self.subject()?.mpan.clone();
        let input = json!({"mpan": mpan, "day": date.to_string()});
        self.prompt_work("submit-consumption", input).await
    }

    /// D6: after the prompt, the system submits IF-021 [ActivePower] for the prompted day,
    /// addressed to the Market-wide Data Service; it becomes the focus.
    pub async fn expect_consumption(&mut self) -> Result<(), StepFailure> {
        let (e, p) = self.await_after_prompt("IF-021", "[ActivePower]").await?;
        self.check_consumption_addressed(&e, &p)?;
        let day = self.prompted()?.input["day"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let days: Vec<String> = p
            .pointer("/CustomBlock/B900/settlementDayConsumptionPeriods")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|d| at(d, "/settlementDay/settlementDayDate").to_string())
                    .collect()
            })
            .unwrap_or_default();
        if !days.iter().any(|d| d.contains(&day)) && days.len() != 1 {
            return Err(fail(
                format!("IF-021 with the settlement day {day}, as prompted"),
                format!("settlement days {}", days.join(", ")),
                &[e],
            ));
        }
        self.data.previous = self.data.consumption.take();
        self.data.consumption = Some((e, p));
        Ok(())
    }

    fn check_consumption_addressed(&self, e: &Arc<Entry>, p: &Value) -> Result<(), StepFailure> {
        let mds = self.counterparty("MDS")?.dip_id;
        let to = at(p, "/CommonBlock/A0/primaryRecipients");
        if to != json!([mds]) {
            return Err(fail(
                format!(
                    "IF-021 addressed to the Market-wide Data Service: A0.primaryRecipients = [\"{mds}\"] (the DIP adds the others)"
                ),
                format!("primaryRecipients = {to}"),
                std::slice::from_ref(e),
            ));
        }
        Ok(())
    }

    fn consumption(&self) -> Result<(Arc<Entry>, Value), StepFailure> {
        self.data.consumption.clone().ok_or_else(|| {
            StepFailure::setup("no IF-021 yet: a step such as \"Then the system submits the day's consumption to the Market-wide Data Service\" must come first")
        })
    }

    /// What the harness knows of the latest MPAN, for the settlement rules.
    fn facts(&self) -> Result<Facts, StepFailure> {
        let me = self.system();
        let mpan = self.subject()?.mpan.clone();
        Ok(self.harness.registry.facts(&mpan, (&me.dip_id, &me.role)))
    }

    /// D5: the focused IF-021 breaks no settlement rule (C1-C15, D7); the (warn) details
    /// are warnings.
    pub fn expect_settlement_rules(&mut self) -> Result<(), StepFailure> {
        let (e, p) = self.consumption()?;
        let facts = self.facts()?;
        let breaches = crate::market::settlement::grouped(check_if021(&p, &facts));
        // The lowest-numbered rule first: C7 (a period start) before C15 (outside the
        // appointment), which the same period may also break.
        let number = |rule: &str| {
            rule.trim_start_matches(['C', 'D'])
                .parse::<u32>()
                .unwrap_or(99)
        };
        if let Some(b) = breaches
            .iter()
            .filter(|b| !b.warn)
            .min_by_key(|b| (b.rule.starts_with('D'), number(b.rule)))
        {
            let code = b
                .ecs
                .map(|c| {
                    format!(
                        " ({c} - {})",
                        crate::dip::response_text(c)
                            .split(" - ")
                            .nth(1)
                            .unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            return Err(fail(
                format!("IF-021 keeps settlement rule {}{code}", b.rule),
                format!("{} at {}", b.message, b.pointer),
                &[e],
            ));
        }
        for b in breaches {
            self.warn(b.rule, format!("{} at {}", b.message, b.pointer));
        }
        Ok(())
    }

    /// The settlement day of the focused IF-021 for the date of the MDR's day.
    fn submitted_day(&self, date: Date) -> Result<(Arc<Entry>, SettlementDay), StepFailure> {
        let (e, p) = self.consumption()?;
        let model = readable(&e, &p)?;
        let day = model
            .days
            .into_iter()
            .find(|d| d.date == date)
            .ok_or_else(|| {
                fail(
                    format!("IF-021 with the UTC settlement day {date}"),
                    "no such settlement day",
                    std::slice::from_ref(&e),
                )
            })?;
        Ok((e, day))
    }

    fn mdr_day(&self) -> Result<SettlementDay, StepFailure> {
        self.data.mdr_day.clone().ok_or_else(|| {
            StepFailure::setup("the meter data retriever has sent no day: a step such as \"Given the meter data retriever has sent the system the day 2026-07-01\" must come first")
        })
    }

    /// D6: every period the MDR gave as actual is passed on unchanged.
    pub fn expect_actuals_passed_on(&mut self) -> Result<(), StepFailure> {
        let mdr = self.mdr_day()?;
        let (e, mut day) = self.submitted_day(mdr.date)?;
        // Only the periods the MDR gave as actual: the gaps have a step of their own.
        let mut actual = mdr.clone();
        actual.periods.retain(|p| p.q == "A");
        day.periods
            .retain(|p| actual.periods.iter().any(|a| a.sp == p.sp));
        crate::market::consumption::compare(&actual, &day).map_err(|m| {
            fail(
                format!("IF-021 passes on the meter data retriever's actual periods of {} unchanged (same sp, v, q A, e null)", mdr.date),
                m.to_string(),
                &[e],
            )
        })
    }

    /// D6: every period the MDR did not give is present and estimated (q not A, e not null;
    /// warn unless e is 2 Missing or 4 CommsFault).
    pub fn expect_gaps_estimated(&mut self) -> Result<(), StepFailure> {
        let mdr = self.mdr_day()?;
        let (e, day) = self.submitted_day(mdr.date)?;
        let start = mdr.date.midnight().assume_utc();
        for k in 1..=48i64 {
            let sp = start + Duration::minutes(30 * k);
            if mdr.periods.iter().any(|p| p.sp == sp) {
                continue;
            }
            let Some(p) = day.periods.iter().find(|p| p.sp == sp) else {
                return Err(fail(
                    format!(
                        "IF-021 estimates the period ending {} that the meter data retriever did not give (every period present, C9)",
                        dt(sp)
                    ),
                    "the period is missing",
                    &[e],
                ));
            };
            if p.q == "A" || p.e.is_none() {
                return Err(fail(
                    format!(
                        "the period ending {} estimated: q other than A, with an estimation reason e",
                        dt(sp)
                    ),
                    format!("q = {:?}, e = {:?}", p.q, p.e),
                    &[e],
                ));
            }
            if !matches!(p.e.as_deref(), Some("2" | "4")) {
                self.warn(
                    "D6",
                    format!("the period ending {} is estimated with e = {:?}, not 2 (Missing) or 4 (CommsFault)", dt(sp), p.e),
                );
            }
        }
        Ok(())
    }

    /// D7: after the de-energisation, every period is actual, or zero with a ZE-family
    /// quality (warn unless e is 7 De-Energised).
    pub fn expect_de_energised_periods(&mut self) -> Result<(), StepFailure> {
        let from = self.data.de_energised.ok_or_else(|| {
            StepFailure::setup("the MPAN was not de-energised: a step such as \"Given the MPAN was de-energised from 2026-07-01T12:00:00+00:00\" must come first")
        })?;
        let (e, p) = self.consumption()?;
        let model = readable(&e, &p)?;
        for period in model.days.iter().flat_map(|d| &d.periods) {
            if period.sp <= from || period.q == "A" {
                continue;
            }
            let ze = matches!(period.q.as_str(), "ZE" | "ZE1" | "ZE2" | "ZE3");
            if !ze || period.value != 0.0 {
                return Err(fail(
                    format!(
                        "after the de-energisation at {}, each period actual (q A) or zero with a ZE-family q (D7, ECS1008 - SP End Date/Time contains non-Actual Consumption for ECS De-Energised MPAN)",
                        dt(from)
                    ),
                    format!(
                        "the period ending {}: v = {}, q = {:?}",
                        period.sp_text, period.v, period.q
                    ),
                    &[e],
                ));
            }
            if period.e.as_deref() != Some("7") {
                self.warn(
                    "D7",
                    format!(
                        "the de-energised period ending {} has e = {:?}, not 7 (De-Energised)",
                        period.sp_text, period.e
                    ),
                );
            }
        }
        Ok(())
    }

    /// The supplier asks the system to amend the consumption of the latest MPAN in
    /// (`start`, `end`] to `total` kWh with reason `arc` (PUB-027 [ConsumptionAmendment]).
    pub async fn request_amendment(
        &mut self,
        start: OffsetDateTime,
        end: OffsetDateTime,
        total: &str,
        arc: &str,
    ) -> Result<(), StepFailure> {
        let mut p = self.build("SUP", "IF-027", "[ConsumptionAmendment]", &[])?;
        p["CustomBlock"] = json!({
            "B902List": [{
                "MQID": {"measurementQuantityID": "AI"},
                "supplierConsumptionAmendmentRequests": [{
                    "consumptionAmendmentSupplierReference": format!("AMD-{:08}", fastrand::u32(..100_000_000)),
                    "consumptionAmendmentPeriodStartDate": dt(start),
                    "consumptionAmendmentPeriodEndDate": dt(end),
                    "grossRevisedConsumption": total,
                    "arc": arc,
                }],
            }],
        });
        let mark = self.harness.journal.last_seq();
        self.data.amendment = Some((p.clone(), mark));
        self.deliver("SUP", vec![p]).await?;
        Ok(())
    }

    fn amendment(&self) -> Result<(Value, u64), StepFailure> {
        self.data.amendment.clone().ok_or_else(|| {
            StepFailure::setup("no amendment was asked for: a step such as \"When the supplier asks the system to amend ...\" must come first")
        })
    }

    /// D8: the system answers the amendment with IF-028 to the supplier, echoing B902List,
    /// accepting it.
    pub async fn expect_amendment_accepted(&mut self) -> Result<(), StepFailure> {
        let (t, mark) = self.amendment()?;
        let (e, p) = self
            .await_since(mark, "the amendment", "IF-028", "[ConsumptionAmendment]")
            .await?;
        expect_fields(
            &e,
            &p,
            "IF-028 [ConsumptionAmendment]",
            "as in the amendment",
            &[
                (
                    "A0.primaryRecipients",
                    "/CommonBlock/A0/primaryRecipients",
                    json!([at(&t, "/CommonBlock/S1/senderDIPID")]),
                ),
                ("M0", "/CommonBlock/M0", at(&t, "/CommonBlock/M0")),
                (
                    "B902List",
                    "/CustomBlock/B902List",
                    at(&t, "/CustomBlock/B902List"),
                ),
            ],
        )?;
        let code = at(&p, "/CommonBlock/R0/responseCode");
        if code != json!("A") {
            return Err(fail(
                "IF-028 R0.responseCode A: the amendment of a period the system serves accepted",
                format!("R0 = {}", at(&p, "/CommonBlock/R0")),
                &[e],
            ));
        }
        Ok(())
    }

    /// D8: after accepting the amendment, the system resubmits consumption (IF-021 to the
    /// Market-wide Data Service) within the response timeout; it becomes the focus.
    pub async fn expect_resubmitted_consumption(&mut self) -> Result<(), StepFailure> {
        let (_, mark) = self.amendment()?;
        let (e, p) = self
            .await_since(mark, "the amendment", "IF-021", "[ActivePower]")
            .await?;
        self.check_consumption_addressed(&e, &p)?;
        self.data.previous = self.data.consumption.take();
        self.data.consumption = Some((e, p));
        Ok(())
    }

    /// D8: the resubmitted day carries the amendment: the periods ending in the window have
    /// e 9 and the request's arc, and sum to the gross revised consumption (warn); the other
    /// periods are as before (warn).
    pub fn expect_amendment_carried(&mut self) -> Result<(), StepFailure> {
        let (t, _) = self.amendment()?;
        let (e, p) = self.consumption()?;
        let request = at(
            &t,
            "/CustomBlock/B902List/0/supplierConsumptionAmendmentRequests/0",
        );
        let (Some(start), Some(end)) = (
            request["consumptionAmendmentPeriodStartDate"]
                .as_str()
                .and_then(parse_dt003),
            request["consumptionAmendmentPeriodEndDate"]
                .as_str()
                .and_then(parse_dt003),
        ) else {
            return Err(StepFailure::setup("the amendment has no readable window"));
        };
        let arc = request["arc"].clone();
        let total: f64 = request["grossRevisedConsumption"]
            .as_str()
            .and_then(|v| v.parse().ok())
            .unwrap_or_default();
        let model = readable(&e, &p)?;
        let window: Vec<_> = model
            .days
            .iter()
            .flat_map(|d| &d.periods)
            .filter(|p| p.sp > start && p.sp <= end)
            .collect();
        let expected = usize::try_from((end - start).whole_minutes() / 30).unwrap_or_default();
        if window.len() != expected {
            return Err(fail(
                format!(
                    "the revised IF-021 with the {expected} periods ending in ({}, {}]",
                    dt(start),
                    dt(end)
                ),
                format!("{} of them", window.len()),
                &[e],
            ));
        }
        for period in &window {
            if period.e.as_deref() != Some("9") || Value::from(period.arc.clone()) != arc {
                return Err(fail(
                    format!(
                        "each revised period with e 9 (Consumption Amendment) and arc {arc}, the request's"
                    ),
                    format!(
                        "the period ending {}: e = {:?}, arc = {:?}",
                        period.sp_text, period.e, period.arc
                    ),
                    &[e],
                ));
            }
        }
        let sum: f64 = window.iter().map(|p| p.value).sum();
        let tolerance = 0.001 * f64::from(u32::try_from(window.len()).unwrap_or(u32::MAX));
        if (sum - total).abs() > tolerance + 1e-9 {
            self.warn(
                "D8",
                format!("the revised periods sum to {sum:.3}, the gross revised consumption is {total:.3}"),
            );
        }
        if let Some((_, before)) = &self.data.previous
            && let Ok(before) = Consumption::from_if021(before)
        {
            let old: std::collections::HashMap<_, _> = before
                .days
                .iter()
                .flat_map(|d| &d.periods)
                .map(|p| (p.sp, p.v.clone()))
                .collect();
            if let Some(changed) = model
                .days
                .iter()
                .flat_map(|d| &d.periods)
                .filter(|p| !(p.sp > start && p.sp <= end))
                .find(|p| old.get(&p.sp).is_some_and(|v| *v != p.v))
            {
                self.warn(
                    "D8",
                    format!(
                        "the period ending {} outside the amendment changed to {}, from {}",
                        changed.sp_text, changed.v, old[&changed.sp]
                    ),
                );
            }
        }
        Ok(())
    }

    /// D8: an amendment the system cannot take (an MPAN it does not serve) is declined: 400
    /// (RCP1062), or IF-028 with R; and no IF-021 follows.
    pub async fn expect_amendment_declined(&mut self) -> Result<(), StepFailure> {
        let d = self.last_delivery()?;
        if d.status == Some(400) {
            return Ok(());
        }
        let (_, mark) = self.amendment()?;
        let what = "the amendment declined: 400 with RCP1062, or IF-028 with R0.responseCode R";
        let (e, p) = self
            .await_since(mark, "the amendment", "IF-028", "[ConsumptionAmendment]")
            .await
            .map_err(|f| fail(what, f.arrived, &f.entries))?;
        let code = at(&p, "/CommonBlock/R0/responseCode");
        if code != json!("R") {
            return Err(fail(
                what,
                format!("IF-028 R0 = {}", at(&p, "/CommonBlock/R0")),
                &[e],
            ));
        }
        if at(&p, "/CommonBlock/R0/responseMessages")
            .as_array()
            .is_none_or(Vec::is_empty)
        {
            return Err(fail(
                "IF-028 R with its reason in R0.responseMessages",
                "responseMessages empty",
                &[e],
            ));
        }
        Ok(())
    }
}

/// Each `(field, pointer, value)` of `want` is what the submission `p` (journaled as `e`), a
/// `what`, has at `pointer`; the first that differs fails, saying `what field = value, why`
/// and what arrived.
fn expect_fields(
    e: &Arc<Entry>,
    p: &Value,
    what: &str,
    why: &str,
    want: &[(&str, &str, Value)],
) -> Result<(), StepFailure> {
    for (field, pointer, value) in want {
        let got = at(p, pointer);
        if got != *value {
            return Err(fail(
                format!("{what} {field} = {value}, {why}"),
                format!("{field} = {got}"),
                std::slice::from_ref(e),
            ));
        }
    }
    Ok(())
}

/// The settlement days of an IF-021 the system submitted (`e`), or a failure saying why they
/// cannot be read.
fn readable(e: &Arc<Entry>, p: &Value) -> Result<Consumption, StepFailure> {
    Consumption::from_if021(p).map_err(|m| {
        fail(
            "an IF-021 whose settlement days can be read",
            m.to_string(),
            std::slice::from_ref(e),
        )
    })
}

/// The moment `hh:mm` UTC on `date`.
pub fn at_time(date: Date, hour: u8, minute: u8) -> OffsetDateTime {
    date.with_time(Time::from_hms(hour, minute, 0).unwrap_or(Time::MIDNIGHT))
        .assume_utc()
}
