//! Deliveries: the DIP delivering to the SUT, and how the SUT answers.
//! - Given a(n) {segment} MPAN
//! - Given two {segment} MPANs
//! - When the Registration Service delivers {publication} {event} for the MPAN
//! - When {role} delivers {publication} {event} for the MPAN
//! - When the Registration Service delivers {publication} {event} for the MPAN with {string} set to {string}
//! - When the Registration Service delivers {publication} {event} for the MPAN without {string}
//! - When the Registration Service delivers {publication} {event} for the MPAN with a wrong check digit
//! - When the Registration Service delivers {publication} {event} for both MPANs in one batch, the second with a wrong check digit
//! - When the Registration Service delivers a body that is not JSON
//! - When the Registration Service repeats the delivery
//! - Then the system answers {int} with {code}
//! - Then the system answers {int}
//! - Then the answer echoes the delivered message(s)

use cucumber::{given, then, when};
use serde_json::Value;

use super::QualWorld;
use super::params::{Code, Event, Publication, Role, SegmentParam};
use crate::session::{Mutation, StepFailure};

/// A value written in a feature file: JSON when it parses as JSON, else a string.
fn value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

#[given(expr = "a(n) {segment} MPAN")]
fn an_mpan(w: &mut QualWorld, segment: SegmentParam) -> Result<(), StepFailure> {
    w.session()?.new_subject(segment.0);
    Ok(())
}

#[given(expr = "two {segment} MPANs")]
fn two_mpans(w: &mut QualWorld, segment: SegmentParam) -> Result<(), StepFailure> {
    let s = w.session()?;
    s.new_subject(segment.0);
    s.new_subject(segment.0);
    Ok(())
}

async fn deliver(
    w: &mut QualWorld,
    role: &str,
    publication: &Publication,
    event: &Event,
    mutations: &[Mutation],
) -> Result<(), StepFailure> {
    let s = w.session()?;
    let payload = s.build(role, &publication.interface(), event, mutations)?;
    s.deliver(role, vec![payload]).await?;
    Ok(())
}

#[when(expr = "the Registration Service delivers {publication} {event} for the MPAN")]
async fn regs_delivers(
    w: &mut QualWorld,
    publication: Publication,
    event: Event,
) -> Result<(), StepFailure> {
    deliver(w, "REGS", &publication, &event, &[]).await
}

#[when(expr = "{role} delivers {publication} {event} for the MPAN")]
async fn role_delivers(
    w: &mut QualWorld,
    role: Role,
    publication: Publication,
    event: Event,
) -> Result<(), StepFailure> {
    deliver(w, &role, &publication, &event, &[]).await
}

#[when(
    expr = "the Registration Service delivers {publication} {event} for the MPAN with {string} set to {string}"
)]
async fn regs_delivers_with(
    w: &mut QualWorld,
    publication: Publication,
    event: Event,
    pointer: String,
    v: String,
) -> Result<(), StepFailure> {
    deliver(
        w,
        "REGS",
        &publication,
        &event,
        &[Mutation::Set {
            pointer,
            value: value(&v),
        }],
    )
    .await
}

#[when(
    expr = "the Registration Service delivers {publication} {event} for the MPAN without {string}"
)]
async fn regs_delivers_without(
    w: &mut QualWorld,
    publication: Publication,
    event: Event,
    pointer: String,
) -> Result<(), StepFailure> {
    deliver(
        w,
        "REGS",
        &publication,
        &event,
        &[Mutation::Remove { pointer }],
    )
    .await
}

#[when(
    expr = "the Registration Service delivers {publication} {event} for the MPAN with a wrong check digit"
)]
async fn regs_delivers_bad_mpan(
    w: &mut QualWorld,
    publication: Publication,
    event: Event,
) -> Result<(), StepFailure> {
    deliver(
        w,
        "REGS",
        &publication,
        &event,
        &[Mutation::WrongCheckDigit],
    )
    .await
}

#[when(
    expr = "the Registration Service delivers {publication} {event} for both MPANs in one batch, the second with a wrong check digit"
)]
async fn regs_delivers_batch(
    w: &mut QualWorld,
    publication: Publication,
    event: Event,
) -> Result<(), StepFailure> {
    let s = w.session()?;
    if s.subjects.len() < 2 {
        return Err(StepFailure::setup(
            "two MPANs are needed: \"Given two smart MPANs\" must come first",
        ));
    }
    let interface = publication.interface();
    let second = s.build("REGS", &interface, &event, &[Mutation::WrongCheckDigit])?;
    let last = s.subjects.pop().expect("two subjects");
    let first = s.build("REGS", &interface, &event, &[])?;
    s.subjects.push(last);
    s.deliver("REGS", vec![first, second]).await?;
    Ok(())
}

#[when(expr = "the Registration Service delivers a body that is not JSON")]
async fn regs_delivers_garbage(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?
        .deliver_raw(
            "REGS",
            b"{\"payload\": this is not JSON".to_vec(),
            "application/json",
        )
        .await?;
    Ok(())
}

#[when(expr = "the Registration Service repeats the delivery")]
async fn regs_repeats(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.repeat_delivery().await?;
    Ok(())
}

#[then(expr = "the system answers {int} with {code}")]
fn answers_with(w: &mut QualWorld, status: u16, code: Code) -> Result<(), StepFailure> {
    w.session()?.expect_answer(status, Some(&code))
}

#[then(expr = "the system answers {int}")]
fn answers(w: &mut QualWorld, status: u16) -> Result<(), StepFailure> {
    w.session()?.expect_answer(status, None)
}

#[then(expr = "the answer echoes the delivered message(s)")]
fn echoes(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_echo()
}
