//! Appointments: the supplier appointing metering and data services (IF-031).
//! - Then the system requests a metering service appointment for the MPAN within the response timeout
//! - Then the system requests a data service appointment for the MPAN within the response timeout
//! - Then the {event} request proposes a(n) {role} counterparty
//! - Then the {event} request has appointment scenario {string}
//! - Then the {event} request is addressed to the Registration Service
//! - Then the {event} request carries the MPAN as delivered
//! - Then the {event} request has {string} equal to {string}
//! - Then the Registration Service answers with {interface} {event} and the system acknowledges it

use cucumber::then;
use serde_json::Value;

use super::QualWorld;
use super::params::{Event, Interface, Role};
use crate::session::{Session, StepFailure};

/// The block of an appointment request and the prefix of its keys.
fn block(event: &str) -> Result<(&'static str, &'static str), StepFailure> {
    match event {
        "[MSApp]" => Ok(("B070", "proposedMeteringService")),
        "[DSApp]" => Ok(("B071", "proposedDataService")),
        other => Err(StepFailure::setup(format!(
            "{other} is not an appointment request ([MSApp] or [DSApp])"
        ))),
    }
}

/// Waits, within the response timeout, for the SUT's `event` request about the MPAN; it
/// becomes the session's focus.
async fn request<'w>(w: &'w mut QualWorld, event: &str) -> Result<&'w mut Session, StepFailure> {
    block(event)?;
    let s = w.session()?;
    let t = s.harness.config.timeouts.response;
    s.await_submission("IF-031", event, t).await?;
    Ok(s)
}

#[then(
    expr = "the system requests a metering service appointment for the MPAN within the response timeout"
)]
async fn requests_ms(w: &mut QualWorld) -> Result<(), StepFailure> {
    request(w, "[MSApp]").await.map(|_| ())
}

#[then(
    expr = "the system requests a data service appointment for the MPAN within the response timeout"
)]
async fn requests_ds(w: &mut QualWorld) -> Result<(), StepFailure> {
    request(w, "[DSApp]").await.map(|_| ())
}

#[then(expr = "the {event} request proposes a(n) {role} counterparty")]
async fn proposes(w: &mut QualWorld, event: Event, role: Role) -> Result<(), StepFailure> {
    let (b, prefix) = block(&event)?;
    let s = request(w, &event).await?;
    let (entry, p) = s.focused_payload(&event)?;
    let id = p
        .pointer(&format!("/CustomBlock/{b}/{prefix}DIPID"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mpid = p
        .pointer(&format!("/CustomBlock/{b}/{prefix}MPID"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let proposed = s.harness.config.counterparty_by_id(&id);
    match proposed {
        Some(c) if c.role == *role && c.mpid == mpid => Ok(()),
        Some(c) => Err(StepFailure::unmet(
            format!("{event} proposes a {} counterparty", &*role),
            format!("{id} ({mpid}), a {} counterparty", c.role),
            &[entry],
        )),
        None => Err(StepFailure::unmet(
            format!("{event} proposes a {} counterparty", &*role),
            format!("{id} ({mpid}), no counterparty of the configuration"),
            &[entry],
        )),
    }
}

#[then(expr = "the {event} request has appointment scenario {string}")]
async fn scenario(w: &mut QualWorld, event: Event, want: String) -> Result<(), StepFailure> {
    let (b, _) = block(&event)?;
    let s = request(w, &event).await?;
    s.expect_field(
        &event,
        &format!("/CustomBlock/{b}/appointmentScenario"),
        &Value::String(want),
    )
}

#[then(expr = "the {event} request is addressed to the Registration Service")]
async fn addressed(w: &mut QualWorld, event: Event) -> Result<(), StepFailure> {
    let s = request(w, &event).await?;
    let regs = s.counterparty("REGS")?;
    s.expect_field(
        &event,
        "/CommonBlock/A0/primaryRecipients",
        &serde_json::json!([regs.dip_id]),
    )
}

#[then(expr = "the {event} request carries the MPAN as delivered")]
async fn m0(w: &mut QualWorld, event: Event) -> Result<(), StepFailure> {
    let s = request(w, &event).await?;
    s.expect_m0_as_delivered(&event)
}

#[then(expr = "the {event} request has {string} equal to {string}")]
async fn field(
    w: &mut QualWorld,
    event: Event,
    pointer: String,
    want: String,
) -> Result<(), StepFailure> {
    let s = request(w, &event).await?;
    let want = serde_json::from_str(&want).unwrap_or(Value::String(want));
    s.expect_field(&event, &pointer, &want)
}

#[then(
    expr = "the Registration Service answers with {interface} {event} and the system acknowledges it"
)]
async fn regs_answers(
    w: &mut QualWorld,
    interface: Interface,
    event: Event,
) -> Result<(), StepFailure> {
    w.session()?
        .expect_reaction_acknowledged("REGS", &interface, &event)
        .await
}
