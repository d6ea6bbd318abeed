//! Sharded runs and their merge, as a CI matrix uses them: `run --shard K/N` splits the
//! selection into disjoint shares that together are the whole run, `report merge` puts their
//! report folders back into the folder one run would have written (checked by the JUnit
//! readers and the results schema), and refuses reports that did not come from one selection.
//! The CI examples in `ci/` are checked to parse and to spell the commands as the CLI does.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use common::{assert_valid_junit, assert_valid_results, mhhs_qual, text};
use serde_json::Value;

fn results(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap()
}

/// A Cucumber JSON file without what differs between runs of the same scenarios: durations
/// and the journal entries embedded.
fn cucumber_shape(path: &Path) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("duration");
                m.remove("embeddings");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    strip(&mut v);
    v
}

fn names(results: &Value) -> Vec<String> {
    results["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

fn edit_results(dir: &Path, edit: impl FnOnce(&mut Value)) {
    let mut r = results(dir);
    edit(&mut r);
    std::fs::write(dir.join("results.json"), serde_json::to_vec(&r).unwrap()).unwrap();
}

/// Copies a report folder, its charts (`msc/`) and all.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn a_bad_shard_is_refused_naming_the_flag_and_the_form() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["0/4", "5/4", "x", "1/0"] {
        let o = mhhs_qual(dir.path(), &["run", "--pack", "supplier", "--shard", bad]);
        let t = text(&o);
        assert_eq!(o.status.code(), Some(2), "--shard {bad}: {t}");
        assert!(t.contains("--shard"), "--shard {bad}: {t}");
        assert!(t.contains("K/N with 1 <= K <= N"), "--shard {bad}: {t}");
        assert!(!dir.path().join("report").exists(), "--shard {bad} ran");
    }
}

