//! Every shipped pack against its role's in-process reference participant: the pack passes
//! when the participant is correct, and each fault switch fails exactly the scenarios whose
//! `@catches:` tags name it, at exactly the step the tag names, with a reason that shows the
//! broken behaviour. A fault that breaks only a detail the contract marks *(warn)* fails
//! nothing: the run passes (exit 0), and exactly the scenarios whose `@warns:` tags name it
//! carry a warning that shows it, raised at the step the tag names. The expectations are read
//! from the feature files; the fault list is the reference participant's own, less the faults
//! only a load run shows (`sut::fault::LOAD_ONLY`, caught by the load verdicts).

use std::collections::{BTreeMap, BTreeSet};

use mhhs_qual::report::{ScenarioResult, Status};
use mhhs_qual::runner::{Features, Pack, RunOptions, catches, run, warns};

/// A scenario (or outline row) and the step (1-based) a fault must fail, or raise its
/// warning at: `QT-SUP-063 line 41 step 3`.
type Site = (String, usize, usize);

fn pack(name: &str) -> Pack {
    Pack::find(name).unwrap()
}

/// The faults of the reference participant of `role` that some scenario of its pack must catch
/// or warn about: all but those only a load run shows.
fn pack_faults(role: &str) -> Vec<String> {
    mhhs_qual::sut::faults_of(role)
        .unwrap()
        .iter()
        .map(|f| f.name)
        .filter(|f| !mhhs_qual::sut::fault::LOAD_ONLY.contains(f))
        .map(str::to_owned)
        .collect()
}

/// The role a pack qualifies.
fn role(name: &str) -> String {
    pack(name).manifest.role
}

/// What the `@catches:` tags of the pack expect of each fault: the sites it fails.
fn expected(name: &str) -> BTreeMap<String, BTreeSet<Site>> {
    sites(name, catches)
}

/// What the `@warns:` tags of the pack expect of each fault: the sites it warns at.
fn warned(name: &str) -> BTreeMap<String, BTreeSet<Site>> {
    sites(name, warns)
}

/// The sites of each fault that `tags` reads from a scenario's tags (the last step when a
/// tag names none).
fn sites(
    name: &str,
    tags: fn(&[String]) -> Vec<mhhs_qual::runner::Catch>,
) -> BTreeMap<String, BTreeSet<Site>> {
    let features = Features::of_packs(&[pack(name)]).unwrap();
    let mut out: BTreeMap<String, BTreeSet<Site>> = BTreeMap::new();
    for (_, s) in features.scenarios() {
        let qt = s
            .tags
            .iter()
            .find(|t| t.starts_with("QT-"))
            .cloned()
            .unwrap_or_default();
        for c in tags(&s.tags) {
            let step = c.step.unwrap_or(s.steps.len());
            out.entry(c.fault)
                .or_default()
                .insert((qt.clone(), s.position.line, step));
        }
    }
    out
}

/// The packs' runs share the machine; a load (the `migration` pack) runs alone, since what it
/// judges is timing.
static MACHINE: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

async fn run_with(name: &str, faults: Vec<String>) -> (u8, Vec<ScenarioResult>) {
    let (_shared, _alone) = if name == "migration" {
        (None, Some(MACHINE.write().await))
    } else {
        (Some(MACHINE.read().await), None)
    };
    let dir = tempfile::tempdir().unwrap();
    let outcome = run(RunOptions {
        pack: Some(name.into()),
        report_dir: dir.path().to_owned(),
        faults,
        ..RunOptions::default()
    })
    .await
    .expect("the run starts");
    assert!(dir.path().join("junit.xml").exists());
    assert!(dir.path().join("results.json").exists());
    assert!(dir.path().join("journal.ndjson").exists());
    (outcome.exit, outcome.scenarios)
}

/// Runs `name` against the correct reference: every scenario passes and the run exits 0
/// (`context` names the run in a failure, such as a soak test's round).
async fn assert_passes(name: &str, context: &str) -> Vec<ScenarioResult> {
    let (exit, scenarios) = run_with(name, Vec::new()).await;
    let failed: Vec<String> = scenarios
        .iter()
        .filter(|s| s.status != Status::Passed)
        .map(|s| format!("{} line {}: {:?}", s.name, s.line, s.failure))
        .collect();
    assert!(failed.is_empty(), "{context}{name}: {failed:#?}");
    assert_eq!(exit, 0, "{context}{name}");
    scenarios
}

