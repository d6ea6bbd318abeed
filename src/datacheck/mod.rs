//! `mhhs-qual data check`: data-quality rules over a participant's registration and meter
//! extract (CSV), read as a stream of bounded records; cross-row rules use compact indexes.
//!
//! * `reader`: bounded CSV records with their line numbers;
//! * `columns`: the column map (TOML);
//! * `rules`: the rules and the single-row checks;
//! * `index`: the cross-row rules (Bloom filter, then exact second pass);
//! * `check`: one run over a file;
//! * `output`: the terminal summary, findings CSV and JUnit.

mod check;
mod columns;
mod index;
mod output;
mod reader;
mod rules;

pub use check::{CheckError, DEFAULT_MAX_RECORD_BYTES, Options, Summary, check};
pub use columns::{ColumnMap, ColumnMapError, Field};
pub use output::{FindingsCsv, summary_table, write_junit};
pub use reader::{Event, Reader};
pub use rules::{Finding, Rule};
