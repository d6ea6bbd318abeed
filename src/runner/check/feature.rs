//! Checks of one feature file: it parses; every step is a phrase of the glossary with allowed
//! values, row by row of each outline; outlines have examples with their columns; tags belong
//! to the pack's vocabulary; QT ids and `@catches:`/`@warns:` tags are well formed and name
//! faults of the role's reference participant; `@prompted` agrees with the prompt steps.
//! What needs the whole pack (a QT id used twice, a phrase no feature uses) is gathered here
//! and judged by the caller.

use std::collections::BTreeMap;

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::gherkin::{self, GherkinEnv};
use cucumber::tag::Ext as _;
use regex::Regex;

use super::glossary::{Glossary, Lookup};
use super::values::Values;
use super::{Finding, Rule, lines, source};
use crate::runner::contract;
use crate::sut::Fault;

/// What the checks of a feature know of its pack.
#[derive(Debug)]
pub struct Context<'a> {
    pub glossary: &'a Glossary,
    pub values: &'a Values,
    /// The pack's role; `None` for a feature outside a pack.
    pub role: Option<&'a str>,
    /// The faults of the role's reference participant; `None` when no reference plays it.
    pub faults: Option<Vec<Fault>>,
    /// The tags the pack declares in its `pack.toml` (`None` outside a pack: any tag goes).
    pub declared: Option<Vec<String>>,
    /// A shipped pack: every scenario catches a fault.
    pub shipped: bool,
    /// The pack's `select`: the scenarios and rows of its features it takes.
    pub select: Option<TagOperation>,
}

/// Where a QT id is used: by which scenario (its keyword line), at which tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QtUse {
    pub id: String,
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub scenario: usize,
}

/// A step of a feature matched to a phrase of the glossary, as written (outline rows
/// expanded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    pub phrase: usize,
    pub path: String,
    pub line: usize,
    /// `Given a smart MPAN`.
    pub text: String,
}

/// What checking features found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub qt: Vec<QtUse>,
    pub uses: Vec<Use>,
}

/// A parsed feature file.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub path: String,
    pub text: String,
    pub feature: gherkin::Feature,
}

/// Parses a feature file, or pushes why it does not parse.
pub fn parse(path: &str, text: &str, out: &mut Vec<Finding>) -> Option<Parsed> {
    if source::is_blank(text) {
        out.push(Finding::error(
            path,
            1,
            1,
            Rule::Input,
            "the file is empty: a feature file has a `Feature:` line and scenarios".to_owned(),
        ));
        return None;
    }
    let found = lines::check(path, text, out);
    match gherkin::Feature::parse(text, GherkinEnv::default()) {
        Ok(mut feature) => {
            feature.path = Some(path.into());
            Some(Parsed {
                path: path.to_owned(),
                text: text.to_owned(),
                feature,
            })
        }
        Err(e) => {
            if found.lines.is_empty() {
                let (line, col, expected) = parse_error(&e.to_string());
                out.push(Finding::error(
                    path,
                    line,
                    col,
                    Rule::Syntax,
                    format!("the Gherkin does not parse here: expected {expected}"),
                ));
            }
            None
        }
    }
}

/// The position and the expected tokens of the parser's error, which reads
/// `Error at LINE:COL: {"token", ...}` (its fields are private); the tokens sorted and named.
fn parse_error(message: &str) -> (usize, usize, String) {
    let rest = message.strip_prefix("Error at ").unwrap_or(message);
    let (position, tokens) = rest.split_once(": ").unwrap_or((rest, ""));
    let mut numbers = position.split(':').map(|n| n.parse::<usize>().unwrap_or(1));
    let line = numbers.next().unwrap_or(1);
    let col = numbers.next().unwrap_or(1);
    let mut names: Vec<String> = Regex::new(r#""((?:[^"\\]|\\.)*)""#)
        .map(|re| {
            re.captures_iter(tokens)
                .map(|c| c[1].replace("\\\"", "\"").replace("\\\\", "\\"))
                .collect()
        })
        .unwrap_or_default();
    names.retain(|n| !matches!(n.as_str(), "no match" | "_" | "' ' | '\\t'"));
    let mut names: Vec<String> = names
        .into_iter()
        .map(|n| match n.as_str() {
            "unknown keyword" => {
                "a Gherkin keyword (Feature:, Scenario:, Examples:, Given, When, Then, And, But)"
                    .to_owned()
            }
            "inconsistent table row sizes" => {
                "table rows with as many cells as the first row".to_owned()
            }
            other => format!("`{}`", other.trim_matches('"')),
        })
        .collect();
    names.sort();
    names.dedup();
    let expected = if names.is_empty() {
        "something else".to_owned()
    } else {
        names.join(" or ")
    };
    (line, col, expected)
}

/// A scenario, with the tags it inherits from its feature and rule.
struct Scope<'a> {
    scenario: &'a gherkin::Scenario,
    inherited: Vec<String>,
}

