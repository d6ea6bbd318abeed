//! The authoring tools: `check` over the shipped packs (clean) and over the broken features of
//! `tests/fixtures/check/` (each gives exactly the findings of its `.expected` file), its SARIF
//! log, bad input of every kind, `run --dry-run`, `docs --out` (and that `docs/packs/` is up
//! to date) and `new pack` (a pack that passes against the reference).

mod common;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{mhhs_qual, text};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `mhhs-qual check ARGS` from the project root: (exit status, stdout).
fn check(args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let o = mhhs_qual(root(), &all);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        text(&o),
    )
}

/// Every `NAME.expected` below the fixtures folder, with what it is the finding of:
/// `NAME.feature` beside it, or the folder `NAME/`.
fn fixtures() -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, out: &mut Vec<(String, PathBuf)>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() {
                walk(&e, out);
            } else if e.extension().is_some_and(|x| x == "expected") {
                let feature = e.with_extension("feature");
                let target = if feature.is_file() {
                    feature
                } else {
                    e.with_extension("")
                };
                assert!(target.exists(), "{} has nothing to check", e.display());
                let rel = target.strip_prefix(root()).unwrap().display().to_string();
                out.push((rel, e));
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("tests/fixtures/check"), &mut out);
    out
}

/// `check TARGET` gives exactly the findings of its `.expected` file, and exits 1; returns
/// them.
fn assert_gives_expected(target: &str) -> String {
    let (_, expected_file) = fixtures()
        .into_iter()
        .find(|(t, _)| t == target)
        .unwrap_or_else(|| panic!("no .expected for {target}"));
    let expected = std::fs::read_to_string(expected_file).unwrap();
    assert!(
        !expected.trim().is_empty(),
        "{target}: an empty expectation"
    );
    let (code, stdout, all) = check(&[target]);
    assert_eq!(stdout, expected, "{target}:\n{all}");
    assert_eq!(code, Some(1), "{all}");
    stdout
}

#[test]
fn every_broken_fixture_gives_exactly_its_expected_findings() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 24, "{fixtures:?}");
    let mut rules = std::collections::BTreeSet::new();
    for (target, _) in &fixtures {
        let stdout = assert_gives_expected(target);
        rules.extend(
            stdout
                .lines()
                .map(|l| l.split(": ").nth(1).unwrap_or("").to_owned()),
        );
    }
    assert_eq!(
        rules.into_iter().collect::<Vec<_>>(),
        ["error"],
        "every fixture gives errors"
    );
}

#[test]
fn a_fixture_pack_checked_whole_gives_the_findings_of_its_files() {
    let (code, stdout, all) = check(&["tests/fixtures/check"]);
    assert_eq!(code, Some(1), "{all}");
    let mut expected: Vec<String> = Vec::new();
    for (target, file) in fixtures() {
        // The folder without a pack.toml is a folder of the fixtures pack when the pack is
        // checked whole; the shipped-looking pack below is a pack of its own.
        if target.ends_with(".feature") && !target.contains("/features/") {
            expected.extend(
                std::fs::read_to_string(file)
                    .unwrap()
                    .lines()
                    .map(str::to_owned),
            );
        }
    }
    expected.sort();
    let mut got: Vec<String> = stdout.lines().map(str::to_owned).collect();
    got.sort();
    assert_eq!(got, expected);
}

