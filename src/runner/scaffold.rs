//! `mhhs-qual new pack NAME --role ROLE`: a pack folder that passes from the first minute. Its
//! one scenario is the first (lowest QT id, needing no prompt) that the shipped pack of that
//! role takes, an outline reduced to its first row, with its contract and `@catches:` tags,
//! so that it passes against the role's reference participant and `check` finds nothing in
//! it. A role that no reference participant plays
//! yet gets no pack: nothing could show its first scenario passes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cucumber::gherkin::{self, GherkinEnv};

use cucumber::gherkin::tagexpr::TagOperation;

use super::check::{qt_shape, taken_by};
use super::{FeatureError, Pack, contract};

/// Why no pack was written (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error(
        "{0:?} is not a pack name: use lowercase letters, digits and hyphens, starting with a letter"
    )]
    Name(String),
    #[error("{role:?} is not a role a system qualifies in ({roles})")]
    Role { role: String, roles: String },
    #[error(
        "no reference participant plays {role} yet (roles with one: {with}), so no first scenario can be shown to pass against it; write the pack's pack.toml and features by hand and check them with `mhhs-qual check`"
    )]
    NoReference { role: String, with: String },
    #[error("no shipped pack qualifies {0} to take a first scenario from")]
    NoShippedPack(String),
    #[error("{0} exists and is not empty: give another --out")]
    Exists(String),
    #[error(transparent)]
    Features(#[from] FeatureError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// Writes the pack `name` for `role` into `dir` (made if need be; it must be empty); returns
/// the files written.
pub fn new_pack(name: &str, role: &str, dir: &Path) -> Result<Vec<PathBuf>, ScaffoldError> {
    let good_name = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !good_name {
        return Err(ScaffoldError::Name(name.to_owned()));
    }
    check_role(role, |r| crate::sut::for_role(r).is_some())?;
    // The role's qualification pack, rather than another pack of the role (a load pack's
    // scenarios are no first scenario to learn from).
    let source = Pack::shipped()?
        .into_iter()
        .filter(|p| p.manifest.role == role)
        .min_by_key(|p| !p.location.starts_with("features/qualification/"))
        .ok_or_else(|| ScaffoldError::NoShippedPack(role.to_owned()))?;
    let first = first_scenario(&source, role)?;
    if dir.exists() && std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_some()) {
        return Err(ScaffoldError::Exists(dir.display().to_string()));
    }
    let files = [
        ("pack.toml", manifest(name, role, &source)),
        ("first.feature", first),
        ("README.md", readme(name, role, &source)),
    ];
    let mut written = Vec::new();
    for (file, content) in files {
        let path = dir.join(file);
        let err = |source| ScaffoldError::Write {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(err)?;
        std::fs::write(&path, content).map_err(err)?;
        written.push(path);
    }
    Ok(written)
}

/// `role` is one a system qualifies in, and a reference participant plays it
/// (`has_reference`): a new pack is run against it.
fn check_role(role: &str, has_reference: impl Fn(&str) -> bool) -> Result<(), ScaffoldError> {
    let qualifying: Vec<&str> = crate::market::roles::qualifying().collect();
    if !qualifying.contains(&role) {
        return Err(ScaffoldError::Role {
            role: role.to_owned(),
            roles: qualifying.join(", "),
        });
    }
    if !has_reference(role) {
        let with: Vec<&str> = qualifying
            .iter()
            .copied()
            .filter(|r| has_reference(r))
            .collect();
        return Err(ScaffoldError::NoReference {
            role: role.to_owned(),
            with: with.join(", "),
        });
    }
    Ok(())
}

/// A candidate first scenario: its QT id, file, feature tags and the scenario as one plain
/// scenario (an outline's first row of the pack's first examples, its values filled in).
struct Candidate {
    id: String,
    path: String,
    feature_tags: Vec<String>,
    scenario: gherkin::Scenario,
    prompted: bool,
}

/// The feature file: the shipped pack's first scenario (by QT id) that needs no prompt, as
/// the pack takes it (its `select`), an outline reduced to its first row; renumbered.
fn first_scenario(pack: &Pack, role: &str) -> Result<String, ScaffoldError> {
    let select: Option<TagOperation> = pack.manifest.select.as_deref().and_then(|e| e.parse().ok());
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut sources = pack.sources.clone();
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    for src in &sources {
        let f = gherkin::Feature::parse(&src.text, GherkinEnv::default()).map_err(|e| {
            FeatureError::Parse {
                path: src.path.clone(),
                line: 1,
                message: e.to_string(),
            }
        })?;
        for whole in &f.scenarios {
            let Some(s) = taken_by(select.as_ref(), &f.tags, whole) else {
                continue;
            };
            if let Some(c) = plain(&f, s, &src.path) {
                candidates.push(c);
            }
        }
    }
    candidates.sort_by(|a, b| (a.prompted, &a.id).cmp(&(b.prompted, &b.id)));
    let Some(c) = candidates.into_iter().next() else {
        return Err(ScaffoldError::NoShippedPack(role.to_owned()));
    };
    let s = &c.scenario;
    let mut sections: Vec<&str> = c
        .feature_tags
        .iter()
        .chain(&s.tags)
        .filter(|t| contract::looks_like_id(t))
        .map(String::as_str)
        .collect();
    sections.dedup();
    let mut out = String::new();
    if !sections.is_empty() {
        let _ = writeln!(out, "@{}", sections.join(" @"));
    }
    let _ = writeln!(out, "Feature: A first scenario");
    let _ = writeln!(
        out,
        "  Copied from {} of the shipped {} pack ({}): it passes against the {role}\n  reference participant. Edit it, and add scenarios beside it (mhhs-qual steps lists\n  the phrases; mhhs-qual check checks the pack).\n",
        c.id,
        pack.manifest.name,
        c.path.rsplit('/').next().unwrap_or(&c.path)
    );
    let mut tags = vec![format!("QT-{role}-001")];
    if c.prompted {
        tags.push("prompted".to_owned());
    }
    let _ = writeln!(out, "  @{}", tags.join(" @"));
    let faults: Vec<&str> = s
        .tags
        .iter()
        .filter(|t| t.starts_with("catches:") || t.starts_with("warns:"))
        .map(String::as_str)
        .collect();
    if !faults.is_empty() {
        let _ = writeln!(out, "  @{}", faults.join(" @"));
    }
    let _ = writeln!(out, "  Scenario: {}", s.name);
    for step in &s.steps {
        let _ = writeln!(out, "    {} {}", step.keyword.trim(), step.value);
        if let Some(d) = &step.docstring {
            let _ = writeln!(out, "      \"\"\"");
            for l in d.lines() {
                let _ = writeln!(out, "      {l}");
            }
            let _ = writeln!(out, "      \"\"\"");
        }
        if let Some(t) = &step.table {
            for row in &t.rows {
                let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
                let _ = writeln!(out, "      | {} |", cells.join(" | "));
            }
        }
    }
    Ok(out)
}

/// A scenario as one plain scenario with one QT id: a plain scenario as it is, an outline
/// as the first row of its first examples (their tags joining the scenario's).
fn plain(f: &gherkin::Feature, s: gherkin::Scenario, path: &str) -> Option<Candidate> {
    let mut s = s;
    if let Some(e) = s.examples.first().cloned() {
        let table = e.table.as_ref()?;
        let (header, row) = (table.rows.first()?, table.rows.get(1)?);
        let fill = |text: &str| {
            header
                .iter()
                .zip(row)
                .fold(text.to_owned(), |t, (k, v)| t.replace(&format!("<{k}>"), v))
        };
        s.name = fill(&s.name);
        for step in &mut s.steps {
            step.value = fill(&step.value);
            if let Some(d) = &mut step.docstring {
                *d = fill(d);
            }
            if let Some(t) = &mut step.table {
                for cell in t.rows.iter_mut().flatten() {
                    *cell = fill(cell);
                }
            }
        }
        s.tags.extend(e.tags.iter().cloned());
        s.examples.clear();
    }
    let id = s.tags.iter().find(|t| qt_shape(t) == Some(true))?.clone();
    let prompted = f.tags.iter().chain(&s.tags).any(|t| t == "prompted");
    Some(Candidate {
        id,
        path: path.to_owned(),
        feature_tags: f.tags.clone(),
        scenario: s,
        prompted,
    })
}

/// A TOML string.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", quoted.join(", "))
}

