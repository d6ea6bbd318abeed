//! The command as a participant's team and CI use it: exit statuses, messages naming file and
//! line, and bad input of every kind.

mod common;

use std::io::Read as _;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{config, free_port, mhhs_qual, text};

fn write(dir: &std::path::Path, name: &str, content: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.display().to_string()
}

#[test]
fn a_feature_file_that_does_not_parse_stops_the_run_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "broken.feature",
        "Feature: broken\n  Scenario: one\n    Given a smart MPAN\n  Scenaro oops\n    Then\n",
    );
    let o = mhhs_qual(dir.path(), &["run", &f]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("broken.feature:5: cannot parse the feature file"),
        "{}",
        text(&o)
    );
    assert!(!dir.path().join("report/junit.xml").exists());
}

#[test]
fn an_undefined_step_makes_the_run_misconfigured_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "undefined.feature",
        "Feature: undefined\n  @QT-X-001\n  Scenario: one\n    Given a smart MPAN\n    When the supplier is asked nicely\n",
    );
    let o = mhhs_qual(dir.path(), &["run", &f, "--report-dir", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("undefined.feature:5: When the supplier is asked nicely"),
        "{}",
        text(&o)
    );
    // The report is written all the same, with the scenario as an error.
    let junit = std::fs::read_to_string(dir.path().join("out/junit.xml")).unwrap();
    assert!(junit.contains("<error"), "{junit}");
}

#[test]
fn a_typo_in_a_typed_parameter_is_an_undefined_step() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "typo.feature",
        "Feature: typo\n  Scenario: one\n    Given a smart MPAN\n    When the Registration Service delivers PUB-02 [GainMPANInfo] for the MPAN\n",
    );
    let o = mhhs_qual(dir.path(), &["run", &f]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("typo.feature:4"), "{}", text(&o));
}

