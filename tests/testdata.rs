//! `mhhs-qual testdata generate` run as a binary: deterministic, segment-restricted, CSV and
//! JSON, clean under `data check`, and its configuration section gives scenarios its MPANs.

use std::path::Path;
use std::process::Command;

use mhhs_qual::market::{MpanAllocator, Plan, Segment};

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
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_configuration_section_makes_scenarios_use_the_generated_mpans() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        generate(
            dir.path(),
            &["--count", "100", "--seed", "5", "--segment", "S"]
        )
        .status
        .success()
    );
    let fragment = std::fs::read_to_string(dir.path().join("harness-testdata.toml")).unwrap();
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("config/reference.toml"),
    )
    .unwrap();
    let (config, _) =
        mhhs_qual::config::load_str(&format!("{base}\n{fragment}"), "run.toml", []).unwrap();
    let t = config.testdata.expect("[testdata] is read");
    assert_eq!(
        (t.seed, t.count, t.segments.clone()),
        (5, 100, vec![Segment::Smart])
    );
    let file = std::fs::read_to_string(dir.path().join("testdata.csv")).unwrap();
    let mpans: Vec<&str> = file.lines().skip(1).map(|l| &l[..13]).collect();
    let alloc = MpanAllocator::from_plan(Plan::new(t.seed, &t.segments), t.count);
    for expected in &mpans[..10] {
        assert_eq!(alloc.next_for(Segment::Smart).as_str(), *expected);
    }
}