fn manifest(name: &str, role: &str, source: &Pack) -> String {
    let m = &source.manifest;
    format!(
        "# The {name} pack: scenarios that qualify a {role} system.\n\
         # `mhhs-qual check {name}` checks it; `mhhs-qual run --pack {name}` runs it.\n\
         name = {}\n\
         title = {}\n\
         role = {}\n\
         # The stubbed parties its scenarios need: a [[counterparty]] of each role in the configuration.\n\
         counterparties = {}\n\
         # The reactions of stubs/counterparties.toml its scenarios rely on.\n\
         reactions = {}\n\
         {}\
         # The pack's own tags, beyond those every pack may use (QT ids, @catches:, @warns:,\n\
         # @prompted, contract ids such as @S4, role codes such as @MSS): \"@slow\", or \"@e2e-*\"\n\
         # for every tag with that start.\n\
         tags = []\n",
        quoted(name),
        quoted(&format!("{name}: scenarios of our own for a {role} system")),
        quoted(role),
        list(&m.counterparties),
        if m.reactions.is_empty() {
            "[]".to_owned()
        } else {
            format!(
                "[\n{}]",
                m.reactions.iter().fold(String::new(), |mut out, r| {
                    let _ = writeln!(out, "    {},", quoted(r));
                    out
                })
            )
        },
        if m.testdata {
            "# Its scenarios work on the MPANs of the test data the system loaded ([testdata]).\n\
             testdata = true\n"
        } else {
            ""
        },
    )
}

