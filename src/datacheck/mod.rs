//! `mhhs-qual data check`: data-quality rules over a participant's registration and meter
//! extract (CSV), read as a stream.

mod reader;

pub use reader::{Event, Reader};
