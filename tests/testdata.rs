//! `mhhs-qual testdata generate` run as a binary: deterministic, segment-restricted, CSV and
//! JSON, clean under `data check`, and its configuration section gives scenarios its MPANs.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_mhhs-qual");

fn generate(out: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(["testdata", "generate"])
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
    let dir = tempfile::tempdir().unwrap();
    let read = |name: &str, seed: &str| {
        let out = dir.path().join(name);
        assert!(
            generate(&out, &["--count", "200", "--seed", seed])
                .status
                .success()
        );
        std::fs::read(out.join("testdata.csv")).unwrap()
    };
    let a = read("a", "42");
    assert_eq!(a, read("b", "42"));
    assert_ne!(a, read("c", "43"));
}

#[test]
fn segments_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = generate(
        dir.path(),
        &[
            "--count",
            "50",
            "--seed",
            "1",
            "--segment",
            "A",
            "--segment",
            "U",
            "--format",
            "json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(dir.path().join("testdata.json")).unwrap()).unwrap();
    assert_eq!(rows.len(), 50);
    assert!(
        rows.iter()
            .all(|r| ["A", "U"].contains(&r["market_segment"].as_str().unwrap()))
    );
    let bad = generate(
        dir.path(),
        &["--count", "5", "--seed", "1", "--segment", "X"],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn generated_data_passes_the_data_check() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        generate(dir.path(), &["--count", "2000", "--seed", "9"])
            .status
            .success()
    );
    let out = Command::new(BIN)
        .args(["data", "check"])
        .arg(dir.path().join("testdata.csv"))
        .arg("--report-dir")
        .arg(dir.path().join("report"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("testdata.csv: 2000 rows\n"), "{stdout}");
    assert!(stdout.contains("\n0 finding(s)\n"), "{stdout}");
    // Clean, not unwritten: the findings file is its header alone.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("report/data-findings.csv")).unwrap(),
        "row,column,rule,value,message\n"
    );
}

/// A run with the generated `[testdata]` section in force, against the reference supplier
/// started as an external system: each scenario's MPAN is the next row of its segment in the
/// generated CSV (one scenario per segment here, so the first row of each).
#[test]
fn the_configuration_section_makes_scenarios_use_the_generated_mpans() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = generate(&data, &["--count", "30", "--seed", "5"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fragment = std::fs::read_to_string(data.join("harness-testdata.toml")).unwrap();
    let (mut sut, config) =
        common::external_reference(dir.path(), &[], false, &format!("\n{fragment}"));
    let run = common::mhhs_qual(
        dir.path(),
        &[
            "run",
            "--config",
            &config,
            "--pack",
            "supplier",
            "--tags",
            "@S4",
            "--report-dir",
            "report",
        ],
    );
    let _ = sut.kill();
    let _ = sut.wait();
    assert_eq!(run.status.code(), Some(0), "{}", common::text(&run));

    // MPAN -> market segment, from the generated file.
    let mut rows = csv::Reader::from_path(data.join("testdata.csv")).unwrap();
    let headers = rows.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (mpan, segment) = (column("mpan"), column("market_segment"));
    let rows: Vec<(String, String)> = rows
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[mpan].to_owned(), r[segment].to_owned())
        })
        .collect();
    assert_eq!(rows.len(), 30);
    let first_of = |segment: &str, n: usize| -> BTreeSet<String> {
        rows.iter()
            .filter(|(_, s)| s == segment)
            .take(n)
            .map(|(m, _)| m.clone())
            .collect()
    };

    // Every MPAN in the journal, by scenario (named by its feature file and line).
    let journal = std::fs::read_to_string(dir.path().join("report/journal.ndjson")).unwrap();
    let mut used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in journal.lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(m) = entry["mpan"].as_str() {
            let scenario = entry["scenario"].as_str().unwrap_or("(none)");
            used.entry(scenario.to_owned())
                .or_default()
                .insert(m.to_owned());
        }
    }
    // QT-SUP-030, QT-SUP-031 and QT-SUP-032: two examples each (the metering and the data
    // service request), each on one MPAN of its segment; together the first two rows of
    // that segment in the file.
    let file = "features/qualification/supplier/appoint.feature";
    let features = mhhs_qual::runner::Features::of_packs(&[mhhs_qual::runner::Pack::find(
        "supplier",
    )
    .unwrap()])
    .unwrap();
    let mut by_segment: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut scenarios = 0;
    for (f, s) in features.scenarios() {
        let segment = match s
            .tags
            .iter()
            .find(|t| t.starts_with("QT-SUP-03"))
            .map(String::as_str)
        {
            Some("QT-SUP-030") => "S",
            Some("QT-SUP-031") => "A",
            Some("QT-SUP-032") => "U",
            _ => continue,
        };
        assert_eq!(f.path.as_ref().unwrap().display().to_string(), file);
        let key = format!("{file}:{}", s.position.line);
        let mpans = used.remove(&key).unwrap_or_default();
        assert_eq!(mpans.len(), 1, "{key} works on one MPAN: {mpans:?}");
        by_segment.entry(segment).or_default().extend(mpans);
        scenarios += 1;
    }
    assert_eq!(scenarios, 6);
    assert!(used.is_empty(), "MPANs of no selected scenario: {used:?}");
    for segment in ["S", "A", "U"] {
        assert_eq!(
            by_segment[segment],
            first_of(segment, 2),
            "segment {segment}"
        );
    }
}