fn readme(name: &str, role: &str, source: &Pack) -> String {
    format!(
        "# The {name} pack\n\
\n\
Scenarios that qualify a {role} system, written in Gherkin. `pack.toml` names the pack, the\n\
role it qualifies, the stubbed counterparties and reactions its scenarios need, and the tags\n\
of its own. `first.feature` holds one scenario copied from the shipped {shipped} pack; it\n\
passes against the built-in {role} reference participant.\n\
\n\
## Check, run, read\n\
\n\
```sh\n\
mhhs-qual check {name}                    # every finding as file:line:col, before anything runs\n\
mhhs-qual run --pack {name} --dry-run     # the scenarios that would run, and what they need\n\
mhhs-qual run --pack {name}               # against the built-in {role} reference participant\n\
mhhs-qual run --pack {name} --config qualification.toml   # against your system\n\
```\n\
\n\
`mhhs-qual check` exits 0 when it finds no error, 1 when it does, 2 when it cannot read its\n\
input; `--format sarif` writes the findings for a code-scanning view.\n\
\n\
## Writing a scenario\n\
\n\
- Write steps with the phrases of `mhhs-qual steps` (the step glossary). A typed parameter\n\
  takes the values of the shipped schemas: interfaces, publications and event codes from\n\
  `schemas/catalogue.json`, roles from `schemas/roles.json`, response codes from\n\
  `schemas/response-codes.json`. `check` names the closest phrase or value when one is off.\n\
- Give each scenario a QT id, `@QT-{role}-nnn`, that no other scenario of the pack has. An\n\
  outline whose examples prove different things may give each `Examples:` its own id.\n\
- Tag a feature or scenario with the contract section it checks (`@S1`): the ids are those\n\
  of `features/qualification/contract.md` in the harness.\n\
- Tag it `@catches:FAULT` for each fault of the {role} reference participant that makes it\n\
  fail at its last step, `@catches:FAULT:N` when it fails at step N\n\
  (`mhhs-qual reference --role {role} --list-faults` lists them); `@warns:FAULT` for a fault\n\
  that only makes it warn. `mhhs-qual run --pack {name} --fault FAULT` shows the scenario\n\
  failing under the fault.\n\
- A scenario whose steps prompt the system through the prompt command is tagged\n\
  `@prompted`, and only such a scenario.\n\
- Any other tag is declared in `pack.toml` `tags`.\n\
- Each scenario uses MPANs of its own (`Given a smart MPAN`), so scenarios can run at once.\n",
        shipped = source.manifest.name,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_roles_and_references_are_checked_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("p");
        assert!(matches!(
            new_pack("My Pack", "SUP", &out),
            Err(ScaffoldError::Name(_))
        ));
        assert!(matches!(
            new_pack("mine", "BOSS", &out),
            Err(ScaffoldError::Role { .. })
        ));
        // Every role a system qualifies in has a reference participant; were one without,
        // it would be refused naming those with one.
        for role in crate::market::roles::qualifying() {
            assert!(
                check_role(role, |r| crate::sut::for_role(r).is_some()).is_ok(),
                "{role}"
            );
        }
        let e = check_role("LDSO", |r| r != "LDSO").unwrap_err();
        assert!(matches!(e, ScaffoldError::NoReference { .. }), "{e}");
        assert!(
            e.to_string()
                .starts_with("no reference participant plays LDSO yet (roles with one: SUP"),
            "{e}"
        );
        assert!(!out.exists());
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("x"), "").unwrap();
        assert!(matches!(
            new_pack("mine", "SUP", &out),
            Err(ScaffoldError::Exists(_))
        ));
    }

    #[test]
    fn the_manifest_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("mine");
        let written = new_pack("mine", "SUP", &out).unwrap();
        assert_eq!(written.len(), 3);
        let m = crate::runner::Manifest::parse(
            "pack.toml",
            &std::fs::read_to_string(out.join("pack.toml")).unwrap(),
        )
        .unwrap();
        assert_eq!((m.name.as_str(), m.role.as_str()), ("mine", "SUP"));
        assert!(m.counterparties.contains(&"REGS".to_owned()));
        let feature = std::fs::read_to_string(out.join("first.feature")).unwrap();
        assert!(
            feature.starts_with("@S1\nFeature: A first scenario\n"),
            "{feature}"
        );
        assert!(
            feature
                .contains("  @QT-SUP-001\n  @catches:slow-ack:3 @catches:wrong-echo\n  Scenario: "),
            "{feature}"
        );
    }
}
