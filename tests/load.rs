//! `mhhs-qual load`: a paced load against the reference supplier, the DIP's rate limit and
//! outage, what a broken supplier loses, and bad input.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use mhhs_qual::load::{self, LoadOptions, Profile};
use mhhs_qual::report::load::LoadReport;
use mhhs_qual::session::SystemUnderTest;

fn profile(dir: &Path, text: &str) -> Profile {
    let path = dir.join("profile.toml");
    std::fs::write(&path, text).unwrap();
    Profile::load(&path).unwrap()
}

/// The loads of this file one at a time: each measures timing on a 2-core machine.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn run_reference(profile: Profile, faults: &[&str]) -> load::LoadOutcome {
    let _one = ONE_AT_A_TIME.lock().await;
    load::run(
        LoadOptions {
            config: load::reference_config("SUP").unwrap(),
            systems: SystemUnderTest::Reference(faults.iter().map(|f| (*f).to_owned()).collect()),
            profile,
            schemas_dir: None,
            stubs_dir: None,
        },
        std::future::pending(),
        None,
    )
    .await
    .unwrap()
}

fn objective<'a>(r: &'a LoadReport, name: &str) -> &'a mhhs_qual::report::load::Objective {
    r.objectives
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no objective {name:?} in {:?}", r.objectives))
}