#[test]
fn the_shipped_packs_are_clean_and_checked_in_well_under_a_second() {
    let started = Instant::now();
    let checked = mhhs_qual::runner::check::check(&[]).unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(checked.files >= 7, "{}", checked.files);
    assert_eq!(checked.errors(), 0, "{:#?}", checked.findings);
    // Phrases no shipped feature uses are warnings for maintainers, not errors.
    for f in &checked.findings {
        assert_eq!(f.rule, mhhs_qual::runner::check::Rule::UnusedStep, "{f}");
        assert!(f.path.starts_with("steps/"), "{f}");
    }
    let (code, stdout, all) = check(&[]);
    assert_eq!(code, Some(0), "{all}");
    assert!(
        stdout
            .lines()
            .all(|l| l.contains(": warning: no shipped feature uses the phrase")),
        "{all}"
    );
    // Each shipped pack by name, and one by its folder: no finding at all.
    for p in mhhs_qual::runner::Pack::shipped().unwrap() {
        let (code, stdout, all) = check(&[&p.manifest.name]);
        assert_eq!((code, stdout.as_str()), (Some(0), ""), "{all}");
    }
    let (code, stdout, all) = check(&["features/qualification/supplier"]);
    assert_eq!((code, stdout.as_str()), (Some(0), ""), "{all}");
}

