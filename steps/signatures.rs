//! Signatures (CONTRACT.md §4, §6 S7): deliveries signed wrongly on purpose, and the
//! signatures of the SUT's submissions.
//! - When the Registration Service delivers {publication} {event} for the MPAN with the body changed after signing
//! - When the Registration Service delivers {publication} {event} for the MPAN with a stale signature date
//! - When the Registration Service delivers {publication} {event} for the MPAN signed with a certificate that is not the DIP's
//! - When the Registration Service delivers {publication} {event} for the MPAN without the signature header {string}
//! - Then the system refuses the delivery's signature
//! - Then every submission is signed with the system's certificate and verifies

use cucumber::{then, when};

use super::QualWorld;
use super::params::{Event, Publication};
use crate::security::signature::HEADERS;
use crate::session::StepFailure;
use crate::stub::Signing;

async fn deliver(
    w: &mut QualWorld,
    publication: &Publication,
    event: &Event,
    signing: Signing,
) -> Result<(), StepFailure> {
    let s = w.session()?;
    let payload = s.build("REGS", &publication.interface(), event, &[])?;
    s.deliver_signed("REGS", vec![payload], signing).await?;
    Ok(())
}

#[when(
    expr = "the Registration Service delivers {publication} {event} for the MPAN with the body changed after signing"
)]
async fn body_changed(
    w: &mut QualWorld,
    publication: Publication,
    event: Event,
) -> Result<(), StepFailure> {
    deliver(w, &publication, &event, Signing::BodyChangedAfterSigning).await
}

#[when(
    expr = "the Registration Service delivers {publication} {event} for the MPAN with a stale signature date"
)]
async fn stale(
    w: &mut QualWorld,
    publication: Publication,
    event: Event,
) -> Result<(), StepFailure> {
    deliver(w, &publication, &event, Signing::Stale).await
}

#[when(
    expr = "the Registration Service delivers {publication} {event} for the MPAN signed with a certificate that is not the DIP's"
)]
async fn foreign(
    w: &mut QualWorld,
    publication: Publication,
    event: Event,
) -> Result<(), StepFailure> {
    deliver(w, &publication, &event, Signing::ForeignCertificate).await
}

#[when(
    expr = "the Registration Service delivers {publication} {event} for the MPAN without the signature header {string}"
)]
async fn without_header(
    w: &mut QualWorld,
    publication: Publication,
    event: Event,
    header: String,
) -> Result<(), StepFailure> {
    let Some(name) = HEADERS.iter().find(|h| h.eq_ignore_ascii_case(&header)) else {
        return Err(StepFailure::setup(format!(
            "{header:?} is not a signature header; one of {}",
            HEADERS.join(", ")
        )));
    };
    deliver(w, &publication, &event, Signing::Without(name)).await
}

#[then(expr = "the system refuses the delivery's signature")]
fn refuses(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_signature_refused()
}

#[then(expr = "every submission is signed with the system's certificate and verifies")]
async fn submissions_signed(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_signed_submissions().await
}
