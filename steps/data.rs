//! Data services: appointments, the meter data retriever, days of consumption, de-energisation
//! and amendments (CONTRACT-ROLES.md §6.3, D1-D8). The appointment answers are checked by the
//! phrases of the metering services (steps/metering.rs), which follow the system's service.
//! - Given a(n) {segment} MPAN the system has served since {string}
//! - Given the meter data retriever has sent the system the day {string}
//! - Given the meter data retriever has sent the system the day {string} without periods {int} to {int}
//! - Given the MPAN was de-energised from {string}
//! - Given the system was prompted for the consumption of {string} and submitted it
//! - When the Registration Service asks the system to be the data service of the MPAN
//! - When the Registration Service asks the system to be the data service of the MPAN with appointment scenario {string}
//! - When the Registration Service asks the system to be the data service of the MPAN for a supplier it holds no contract with
//! - When the Registration Service asks the system to be the data service of the MPAN, with no meter data retriever nominated
//! - When the Registration Service asks the system to be the data service of the MPAN, nominating a meter data retriever the market does not know
//! - When the Registration Service de-appoints the system from the MPAN from {string}
//! - When the system is prompted to submit the consumption of {string}
//! - When the supplier asks the system to amend the consumption from {string} to {string} to {string} kWh with reason {string}
//! - When the supplier asks the system to amend the consumption of an MPAN it does not serve
//! - Then the system starts the meter data retriever with IF-061
//! - Then the system stops the meter data retriever with IF-063
//! - Then the system submits the day's consumption to the Market-wide Data Service
//! - Then the consumption keeps the settlement rules
//! - Then the consumption passes the meter data retriever's actual periods on unchanged
//! - Then the consumption estimates the periods the meter data retriever did not give
//! - Then the consumption after the de-energisation is actual, or zero
//! - Then the system accepts the amendment with IF-028
//! - Then the system resubmits the day's consumption after the amendment
//! - Then the resubmitted consumption carries the amendment
//! - Then the system declines the amendment

use cucumber::{given, then, when};
use serde_json::{Value, json};

use super::QualWorld;
use super::params::SegmentParam;
use crate::session::{Requester, Starts, StepFailure, UNKNOWN_MDR, day, moment};

#[given(expr = "a(n) {segment} MPAN the system has served since {string}")]
async fn served_since(
    w: &mut QualWorld,
    segment: SegmentParam,
    since: String,
) -> Result<(), StepFailure> {
    let from = moment(&since)?;
    w.session()?
        .appoint_system_from(segment.0, Starts::At(from))
        .await
}

#[given(expr = "the meter data retriever has sent the system the day {string}")]
async fn mdr_day(w: &mut QualWorld, date: String) -> Result<(), StepFailure> {
    let date = day(&date)?;
    w.session()?.mdr_sends_day(date, &[]).await
}

#[given(
    expr = "the meter data retriever has sent the system the day {string} without periods {int} to {int}"
)]
async fn mdr_day_gaps(
    w: &mut QualWorld,
    date: String,
    first: usize,
    last: usize,
) -> Result<(), StepFailure> {
    let date = day(&date)?;
    let gaps: Vec<usize> = (first..=last).collect();
    w.session()?.mdr_sends_day(date, &gaps).await
}

#[given(expr = "the MPAN was de-energised from {string}")]
async fn de_energised(w: &mut QualWorld, from: String) -> Result<(), StepFailure> {
    let from = moment(&from)?;
    w.session()?.de_energise(from).await
}

#[given(expr = "the system was prompted for the consumption of {string} and submitted it")]
async fn submitted(w: &mut QualWorld, date: String) -> Result<(), StepFailure> {
    let date = day(&date)?;
    let s = w.session()?;
    s.prompt_consumption(date).await?;
    s.expect_consumption().await?;
    s.settle().await;
    Ok(())
}

async fn asks(
    w: &mut QualWorld,
    requester: Requester,
    scenario: &str,
    more: &[(&str, Value)],
) -> Result<(), StepFailure> {
    w.session()?
        .request_appointment(requester, scenario, Starts::InAWeek, more)
        .await
}

#[when(expr = "the Registration Service asks the system to be the data service of the MPAN")]
async fn asks_plain(w: &mut QualWorld) -> Result<(), StepFailure> {
    asks(w, Requester::Contracted, "COS", &[]).await
}