/// Checks a parsed feature.
pub fn check(p: &Parsed, ctx: &Context<'_>, out: &mut Outcome) {
    let f = &p.feature;
    let text_lines: Vec<&str> = p.text.lines().collect();
    let checker = Checker {
        p,
        ctx,
        lines: &text_lines,
    };
    checker.tags(&f.tags, f.position.line, out);
    if let Some(b) = &f.background {
        for s in &b.steps {
            checker.step(s, &s.value, None, out);
        }
    }
    let mut scopes: Vec<Scope<'_>> = f
        .scenarios
        .iter()
        .map(|s| Scope {
            scenario: s,
            inherited: f.tags.clone(),
        })
        .collect();
    for r in &f.rules {
        checker.tags(&r.tags, r.position.line, out);
        if let Some(b) = &r.background {
            for s in &b.steps {
                checker.step(s, &s.value, None, out);
            }
        }
        let inherited: Vec<String> = f.tags.iter().chain(&r.tags).cloned().collect();
        scopes.extend(r.scenarios.iter().map(|s| Scope {
            scenario: s,
            inherited: inherited.clone(),
        }));
    }
    for scope in &scopes {
        checker.scenario(scope, out);
    }
}

/// A row of an outline's examples: its values by column and its line.
struct Row<'a> {
    values: BTreeMap<&'a str, &'a str>,
    line: usize,
}

struct Checker<'a> {
    p: &'a Parsed,
    ctx: &'a Context<'a>,
    lines: &'a [&'a str],
}

