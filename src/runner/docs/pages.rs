//! The pages of the living documentation, built from the shipped packs: an index, one page
//! per pack (its role, the contract sections it checks, each QT id with its scenario in plain
//! Gherkin and the faults it catches, the steps it uses), the contract sections with the QT
//! ids that check each, and the step glossary with an example of each phrase.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::gherkin::{self, GherkinEnv};

use super::page::{Block, Inline, Page, text};
use crate::runner::check::{self, CheckError, Use};
use crate::runner::contract::{self, Section};
use crate::runner::{FeatureError, Pack, catches};

/// Why the documentation could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    #[error(transparent)]
    Features(#[from] FeatureError),
    #[error(transparent)]
    Check(#[from] CheckError),
    #[error("{path}: does not parse: {message} (mhhs-qual check {path} says where)")]
    Parse { path: String, message: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// Writes every page as Markdown and HTML into `dir`; returns the files written.
pub fn write(dir: &Path) -> Result<Vec<PathBuf>, DocsError> {
    let pages = pages()?;
    let err = |path: &Path| {
        let path = path.display().to_string();
        move |source| DocsError::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(err(dir))?;
    let mut written = Vec::new();
    for p in pages {
        for (name, content) in [(p.md_name(), p.markdown()), (p.html_name(), p.html())] {
            let path = dir.join(name);
            std::fs::write(&path, content).map_err(err(&path))?;
            written.push(path);
        }
    }
    Ok(written)
}

/// A scenario (or outline) of a pack, as the pages show it.
struct Shown<'a> {
    pack: &'a Pack,
    path: String,
    feature: &'a gherkin::Feature,
    /// The scenario, with the examples the pack takes.
    scenario: gherkin::Scenario,
    /// Its QT ids: its own, or those of its examples.
    ids: Vec<String>,
    /// Its heading: `QT-SUP-001 A gain notification is acknowledged and echoed`.
    heading: String,
    /// The contract sections its feature, rule, itself or its examples are tagged with.
    sections: Vec<String>,
    /// Its text in the feature file, tags to last example row.
    source: String,
}

/// Every page: `index`, `contract`, `steps` and one per shipped pack.
pub fn pages() -> Result<Vec<Page>, DocsError> {
    let packs = Pack::shipped()?;
    let sections = contract::sections();
    let mut parsed: Vec<(usize, String, String, gherkin::Feature)> = Vec::new();
    for (i, p) in packs.iter().enumerate() {
        let mut sources = p.sources.clone();
        sources.sort_by(|a, b| a.path.cmp(&b.path));
        for s in sources {
            let f = gherkin::Feature::parse(&s.text, GherkinEnv::default()).map_err(|e| {
                DocsError::Parse {
                    path: s.path.clone(),
                    message: e.to_string(),
                }
            })?;
            parsed.push((i, s.path, s.text, f));
        }
    }
    let selects: Vec<Option<TagOperation>> = packs
        .iter()
        .map(|p| p.manifest.select.as_deref().and_then(|e| e.parse().ok()))
        .collect();
    let mut shown: Vec<Shown<'_>> = Vec::new();
    for (i, path, text, f) in &parsed {
        let lines: Vec<&str> = text.lines().collect();
        let mut all: Vec<(&gherkin::Scenario, Vec<String>)> =
            f.scenarios.iter().map(|s| (s, f.tags.clone())).collect();
        for r in &f.rules {
            let inherited: Vec<String> = f.tags.iter().chain(&r.tags).cloned().collect();
            all.extend(r.scenarios.iter().map(|s| (s, inherited.clone())));
        }
        all.sort_by_key(|(s, _)| s.position.line);
        let starts: Vec<usize> = all.iter().map(|(s, _)| block_start(&lines, s)).collect();
        let rule_lines: Vec<usize> = f
            .rules
            .iter()
            .map(|r| block_start_line(&lines, r.position.line))
            .collect();
        for (k, (whole, inherited)) in all.iter().enumerate() {
            // The pack's own rows of a shared feature; the text shown is the whole scenario.
            let Some(s) = check::taken_by(selects[*i].as_ref(), inherited, whole) else {
                continue;
            };
            let next = starts
                .get(k + 1)
                .copied()
                .into_iter()
                .chain(rule_lines.iter().copied().filter(|l| *l > s.position.line))
                .min()
                .unwrap_or(lines.len() + 1);
            let own: Vec<String> = s
                .tags
                .iter()
                .chain(s.examples.iter().flat_map(|e| &e.tags))
                .cloned()
                .collect();
            let mut ids: Vec<String> = s
                .tags
                .iter()
                .chain(s.examples.iter().flat_map(|e| &e.tags))
                .filter(|t| check::qt_shape(t) == Some(true))
                .cloned()
                .collect();
            ids.dedup();
            let mut tagged: Vec<String> = inherited
                .iter()
                .chain(&own)
                .filter(|t| sections.iter().any(|c| &c.id == *t))
                .cloned()
                .collect();
            tagged.sort_by_key(|t| sections.iter().position(|c| &c.id == t));
            tagged.dedup();
            shown.push(Shown {
                pack: &packs[*i],
                path: path.clone(),
                feature: f,
                scenario: s.clone(),
                heading: if ids.is_empty() {
                    s.name.clone()
                } else {
                    format!("{} {}", ids.join(", "), s.name)
                },
                ids,
                sections: tagged,
                source: dedent(&lines[starts[k] - 1..next - 1]),
            });
        }
    }
    let uses = check::check_packs(&packs)?.uses;
    let mut pages = vec![index(&packs, &shown)];
    for p in &packs {
        pages.push(pack_page(p, &shown, &sections, &uses));
    }
    pages.push(contract_page(&sections, &shown));
    pages.push(steps_page(&shown, &uses));
    Ok(pages)
}

/// The line where a scenario's block starts: its first tag line, or its keyword.
fn block_start(lines: &[&str], s: &gherkin::Scenario) -> usize {
    block_start_line(lines, s.position.line)
}

fn block_start_line(lines: &[&str], keyword: usize) -> usize {
    let mut start = keyword;
    while start > 1 && lines[start - 2].trim_start().starts_with('@') {
        start -= 1;
    }
    start
}

/// Lines without their common indentation and trailing blank lines.
fn dedent(lines: &[&str]) -> String {
    let mut lines: Vec<&str> = lines.to_vec();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

fn link(text: &str, page: &str, heading: Option<&str>) -> Inline {
    Inline::Link {
        text: text.to_owned(),
        page: page.to_owned(),
        heading: heading.map(str::to_owned),
    }
}

fn section_heading(s: &Section) -> String {
    format!("{} {}", s.id, s.title)
}

/// `QT-SUP-001` linked to its scenario's heading.
fn qt_links(shown: &[Shown<'_>], ids: impl Iterator<Item = String>) -> Vec<Inline> {
    let mut out = Vec::new();
    for (n, id) in ids.enumerate() {
        if n > 0 {
            out.push(Inline::Text(", ".into()));
        }
        match shown.iter().find(|s| s.ids.contains(&id)) {
            Some(s) => out.push(link(&id, &s.pack.manifest.name, Some(&s.heading))),
            None => out.push(Inline::Text(id)),
        }
    }
    out
}

fn index(packs: &[Pack], shown: &[Shown<'_>]) -> Page {
    let mut blocks = vec![
        Block::Heading(1, "Qualification packs".into()),
        Block::Para(text(
            "What each pack tests a participant on, and what each of its QT ids proves. Generated by `mhhs-qual docs --out DIR` from the shipped packs: do not edit, regenerate.",
        )),
    ];
    let items = packs
        .iter()
        .map(|p| {
            let m = &p.manifest;
            let ids: std::collections::BTreeSet<&String> = shown
                .iter()
                .filter(|s| s.pack.manifest.name == m.name)
                .flat_map(|s| &s.ids)
                .collect();
            let mut item = vec![
                link(&m.name, &m.name, None),
                Inline::Text(format!(" ({}, {} QT ids): {}", m.role, ids.len(), m.title)),
            ];
            if m.title.is_empty() {
                item.pop();
                item.push(Inline::Text(format!(" ({}, {} QT ids)", m.role, ids.len())));
            }
            item
        })
        .collect();
    blocks.push(Block::List(items));
    blocks.push(Block::Heading(2, "Reference".into()));
    blocks.push(Block::List(vec![
        vec![
            link("Contract sections", "contract", None),
            Inline::Text(": the behaviours the packs check, and the QT ids that check each".into()),
        ],
        vec![
            link("Step glossary", "steps", None),
            Inline::Text(": every phrase a scenario may use, with an example".into()),
        ],
    ]));
    Page {
        stem: "index".into(),
        title: "Qualification packs".into(),
        blocks,
    }
}

fn pack_page(p: &Pack, shown: &[Shown<'_>], sections: &[Section], uses: &[Use]) -> Page {
    let m = &p.manifest;
    let mine: Vec<&Shown<'_>> = shown
        .iter()
        .filter(|s| s.pack.manifest.name == m.name)
        .collect();
    let role_name = crate::market::roles::role(&m.role).map_or("", |r| r.name.as_str());
    let faults = crate::sut::faults_of(&m.role).unwrap_or_default();
    let title = format!("Pack {} ({})", m.name, m.role);
    let mut blocks = vec![Block::Heading(1, title.clone())];
    if !m.title.is_empty() {
        blocks.push(Block::Para(text(&m.title)));
    }
    let testcases: usize = mine
        .iter()
        .map(|s| {
            s.scenario
                .examples
                .iter()
                .filter_map(|e| e.table.as_ref())
                .map(|t| t.rows.len().saturating_sub(1))
                .sum::<usize>()
                .max(1)
        })
        .sum();
    let ids: std::collections::BTreeSet<&String> = mine.iter().flat_map(|s| &s.ids).collect();
    let mut facts = vec![
        vec![
            Inline::Strong("Role qualified:".into()),
            Inline::Text(format!(" {} ({role_name})", m.role)),
        ],
        vec![
            Inline::Strong("Folder:".into()),
            Inline::Text(" ".into()),
            Inline::Code(p.location.clone()),
        ],
        vec![
            Inline::Strong("Scenarios:".into()),
            Inline::Text(format!(" {} QT ids, {testcases} testcases", ids.len())),
        ],
    ];
    if !m.counterparties.is_empty() {
        facts.push(vec![
            Inline::Strong("Counterparties it needs:".into()),
            Inline::Text(format!(
                " {} (a [[counterparty]] of each role in the configuration)",
                m.counterparties.join(", ")
            )),
        ]);
    }
    if m.testdata {
        facts.push(vec![
            Inline::Strong("Test data it needs:".into()),
            Inline::Text(
                " the MPANs of the test data the system loaded ([testdata] in the configuration, from mhhs-qual testdata generate)".into(),
            ),
        ]);
    }
    for r in &m.reactions {
        facts.push(vec![
            Inline::Strong("Reaction it relies on:".into()),
            Inline::Text(format!(" {r}")),
        ]);
    }
    if !m.tags.is_empty() {
        facts.push(vec![
            Inline::Strong("Tags of its own:".into()),
            Inline::Text(format!(" {}", m.tags.join(", "))),
        ]);
    }
    blocks.push(Block::List(facts));

    blocks.push(Block::Heading(2, "Contract sections".into()));
    let mut items = Vec::new();
    for c in sections {
        let by: Vec<String> = {
            let mut v: Vec<String> = mine
                .iter()
                .filter(|s| s.sections.contains(&c.id))
                .flat_map(|s| s.ids.clone())
                .collect();
            v.dedup();
            v
        };
        if by.is_empty() {
            continue;
        }
        let mut item = vec![
            link(&section_heading(c), "contract", Some(&section_heading(c))),
            Inline::Text(": ".into()),
        ];
        item.extend(qt_links(shown, by.into_iter()));
        items.push(item);
    }
    if items.is_empty() {
        blocks.push(Block::Para(text(
            "No scenario of the pack is tagged with a contract section.",
        )));
    } else {
        blocks.push(Block::List(items));
    }

    blocks.push(Block::Heading(2, "Scenarios".into()));
    let mut current_feature: Option<&str> = None;
    for s in &mine {
        if current_feature != Some(s.path.as_str()) {
            current_feature = Some(s.path.as_str());
            let file = s.path.rsplit('/').next().unwrap_or(&s.path);
            blocks.push(Block::Heading(
                3,
                format!("{}: {}", s.feature.keyword, s.feature.name),
            ));
            let mut para = vec![Inline::Code(file.to_owned())];
            if let Some(d) = &s.feature.description {
                para.push(Inline::Text(": ".into()));
                para.extend(text(&one_line(d)));
            }
            blocks.push(Block::Para(para));
        }
        blocks.push(Block::Heading(4, s.heading.clone()));
        let mut about = vec![Inline::Text(format!(
            "{}:{}",
            short(&s.path),
            s.scenario.position.line
        ))];
        if !s.sections.is_empty() {
            about.push(Inline::Text(". Contract: ".into()));
            for (n, id) in s.sections.iter().enumerate() {
                if n > 0 {
                    about.push(Inline::Text(", ".into()));
                }
                match sections.iter().find(|c| &c.id == id) {
                    Some(c) => about.push(link(id, "contract", Some(&section_heading(c)))),
                    None => about.push(Inline::Text(id.clone())),
                }
            }
        }
        blocks.push(Block::Para(about));
        let mut caught = Vec::new();
        let steps = s.scenario.steps.len();
        let mut add = |tags: &[String], within: Option<String>| {
            for (kind, list) in [
                ("catches", catches(tags)),
                ("warns", fault_tags(tags, "warns:")),
            ] {
                for c in list {
                    let what = faults
                        .iter()
                        .find(|f| f.name == c.fault)
                        .map(|f| format!("{} ({})", f.what, f.behaviour))
                        .unwrap_or_default();
                    let step = c.step.map_or_else(
                        || format!("its last step ({steps})"),
                        |n| format!("step {n}"),
                    );
                    let verb = if kind == "catches" {
                        "fails at"
                    } else {
                        "warns at"
                    };
                    let mut item = vec![
                        Inline::Code(c.fault.clone()),
                        Inline::Text(format!(": {verb} {step}")),
                    ];
                    if let Some(w) = &within {
                        item.push(Inline::Text(format!(" in {w}")));
                    }
                    if !what.is_empty() {
                        item.push(Inline::Text(format!("; the faulty system {what}")));
                    }
                    caught.push(item);
                }
            }
        };
        add(&s.scenario.tags, None);
        for e in &s.scenario.examples {
            let name = e.name.as_deref().filter(|n| !n.is_empty()).map_or_else(
                || format!("the examples at line {}", e.position.line),
                |n| format!("the examples \"{n}\""),
            );
            add(&e.tags, Some(name));
        }
        if !caught.is_empty() {
            blocks.push(Block::Para(vec![Inline::Text(
                "The faults of the reference participant it catches:".into(),
            )]));
            blocks.push(Block::List(caught));
        }
        blocks.push(Block::Code("gherkin", s.source.clone()));
    }

    blocks.push(Block::Heading(2, "Steps it uses".into()));
    let glossary = check::Glossary::shipped().ok();
    let mut items = Vec::new();
    if let Some(g) = &glossary {
        let mut seen = std::collections::BTreeSet::new();
        for u in uses
            .iter()
            .filter(|u| mine.iter().any(|s| s.path == u.path))
        {
            if seen.insert(u.phrase) {
                items.push((
                    u.phrase,
                    vec![
                        Inline::Code(g.phrases[u.phrase].full().to_owned()),
                        Inline::Text(", e.g. ".into()),
                        Inline::Code(u.text.clone()),
                    ],
                ));
            }
        }
    }
    items.sort_by_key(|(i, _)| *i);
    blocks.push(Block::List(items.into_iter().map(|(_, i)| i).collect()));
    blocks.push(Block::Para(vec![
        Inline::Text("Every phrase, with what its parameters take: ".into()),
        link("the step glossary", "steps", None),
        Inline::Text(".".into()),
    ]));
    Page {
        stem: m.name.clone(),
        title,
        blocks,
    }
}

fn contract_page(sections: &[Section], shown: &[Shown<'_>]) -> Page {
    let mut blocks = vec![
        Block::Heading(1, "Contract sections".into()),
        Block::Para(text(&format!(
            "The behaviours the packs check, one section per contract id, summarised from the participant contract (the section named under each heading has the rule in full). A scenario tagged with an id checks that behaviour. Shipped with the packs as `{}`.",
            contract::PATH
        ))),
    ];
    for c in sections {
        blocks.push(Block::Heading(2, section_heading(c)));
        blocks.push(Block::Para(vec![Inline::Strong(c.source.clone())]));
        for para in c.text.split("\n\n") {
            blocks.push(Block::Para(text(&one_line(para))));
        }
        let mut ids: Vec<String> = shown
            .iter()
            .filter(|s| s.sections.contains(&c.id))
            .flat_map(|s| s.ids.clone())
            .collect();
        ids.dedup();
        let mut para = vec![Inline::Text("Checked by: ".into())];
        if ids.is_empty() {
            para.push(Inline::Text("no shipped scenario yet.".into()));
        } else {
            para.extend(qt_links(shown, ids.into_iter()));
        }
        blocks.push(Block::Para(para));
    }
    Page {
        stem: "contract".into(),
        title: "Contract sections".into(),
        blocks,
    }
}

fn steps_page(shown: &[Shown<'_>], uses: &[Use]) -> Page {
    let mut blocks = vec![
        Block::Heading(1, "Step glossary".into()),
        Block::Para(text(
            "Every phrase a scenario may use, by domain, with an example from the shipped packs. `mhhs-qual steps` prints the same list, and `mhhs-qual check` matches feature files against it. A parameter in braces takes the values listed at the end.",
        )),
    ];
    let glossary = check::Glossary::shipped().ok();
    let mut by_module: BTreeMap<usize, (&str, Vec<Vec<Inline>>)> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for e in crate::steps::entries() {
        if !order.contains(&e.module) {
            order.push(e.module);
        }
        let k = order.iter().position(|m| *m == e.module).unwrap_or(0);
        let entry = by_module.entry(k).or_insert((e.module, Vec::new()));
        let mut item = vec![Inline::Code(e.text.to_owned())];
        if !e.is_parameter() {
            let phrase = glossary
                .as_ref()
                .and_then(|g| g.phrases.iter().position(|p| p.entry == e));
            match phrase.and_then(|i| uses.iter().find(|u| u.phrase == i)) {
                Some(u) => {
                    item.push(Inline::Text(", e.g. ".into()));
                    item.push(Inline::Code(u.text.clone()));
                    if let Some(s) = shown.iter().find(|s| {
                        s.path == u.path
                            && s.scenario.steps.iter().any(|st| st.position.line == u.line)
                    }) {
                        item.push(Inline::Text(" (".into()));
                        let label = s
                            .ids
                            .first()
                            .cloned()
                            .unwrap_or_else(|| s.scenario.name.clone());
                        item.push(link(&label, &s.pack.manifest.name, Some(&s.heading)));
                        item.push(Inline::Text(")".into()));
                    }
                }
                None => item.push(Inline::Text(": no shipped scenario uses it yet".into())),
            }
        }
        entry.1.push(item);
    }
    for (_, (module, items)) in by_module {
        blocks.push(Block::Heading(2, module.to_owned()));
        blocks.push(Block::List(items));
    }
    blocks.push(Block::Para(text(
        "Interfaces, publications and event codes come from `schemas/catalogue.json`, roles from `schemas/roles.json`, response codes from `schemas/response-codes.json`.",
    )));
    Page {
        stem: "steps".into(),
        title: "Step glossary".into(),
        blocks,
    }
}

/// `@warns:FAULT[:STEP]` tags as catches.
fn fault_tags(tags: &[String], prefix: &str) -> Vec<crate::runner::Catch> {
    let renamed: Vec<String> = tags
        .iter()
        .filter_map(|t| t.strip_prefix(prefix))
        .map(|rest| format!("catches:{rest}"))
        .collect();
    catches(&renamed)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `features/qualification/supplier/acknowledge.feature` → `acknowledge.feature`.
fn short(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_blocks_are_cut_at_the_next_scenarios_tags() {
        let lines = [
            "Feature: f",
            "",
            "  @a",
            "  @b",
            "  Scenario: x",
            "    Given y",
            "",
            "  @c",
            "  Scenario: z",
        ];
        assert_eq!(block_start_line(&lines, 5), 3);
        assert_eq!(dedent(&lines[2..7]), "@a\n@b\nScenario: x\n  Given y");
    }
}
