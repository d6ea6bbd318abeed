//! A page of the living documentation, as a few blocks of text that render both as Markdown
//! (read on a forge) and as HTML (one file that needs no network). Links name a page and a
//! heading; a heading's anchor is its text as the forges make it (`S4 Appoint on gain` →
//! `s4-appoint-on-gain`), so that the same link works in both.

use std::fmt::Write as _;

/// Inline text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(String),
    /// A link to a heading of a page (`page` is its stem: `supplier`, `index`).
    Link {
        text: String,
        page: String,
        heading: Option<String>,
    },
}

/// A block of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(usize, String),
    Para(Vec<Inline>),
    List(Vec<Vec<Inline>>),
    /// A code block and its language (`gherkin`).
    Code(&'static str, String),
}

/// A page: its file stem (`index` is `README.md` and `index.html`), title and blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub stem: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Plain text as inlines, with `code` spans for the parts between backticks.
pub fn text(s: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    for (i, part) in s.split('`').enumerate() {
        if part.is_empty() {
            continue;
        }
        out.push(if i % 2 == 1 {
            Inline::Code(part.to_owned())
        } else {
            Inline::Text(part.to_owned())
        });
    }
    out
}

/// A heading's anchor, as GitHub and GitLab make it: lower case, spaces to hyphens, other
/// punctuation dropped.
pub fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn md_file(stem: &str) -> String {
    if stem == "index" {
        "README.md".to_owned()
    } else {
        format!("{stem}.md")
    }
}

impl Page {
    /// The Markdown file's name.
    pub fn md_name(&self) -> String {
        md_file(&self.stem)
    }

    /// The HTML file's name.
    pub fn html_name(&self) -> String {
        format!("{}.html", self.stem)
    }

    /// The page as Markdown.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading(level, t) => {
                    let _ = writeln!(out, "{} {}\n", "#".repeat(*level), md_escape(t));
                }
                Block::Para(inlines) => {
                    let _ = writeln!(out, "{}\n", md_inlines(inlines));
                }
                Block::List(items) => {
                    for i in items {
                        let _ = writeln!(out, "- {}", md_inlines(i));
                    }
                    out.push('\n');
                }
                Block::Code(lang, code) => {
                    let fence = if code.contains("```") { "~~~~" } else { "```" };
                    let _ = writeln!(out, "{fence}{lang}\n{}\n{fence}\n", code.trim_end());
                }
            }
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
        out
    }

    /// The page as one HTML file.
    pub fn html(&self) -> String {
        let mut body = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading(level, t) => {
                    let _ = writeln!(
                        body,
                        "<h{level} id=\"{}\">{}</h{level}>",
                        html_escape(&anchor(t)),
                        html_escape(t)
                    );
                }
                Block::Para(inlines) => {
                    let _ = writeln!(body, "<p>{}</p>", html_inlines(inlines));
                }
                Block::List(items) => {
                    body.push_str("<ul>\n");
                    for i in items {
                        let _ = writeln!(body, "<li>{}</li>", html_inlines(i));
                    }
                    body.push_str("</ul>\n");
                }
                Block::Code(lang, code) => {
                    let _ = writeln!(
                        body,
                        "<pre><code class=\"language-{lang}\">{}</code></pre>",
                        html_escape(code.trim_end())
                    );
                }
            }
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<nav><a href=\"index.html\">Packs</a> · <a href=\"contract.html\">Contract sections</a> · <a href=\"steps.html\">Step glossary</a></nav>\n<main>\n{body}</main>\n</body>\n</html>\n",
            html_escape(&self.title)
        )
    }
}

const STYLE: &str = "body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1b1b1b; }
nav { border-bottom: 1px solid #ccc; padding-bottom: .5rem; margin-bottom: 1rem; }
code { background: #f3f3f3; padding: 0 .2em; border-radius: 3px; }
pre { background: #f6f8fa; padding: .75rem; overflow-x: auto; border-radius: 4px; }
pre code { background: none; padding: 0; }
h2 { border-bottom: 1px solid #ddd; }
h4 { margin-bottom: .25rem; }
";

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '`' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn md_code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn md_inlines(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text(t) => md_escape(t),
            Inline::Code(c) => md_code(c),
            Inline::Strong(t) => format!("**{}**", md_escape(t)),
            Inline::Link {
                text,
                page,
                heading,
            } => format!(
                "[{}]({}{})",
                md_escape(text),
                md_file(page),
                heading
                    .as_ref()
                    .map(|h| format!("#{}", anchor(h)))
                    .unwrap_or_default()
            ),
        })
        .collect()
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html_inlines(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text(t) => html_escape(t),
            Inline::Code(c) => format!("<code>{}</code>", html_escape(c)),
            Inline::Strong(t) => format!("<strong>{}</strong>", html_escape(t)),
            Inline::Link {
                text,
                page,
                heading,
            } => format!(
                "<a href=\"{}.html{}\">{}</a>",
                html_escape(page),
                heading
                    .as_ref()
                    .map(|h| format!("#{}", html_escape(&anchor(h))))
                    .unwrap_or_default(),
                html_escape(text)
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_renders_as_markdown_and_html_with_the_same_anchors() {
        let page = Page {
            stem: "supplier".into(),
            title: "Pack <supplier>".into(),
            blocks: vec![
                Block::Heading(2, "QT-SUP-031 Gain of an <segment> MPAN".into()),
                Block::Para(vec![
                    Inline::Text("see ".into()),
                    Inline::Link {
                        text: "S4".into(),
                        page: "contract".into(),
                        heading: Some("S4 Appoint on gain".into()),
                    },
                ]),
                Block::Code("gherkin", "  Scenario: x\n".into()),
            ],
        };
        let md = page.markdown();
        assert!(md.starts_with("## QT-SUP-031 Gain of an \\<segment\\> MPAN\n\nsee [S4](contract.md#s4-appoint-on-gain)\n"), "{md}");
        assert!(md.ends_with("```gherkin\n  Scenario: x\n```\n"), "{md}");
        let html = page.html();
        assert!(html.contains("<h2 id=\"qt-sup-031-gain-of-an-segment-mpan\">QT-SUP-031 Gain of an &lt;segment&gt; MPAN</h2>"), "{html}");
        assert!(
            html.contains("<a href=\"contract.html#s4-appoint-on-gain\">S4</a>"),
            "{html}"
        );
        assert!(html.contains("<title>Pack &lt;supplier&gt;</title>"));
        assert_eq!(
            text("a `b` c"),
            [
                Inline::Text("a ".into()),
                Inline::Code("b".into()),
                Inline::Text(" c".into())
            ]
        );
        assert_eq!(anchor("S1 Acknowledge"), "s1-acknowledge");
    }
}