#[test]
fn no_scenario_selected_is_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let o = mhhs_qual(
        dir.path(),
        &["run", "--pack", "supplier", "--tags", "@QT-NOTHING-999"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no scenario selected"), "{}", text(&o));
    let o = mhhs_qual(dir.path(), &["run", "--pack", "nosuchpack"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains(
            "unknown pack \"nosuchpack\"; shipped packs: ads, e2e, ldso, migration, msa, mss, sds, supplier, umsds, umso"
        ),
        "{}",
        text(&o)
    );
}

#[test]
fn configuration_problems_are_all_reported_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let bad = config(0, "http://127.0.0.1:9/webhook", "1s")
        .replace("dip_id = \"2300000001\"", "dip_id = \"23-01\"")
        .replace("mpid = \"SUPA\"", "mpid = \"Supa\"")
        .replace("api_key = \"test-key-0123456789\"\n", "")
        .replace("[timeouts]\n", "[timeouts]\nresponse_time = \"3s\"\n");
    let f = write(dir.path(), "bad.toml", &bad);
    for args in [
        vec!["run", "--config", f.as_str(), "--pack", "supplier"],
        vec!["check-config", f.as_str()],
    ] {
        let o = mhhs_qual(dir.path(), &args);
        let t = text(&o);
        assert_eq!(o.status.code(), Some(2), "{t}");
        assert!(
            t.contains(
                "bad.toml:9: `participant.dip_id`: \"23-01\": a DIP ID is exactly 10 digits"
            ),
            "{t}"
        );
        assert!(t.contains("bad.toml:10: `participant.mpid`"), "{t}");
        assert!(t.contains("`dip.api_key`: missing"), "{t}");
        assert!(t.contains("`timeouts.response_time`: unknown key"), "{t}");
        assert!(!t.contains("test-key"), "secrets never printed: {t}");
    }
    let o = mhhs_qual(dir.path(), &["run", "--config", "no-such.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("no-such.toml: cannot read the file"),
        "{}",
        text(&o)
    );
}

#[test]
fn check_config_finds_a_port_in_use_and_a_silent_webhook() {
    let dir = tempfile::tempdir().unwrap();
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let f = write(
        dir.path(),
        "c.toml",
        &config(
            port,
            &format!("http://127.0.0.1:{}/webhook", free_port()),
            "500ms",
        ),
    );
    let o = mhhs_qual(dir.path(), &["check-config", &f]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("`dip.listen`: cannot listen"), "{t}");
    assert!(
        t.contains("`participant.webhook_url`: the webhook does not answer"),
        "{t}"
    );
    // The run itself refuses the port too.
    let o = mhhs_qual(dir.path(), &["run", "--config", &f, "--pack", "supplier"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{}",
        text(&o)
    );
}

#[test]
fn check_config_checks_the_prompt_command() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("qual-prompt");
    std::fs::write(&plain, "#!/bin/sh\nexit 0\n").unwrap();
    let base = config(0, "http://127.0.0.1:9/webhook", "500ms");
    let check = |prompts: &str| {
        let f = write(dir.path(), "c.toml", &format!("{base}{prompts}"));
        text(&mhhs_qual(dir.path(), &["check-config", &f]))
    };
    // A file that is not executable, a missing file and a bare name not on PATH.
    let t = check("[prompts]\ncommand = [\"./qual-prompt\", \"--site\", \"t\"]\n");
    assert!(
        t.contains(&format!(
            "`prompts.command`: {}: is not an executable file",
            plain.display()
        )),
        "{t}"
    );
    let t = check("[prompts]\ncommand = \"./missing-prompt\"\n");
    assert!(
        t.contains("`prompts.command`: ") && t.contains("missing-prompt: cannot be read"),
        "{t}"
    );
    let t = check("[prompts]\ncommand = \"mhhs-qual-no-such-prompt\"\n");
    assert!(
        t.contains("`prompts.command`: mhhs-qual-no-such-prompt: is not found on PATH"),
        "{t}"
    );
    // An executable file is fine.
    std::fs::set_permissions(&plain, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let t = check("[prompts]\ncommand = [\"./qual-prompt\"]\n");
    assert!(!t.contains("prompts.command"), "{t}");
}

/// A webhook that accepts connections and answers with whatever `answer` returns.
fn fake_webhook(answer: fn() -> Option<Vec<u8>>) -> u16 {
    fake_webhook_telling(answer).0
}

/// As [`fake_webhook`], also telling the receiver of each request it has read.
fn fake_webhook_telling(answer: fn() -> Option<Vec<u8>>) -> (u16, std::sync::mpsc::Receiver<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let (tell, told) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in l.incoming().flatten() {
            let tell = tell.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = vec![0u8; 65536];
                let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
                let _ = stream.read(&mut buf);
                let _ = tell.send(());
                match answer() {
                    Some(bytes) => {
                        let _ = std::io::Write::write_all(&mut stream, &bytes);
                    }
                    None => std::thread::sleep(Duration::from_secs(5)),
                }
            });
        }
    });
    (port, told)
}

fn run_against(webhook_port: u16, tags: &str) -> (Option<i32>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "c.toml",
        &config(
            0,
            &format!("http://127.0.0.1:{webhook_port}/webhook"),
            "700ms",
        ),
    );
    let o = mhhs_qual(
        dir.path(),
        &["run", "--config", &f, "--pack", "supplier", "--tags", tags],
    );
    (o.status.code(), text(&o), dir)
}

#[test]
fn a_webhook_that_is_down_fails_the_run_clearly() {
    let (code, t, _d) = run_against(free_port(), "@QT-SUP-001");
    assert_eq!(code, Some(1), "{t}");
    assert!(t.contains("QT-SUP-001"), "{t}");
    assert!(
        t.contains("arrived instead: webhook unreachable: ")
            && t.contains("undelivered to SUP 2300000001 after 3 attempts: webhook unreachable"),
        "{t}"
    );
}

