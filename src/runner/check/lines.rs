//! Checks of a feature file's lines before it is parsed. The Gherkin parser stops at the first
//! error and often reports it a line or two late with an internal token name; these checks
//! find the usual mistakes where they are and say what was expected: a misspelt keyword, a
//! missing colon, a step without text, a tag with spaces, a table row with a cell too few.
//! They know the English keywords; a file with another `# language:` is left to the parser.

use super::{Finding, Rule};

const HEADERS: [&str; 10] = [
    "Feature",
    "Ability",
    "Business Need",
    "Rule",
    "Background",
    "Scenario Outline",
    "Scenario Template",
    "Scenario",
    "Example",
    "Examples",
];
const MORE_HEADERS: [&str; 1] = ["Scenarios"];
const STEPS: [&str; 5] = ["Given", "When", "Then", "And", "But"];
/// The headers whose description comes right before steps.
const SCENARIO_HEADERS: [&str; 5] = [
    "Background",
    "Scenario Outline",
    "Scenario Template",
    "Scenario",
    "Example",
];

/// Where a line-level check found a problem: the lines it reported, so that the parser's
/// own error on one of them is not reported twice.
#[derive(Debug, Default)]
pub struct Found {
    pub lines: Vec<usize>,
}

/// Checks the lines of `text`, pushing findings; the first structural error ends the checks
/// (what follows it would only echo it).
pub fn check(path: &str, text: &str, out: &mut Vec<Finding>) -> Found {
    fn push(found: &mut Found, out: &mut Vec<Finding>, f: Finding) {
        found.lines.push(f.line);
        out.push(f);
    }
    let mut found = Found::default();
    if other_language(text) {
        return found;
    }
    let mut seen_feature = false;
    let mut current = "";
    // After a step or a table row only keywords may follow; after a header, free text (its
    // description) may.
    let mut in_body = false;
    let mut docstring: Option<&str> = None;
    let mut table: Option<(usize, usize, String)> = None; // (header line, cells, header)
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let t = line.trim();
        let col = line.chars().take_while(|c| c.is_whitespace()).count() + 1;
        if let Some(fence) = docstring {
            if t.starts_with(fence) {
                docstring = None;
            }
            continue;
        }
        if t.starts_with("\"\"\"") || t.starts_with("```") {
            docstring = Some(if t.starts_with("```") {
                "```"
            } else {
                "\"\"\""
            });
            continue;
        }
        if !t.starts_with('|') {
            table = None;
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('@') {
            tags(path, n, line, &mut found, out);
            continue;
        }
        if t.starts_with('|') {
            let cells = cells(t);
            match &table {
                None => table = Some((n, cells.len(), cells.join(" | "))),
                Some((_, want, header)) if cells.len() != *want => {
                    push(
                        &mut found,
                        out,
                        Finding::error(
                            path,
                            n,
                            col,
                            Rule::Syntax,
                            format!(
                                "this row has {} cell{} where the table's first row has {want} ({header}): a column is missing or extra",
                                cells.len(),
                                if cells.len() == 1 { "" } else { "s" }
                            ),
                        ),
                    );
                    return found;
                }
                Some(_) => {}
            }
            in_body = true;
            continue;
        }
        if let Some(h) = header(t) {
            if h == "Feature" || h == "Ability" || h == "Business Need" {
                seen_feature = true;
            } else if !seen_feature {
                push(&mut found, out, not_first(path, n, col));
                return found;
            }
            in_body = false;
            current = h;
            continue;
        }
        if !seen_feature {
            push(&mut found, out, not_first(path, n, col));
            return found;
        }
        let first = t.split_whitespace().next().unwrap_or(t);
        if let Some(step) = STEPS.iter().find(|k| first == **k) {
            if t.len() == step.len() {
                push(
                    &mut found,
                    out,
                    Finding::error(
                        path,
                        n,
                        col,
                        Rule::Syntax,
                        format!("a step has text after its keyword: {step} what happens"),
                    ),
                );
                return found;
            }
            in_body = true;
            continue;
        }
        if first == "*" {
            in_body = true;
            continue;
        }
        if in_body {
            push(&mut found, out, not_a_keyword(path, n, col, t));
            return found;
        }
        // A scenario's description is free text, so a misspelt first step would silently
        // become its description: a first word one or two letters from a step keyword is not.
        if SCENARIO_HEADERS.contains(&current)
            && first.len() >= 4
            && let Some(k) = STEPS.iter().find(|k| {
                let d = strsim::osa_distance(first, k);
                d > 0 && d <= 2 && d * 3 <= first.len()
            })
        {
            push(
                &mut found,
                out,
                Finding::error(
                    path,
                    n,
                    col,
                    Rule::Syntax,
                    format!(
                        "{first:?} is not a Gherkin keyword; did you mean `{k} ...`? (as written, the line is the scenario's description, not a step)"
                    ),
                ),
            );
            return found;
        }
    }
    found
}

