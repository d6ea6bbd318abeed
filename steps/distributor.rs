//! Distributors (CONTRACT-ROLES.md §6.4 L1-L2): the MPANs of the test data the system loaded,
//! and deliveries that are not about one of them.
//! - Given a(n) {segment} MPAN of the system's test data
//! - Given a(n) {segment} MPAN that is not in the system's test data
//! - When {role} delivers {publication} {event} for the MPAN naming another distributor
//! - Then the system refuses the MPAN as unknown to it
//! - Then the system refuses the MPAN as another distributor's

use cucumber::{given, then, when};

use super::QualWorld;
use super::params::{Event, Publication, Role, SegmentParam};
use crate::session::{Mutation, NotOwn, StepFailure};

#[given(expr = "a(n) {segment} MPAN of the system's test data")]
fn a_loaded_mpan(w: &mut QualWorld, segment: SegmentParam) -> Result<(), StepFailure> {
    w.session()?.new_loaded_subject(segment.0)?;
    Ok(())
}

#[given(expr = "a(n) {segment} MPAN that is not in the system's test data")]
fn an_unloaded_mpan(w: &mut QualWorld, segment: SegmentParam) -> Result<(), StepFailure> {
    w.session()?.new_unloaded_subject(segment.0)?;
    Ok(())
}

#[when(expr = "{role} delivers {publication} {event} for the MPAN naming another distributor")]
async fn delivers_naming_another(
    w: &mut QualWorld,
    role: Role,
    publication: Publication,
    event: Event,
) -> Result<(), StepFailure> {
    let s = w.session()?;
    let other = s.other_distributor()?;
    let payload = s.build(
        &role,
        &publication.interface(),
        &event,
        &[Mutation::Distributor(other)],
    )?;
    s.deliver(&role, vec![payload]).await?;
    Ok(())
}

#[then(expr = "the system refuses the MPAN as unknown to it")]
fn refuses_unknown(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_not_own(NotOwn::Unknown)
}

#[then(expr = "the system refuses the MPAN as another distributor's")]
fn refuses_other_distributor(w: &mut QualWorld) -> Result<(), StepFailure> {
    w.session()?.expect_not_own(NotOwn::OtherDistributor)
}