#[test]
fn a_slow_webhook_counts_as_no_answer() {
    let started = Instant::now();
    let (code, t, _d) = run_against(fake_webhook(|| None), "@QT-SUP-001");
    assert_eq!(code, Some(1), "{t}");
    assert!(t.contains("no answer within 700ms"), "{t}");
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_webhook_answering_garbage_fails_the_run_clearly() {
    let (code, t, _d) = run_against(
        fake_webhook(|| {
            Some(b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 9\r\nconnection: close\r\n\r\n{garbage!".to_vec())
        }),
        "@QT-SUP-001",
    );
    assert_eq!(code, Some(1), "{t}");
    assert!(t.contains("answer is not a StandardResponse"), "{t}");
    let (code, t, _d) = run_against(
        fake_webhook(|| Some(b"this is not HTTP at all\r\n\r\n".to_vec())),
        "@QT-SUP-001",
    );
    assert_eq!(code, Some(1), "{t}");
    assert!(t.contains("no answer: "), "{t}");
}

#[test]
fn a_webhook_answering_a_flood_is_cut() {
    let (code, t, d) = run_against(
        fake_webhook(|| {
            let mut r = b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n".to_vec();
            r.extend(std::iter::repeat_n(b'[', 3 * 1024 * 1024));
            Some(r)
        }),
        "@QT-SUP-001",
    );
    assert_eq!(code, Some(1), "{t}");
    let journal = std::fs::read_to_string(d.path().join("report/journal.ndjson")).unwrap();
    let deliveries: Vec<(Option<u64>, String)> = journal
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["direction"] == "egress")
        .map(|e| {
            (
                e["status"].as_u64(),
                e["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        deliveries,
        [(Some(201), "answer over 1048576 bytes, cut".to_owned())],
        "{t}"
    );
    assert!(
        journal.len() < 1024 * 1024,
        "the journal keeps a bounded copy"
    );
}

/// Starts `mhhs-qual reference` as an external system; returns it and the config path.
fn external_reference(dir: &std::path::Path, faults: &[&str]) -> (std::process::Child, String) {
    common::external_reference(dir, faults, false, "")
}

#[test]
fn an_external_supplier_passes_and_a_broken_one_fails_naming_the_behaviour() {
    let dir = tempfile::tempdir().unwrap();
    let (mut good, f) = external_reference(dir.path(), &[]);
    let o = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--config",
            &f,
            "--pack",
            "supplier",
            "--tags",
            "@S4 or @S6",
            "--report-dir",
            "good",
        ],
    );
    let _ = good.kill();
    let _ = good.wait();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let (mut broken, f) = external_reference(dir.path(), &["smart-services-only"]);
    let o = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--config",
            &f,
            "--pack",
            "supplier",
            "--tags",
            "@S4",
            "--report-dir",
            "broken",
        ],
    );
    let _ = broken.kill();
    let _ = broken.wait();
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(
        t.contains("QT-SUP-031") && t.contains("expected: [MSApp] proposes a MSA counterparty"),
        "{t}"
    );
    assert!(t.contains("a MSS counterparty"), "{t}");
    assert!(
        !t.contains("QT-SUP-030 Gain"),
        "the smart case still passes: {t}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_still_writes_the_junit_file_with_unfinished_scenarios_as_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (webhook, delivered) = fake_webhook_telling(|| None);
    let f = write(
        dir.path(),
        "c.toml",
        &config(0, &format!("http://127.0.0.1:{webhook}/webhook"), "30s"),
    );
    let child = Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
        .args(["run", "--config", &f, "--pack", "supplier", "--tags", "@S1"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupted while the first scenario waits for the webhook's answer.
    if delivered.recv_timeout(Duration::from_secs(20)).is_err() {
        let mut child = child;
        let _ = child.kill();
        let o = child.wait_with_output().unwrap();
        panic!("no delivery reached the webhook: {}", text(&o));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let junit = std::fs::read_to_string(dir.path().join("report/junit.xml")).unwrap();
    assert!(
        junit.contains("interrupted before the scenario finished"),
        "{junit}"
    );
    assert!(
        junit.contains("interrupted before the scenario started"),
        "{junit}"
    );
}

#[test]
fn help_lists_every_command_and_the_version_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let o = mhhs_qual(dir.path(), &["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let t = text(&o);
    for command in [
        "run",
        "check-config",
        "reference",
        "prompt",
        "steps",
        "check",
        "docs",
        "new",
        "schemas",
        "validate",
        "testdata",
        "data",
        "certs",
    ] {
        assert!(
            t.lines().any(|l| l.trim_start().starts_with(command)),
            "{command} missing from --help:\n{t}"
        );
    }
    let o = mhhs_qual(dir.path(), &["--version"]);
    assert_eq!(
        text(&o).trim(),
        format!("mhhs-qual {}", env!("CARGO_PKG_VERSION"))
    );
    let o = mhhs_qual(dir.path(), &["run", "--no-such-flag"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a usage error is exit 2: {}",
        text(&o)
    );
}

#[test]
fn an_external_supplier_over_mutual_tls_passes_the_pack_and_no_secret_reaches_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let (mut sut, f) = common::external_reference(dir.path(), &[], true, "");
    let o = Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
        .args([
            "run",
            "--config",
            &f,
            "--pack",
            "supplier",
            "--concurrency",
            "4",
            "--report-dir",
            "report",
        ])
        .current_dir(dir.path())
        .env("MHHS_QUAL_LOG", "debug")
        .output()
        .unwrap();
    let _ = sut.kill();
    let _ = sut.wait();
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    let journal = std::fs::read_to_string(dir.path().join("report/journal.ndjson")).unwrap();
    assert!(
        journal.contains("\"url\":\"https://"),
        "deliveries went over TLS"
    );
    assert!(journal.contains("\"check\":\"signature\",\"ok\":true"));

    // The API key and every private key, searched for in every output stream and file.
    let k = common::keys();
    let mut secrets = vec!["test-key-0123456789".to_owned()];
    for key in [
        &k.dip_signing.1,
        &k.sut_signing.1,
        &k.dip_tls.1,
        &k.sut_tls.1,
    ] {
        let pem = std::fs::read_to_string(key).unwrap();
        // Every line of the key's body, not just its header.
        secrets.extend(
            pem.lines()
                .filter(|l| !l.starts_with("-----") && l.len() >= 16)
                .map(str::to_owned),
        );
    }
    let mut outputs = vec![
        ("stdout".to_owned(), o.stdout.clone()),
        ("stderr".to_owned(), o.stderr.clone()),
    ];
    let report = dir.path().join("report");
    let charts = std::fs::read_dir(report.join("msc"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect::<Vec<_>>();
    assert_eq!(charts.len(), 37, "a chart per scenario");
    for p in std::fs::read_dir(&report)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .chain(charts)
    {
        outputs.push((p.display().to_string(), std::fs::read(&p).unwrap()));
    }
    let mut files: Vec<String> = std::fs::read_dir(&report)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "cucumber.json",
            "index.html",
            "journal.ndjson",
            "junit.xml",
            "msc",
            "results.json"
        ]
    );
    assert!(o.stderr.len() > 1000, "debug logging was on: {t}");
    for (name, bytes) in &outputs {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("PRIVATE KEY"), "{name} holds a private key");
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{name} holds a secret");
        }
    }
}

#[test]
fn check_config_checks_the_certificate_and_key_files() {
    use mhhs_qual::security::tls::Authority;
    let dir = tempfile::tempdir().unwrap();
    let k = common::keys();
    let base = config(free_port(), "http://127.0.0.1:9/webhook", "300ms");
    let run = |name: &str, toml: &str| {
        let f = write(dir.path(), name, toml);
        text(&mhhs_qual(dir.path(), &["check-config", &f]))
    };
    // Unreadable: the path is named.
    let t = run(
        "missing.toml",
        &base.replace(
            &common::toml_path(&k.sut_signing.0),
            "\"/no/such/participant.pem\"",
        ),
    );
    assert!(t.contains("/no/such/participant.pem"), "{t}");
    assert!(t.contains("`participant.certificate`"), "{t}");
    // A key that is not the certificate's.
    let t = run(
        "mismatch.toml",
        &base.replace(
            &format!("signing_key = {}", common::toml_path(&k.dip_signing.1)),
            &format!("signing_key = {}", common::toml_path(&k.sut_signing.1)),
        ),
    );
    assert!(t.contains("`dip.signing_key`"), "{t}");
    assert!(t.contains("does not belong"), "{t}");
    // An expired TLS certificate.
    let ca = Authority::generate("old CA").unwrap();
    let now = time::OffsetDateTime::now_utc();
    let old = ca
        .issue_with_validity(
            "old",
            now - time::Duration::days(30),
            now - time::Duration::days(1),
        )
        .unwrap();
    let cert = write(dir.path(), "old.pem", &old.cert_pem);
    let key = write(dir.path(), "old.key", &old.key_pem);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let t = run(
        "expired.toml",
        &base.replacen(
            "[participant]",
            &format!("tls_certificate = {cert:?}\ntls_key = {key:?}\n[participant]"),
            1,
        ),
    );
    let expired_on = (now - time::Duration::days(1))
        .replace_nanosecond(0)
        .unwrap()
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .unwrap();
    let lines: Vec<&str> = t.lines().collect();
    assert!(lines[0].ends_with("expired.toml: 2 problem(s)"), "{t}");
    assert!(
        lines.contains(
            &format!(
                "error: {cert}: `dip.tls_certificate`: certificate CN=old expired on {expired_on}"
            )
            .as_str()
        ),
        "{t}"
    );
    // A private key others can read: a warning, not an error.
    #[cfg(unix)]
    assert!(
        t.lines()
            .any(|l| l.starts_with("warning:") && l.contains("old.key")),
        "{t}"
    );
    // Without the signing keys, an external run cannot start.
    let t = run(
        "unsigned.toml",
        &base
            .lines()
            .filter(|l| !l.starts_with("signing_") && !l.starts_with("certificate"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    assert!(t.contains("`dip.signing_certificate`: missing"), "{t}");
    assert!(t.contains("`participant.certificate`: missing"), "{t}");
}

#[test]
fn certs_writes_a_usable_set_and_keeps_what_exists() {
    let dir = tempfile::tempdir().unwrap();
    let o = mhhs_qual(dir.path(), &["certs", "--out", "certs"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    let certs = dir.path().join("certs");
    for name in [
        "dip-signing.pem",
        "dip-signing.key",
        "participant-signing.pem",
        "participant-signing.key",
        "ca.pem",
        "ca.key",
        "dip-tls.pem",
        "dip-tls.key",
        "participant-tls.pem",
        "participant-tls.key",
        "harness.toml",
    ] {
        assert!(certs.join(name).is_file(), "{name}");
        #[cfg(unix)]
        if std::path::Path::new(name)
            .extension()
            .is_some_and(|e| e == "key")
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(certs.join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{name} is readable by others: {mode:o}");
        }
    }
    // No key in what it prints.
    assert!(!t.contains("PRIVATE KEY"), "{t}");
    // The set passes check-config's file checks, with mutual TLS on.
    let fragment = std::fs::read_to_string(certs.join("harness.toml")).unwrap();
    let value = |key: &str| {
        fragment
            .lines()
            .find(|l| l.starts_with(&format!("{key} =")))
            .and_then(|l| l.split('"').nth(1))
            .unwrap()
            .to_owned()
    };
    let text_cfg = config(free_port(), "http://127.0.0.1:9/webhook", "300ms")
        .lines()
        .filter(|l| !l.starts_with("signing_") && !l.starts_with("certificate"))
        .collect::<Vec<_>>()
        .join("\n")
        .replacen(
            "[participant]",
            &format!(
                "signing_certificate = \"{}\"\nsigning_key = \"{}\"\ntls_certificate = \"{}\"\ntls_key = \"{}\"\nclient_ca = \"{}\"\n[participant]\ncertificate = \"{}\"",
                value("signing_certificate"),
                value("signing_key"),
                value("tls_certificate"),
                value("tls_key"),
                value("client_ca"),
                value("certificate"),
            ),
            1,
        );
    let f = write(dir.path(), "run.toml", &text_cfg);
    let t = text(&mhhs_qual(dir.path(), &["check-config", &f]));
    // The silent webhook is the only problem (a warning about an `MHHS_QUAL_*` variable of
    // the test environment aside).
    let problems: Vec<&str> = t
        .lines()
        .filter(|l| l.starts_with("error:") || l.starts_with("warning:"))
        .filter(|l| !l.contains(": MHHS_QUAL_"))
        .collect();
    assert_eq!(problems.len(), 1, "{t}");
    assert!(problems[0].contains("`participant.webhook_url`"), "{t}");
    // Existing files are kept without --force.
    let before = std::fs::read(certs.join("dip-signing.key")).unwrap();
    let o = mhhs_qual(dir.path(), &["certs", "--out", "certs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("--force"), "{}", text(&o));
    assert_eq!(
        std::fs::read(certs.join("dip-signing.key")).unwrap(),
        before
    );
    let o = mhhs_qual(dir.path(), &["certs", "--out", "certs", "--force"]);
    assert_eq!(o.status.code(), Some(0));
    assert_ne!(
        std::fs::read(certs.join("dip-signing.key")).unwrap(),
        before
    );
}

/// A StandardResponse whose message has an ESC, a NUL, a BEL and `]]>`: the run fails, and
/// its JUnit file still reads, with the answer shown in the failure's one-line message.
#[test]
fn a_webhook_answering_hostile_text_leaves_the_junit_file_readable() {
    let (code, t, d) = run_against(
        fake_webhook(|| {
            let body = concat!(
                r#"{"messageArray": [{"transactionID": null, "senderUniqueReference": null, "#,
                r#""correlationID": null, "sentTimestamp": "2026-03-21T11:15:59+00:00", "#,
                r#""senderID": "2300000001", "recipientID": "2200000001", "#,
                r#""DIPConnectionProviderID": null, "#,
                r#""message": "RCP9999 \u001b[31m]]><x>\u0000\u0007 bell", "#,
                r#""help": null, "serviceTicketURL": null}], "#,
                r#""timestamp": "2026-03-21T11:16:01+00:00"}"#
            )
            .as_bytes();
            let mut r = format!(
                "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            r.extend_from_slice(body);
            Some(r)
        }),
        "@QT-SUP-001",
    );
    assert_eq!(code, Some(1), "{t}");
    let read = common::assert_valid_junit(&d.path().join("report/junit.xml"));
    assert_eq!(
        (read.tests, read.failures, read.errors, read.skipped),
        (1, 1, 0, 0)
    );
    assert_eq!(read.messages.len(), 1);
    let m = &read.messages[0];
    assert!(!m.contains('\n'), "{m}");
    assert!(
        m.starts_with("step \"Then the system answers 201 with RCP0000\" failed: "),
        "{m}"
    );
    assert!(
        m.ends_with("arrived instead: 400 RCP9999 \\u001b[31m]]><x>\\u0000\\u0007 bell"),
        "{m}"
    );
}

/// A reader that has gone (`| head` after its lines, or a closed pipe) ends the fault
/// listing, not in a panic: the pipe is closed before the listing is written.
#[test]
fn a_fault_listing_to_a_closed_pipe_ends_quietly() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
        .args(["reference", "--role", "SDS", "--list-faults"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
}
