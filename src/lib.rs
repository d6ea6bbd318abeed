//! `mhhs-qual`: a qualification and end-to-end sandbox harness for systems that trade messages
//! on the GB electricity market's Data Integration Platform (DIP).
//!
//! The engine plays the DIP and the central services around one or several systems under
//! test, routing messages between the [`party`] registry's members. Data flows as
//! docs/ARCHITECTURE.md describes: a step (in `steps/`) calls a [`session::Session`], which
//! uses the [`dip`] message model, the [`schema`] catalogue and validator, the [`market`]
//! data and the [`stub`] DIP; every exchange is recorded in the [`journal`], and the
//! [`report`] is written from the journal and the runner's events.

pub mod cli;
pub mod config;
pub mod datacheck;
pub mod dip;
pub mod embedded;
pub mod exit;
pub mod journal;
pub mod load;
pub mod market;
pub mod party;
pub mod prompt;
pub mod report;
pub mod runner;
pub mod schema;
pub mod security;
pub mod serve;
pub mod session;
pub mod stub;
pub mod sut;

#[path = "../steps/mod.rs"]
pub mod steps;
