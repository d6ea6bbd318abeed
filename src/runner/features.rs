//! Where feature files come from: packs (shipped in the binary or folders of one's own) or
//! paths on disk. Every file is parsed before anything runs, so a broken feature file stops
//! the run (exit 2) naming its file and line; so does a `@catches:` or `@warns:` tag naming a
//! fault the pack role's reference participant does not have, or a fault that a pack both
//! warns about and catches.

use std::path::{Path, PathBuf};

use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, GherkinEnv};

use super::Pack;

/// A feature file's text and the path it is reported under.
#[derive(Debug, Clone)]
pub struct FeatureSource {
    pub path: String,
    pub text: String,
}

/// Why features could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: String,
        line: usize,
        message: String,
    },
    #[error("unknown pack {name:?}; shipped packs: {packs} (or give a folder with a pack.toml)")]
    UnknownPack { name: String, packs: String },
    #[error(
        "{0} is a folder without a pack.toml: give feature paths instead of --pack, or add a pack.toml"
    )]
    NoManifest(String),
    #[error(
        "{path}:{line}: @{tag}:{fault}: the {role} reference participant has no fault {fault:?} (known: {known})"
    )]
    UnknownFault {
        path: String,
        line: usize,
        /// `catches` or `warns`.
        tag: &'static str,
        fault: String,
        role: String,
        known: String,
    },
    #[error(
        "{path}:{line}: @warns:{fault}: the pack also has @catches:{fault} ({other}): a fault either fails scenarios or only warns, never both"
    )]
    WarnsAndCatches {
        path: String,
        line: usize,
        fault: String,
        /// `path:line` of the scenario that catches it.
        other: String,
    },
    #[error("no .feature file in {0}")]
    Empty(String),
}

/// Parsed features, ready to run.
#[derive(Debug, Clone)]
pub struct Features {
    pub features: Vec<gherkin::Feature>,
}

impl Features {
    /// The features of these packs, their `@catches:` tags checked against each pack's role.
    pub fn of_packs(packs: &[Pack]) -> Result<Self, FeatureError> {
        let mut features = Vec::new();
        for p in packs {
            let mut parsed = Self::parse(p.sources.clone())?;
            if let Some(expr) = &p.manifest.select {
                parsed.retain_tags(expr).map_err(|()| FeatureError::Parse {
                    path: format!("{}pack.toml", p.location),
                    line: 1,
                    message: format!("`select` {expr:?} is not a tag expression such as \"@MSS\""),
                })?;
            }
            parsed.check_catches(&p.manifest.role)?;
            features.append(&mut parsed.features);
        }
        Ok(Self { features })
    }

    /// Feature files or folders on disk.
    pub fn paths(paths: &[PathBuf]) -> Result<Self, FeatureError> {
        let mut sources = Vec::new();
        for p in paths {
            let before = sources.len();
            collect(p, &mut sources)?;
            if sources.len() == before {
                return Err(FeatureError::Empty(p.display().to_string()));
            }
        }
        Self::parse(sources)
    }

    /// Parses sources, expanding scenario outlines.
    pub fn parse(mut sources: Vec<FeatureSource>) -> Result<Self, FeatureError> {
        sources.sort_by(|a, b| a.path.cmp(&b.path));
        let mut features = Vec::new();
        for s in sources {
            let mut f = gherkin::Feature::parse(&s.text, GherkinEnv::default())
                .map_err(|e| parse_error(&s.path, &s.text, &e))?;
            f.path = Some(PathBuf::from(&s.path));
            let f = f.expand_examples().map_err(|e| FeatureError::Parse {
                path: s.path.clone(),
                line: e.pos.line,
                message: e.to_string(),
            })?;
            features.push(f);
        }
        Ok(Self { features })
    }

