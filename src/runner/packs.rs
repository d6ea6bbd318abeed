//! Packs: a folder with a `pack.toml` (name, the role it qualifies, the stubbed parties and
//! reactions it needs, whether it needs the system's test data) and its feature files. The shipped packs are embedded in the binary;
//! `--pack PATH` runs a folder of one's own.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{FeatureError, FeatureSource};
use crate::embedded;

/// What `pack.toml` says.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub title: String,
    /// The role of the system the pack qualifies.
    pub role: String,
    /// The roles of the stubbed parties its scenarios need.
    #[serde(default)]
    pub counterparties: Vec<String>,
    /// The names of the reactions (`stubs/counterparties.toml`) its scenarios rely on.
    #[serde(default)]
    pub reactions: Vec<String>,
    /// Its scenarios work on the MPANs of the test data the system loaded: a configuration
    /// without `[testdata]` cannot run it.
    #[serde(default)]
    pub testdata: bool,
    /// Folders of features it shares with other packs, relative to its own folder
    /// (`["../metering"]`).
    #[serde(default)]
    pub include: Vec<String>,
    /// A tag expression its scenarios must match (`"@MSS"`): how a pack takes its rows of
    /// shared features.
    #[serde(default)]
    pub select: Option<String>,
    /// The pack's own tags (`"@slow"`, or `"@sandbox-*"` for every tag with that start),
    /// beyond those every pack may use: QT ids, `@catches:`, `@warns:`, `@prompted`, contract
    /// ids and role codes (`mhhs-qual check` reports any other).
    #[serde(default)]
    pub tags: Vec<String>,
    /// For an end-to-end pack (`role = "E2E"`): the roles of the real systems its flows run
    /// between (CONTRACT-ROLES.md §7); a role no participant fills is played by its built-in
    /// reference participant.
    #[serde(default)]
    pub systems: Vec<String>,
}

/// The `role` of an end-to-end pack: it qualifies no one system, but several together.
pub const E2E: &str = "E2E";

impl Manifest {
    /// Whether it is an end-to-end pack (several systems together, in the sandbox).
    pub fn is_e2e(&self) -> bool {
        self.role == E2E
    }

    /// Reads and checks the text of a `pack.toml` (`path` names it in errors).
    pub fn parse(path: &str, text: &str) -> Result<Self, FeatureError> {
        manifest(path, text)
    }
}

/// A pack: its manifest and its feature files.
#[derive(Debug, Clone)]
pub struct Pack {
    pub manifest: Manifest,
    /// Where it was found: `features/qualification/supplier/` or a folder on disk.
    pub location: String,
    pub sources: Vec<FeatureSource>,
}

impl Pack {
    /// Every pack shipped in the binary, by name.
    pub fn shipped() -> Result<Vec<Self>, FeatureError> {
        let mut out = Vec::new();
        for (path, text) in embedded::under("features/").filter(|(p, _)| p.ends_with("/pack.toml"))
        {
            let folder = path.trim_end_matches("pack.toml");
            let manifest = manifest(path, text)?;
            let mut folders = vec![folder.to_owned()];
            folders.extend(manifest.include.iter().map(|i| resolve(folder, i)));
            let mut sources = Vec::new();
            for f in &folders {
                sources.extend(
                    embedded::under(f)
                        .filter(|(p, _)| p.ends_with(".feature"))
                        .map(|(p, t)| FeatureSource {
                            path: p.to_owned(),
                            text: t.to_owned(),
                        }),
                );
            }
            out.push(Self {
                manifest,
                location: folder.to_owned(),
                sources,
            });
        }
        out.sort_by(|a, b| a.manifest.name.cmp(&b.manifest.name));
        Ok(out)
    }

