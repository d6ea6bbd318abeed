//! Prompts (CONTRACT-ROLES.md §6.7): a scenario asks the system for work that has no DIP
//! trigger, through the participant's command or the in-process reference participant; the
//! prompt is journaled and what follows is awaited as after a delivery. `mhhs-qual prompt`
//! reaches a reference participant run on its own, and a run whose selection needs prompts
//! without a prompt command stops before it starts.

mod common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{config, free_port, keys, mhhs_qual, text};
use mhhs_qual::journal::{Body, Direction};
use mhhs_qual::market::Segment;
use mhhs_qual::prompt::PromptOutcome;
use mhhs_qual::session::{Harness, Session};
use serde_json::{Value, json};

/// A `#!/bin/sh` script in `dir`, executable.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

/// A harness for an external system at a dead webhook, with `prompts` appended to its
/// configuration.
async fn harness_with(prompts: &str) -> Arc<Harness> {
    let text = config(0, "http://127.0.0.1:9/webhook", "1s") + prompts;
    let (c, _) = mhhs_qual::config::load_str(&text, "test.toml", Vec::new()).unwrap();
    common::harness_for(c, None).await
}

#[tokio::test]
async fn an_accepted_prompt_is_journaled_and_marks_where_the_reaction_is_awaited() {
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().join("seen");
    let s = script(
        dir.path(),
        "qual-prompt",
        &format!(
            "cat > {}\necho \"fitting $2\"\necho 'site visit booked' >&2",
            seen.display()
        ),
    );
    let harness = harness_with(&format!(
        "[prompts]\ncommand = [\"{}\", \"--site\"]\ntimeout = \"5s\"\n",
        s.display()
    ))
    .await;
    let mut session = Session::new(harness.clone(), "prompt-accepted".into());
    let mpan = session.new_subject(Segment::Smart).mpan;
    let input =
        json!({"mpan": mpan, "at": "2026-04-01T10:00:00+01:00", "meter": {"meterID": "M1"}});
    let before = harness.journal.last_seq();
    let outcome = session
        .prompt("install-meter", input.clone())
        .await
        .unwrap();
    assert_eq!(outcome, PromptOutcome::Accepted);
    assert_eq!(session.delivery_mark, before);
    // The command got the JSON on stdin.
    let got: Value = serde_json::from_slice(&std::fs::read(&seen).unwrap()).unwrap();
    assert_eq!(got, input);
    // The prompt is a note of the scenario: action, JSON, outcome and what the system printed.
    let entries = harness.journal.of_scenario("prompt-accepted");
    assert_eq!(entries.len(), 1, "{entries:?}");
    let note = &entries[0];
    assert_eq!(note.direction, Direction::Note);
    assert_eq!(note.url, "prompt install-meter");
    assert_eq!(note.body, Body::Json(input));
    assert_eq!(note.mpan.as_deref(), Some(mpan.as_str()));
    assert_eq!(
        note.outcome,
        "prompt install-meter: accepted; the system printed: fitting install-meter\nstderr: site visit booked"
    );
    assert!(note.clean());
    // Nothing was submitted after the prompt: the check from the mark passes.
    session
        .expect_no_submission(session.delivery_mark)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_declined_prompt_is_declined() {
    let dir = tempfile::tempdir().unwrap();
    let s = script(
        dir.path(),
        "qual-prompt",
        "echo 'REG rule: no meter here'\nexit 3",
    );
    let harness = harness_with(&format!("[prompts]\ncommand = \"{}\"\n", s.display())).await;
    let mut session = Session::new(harness.clone(), "prompt-declined".into());
    let mpan = session.new_subject(Segment::Smart).mpan;
    let outcome = session
        .prompt("remove-meter", json!({"mpan": mpan}))
        .await
        .unwrap();
    assert_eq!(outcome, PromptOutcome::Declined);
    let note = &harness.journal.of_scenario("prompt-declined")[0];
    assert_eq!(
        note.outcome,
        "prompt remove-meter: declined; the system printed: REG rule: no meter here"
    );
}

#[tokio::test]
async fn a_prompt_command_that_fails_fails_the_step_naming_the_command_and_its_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let s = script(
        dir.path(),
        "qual-prompt",
        "echo 'meter store offline' >&2\nexit 1",
    );
    let harness = harness_with(&format!(
        "[prompts]\ncommand = [\"{}\", \"--site\", \"test\"]\n",
        s.display()
    ))
    .await;
    let mut session = Session::new(harness.clone(), "prompt-failed".into());
    let mpan = session.new_subject(Segment::Smart).mpan;
    let failure = session
        .prompt("energise", json!({"mpan": mpan}))
        .await
        .unwrap_err();
    let reason = failure.reason();
    assert!(
        reason.contains(&format!(
            "prompt command {} --site test energise exited with status 1: meter store offline",
            s.display()
        )),
        "{reason}"
    );
    // The journal records it as a failed note, which the failure quotes.
    let note = &harness.journal.of_scenario("prompt-failed")[0];
    assert!(!note.clean());
    assert_eq!(failure.entries.len(), 1);
    assert!(
        failure.to_string().contains("meter store offline"),
        "{failure}"
    );
}

