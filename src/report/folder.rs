//! The report folder of a run: `junit.xml`, `results.json`, `journal.ndjson`, `cucumber.json`
//! and `index.html`, written together so that a run and a merge of sharded runs write the same
//! five files.

use std::path::Path;

use super::ScenarioResult;
use super::results::{self, RunInfo};
use crate::journal::Journal;

/// The title of `index.html`.
pub const TITLE: &str = "mhhs-qual qualification report";

/// Writes the five files into `dir`, which exists.
pub fn write_folder(
    dir: &Path,
    scenarios: &[ScenarioResult],
    journal: &Journal,
    info: &RunInfo,
) -> std::io::Result<()> {
    super::junit::write(&dir.join("junit.xml"), scenarios, journal)?;
    let summary = results::summary(scenarios, info.clone());
    let json = serde_json::to_vec_pretty(&summary).expect("the summary serializes");
    std::fs::write(dir.join("results.json"), json)?;
    journal.write_ndjson(&dir.join("journal.ndjson"))?;
    super::cucumber::write(&dir.join("cucumber.json"), scenarios, journal)?;
    super::html::write(&dir.join("index.html"), scenarios, journal, TITLE, info)
}