#[test]
fn a_file_of_a_pack_is_checked_within_its_pack() {
    // QT-FIX-009 is used by two scenarios of one file; a file of its own reusing an id of
    // another file of the pack is found too.
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("mine");
    std::fs::create_dir_all(pack.join("more")).unwrap();
    std::fs::write(pack.join("pack.toml"), "name = \"mine\"\nrole = \"SUP\"\n").unwrap();
    let feature = |id: &str| {
        format!(
            "@S1\nFeature: f\n\n  @{id} @catches:slow-ack:3\n  Scenario: s\n    Given a smart MPAN\n    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN\n    Then the system answers 201 with RCP0000\n"
        )
    };
    std::fs::write(pack.join("a.feature"), feature("QT-SUP-001")).unwrap();
    std::fs::write(pack.join("more/b.feature"), feature("QT-SUP-001")).unwrap();
    let o = mhhs_qual(dir.path(), &["check", "mine/more/b.feature"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "mine/more/b.feature:4:3: error: @QT-SUP-001 is already the id of the scenario at mine/a.feature:5: a QT id names one scenario of its pack\n"
    );
    // The first use is not a finding, and nothing of the other file is reported.
    let o = mhhs_qual(dir.path(), &["check", "mine/a.feature"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(o.stdout.is_empty(), "{}", text(&o));
}

#[test]
fn a_file_of_a_shared_folder_is_checked_within_the_packs_that_include_it() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared");
    std::fs::create_dir_all(&shared).unwrap();
    for (name, select) in [("one", "@SUP"), ("two", "@SUP and @slow")] {
        let pack = dir.path().join(name);
        std::fs::create_dir_all(&pack).unwrap();
        std::fs::write(
            pack.join("pack.toml"),
            format!("name = \"{name}\"\nrole = \"SUP\"\ninclude = [\"../shared\"]\nselect = \"{select}\"\ntags = [\"@slow\"]\n"),
        )
        .unwrap();
    }
    std::fs::write(
        shared.join("s.feature"),
        "@S1\nFeature: f\n\n  @SUP @QT-SUP-001 @catches:slow-akc\n  Scenario: s\n    Given a smart MPAN\n    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN\n    Then the system answers 201 with RCP0000\n",
    )
    .unwrap();
    // Pack one takes the scenario, pack two does not: one finding, from pack one's role.
    let o = mhhs_qual(dir.path(), &["check", "shared/s.feature"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "shared/s.feature:4:20: error: @catches:slow-akc: the SUP reference participant has no fault \"slow-akc\"; did you mean slow-ack? (mhhs-qual reference --role SUP --list-faults)\n"
    );
}

#[test]
fn sarif_output_is_valid_and_holds_every_finding() {
    let (code, stdout, all) = check(&["--format", "sarif", "tests/fixtures/check"]);
    assert_eq!(code, Some(1), "{all}");
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("ci/sarif-2.1.0-subset.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // The schema itself rejects what SARIF forbids.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));
    let (_, text_out, _) = check(&["tests/fixtures/check"]);
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), text_out.lines().count());
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for (r, line) in results.iter().zip(text_out.lines()) {
        let index = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let place = &r["locations"][0]["physicalLocation"];
        let shown = format!(
            "{}:{}:{}: {}: {}",
            place["artifactLocation"]["uri"].as_str().unwrap(),
            place["region"]["startLine"],
            place["region"]["startColumn"],
            r["level"].as_str().unwrap(),
            r["message"]["text"].as_str().unwrap()
        );
        assert_eq!(shown, line);
    }
}

// Bad input, one test each.

#[test]
fn a_feature_file_of_invalid_utf8_is_a_finding_at_the_bad_byte() {
    assert_gives_expected("tests/fixtures/check/invalid-utf8.feature");
}

#[test]
fn an_empty_feature_file_is_a_finding() {
    assert_gives_expected("tests/fixtures/check/empty.feature");
}

#[test]
fn a_file_of_50_mb_is_refused_unread_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.feature");
    let line = "    Given a smart MPAN\n".repeat(1000);
    let mut f = std::fs::File::create(&big).unwrap();
    f.write_all(b"Feature: big\n  Scenario: s\n").unwrap();
    while f.metadata().unwrap().len() < 50 * 1024 * 1024 {
        f.write_all(line.as_bytes()).unwrap();
    }
    drop(f);
    let started = Instant::now();
    let o = mhhs_qual(dir.path(), &["check", "big.feature"]);
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("big.feature:1:1: error: the file has 52")
            && out.contains(
                "more than the 1048576 (1 MiB) a feature file may have; it was not parsed"
            ),
        "{out}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn a_scenario_outline_without_examples_is_a_finding() {
    assert_gives_expected("tests/fixtures/check/outline-without-examples.feature");
}

#[test]
fn an_examples_table_with_a_missing_column_is_a_finding() {
    assert_gives_expected("tests/fixtures/check/examples-missing-column.feature");
    assert_gives_expected("tests/fixtures/check/examples-row-missing-cell.feature");
}

#[test]
fn a_tag_with_spaces_is_a_finding() {
    assert_gives_expected("tests/fixtures/check/tag-with-spaces.feature");
}

#[test]
fn a_pack_folder_without_its_pack_toml_is_a_finding() {
    assert_gives_expected("tests/fixtures/check/no-pack");
}

#[test]
fn input_that_cannot_be_read_exits_2() {
    let (code, stdout, all) = check(&["tests/fixtures/check/no-such.feature"]);
    assert_eq!(code, Some(2), "{all}");
    assert!(stdout.is_empty());
    assert!(
        all.contains("error: tests/fixtures/check/no-such.feature: no such file, folder or shipped pack (shipped packs: ")
            && all.contains("supplier"),
        "{all}"
    );
}

// run --dry-run

/// A configuration of one's own: the stub DIP on `listen`, and counterparties of `roles`.
fn config(dir: &Path, listen: &str, roles: &[(&str, &str, &str)]) -> String {
    let mut text = format!(
        "environment = \"UIT\"\n[dip]\nlisten = \"{listen}\"\napi_key = \"k\"\n[participant]\nrole = \"SUP\"\ndip_id = \"2300000001\"\nmpid = \"SUPA\"\nwebhook_url = \"http://127.0.0.1:9/webhook\"\n"
    );
    for (role, id, mpid) in roles {
        let _ = write!(
            text,
            "[[counterparty]]\nrole = \"{role}\"\ndip_id = \"{id}\"\nmpid = \"{mpid}\"\n"
        );
    }
    let path = dir.join("qualification.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const ALL_COUNTERPARTIES: [(&str, &str, &str); 7] = [
    ("REGS", "2200000001", "REGA"),
    ("MSS", "1200000001", "MSSA"),
    ("SDS", "1400000001", "SDSA"),
    ("MSA", "1300000001", "MSAA"),
    ("ADS", "1100000001", "ADSA"),
    ("UMSO", "1500000001", "UMSA"),
    ("UMSDS", "1600000001", "UMDA"),
];

#[test]
fn a_dry_run_lists_the_selection_and_starts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // The stub DIP's port is taken: a run would stop at it, a dry run never binds it.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let listen = taken.local_addr().unwrap().to_string();
    let cfg = config(dir.path(), &listen, &ALL_COUNTERPARTIES);
    let o = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--dry-run",
            "--config",
            &cfg,
            "--pack",
            "supplier",
            "--tags",
            "@S4 or @QT-SUP-001",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("pack supplier qualifies SUP (features/qualification/supplier/)"),
        "{out}"
    );
    assert!(
        out.contains("  counterparties: REGS 2200000001, MSS 1200000001,"),
        "{out}"
    );
    assert!(
        out.contains("QT-SUP-001   features/qualification/supplier/acknowledge.feature:8  A gain notification is acknowledged and echoed\n"),
        "{out}"
    );
    assert!(
        out.contains("QT-SUP-031   features/qualification/supplier/appoint.feature:"),
        "{out}"
    );
    assert!(
        out.ends_with(
            "7 scenarios would run (4 QT ids); the configuration provides what they need\n"
        ),
        "{out}"
    );
    assert!(
        !dir.path().join("report").exists(),
        "a dry run writes no report"
    );
    // The same selection really run stops at the taken port.
    let o = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--config",
            &cfg,
            "--pack",
            "supplier",
            "--tags",
            "@QT-SUP-001",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    drop(taken);
}

