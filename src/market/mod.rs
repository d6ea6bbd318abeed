//! Market data: MPAN cores and their check digit, distributors and GSP groups, market
//! segments, the DIP data catalogue's enumerations, the segment derivation table, and the
//! deterministic test data generator that gives scenarios (and participants) their MPANs, and
//! consumption in UTC settlement days with the settlement rules of IF-021.

mod catalogue;
pub mod consumption;
mod derivation;
pub mod generator;
mod mpan;
pub mod registry;
pub mod roles;
mod segment;
pub mod settlement;

pub use catalogue::{Catalogue, Item};
pub use consumption::{
    Consumption, Mismatch, ModelError, Period, SettlementDay, compare, compare_actuals,
};
pub use derivation::{Derivation, Judgement, Verdict};
pub use generator::{Plan, Record};
pub use mpan::{Mpan, MpanAllocator, MpanError, check_digit, distributor_dip_id, gsp_group_for};
pub use registry::Registry;
pub use segment::Segment;
pub use settlement::{Breach, Facts, check_if021, consumption_on_de_energised, ecs_text};
