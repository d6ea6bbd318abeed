//! Where feature files come from: the packs shipped in the binary or paths on disk. Every file
//! is parsed before anything runs, so a broken feature file stops the run (exit 2) naming its
//! file and line.

use std::path::{Path, PathBuf};

use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, GherkinEnv};

use crate::embedded;

/// The shipped packs: name, folder, and the role of the reference participant they run against.
pub const PACKS: [(&str, &str, &str); 1] =
    [("supplier", "features/qualification/supplier/", "SUP")];

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
    #[error("unknown pack {0:?}; shipped packs: {packs}", packs = PACKS.iter().map(|p| p.0).collect::<Vec<_>>().join(", "))]
    UnknownPack(String),
    #[error("no .feature file in {0}")]
    Empty(String),
}

/// Parsed features, ready to run.
#[derive(Debug, Clone)]
pub struct Features {
    pub features: Vec<gherkin::Feature>,
}

impl Features {
    /// The shipped pack of that name.
    pub fn pack(name: &str) -> Result<Self, FeatureError> {
        let (_, folder, _) = PACKS
            .iter()
            .find(|p| p.0 == name)
            .ok_or_else(|| FeatureError::UnknownPack(name.to_owned()))?;
        Self::parse(
            embedded::under(folder)
                .filter(|(p, _)| p.ends_with(".feature"))
                .map(|(p, t)| FeatureSource {
                    path: p.to_owned(),
                    text: t.to_owned(),
                })
                .collect(),
        )
    }

    /// Every shipped pack.
    pub fn all_packs() -> Result<Self, FeatureError> {
        let mut sources = Vec::new();
        for (_, folder, _) in PACKS {
            sources.extend(
                embedded::under(folder)
                    .filter(|(p, _)| p.ends_with(".feature"))
                    .map(|(p, t)| FeatureSource {
                        path: p.to_owned(),
                        text: t.to_owned(),
                    }),
            );
        }
        Self::parse(sources)
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

fn collect(p: &Path, out: &mut Vec<FeatureSource>) -> Result<(), FeatureError> {
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