#[test]
fn a_dry_run_reports_everything_the_configuration_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), "127.0.0.1:0", &ALL_COUNTERPARTIES[..1]);
    let o = mhhs_qual(
        dir.path(),
        &["run", "--dry-run", "--config", &cfg, "--tags", "@S1"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("  counterparties: REGS 2200000001, MSS MISSING, SDS MISSING,"),
        "{out}"
    );
    assert!(
        text(&o).contains("error: ") && text(&o).contains("the pack supplier needs a [[counterparty]] of each role MSS, SDS, MSA, ADS, UMSO, UMSDS"),
        "{}",
        text(&o)
    );
    assert!(
        out.ends_with(
            "7 scenarios selected (2 QT ids), but the run could not start: 2 problem(s)\n"
        ),
        "{out}"
    );

    // A @prompted scenario needs the prompt command, which this configuration does not give.
    let pack = dir.path().join("prompted");
    std::fs::create_dir_all(&pack).unwrap();
    std::fs::write(
        pack.join("pack.toml"),
        "name = \"prompted\"\nrole = \"SUP\"\ncounterparties = [\"REGS\"]\n",
    )
    .unwrap();
    std::fs::write(
        pack.join("p.feature"),
        "@S1\nFeature: p\n  @QT-SUP-900 @prompted\n  Scenario: prompted\n    Given a smart MPAN\n    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN\n    Then the system answers 201 with RCP0000\n",
    )
    .unwrap();
    let o = mhhs_qual(
        dir.path(),
        &["run", "--dry-run", "--config", &cfg, "--pack", "prompted"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("QT-SUP-900   "), "{out}");
    assert!(out.contains("  prompted  [prompted]\n"), "{out}");
    assert!(out.contains("  prompt command: MISSING\n"), "{out}");
    assert!(
        text(&o).contains("1 selected scenario(s) tagged @prompted (the first: ")
            && text(&o).contains("has none: add `[prompts] command = [...]` to the configuration"),
        "{}",
        text(&o)
    );
    // With a prompt command, nothing is missing.
    let prompt = dir.path().join("qual-prompt");
    std::fs::write(&prompt, "#!/bin/sh\nexit 0\n").unwrap();
    let with_prompts = format!(
        "{}[prompts]\ncommand = [\"{}\"]\n",
        std::fs::read_to_string(&cfg).unwrap(),
        prompt.display()
    );
    let cfg2 = dir.path().join("with-prompts.toml");
    std::fs::write(&cfg2, with_prompts).unwrap();
    let o = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--dry-run",
            "--config",
            cfg2.to_str().unwrap(),
            "--pack",
            "prompted",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .contains(&format!("  prompt command: {}\n", prompt.display())),
        "{}",
        text(&o)
    );
    // Deselected by the tag, nothing is missing.
    let o = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--dry-run",
            "--config",
            &cfg,
            "--pack",
            "supplier",
            "--tags",
            "@S1 and not @prompted",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o)); // the counterparties still are
    assert!(!text(&o).contains("@prompted ("), "{}", text(&o));
}

