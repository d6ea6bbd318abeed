//! The session layer: what one run shares ([`Harness`]) and what one scenario does
//! ([`Session`]), in the engine's terms, with no Gherkin. Steps parse a phrase and call a
//! session method; the session talks to the harness and asserts on the journal, failing with
//! a [`StepFailure`], or reports a detail the contract only warns about with
//! [`Session::warn`].

mod data;
mod deliveries;
mod distributor;
mod failure;
mod faults;
mod flow;
mod harness;
mod metering;
mod prompts;
mod scenario;
mod submissions;
mod warnings;

pub use data::{UNKNOWN_MDR, at_time, day, moment};
pub use distributor::NotOwn;
pub use failure::StepFailure;
pub use flow::Hop;
pub use harness::{Harness, HarnessError, HarnessOptions, SystemUnderTest, egress_client};
pub use metering::{Prompted, Requester, Starts, midnight};
pub use scenario::{Mutation, Session};
pub use warnings::{MAX_PER_SCENARIO, Raised, Stamped, Warnings};
