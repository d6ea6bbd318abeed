//! What `mhhs-qual check` checks: the shipped packs, or the packs, folders and files named.
//! A feature file given on its own is checked within its pack (the nearest folder above it
//! with a `pack.toml`), so that a QT id used in another file of the pack is seen; only the
//! findings in the files named are reported.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cucumber::gherkin::tagexpr::TagOperation;

use super::feature::{self, Context, Outcome, Use};
use super::glossary::Glossary;
use super::values::Values;
use super::{Finding, Rule, source};
use crate::runner::{FeatureError, Manifest, Pack};

/// How deep below a folder pack folders and feature files are looked for.
const MAX_DEPTH: usize = 8;
/// How many feature files one check reads at most.
const MAX_FILES: usize = 10_000;

/// Why nothing could be checked (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{path}: no such file, folder or shipped pack (shipped packs: {packs})")]
    NotFound { path: String, packs: String },
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the step glossary does not compile: {0}")]
    Glossary(String),
    #[error(transparent)]
    Features(#[from] FeatureError),
    #[error("more than {MAX_FILES} feature files: check fewer at a time")]
    TooMany,
}

/// What a check found.
#[derive(Debug, Default)]
pub struct Checked {
    /// Sorted by file, line and column.
    pub findings: Vec<Finding>,
    /// The feature files read.
    pub files: usize,
    /// Every step matched to a phrase, in the order of the files.
    pub uses: Vec<Use>,
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == super::Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }
}

/// The features of one pack (or loose files outside any pack), and which of them to report.
struct Unit {
    /// The pack folder as shown (`tests/fixtures/check`), or empty for loose files.
    shown: String,
    manifest: Option<Manifest>,
    shipped: bool,
    /// (path as shown, canonical path when on disk, text or why it cannot be read)
    sources: Vec<(String, Option<PathBuf>, Result<String, Finding>)>,
    /// The files whose findings are reported (canonical path to path as shown); `None`: all.
    only: Option<BTreeMap<PathBuf, String>>,
    findings: Vec<Finding>,
}

/// Checks the shipped packs (no `paths`), or the packs, folders and feature files named.
pub fn check(paths: &[PathBuf]) -> Result<Checked, CheckError> {
    let mut units: Vec<Unit> = Vec::new();
    if paths.is_empty() {
        units.extend(Pack::shipped()?.into_iter().map(shipped_unit));
    }
    for p in paths {
        resolve(p, &mut units)?;
    }
    let mut checked = check_units(units)?;
    if paths.is_empty() {
        unused(
            &Glossary::shipped().map_err(CheckError::Glossary)?,
            &mut checked,
        );
    }
    Ok(checked)
}

/// Checks these packs (as `check` does the shipped ones, without the unused-phrase warning).
pub fn check_packs(packs: &[Pack]) -> Result<Checked, CheckError> {
    check_units(packs.iter().cloned().map(shipped_unit).collect())
}

fn check_units(units: Vec<Unit>) -> Result<Checked, CheckError> {
    let glossary = Glossary::shipped().map_err(CheckError::Glossary)?;
    let values = Values::shipped();
    let mut checked = Checked::default();
    let mut read = BTreeSet::new();
    for u in units {
        check_unit(u, &glossary, &values, &mut checked, &mut read);
    }
    checked.files = read.len();
    checked.findings.sort();
    checked.findings.dedup();
    Ok(checked)
}

fn shipped_unit(p: Pack) -> Unit {
    Unit {
        shipped: is_shipped(&p.location),
        shown: p.location.clone(),
        sources: p
            .sources
            .into_iter()
            .map(|s| (s.path, None, Ok(s.text)))
            .collect(),
        manifest: Some(p.manifest),
        only: None,
        findings: Vec::new(),
    }
}

/// A pack is shipped when it lives where the shipped packs do: `features/qualification/`.
fn is_shipped(location: &str) -> bool {
    format!("{}/", location.replace('\\', "/")).contains("features/qualification/")
}

fn shown(p: &Path) -> String {
    let s = p.display().to_string();
    if s.is_empty() { ".".to_owned() } else { s }
}