/// The `expected:` and `arrived instead:` lines of a failed step's message.
fn reason(message: &str) -> String {
    message
        .lines()
        .filter(|l| l.starts_with("expected: ") || l.starts_with("arrived instead: "))
        .collect::<Vec<_>>()
        .join(" / ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pack_passes_against_the_reference_supplier() {
    let (exit, scenarios) = run_with("supplier", Vec::new()).await;
    let failed: Vec<_> = scenarios
        .iter()
        .filter(|s| s.status != Status::Passed)
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(exit, 0);
    assert_no_warnings(&scenarios);
    let ids: BTreeSet<&str> = scenarios.iter().filter_map(|s| s.qt_id()).collect();
    // S1 to S7, each level-3 code, three segments, 503 and 429, each signature fault: 23 ids;
    // 37 testcases (the outlines' rows: 7 notifications, 4 missing headers, and the metering
    // and data service requests of QT-SUP-020, 030, 031, 032, 040 and 064).
    assert_eq!(ids.len(), 23, "{ids:?}");
    assert_eq!(scenarios.len(), 37);
}

/// A correct system raises no warning.
fn assert_no_warnings(scenarios: &[ScenarioResult]) {
    let warned: Vec<_> = scenarios
        .iter()
        .filter(|s| !s.warnings.is_empty())
        .map(|s| (s.qt_id(), s.line, &s.warnings))
        .collect();
    assert!(
        warned.is_empty(),
        "a correct system raises no warning: {warned:?}"
    );
}

/// Every scenario of `name` catches a fault, and every fault of its role is caught or
/// warned about, never both.
fn catches_and_caught(name: &str, generated: &[&str]) {
    let expected = expected(name);
    let faults: BTreeSet<String> = pack_faults(&role(name)).into_iter().collect();
    let caught: BTreeSet<String> = expected.keys().cloned().collect();
    let warned: BTreeSet<String> = warned(name).keys().cloned().collect();
    assert!(
        caught.is_disjoint(&warned),
        "{name}: faults both caught and warned about: {:?}",
        caught.intersection(&warned).collect::<Vec<_>>()
    );
    let tagged: BTreeSet<String> = caught.union(&warned).cloned().collect();
    assert_eq!(
        faults, tagged,
        "{name}: faults no scenario catches or warns about, or tags of no fault"
    );
    let features = Features::of_packs(&[pack(name)]).unwrap();
    let uncaught: Vec<String> = features
        .scenarios()
        .filter(|(_, s)| catches(&s.tags).is_empty())
        .map(|(_, s)| format!("{} line {}", s.name, s.position.line))
        .collect();
    assert!(
        uncaught.is_empty(),
        "{name}: scenarios that catch no fault: {uncaught:?}"
    );
    if !generated.is_empty() {
        let generated: BTreeSet<String> = generated.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(generated, faults, "a fault without its test");
    }
}

/// Every `Then` step of `name` is the failing step of some fault, or the step at which one
/// raises its warning.
fn then_steps_fail(name: &str) {
    let features = Features::of_packs(&[pack(name)]).unwrap();
    let sites: BTreeSet<(usize, usize)> = expected(name)
        .values()
        .chain(warned(name).values())
        .flatten()
        .map(|(_, line, step)| (*line, *step))
        .collect();
    let mut never = Vec::new();
    for (_, s) in features.scenarios() {
        for (i, step) in s.steps.iter().enumerate() {
            if step.ty == mhhs_qual::runner::StepType::Then
                && !sites.contains(&(s.position.line, i + 1))
            {
                never.push(format!(
                    "{} (line {}) step {}: {}",
                    s.name,
                    s.position.line,
                    i + 1,
                    step.value
                ));
            }
        }
    }
    assert!(
        never.is_empty(),
        "{name}: Then steps that no fault makes fail or warn (each needs a @catches:FAULT:STEP or @warns:FAULT:STEP):\n{}",
        never.join("\n")
    );
}

#[test]
fn every_scenario_catches_a_fault_and_every_fault_is_caught() {
    catches_and_caught("supplier", FAULT_TESTS);
}

#[test]
fn every_then_step_is_the_failing_step_of_some_fault() {
    then_steps_fail("supplier");
}

/// Runs the pack with `fault` on and compares what failed, where and why, with the tags.
/// A mismatch is returned as text (not a panic: cucumber's panic hook keeps panics quiet).
async fn check_fault(fault: &str) -> Result<(), Mismatch> {
    check("supplier", fault).await.map_err(Mismatch)
}

/// What a fault test reports: its text as it is, lines and all.
struct Mismatch(String);

impl std::fmt::Debug for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

async fn check(name: &str, fault: &str) -> Result<(), String> {
    let role = role(name);
    let shows = mhhs_qual::sut::faults_of(&role)
        .unwrap()
        .into_iter()
        .find(|f| f.name == fault)
        .ok_or_else(|| format!("{fault} is not a fault of the reference {role}"))?
        .shows;
    if let Some(want) = warned(name).remove(fault) {
        let (exit, scenarios) = run_with(name, vec![fault.to_owned()]).await;
        return compare_warnings(fault, shows, &want, exit, &scenarios);
    }
    let want = expected(name).remove(fault).unwrap_or_default();
    let (exit, scenarios) = run_with(name, vec![fault.to_owned()]).await;
    compare(fault, shows, &want, exit, &scenarios)
}

/// What the pack did under a fault that only warns, against what its `@warns:` tags say:
/// nothing failed and the run passed (exit 0), and exactly the sites of `want` carry
/// warnings, each scenario one that shows `shows` raised at its tagged step.
fn compare_warnings(
    fault: &str,
    shows: &str,
    want: &BTreeSet<Site>,
    exit: u8,
    scenarios: &[ScenarioResult],
) -> Result<(), String> {
    let mut problems = Vec::new();
    for s in scenarios.iter().filter(|s| s.status != Status::Passed) {
        problems.push(format!(
            "{} line {} did not pass ({:?}): a fault that only warns fails nothing: {}",
            s.qt_id().unwrap_or_default(),
            s.line,
            s.status,
            s.failure.as_deref().unwrap_or_default()
        ));
    }
    let mut got = BTreeSet::new();
    for s in scenarios.iter().filter(|s| !s.warnings.is_empty()) {
        let qt = s.qt_id().unwrap_or_default();
        let showing: Vec<_> = s
            .warnings
            .iter()
            .filter(|w| w.text.contains(shows))
            .collect();
        if showing.is_empty() {
            problems.push(format!(
                "{qt} line {}: no warning shows {shows:?}: {:?}",
                s.line, s.warnings
            ));
        }
        // The step each warning was raised at, 1-based among the steps that ran.
        for w in showing {
            match s.steps.iter().position(|st| Some(st.line) == w.step) {
                Some(i) => {
                    got.insert((qt.to_owned(), s.line, i + 1));
                }
                None => problems.push(format!(
                    "{qt} line {}: a warning not raised at one of its steps: {w:?}",
                    s.line
                )),
            }
        }
    }
    if got != *want {
        problems.push(format!(
            "the scenarios and steps that warned are not those the tags name\n  tagged: {want:?}\n  warned: {got:?}"
        ));
    }
    if exit != 0 {
        problems.push(format!("the run must pass with exit status 0, not {exit}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{fault}:\n{}", problems.join("\n")))
    }
}

/// Every fault of the role of `name` against the pack, two at a time; every mismatch is
/// reported.
async fn check_every_fault(name: &str) -> Result<(), Mismatch> {
    use futures::StreamExt as _;
    let faults = pack_faults(&role(name));
    let failures: Vec<String> = futures::stream::iter(faults)
        .map(|f| async move { check(name, &f).await.err() })
        .buffer_unordered(2)
        .filter_map(|r| async move { r })
        .collect()
        .await;
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Mismatch(failures.join("\n\n")))
    }
}

