//! How the SUT is reached: an external system named by the configuration, or a reference
//! participant run in-process ([`ReferenceSupplier`]) with fault switches that break one
//! behaviour each, so that every scenario can be shown to catch the fault it exists for.

mod faults;
mod reference;

pub use faults::SupplierFault;
pub use reference::{ReferenceSettings, ReferenceSupplier};
