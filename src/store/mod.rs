//! The journal store: every exchange of a long-lived run kept in a database, and the messages
//! held for a participant that is down, so that a restart on the same database loses nothing.
//!
//! One trait, [`Store`], is all a user sees (as `Arc<dyn Store>`): a journal writes through to
//! it with [`tap`], and the live journal endpoint, a command's follow-up and the reports read
//! it with [`Store::since`] and [`Store::query`]. [`SqliteStore`] keeps it in an embedded SQLite
//! file (nothing to install); a shared server database can be another implementation of the
//! same trait without touching its users. NDJSON stays as an export
//! ([`Store::export_ndjson`]), in the format of `journal.ndjson`.
//!
//! The methods are synchronous: a journal's taps run inside [`crate::journal::Journal::record`],
//! and readers call them from blocking tasks.

mod error;
mod model;
mod sqlite;

pub use error::StoreError;
pub use model::{Held, NewHeld, Query, Store, flow_of, tap};
pub use sqlite::{Options, SCHEMA_VERSION, SqliteStore};
