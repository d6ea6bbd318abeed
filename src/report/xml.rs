//! Text made safe for XML 1.0, whatever the system under test sent.
//!
//! Answers, bodies and headers come from the participant's system and reach the JUnit file
//! through failure texts and `system-out`. XML 1.0 forbids most control characters outright
//! (a parser stops at the first one and CI then sees no tests at all), so they are written
//! visibly as `\u001b` instead; nothing is ever wrapped in CDATA, so `]]>` needs no special
//! case: `>` is always escaped.

use std::fmt::Write as _;

/// Whether XML 1.0 forbids `c` (or discourages it, for the C1 controls and DEL).
fn unwritable(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}'
        | '\u{b}'
        | '\u{c}'
        | '\u{e}'..='\u{1f}'
        | '\u{7f}'..='\u{84}'
        | '\u{86}'..='\u{9f}'
        | '\u{fffe}'
        | '\u{ffff}')
}

fn push_escaped(out: &mut String, c: char, attribute: bool) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' if attribute => out.push_str("&quot;"),
        '\n' if attribute => out.push_str("&#10;"),
        '\t' if attribute => out.push_str("&#9;"),
        '\r' => out.push_str("&#13;"),
        c if unwritable(c) => {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// Whether a page would hide `c` or act on it: the characters XML forbids, the C1 controls,
/// and the invisible ones that reorder or hide text (bidirectional overrides, zero widths).
pub(super) fn hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}'
        | '\u{b}'
        | '\u{c}'
        | '\u{e}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{feff}'
        | '\u{fffe}'
        | '\u{ffff}')
}

/// `s` with the characters a page would hide written as `\u001b`.
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// `s` as element text.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_escaped(&mut out, c, false);
    }
    out
}

/// `s` as a double-quoted attribute value.
pub fn attribute(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_escaped(&mut out, c, true);
    }
    out
}

/// `s` cut to at most `max` bytes at a character boundary, saying how much was left out.
pub fn cut(s: &str, max: usize, note: &str) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n… {} bytes left out{note}\n", &s[..end], s.len() - end)
}

/// `s` on one line: runs of whitespace (newlines included) become one space, characters XML
/// forbids are shown as `\u001b`; at most `max` characters as readers show them, ending with
/// `…` when cut.
pub fn one_line(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut shown = 0usize;
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        let mut piece = String::new();
        if space {
            piece.push(' ');
            space = false;
        }
        if unwritable(c) {
            let _ = write!(piece, "\\u{:04x}", u32::from(c));
        } else {
            piece.push(c);
        }
        shown += piece.chars().count();
        out.push_str(&piece);
        if shown > max {
            let mut cut: String = out.chars().take(max.saturating_sub(1)).collect();
            cut.push('…');
            return cut;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{attribute, cut, one_line, text};

    #[test]
    fn control_characters_are_written_visibly() {
        assert_eq!(
            text("a\u{1b}[31mb\u{0}\u{7}"),
            "a\\u001b[31mb\\u0000\\u0007"
        );
        assert_eq!(text("tab\tand\nline"), "tab\tand\nline");
        assert_eq!(text("\u{fffe}\u{85}"), "\\ufffe\u{85}");
    }

    #[test]
    fn markup_and_cdata_ends_are_escaped() {
        assert_eq!(text("]]><x>&"), "]]&gt;&lt;x&gt;&amp;");
        assert_eq!(attribute("\"a\"\nb\r"), "&quot;a&quot;&#10;b&#13;");
    }

    #[test]
    fn long_text_is_cut_at_a_character_boundary() {
        assert_eq!(cut("ééé", 3, ""), "é\n… 4 bytes left out\n");
        assert_eq!(cut("abc", 3, ""), "abc");
        assert_eq!(one_line("a\n  b\tc", 10), "a b c");
        assert_eq!(one_line("abcdef", 4), "abc…");
        assert_eq!(one_line("a\u{1b}b", 4), "a\\u…");
    }
}