impl Checker<'_> {
    fn error(&self, line: usize, col: usize, rule: Rule, message: String) -> Finding {
        Finding::error(&self.p.path, line, col, rule, message)
    }

    fn scenario(&self, scope: &Scope<'_>, out: &mut Outcome) {
        let Some(taken) = taken_by(self.ctx.select.as_ref(), &scope.inherited, scope.scenario)
        else {
            return;
        };
        let scope = &Scope {
            scenario: &taken,
            inherited: scope.inherited.clone(),
        };
        let s = scope.scenario;
        let line = s.position.line;
        self.tags(&s.tags, line, out);
        for e in &s.examples {
            self.tags(&e.tags, e.position.line, out);
        }
        for t in s.tags.iter().chain(s.examples.iter().flat_map(|e| &e.tags)) {
            self.fault_tag(s, t, out);
        }
        self.qt_ids(s, out);
        if self.ctx.shipped {
            self.catches_something(s, out);
        }
        let placeholders = placeholders(s);
        let outline = s.keyword.contains("Outline")
            || s.keyword.contains("Template")
            || !s.examples.is_empty();
        let mut rows: Vec<Option<Row<'_>>> = Vec::new();
        if outline && s.examples.is_empty() {
            let names: Vec<String> = placeholders
                .iter()
                .map(|(n, _, _)| format!("<{n}>"))
                .collect();
            out.findings.push(self.error(
                line,
                s.position.col,
                Rule::Outline,
                format!(
                    "this Scenario Outline has no Examples, so it runs nothing: add an Examples table{}",
                    if names.is_empty() {
                        String::new()
                    } else {
                        format!(" with a column for each of {}", names.join(", "))
                    }
                ),
            ));
        }
        for e in &s.examples {
            let Some(table) = e.table.as_ref().filter(|t| t.rows.len() > 1) else {
                out.findings.push(self.error(
                    e.position.line,
                    e.position.col,
                    Rule::Outline,
                    "these Examples have no rows, so they run nothing: add a table with a header row and a row per example".to_owned(),
                ));
                continue;
            };
            let header = &table.rows[0];
            let mut complete = true;
            for (name, at_line, at_col) in &placeholders {
                if !header.iter().any(|h| h == name) {
                    complete = false;
                    out.findings.push(self.error(
                        *at_line,
                        *at_col,
                        Rule::Outline,
                        format!(
                            "<{name}> has no column in the Examples at line {} (columns: {})",
                            e.position.line,
                            header.join(", ")
                        ),
                    ));
                }
            }
            if !complete {
                continue; // its rows would only repeat the finding as undefined steps
            }
            for (k, cells) in table.rows.iter().skip(1).enumerate() {
                rows.push(Some(Row {
                    values: header
                        .iter()
                        .map(String::as_str)
                        .zip(cells.iter().map(String::as_str))
                        .collect(),
                    line: table.position.line + 1 + k,
                }));
            }
        }
        if !outline {
            rows.push(None);
        } else if rows.is_empty() {
            return; // an outline without a complete row: the finding above says what to add
        }
        let mut prompt_step: Option<&gherkin::Step> = None;
        for row in &rows {
            for step in &s.steps {
                let text = match row {
                    Some(r) => expand(&step.value, &r.values),
                    None => step.value.clone(),
                };
                if let Some(phrase) = self.step(step, &text, row.as_ref().map(|r| r.line), out)
                    && self.ctx.glossary.phrases[phrase].prompts()
                {
                    prompt_step.get_or_insert(step);
                }
            }
        }
        self.prompted(scope, prompt_step, out);
    }

    /// Checks a step's text; returns the phrase it is.
    fn step(
        &self,
        step: &gherkin::Step,
        text: &str,
        row: Option<usize>,
        out: &mut Outcome,
    ) -> Option<usize> {
        let (line, col) = (step.position.line, step.position.col);
        let shown = format!("{} {text}", step.keyword.trim());
        let at_row = row
            .map(|r| format!(" (example at line {r})"))
            .unwrap_or_default();
        let g = self.ctx.glossary;
        match g.lookup(step.ty, text, self.ctx.values) {
            Lookup::Defined { phrase, problems } => {
                for (value, problem) in problems {
                    let source_line = self.lines.get(line - 1).copied().unwrap_or("");
                    let at = source_line
                        .find(&value)
                        .map_or(col, |b| source_line[..b].chars().count() + 1);
                    out.findings.push(self.error(
                        line,
                        at,
                        Rule::Parameter,
                        format!("{problem}{at_row}"),
                    ));
                }
                out.uses.push(Use {
                    phrase,
                    path: self.p.path.clone(),
                    line,
                    text: format!(
                        "{} {text}",
                        g.phrases[phrase].full().split(' ').next().unwrap_or("")
                    ),
                });
                Some(phrase)
            }
            Lookup::Ambiguous(phrases) => {
                let list: Vec<String> = phrases
                    .iter()
                    .map(|i| {
                        let p = &g.phrases[*i];
                        format!("{:?} ({}:{})", p.full(), p.entry.file, p.entry.line)
                    })
                    .collect();
                out.findings.push(self.error(
                    line,
                    col,
                    Rule::AmbiguousStep,
                    format!(
                        "step {shown:?}{at_row} matches several phrases: {}",
                        list.join(", ")
                    ),
                ));
                None
            }
            Lookup::Undefined { closest } => {
                let list: Vec<String> = closest
                    .iter()
                    .map(|i| format!("{:?}", g.phrases[*i].full()))
                    .collect();
                out.findings.push(self.error(
                    line,
                    col,
                    Rule::UndefinedStep,
                    format!(
                        "undefined step {shown:?}{at_row}: no phrase of the glossary (mhhs-qual steps) matches; closest: {}",
                        list.join(", ")
                    ),
                ));
                None
            }
        }
    }

    /// Tags written above the keyword at `line`: each in the pack's vocabulary.
    fn tags(&self, tags: &[String], line: usize, out: &mut Outcome) {
        let Some(declared) = &self.ctx.declared else {
            return;
        };
        for t in tags {
            if let Some(problem) = vocabulary_problem(t, declared) {
                let (l, c) = tag_position(self.lines, line, t);
                out.findings.push(self.error(l, c, Rule::Tag, problem));
            }
        }
    }

    /// A `@catches:` or `@warns:` tag: well formed, a fault of the role's reference, a step
    /// of the scenario.
    fn fault_tag(&self, s: &gherkin::Scenario, tag: &str, out: &mut Outcome) {
        let Some((kind, rest)) = tag
            .strip_prefix("catches:")
            .map(|r| ("catches", r))
            .or_else(|| tag.strip_prefix("warns:").map(|r| ("warns", r)))
        else {
            return;
        };
        let (l, c) = self.tag_at(s, tag);
        let (fault, step) = match rest.rsplit_once(':') {
            Some((fault, step)) if step.chars().all(|c| c.is_ascii_digit()) && !step.is_empty() => {
                (fault, step.parse::<usize>().ok())
            }
            _ => (rest, None),
        };
        if fault.is_empty() {
            out.findings.push(self.error(
                l,
                c,
                Rule::Catches,
                format!("@{tag}: write @{kind}:FAULT or @{kind}:FAULT:STEP"),
            ));
            return;
        }
        if let Some(n) = step
            && (n == 0 || n > s.steps.len())
        {
            out.findings.push(self.error(
                l,
                c,
                Rule::Catches,
                format!(
                    "@{tag}: step {n}, but the scenario has {} step{} (steps count from 1)",
                    s.steps.len(),
                    if s.steps.len() == 1 { "" } else { "s" }
                ),
            ));
        }
        let Some(role) = self.ctx.role else { return };
        match &self.ctx.faults {
            None => out.findings.push(self.error(
                l,
                c,
                Rule::Catches,
                format!(
                    "@{tag}: no reference participant plays {role} yet, so it has no fault {fault:?}"
                ),
            )),
            Some(faults) if !faults.iter().any(|f| f.name == fault) => {
                let mut scored: Vec<(usize, &str)> = faults
                    .iter()
                    .map(|f| (strsim::osa_distance(fault, f.name), f.name))
                    .collect();
                scored.sort_unstable();
                let hint = match scored.first() {
                    Some((d, name)) if *d <= 3 => format!("; did you mean {name}?"),
                    _ => String::new(),
                };
                out.findings.push(self.error(
                    l,
                    c,
                    Rule::Catches,
                    format!(
                        "@{tag}: the {role} reference participant has no fault {fault:?}{hint} (mhhs-qual reference --role {role} --list-faults)"
                    ),
                ));
            }
            Some(_) => {}
        }
    }

    /// The position of a tag of a scenario or of one of its examples.
    fn tag_at(&self, s: &gherkin::Scenario, tag: &str) -> (usize, usize) {
        if s.tags.iter().any(|t| t == tag) {
            return tag_position(self.lines, s.position.line, tag);
        }
        s.examples
            .iter()
            .find(|e| e.tags.iter().any(|t| t == tag))
            .map_or((s.position.line, s.position.col), |e| {
                tag_position(self.lines, e.position.line, tag)
            })
    }

    /// One well-formed QT id per scenario (an outline's examples may each have their own
    /// instead); each use is recorded for the pack-wide check.
    fn qt_ids(&self, s: &gherkin::Scenario, out: &mut Outcome) {
        let well_formed = |tags: &[String]| -> Vec<String> {
            tags.iter()
                .filter(|t| qt_shape(t) == Some(true))
                .cloned()
                .collect()
        };
        for t in s.tags.iter().chain(s.examples.iter().flat_map(|e| &e.tags)) {
            if qt_shape(t) == Some(false) {
                let (l, c) = self.tag_at(s, t);
                out.findings.push(self.error(
                    l,
                    c,
                    Rule::QtId,
                    format!("@{t} is not a QT id: a QT id reads @QT-<ROLE>-nnn, three digits, e.g. @QT-SUP-001"),
                ));
            }
        }
        let any_qt = |tags: &[String]| tags.iter().any(|t| qt_shape(t).is_some());
        let own = well_formed(&s.tags);
        let record = |id: &str, line: usize, out: &mut Outcome| {
            let (l, c) = tag_position(self.lines, line, id);
            out.qt.push(QtUse {
                id: id.to_owned(),
                path: self.p.path.clone(),
                line: l,
                col: c,
                scenario: s.position.line,
            });
        };
        if own.len() > 1 {
            let (l, c) = tag_position(self.lines, s.position.line, &own[1]);
            out.findings.push(self.error(
                l,
                c,
                Rule::QtId,
                format!(
                    "the scenario has two QT ids, @{} and @{}: keep one",
                    own[0], own[1]
                ),
            ));
        }
        if let Some(id) = own.first() {
            record(id, s.position.line, out);
            for e in &s.examples {
                if let Some(other) = well_formed(&e.tags).first() {
                    let (l, c) = tag_position(self.lines, e.position.line, other);
                    out.findings.push(self.error(
                        l,
                        c,
                        Rule::QtId,
                        format!("@{other} on examples of a scenario that has its own QT id, @{id}: keep one"),
                    ));
                }
            }
            return;
        }
        if any_qt(&s.tags) {
            return; // a malformed id, reported above
        }
        if s.examples.is_empty() {
            out.findings.push(self.missing_qt(
                s.position.line,
                s.position.col,
                "the scenario has no QT id",
            ));
            return;
        }
        for e in &s.examples {
            let ids = well_formed(&e.tags);
            if ids.len() > 1 {
                let (l, c) = tag_position(self.lines, e.position.line, &ids[1]);
                out.findings.push(self.error(
                    l,
                    c,
                    Rule::QtId,
                    format!(
                        "the examples have two QT ids, @{} and @{}: keep one",
                        ids[0], ids[1]
                    ),
                ));
            }
            match ids.first() {
                Some(id) => record(id, e.position.line, out),
                None if !any_qt(&e.tags) => out.findings.push(self.missing_qt(
                    e.position.line,
                    e.position.col,
                    "these examples have no QT id, and neither has their scenario",
                )),
                None => {}
            }
        }
    }

    fn missing_qt(&self, line: usize, col: usize, what: &str) -> Finding {
        let role = self.ctx.role.unwrap_or("ROLE");
        self.error(
            line,
            col,
            Rule::QtId,
            format!("{what}: tag it @QT-{role}-nnn, an id no other scenario of the pack has"),
        )
    }

    /// A shipped scenario catches a fault: every row of an outline has a `@catches:` tag of
    /// its own or of its scenario.
    fn catches_something(&self, s: &gherkin::Scenario, out: &mut Outcome) {
        let has = |tags: &[String]| tags.iter().any(|t| t.starts_with("catches:"));
        if has(&s.tags) {
            return;
        }
        let role = self.ctx.role.unwrap_or("its role's");
        let message = format!(
            "a shipped scenario catches a fault: tag it @catches:FAULT[:STEP] with each fault of the {role} reference participant that makes it fail"
        );
        if s.examples.is_empty() {
            out.findings
                .push(self.error(s.position.line, s.position.col, Rule::Catches, message));
            return;
        }
        for e in s.examples.iter().filter(|e| !has(&e.tags)) {
            out.findings.push(self.error(
                e.position.line,
                e.position.col,
                Rule::Catches,
                message.clone(),
            ));
        }
    }

    /// `@prompted` exactly when a step prompts the system.
    fn prompted(&self, scope: &Scope<'_>, prompt_step: Option<&gherkin::Step>, out: &mut Outcome) {
        let s = scope.scenario;
        let own = s
            .tags
            .iter()
            .chain(s.examples.iter().flat_map(|e| &e.tags))
            .any(|t| t == "prompted");
        let tagged = own || scope.inherited.iter().any(|t| t == "prompted");
        match (tagged, prompt_step) {
            (true, None) => {
                let (l, c) = if own {
                    self.tag_at(s, "prompted")
                } else {
                    (s.position.line, s.position.col)
                };
                out.findings.push(self.error(
                    l,
                    c,
                    Rule::Prompted,
                    "the scenario is tagged @prompted, but none of its steps prompts the system: remove the tag, or add the prompt step it needs".to_owned(),
                ));
            }
            (false, Some(step)) => out.findings.push(self.error(
                step.position.line,
                step.position.col,
                Rule::Prompted,
                "this step prompts the system, but its scenario is not tagged @prompted (runs without [prompts] deselect prompted scenarios by the tag)".to_owned(),
            )),
            _ => {}
        }
    }
}