#[test]
fn shards_run_the_whole_selection_once_and_merge_into_the_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = mhhs_qual(d, &["run", "--pack", "supplier", "--report-dir", "whole"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let whole = assert_valid_results(&d.join("whole"));
    let whole_names: BTreeSet<String> = names(&whole).into_iter().collect();
    assert_eq!(whole_names.len(), 37);

    let mut seen: BTreeSet<String> = BTreeSet::new();
    for k in 1..=3 {
        let report = format!("s{k}");
        let shard = format!("{k}/3");
        let o = mhhs_qual(
            d,
            &[
                "run",
                "--pack",
                "supplier",
                "--report-dir",
                &report,
                "--shard",
                &shard,
            ],
        );
        let t = text(&o);
        assert_eq!(o.status.code(), Some(0), "{t}");
        let r = assert_valid_results(&d.join(&report));
        let n = names(&r);
        assert!(
            t.contains(&format!("shard {shard}: {} of the 37", n.len())),
            "{t}"
        );
        assert!(!n.is_empty(), "shard {shard} is empty");
        assert_eq!(
            r["selection"]["shard"],
            serde_json::json!({"index": k, "total": 3})
        );
        for name in n {
            assert!(seen.insert(name.clone()), "{name} is in two shards");
        }
    }
    assert_eq!(seen, whole_names, "the shards together are the whole run");

    // The same shard twice gives the same scenarios (the assignment is deterministic).
    let o = mhhs_qual(
        d,
        &[
            "run",
            "--pack",
            "supplier",
            "--report-dir",
            "s1again",
            "--shard",
            "1/3",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        names(&results(&d.join("s1again"))),
        names(&results(&d.join("s1")))
    );

    // Merged, the shards are the whole run.
    let o = mhhs_qual(d, &["report", "merge", "s3", "s1", "s2", "--out", "merged"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(
        t.contains("merged 3 reports: 37 scenarios: 37 passed"),
        "{t}"
    );
    let merged = assert_valid_results(&d.join("merged"));
    assert_eq!(merged["totals"], whole["totals"]);
    assert_eq!(merged["exit_code"], 0);
    assert_eq!(merged["selection"]["shard"], Value::Null);
    assert_eq!(
        names(&merged),
        names(&whole),
        "the same scenarios in the same order"
    );
    let whole_junit = assert_valid_junit(&d.join("whole/junit.xml"));
    let merged_junit = assert_valid_junit(&d.join("merged/junit.xml"));
    assert_eq!(merged_junit.names, whole_junit.names);
    assert_eq!(
        (
            merged_junit.tests,
            merged_junit.failures,
            merged_junit.errors
        ),
        (37, 0, 0)
    );
    // Each testcase still shows its own message sequence, from the merged journal.
    let xml = std::fs::read_to_string(d.join("merged/junit.xml")).unwrap();
    assert!(
        xml.contains("DIP→SUP 2300000001 (from REGS 2200000001)"),
        "{xml}"
    );
    let journal = std::fs::read_to_string(d.join("merged/journal.ndjson")).unwrap();
    let seqs: Vec<u64> = journal
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as u64).collect::<Vec<_>>(),
        "renumbered"
    );
    let shard_entries: usize = (1..=3)
        .map(|k| {
            std::fs::read_to_string(d.join(format!("s{k}/journal.ndjson")))
                .unwrap()
                .lines()
                .count()
        })
        .sum();
    assert_eq!(seqs.len(), shard_entries);
    assert!(
        std::fs::read_to_string(d.join("merged/index.html"))
            .unwrap()
            .contains("37 scenarios: 37 passed")
    );
    // The merge draws each scenario's chart again, from the merged journal: the files of the
    // whole run, each with its arrows.
    let charts = |dir: &str| -> BTreeSet<String> {
        std::fs::read_dir(d.join(dir).join("msc"))
            .unwrap()
            .map(|f| f.unwrap().file_name().into_string().unwrap())
            .collect()
    };
    assert_eq!(charts("merged").len(), 37);
    assert_eq!(charts("merged"), charts("whole"));
    for name in charts("merged") {
        let svg = std::fs::read_to_string(d.join("merged/msc").join(&name)).unwrap();
        assert!(svg.contains("<g class=\"msg "), "{name}: {svg}");
    }

    // The merge writes the Cucumber JSON the whole run wrote, but for durations and the
    // journal entries' numbering.
    assert_eq!(
        cucumber_shape(&d.join("merged/cucumber.json")),
        cucumber_shape(&d.join("whole/cucumber.json"))
    );

    // A shard run under a fault makes the merged run fail.
    let catching = (1..=3)
        .find(|k| {
            results(&d.join(format!("s{k}")))["scenarios"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| {
                    s["tags"].as_array().unwrap().iter().any(|t| {
                        t.as_str().unwrap().trim_start_matches('@') == "catches:wrong-echo"
                    })
                })
        })
        .expect("some shard has the scenarios catching wrong-echo");
    let shard = format!("{catching}/3");
    let o = mhhs_qual(
        d,
        &[
            "run",
            "--pack",
            "supplier",
            "--report-dir",
            "faulty",
            "--shard",
            &shard,
            "--fault",
            "wrong-echo",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let mut dirs: Vec<String> = (1..=3)
        .map(|k| {
            if k == catching {
                "faulty".to_owned()
            } else {
                format!("s{k}")
            }
        })
        .collect();
    dirs.insert(0, "merge".into());
    dirs.insert(0, "report".into());
    dirs.extend(["--out".into(), "merged-faulty".into()]);
    let args: Vec<&str> = dirs.iter().map(String::as_str).collect();
    let o = mhhs_qual(d, &args);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let merged = assert_valid_results(&d.join("merged-faulty"));
    assert_eq!(merged["exit_code"], 1);
    assert!(merged["totals"]["failed"].as_u64().unwrap() >= 1);
    assert_eq!(
        merged["participant"]["faults"],
        serde_json::json!(["wrong-echo"])
    );
    let read = assert_valid_junit(&d.join("merged-faulty/junit.xml"));
    assert_eq!(read.tests, 37);
    // Its Cucumber JSON still has every step: those after a failure, skipped.
    let faulty = common::read_cucumber_json(&d.join("merged-faulty/cucumber.json"));
    assert_eq!(
        faulty["reader"]["scenarios"]["failed"], merged["totals"]["failed"],
        "{faulty}"
    );
    let steps = |v: &Value| -> usize {
        v.as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["elements"].as_array().unwrap())
            .map(|e| e["steps"].as_array().unwrap().len())
            .sum()
    };
    assert_eq!(
        steps(&cucumber_shape(&d.join("merged-faulty/cucumber.json"))),
        steps(&cucumber_shape(&d.join("whole/cucumber.json")))
    );
    assert_eq!(
        read.failures,
        usize::try_from(merged["totals"]["failed"].as_u64().unwrap()).unwrap()
    );

    // Refused: a shard twice, a shard missing, another version, another pack, another
    // participant, a whole run merged with its shards.
    let refused = |args: &[&str], words: &[&str]| {
        let mut all = vec!["report", "merge"];
        all.extend_from_slice(args);
        all.extend(["--out", "refused"]);
        let o = mhhs_qual(d, &all);
        let t = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {t}");
        for w in words {
            assert!(t.contains(w), "{args:?}: {w:?} not in {t}");
        }
    };
    refused(
        &["s1", "s2", "s3", "s1again"],
        &["shard 1/3", "s1", "s1again", "twice"],
    );
    refused(&["s1", "s2"], &["shard 3 of 3 is missing"]);
    copy_dir(&d.join("s3"), &d.join("s3-version"));
    edit_results(&d.join("s3-version"), |r| r["version"] = "9.9.9".into());
    refused(
        &["s1", "s2", "s3-version"],
        &["tool versions", "9.9.9", env!("CARGO_PKG_VERSION")],
    );
    copy_dir(&d.join("s3"), &d.join("s3-pack"));
    edit_results(&d.join("s3-pack"), |r| {
        r["selection"]["packs"] = serde_json::json!(["agent"]);
    });
    refused(
        &["s1", "s2", "s3-pack"],
        &["different packs", "agent", "supplier"],
    );
    copy_dir(&d.join("s3"), &d.join("s3-env"));
    edit_results(&d.join("s3-env"), |r| r["environment"] = "SIT-B".into());
    refused(&["s1", "s2", "s3-env"], &["environments", "SIT-B"]);
    copy_dir(&d.join("s3"), &d.join("s3-who"));
    edit_results(&d.join("s3-who"), |r| {
        r["participant"]["dip_id"] = "2300000009".into();
    });
    refused(&["s1", "s2", "s3-who"], &["participants", "2300000009"]);
    refused(
        &["whole", "s1"],
        &["shard counts", "a whole run", "3 shards"],
    );
    refused(&["s1", "no-such-folder"], &["no-such-folder"]);
}

/// Eight shards of a 37-scenario report (296 scenarios, their journals included): how long a
/// merge takes, shown rather than asserted.
#[test]
fn merging_eight_shards_is_quick() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = mhhs_qual(
        d,
        &[
            "run",
            "--pack",
            "supplier",
            "--report-dir",
            "base",
            "--shard",
            "1/1",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let base_results = results(&d.join("base"));
    let base_journal = std::fs::read_to_string(d.join("base/journal.ndjson")).unwrap();
    let mut dirs = Vec::new();
    for k in 1..=8 {
        let out = d.join(format!("part{k}"));
        copy_dir(&d.join("base"), &out);
        let mut r = base_results.clone();
        r["selection"]["shard"] = serde_json::json!({"index": k, "total": 8});
        for s in r["scenarios"].as_array_mut().unwrap() {
            let key = format!("{}#{k}", s["key"].as_str().unwrap());
            s["key"] = key.into();
            s["name"] = format!("{} #{k}", s["name"].as_str().unwrap()).into();
        }
        std::fs::write(out.join("results.json"), serde_json::to_vec(&r).unwrap()).unwrap();
        let journal: String = base_journal
            .lines()
            .map(|l| {
                let mut e: Value = serde_json::from_str(l).unwrap();
                if let Some(key) = e["scenario"].as_str() {
                    e["scenario"] = format!("{key}#{k}").into();
                }
                e.to_string() + "\n"
            })
            .collect();
        std::fs::write(out.join("journal.ndjson"), journal).unwrap();
        dirs.push(out.display().to_string());
    }
    let bytes: u64 = dirs
        .iter()
        .flat_map(|x| std::fs::read_dir(x).unwrap())
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();

    let started = Instant::now();
    let merged = mhhs_qual::report::merge::merge_folders(
        &dirs.iter().map(Into::into).collect::<Vec<_>>(),
        &d.join("merged-lib"),
    )
    .unwrap();
    let library = started.elapsed();
    assert_eq!(merged.totals.scenarios, 8 * 37);

    let mut args = vec!["report", "merge"];
    args.extend(dirs.iter().map(String::as_str));
    args.extend(["--out", "merged"]);
    let started = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
        .args(&args)
        .current_dir(d)
        .output()
        .unwrap();
    let command = started.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let read = assert_valid_junit(&d.join("merged/junit.xml"));
    assert_eq!(read.tests, 8 * 37);
    let merged = assert_valid_results(&d.join("merged"));
    assert_eq!(merged["totals"]["scenarios"], 8 * 37);
    let _ = writeln_stderr(&format!(
        "merging 8 shards ({} scenarios, {} journal entries, {} kB of reports): {:.1} ms in the library, {:.1} ms as the command",
        8 * 37,
        8 * base_journal.lines().count(),
        bytes / 1000,
        library.as_secs_f64() * 1e3,
        command.as_secs_f64() * 1e3
    ));
}

/// Printed past the test harness's capture, so that `cargo test` shows the figure.
fn writeln_stderr(line: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    writeln!(std::io::stderr(), "{line}")
}

/// The `mhhs-qual` command lines of a CI example, each with its flags checked against the
/// command's `--help`; returns the subcommands found.
fn assert_commands_as_the_cli_spells_them(file: &str, content: &str) -> BTreeSet<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut found = BTreeSet::new();
    for line in content.lines() {
        let Some(at) = line.find("mhhs-qual ") else {
            continue;
        };
        let words: Vec<&str> = line[at + "mhhs-qual ".len()..]
            .split_whitespace()
            .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
            .collect();
        let command: Vec<&str> = match words.as_slice() {
            ["run" | "check-config", ..] => words[..1].to_vec(),
            ["report", "merge", ..] => words[..2].to_vec(),
            _ => continue,
        };
        let mut args = command.clone();
        args.push("--help");
        let help = text(&mhhs_qual(dir.path(), &args));
        for flag in words.iter().filter(|w| w.starts_with("--")) {
            assert!(
                help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
                "{file}: `mhhs-qual {}` has no {flag}:\n{line}",
                command.join(" ")
            );
        }
        found.insert(command.join(" "));
    }
    found
}

#[test]
fn the_ci_examples_parse_and_shard_and_merge_as_the_cli_spells_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["ci/github-actions-example.yml", "ci/gitlab-ci-example.yml"] {
        let o = Command::new("python3")
            .args(["-c", "import yaml,sys; yaml.safe_load(open(sys.argv[1]))"])
            .arg(root.join(file))
            .output()
            .expect("python3 with PyYAML (bash ci/setup.sh)");
        assert!(o.status.success(), "{file} is not YAML: {}", text(&o));
    }
    let github = std::fs::read_to_string(root.join("ci/github-actions-example.yml")).unwrap();
    let gitlab = std::fs::read_to_string(root.join("ci/gitlab-ci-example.yml")).unwrap();
    let jenkins = std::fs::read_to_string(root.join("ci/Jenkinsfile-example")).unwrap();
    for (file, content) in [
        ("ci/github-actions-example.yml", &github),
        ("ci/gitlab-ci-example.yml", &gitlab),
        ("ci/Jenkinsfile-example", &jenkins),
    ] {
        let found = assert_commands_as_the_cli_spells_them(file, content);
        assert!(
            found.contains("run") && found.contains("report merge"),
            "{file}: {found:?}"
        );
        assert!(content.contains("--shard "), "{file}");
    }
    assert!(github.contains("--shard ${{ matrix.shard }}/3"));
    assert!(github.contains("needs: qualify"));
    assert!(gitlab.contains("parallel: 3"));
    assert!(gitlab.contains("--shard \"$CI_NODE_INDEX/$CI_NODE_TOTAL\""));
    assert!(gitlab.contains("junit: report/junit.xml"));
    // No Groovy parser comes cheaply from the package registries the tests may use, so the
    // Jenkinsfile is checked for balanced brackets (outside strings and comments), its
    // parallel stages and the junit step that keeps system-out.
    assert_balanced("ci/Jenkinsfile-example", &jenkins);
    assert!(jenkins.contains("parallel {"));
    for k in 1..=3 {
        assert!(
            jenkins.contains(&format!("--shard {k}/${{shards}}")),
            "shard {k}"
        );
    }
    assert!(jenkins.contains("junit testResults: 'report/junit.xml', keepLongStdio: true"));
}

/// Brackets balance in Groovy-like text, ignoring quoted strings and comments.
fn assert_balanced(file: &str, text: &str) {
    let mut stack: Vec<(char, usize)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut quote: Option<char> = None;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (quote, c) {
                (Some(_), '\\') => {
                    chars.next();
                }
                (Some(q), c) if c == q => quote = None,
                (None, '"' | '\'') => quote = Some(c),
                (None, '/') if chars.peek() == Some(&'/') => break,
                (None, '{' | '(' | '[') => stack.push((c, n + 1)),
                (None, '}' | ')' | ']') => {
                    let open = match c {
                        '}' => '{',
                        ')' => '(',
                        _ => '[',
                    };
                    let top = stack.pop();
                    assert_eq!(
                        top.map(|t| t.0),
                        Some(open),
                        "{file}:{}: {c} closes {top:?}",
                        n + 1
                    );
                }
                _ => {}
            }
        }
        assert!(quote.is_none(), "{file}:{}: unclosed string", n + 1);
    }
    assert!(stack.is_empty(), "{file}: unclosed {stack:?}");
}
