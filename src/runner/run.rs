//! One run: load and select the features, start the harness, run the scenarios through
//! cucumber with our collector, and write the report folder (`junit.xml`, `results.json`,
//! `journal.ndjson`, `index.html`). An interrupted run still writes its report, with unfinished scenarios
//! as errors.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Instant;

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::tag::Ext as _;
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
    #[error(
        "the pack {pack} qualifies a {role} system, but the configuration's participant {dip_id} is a {participant}"
    )]
    WrongRole {
        pack: String,
        role: String,
        dip_id: String,
        participant: String,
    },
    #[error("the selected packs qualify different roles ({0}): run one pack at a time")]
    SeveralRoles(String),
    #[error("{source_name}: the pack {pack} needs a [[counterparty]] of each role {missing}")]
    MissingCounterparties {
        source_name: String,
        pack: String,
        missing: String,
    },
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

/// Runs the selected scenarios and writes the report.
pub async fn run(mut options: RunOptions) -> Result<RunOutcome, RunError> {
    let started_at = crate::dip::now_dt003();
    let started = Instant::now();
    let packs = if !options.paths.is_empty() {
        Vec::new()
    } else if let Some(pack) = &options.pack {
        vec![Pack::find(pack)?]
    } else {
        Pack::shipped()?
    };
    let features = if options.paths.is_empty() {
        Features::of_packs(&packs)?
    } else {
        Features::paths(&options.paths)?
    };
    let mut features = select(features, options.tags.as_deref())?;
    let selected = features.scenarios().count();
    if selected == 0 {
        let why = options
            .tags
            .as_ref()
            .map(|t| format!(" by --tags {t:?}"))
            .unwrap_or_default();
        return Err(RunError::NoScenarios(why));
    }
    // Taken before sharding, so that every shard of a run is misconfigured alike.
    let prompted = prompted(&features);
    if let Some(shard) = options.shard {
        keep_shard(&mut features, &packs, shard);
    }
    let expected: Vec<ScenarioResult> = features.scenarios().map(|(f, s)| pending(f, s)).collect();
    let mut roles: Vec<&str> = packs.iter().map(|p| p.manifest.role.as_str()).collect();
    roles.dedup();
    if roles.len() > 1 {
        return Err(RunError::SeveralRoles(roles.join(", ")));
    }
    let (mut config, systems, concurrency) = if let Some(path) = &options.config {
        if !options.faults.is_empty() {
            return Err(RunError::FaultWithConfig);
        }
        let (c, warnings) = config::load(path)?;
        for w in warnings {
            tracing::warn!("{w}");
        }
        (
            c,
            SystemUnderTest::External,
            options.concurrency.unwrap_or(1),
        )
    } else {
        let text = crate::embedded::file("config/reference.toml")
            .expect("the reference configuration ships");
        let (c, _) = config::load_str(text, "config/reference.toml", Vec::new())?;
        (
            c,
            SystemUnderTest::Reference(options.faults.iter().cloned().collect()),
            options.concurrency.unwrap_or(8),
        )
    };
    if matches!(systems, SystemUnderTest::External)
        && config.prompt_command(config.participant()).is_none()
        && let Some(first) = prompted.first()
    {
        return Err(RunError::NoPromptCommand {
            source_name: config.source.clone(),
            count: prompted.len(),
            first: first.clone(),
        });
    }
    if let Some(role) = roles.first() {
        if options.config.is_none() {
            // The built-in reference participant plays the role the packs qualify.
            (*role).clone_into(&mut config.participants[0].role);
        }
        check_packs(
            &packs,
            &config,
            options.schemas_dir.as_deref(),
            options.stubs_dir.as_deref(),
        )?;
    }
    check_report_dir(&options.report_dir)?;
    let mut info = RunInfo {
        started: started_at,
        duration: started.elapsed(),
        environment: config.environment.clone(),
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
            role: config.participant().role.clone(),
            dip_id: config.participant().dip_id.clone(),
            mpid: config.participant().mpid.clone(),
            reference: matches!(systems, SystemUnderTest::Reference(_)),
            faults: options.faults.clone(),
        },
        exit_code: exit::PASSED,
        interrupted: false,
    };
    if expected.is_empty() {
        // A shard that the hash gave no scenario: nothing to run, and nothing wrong (see
        // `keep_shard`). Its report is empty but whole, so that merging finds every shard.
        write_report(&options.report_dir, &[], &Journal::new(), &info)?;
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
    let harness = Harness::start(
        config,
        HarnessOptions {
            systems,
            schemas_dir: options.schemas_dir.clone(),
            stubs_dir: options.stubs_dir.clone(),
            reference_tls: options.reference_tls,
        },
    )
    .await?;

    let collector = Collector::new(expected, options.progress);
    let cucumber = QualWorld::cucumber::<PathBuf>()
        .with_parser(Prepared(features.features))
        .with_writer(collector.clone())
        .with_default_cli()
        .max_concurrent_scenarios(concurrency.max(1))
        .before(|feature, _rule, scenario, world: &mut QualWorld| {
            let key = super::scenario_key(feature, scenario);
            async move { world.begin(key) }.boxed_local()
        });
    let stop = options.stop.take().unwrap_or_else(|| {
        Box::pin(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    });
    let interrupted = crate::steps::world::HARNESS
        .scope(harness.clone(), async move {
            tokio::select! {
                _ = cucumber.run(()) => false,
                () = stop => true,
            }
        })
        .await;
    harness.stub.flush().await;
    if interrupted {
        collector.interrupt();
    } else {
        collector.finish();
    }
    let (scenarios, undefined) = {
        let c = collector.shared.lock().expect("collector lock");
        (c.scenarios.clone(), c.undefined.clone())
    };
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
    write_report(&options.report_dir, &scenarios, &harness.journal, &info)?;
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

/// Writes the report folder: `junit.xml`, `results.json`, `journal.ndjson`, `index.html`.
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

/// The packs fit the configuration: each qualifies the role of its first participant, and
/// it has the counterparties and the reactions they need.
fn check_packs(
    packs: &[Pack],
    config: &config::Config,
    schemas_dir: Option<&std::path::Path>,
    stubs_dir: Option<&std::path::Path>,
) -> Result<(), RunError> {
    let participant = config.participant();
    // The reactions are checked against the schemas the run uses, as the harness will.
    let schemas = match schemas_dir {
        Some(dir) => std::sync::Arc::new(
            crate::schema::SchemaSet::from_dir(dir).map_err(HarnessError::from)?,
        ),
        None => crate::schema::SchemaSet::embedded().map_err(HarnessError::from)?,
    };
    let reactions =
        crate::stub::Reactions::load(stubs_dir, &schemas).map_err(HarnessError::from)?;
    for p in packs {
        let m = &p.manifest;
        if m.role != participant.role {
            return Err(RunError::WrongRole {
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
            return Err(RunError::MissingCounterparties {
                source_name: config.source.clone(),
                pack: m.name.clone(),
                missing: missing.join(", "),
            });
        }
        if let Some(r) = m
            .reactions
            .iter()
            .find(|r| !reactions.0.iter().any(|x| &x.name == *r))
        {
            return Err(RunError::MissingReaction {
                pack: m.name.clone(),
                reaction: r.clone(),
                stubs: stubs_dir.map_or_else(
                    || "stubs/counterparties.toml".to_owned(),
                    |d| d.join("counterparties.toml").display().to_string(),
                ),
            });
        }
    }
    Ok(())
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
    let Some(expr) = tags else {
        return Ok(features);
    };
    let op = TagOperation::from_str(expr).map_err(|_| RunError::Tags(expr.to_owned()))?;
    for f in &mut features.features {
        let ftags = f.tags.clone();
        f.scenarios.retain(|s| op.eval(s.tags.iter().chain(&ftags)));
        for r in &mut f.rules {
            let rtags: Vec<String> = r.tags.iter().chain(&ftags).cloned().collect();
            r.scenarios.retain(|s| op.eval(s.tags.iter().chain(&rtags)));
        }
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
