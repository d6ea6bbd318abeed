//! The report folder of a run: `junit.xml`, `results.json`, `journal.ndjson`, `cucumber.json`,
//! `index.html` and a message sequence chart per scenario in `msc/`, written together so that
//! a run and a merge of sharded runs write the same files.

use std::path::Path;

use super::ScenarioResult;
use super::msc;
use super::results::{self, RunInfo};
use crate::journal::Journal;

/// The title of `index.html`.
pub const TITLE: &str = "mhhs-qual qualification report";

/// Writes the files into `dir`, which exists.
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
    write_charts(dir, scenarios, journal)?;
    super::html::write(&dir.join("index.html"), scenarios, journal, TITLE, info)
}

/// Writes each scenario's chart to its [`msc::chart_paths`] path, after taking away the charts
/// an earlier run left in the folder (a bundle takes every chart there).
fn write_charts(
    dir: &Path,
    scenarios: &[ScenarioResult],
    journal: &Journal,
) -> std::io::Result<()> {
    let charts = dir.join(msc::DIR);
    match std::fs::read_dir(&charts) {
        Ok(files) => {
            for file in files {
                let path = file?.path();
                if path.extension().is_some_and(|x| x == "svg") && path.is_file() {
                    std::fs::remove_file(&path)?;
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir(&charts)?,
        Err(e) => return Err(e),
    }
    for (s, path) in scenarios.iter().zip(msc::chart_paths(scenarios)) {
        std::fs::write(dir.join(path), msc::document(&journal.of_scenario(&s.key)))?;
    }
    Ok(())
}
