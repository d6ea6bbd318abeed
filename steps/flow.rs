//! End-to-end flows between several real systems (CONTRACT-ROLES.md §7): each hop checked as
//! it passes, then the flow's equalities, order and correlation.
//! - Given "the system" below is the {role}
//! - When the Registration Service delivers {publication} {event} for the MPAN to the {role}
//! - Then the {role} submits {interface} {event} to the Registration Service
//! - Then the {role} receives {interface} {event}
//! - Then the {event} carries {string} as the {event} did
//! - Then the {event} carries {string} as the {event}'s {string}
//! - Then the {event} names the {role} in {string}
//! - Then the {event} has {string} equal to {string}
//! - Then the {event} came after the {event}
//! - Then every message of the flow keeps its MPAN and CSS registration ID

use cucumber::{given, then, when};

use super::QualWorld;
use super::params::{Event, Interface, Publication, Role};
use crate::session::StepFailure;

/// A JSON pointer into a message's custom block: `B070` or `B012/serviceProviderAppointmentRequestingSupplierDIPID`.
fn custom(path: &str) -> String {
    format!("/CustomBlock/{}", path.trim_start_matches('/'))
}

#[given(expr = "\"the system\" below is the {role}")]
fn the_system_is(w: &mut QualWorld, role: Role) -> Result<(), StepFailure> {
    let s = w.session()?;
    s.target = Some(s.system_of(&role)?);
    Ok(())
}

#[when(expr = "the Registration Service delivers {publication} {event} for the MPAN to the {role}")]
async fn regs_delivers_to(
    w: &mut QualWorld,
    publication: Publication,
    event: Event,
    role: Role,
) -> Result<(), StepFailure> {
    let s = w.session()?;
    s.deliver_hop("REGS", &role, &publication.interface(), &event)
        .await
}

#[then(expr = "the {role} submits {interface} {event} to the Registration Service")]
async fn submits_to_regs(
    w: &mut QualWorld,
    role: Role,
    interface: Interface,
    event: Event,
) -> Result<(), StepFailure> {
    let s = w.session()?;
    s.await_hop_submission(&role, &interface, &event, "REGS")
        .await
}

#[then(expr = "the {role} receives {interface} {event}")]
async fn receives(
    w: &mut QualWorld,
    role: Role,
    interface: Interface,
    event: Event,
) -> Result<(), StepFailure> {
    let s = w.session()?;
    s.await_hop_delivery(&role, &interface, &event).await
}

#[then(expr = "the {event} carries {string} as the {event} did")]
fn carries_as(
    w: &mut QualWorld,
    event: Event,
    path: String,
    other: Event,
) -> Result<(), StepFailure> {
    let s = w.session()?;
    s.expect_hop_carries(&event, &custom(&path), &other, &custom(&path))
}

#[then(expr = "the {event} carries {string} as the {event}'s {string}")]
fn carries_as_other(
    w: &mut QualWorld,
    event: Event,
    path: String,
    other: Event,
    other_path: String,
) -> Result<(), StepFailure> {
    let s = w.session()?;
    s.expect_hop_carries(&event, &custom(&path), &other, &custom(&other_path))
}

#[then(expr = "the {event} names the {role} in {string}")]
fn names(w: &mut QualWorld, event: Event, role: Role, path: String) -> Result<(), StepFailure> {
    let s = w.session()?;
    s.expect_hop_names(&event, &custom(&path), &role)
}

#[then(expr = "the {event} has {string} equal to {string}")]
fn has_value(
    w: &mut QualWorld,
    event: Event,
    path: String,
    want: String,
) -> Result<(), StepFailure> {
    let s = w.session()?;
    s.expect_hop_value(&event, &custom(&path), &want)
}

#[then(expr = "the {event} came after the {event}")]
fn came_after(w: &mut QualWorld, later: Event, earlier: Event) -> Result<(), StepFailure> {
    let s = w.session()?;
    s.expect_hop_after(&later, &earlier)
}

#[then(expr = "every message of the flow keeps its MPAN and CSS registration ID")]
fn correlation(w: &mut QualWorld) -> Result<(), StepFailure> {
    let s = w.session()?;
    s.expect_flow_correlation()
}
