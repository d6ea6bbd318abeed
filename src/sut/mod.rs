//! Reference participants: correct systems of each role, run in-process or on their own
//! (`mhhs-qual reference`), as a shell ([`Reference`]: webhook, level-3 checks, signatures,
//! StandardResponse, retrying submission and the [`fault::GENERIC`] fault switches) plus one
//! [`Behaviour`] per role. Each fault switch breaks one behaviour, so that every scenario can
//! be shown to catch the fault it exists for.

mod behaviour;
mod data;
pub mod fault;
mod ldso;
mod metering;
mod pacing;
mod reference;
mod supplier;

pub use behaviour::{Behaviour, Context, Loaded, PromptAnswer, Submission, for_role};
pub use fault::Fault;
pub use reference::{Reference, ReferenceError, ReferenceSettings};

/// Every fault switch of the reference participant of `role`: the shell's (but those of
/// [`fault::SUBMITTING`] for a role that submits nothing), then the role's.
pub fn faults_of(role: &str) -> Option<Vec<Fault>> {
    let behaviour = for_role(role)?;
    let submits = behaviour.submits();
    Some(
        fault::GENERIC
            .iter()
            .filter(|f| submits || !fault::SUBMITTING.contains(&f.name))
            .chain(behaviour.faults())
            .copied()
            .collect(),
    )
}