#[when(
    expr = "the Registration Service asks the system to be the data service of the MPAN with appointment scenario {string}"
)]
async fn asks_scenario(w: &mut QualWorld, scenario: String) -> Result<(), StepFailure> {
    asks(w, Requester::Contracted, &scenario, &[]).await
}

#[when(
    expr = "the Registration Service asks the system to be the data service of the MPAN for a supplier it holds no contract with"
)]
async fn asks_uncontracted(w: &mut QualWorld) -> Result<(), StepFailure> {
    asks(w, Requester::Uncontracted, "COS", &[]).await
}

#[when(
    expr = "the Registration Service asks the system to be the data service of the MPAN, with no meter data retriever nominated"
)]
async fn asks_unnominated(w: &mut QualWorld) -> Result<(), StepFailure> {
    let none = [
        ("nominated_mdr.dip_id", Value::Null),
        ("nominated_mdr.mpid", Value::Null),
        ("nominated_mdr.from", Value::Null),
    ];
    asks(w, Requester::Contracted, "COS", &none).await
}

#[when(
    expr = "the Registration Service asks the system to be the data service of the MPAN, nominating a meter data retriever the market does not know"
)]
async fn asks_unknown_mdr(w: &mut QualWorld) -> Result<(), StepFailure> {
    let unknown = [
        ("nominated_mdr.dip_id", json!(UNKNOWN_MDR.0)),
        ("nominated_mdr.mpid", json!(UNKNOWN_MDR.1)),
    ];
    asks(w, Requester::Contracted, "COS", &unknown).await
}

#[when(expr = "the Registration Service de-appoints the system from the MPAN from {string}")]
async fn de_appoints(w: &mut QualWorld, to: String) -> Result<(), StepFailure> {
    let to = moment(&to)?;
    w.session()?.de_appoint_data_service(to).await
}

#[when(expr = "the system is prompted to submit the consumption of {string}")]
async fn prompted(w: &mut QualWorld, date: String) -> Result<(), StepFailure> {
    let date = day(&date)?;
    w.session()?.prompt_consumption(date).await
}

#[when(
    expr = "the supplier asks the system to amend the consumption from {string} to {string} to {string} kWh with reason {string}"
)]
async fn amend(
    w: &mut QualWorld,
    start: String,
    end: String,
    total: String,
    arc: String,
) -> Result<(), StepFailure> {
    let (start, end) = (moment(&start)?, moment(&end)?);
    w.session()?
        .request_amendment(start, end, &total, &arc)
        .await
}

#[when(expr = "the supplier asks the system to amend the consumption of an MPAN it does not serve")]
async fn amend_unserved(w: &mut QualWorld) -> Result<(), StepFailure> {
    let s = w.session()?;
    let segment = s
        .subjects
        .last()
        .map_or(crate::market::Segment::Smart, |x| x.segment);
    s.new_subject(segment);
    let start = crate::session::midnight() - time::Duration::days(1);
    s.request_amendment(start, start + time::Duration::hours(2), "1.000", "M")
        .await
}

#[then(expr = "the system starts the meter data retriever with IF-061")]
async fn mdr_start(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_mdr_start().await
}

#[then(expr = "the system stops the meter data retriever with IF-063")]
async fn mdr_stop(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_mdr_stop().await
}

#[then(expr = "the system submits the day's consumption to the Market-wide Data Service")]
async fn consumption(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_consumption().await
}

#[then(expr = "the consumption keeps the settlement rules")]
fn rules(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_settlement_rules()
}

#[then(expr = "the consumption passes the meter data retriever's actual periods on unchanged")]
fn actuals(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_actuals_passed_on()
}

#[then(expr = "the consumption estimates the periods the meter data retriever did not give")]
fn gaps(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_gaps_estimated()
}

#[then(expr = "the consumption after the de-energisation is actual, or zero")]
fn de_energised_periods(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_de_energised_periods()
}

#[then(expr = "the system accepts the amendment with IF-028")]
async fn amendment_accepted(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_amendment_accepted().await
}

#[then(expr = "the system resubmits the day's consumption after the amendment")]
async fn resubmitted(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_resubmitted_consumption().await
}

#[then(expr = "the resubmitted consumption carries the amendment")]
fn carried(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_amendment_carried()
}

#[then(expr = "the system declines the amendment")]
async fn amendment_declined(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_amendment_declined().await
}
