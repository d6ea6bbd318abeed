//! The contract sections the packs check (`features/qualification/contract.md`, shipped with
//! the packs): one `## ID Title` heading per contract id (G1-G7, S1-S7, M1-M8, D1-D9, L1-L4),
//! the section of the participant contract it summarises in an `*...*` line, then the summary.
//! A feature or scenario tagged with an id (`@S4`) checks that behaviour; `check` accepts the
//! ids as tags in every pack and `docs` links each tag to its section.

use crate::embedded;

/// Where the sections ship, from the project root.
pub const PATH: &str = "features/qualification/contract.md";

/// One contract section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// `S4`.
    pub id: String,
    /// `Appoint on gain`.
    pub title: String,
    /// The section of the participant contract it summarises: `CONTRACT.md §6, S4`.
    pub source: String,
    /// The summary, in Markdown paragraphs.
    pub text: String,
}

/// The shipped sections, in the order of the file.
pub fn sections() -> Vec<Section> {
    embedded::file(PATH).map(parse).unwrap_or_default()
}

/// The section with this id.
pub fn section(id: &str) -> Option<Section> {
    sections().into_iter().find(|s| s.id == id)
}

/// Whether a tag (without `@`) has the shape of a contract id: a capital letter and digits.
pub fn looks_like_id(tag: &str) -> bool {
    let mut chars = tag.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.clone().next().is_some()
        && chars.all(|c| c.is_ascii_digit())
}

/// Reads the sections of a contract file. Any `## ` heading ends a section; one that does not
/// start with a contract id starts none.
pub fn parse(text: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut current: Option<Section> = None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            out.extend(current.take());
            let (id, title) = heading.split_once(' ').unwrap_or((heading, ""));
            if looks_like_id(id) {
                current = Some(Section {
                    id: id.to_owned(),
                    title: title.trim().to_owned(),
                    source: String::new(),
                    text: String::new(),
                });
            }
            continue;
        }
        let Some(s) = current.as_mut() else { continue };
        let trimmed = line.trim();
        if s.source.is_empty()
            && s.text.is_empty()
            && trimmed.len() > 2
            && let Some(source) = trimmed.strip_prefix('*').and_then(|t| t.strip_suffix('*'))
        {
            source.clone_into(&mut s.source);
            continue;
        }
        if !(s.text.is_empty() && trimmed.is_empty()) {
            s.text.push_str(line);
            s.text.push('\n');
        }
    }
    out.extend(current);
    for s in &mut out {
        let trimmed = s.text.trim_end().to_owned();
        s.text = trimmed;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_sections_name_every_contract_id_once() {
        let ids: Vec<String> = sections().into_iter().map(|s| s.id).collect();
        let mut expected = Vec::new();
        for (letter, n) in [('G', 7), ('S', 7), ('M', 8), ('D', 9), ('L', 4), ('E', 7)] {
            expected.extend((1..=n).map(|i| format!("{letter}{i}")));
        }
        assert_eq!(ids, expected);
        for s in sections() {
            assert!(!s.title.is_empty(), "{s:?}");
            assert!(s.source.contains('§'), "{s:?}");
            assert!(!s.text.is_empty(), "{s:?}");
        }
    }

    #[test]
    fn a_section_has_its_title_source_and_text() {
        let s = parse(
            "# T\n\nintro\n\n## S9 Do it\n\n*CONTRACT.md §6, S9*\n\nOne.\n\nTwo.\n\n## Other\n",
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].id, "S9");
        assert_eq!(s[0].title, "Do it");
        assert_eq!(s[0].source, "CONTRACT.md §6, S9");
        // A heading that is not a contract id ends the section and starts none.
        assert_eq!(s[0].text, "One.\n\nTwo.");
        assert!(looks_like_id("G7") && looks_like_id("L10"));
        assert!(!looks_like_id("S") && !looks_like_id("s1") && !looks_like_id("QT-SUP-001"));
    }
}
