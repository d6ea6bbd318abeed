//! One run: load and select the features, start the harness, run the scenarios through
//! cucumber with our collector, and write the report folder (`junit.xml`, `results.json`,
//! `journal.ndjson`, `cucumber.json`, `index.html`, `msc/`). An interrupted run still writes its report, with unfinished scenarios
//! as errors.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Instant;

use cucumber::{World as _, gherkin};
use futures::FutureExt as _;

use super::{Collector, Shard, pending};
use super::{FeatureError, Features, Pack};
use crate::config::{self, ConfigError};
use crate::exit;
use crate::journal::Journal;
use crate::report::ScenarioResult;
use crate::report::results::{self, RunInfo, Selection, ShardOf, Totals};
use crate::session::{Harness, HarnessError, HarnessOptions, SystemUnderTest};
use crate::steps::QualWorld;

/// What to run and where to report.
pub struct RunOptions {
    /// The participant's configuration; without it, the reference participants run in-process.
    pub config: Option<PathBuf>,
    /// A shipped pack's name or alias, or a pack folder.
    pub pack: Option<String>,
    pub paths: Vec<PathBuf>,
    pub tags: Option<String>,
    /// Run only this share of the selected scenarios.
    pub shard: Option<Shard>,
    pub report_dir: PathBuf,
    pub concurrency: Option<usize>,
    pub schemas_dir: Option<PathBuf>,
    pub stubs_dir: Option<PathBuf>,
    /// Faults switched on in the reference participant (runs without a configuration only),
    /// by name.
    pub faults: Vec<String>,
    pub progress: bool,
    /// Mutual TLS on both legs with the in-process reference participant (certificates made
    /// for the run).
    pub reference_tls: bool,
    /// When this completes, the run stops and reports what it has (Ctrl-C by default).
    pub stop: Option<Pin<Box<dyn Future<Output = ()>>>>,
    /// End-to-end packs run through a sandbox that keeps its journal in this database (and
    /// holds what a system does not take), with its live endpoint at `sandbox_listen`.
    pub sandbox_database: Option<PathBuf>,
    pub sandbox_listen: Option<std::net::SocketAddr>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            config: None,
            pack: None,
            paths: Vec::new(),
            tags: None,
            shard: None,
            report_dir: PathBuf::from("report"),
            concurrency: None,
            schemas_dir: None,
            stubs_dir: None,
            faults: Vec::new(),
            progress: false,
            reference_tls: true,
            stop: None,
            sandbox_database: None,
            sandbox_listen: None,
        }
    }
}

/// Why a run could not start (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Features(#[from] FeatureError),
    #[error(transparent)]
    Harness(#[from] HarnessError),
    #[error(transparent)]
    Sandbox(#[from] crate::sandbox::SandboxError),
    #[error(
        "the pack {pack} qualifies a {role} system, but the configuration's participant {dip_id} is a {participant}"
    )]
    WrongRole {
        pack: String,
        role: String,
        dip_id: String,
        participant: String,
    },
    #[error(
        "the selected packs qualify the roles {0}, and none is the participant's: choose a pack with --pack"
    )]
    SeveralRoles(String),
    #[error("{source_name}: the pack {pack} needs a [[counterparty]] of each role {missing}")]
    MissingCounterparties {
        source_name: String,
        pack: String,
        missing: String,
    },
    #[error(
        "{source_name}: the pack {pack} works on the MPANs of the test data the system loaded, and the configuration has no [testdata]: generate the data with `mhhs-qual testdata generate`, load it into the system and add the section it writes"
    )]
    NoTestData { source_name: String, pack: String },
    #[error("the pack {pack} relies on the reaction {reaction:?}, which {stubs} does not declare")]
    MissingReaction {
        pack: String,
        reaction: String,
        stubs: String,
    },
    #[error("--tags {0:?} is not a tag expression such as \"@QT-SUP-001 or @S4\"")]
    Tags(String),
    #[error("no scenario selected{0}: a run in which nothing runs is not a pass")]
    NoScenarios(String),
    #[error("cannot write the report to {path}: {source}")]
    Report {
        path: String,
        source: std::io::Error,
    },
    #[error("--fault works only against the built-in reference participant (without --config)")]
    FaultWithConfig,
    #[error(
        "{count} selected scenario(s) tagged @prompted (the first: {first}) ask the system for work through a prompt command, and {source_name} has none: add `[prompts] command = [...]` to the configuration (CONTRACT-ROLES.md §6.7), or deselect them with --tags \"not @prompted\""
    )]
    NoPromptCommand {
        source_name: String,
        count: usize,
        first: String,
    },
}

