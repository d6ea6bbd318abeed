//! `index.html`: a page an assessor can read without tools: the totals, then every scenario
//! with its status, its failure and its message sequence, each message's body a click away.
//! It is one self-contained file (no scripts, no external styles).

use std::fmt::Write as _;
use std::path::Path;

use super::{ScenarioResult, Status};
use crate::journal::{Body, Journal};

/// Escapes text for HTML.
fn esc(s: &str) -> String {
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

fn body_text(b: &Body) -> String {
    match b {
        Body::Json(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
        Body::Text(t) => t.clone(),
        Body::Empty => String::new(),
    }
}

/// Writes the page.
pub fn write(
    path: &Path,
    scenarios: &[ScenarioResult],
    journal: &Journal,
    title: &str,
) -> std::io::Result<()> {
    let totals = super::results::Totals::of(scenarios);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>\
         body{{font-family:sans-serif;margin:2em;}} table{{border-collapse:collapse;}} td,th{{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left;}}\
         .passed{{color:#176317;}} .failed,.error{{color:#a01010;}} pre{{background:#f6f6f6;padding:.5em;overflow-x:auto;}}</style></head><body>\n\
         <h1>{}</h1>\n<p>{} scenarios: {} passed, {} failed, {} errors.</p>\n<table><tr><th>id</th><th>scenario</th><th>feature</th><th>status</th><th>time</th></tr>\n",
        esc(title),
        esc(title),
        totals.scenarios,
        totals.passed,
        totals.failed,
        totals.errors
    );
    for (i, s) in scenarios.iter().enumerate() {
        let status = status_word(s.status);
        let _ = writeln!(
            h,
            "<tr><td><a href=\"#s{i}\">{}</a></td><td>{}</td><td>{}</td><td class=\"{status}\">{status}</td><td>{} ms</td></tr>",
            esc(s.qt_id().unwrap_or("")),
            esc(&s.name),
            esc(&format!("{}:{}", s.feature_path, s.line)),
            s.duration.as_millis()
        );
    }
    h.push_str("</table>\n");
    for (i, s) in scenarios.iter().enumerate() {
        let status = status_word(s.status);
        let _ = writeln!(
            h,
            "<h2 id=\"s{i}\">{} {} <span class=\"{status}\">{status}</span></h2>\n<p>{}</p>",
            esc(s.qt_id().unwrap_or("")),
            esc(&s.name),
            esc(&format!("{} — {}:{}", s.feature, s.feature_path, s.line))
        );
        h.push_str("<ol>\n");
        for step in &s.steps {
            let _ = writeln!(
                h,
                "<li class=\"{}\">{}{}</li>",
                status_word(step.status),
                esc(&step.keyword),
                esc(&step.text)
            );
        }
        h.push_str("</ol>\n");
        if let Some(f) = &s.failure {
            let _ = writeln!(h, "<pre class=\"failed\">{}</pre>", esc(f));
        }
        h.push_str("<h3>Message sequence</h3>\n");
        let entries = journal.of_scenario(&s.key);
        if entries.is_empty() {
            h.push_str("<p>Nothing was exchanged.</p>\n");
        }
        for e in entries {
            let _ = writeln!(
                h,
                "<details><summary>{}</summary><p>sent:</p><pre>{}</pre><p>answer:</p><pre>{}</pre></details>",
                esc(&e.summary()),
                esc(&body_text(&e.body)),
                esc(&body_text(&e.response))
            );
        }
    }
    h.push_str("</body></html>\n");
    std::fs::write(path, h)
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Error | Status::Running | Status::NotRun => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