#[test]
fn a_pack_that_works_on_the_test_data_needs_it_in_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg_text = "environment = \"UIT\"\n[dip]\nlisten = \"127.0.0.1:0\"\napi_key = \"k\"\n[participant]\nrole = \"LDSO\"\ndip_id = \"2500000001\"\nmpid = \"LDSA\"\nwebhook_url = \"http://127.0.0.1:9/webhook\"\n".to_owned();
    for (role, id, mpid) in [
        ("REGS", "2200000001", "REGA"),
        ("MDS", "2600000001", "MDSA"),
        ("SDS", "1400000001", "SDSA"),
        ("MSS", "1200000001", "MSSA"),
        ("SUP", "2300000002", "SUPB"),
    ] {
        let _ = write!(
            cfg_text,
            "[[counterparty]]\nrole = \"{role}\"\ndip_id = \"{id}\"\nmpid = \"{mpid}\"\n"
        );
    }
    let without = dir.path().join("without.toml");
    std::fs::write(&without, &cfg_text).unwrap();
    let dry = |cfg: &Path| {
        mhhs_qual(
            dir.path(),
            &[
                "run",
                "--dry-run",
                "--config",
                cfg.to_str().unwrap(),
                "--pack",
                "ldso",
            ],
        )
    };
    let o = dry(&without);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("  test data: MISSING\n"),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("error: ")
            && text(&o).contains(
                "the pack ldso works on the MPANs of the test data the system loaded, and the configuration has no [testdata]"
            ),
        "{}",
        text(&o)
    );
    // A real run stops before it starts anything, for the same reason.
    let o = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--config",
            without.to_str().unwrap(),
            "--pack",
            "ldso",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("has no [testdata]"), "{}", text(&o));
    // With the section `testdata generate` writes, nothing is missing.
    let with = dir.path().join("with.toml");
    std::fs::write(
        &with,
        format!("{cfg_text}[testdata]\nseed = 42\ncount = 1000\nsegments = [\"S\"]\n"),
    )
    .unwrap();
    let o = dry(&with);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("  test data: seed 42, 1000 records\n"),
        "{}",
        text(&o)
    );
}

// docs --out