#[tokio::test]
async fn without_a_prompt_command_a_prompt_fails_naming_the_fix() {
    let harness = harness_with("").await;
    assert!(harness.prompter.is_none());
    let mut session = Session::new(harness.clone(), "no-prompter".into());
    let failure = session
        .prompt(
            "submit-consumption",
            json!({"mpan": "x", "day": "2026-04-01"}),
        )
        .await
        .unwrap_err();
    let reason = failure.reason();
    assert!(
        reason.contains("test.toml has no prompt command: add `[prompts] command = [...]`"),
        "{reason}"
    );
    assert!(reason.contains("--tags \"not @prompted\""), "{reason}");
    assert!(harness.journal.of_scenario("no-prompter").is_empty());
}

#[tokio::test]
async fn the_in_process_reference_is_the_prompter_of_a_run_against_it() {
    let harness = common::reference_harness(&[]).await;
    assert!(harness.prompter.is_some());
    let mut session = Session::new(harness.clone(), "reference-prompt".into());
    let mpan = session.new_subject(Segment::Smart).mpan;
    let failure = session
        .prompt("install-meter", json!({"mpan": mpan}))
        .await
        .unwrap_err();
    assert!(
        failure.reason().contains(
            "prompt command (the in-process reference SUP) install-meter was refused: the reference SUP takes no prompt install-meter"
        ),
        "{}",
        failure.reason()
    );
}

/// A reference supplier run as its own process, and the `[prompts]` command it printed.
struct Reference {
    child: Child,
    command: Vec<String>,
}

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `mhhs-qual reference`, its webhook over mutual TLS when `tls`.
fn start_reference(dir: &Path, tls: bool) -> Reference {
    let webhook = free_port();
    let scheme = if tls { "https" } else { "http" };
    let mut text = config(
        free_port(),
        &format!("{scheme}://127.0.0.1:{webhook}/webhook"),
        "1s",
    );
    if tls {
        text = text.replacen(
            "[participant]",
            &format!("{}[participant]", common::tls_lines()),
            1,
        );
    }
    let f = dir.join("ref.toml");
    std::fs::write(&f, text).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
        .args(["reference", "--config"])
        .arg(&f)
        .args(keys().reference_flags(tls))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // It prints the [prompts] lines as soon as it listens.
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    for _ in 0..4 {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            break;
        }
        printed.push_str(&line);
        if line.starts_with("command = ") {
            break;
        }
    }
    assert!(printed.starts_with("[prompts]\n"), "{printed:?}");
    let table: toml::Table = printed.parse().unwrap();
    let command: Vec<String> = table["prompts"]["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        command[1..3],
        ["prompt".to_owned(), "--url".to_owned()],
        "{command:?}"
    );
    assert_eq!(command[3], format!("{scheme}://127.0.0.1:{webhook}/prompt"));
    Reference { child, command }
}