    /// A shipped pack by name or alias, or a pack folder on disk (a path, or a name that is
    /// an existing folder with a `pack.toml`).
    pub fn find(name: &str) -> Result<Self, FeatureError> {
        let on_disk = Path::new(name);
        if on_disk.join("pack.toml").is_file() {
            return Self::from_dir(on_disk);
        }
        let shipped = Self::shipped()?;
        let names = shipped
            .iter()
            .map(|p| p.manifest.name.clone())
            .collect::<Vec<_>>()
            .join(", ");
        shipped
            .into_iter()
            .find(|p| p.manifest.name == name || p.manifest.aliases.iter().any(|a| a == name))
            .ok_or_else(|| {
                if on_disk.is_dir() {
                    FeatureError::NoManifest(on_disk.display().to_string())
                } else {
                    FeatureError::UnknownPack {
                        name: name.to_owned(),
                        packs: names,
                    }
                }
            })
    }

    /// The pack in a folder: its `pack.toml` and every `.feature` file beneath it.
    pub fn from_dir(dir: &Path) -> Result<Self, FeatureError> {
        let path = dir.join("pack.toml");
        let text = std::fs::read_to_string(&path).map_err(|source| FeatureError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let manifest = manifest(&path.display().to_string(), &text)?;
        let mut sources = Vec::new();
        super::features::collect(dir, &mut sources)?;
        for i in &manifest.include {
            super::features::collect(&dir.join(i), &mut sources)?;
        }
        if sources.is_empty() {
            return Err(FeatureError::Empty(dir.display().to_string()));
        }
        Ok(Self {
            manifest,
            location: PathBuf::from(dir).display().to_string(),
            sources,
        })
    }
}

/// `include` of a shipped pack in `folder` (`features/qualification/mss/`), as an embedded
/// folder (`features/qualification/metering/`).
fn resolve(folder: &str, include: &str) -> String {
    let mut parts: Vec<&str> = folder.trim_end_matches('/').split('/').collect();
    for seg in include.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    format!("{}/", parts.join("/"))
}

/// Reads and checks a `pack.toml`: its roles must be DIP roles, and the role it qualifies one
/// a system may qualify in.
fn manifest(path: &str, text: &str) -> Result<Manifest, FeatureError> {
    let line = |offset: usize| text[..offset.min(text.len())].lines().count().max(1);
    let m: Manifest = toml::from_str(text).map_err(|e| FeatureError::Parse {
        path: path.to_owned(),
        line: e.span().map_or(1, |s| line(s.start)),
        message: e.message().to_owned(),
    })?;
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(1, |i| i + 1)
    };
    let qualifying: Vec<&str> = crate::market::roles::qualifying().collect();
    if m.is_e2e() {
        let bad = m
            .systems
            .iter()
            .find(|r| crate::sut::faults_of(r).is_none());
        if m.systems.is_empty() || bad.is_some() {
            return Err(FeatureError::Parse {
                path: path.to_owned(),
                line: line_of("systems"),
                message: format!(
                    "an end-to-end pack lists in `systems` the roles of its real systems, each a role with a reference participant{}",
                    bad.map(|b| format!(" ({b:?} has none)"))
                        .unwrap_or_default()
                ),
            });
        }
    } else if !qualifying.contains(&m.role.as_str()) {
        return Err(FeatureError::Parse {
            path: path.to_owned(),
            line: line_of("role"),
            message: format!(
                "`role` {:?} is not a role a system qualifies in ({})",
                m.role,
                qualifying.join(", ")
            ),
        });
    }
    if let Some(bad) = m
        .counterparties
        .iter()
        .find(|r| crate::market::roles::role(r).is_none())
    {
        return Err(FeatureError::Parse {
            path: path.to_owned(),
            line: line_of("counterparties"),
            message: format!("`counterparties` names {bad:?}, which is not a DIP role"),
        });
    }
    if let Some(bad) = m.tags.iter().find(|t| {
        let name = t.strip_prefix('@').unwrap_or(t);
        name.is_empty() || name.chars().any(|c| c.is_whitespace() || c == '@')
    }) {
        return Err(FeatureError::Parse {
            path: path.to_owned(),
            line: line_of("tags"),
            message: format!(
                "`tags` has {bad:?}, which is not a tag: a name without spaces, such as \"@slow\" or \"@sandbox-*\""
            ),
        });
    }
    Ok(m)
}