#[test]
fn the_shipped_docs_are_up_to_date_and_link_every_qt_id() {
    let dir = tempfile::tempdir().unwrap();
    let o = mhhs_qual(dir.path(), &["docs", "--out", "packs"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let committed = root().join("docs/packs");
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("packs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut committed_names: Vec<String> = std::fs::read_dir(&committed)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    committed_names.sort();
    assert_eq!(
        names, committed_names,
        "run: cargo run -- docs --out docs/packs"
    );
    for n in &names {
        let now = std::fs::read_to_string(dir.path().join("packs").join(n)).unwrap();
        let then = std::fs::read_to_string(committed.join(n)).unwrap();
        assert!(
            now == then,
            "docs/packs/{n} is out of date: run cargo run -- docs --out docs/packs"
        );
    }
    // Each QT id of the pack has its section, with its scenario and the faults it catches,
    // and each contract section it names links to the contract text.
    let md = std::fs::read_to_string(committed.join("supplier.md")).unwrap();
    let html = std::fs::read_to_string(committed.join("supplier.html")).unwrap();
    let features = mhhs_qual::runner::Features::of_packs(&[mhhs_qual::runner::Pack::find(
        "supplier",
    )
    .unwrap()])
    .unwrap();
    for (_, s) in features.scenarios() {
        let id = s.tags.iter().find(|t| t.starts_with("QT-")).unwrap();
        assert!(
            md.contains(&format!("#### {id}")) || md.contains(&format!(", {id} ")),
            "{id}"
        );
        assert!(md.contains(&format!("@{id}")), "{id}: its Gherkin");
    }
    assert!(md.contains("- `slow-ack`: fails at step 3; the faulty system answers every delivery after the ack timeout (S1)"));
    assert!(md.contains("[S4 Appoint on gain](contract.md#s4-appoint-on-gain)"));
    let contract = std::fs::read_to_string(committed.join("contract.html")).unwrap();
    assert!(contract.contains("<h2 id=\"s4-appoint-on-gain\">S4 Appoint on gain</h2>"));
    assert!(html.contains("<a href=\"contract.html#s4-appoint-on-gain\">S4 Appoint on gain</a>"));
    // Every in-page link of the HTML finds its heading.
    for page in ["index.html", "supplier.html", "contract.html", "steps.html"] {
        let text = std::fs::read_to_string(committed.join(page)).unwrap();
        for link in text.split("href=\"").skip(1) {
            let target = &link[..link.find('"').unwrap()];
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let linked = std::fs::read_to_string(committed.join(file)).unwrap();
            if !anchor.is_empty() {
                assert!(
                    linked.contains(&format!(" id=\"{anchor}\"")),
                    "{page}: {target}"
                );
            }
        }
    }
}

// new pack

#[test]
fn a_new_pack_passes_check_and_runs_green_against_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let o = mhhs_qual(dir.path(), &["new", "pack", "mine", "--role", "SUP"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for f in ["pack.toml", "first.feature", "README.md"] {
        assert!(dir.path().join("mine").join(f).is_file(), "{f}");
    }
    let o = mhhs_qual(dir.path(), &["check", "mine"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(o.stdout.is_empty(), "{}", text(&o));
    let o = mhhs_qual(
        dir.path(),
        &["run", "--pack", "mine", "--report-dir", "report"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("1 passed, 0 failed"), "{}", text(&o));
    // Its scenario catches the faults it is tagged with.
    let o = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--pack",
            "mine",
            "--fault",
            "wrong-echo",
            "--report-dir",
            "r2",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    // Not over an existing pack.
    let o = mhhs_qual(dir.path(), &["new", "pack", "mine", "--role", "SUP"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("mine exists and is not empty"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_new_pack_for_a_role_no_system_qualifies_in_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Every role a system qualifies in has a reference participant to run a new pack against.
    let without: Vec<&str> = mhhs_qual::market::roles::qualifying()
        .filter(|r| mhhs_qual::sut::for_role(r).is_none())
        .collect();
    assert_eq!(without, Vec::<&str>::new());
    let o = mhhs_qual(dir.path(), &["new", "pack", "x", "--role", "REGS"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("\"REGS\" is not a role a system qualifies in"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_new_pack_for_every_role_with_a_reference_passes_check_and_its_reference() {
    let dir = tempfile::tempdir().unwrap();
    for role in
        mhhs_qual::market::roles::qualifying().filter(|r| mhhs_qual::sut::for_role(r).is_some())
    {
        let name = format!("first-{}", role.to_lowercase());
        let o = mhhs_qual(dir.path(), &["new", "pack", &name, "--role", role]);
        assert_eq!(o.status.code(), Some(0), "{role}: {}", text(&o));
        let o = mhhs_qual(dir.path(), &["check", &name]);
        assert_eq!(o.status.code(), Some(0), "{role}: {}", text(&o));
        assert!(o.stdout.is_empty(), "{role}: {}", text(&o));
        let feature =
            std::fs::read_to_string(dir.path().join(&name).join("first.feature")).unwrap();
        assert!(feature.contains(&format!("  @QT-{role}-001")), "{feature}");
        let report = format!("report-{name}");
        let o = mhhs_qual(
            dir.path(),
            &["run", "--pack", &name, "--report-dir", &report],
        );
        assert_eq!(o.status.code(), Some(0), "{role}: {}", text(&o));
        assert!(
            text(&o).contains("1 passed, 0 failed"),
            "{role}: {}",
            text(&o)
        );
    }
}