/// Runs `argv` + `action` with `stdin` on its stdin.
fn run_with_stdin(argv: &[String], action: &str, stdin: &[u8]) -> Output {
    let mut child = Command::new(&argv[0])
        .args(&argv[1..])
        .arg(action)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let _ = pipe.write_all(stdin);
    drop(pipe);
    child.wait_with_output().unwrap()
}

#[test]
fn the_printed_prompt_command_reaches_the_reference_which_refuses_what_it_does_not_take() {
    for tls in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let reference = start_reference(dir.path(), tls);
        assert_eq!(
            reference.command.iter().any(|w| w == "--tls-ca"),
            tls,
            "{:?}",
            reference.command
        );
        let o = run_with_stdin(
            &reference.command,
            "install-meter",
            br#"{"mpan": "2000056535971"}"#,
        );
        assert_eq!(o.status.code(), Some(1), "tls {tls}: {}", text(&o));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            stderr.contains(
                "/prompt/install-meter 422: the reference SUP takes no prompt install-meter"
            ),
            "tls {tls}: {stderr}"
        );
    }
}

#[test]
fn prompt_refuses_stdin_that_is_not_json() {
    let dir = tempfile::tempdir().unwrap();
    let reference = start_reference(dir.path(), false);
    let o = run_with_stdin(&reference.command, "install-meter", b"mpan=2000056535971");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("error: the prompt's JSON on stdin is not JSON"),
        "{}",
        text(&o)
    );
}

#[test]
fn prompt_refuses_stdin_over_a_mebibyte() {
    let big = format!("\"{}\"", "a".repeat(1024 * 1024 + 10));
    let o = run_with_stdin(
        &[
            env!("CARGO_BIN_EXE_mhhs-qual").to_owned(),
            "prompt".into(),
            "--url".into(),
            "http://127.0.0.1:9/prompt".into(),
        ],
        "install-meter",
        big.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("is over 1048576 bytes"),
        "{}",
        text(&o)
    );
}

#[test]
fn prompt_fails_when_nothing_answers() {
    let url = format!("http://127.0.0.1:{}/prompt", free_port());
    let o = run_with_stdin(
        &[
            env!("CARGO_BIN_EXE_mhhs-qual").to_owned(),
            "prompt".into(),
            "--url".into(),
            url.clone(),
        ],
        "energise",
        b"{}",
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(&format!("POST {url}/energise")),
        "{}",
        text(&o)
    );
}

/// `mhhs-qual prompt` against a small HTTP server answering `status` with `body`: the exit
/// status and stdout + stderr, and the body the server received.
async fn prompt_against(status: u16, body: Value) -> (Option<i32>, String, Vec<u8>) {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/prompt/de-energise"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    let argv = vec![
        env!("CARGO_BIN_EXE_mhhs-qual").to_owned(),
        "prompt".into(),
        "--url".into(),
        format!("{}/prompt/", server.uri()),
    ];
    let o = tokio::task::spawn_blocking(move || {
        run_with_stdin(&argv, "de-energise", br#"{"mpan": "2000056535971"}"#)
    })
    .await
    .unwrap();
    let received = server
        .received_requests()
        .await
        .unwrap_or_default()
        .first()
        .map(|r| r.body.clone())
        .unwrap_or_default();
    (o.status.code(), text(&o), received)
}

