//! DIP faults: outages and refusals scripted for one scenario's submissions.
//! - Given the DIP answers the next {int} submission(s) of {interface} with {int}
//! - Then the DIP answered a submission of {interface} with {int}
//! - Then the system resubmits it within the retry timeout and the DIP accepts it once
//! - Then the system does not resubmit it unchanged

use cucumber::{given, then};

use super::QualWorld;
use super::params::Interface;
use crate::session::StepFailure;

#[given(expr = "the DIP answers the next {int} submission(s) of {interface} with {int}")]
fn script(
    w: &mut QualWorld,
    count: u32,
    interface: Interface,
    status: u16,
) -> Result<(), StepFailure> {
    if !matches!(status, 400 | 408 | 429 | 500..=599) {
        return Err(StepFailure::setup(format!(
            "a scripted DIP fault answers 400, 408, 429 or 5xx, not {status}"
        )));
    }
    w.session()?.script_fault(&interface, status, count);
    Ok(())
}

#[then(expr = "the DIP answered a submission of {interface} with {int}")]
async fn answered(w: &mut QualWorld, interface: Interface, status: u16) -> Result<(), StepFailure> {
    w.session()?
        .await_fault(&interface, status)
        .await
        .map(|_| ())
}

#[then(expr = "the system resubmits it within the retry timeout and the DIP accepts it once")]
async fn resubmits(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_resubmitted().await
}

#[then(expr = "the system does not resubmit it unchanged")]
async fn not_resubmitted(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_not_resubmitted().await
}