fn gains(seed: u64, count: u64, rate: u64, secs: &str, extra: &str) -> String {
    format!(
        r#"name = "test"
family = "gain"
[mpans]
seed = {seed}
count = {count}
[[stage]]
kind = "hold"
duration = "{secs}"
rate = {rate}
[cap]
messages = {count}
time = "30s"
{extra}"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_supplier_answers_every_gain_of_a_paced_load_once() {
    let dir = tempfile::tempdir().unwrap();
    let p = profile(
        dir.path(),
        &format!(
            "objectives = [\"p99 ack < 2s\", \"errors = 0\"]\n{}",
            gains(11, 300, 300, "1s", "")
        ),
    );
    let o = run_reference(p, &[]).await;
    let r = &o.report;
    let f = &r.families[0];
    assert_eq!(
        (f.sent, f.acknowledged, f.rejected, f.errors),
        (300, 300, 0, 0),
        "{f:?}"
    );
    assert_eq!((f.reactions_expected, f.reactions_received), (600, 600));
    assert_eq!((r.lost_count, r.duplicate_count), (0, 0));
    assert!(r.complete);
    assert_eq!(r.stopped_by, "finished");
    assert!(f.ack.count == 300 && f.ack.p50_ms > 0.0 && f.ack.p99_ms >= f.ack.p50_ms);
    assert_eq!(f.reaction.as_ref().unwrap().count, 600);
    assert!(r.passed(), "{:?}", r.objectives);
    assert_eq!(
        r.objectives
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>(),
        ["p99 ack < 2s", "errors = 0", "lost = 0", "duplicates = 0"]
    );
    // The timeline adds up to the totals.
    let sum =
        |g: fn(&mhhs_qual::report::load::Second) -> u64| r.timeline.iter().map(g).sum::<u64>();
    assert_eq!(sum(|s| s.scheduled), 300);
    assert_eq!(sum(|s| s.sent), 300);
    assert_eq!(sum(|s| s.reactions), 600);
    assert!(sum(|s| s.submissions) >= 600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supplier_that_ignores_429_is_caught_breaking_the_rate_limit() {
    let dir = tempfile::tempdir().unwrap();
    // 2 reactions per gain at 120 gains a second: 240 submissions a second against a limit of 100.
    let text = gains(
        12,
        240,
        120,
        "2s",
        "[dip]\nrate_limit = 100\ntolerance = 0.1\n",
    );
    let correct = run_reference(profile(dir.path(), &text), &[]).await.report;
    let v = correct.rate_limit.as_ref().unwrap();
    assert!(v.throttled > 0, "the load reaches the limit: {v:?}");
    assert!(v.ok, "the correct reference keeps to the limit: {v:?}");
    assert!(v.peak_per_second <= 110, "{v:?}");
    assert_eq!(correct.lost_count, 0, "{:?}", correct.lost);
    assert!(objective(&correct, "rate limit kept").ok);

    let broken = run_reference(profile(dir.path(), &text), &["ignores-429"])
        .await
        .report;
    let v = broken.rate_limit.as_ref().unwrap();
    assert!(!v.ok, "{v:?}");
    assert!(v.peak_per_second > 200, "far over the limit: {v:?}");
    let o = objective(&broken, "rate limit kept");
    assert!(!o.ok);
    assert!(
        o.detail.starts_with("broke the rate limit:"),
        "{}",
        o.detail
    );
    assert!(
        o.detail.contains("over the limit of 100 per second"),
        "{}",
        o.detail
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supplier_that_drops_one_reaction_in_a_thousand_is_caught_losing_exactly_those_mpans() {
    let dir = tempfile::tempdir().unwrap();
    let text = gains(13, 2000, 500, "4s", "");
    let o = run_reference(profile(dir.path(), &text), &["drops-reaction"]).await;
    let r = &o.report;
    let dropped: BTreeSet<String> = o.dropped_by_reference.iter().cloned().collect();
    assert_eq!(
        dropped.len(),
        2,
        "the reference dropped its 1000th and 2000th: {dropped:?}"
    );
    let lost: BTreeSet<String> = r.lost.iter().map(|l| l.mpan.clone()).collect();
    assert_eq!(lost.len(), 2, "{:?} {:?}", r.families, r.timeline);
    assert_eq!(lost, dropped);
    // Both appointment requests of each dropped gain.
    assert_eq!(r.lost_count, 4, "{:?}", r.lost);
    let kinds: BTreeSet<&str> = r.lost.iter().map(|l| l.reaction.as_str()).collect();
    assert_eq!(kinds, BTreeSet::from(["IF-031 [DSApp]", "IF-031 [MSApp]"]));
    let o = objective(r, "lost = 0");
    assert!(!o.ok);
    for m in &dropped {
        assert!(o.detail.contains(&format!("MPAN {m}")), "{}", o.detail);
    }
    assert_eq!(r.families[0].acknowledged, 2000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_of_two_seconds_mid_run_loses_nothing_against_the_correct_reference() {
    let dir = tempfile::tempdir().unwrap();
    let text = gains(
        14,
        300,
        100,
        "3s",
        "[dip]\noutage = { at = \"500ms\", length = \"2s\" }\n",
    );
    let r = run_reference(profile(dir.path(), &text), &[]).await.report;
    let outage = r.outage.as_ref().unwrap();
    assert!(
        outage.unavailable > 50,
        "submissions met the outage: {outage:?}"
    );
    let f = &r.families[0];
    assert_eq!((f.reactions_expected, f.reactions_received), (600, 600));
    assert_eq!((r.lost_count, r.duplicate_count), (0, 0));
    let unavailable: u64 = r.timeline.iter().map(|s| s.unavailable).sum();
    assert_eq!(unavailable, outage.unavailable);
    // Nothing answered 503 after the outage ended.
    assert!(
        r.timeline
            .iter()
            .filter(|s| s.second >= 3)
            .all(|s| s.unavailable == 0),
        "{:?}",
        r.timeline
    );
    assert!(r.passed(), "{:?}", r.objectives);

    // A supplier that gives up on a 503 loses what met the outage.
    let broken = run_reference(profile(dir.path(), &text), &["no-retry"])
        .await
        .report;
    assert!(broken.lost_count > 0);
    assert!(!objective(&broken, "lost = 0").ok);
}

/// load.json as the command writes it validates against its schema.
fn assert_valid_load_json(json: &serde_json::Value) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report/load.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(json)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn every_shipped_profile_reads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("features/migration/profiles");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let profile = Profile::load(&p).unwrap_or_else(|e| panic!("{e}"));
        assert!(!profile.objectives.is_empty(), "{}", p.display());
        n += 1;
    }
    assert!(n >= 4, "{n} profiles");
    let full = Profile::load(&dir.join("full-size.toml")).unwrap();
    assert_eq!(full.mpan_count, 1_000_000);
    let scheduled = mhhs_qual::load::schedule::Schedule::new(&full.stages, full.duration).len();
    assert!((1_000_000..1_200_000).contains(&scheduled), "{scheduled}");
}

// --- the command line -------------------------------------------------------------------------

const CLI_PROFILE: &str = r#"family = "gain"
[mpans]
seed = 21
count = 60
[[stage]]
kind = "hold"
duration = "1s"
rate = 60
[cap]
time = "20s"
"#;

#[test]
fn the_command_writes_load_json_junit_and_html_and_exits_by_the_objectives() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.toml"), CLI_PROFILE).unwrap();
    let out = common::mhhs_qual(
        dir.path(),
        &["load", "--profile", "p.toml", "--report-dir", "out"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("p: 60 sent, 60 acknowledged"), "{stdout}");
    assert!(stdout.contains("ok   lost = 0: 0"), "{stdout}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/load.json")).unwrap()).unwrap();
    assert_eq!(json["complete"], true);
    assert_eq!(json["families"][0]["sent"], 60);
    assert_valid_load_json(&json);
    for f in ["load.junit.xml", "load.html"] {
        assert!(dir.path().join("out").join(f).is_file(), "{f}");
    }

    let out = common::mhhs_qual(
        dir.path(),
        &[
            "load",
            "--profile",
            "p.toml",
            "--report-dir",
            "out2",
            "--fault",
            "drops-reaction",
        ],
    );
    // 60 gains: the 1000th never comes, so nothing is lost; the run passes.
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out));
    let out = common::mhhs_qual(
        dir.path(),
        &[
            "load",
            "--profile",
            "p.toml",
            "--report-dir",
            "out3",
            "--fault",
            "no-appointment",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("FAIL lost = 0: 120 - 120 expected reactions lost"),
        "{stdout}"
    );
}

#[test]
fn bad_profiles_are_refused_with_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("testdata.csv"),
        "mpan,market_segment\n1035785076048,A\n",
    )
    .unwrap();
    let cases: [(&str, String, &str); 6] = [
        (
            "negative rate",
            CLI_PROFILE.replace("rate = 60", "rate = -60"),
            "neg.toml:8: stage 1's `rate` -60 is not a rate",
        ),
        (
            "zero duration",
            CLI_PROFILE.replace("duration = \"1s\"", "duration = \"0s\""),
            "zero.toml:7: stage 1's duration must be longer than zero",
        ),
        (
            "empty stages",
            format!(
                "stage = []\n{}",
                CLI_PROFILE.split("[[stage]]").next().unwrap()
            ),
            "empty.toml:1: the stage list is empty",
        ),
        (
            "more MPANs than the file",
            CLI_PROFILE.replace("seed = 21", "file = \"testdata.csv\""),
            "the profile asks for 60 MPANs;",
        ),
        (
            "unknown family",
            CLI_PROFILE.replace("\"gain\"", "\"readings\""),
            "family.toml:1: unknown message family \"readings\"; the families are: gain",
        ),
        ("not TOML", "family = gain\n".to_owned(), "toml.toml:1:"),
    ];
    for (what, text, says) in cases {
        let name = says.split(':').next().unwrap_or_default();
        let name = if Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        {
            name
        } else {
            "p.toml"
        };
        std::fs::write(dir.path().join(name), text).unwrap();
        let out = common::mhhs_qual(dir.path(), &["load", "--profile", name]);
        assert_eq!(out.status.code(), Some(2), "{what}: {}", common::text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{what}: {stderr}");
        assert!(!dir.path().join("report/load/load.json").exists(), "{what}");
    }
    // Bad too: a profile for another role's system, and an unknown fault.
    std::fs::write(dir.path().join("p.toml"), CLI_PROFILE).unwrap();
    let out = common::mhhs_qual(
        dir.path(),
        &["load", "--profile", "p.toml", "--fault", "nope"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(common::text(&out).contains("unknown fault \"nope\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_system_that_stops_answering_mid_run_ends_at_the_cap_with_a_verdict() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

    /// Answers the first 30 deliveries at once, then never in time.
    struct Stops(AtomicUsize);
    impl Respond for Stops {
        fn respond(&self, _: &Request) -> ResponseTemplate {
            if self.0.fetch_add(1, Ordering::SeqCst) < 30 {
                ResponseTemplate::new(201)
            } else {
                ResponseTemplate::new(201).set_delay(Duration::from_secs(600))
            }
        }
    }
    let sut = MockServer::start().await;
    Mock::given(wiremock::matchers::method("POST"))
        .respond_with(Stops(AtomicUsize::new(0)))
        .mount(&sut)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let config = common::config(0, &format!("{}/webhook", sut.uri()), "1s");
    let (config, _) = mhhs_qual::config::load_str(&config, "t.toml", Vec::new()).unwrap();
    let p = profile(
        dir.path(),
        &gains(15, 200, 100, "2s", "").replace("time = \"30s\"", "time = \"5s\""),
    );
    let _one = ONE_AT_A_TIME.lock().await;
    let started = Instant::now();
    let o = load::run(
        LoadOptions {
            config,
            systems: SystemUnderTest::External,
            profile: p,
            schemas_dir: None,
            stubs_dir: None,
        },
        std::future::pending(),
        None,
    )
    .await
    .unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(10),
        "the run ended at its cap: {elapsed:?}"
    );
    let r = &o.report;
    let f = &r.families[0];
    assert_eq!(f.sent, 200);
    assert_eq!(f.acknowledged, 30);
    assert_eq!(f.errors, 170, "{f:?}");
    // It never reacted either: every reaction of the 30 acknowledged gains is lost.
    assert_eq!(r.lost_count, 60);
    assert!(!r.passed());
}

#[test]
fn ctrl_c_mid_run_writes_the_partial_results_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.toml"),
        CLI_PROFILE
            .replace("duration = \"1s\"", "duration = \"60s\"")
            .replace("count = 60", "count = 4000")
            .replace("time = \"20s\"", "time = \"90s\""),
    )
    .unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
        .args(["load", "--profile", "p.toml", "--report-dir", "out"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("(partial: interrupted)"), "{stdout}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/load.json")).unwrap()).unwrap();
    assert_eq!(json["complete"], false);
    assert_eq!(json["stopped_by"], "interrupted");
    assert_valid_load_json(&json);
    let sent = json["families"][0]["sent"].as_u64().unwrap();
    assert!(sent > 60 && sent < 4000, "{sent}");
}
