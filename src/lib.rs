//! `mhhs-qual`: a qualification and end-to-end sandbox harness for systems that trade messages
//! on the GB electricity market's Data Integration Platform (DIP).
//!
//! The engine plays the DIP and the central services around one participant's system under
//! test (SUT). Data flows as ARCHITECTURE.md describes: a step (in `steps/`) calls a
//! [`runner::Session`], which uses the [`dip`] message model, the [`schema`] catalogue and
//! validator, the [`market`] data and the [`stub`] DIP; every exchange is recorded in the
//! [`journal`], and the [`report`] is written from the journal and the runner's events.

pub mod cli;
pub mod config;
pub mod datacheck;
pub mod dip;
pub mod embedded;
pub mod exit;
pub mod journal;
pub mod market;
pub mod report;
pub mod runner;
pub mod schema;
pub mod security;
pub mod stub;
pub mod sut;

#[path = "../steps/mod.rs"]
pub mod steps;
