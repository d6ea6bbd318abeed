//! Submissions: what the system publishes to the DIP.
//! - Then the system submits nothing for the MPAN(s)
//! - Then the system submits {interface} {event} for the MPAN within the response timeout
//! - Then the system submits {interface} {event} for the MPAN within the response timeout, whatever the DIP answers
//! - Then the system submits {interface} {event} for the MPAN at most once
//! - Then every submission passes the DIP's checks and the market rules

use cucumber::then;

use super::QualWorld;
use super::params::{Event, Interface};
use crate::session::StepFailure;

#[then(expr = "the system submits nothing for the MPAN(s)")]
async fn nothing(w: &mut QualWorld) -> Result<(), StepFailure> {
    let s = w.session()?;
    let after = s.delivery_mark;
    s.expect_no_submission(after).await
}

#[then(expr = "the system submits {interface} {event} for the MPAN within the response timeout")]
async fn submits(w: &mut QualWorld, interface: Interface, event: Event) -> Result<(), StepFailure> {
    let s = w.session()?;
    let timeout = s.harness.config.timeouts.response;
    s.await_submission(&interface, &event, timeout)
        .await
        .map(|_| ())
}

#[then(
    expr = "the system submits {interface} {event} for the MPAN within the response timeout, whatever the DIP answers"
)]
async fn attempts(
    w: &mut QualWorld,
    interface: Interface,
    event: Event,
) -> Result<(), StepFailure> {
    let s = w.session()?;
    let timeout = s.harness.config.timeouts.response;
    s.await_attempt(&interface, &event, timeout)
        .await
        .map(|_| ())
}

#[then(expr = "the system submits {interface} {event} for the MPAN at most once")]
async fn at_most_once(
    w: &mut QualWorld,
    interface: Interface,
    event: Event,
) -> Result<(), StepFailure> {
    w.session()?.expect_at_most_once(&interface, &event).await
}

#[then(expr = "every submission passes the DIP's checks and the market rules")]
async fn clean(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_clean_submissions().await
}