#[tokio::test(flavor = "multi_thread")]
async fn prompt_exits_0_when_the_work_is_accepted() {
    let (code, out, received) = prompt_against(200, json!({"outcome": "accepted"})).await;
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out.trim(), "accepted");
    assert_eq!(
        serde_json::from_slice::<Value>(&received).unwrap(),
        json!({"mpan": "2000056535971"})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn prompt_exits_3_when_the_work_is_declined_printing_the_reason() {
    let (code, out, _) = prompt_against(
        200,
        json!({"outcome": "declined", "reason": "the meter is not ours"}),
    )
    .await;
    assert_eq!(code, Some(3), "{out}");
    assert_eq!(out.trim(), "declined: the meter is not ours");
}

#[tokio::test(flavor = "multi_thread")]
async fn prompt_exits_1_on_an_answer_it_does_not_understand() {
    let (code, out, _) = prompt_against(500, json!({"oops": true})).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("/prompt/de-energise 500: answered 500: {\"oops\":true}"),
        "{out}"
    );
}

const MANIFEST: &str = r#"name = "prompted"
title = "A pack with a prompted scenario"
role = "SUP"
counterparties = ["REGS"]
"#;

const FEATURE: &str = "Feature: Prompted and not
  @QT-PR-001 @prompted
  Scenario: Work asked through a prompt
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system answers 201 with RCP0000

  @QT-PR-002
  Scenario: A delivery only
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system answers 201 with RCP0000
";

fn pack(dir: &Path) -> String {
    let folder = dir.join("prompted");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("pack.toml"), MANIFEST).unwrap();
    std::fs::write(folder.join("prompted.feature"), FEATURE).unwrap();
    folder.display().to_string()
}

#[test]
fn prompted_scenarios_without_a_prompt_command_stop_the_run_naming_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let folder = pack(dir.path());
    let f = dir.path().join("ext.toml");
    std::fs::write(&f, config(free_port(), "http://127.0.0.1:9/webhook", "1s")).unwrap();
    let o = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--config",
            &f.display().to_string(),
            "--pack",
            &folder,
            "--report-dir",
            "r",
        ],
    );
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(
        t.contains("1 selected scenario(s) tagged @prompted (the first: ")
            && t.contains("prompted.feature:3 Work asked through a prompt)"),
        "{t}"
    );
    assert!(
        t.contains("has none: add `[prompts] command = [...]` to the configuration"),
        "{t}"
    );
    assert!(
        t.contains("or deselect them with --tags \"not @prompted\""),
        "{t}"
    );
    // Nothing started: no report was written.
    assert!(!dir.path().join("r").exists(), "{t}");
}

#[test]
fn deselected_or_with_a_prompt_command_the_check_does_not_fire() {
    let dir = tempfile::tempdir().unwrap();
    let folder = pack(dir.path());
    let (mut sut, f) = common::external_reference(dir.path(), &[], false, "");
    let deselected = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--config",
            &f,
            "--pack",
            &folder,
            "--tags",
            "not @prompted",
            "--report-dir",
            "r1",
        ],
    );
    // The same configuration with a prompt command runs the prompted scenario too.
    let with_prompts = dir.path().join("with-prompts.toml");
    std::fs::write(
        &with_prompts,
        std::fs::read_to_string(&f).unwrap() + "[prompts]\ncommand = [\"true\"]\n",
    )
    .unwrap();
    let prompted = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--config",
            &with_prompts.display().to_string(),
            "--pack",
            &folder,
            "--report-dir",
            "r2",
        ],
    );
    let _ = sut.kill();
    let _ = sut.wait();
    let t = text(&deselected);
    assert_eq!(deselected.status.code(), Some(0), "{t}");
    assert!(t.contains("1 passed, 0 failed"), "{t}");
    let t = text(&prompted);
    assert_eq!(prompted.status.code(), Some(0), "{t}");
    assert!(t.contains("2 passed, 0 failed"), "{t}");
}

#[test]
fn a_run_against_the_built_in_reference_needs_no_prompt_command() {
    let dir = tempfile::tempdir().unwrap();
    let folder = pack(dir.path());
    let started = Instant::now();
    let o = mhhs_qual(dir.path(), &["run", "--pack", &folder, "--report-dir", "r"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("2 passed, 0 failed"), "{}", text(&o));
    assert!(started.elapsed() < Duration::from_secs(60));
}