/// What a finished (or interrupted) run produced.
#[derive(Debug)]
pub struct RunOutcome {
    pub exit: u8,
    pub totals: Totals,
    pub scenarios: Vec<ScenarioResult>,
    /// `path:line: step` of undefined steps (they make the exit status 2).
    pub undefined: Vec<String>,
    pub interrupted: bool,
    pub report_dir: PathBuf,
    /// Scenarios selected before sharding (the same as `totals.scenarios` without a shard).
    pub selected: usize,
    pub shard: Option<Shard>,
}

/// The scenarios of one role: the packs that qualify it and their selected features.
struct Group {
    packs: Vec<Pack>,
    features: Features,
    /// The role the packs qualify (None for feature paths given by hand).
    role: Option<String>,
}

impl Group {
    /// For end-to-end packs: the roles of the real systems their flows run between.
    fn systems(&self) -> Option<Vec<String>> {
        let e2e: Vec<&Pack> = self.packs.iter().filter(|p| p.manifest.is_e2e()).collect();
        if e2e.is_empty() {
            return None;
        }
        let mut roles: Vec<String> = Vec::new();
        for p in e2e {
            for r in &p.manifest.systems {
                if !roles.contains(r) {
                    roles.push(r.clone());
                }
            }
        }
        Some(roles)
    }
}

/// The packs a run selects, their selected (and sharded) scenarios grouped by role, and how
/// many scenarios were selected before sharding.
fn selection(options: &RunOptions) -> Result<(Vec<Pack>, Vec<Group>, usize), RunError> {
    let packs = if !options.paths.is_empty() {
        Vec::new()
    } else if let Some(pack) = &options.pack {
        vec![Pack::find(pack)?]
    } else {
        Pack::shipped()?
    };
    let mut groups: Vec<Group> = Vec::new();
    if options.paths.is_empty() {
        let mut roles: Vec<String> = packs.iter().map(|p| p.manifest.role.clone()).collect();
        roles.dedup();
        let mut seen = Vec::new();
        for role in roles {
            if seen.contains(&role) {
                continue;
            }
            let of_role: Vec<Pack> = packs
                .iter()
                .filter(|p| p.manifest.role == role)
                .cloned()
                .collect();
            let features = select(Features::of_packs(&of_role)?, options.tags.as_deref())?;
            groups.push(Group {
                packs: of_role,
                features,
                role: Some(role.clone()),
            });
            seen.push(role);
        }
    } else {
        groups.push(Group {
            packs: Vec::new(),
            features: select(Features::paths(&options.paths)?, options.tags.as_deref())?,
            role: None,
        });
    }
    let selected: usize = groups.iter().map(|g| g.features.scenarios().count()).sum();
    if selected == 0 {
        let why = options
            .tags
            .as_ref()
            .map(|t| format!(" by --tags {t:?}"))
            .unwrap_or_default();
        return Err(RunError::NoScenarios(why));
    }
    groups.retain(|g| g.features.scenarios().next().is_some());
    if let Some(shard) = options.shard {
        for g in &mut groups {
            keep_shard(&mut g.features, &packs, shard);
        }
    }
    if options.config.is_some() && groups.len() > 1 {
        // Against a participant's own system, the shipped packs of its role run.
        let (config, _, _) = configure(options, None, None)?;
        let role = config.participant().role.clone();
        let roles: Vec<String> = groups.iter().filter_map(|g| g.role.clone()).collect();
        groups.retain(|g| g.role.as_deref() == Some(role.as_str()));
        if groups.is_empty() {
            return Err(RunError::SeveralRoles(roles.join(", ")));
        }
    }
    Ok((packs, groups, selected))
}