/// A scenario as a pack with this `select` takes it (`inherited`: its feature's and rule's
/// tags): `None` when it takes none of it, else with only the examples it takes.
pub fn taken_by(
    select: Option<&TagOperation>,
    inherited: &[String],
    s: &gherkin::Scenario,
) -> Option<gherkin::Scenario> {
    let Some(op) = select else {
        return Some(s.clone());
    };
    let base: Vec<&String> = inherited.iter().chain(&s.tags).collect();
    if s.examples.is_empty() {
        return op.eval(base.iter().copied()).then(|| s.clone());
    }
    let mut taken = s.clone();
    taken
        .examples
        .retain(|e| op.eval(base.iter().copied().chain(&e.tags)));
    (!taken.examples.is_empty()).then_some(taken)
}

/// Whether a tag is a QT id: `None` when it is not meant as one, `Some(false)` when it is
/// malformed (`@QT-SUP-1`, `@qt-sup-001`).
pub fn qt_shape(tag: &str) -> Option<bool> {
    if !tag.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("qt")) {
        return None;
    }
    let mut parts = tag.split('-');
    let ok = parts.next() == Some("QT")
        && parts.next().is_some_and(|r| {
            r.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && r.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        && parts
            .next()
            .is_some_and(|n| n.len() == 3 && n.chars().all(|c| c.is_ascii_digit()))
        && parts.next().is_none();
    Some(ok)
}

/// Why a tag is outside a pack's vocabulary, if it is. Always allowed: QT ids, `@catches:`
/// and `@warns:` (checked on their own), `@prompted`, contract ids of the shipped contract
/// sections, role codes; and the tags the pack declares (`name`, or `prefix*`).
pub fn vocabulary_problem(tag: &str, declared: &[String]) -> Option<String> {
    if qt_shape(tag).is_some()
        || tag.starts_with("catches:")
        || tag.starts_with("warns:")
        || tag == "prompted"
        || crate::market::roles::role(tag).is_some()
    {
        return None;
    }
    let matches_declared = |d: &String| {
        let d = d.trim_start_matches('@');
        match d.strip_suffix('*') {
            Some(prefix) => tag.starts_with(prefix),
            None => tag == d,
        }
    };
    if declared.iter().any(matches_declared) {
        return None;
    }
    let sections = contract::sections();
    if sections.iter().any(|s| s.id == tag) {
        return None;
    }
    if contract::looks_like_id(tag) {
        return Some(format!(
            "@{tag} is not a contract section (the contract ids are {}; see {})",
            id_ranges(&sections),
            contract::PATH
        ));
    }
    let mut known: Vec<String> = vec!["prompted".to_owned()];
    known.extend(sections.iter().map(|s| s.id.clone()));
    known.extend(crate::market::roles::codes().map(str::to_owned));
    known.extend(
        declared
            .iter()
            .filter(|d| !d.ends_with('*'))
            .map(|d| d.trim_start_matches('@').to_owned()),
    );
    let hint = if let Some((prefix, rest)) = tag.split_once(':')
        && let Some(kind) = ["catches", "warns"]
            .into_iter()
            .find(|k| strsim::osa_distance(prefix, k) <= 2)
    {
        format!("; did you mean @{kind}:{rest}?")
    } else {
        known
            .iter()
            .map(|k| (strsim::osa_distance(tag, k), k))
            .filter(|(d, k)| *d <= 2 && *d < k.len())
            .min()
            .map(|(_, k)| format!("; did you mean @{k}?"))
            .unwrap_or_default()
    };
    Some(format!(
        "@{tag} is not in the pack's vocabulary{hint} (declare it in pack.toml `tags`; always allowed: @QT-..., @catches:..., @warns:..., @prompted, contract ids such as @S4, role codes such as @MSS)"
    ))
}

/// `G1-G7, S1-S7, ...`: the contract ids, letter by letter.
fn id_ranges(sections: &[contract::Section]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sections.len() {
        let letter = &sections[i].id[..1];
        let mut j = i;
        while j + 1 < sections.len() && sections[j + 1].id.starts_with(letter) {
            j += 1;
        }
        if i == j {
            out.push(sections[i].id.clone());
        } else {
            out.push(format!("{}-{}", sections[i].id, sections[j].id));
        }
        i = j + 1;
    }
    out.join(", ")
}

/// The line and column of `@tag` among the tag lines above the keyword at `line`.
pub fn tag_position(lines: &[&str], line: usize, tag: &str) -> (usize, usize) {
    let want = format!("@{tag}");
    let mut i = line.saturating_sub(1).min(lines.len());
    while i > 0 {
        i -= 1;
        let l = lines[i];
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !t.starts_with('@') {
            break;
        }
        let mut offset = 0;
        for word in l.split_inclusive(char::is_whitespace) {
            if word.trim_end() == want {
                return (i + 1, l[..offset].chars().count() + 1);
            }
            offset += word.len();
        }
    }
    (line, 1)
}

/// Each `<placeholder>` of a scenario's name and steps (values, docstrings, tables) with the
/// line and column where it is first written.
fn placeholders(s: &gherkin::Scenario) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    let mut add = |text: &str, line: usize, col: usize| {
        for name in placeholder_names(text) {
            if !out.iter().any(|(n, _, _)| *n == name) {
                out.push((name, line, col));
            }
        }
    };
    add(&s.name, s.position.line, s.position.col);
    for step in &s.steps {
        add(&step.value, step.position.line, step.position.col);
        if let Some(d) = &step.docstring {
            add(d, step.position.line, step.position.col);
        }
        if let Some(t) = &step.table {
            for cell in t.rows.iter().flatten() {
                add(cell, t.position.line, t.position.col);
            }
        }
    }
    out
}

