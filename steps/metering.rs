//! Metering services: appointment requests from the Registration Service, and prompted meter
//! work (CONTRACT-ROLES.md §6.2, M1-M8).
//! - Given a(n) {segment} MPAN the system is appointed to
//! - Given a meter the system installed on the MPAN
//! - When the Registration Service asks the system to be the metering service of the MPAN
//! - When the Registration Service asks the system to be the metering service of the MPAN with appointment scenario {string}
//! - When the Registration Service asks the system to be the metering service of the MPAN for a supplier it holds no contract with
//! - When the Registration Service de-appoints the system from the MPAN, effective five minutes ago
//! - When the system is prompted to install a meter on the MPAN
//! - When the system is prompted to install a meter on the MPAN, dated before its appointment
//! - When the system is prompted to remove the meter
//! - When the system is prompted to exchange the meter
//! - When the system is prompted to correct the meter's ID
//! - When the system is prompted to {energisation} the MPAN
//! - When the system is prompted to {energisation} the MPAN, and the work fails with reason {string}
//! - When the system is prompted to {energisation} the MPAN, dated before its appointment
//! - Then the system answers the appointment request with IF-034 within the response timeout
//! - Then the answer echoes the appointment request field by field
//! - Then the answer accepts the appointment
//! - Then the answer carries the request's correlation ID
//! - Then the system declines the appointment request, giving {string}
//! - Then the Registration Service confirms the appointment and the system acknowledges it
//! - Then the system reports the meter work to the Registration Service as {event}, with the prompt's values
//! - Then the Registration Service accepts the meter work
//! - Then the system sends the data service the {event} read of the work
//! - Then the system reports energisation status {string} to the Registration Service
//! - Then the system reports the failed energisation to the Registration Service and the supplier
//! - Then the system declines the work and submits nothing for the MPAN

use cucumber::{given, then, when};

use super::QualWorld;
use super::params::{Energisation, Event, SegmentParam};
use crate::session::{Requester, Starts, StepFailure};

#[given(expr = "a(n) {segment} MPAN the system is appointed to")]
async fn appointed(w: &mut QualWorld, segment: SegmentParam) -> Result<(), StepFailure> {
    w.session()?.appoint_system(segment.0).await
}

#[given(expr = "a meter the system installed on the MPAN")]
async fn installed(w: &mut QualWorld) -> Result<(), StepFailure> {
    let s = w.session()?;
    let input = s.work("install-meter", None)?;
    s.prompt_work("install-meter", input).await?;
    s.expect_meter_report("[MeterInstall]").await?;
    s.expect_meter_work_accepted().await?;
    // What else the installation brings (its read) comes before the work the scenario is about.
    s.settle().await;
    Ok(())
}

#[when(expr = "the Registration Service asks the system to be the metering service of the MPAN")]
async fn asks(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?
        .request_metering_appointment(Requester::Contracted, "COS", Starts::InAWeek)
        .await
}

#[when(
    expr = "the Registration Service asks the system to be the metering service of the MPAN with appointment scenario {string}"
)]
async fn asks_scenario(w: &mut QualWorld, scenario: String) -> Result<(), StepFailure> {
    w.session()?
        .request_metering_appointment(Requester::Contracted, &scenario, Starts::InAWeek)
        .await
}

#[when(
    expr = "the Registration Service asks the system to be the metering service of the MPAN for a supplier it holds no contract with"
)]
async fn asks_uncontracted(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?
        .request_metering_appointment(Requester::Uncontracted, "COS", Starts::InAWeek)
        .await
}

#[when(
    expr = "the Registration Service de-appoints the system from the MPAN, effective five minutes ago"
)]
async fn de_appoints(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.de_appoint_system().await
}

/// Noon yesterday (UTC): before a standing appointment made in the scenario, which starts
/// today at 00:00.
fn before_the_appointment() -> time::OffsetDateTime {
    crate::session::midnight() - time::Duration::hours(12)
}

async fn prompt(w: &mut QualWorld, action: &str) -> Result<(), StepFailure> {
    let s = w.session()?;
    let input = s.work(action, None)?;
    s.prompt_work(action, input).await
}

#[when(expr = "the system is prompted to install a meter on the MPAN")]
async fn install(w: &mut QualWorld) -> Result<(), StepFailure> {
    prompt(w, "install-meter").await
}

