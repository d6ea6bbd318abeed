//! Load and non-functional testing (`mhhs-qual load`): an open-model, paced load of signed
//! deliveries to a system, the stub DIP's constraints on the system's own traffic (a rate
//! limit answered `429`, an outage answered `503`), and the verdict on what was lost,
//! duplicated or too slow. [`profile`] reads a profile, [`schedule`] turns its stages into
//! send times, [`engine`] runs it; the results are a [`crate::report::load::LoadReport`].

pub mod engine;
mod mpans;
pub mod profile;
pub mod schedule;

pub use engine::{
    LoadError, LoadOptions, LoadOutcome, Progress, passed, reference_config, refusals, run,
};
pub use mpans::Mpans;
pub use profile::{Family, Profile, ProfileError};