fn resolve(p: &Path, units: &mut Vec<Unit>) -> Result<(), CheckError> {
    let read_err = |source| CheckError::Read {
        path: p.display().to_string(),
        source,
    };
    if p.is_dir() {
        if p.join("pack.toml").is_file() {
            return add_pack(p, None, units);
        }
        let mut nested = Vec::new();
        find_packs(p, 0, &mut nested).map_err(read_err)?;
        if !nested.is_empty() {
            for n in nested {
                add_pack(&n, None, units)?;
            }
            return Ok(());
        }
        let mut files = Vec::new();
        feature_files(p, 0, &mut files).map_err(read_err)?;
        let mut unit = loose_unit(units);
        unit.findings.push(Finding::error(
            &shown(p),
            1,
            1,
            Rule::Pack,
            "no pack.toml in this folder: a pack folder has one (name, title, role; `mhhs-qual new pack` writes one); its features were checked outside any pack".to_owned(),
        ));
        for f in files {
            add_file(&mut unit, &f)?;
        }
        units.push(unit);
        return Ok(());
    }
    if p.is_file() {
        let canonical = p.canonicalize().map_err(read_err)?;
        let mut lexical = p.to_path_buf();
        for dir in canonical.ancestors().skip(1).take(64) {
            lexical = up(&lexical);
            if dir.join("pack.toml").is_file() {
                let shown_dir = if lexical.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    lexical
                };
                return add_pack(&shown_dir, Some((canonical, shown(p))), units);
            }
        }
        // A file of a folder that packs share (`include`): checked within each of them.
        let including = including_packs(p, &canonical);
        if !including.is_empty() {
            for dir in including {
                add_pack(&dir, Some((canonical.clone(), shown(p))), units)?;
            }
            return Ok(());
        }
        let mut unit = loose_unit(units);
        add_file(&mut unit, p)?;
        units.push(unit);
        return Ok(());
    }
    if !p.exists() {
        let shipped = Pack::shipped()?;
        let name = p.display().to_string();
        if let Some(pack) = shipped
            .iter()
            .find(|s| s.manifest.name == name || s.manifest.aliases.contains(&name))
        {
            if !units.iter().any(|u| u.shown == pack.location) {
                units.push(shipped_unit(pack.clone()));
            }
            return Ok(());
        }
        return Err(CheckError::NotFound {
            path: name,
            packs: shipped
                .iter()
                .map(|s| s.manifest.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Err(read_err(std::io::Error::other(
        "neither a file nor a folder",
    )))
}

/// The pack folders beside the folders above a feature file (`features/qualification/mss`
/// for `features/qualification/metering/x.feature`) whose `include` holds the file, as
/// shown from `p`.
fn including_packs(p: &Path, canonical: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut lexical = p.to_path_buf();
    for dir in canonical.ancestors().skip(1).take(4) {
        lexical = up(&lexical);
        let Ok(entries) = sorted_entries(dir) else {
            continue;
        };
        for child in entries.iter().filter(|c| c.join("pack.toml").is_file()) {
            let Some(m) = std::fs::read_to_string(child.join("pack.toml"))
                .ok()
                .and_then(|t| Manifest::parse("pack.toml", &t).ok())
            else {
                continue;
            };
            let holds = m.include.iter().any(|i| {
                child
                    .join(i)
                    .canonicalize()
                    .is_ok_and(|folder| canonical.starts_with(folder))
            });
            if holds && let Some(name) = child.file_name() {
                out.push(lexical.join(name));
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

/// The folder above `p`, lexically: `a/b` → `a`, `a` → ``, `` → `..`, `..` → `../..`.
fn up(p: &Path) -> PathBuf {
    if p.as_os_str().is_empty() || p == Path::new(".") {
        PathBuf::from("..")
    } else if p.ends_with("..") {
        p.join("..")
    } else {
        p.parent()
            .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
    }
}

/// The unit of loose files, taken out of `units` (the caller puts it back).
fn loose_unit(units: &mut Vec<Unit>) -> Unit {
    match units.iter().position(|u| u.shown.is_empty()) {
        Some(i) => units.remove(i),
        None => Unit {
            shown: String::new(),
            manifest: None,
            shipped: false,
            sources: Vec::new(),
            only: None,
            findings: Vec::new(),
        },
    }
}

fn add_file(unit: &mut Unit, p: &Path) -> Result<(), CheckError> {
    let shown = shown(p);
    let canonical = p.canonicalize().ok();
    if unit
        .sources
        .iter()
        .any(|(_, c, _)| c.is_some() && *c == canonical)
    {
        return Ok(());
    }
    let text = source::read(p, &shown).map_err(|source| CheckError::Read {
        path: shown.clone(),
        source,
    })?;
    unit.sources.push((shown, canonical, text));
    Ok(())
}

/// Adds the pack in `dir` (all of it, or only one file of it to report).
fn add_pack(
    dir: &Path,
    file: Option<(PathBuf, String)>,
    units: &mut Vec<Unit>,
) -> Result<(), CheckError> {
    let key = dir.canonicalize().map_err(|source| CheckError::Read {
        path: dir.display().to_string(),
        source,
    })?;
    let existing = units.iter().position(|u| {
        !u.shown.is_empty() && Path::new(&u.shown).canonicalize().ok().as_ref() == Some(&key)
    });
    if let Some(i) = existing {
        let u = &mut units[i];
        match (file, &mut u.only) {
            (None, only) => *only = None,
            (Some((c, s)), Some(only)) => {
                only.insert(c.clone(), s.clone());
                ensure_source(u, &c, &s)?;
            }
            (Some(_), None) => {}
        }
        return Ok(());
    }
    let shown_dir = shown(dir);
    let mut unit = Unit {
        shown: shown_dir.clone(),
        manifest: None,
        shipped: is_shipped(&key.display().to_string()),
        sources: Vec::new(),
        only: file.map(|(c, s)| BTreeMap::from([(c, s)])),
        findings: Vec::new(),
    };
    let manifest_path = dir.join("pack.toml");
    let manifest_shown = shown(&manifest_path);
    let text =
        source::read(&manifest_path, &manifest_shown).map_err(|source| CheckError::Read {
            path: manifest_shown.clone(),
            source,
        })?;
    match text.map(|t| Manifest::parse(&manifest_shown, &t)) {
        Ok(Ok(m)) => unit.manifest = Some(m),
        Ok(Err(FeatureError::Parse {
            path,
            line,
            message,
        })) => unit
            .findings
            .push(Finding::error(&path, line, 1, Rule::Pack, message)),
        Ok(Err(e)) => unit.findings.push(Finding::error(
            &manifest_shown,
            1,
            1,
            Rule::Pack,
            e.to_string(),
        )),
        Err(f) => unit.findings.push(Finding {
            rule: Rule::Pack,
            ..f
        }),
    }
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    folders.extend(
        unit.manifest
            .iter()
            .flat_map(|m| m.include.iter().map(|i| dir.join(i))),
    );
    for folder in folders {
        feature_files(&folder, 0, &mut files).map_err(|source| CheckError::Read {
            path: shown(&folder),
            source,
        })?;
    }
    if files.len() > MAX_FILES {
        return Err(CheckError::TooMany);
    }
    for f in files {
        let canonical = f.canonicalize().ok();
        let shown = canonical
            .as_ref()
            .and_then(|c| unit.only.as_ref().and_then(|o| o.get(c)).cloned())
            .unwrap_or_else(|| shown(&f));
        let text = source::read(&f, &shown).map_err(|source| CheckError::Read {
            path: shown.clone(),
            source,
        })?;
        unit.sources.push((shown, canonical, text));
    }
    // A file named that is not found as a feature file of the pack is checked all the same.
    let named: Vec<(PathBuf, String)> = unit
        .only
        .iter()
        .flatten()
        .map(|(c, s)| (c.clone(), s.clone()))
        .collect();
    for (c, s) in named {
        ensure_source(&mut unit, &c, &s)?;
    }
    units.push(unit);
    Ok(())
}

fn ensure_source(unit: &mut Unit, canonical: &Path, shown: &str) -> Result<(), CheckError> {
    if unit
        .sources
        .iter()
        .any(|(_, c, _)| c.as_deref() == Some(canonical))
    {
        return Ok(());
    }
    let text = source::read(canonical, shown).map_err(|source| CheckError::Read {
        path: shown.to_owned(),
        source,
    })?;
    unit.sources
        .push((shown.to_owned(), Some(canonical.to_path_buf()), text));
    Ok(())
}

/// Pack folders below `dir`.
fn find_packs(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if depth > MAX_DEPTH || out.len() > MAX_FILES {
        return Ok(());
    }
    for entry in sorted_entries(dir)? {
        if entry.is_dir() {
            if entry.join("pack.toml").is_file() {
                out.push(entry);
            } else {
                find_packs(&entry, depth + 1, out)?;
            }
        }
    }
    Ok(())
}

/// The `.feature` files below `dir`, in order.
fn feature_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if depth > MAX_DEPTH || out.len() > MAX_FILES {
        return Ok(());
    }
    for entry in sorted_entries(dir)? {
        if entry.is_dir() {
            if entry.join("pack.toml").is_file() {
                continue; // a pack of its own
            }
            feature_files(&entry, depth + 1, out)?;
        } else if entry.extension().is_some_and(|x| x == "feature") {
            out.push(entry);
        }
    }
    Ok(())
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    entries.sort();
    Ok(entries)
}

/// Checks one pack's features; `read` gathers the files reported on (a file shared by
/// several packs counts once).
fn check_unit(
    u: Unit,
    glossary: &Glossary,
    values: &Values,
    checked: &mut Checked,
    read: &mut BTreeSet<String>,
) {
    let role = u.manifest.as_ref().map(|m| m.role.as_str());
    let mut outcome = Outcome {
        findings: u.findings,
        ..Outcome::default()
    };
    let expr = u.manifest.as_ref().and_then(|m| m.select.as_deref());
    let select = expr.and_then(|e| e.parse::<TagOperation>().ok());
    if let Some(e) = expr.filter(|_| select.is_none()) {
        outcome.findings.push(Finding::error(
            &format!("{}/pack.toml", u.shown.trim_end_matches('/')),
            1,
            1,
            Rule::Pack,
            format!("`select` {e:?} is not a tag expression such as \"@MSS\""),
        ));
    }
    let ctx = Context {
        glossary,
        values,
        role,
        faults: role.and_then(crate::sut::faults_of),
        declared: u.manifest.as_ref().map(|m| m.tags.clone()),
        shipped: u.shipped,
        select,
    };
    for (path, _, text) in &u.sources {
        if u.only
            .as_ref()
            .is_none_or(|o| o.values().any(|s| s == path))
        {
            read.insert(path.clone());
        }
        match text {
            Ok(text) => {
                if let Some(parsed) = feature::parse(path, text, &mut outcome.findings) {
                    feature::check(&parsed, &ctx, &mut outcome);
                }
            }
            Err(f) => outcome.findings.push(f.clone()),
        }
    }
    // A QT id names one scenario of the pack.
    let mut uses = outcome.qt.clone();
    uses.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    let mut first: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    for q in &uses {
        match first.get(q.id.as_str()) {
            Some((path, scenario)) if (*path, *scenario) != (q.path.as_str(), q.scenario) => {
                outcome.findings.push(Finding::error(
                    &q.path,
                    q.line,
                    q.col,
                    Rule::QtId,
                    format!(
                        "@{} is already the id of the scenario at {path}:{scenario}: a QT id names one scenario of its pack",
                        q.id
                    ),
                ));
            }
            Some(_) => {}
            None => {
                first.insert(&q.id, (&q.path, q.scenario));
            }
        }
    }
    if let Some(only) = &u.only {
        let reported: BTreeSet<&String> = only.values().collect();
        let manifest = format!("{}/pack.toml", u.shown.trim_end_matches('/'));
        outcome
            .findings
            .retain(|f| reported.contains(&f.path) || f.path == manifest);
        outcome.uses.retain(|x| reported.contains(&x.path));
    }
    checked.findings.extend(outcome.findings);
    checked.uses.extend(outcome.uses);
}

/// A warning at each phrase of the glossary that no checked feature uses.
fn unused(glossary: &Glossary, checked: &mut Checked) {
    let used: BTreeSet<usize> = checked.uses.iter().map(|u| u.phrase).collect();
    for (i, p) in glossary.phrases.iter().enumerate() {
        if !used.contains(&i) {
            checked.findings.push(Finding::warning(
                p.entry.file,
                p.entry.line,
                "//! - ".len() + 1,
                Rule::UnusedStep,
                format!(
                    "no shipped feature uses the phrase {:?}: use it in a scenario, or remove it with its step definition",
                    p.full()
                ),
            ));
        }
    }
    checked.findings.sort();
}