/// The names in `<...>` of a text, as cucumber reads them (no spaces at either end).
fn placeholder_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        match after.find(['<', '>']) {
            Some(end) if after.as_bytes()[end] == b'>' => {
                let name = &after[..end];
                if !name.is_empty() && name.trim() == name && !name.contains(['\n', '\t']) {
                    out.push(name.to_owned());
                }
                rest = &after[end + 1..];
            }
            Some(end) => rest = &after[end..],
            None => break,
        }
    }
    out
}

/// A step's text with an example row's values in its placeholders.
fn expand(text: &str, values: &BTreeMap<&str, &str>) -> String {
    let mut out = text.to_owned();
    for (k, v) in values {
        out = out.replace(&format!("<{k}>"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::Entry;

    const fn entry(text: &'static str) -> Entry {
        Entry {
            module: "test",
            file: "steps/test.rs",
            line: 1,
            text,
        }
    }

    /// The findings of a feature in a SUP pack, against a glossary of these phrases.
    fn findings(text: &str, phrases: &[&'static str], shipped: bool) -> Vec<String> {
        let entries: Vec<Entry> = phrases.iter().map(|p| entry(p)).collect();
        let glossary = Glossary::new(&entries, crate::steps::PARAMETERS).unwrap();
        let values = Values::shipped();
        let ctx = Context {
            glossary: &glossary,
            values: &values,
            role: Some("SUP"),
            faults: crate::sut::faults_of("SUP"),
            declared: Some(Vec::new()),
            shipped,
            select: None,
        };
        let mut out = Outcome::default();
        if let Some(p) = parse("f", text, &mut out.findings) {
            check(&p, &ctx, &mut out);
        }
        out.findings.iter().map(ToString::to_string).collect()
    }

    const PHRASES: &[&str] = &[
        "Given a(n) {segment} MPAN",
        "When the harness prompts the system to {word} for the MPAN",
        "Given a {word} thing",
        "Given a big {word}",
    ];

    #[test]
    fn prompted_agrees_with_the_prompt_steps() {
        let body = "    Given a smart MPAN\n    When the harness prompts the system to install-meter for the MPAN\n";
        assert_eq!(
            findings(
                &format!("Feature: f\n  @QT-SUP-001\n  Scenario: s\n{body}"),
                PHRASES,
                false
            ),
            [
                "f:5:5: error: this step prompts the system, but its scenario is not tagged @prompted (runs without [prompts] deselect prompted scenarios by the tag)"
            ]
        );
        assert!(
            findings(
                &format!("Feature: f\n  @QT-SUP-001 @prompted\n  Scenario: s\n{body}"),
                PHRASES,
                false
            )
            .is_empty()
        );
        // A feature-level @prompted counts for its scenarios.
        assert!(
            findings(
                &format!("@prompted\nFeature: f\n  @QT-SUP-001\n  Scenario: s\n{body}"),
                PHRASES,
                false
            )
            .is_empty()
        );
    }

    #[test]
    fn a_step_two_phrases_match_is_ambiguous() {
        let found = findings(
            "Feature: f\n  @QT-SUP-001\n  Scenario: s\n    Given a big thing\n",
            PHRASES,
            false,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("f:4:5: error: step \"Given a big thing\" matches several phrases: \"Given a {word} thing\" (steps/test.rs:1), \"Given a big {word}\""),
            "{found:?}"
        );
    }

    #[test]
    fn backgrounds_and_rules_are_checked_too() {
        let found = findings(
            "Feature: f\n  Background:\n    Given nothing at all\n\n  Rule: r\n    @QT-SUP-001\n    Scenario: s\n      Given a smrt MPAN\n",
            PHRASES,
            false,
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("f:3:5: error: undefined step \"Given nothing at all\""),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("f:8:15: error: unknown segment \"smrt\""),
            "{found:?}"
        );
    }

    #[test]
    fn qt_ids_of_examples_and_warns_tags_are_checked() {
        let outline = |tags_s: &str, tags_a: &str, tags_b: &str| {
            format!(
                "Feature: f\n  {tags_s}\n  Scenario Outline: s\n    Given a <segment> MPAN\n\n    {tags_a}\n    Examples:\n      | segment |\n      | smart   |\n\n    {tags_b}\n    Examples:\n      | segment  |\n      | advanced |\n"
            )
        };
        let none: Vec<String> = Vec::new();
        assert_eq!(
            findings(
                &outline("@catches:slow-ack", "@QT-SUP-001", "@QT-SUP-002"),
                PHRASES,
                true
            ),
            none
        );
        assert_eq!(
            findings(&outline("@QT-SUP-001", "@QT-SUP-002", ""), PHRASES, false),
            [
                "f:6:5: error: @QT-SUP-002 on examples of a scenario that has its own QT id, @QT-SUP-001: keep one"
            ]
        );
        assert_eq!(
            findings(
                &outline("", "@QT-SUP-001", "@warns:slow-ak"),
                PHRASES,
                false
            ),
            [
                "f:11:5: error: @warns:slow-ak: the SUP reference participant has no fault \"slow-ak\"; did you mean slow-ack? (mhhs-qual reference --role SUP --list-faults)",
                "f:12:5: error: these examples have no QT id, and neither has their scenario: tag it @QT-SUP-nnn, an id no other scenario of the pack has",
            ]
        );
        // In a shipped pack, each row catches a fault.
        assert_eq!(
            findings(
                &outline("", "@QT-SUP-001 @catches:slow-ack", "@QT-SUP-002"),
                PHRASES,
                true
            ),
            [
                "f:12:5: error: a shipped scenario catches a fault: tag it @catches:FAULT[:STEP] with each fault of the SUP reference participant that makes it fail"
            ]
        );
    }

    #[test]
    fn qt_ids_have_one_shape() {
        assert_eq!(qt_shape("QT-SUP-001"), Some(true));
        assert_eq!(qt_shape("QT-X-001"), Some(true));
        assert_eq!(qt_shape("QT-SUP-1"), Some(false));
        assert_eq!(qt_shape("qt-sup-001"), Some(false));
        assert_eq!(qt_shape("QT-SUP-001-a"), Some(false));
        assert_eq!(qt_shape("S4"), None);
    }

    #[test]
    fn the_vocabulary_takes_the_fixed_tags_and_the_declared_ones() {
        let declared = vec!["@slow".to_owned(), "sandbox-*".to_owned()];
        for ok in [
            "QT-SUP-001",
            "catches:x",
            "warns:y",
            "prompted",
            "S4",
            "M8",
            "MSS",
            "slow",
            "sandbox-e2",
        ] {
            assert_eq!(vocabulary_problem(ok, &declared), None, "{ok}");
        }
        assert!(vocabulary_problem("S9", &declared).unwrap().starts_with(
            "@S9 is not a contract section (the contract ids are G1-G7, S1-S7, M1-M8, D1-D9, L1-L4, E1-E7;"
        ));
        assert!(
            vocabulary_problem("promted", &declared)
                .unwrap()
                .starts_with("@promted is not in the pack's vocabulary; did you mean @prompted?")
        );
        assert!(
            vocabulary_problem("catch:slow-ack", &declared)
                .unwrap()
                .contains("did you mean @catches:slow-ack?")
        );
        assert!(vocabulary_problem("fast", &declared).is_some());
    }

    #[test]
    fn tags_are_found_on_the_lines_above_their_keyword() {
        let lines = [
            "  @QT-SUP-001",
            "  # a comment",
            "  @catches:a @catches:b",
            "  Scenario: x",
        ];
        assert_eq!(tag_position(&lines, 4, "catches:b"), (3, 14));
        assert_eq!(tag_position(&lines, 4, "QT-SUP-001"), (1, 3));
        assert_eq!(tag_position(&lines, 4, "nowhere"), (4, 1));
        assert_eq!(placeholder_names("a <b> <c d> < e> <f"), ["b", "c d"]);
    }

    #[test]
    fn parser_errors_are_read_and_named() {
        let (line, col, expected) =
            parse_error(r#"Error at 5:5: {"unknown keyword", "\"|\"", "no match"}"#);
        assert_eq!((line, col), (5, 5));
        assert_eq!(
            expected,
            "`|` or a Gherkin keyword (Feature:, Scenario:, Examples:, Given, When, Then, And, But)"
        );
    }
}
