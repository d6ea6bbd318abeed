//! `mhhs-qual data check` run as a binary: planted errors found exactly, bad input reported
//! with its line, JUnit read by a third-party consumer (xmllint against the Jenkins schema).

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_mhhs-qual");

/// Runs `data check`; (exit code, stdout + stderr, findings as (row, rule) set).
/// A findings file left by an earlier check in `dir` is removed first.
fn check(dir: &Path, file: &Path, extra: &[&str]) -> (i32, String, BTreeSet<(u64, String)>) {
    let _ = std::fs::remove_file(dir.join("report/data-findings.csv"));
    let out = Command::new(BIN)
        .args(["data", "check"])
        .arg(file)
        .arg("--report-dir")
        .arg(dir.join("report"))
        .args(extra)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut findings = BTreeSet::new();
    if let Ok(mut r) = csv::Reader::from_path(dir.join("report/data-findings.csv")) {
        for rec in r.records() {
            let rec = rec.unwrap();
            findings.insert((rec[0].parse().unwrap(), rec[2].to_owned()));
        }
    }
    (out.status.code().unwrap(), text, findings)
}

fn generate(dir: &Path, count: u32, seed: u32) -> Vec<Vec<String>> {
    let out = Command::new(BIN)
        .args(["testdata", "generate", "--count", &count.to_string()])
        .args(["--seed", &seed.to_string(), "--out"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::read_to_string(dir.join("testdata.csv"))
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

fn write(path: &Path, rows: &[Vec<String>]) {
    let text: String = rows.iter().map(|r| r.join(",") + "\n").collect();
    std::fs::write(path, text).unwrap();
}

// Columns of a generated file.
const MPAN: usize = 0;
const GSP: usize = 1;
const SEGMENT: usize = 2;
const CONNECTION: usize = 3;
const METER_TYPE: usize = 4;
const ENERGISATION: usize = 5;
const MSN: usize = 6;
const GUID: usize = 7;

#[test]
fn planted_errors_are_found_exactly_one_rule_each() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = generate(dir.path(), 400, 7);
    let (code, text, found) = check(dir.path(), &dir.path().join("testdata.csv"), &[]);
    assert_eq!(
        (code, found.len()),
        (0, 0),
        "generated data is clean: {text}"
    );
    // Clean, not unwritten: the findings file is its header alone.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("report/data-findings.csv")).unwrap(),
        "row,column,rule,value,message\n"
    );
    assert!(text.contains("testdata.csv: 400 rows\n"), "{text}");
    assert!(text.contains("\n0 finding(s)\n"), "{text}");

    // Pick rows by kind (index into `rows`; line = index + 1 since the header is line 1).
    let of = |seg: &str, guid: bool| -> Vec<usize> {
        (1..rows.len())
            .filter(|&i| rows[i][SEGMENT] == seg && rows[i][GUID].is_empty() != guid)
            .collect()
    };
    let (smart, advanced, unmetered) = (of("S", true), of("A", false), of("U", false));
    let mut planted: BTreeSet<(u64, String)> = BTreeSet::new();
    let mut plant =
        |rows: &mut Vec<Vec<String>>, i: usize, col: usize, value: String, rule: &str| {
            rows[i][col] = value;
            planted.insert((i as u64 + 1, rule.to_owned()));
        };
    plant(&mut rows, smart[0], MPAN, "12345".into(), "mpan-format");
    let m = rows[smart[1]][MPAN].clone();
    let last = (m.as_bytes()[12] - b'0' + 1) % 10;
    plant(
        &mut rows,
        smart[1],
        MPAN,
        format!("{}{last}", &m[..12]),
        "mpan-check-digit",
    );
    let gsp = if rows[advanced[0]][GSP] == "_A" {
        "_B"
    } else {
        "_A"
    };
    plant(&mut rows, advanced[0], GSP, gsp.into(), "distributor-gsp");
    let msn = rows[advanced[1]][MSN].clone();
    plant(&mut rows, advanced[2], MSN, msn, "msn-multiple-mpans");
    plant(
        &mut rows,
        smart[2],
        GUID,
        "0C-A2-F4-00".into(),
        "guid-format",
    );
    let guid = rows[smart[3]][GUID].clone();
    plant(&mut rows, smart[4], GUID, guid, "guid-one-to-one");
    plant(
        &mut rows,
        unmetered[0],
        CONNECTION,
        "W".into(),
        "segment-mismatch",
    );
    plant(
        &mut rows,
        smart[5],
        CONNECTION,
        "L".into(),
        "segment-needs-review",
    );
    plant(
        &mut rows,
        advanced[3],
        ENERGISATION,
        String::new(),
        "mandatory-missing",
    );
    plant(&mut rows, smart[6], METER_TYPE, "S2".into(), "enumeration");
    let file = dir.path().join("planted.csv");
    write(&file, &rows);

    let (code, text, found) = check(dir.path(), &file, &[]);
    assert_eq!(code, 1, "{text}");
    // Precision and recall both 100%, rule by rule.
    for rule in planted
        .iter()
        .map(|(_, r)| r.clone())
        .collect::<BTreeSet<_>>()
    {
        let want: BTreeSet<_> = planted.iter().filter(|(_, r)| *r == rule).collect();
        let got: BTreeSet<_> = found.iter().filter(|(_, r)| *r == rule).collect();
        assert_eq!(got, want, "rule {rule}");
    }
    assert_eq!(found, planted);

    // The JUnit file: one testcase per rule, the planted ones failed, valid for Jenkins.
    let junit = std::fs::read_to_string(dir.path().join("report/data-junit.xml")).unwrap();
    assert_eq!(junit.matches("<testcase").count(), 11);
    assert_eq!(junit.matches("<failure").count(), 10);
    let read = common::assert_valid_junit(&dir.path().join("report/data-junit.xml"));
    assert_eq!(
        (read.tests, read.failures, read.errors, read.skipped),
        (11, 10, 0, 0)
    );
}

#[test]
fn a_column_map_renames_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = generate(dir.path(), 30, 3);
    rows[0][MPAN] = "MPAN Core".into();
    rows[0][MSN] = "MSN".into();
    let file = dir.path().join("renamed.csv");
    write(&file, &rows);
    let map = dir.path().join("columns.toml");
    std::fs::write(
        &map,
        "[columns]\nmpan = \"MPAN Core\"\nmeter_id = \"MSN\"\n",
    )
    .unwrap();
    let (code, text, _) = check(dir.path(), &file, &["--columns", map.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    // Without the map the header does not match: reported on line 1, input not whole.
    let (code, text, found) = check(dir.path(), &file, &[]);
    assert_eq!(code, 2, "{text}");
    assert!(found.contains(&(1, "input".to_owned())), "{found:?}");
    assert!(text.contains("no column \"mpan\""), "{text}");
    // A map with an unknown key is a bad argument.
    std::fs::write(&map, "[columns]\nmpn = \"x\"\n").unwrap();
    let (code, text, _) = check(dir.path(), &file, &["--columns", map.to_str().unwrap()]);
    assert_eq!(code, 2, "{text}");
}

/// A file of the generated header and rows with one line replaced; (exit, findings).
fn with_bad_line(bad: &[u8], at: usize) -> (i32, String, BTreeSet<(u64, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let rows = generate(dir.path(), 10, 5);
    let mut bytes = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if i == at {
            bytes.extend_from_slice(bad);
        } else {
            bytes.extend_from_slice(r.join(",").as_bytes());
        }
        bytes.push(b'\n');
    }
    let file = dir.path().join("bad.csv");
    std::fs::write(&file, bytes).unwrap();
    check(dir.path(), &file, &[])
}

fn input_rows(found: &BTreeSet<(u64, String)>) -> Vec<u64> {
    found
        .iter()
        .filter(|(_, r)| r == "input")
        .map(|(l, _)| *l)
        .collect()
}

#[test]
fn too_few_or_too_many_columns_are_reported_with_their_line() {
    let (code, text, found) = with_bad_line(b"1,2,3", 4);
    assert_eq!((code, input_rows(&found)), (2, vec![5]), "{text}");
    assert!(text.contains(":5: 3 columns, the header has 11"), "{text}");
    let (code, _, found) = with_bad_line(&[b'x'; 12].map(|_| b',')[..], 2);
    assert_eq!((code, input_rows(&found)), (2, vec![3]));
}

#[test]
fn invalid_utf8_is_reported_with_its_line_and_the_run_goes_on() {
    let mut bad =
        b"1039415787898,_A,S,W,S2ADE,E,RB77J12594,,1 HIGH STREET,NORWICH,NR3 5GQ".to_vec();
    bad[45] = 0xff;
    let (code, text, found) = with_bad_line(&bad, 6);
    assert_eq!(found, BTreeSet::from([(7, "input".to_owned())]), "{text}");
    assert_eq!(code, 2, "{text}");
    // Ten rows, the unreadable one skipped: nine checked.
    assert!(
        text.lines().next().unwrap().ends_with("/bad.csv: 9 rows"),
        "{text}"
    );
    assert!(
        text.contains("/bad.csv:7: not valid UTF-8; row skipped"),
        "{text}"
    );
}

#[test]
fn an_empty_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("empty.csv");
    std::fs::write(&file, "").unwrap();
    let (code, text, found) = check(dir.path(), &file, &[]);
    assert_eq!((code, input_rows(&found)), (2, vec![1]), "{text}");
    assert!(text.contains("empty"), "{text}");
    common::assert_valid_junit(&dir.path().join("report/data-junit.xml"));
}

#[test]
fn a_line_of_hundreds_of_megabytes_is_skipped_with_its_line_number() {
    let dir = tempfile::tempdir().unwrap();
    let rows = generate(dir.path(), 5, 11);
    let file = dir.path().join("huge.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    for r in &rows[..3] {
        writeln!(f, "{}", r.join(",")).unwrap();
    }
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..200 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\n").unwrap();
    for r in &rows[3..] {
        writeln!(f, "{}", r.join(",")).unwrap();
    }
    drop(f);
    let started = std::time::Instant::now();
    let (code, text, found) = check(dir.path(), &file, &["--max-record-bytes", "1048576"]);
    assert_eq!((code, input_rows(&found)), (2, vec![4]), "{text}");
    assert!(
        text.lines().next().unwrap().ends_with("/huge.csv: 5 rows"),
        "the rows around it are checked: {text}"
    );
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}
