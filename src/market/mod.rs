//! Market data: MPAN cores and their check digit, distributors and GSP groups, market
//! segments, the DIP data catalogue's enumerations, the segment derivation table, and the
//! deterministic test data generator that gives scenarios (and participants) their MPANs.

mod catalogue;
mod derivation;
pub mod generator;
mod mpan;
pub mod registry;
pub mod roles;
mod segment;

pub use catalogue::{Catalogue, Item};
pub use derivation::{Derivation, Judgement, Verdict};
pub use generator::{Plan, Record};
pub use mpan::{Mpan, MpanAllocator, MpanError, check_digit, distributor_dip_id, gsp_group_for};
pub use registry::Registry;
pub use segment::Segment;
