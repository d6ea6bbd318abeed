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

/// The roles of the systems an end-to-end run plays with reference participants; their faults
/// are named `ROLE:fault` (`MSS:no-acceptance`).
pub const E2E_ROLES: [&str; 3] = ["SUP", "MSS", "SDS"];

/// Every fault switch of the reference participant of `role`: the shell's (but those of
/// [`fault::SUBMITTING`] for a role that submits nothing), then the role's. For `E2E`, those
/// of each of [`E2E_ROLES`], named `ROLE:fault`.
pub fn faults_of(role: &str) -> Option<Vec<Fault>> {
    if role == "E2E" {
        return Some(e2e_faults().to_vec());
    }
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

/// The faults of an end-to-end run, made once: `ROLE:fault` for each role of [`E2E_ROLES`].
fn e2e_faults() -> &'static [Fault] {
    static FAULTS: std::sync::OnceLock<Vec<Fault>> = std::sync::OnceLock::new();
    FAULTS.get_or_init(|| {
        E2E_ROLES
            .iter()
            .flat_map(|role| {
                faults_of(role)
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |f| {
                        // Made once for the life of the program: a fault's name is `&'static str`.
                        let name: &'static str =
                            Box::leak(format!("{role}:{}", f.name).into_boxed_str());
                        Fault { name, ..f }
                    })
            })
            .collect()
    })
}