/// Everything the configuration lacks for a group's scenarios: its packs' role,
/// counterparties and reactions, and a prompt command for `@prompted` scenarios run against
/// a system of one's own.
fn problems(
    group: &Group,
    config: &config::Config,
    systems: &SystemUnderTest,
    options: &RunOptions,
) -> Result<Vec<RunError>, RunError> {
    let mut out = if group.role.is_some() {
        pack_problems(
            &group.packs,
            config,
            options.schemas_dir.as_deref(),
            options.stubs_dir.as_deref(),
        )?
    } else {
        Vec::new()
    };
    if matches!(systems, SystemUnderTest::External)
        && config.prompt_command(config.participant()).is_none()
    {
        let prompted = prompted(&group.features);
        if let Some(first) = prompted.first() {
            out.push(RunError::NoPromptCommand {
                source_name: config.source.clone(),
                count: prompted.len(),
                first: first.clone(),
            });
        }
    }
    Ok(out)
}

/// What a run would do, found without starting anything (`run --dry-run`).
#[derive(Debug)]
pub struct Plan {
    /// Where the configuration comes from (`config/reference.toml` for the built-in
    /// reference participants).
    pub config_source: String,
    pub reference: bool,
    pub packs: Vec<PackNeeds>,
    pub scenarios: Vec<Planned>,
    /// Scenarios selected before sharding.
    pub selected: usize,
    pub shard: Option<Shard>,
    /// What the configuration lacks: the run would not start (exit 2).
    pub problems: Vec<RunError>,
}

/// What a pack needs of the configuration, and what the configuration gives.
#[derive(Debug)]
pub struct PackNeeds {
    pub name: String,
    pub role: String,
    pub location: String,
    /// Each stubbed role it needs, with the DIP ID of the configuration's counterparty of
    /// that role (`None`: missing).
    pub counterparties: Vec<(String, Option<String>)>,
    pub reactions: Vec<String>,
    /// The prompt command the configuration gives the system (`None`: none; the built-in
    /// reference participants need none).
    pub prompt_command: Option<String>,
    /// For a pack that works on the system's test data: the configuration's `[testdata]`
    /// (`seed 1, 20000 records`), or `Some(None)` when it has none.
    pub testdata: Option<Option<String>>,
}

/// A scenario (an outline row) that would run.
#[derive(Debug)]
pub struct Planned {
    pub qt_id: Option<String>,
    pub path: String,
    pub line: usize,
    /// The name, with an outline row's values.
    pub name: String,
    pub prompted: bool,
    /// The steps that prompt the system (`When the system is prompted to ...`).
    pub prompts: Vec<String>,
}

/// Selects the scenarios as `run` does and checks that the configuration provides what they
/// need, without starting any server or writing anything.
pub fn plan(options: &RunOptions) -> Result<Plan, RunError> {
    let (_, groups, selected) = selection(options)?;
    let glossary = super::check::Glossary::shipped().ok();
    let values = super::check::Values::shipped();
    let mut plan = Plan {
        config_source: String::new(),
        reference: options.config.is_none(),
        packs: Vec::new(),
        scenarios: Vec::new(),
        selected,
        shard: options.shard,
        problems: Vec::new(),
    };
    for g in &groups {
        let (config, systems, _) = configure(options, g.role.as_deref(), g.systems().as_deref())?;
        config.source.clone_into(&mut plan.config_source);
        plan.problems
            .extend(problems(g, &config, &systems, options)?);
        let prompt_command = config
            .prompt_command(config.participant())
            .map(ToString::to_string);
        plan.packs.extend(g.packs.iter().map(|p| {
            PackNeeds {
                name: p.manifest.name.clone(),
                role: p.manifest.role.clone(),
                location: p.location.clone(),
                counterparties: p
                    .manifest
                    .counterparties
                    .iter()
                    .map(|r| (r.clone(), config.counterparty(r).map(|c| c.dip_id.clone())))
                    .collect(),
                reactions: p.manifest.reactions.clone(),
                prompt_command: prompt_command.clone(),
                testdata: p.manifest.testdata.then(|| {
                    config
                        .testdata
                        .as_ref()
                        .map(|t| format!("seed {}, {} records", t.seed, t.count))
                }),
            }
        }));
        plan.scenarios
            .extend(g.features.scenarios().map(|(f, s)| Planned {
                qt_id: s.tags.iter().find(|t| t.starts_with("QT-")).cloned(),
                path: f
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                line: s.position.line,
                name: super::collector::display_name(s),
                prompted: is_prompted(f, s),
                prompts: glossary
                    .as_ref()
                    .map(|gl| {
                        s.steps
                            .iter()
                            .filter(|step| {
                                matches!(
                                    gl.lookup(step.ty, &step.value, &values),
                                    super::check::Lookup::Defined { phrase, .. } if gl.phrases[phrase].prompts()
                                )
                            })
                            .map(|step| format!("{} {}", step.keyword.trim(), step.value))
                            .collect()
                    })
                    .unwrap_or_default(),
            }));
    }
    Ok(plan)
}