/// `Scenario Outline` for `Scenario Outline: ...`.
fn header(t: &str) -> Option<&'static str> {
    HEADERS
        .iter()
        .chain(MORE_HEADERS.iter())
        .find(|h| {
            t.strip_prefix(**h)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .copied()
}

fn other_language(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .take_while(|l| l.is_empty() || l.starts_with('#'))
        .filter_map(|l| l.trim_start_matches('#').trim().strip_prefix("language:"))
        .any(|lang| !matches!(lang.trim(), "en" | ""))
}

fn not_first(path: &str, n: usize, col: usize) -> Finding {
    Finding::error(
        path,
        n,
        col,
        Rule::Syntax,
        "a feature file starts with `Feature:` (only tags and comments may come before it)"
            .to_owned(),
    )
}

/// A line in a scenario that starts with no keyword: the closest keyword, if it is close.
fn not_a_keyword(path: &str, n: usize, col: usize, t: &str) -> Finding {
    let words: Vec<&str> = t.split_whitespace().collect();
    let first = words[0].trim_end_matches(':');
    let keywords: Vec<&str> = HEADERS
        .iter()
        .chain(MORE_HEADERS.iter())
        .chain(STEPS.iter())
        .copied()
        .collect();
    // `Scenario Outline` is two words: compare the line's first words with each keyword.
    let best = keywords
        .iter()
        .map(|k| {
            let len = k.split(' ').count();
            let head = words
                .iter()
                .take(len)
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            (strsim::osa_distance(head.trim_end_matches(':'), k), *k)
        })
        .min();
    let message = match best {
        Some((0, k)) if HEADERS.contains(&k) || MORE_HEADERS.contains(&k) => {
            format!("`{k}` needs a colon: {k}: name")
        }
        Some((d, k)) if d <= 2 && d * 3 <= k.len() => {
            let form = if STEPS.contains(&k) {
                format!("{k} ...")
            } else {
                format!("{k}:")
            };
            format!("{first:?} is not a Gherkin keyword; did you mean `{form}`?")
        }
        _ => format!(
            "{first:?} is not a Gherkin keyword: a step starts with Given, When, Then, And or But (free text belongs under a Feature:, Scenario: or Examples: line, before the steps)"
        ),
    };
    Finding::error(path, n, col, Rule::Syntax, message)
}

/// A tag line: every word is a tag (`@name`), up to a comment.
fn tags(path: &str, n: usize, line: &str, found: &mut Found, out: &mut Vec<Finding>) {
    let mut offset = 0;
    for word in line.split_inclusive(char::is_whitespace) {
        let w = word.trim_end();
        let col = line[..offset].chars().count() + 1;
        offset += word.len();
        if w.is_empty() {
            continue;
        }
        if w.starts_with('#') {
            return;
        }
        let problem = if w == "@" {
            Some("a tag has a name after its @".to_owned())
        } else if !w.starts_with('@') {
            Some(format!(
                "{w:?} is not a tag: a tag has no spaces (write @a-b, not @a b), and every word of a tag line starts with @"
            ))
        } else if w[1..].contains('@') {
            Some(format!("{w:?}: tags are separated by spaces"))
        } else {
            None
        };
        if let Some(message) = problem {
            found.lines.push(n);
            out.push(Finding::error(path, n, col, Rule::Tag, message));
            return;
        }
    }
}

/// The cells of a table row `| a | b |` (a `\|` is part of a cell).
fn cells(row: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = row.trim().chars().peekable();
    if chars.peek() == Some(&'|') {
        chars.next();
    }
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cell.push(c);
                if let Some(next) = chars.next() {
                    cell.push(next);
                }
            }
            '|' => out.push(std::mem::take(&mut cell).trim().to_owned()),
            _ => cell.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> String {
        let mut out = Vec::new();
        check("f", text, &mut out);
        out.first().map(ToString::to_string).unwrap_or_default()
    }

    #[test]
    fn misspelt_keywords_are_found_where_they_are() {
        assert_eq!(
            first("Feature: x\n  Scenario: y\n    Given a\n    Gvien b\n"),
            "f:4:5: error: \"Gvien\" is not a Gherkin keyword; did you mean `Given ...`?"
        );
        assert_eq!(
            first("Feature: x\n  Scenario: y\n    Given a\n  Scenaro: z\n    Given b\n"),
            "f:4:3: error: \"Scenaro\" is not a Gherkin keyword; did you mean `Scenario:`?"
        );
        assert_eq!(
            first("Feature: x\n  Scenario: y\n    Given a\n  Scenario z\n"),
            "f:4:3: error: `Scenario` needs a colon: Scenario: name"
        );
        assert_eq!(
            first("Feature: x\n  Scenario: y\n    Given\n"),
            "f:3:5: error: a step has text after its keyword: Given what happens"
        );
        assert_eq!(
            first("Scenario: y\n  Given a\n"),
            "f:1:1: error: a feature file starts with `Feature:` (only tags and comments may come before it)"
        );
    }

    #[test]
    fn a_misspelt_first_step_is_not_taken_for_a_description() {
        assert_eq!(
            first("Feature: x\n  Scenario: y\n    Gvien a\n    When b\n"),
            "f:3:5: error: \"Gvien\" is not a Gherkin keyword; did you mean `Given ...`? (as written, the line is the scenario's description, not a step)"
        );
        // In a feature's description the same words are text.
        assert_eq!(
            first("Feature: x\n  Gvien a\n  Scenario: y\n    When b\n"),
            ""
        );
        assert_eq!(
            first("Feature: x\n  Scenario: y\n    The supplier answers\n    When b\n"),
            ""
        );
    }

    #[test]
    fn descriptions_docstrings_and_other_languages_are_not_findings() {
        assert_eq!(
            first(
                "Feature: x\n  free text\n\n  Scenario: y\n    more text\n    Given a\n      \"\"\"\n      Gvien\n      \"\"\"\n    Then b\n      | a | b |\n      | 1 | 2 |\n"
            ),
            ""
        );
        assert_eq!(
            first("# language: fr\nFonctionnalité: x\n  Scénario: y\n    Soit a\n"),
            ""
        );
    }

    #[test]
    fn tag_lines_and_tables_are_checked_word_by_word() {
        assert_eq!(
            first("Feature: x\n  @QT-SUP-001 @tag with spaces\n  Scenario: y\n    Given a\n"),
            "f:2:20: error: \"with\" is not a tag: a tag has no spaces (write @a-b, not @a b), and every word of a tag line starts with @"
        );
        assert_eq!(
            first("Feature: x\n  @a @b # a comment\n  Scenario: y\n    Given a\n"),
            ""
        );
        assert_eq!(
            first(
                "Feature: x\n  Scenario Outline: y\n    Given <a> and <b>\n    Examples:\n      | a | b |\n      | 1 |\n"
            ),
            "f:6:7: error: this row has 1 cell where the table's first row has 2 (a | b): a column is missing or extra"
        );
        assert_eq!(cells(r"| a \| b | c |"), [r"a \| b", "c"]);
    }
}