#[when(
    expr = "the system is prompted to install a meter on the MPAN, dated before its appointment"
)]
async fn install_before(w: &mut QualWorld) -> Result<(), StepFailure> {
    let s = w.session()?;
    let input = s.work("install-meter", Some(before_the_appointment()))?;
    s.prompt_work("install-meter", input).await
}

#[when(expr = "the system is prompted to remove the meter")]
async fn remove(w: &mut QualWorld) -> Result<(), StepFailure> {
    prompt(w, "remove-meter").await
}

#[when(expr = "the system is prompted to exchange the meter")]
async fn exchange(w: &mut QualWorld) -> Result<(), StepFailure> {
    prompt(w, "exchange-meter").await
}

#[when(expr = "the system is prompted to correct the meter's ID")]
async fn correct(w: &mut QualWorld) -> Result<(), StepFailure> {
    prompt(w, "correct-meter").await
}

#[when(expr = "the system is prompted to {energisation} the MPAN")]
async fn energise(w: &mut QualWorld, action: Energisation) -> Result<(), StepFailure> {
    prompt(w, &action).await
}

#[when(
    expr = "the system is prompted to {energisation} the MPAN, and the work fails with reason {string}"
)]
async fn energise_fails(
    w: &mut QualWorld,
    action: Energisation,
    reason: String,
) -> Result<(), StepFailure> {
    let s = w.session()?;
    let mut input = s.work(&action, None)?;
    input["outcome"] = "failed".into();
    input["failureReason"] = reason.into();
    s.prompt_work(&action, input).await
}

#[when(expr = "the system is prompted to {energisation} the MPAN, dated before its appointment")]
async fn energise_before(w: &mut QualWorld, action: Energisation) -> Result<(), StepFailure> {
    let s = w.session()?;
    let input = s.work(&action, Some(before_the_appointment()))?;
    s.prompt_work(&action, input).await
}

#[then(expr = "the system answers the appointment request with IF-034 within the response timeout")]
async fn answers(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_appointment_answer().await.map(|_| ())
}

#[then(expr = "the answer echoes the appointment request field by field")]
fn echoes(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_appointment_echo()
}

#[then(expr = "the answer accepts the appointment")]
fn accepts(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_appointment_accepted()
}

#[then(expr = "the answer carries the request's correlation ID")]
fn correlated(w: &mut QualWorld) -> Result<(), StepFailure> {
    let s = w.session()?;
    let event = s.service().response;
    s.expect_correlated(event)
}

#[then(expr = "the system declines the appointment request, giving {string}")]
async fn declines(w: &mut QualWorld, code: String) -> Result<(), StepFailure> {
    w.session()?.expect_appointment_declined(&code).await
}

#[then(expr = "the Registration Service confirms the appointment and the system acknowledges it")]
async fn confirmed(w: &mut QualWorld) -> Result<(), StepFailure> {
    let s = w.session()?;
    let service = s.service();
    s.expect_reaction_acknowledged("REGS", "IF-035", service.accepted)
        .await?;
    s.expect_reaction_acknowledged("REGS", "IF-036", service.active)
        .await
}

#[then(
    expr = "the system reports the meter work to the Registration Service as {event}, with the prompt's values"
)]
async fn reports(w: &mut QualWorld, event: Event) -> Result<(), StepFailure> {
    w.session()?.expect_meter_report(&event).await
}

#[then(expr = "the Registration Service accepts the meter work")]
async fn work_accepted(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_meter_work_accepted().await
}

#[then(expr = "the system sends the data service the {event} read of the work")]
async fn read(w: &mut QualWorld, event: Event) -> Result<(), StepFailure> {
    w.session()?.expect_work_read(&event).await
}

#[then(expr = "the system reports energisation status {string} to the Registration Service")]
async fn energisation(w: &mut QualWorld, status: String) -> Result<(), StepFailure> {
    w.session()?.expect_energisation_report(&status).await
}

#[then(
    expr = "the system reports the failed energisation to the Registration Service and the supplier"
)]
async fn energisation_failed(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_energisation_failure().await
}

#[then(expr = "the system declines the work and submits nothing for the MPAN")]
async fn work_declined(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_work_declined().await
}