/// Whether a scenario (an outline row: its examples' tags included), its feature or its rule
/// is tagged `@prompted`.
fn is_prompted(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> bool {
    let rule_tags = feature
        .rules
        .iter()
        .find(|r| r.scenarios.iter().any(|s| std::ptr::eq(s, scenario)))
        .map(|r| r.tags.as_slice())
        .unwrap_or_default();
    scenario
        .tags
        .iter()
        .chain(&feature.tags)
        .chain(rule_tags)
        .any(|t| t == PROMPTED)
}

/// Runs the selected scenarios and writes the report. Packs of several roles run one role
/// after another, each against its own built-in reference participant, into one report.
pub async fn run(mut options: RunOptions) -> Result<RunOutcome, RunError> {
    let started_at = crate::dip::now_dt003();
    let started = Instant::now();
    let (packs, groups, selected) = selection(&options)?;
    let mut configs = Vec::new();
    for g in &groups {
        let (config, systems, concurrency) =
            configure(&options, g.role.as_deref(), g.systems().as_deref())?;
        if let Some(first) = problems(g, &config, &systems, &options)?.into_iter().next() {
            return Err(first);
        }
        configs.push((config, systems, concurrency));
    }
    check_report_dir(&options.report_dir)?;
    let Some((first, first_systems, _)) = configs.first() else {
        return Err(RunError::NoScenarios(String::new()));
    };
    let mut info = RunInfo {
        started: started_at,
        duration: started.elapsed(),
        environment: first.environment.clone(),
        selection: Selection {
            packs: packs.iter().map(|p| p.manifest.name.clone()).collect(),
            features: options
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            tags: options.tags.clone(),
            shard: options.shard.map(|s| ShardOf {
                index: s.index,
                total: s.total,
            }),
            selected,
        },
        participant: results::Participant {
            role: first.participant().role.clone(),
            dip_id: first.participant().dip_id.clone(),
            mpid: first.participant().mpid.clone(),
            reference: matches!(first_systems, SystemUnderTest::Reference(_)),
            faults: options.faults.clone(),
        },
        exit_code: exit::PASSED,
        interrupted: false,
    };
    // A sandbox's database continues its journal: this run's entries are numbered after it.
    let after = match &options.sandbox_database {
        Some(db) => crate::store::SqliteStore::open(db)
            .and_then(|s| crate::store::Store::last_seq(&s))
            .map_err(crate::sandbox::SandboxError::from)?,
        None => 0,
    };
    let journal = std::sync::Arc::new(Journal::new().starting_after(after));
    let expected_total: usize = groups.iter().map(|g| g.features.scenarios().count()).sum();
    if expected_total == 0 {
        // A shard that the hash gave no scenario: nothing to run, and nothing wrong (see
        // `keep_shard`). Its report is empty but whole, so that merging finds every shard.
        write_report(&options.report_dir, &[], &journal, &info)?;
        return Ok(RunOutcome {
            exit: exit::PASSED,
            totals: Totals::default(),
            scenarios: Vec::new(),
            undefined: Vec::new(),
            interrupted: false,
            report_dir: options.report_dir,
            selected,
            shard: options.shard,
        });
    }
    let mut stop = options.stop.take().unwrap_or_else(|| {
        Box::pin(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    });
    let mut scenarios = Vec::new();
    let mut undefined = Vec::new();
    let mut interrupted = false;
    for (g, (config, systems, concurrency)) in groups.into_iter().zip(configs) {
        let expected: Vec<ScenarioResult> =
            g.features.scenarios().map(|(f, s)| pending(f, s)).collect();
        if interrupted {
            let collector = Collector::new(expected, false);
            collector.interrupt();
            scenarios.extend(
                collector
                    .shared
                    .lock()
                    .expect("collector lock")
                    .scenarios
                    .clone(),
            );
            continue;
        }
        if expected.is_empty() {
            continue;
        }
        let sandbox = g.systems().is_some();
        let mut kept = None;
        let harness = match (&options.sandbox_database, sandbox) {
            (Some(db), true) => {
                let sb = crate::sandbox::Sandbox::start(
                    config,
                    crate::sandbox::SandboxOptions {
                        database: db.clone(),
                        listen: options
                            .sandbox_listen
                            .unwrap_or_else(|| std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
                        systems,
                        schemas_dir: options.schemas_dir.clone(),
                        stubs_dir: options.stubs_dir.clone(),
                        retain: true,
                        journal: Some(journal.clone()),
                        max_pages: None,
                    },
                )
                .await?;
                let h = sb.harness.clone();
                kept = Some(sb);
                h
            }
            _ => {
                Harness::start(
                    config,
                    HarnessOptions {
                        systems,
                        schemas_dir: options.schemas_dir.clone(),
                        stubs_dir: options.stubs_dir.clone(),
                        // In-process references of a sandbox talk plain HTTP: the legs between
                        // several references add nothing the qualification packs do not prove.
                        reference_tls: options.reference_tls && !sandbox,
                        journal: Some(journal.clone()),
                        quiet_stubs: false,
                        sandbox,
                        hold: None,
                    },
                )
                .await?
            }
        };
        let collector =
            Collector::new(expected, options.progress).with_warnings(harness.warnings.clone());
        let cucumber = QualWorld::cucumber::<PathBuf>()
            .with_parser(Prepared(g.features.features))
            .with_writer(collector.clone())
            .with_default_cli()
            .max_concurrent_scenarios(concurrency.max(1))
            .before(|feature, _rule, scenario, world: &mut QualWorld| {
                let key = super::scenario_key(feature, scenario);
                async move { world.begin(key) }.boxed_local()
            });
        interrupted = crate::steps::world::HARNESS
            .scope(harness.clone(), async {
                tokio::select! {
                    _ = cucumber.run(()) => false,
                    () = &mut stop => true,
                }
            })
            .await;
        harness.stub.flush().await;
        drop(kept);
        if interrupted {
            collector.interrupt();
        } else {
            collector.finish();
        }
        let c = collector.shared.lock().expect("collector lock");
        scenarios.extend(c.scenarios.iter().cloned());
        undefined.extend(c.undefined.iter().cloned());
    }
    let totals = Totals::of(&scenarios);
    let exit = if !undefined.is_empty() {
        exit::MISCONFIGURED
    } else if interrupted || totals.passed != totals.scenarios || totals.scenarios == 0 {
        exit::FAILED
    } else {
        exit::PASSED
    };
    info.duration = started.elapsed();
    info.exit_code = exit;
    info.interrupted = interrupted;
    write_report(&options.report_dir, &scenarios, &journal, &info)?;
    Ok(RunOutcome {
        exit,
        totals,
        scenarios,
        undefined,
        interrupted,
        report_dir: options.report_dir,
        selected,
        shard: options.shard,
    })
}

/// The configuration, systems and concurrency of a run of `role`'s packs: the participant's
/// configuration, or the built-in reference participant of the role. For end-to-end packs
/// (`systems`), every system the flows need: the configuration's participants, or the built-in
/// reference participants of those roles.
fn configure(
    options: &RunOptions,
    role: Option<&str>,
    systems: Option<&[String]>,
) -> Result<(config::Config, SystemUnderTest, usize), RunError> {
    if let Some(path) = &options.config {
        if !options.faults.is_empty() {
            return Err(RunError::FaultWithConfig);
        }
        let (c, warnings) = config::load(path)?;
        for w in warnings {
            tracing::warn!("{w}");
        }
        return Ok((
            c,
            SystemUnderTest::External,
            options.concurrency.unwrap_or(1),
        ));
    }
    let text =
        crate::embedded::file("config/reference.toml").expect("the reference configuration ships");
    let (mut c, _) = config::load_str(text, "config/reference.toml", Vec::new())?;
    if let Some(systems) = systems {
        // The reference participants of the flows' roles, in the pack's order.
        let mut kept = Vec::new();
        for r in systems {
            if let Some(p) = c.participants.iter().find(|p| &p.role == r) {
                kept.push(p.clone());
            }
        }
        c.participants = kept;
    } else if let Some(role) = role {
        // The built-in reference participant of the role goes first; a role without one of
        // its own borrows the first's identity.
        match c.participants.iter().position(|p| p.role == role) {
            Some(i) => c.participants.swap(0, i),
            None => role.clone_into(&mut c.participants[0].role),
        }
    }
    Ok((
        c,
        SystemUnderTest::Reference(options.faults.iter().cloned().collect()),
        options.concurrency.unwrap_or(8),
    ))
}

/// The report folder exists (made if need be) and takes files, checked before the harness
/// starts: a run whose report cannot be written has run for nothing.
fn check_report_dir(dir: &std::path::Path) -> Result<(), RunError> {
    let err = |source| RunError::Report {
        path: dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    let probe = dir.join(format!(".mhhs-qual-write-check-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(err)?;
    std::fs::remove_file(&probe).map_err(err)
}

/// Writes the report folder: `junit.xml`, `results.json`, `journal.ndjson`, `cucumber.json`,
/// `index.html` and the charts in `msc/`.
pub fn write_report(
    dir: &std::path::Path,
    scenarios: &[ScenarioResult],
    journal: &Journal,
    info: &RunInfo,
) -> Result<(), RunError> {
    std::fs::create_dir_all(dir).map_err(|source| RunError::Report {
        path: dir.display().to_string(),
        source,
    })?;
    let report_err = |source| RunError::Report {
        path: dir.display().to_string(),
        source,
    };
    crate::report::write_folder(dir, scenarios, journal, info).map_err(report_err)
}

/// Keeps the scenarios of one shard. A scenario's identity is its pack's name and its file
/// within the pack (or, for feature paths, the path as given: give the same paths in every
/// shard's job), the feature's name and the scenario's name with an outline row's values;
/// never a line number, so adding a scenario to a file moves no other scenario.
fn keep_shard(features: &mut Features, packs: &[Pack], shard: Shard) {
    for f in &mut features.features {
        let path = f
            .path
            .as_ref()
            .map(|p| p.display().to_string().replace('\\', "/"))
            .unwrap_or_default();
        let (pack, file) = packs
            .iter()
            .find_map(|p| {
                let location = p.location.replace('\\', "/");
                path.strip_prefix(location.trim_end_matches('/'))
                    .map(|rest| (p.manifest.name.as_str(), rest.trim_start_matches('/')))
            })
            .unwrap_or(("", path.as_str()));
        let (pack, file) = (pack.to_owned(), file.to_owned());
        let name = f.name.clone();
        let holds = |s: &gherkin::Scenario| {
            let scenario = super::collector::display_name(s);
            shard.holds(&[&pack, &file, &name, &scenario])
        };
        f.scenarios.retain(|s| holds(s));
        for r in &mut f.rules {
            r.scenarios.retain(|s| holds(s));
        }
    }
}

/// Where the packs do not fit the configuration: each qualifies the role of its first
/// participant, and it has the counterparties, the reactions and the test data they need.
/// `Err` when the schemas or the reactions themselves do not load.
fn pack_problems(
    packs: &[Pack],
    config: &config::Config,
    schemas_dir: Option<&std::path::Path>,
    stubs_dir: Option<&std::path::Path>,
) -> Result<Vec<RunError>, RunError> {
    let participant = config.participant();
    // The reactions are checked against the schemas the run uses, as the harness will.
    let schemas = match schemas_dir {
        Some(dir) => std::sync::Arc::new(
            crate::schema::SchemaSet::from_dir(dir).map_err(HarnessError::from)?,
        ),
        None => crate::schema::SchemaSet::embedded().map_err(HarnessError::from)?,
    };
    let reactions = if packs.iter().any(|p| p.manifest.is_e2e()) {
        crate::stub::Reactions::load_sandbox(stubs_dir, &schemas)
    } else {
        crate::stub::Reactions::load(stubs_dir, &schemas)
    }
    .map_err(HarnessError::from)?;
    let mut out = Vec::new();
    for p in packs {
        let m = &p.manifest;
        if m.is_e2e() {
            // Several systems, none of them the pack's: the flows check whom they need.
        } else if m.role != participant.role {
            out.push(RunError::WrongRole {
                pack: m.name.clone(),
                role: m.role.clone(),
                dip_id: participant.dip_id.clone(),
                participant: participant.role.clone(),
            });
        }
        let missing: Vec<&str> = m
            .counterparties
            .iter()
            .filter(|r| config.counterparty(r).is_none())
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            out.push(RunError::MissingCounterparties {
                source_name: config.source.clone(),
                pack: m.name.clone(),
                missing: missing.join(", "),
            });
        }
        if m.testdata && config.testdata.is_none() {
            out.push(RunError::NoTestData {
                source_name: config.source.clone(),
                pack: m.name.clone(),
            });
        }
        for r in m
            .reactions
            .iter()
            .filter(|r| !reactions.0.iter().any(|x| &x.name == *r))
        {
            out.push(RunError::MissingReaction {
                pack: m.name.clone(),
                reaction: r.clone(),
                stubs: stubs_dir.map_or_else(
                    || "stubs/counterparties.toml".to_owned(),
                    |d| d.join("counterparties.toml").display().to_string(),
                ),
            });
        }
    }
    Ok(out)
}

/// The tag of scenarios that prompt the system (CONTRACT-ROLES.md §6.7), as the parser keeps
/// it (without `@`).
const PROMPTED: &str = "prompted";

/// The selected scenarios tagged `@prompted` (on themselves, their rule, their feature or one
/// of their examples), as `path:line name`: a run whose system has no prompt command cannot
/// run them.
fn prompted(features: &Features) -> Vec<String> {
    features
        .features
        .iter()
        .flat_map(|f| {
            let own = f.scenarios.iter().map(move |s| (f, &[][..], s));
            let ruled = f
                .rules
                .iter()
                .flat_map(move |r| r.scenarios.iter().map(move |s| (f, &r.tags[..], s)));
            own.chain(ruled)
        })
        .filter(|(f, rule_tags, s)| {
            s.tags
                .iter()
                .chain(rule_tags.iter())
                .chain(&f.tags)
                .chain(s.examples.iter().flat_map(|e| &e.tags))
                .any(|t| t == PROMPTED)
        })
        .map(|(f, _, s)| {
            let path = f
                .path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            format!("{path}:{} {}", s.position.line, s.name)
        })
        .collect()
}

/// Keeps the scenarios the tag expression selects (feature and rule tags count too).
fn select(mut features: Features, tags: Option<&str>) -> Result<Features, RunError> {
    if let Some(expr) = tags {
        features
            .retain_tags(expr)
            .map_err(|()| RunError::Tags(expr.to_owned()))?;
    }
    Ok(features)
}

/// A parser that hands cucumber features parsed and selected beforehand.
struct Prepared(Vec<gherkin::Feature>);

impl<I> cucumber::Parser<I> for Prepared {
    type Cli = cucumber::cli::Empty;
    type Output =
        futures::stream::Iter<std::vec::IntoIter<cucumber::parser::Result<gherkin::Feature>>>;

    fn parse(self, _: I, _: Self::Cli) -> Self::Output {
        futures::stream::iter(self.0.into_iter().map(Ok).collect::<Vec<_>>())
    }
}