    /// Keeps the scenarios the tag expression selects (feature and rule tags count too).
    #[expect(
        clippy::result_unit_err,
        reason = "callers say which expression and where"
    )]
    pub fn retain_tags(&mut self, expr: &str) -> Result<(), ()> {
        use cucumber::gherkin::tagexpr::TagOperation;
        use cucumber::tag::Ext as _;
        let op: TagOperation = expr.parse().map_err(|_| ())?;
        for f in &mut self.features {
            let ftags = f.tags.clone();
            f.scenarios.retain(|s| op.eval(s.tags.iter().chain(&ftags)));
            for r in &mut f.rules {
                let rtags: Vec<String> = r.tags.iter().chain(&ftags).cloned().collect();
                r.scenarios.retain(|s| op.eval(s.tags.iter().chain(&rtags)));
            }
        }
        Ok(())
    }

    /// Every `@catches:` and `@warns:` tag names a fault of the `role` reference participant,
    /// and no fault is both caught and warned about.
    pub fn check_catches(&self, role: &str) -> Result<(), FeatureError> {
        let known = crate::sut::faults_of(role).unwrap_or_default();
        let path = |f: &gherkin::Feature| {
            f.path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        };
        let mut caught = std::collections::HashMap::new();
        for (f, s) in self.scenarios() {
            let tagged = catches(&s.tags)
                .into_iter()
                .map(|c| ("catches", c.fault))
                .chain(warns(&s.tags).into_iter().map(|w| ("warns", w.fault)));
            for (tag, fault) in tagged {
                if !known.iter().any(|k| k.name == fault) {
                    return Err(FeatureError::UnknownFault {
                        path: path(f),
                        line: s.position.line,
                        tag,
                        fault,
                        role: role.to_owned(),
                        known: known.iter().map(|k| k.name).collect::<Vec<_>>().join(", "),
                    });
                }
                if tag == "catches" {
                    caught
                        .entry(fault)
                        .or_insert_with(|| format!("{}:{}", path(f), s.position.line));
                }
            }
        }
        for (f, s) in self.scenarios() {
            for w in warns(&s.tags) {
                if let Some(other) = caught.get(&w.fault) {
                    return Err(FeatureError::WarnsAndCatches {
                        path: path(f),
                        line: s.position.line,
                        other: other.clone(),
                        fault: w.fault,
                    });
                }
            }
        }
        Ok(())
    }

    /// Every scenario: (feature, scenario), rules included.
    pub fn scenarios(&self) -> impl Iterator<Item = (&gherkin::Feature, &gherkin::Scenario)> {
        self.features.iter().flat_map(|f| {
            f.scenarios
                .iter()
                .chain(f.rules.iter().flat_map(|r| r.scenarios.iter()))
                .map(move |s| (f, s))
        })
    }
}

fn parse_error(path: &str, text: &str, e: &gherkin::ParseError) -> FeatureError {
    // The parser's position fields are private; its message reads "Error at LINE:COL: ...".
    let message = e.to_string();
    let line = message
        .strip_prefix("Error at ")
        .and_then(|r| r.split(':').next())
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| text.lines().count());
    FeatureError::Parse {
        path: path.to_owned(),
        line,
        message: format!("cannot parse the feature file: {message}"),
    }
}

/// What a `@catches:FAULT` or `@catches:FAULT:STEP` tag says: the scenario exists to catch
/// that fault, and fails under it at that step (1-based; the last step when not given). A
/// `@warns:FAULT[:STEP]` tag says the same of a fault that only warns: the scenario passes
/// under it, with a warning raised at that step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catch {
    pub fault: String,
    pub step: Option<usize>,
}

/// The `@catches:` tags among `tags` (written without `@`, as the parser keeps them).
pub fn catches(tags: &[String]) -> Vec<Catch> {
    fault_tags(tags, "catches:")
}

/// The `@warns:` tags among `tags` (written without `@`): faults under which the scenario
/// does not fail but reports a warning showing them (the fault breaks a detail the contract
/// marks *(warn)*).
pub fn warns(tags: &[String]) -> Vec<Catch> {
    fault_tags(tags, "warns:")
}

fn fault_tags(tags: &[String], prefix: &str) -> Vec<Catch> {
    tags.iter()
        .filter_map(|t| t.strip_prefix(prefix))
        .map(|rest| match rest.rsplit_once(':') {
            Some((fault, step)) if step.parse::<usize>().is_ok() => Catch {
                fault: fault.to_owned(),
                step: step.parse().ok(),
            },
            _ => Catch {
                fault: rest.to_owned(),
                step: None,
            },
        })
        .collect()
}

pub(super) fn collect(p: &Path, out: &mut Vec<FeatureSource>) -> Result<(), FeatureError> {
    let meta = std::fs::metadata(p).map_err(|source| FeatureError::Read {
        path: p.display().to_string(),
        source,
    })?;
    if meta.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(p)
            .map_err(|source| FeatureError::Read {
                path: p.display().to_string(),
                source,
            })?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "feature") {
                collect(&e, out)?;
            }
        }
    } else {
        let text = std::fs::read_to_string(p).map_err(|source| FeatureError::Read {
            path: p.display().to_string(),
            source,
        })?;
        out.push(FeatureSource {
            path: p.display().to_string(),
            text,
        });
    }
    Ok(())
}
