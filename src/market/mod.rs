//! Market data: MPAN cores and their check digit, distributors and GSP groups, market
//! segments, and the unique test data each scenario works on.

mod mpan;
mod segment;

pub use mpan::{Mpan, MpanAllocator, MpanError, check_digit, distributor_dip_id, gsp_group_for};
pub use segment::Segment;