/// The metering-service, data-service and distributor packs: correct passes, every fault
/// caught where its tags say.
macro_rules! role_pack_tests {
    ($($module:ident => $name:literal),* $(,)?) => {
        $(
            mod $module {
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn passes_against_the_reference() {
                    let scenarios = assert_passes($name, "").await;
                    assert_no_warnings(&scenarios);
                }

                #[test]
                fn every_scenario_catches_a_fault_and_every_fault_is_caught() {
                    catches_and_caught($name, &[]);
                }

                #[test]
                fn every_then_step_is_the_failing_step_of_some_fault() {
                    then_steps_fail($name);
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn every_fault_fails_exactly_its_tagged_steps() -> Result<(), Mismatch> {
                    check_every_fault($name).await
                }
            }
        )*
    };
}

role_pack_tests! {
    mss => "mss",
    msa => "msa",
    umso => "umso",
    sds => "sds",
    ads => "ads",
    umsds => "umsds",
    ldso => "ldso",
}

/// The `migration` pack: load profiles as scenarios against the reference supplier. It passes
/// when the supplier is correct; it catches the faults only a load shows; and each fault its
/// tags name fails exactly the tagged steps, one fault at a time (a load judges timing). The
/// supplier's other faults are the supplier pack's to catch.
mod migration {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn passes_against_the_reference() {
        let scenarios = assert_passes("migration", "").await;
        assert_no_warnings(&scenarios);
        assert_eq!(scenarios.len(), 3);
    }

    #[test]
    fn catches_the_faults_only_a_load_shows_and_every_scenario_catches_one() {
        let caught = expected("migration");
        for f in mhhs_qual::sut::fault::LOAD_ONLY {
            assert!(caught.contains_key(*f), "no scenario catches {f}");
        }
        let features = Features::of_packs(&[pack("migration")]).unwrap();
        for (_, s) in features.scenarios() {
            assert!(!catches(&s.tags).is_empty(), "{} catches nothing", s.name);
        }
    }

    #[test]
    fn every_then_step_is_the_failing_step_of_some_fault() {
        then_steps_fail("migration");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_fault_it_names_fails_exactly_its_tagged_steps() -> Result<(), Mismatch> {
        let faults: BTreeSet<String> = expected("migration")
            .into_keys()
            .chain(warned("migration").into_keys())
            .collect();
        let mut failures = Vec::new();
        for f in faults {
            if let Err(e) = check("migration", &f).await {
                failures.push(e);
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(Mismatch(failures.join("\n\n")))
        }
    }
}

/// The `e2e` pack: flows across three in-process reference participants (SUP, MSS, SDS)
/// through the sandbox's router. It passes when all three are correct; each fault its tags
/// name (`ROLE:fault`) fails exactly the tagged steps, at the hop of that role, with a reason
/// that shows the broken behaviour.
mod e2e {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn passes_against_the_references() {
        let scenarios = assert_passes("e2e", "").await;
        assert_no_warnings(&scenarios);
        // E1, and E3 on three days.
        assert_eq!(scenarios.len(), 4);
    }

    #[test]
    fn every_scenario_catches_a_fault_of_each_role_it_runs() {
        let features = Features::of_packs(&[pack("e2e")]).unwrap();
        for (_, s) in features.scenarios() {
            assert!(!catches(&s.tags).is_empty(), "{} catches nothing", s.name);
        }
        let roles: BTreeSet<String> = expected("e2e")
            .keys()
            .filter_map(|f| f.split_once(':').map(|(r, _)| r.to_owned()))
            .collect();
        assert_eq!(
            roles,
            ["MSS", "SDS", "SUP"]
                .map(str::to_owned)
                .into_iter()
                .collect()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_fault_it_names_fails_exactly_its_tagged_steps() -> Result<(), Mismatch> {
        let faults: BTreeSet<String> = expected("e2e")
            .into_keys()
            .chain(warned("e2e").into_keys())
            .collect();
        let mut failures = Vec::new();
        for f in faults {
            if let Err(e) = check("e2e", &f).await {
                failures.push(e);
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(Mismatch(failures.join("\n\n")))
        }
    }
}

/// What the pack did under `fault` against what its tags say: exactly the sites of `want`
/// failed, each as a failure whose reason shows `shows`, and the run failed.
fn compare(
    fault: &str,
    shows: &str,
    want: &BTreeSet<Site>,
    exit: u8,
    scenarios: &[ScenarioResult],
) -> Result<(), String> {
    let mut got = BTreeSet::new();
    let mut table = Vec::new();
    let mut bad = false;
    for s in scenarios {
        if s.status == Status::Passed {
            continue;
        }
        let (step, message) = s
            .steps
            .iter()
            .enumerate()
            .find(|(_, st)| st.status != Status::Passed)
            .map(|(i, st)| (i + 1, st.message.clone().unwrap_or_default()))
            .unwrap_or((0, s.failure.clone().unwrap_or_default()));
        let why = reason(&message);
        let mut problems = Vec::new();
        if s.status != Status::Failed {
            problems.push("could not be judged (an error, not a failure)".to_owned());
        }
        if !why.contains(shows) {
            problems.push(format!("does not show {shows:?}"));
        }
        table.push(format!(
            "@catches:{fault}:{step} on {} line {}{}: {why}",
            s.qt_id().unwrap_or_default(),
            s.line,
            if problems.is_empty() {
                String::new()
            } else {
                format!(" [{}]", problems.join("; "))
            }
        ));
        bad |= !problems.is_empty();
        got.insert((s.qt_id().unwrap_or_default().to_owned(), s.line, step));
    }
    if got != *want {
        return Err(format!(
            "{fault}: the scenarios and steps that failed are not those the tags name\n  tagged: {want:?}\n  failed: {got:?}\nwhat failed:\n{}",
            table.join("\n")
        ));
    }
    if bad {
        return Err(format!(
            "{fault}: failures that are errors, or whose reason does not show the broken behaviour:\n{}",
            table.join("\n")
        ));
    }
    if exit != 1 {
        return Err(format!(
            "{fault}: the run must fail with exit status 1, not {exit}"
        ));
    }
    Ok(())
}

/// The comparison is strict: a step that stops checking, a fault that crashes the
/// reference, an error instead of a failure or a reason that names something else are each
/// reported, not counted as caught.
#[test]
fn the_comparison_refuses_what_proves_nothing() {
    use mhhs_qual::report::StepResult;
    let step = |text: &str, status: Status, message: Option<&str>| StepResult {
        keyword: "Then ".into(),
        text: text.into(),
        line: 0,
        status,
        message: message.map(str::to_owned),
        duration_ns: 0,
    };
    let scenario = |line: usize, status: Status, steps: Vec<StepResult>| ScenarioResult {
        key: format!("f.feature:{line}"),
        feature_path: "f.feature".into(),
        feature: "F".into(),
        name: "S".into(),
        tags: vec!["QT-X-001".into()],
        line,
        status,
        steps,
        duration: std::time::Duration::ZERO,
        failure: None,
        retries: 0,
        warnings: Vec::new(),
        source: mhhs_qual::report::Source::default(),
        started: None,
        step_started: None,
    };
    let unsigned = "expected: every submission signed / arrived instead: X-DIP-Signature missing";
    let good = |line| {
        scenario(
            line,
            Status::Failed,
            vec![
                step("a", Status::Passed, None),
                step(
                    "signed",
                    Status::Failed,
                    Some(&unsigned.replace(" / ", "\n")),
                ),
            ],
        )
    };
    let want: BTreeSet<Site> = [("QT-X-001".to_owned(), 7, 2)].into();
    assert_eq!(
        compare("f", "X-DIP-Signature", &want, 1, &[good(7)]),
        Ok(())
    );
    // The checking step was weakened: the scenario passes.
    let weakened = scenario(7, Status::Passed, vec![step("a", Status::Passed, None)]);
    assert!(compare("f", "X-DIP-Signature", &want, 1, &[weakened]).is_err());
    // The reference crashed: the scenario fails earlier, and so does another.
    let crashed = |line| {
        scenario(
            line,
            Status::Failed,
            vec![step(
                "a",
                Status::Failed,
                Some("expected: 201\narrived instead: no answer"),
            )],
        )
    };
    assert!(compare("f", "X-DIP-Signature", &want, 1, &[crashed(7), crashed(9)]).is_err());
    // An error is not a failure; a reason naming something else proves nothing.
    let mut error = good(7);
    error.status = Status::Error;
    assert!(compare("f", "X-DIP-Signature", &want, 1, &[error]).is_err());
    assert!(compare("f", "transactionID", &want, 1, &[good(7)]).is_err());
    // One more failing scenario than tagged is a mismatch too.
    assert!(compare("f", "X-DIP-Signature", &want, 1, &[good(7), good(9)]).is_err());

    // A fault that only warns: the tagged scenario passed with a warning showing it, raised
    // at the tagged step (the second, at line 12), and the run passed.
    let warning = |text: &str, step: Option<usize>| mhhs_qual::report::Warning {
        rule: "G4".into(),
        text: text.into(),
        step,
    };
    let warned = |line: usize, status: Status, warnings| {
        let mut s = scenario(
            line,
            status,
            vec![
                step("a", Status::Passed, None),
                step("b", Status::Passed, None),
            ],
        );
        s.steps[0].line = 11;
        s.steps[1].line = 12;
        s.warnings = warnings;
        s
    };
    let shows = "but S1.senderRoleID is";
    let text = "names role MSS but S1.senderRoleID is SUP";
    let want: BTreeSet<Site> = [("QT-X-001".to_owned(), 7, 2)].into();
    let ok = warned(7, Status::Passed, vec![warning(text, Some(12))]);
    assert_eq!(
        compare_warnings("w", shows, &want, 0, std::slice::from_ref(&ok)),
        Ok(())
    );
    // The run failed, or the scenario did.
    assert!(compare_warnings("w", shows, &want, 1, std::slice::from_ref(&ok)).is_err());
    let failed = warned(7, Status::Failed, vec![warning(text, Some(12))]);
    assert!(compare_warnings("w", shows, &want, 1, &[failed]).is_err());
    // No warning, a warning that shows something else, one raised at another step or at no
    // step of the scenario.
    assert!(compare_warnings("w", shows, &want, 0, &[warned(7, Status::Passed, vec![])]).is_err());
    let other = warned(7, Status::Passed, vec![warning("names DIP ID", Some(12))]);
    assert!(compare_warnings("w", shows, &want, 0, &[other]).is_err());
    let early = warned(7, Status::Passed, vec![warning(text, Some(11))]);
    assert!(compare_warnings("w", shows, &want, 0, &[early]).is_err());
    let nowhere = warned(7, Status::Passed, vec![warning(text, None)]);
    assert!(compare_warnings("w", shows, &want, 0, &[nowhere]).is_err());
    // One more scenario warning than tagged.
    let extra = warned(9, Status::Passed, vec![warning(text, Some(12))]);
    assert!(compare_warnings("w", shows, &want, 0, &[ok, extra]).is_err());
}

macro_rules! fault_tests {
    ($($test:ident => $name:literal),* $(,)?) => {
        /// The faults the tests below run, one test each.
        const FAULT_TESTS: &[&str] = &[$($name),*];
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() -> Result<(), Mismatch> {
                check_fault($name).await
            }
        )*
    };
}

fault_tests! {
    fault_slow_ack => "slow-ack",
    fault_wrong_echo => "wrong-echo",
    fault_accept_schema_failure => "accept-schema-failure",
    fault_accept_wrong_environment => "accept-wrong-environment",
    fault_accept_unknown_event => "accept-unknown-event",
    fault_accept_wrong_schema_version => "accept-wrong-schema-version",
    fault_accept_bad_check_digit => "accept-bad-check-digit",
    fault_accept_non_json => "accept-non-json",
    fault_accept_unknown_interface => "accept-unknown-interface",
    fault_react_to_rejected => "react-to-rejected",
    fault_partial_batch => "partial-batch",
    fault_not_idempotent => "not-idempotent",
    fault_reject_repeat => "reject-repeat",
    fault_bad_timestamp => "bad-timestamp",
    fault_reuse_reference => "reuse-reference",
    fault_wrong_environment_tag => "wrong-environment-tag",
    fault_reference_names_other_role => "reference-names-other-role",
    fault_m0_not_as_delivered => "m0-not-as-delivered",
    fault_no_retry => "no-retry",
    fault_retry_new_reference => "retry-new-reference",
    fault_resubmit_on_400 => "resubmit-on-400",
    fault_accept_missing_date => "accept-missing-date",
    fault_accept_missing_hash => "accept-missing-hash",
    fault_accept_missing_signature => "accept-missing-signature",
    fault_accept_missing_certificate => "accept-missing-certificate",
    fault_hash_not_checked => "hash-not-checked",
    fault_no_clock_check => "no-clock-check",
    fault_any_certificate => "any-certificate",
    fault_react_to_bad_signature => "react-to-bad-signature",
    fault_unsigned_submissions => "unsigned-submissions",
    fault_signs_url_as_is => "signs-url-as-is",
    fault_no_appointment => "no-appointment",
    fault_smart_services_only => "smart-services-only",
    fault_wrong_recipient => "wrong-recipient",
    fault_wrong_scenario => "wrong-scenario",
    fault_refuse_appointment_response => "refuse-appointment-response",
    fault_gain_by_content => "gain-by-content",
}

/// The correct reference metering services, data services and distributor pass every
/// scenario of their packs 20 times in a row at concurrency 8: the packs do not depend on
/// luck. A soak test, run by `.ci/run` (`cargo test --test pack -- --ignored`), not by the
/// default suite.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a soak test of a few minutes: .ci/run runs it"]
async fn the_metering_data_and_distributor_packs_pass_twenty_times_in_a_row() {
    for round in 1..=20 {
        for name in ["mss", "msa", "umso", "sds", "ads", "umsds", "ldso"] {
            assert_passes(name, &format!("round {round}, ")).await;
        }
    }
}

/// The correct reference supplier passes the migration pack's loads 5 times in a row: its
/// timing verdicts (the rate limit, acknowledgements within the timeout) do not depend on
/// luck. A soak test, run by `.ci/run`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a soak test of a minute or two: .ci/run runs it"]
async fn the_migration_pack_passes_five_times_in_a_row() {
    for round in 1..=5 {
        assert_passes("migration", &format!("round {round}, ")).await;
    }
}
