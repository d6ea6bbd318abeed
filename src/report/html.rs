//! `index.html`: the page an assessor reads. One file (no network, no framework, a few lines
//! of plain JavaScript), in this order:
//!
//! - the run: date, tool version, pack, participant, environment, exit code; the totals with
//!   the number of warnings;
//! - the failures, each with the one-line reason `junit.xml` gives ([`super::junit::reason`]);
//! - a filter: all, failed, warnings (a scenario with warnings, or a verdict that is not ok in
//!   a scenario that passed), tag;
//! - every scenario: its steps (status as words, not colour only), its warnings (the contract's
//!   details marked *(warn)*, each with its rule, marked `⚠ warning` in amber: a scenario that
//!   passed with warnings still reads as passed), its message sequence chart
//!   ([`super::msc`]) with a link to the chart's file in `msc/`, and its messages with every
//!   verdict.
//!
//! Headers, bodies and answers are the bulk of a report, so they are not markup: each
//! message's are a JSON block (`<script type="application/json">`) that the page turns into
//! text only when asked. Failed scenarios' come first, then those with warnings, then the rest,
//! while what the overview leaves of [`PAGE_BUDGET`] lasts; a message left out says where it
//! is in `journal.ndjson`. So the page stays under 2 MB at 500 scenarios while a small run
//! shows everything. (Files beside the page fetched on click would not open from a disk:
//! browsers refuse `fetch` of `file:` addresses.)
//!
//! Charts are inline SVG for the scenarios that failed, then for those with warnings, while
//! [`CHART_BUDGET`] lasts: those stand on their own in the page, tooltips and all. Every other
//! chart is a picture of its file (`<img>`, which browsers do load from `file:` addresses,
//! lazily, as it is scrolled to): a run of 360 passing scenarios has about 1 MB of charts,
//! which inline would take half the page's budget from the message details, while a picture
//! costs the page a line. A page taken away from its folder still shows every failure's chart.
//!
//! Everything from the system under test is escaped: markup by [`esc`], and characters that a
//! page would hide (ESC, NUL, bell) are shown as `\u001b`, here and in the JSON blocks.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use super::results::{RunInfo, Totals};
use super::xml::{hidden, visible};
use super::{ScenarioResult, Status};
use crate::journal::{Body, Direction, Entry, Journal};

/// The size the page keeps under: what the overview leaves of it goes to message details.
pub const PAGE_BUDGET: usize = 1800 * 1024;
/// The markup an embedded message's details add beside their JSON (a button, a box, the
/// script element), less the note that replaces them when they are left out.
const EMBED_OVERHEAD: usize = 120;
/// The most bytes of message sequence charts the page inlines (those of failed scenarios,
/// then of scenarios with warnings); the others are pictures of their files in `msc/`.
pub const CHART_BUDGET: usize = 512 * 1024;
/// The most bytes of one body or answer the page embeds.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Escapes text for HTML, showing hidden characters.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if hidden(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

fn body_text(b: &Body) -> String {
    let text = match b {
        Body::Json(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
        Body::Text(t) => t.clone(),
        Body::Empty => return "(empty)".to_owned(),
    };
    visible(&super::xml::cut(
        &text,
        MAX_BODY_BYTES,
        " (journal.ndjson has it whole)",
    ))
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Error | Status::Running | Status::NotRun => "error",
    }
}

fn step_mark(s: Status) -> &'static str {
    match s {
        Status::Passed => "✓ passed",
        Status::Failed => "✗ failed",
        Status::Error => "! error",
        Status::Running => "… unfinished",
        Status::NotRun => "– not run",
    }
}

/// A scenario's tags as the filter offers them (QT ids, S1..S7; not the `@catches:` and
/// `@warns:` ones).
fn filter_tags(s: &ScenarioResult) -> Vec<&str> {
    s.tags
        .iter()
        .map(|t| t.trim_start_matches('@'))
        .filter(|t| !t.starts_with("catches:") && !t.starts_with("warns:"))
        .collect()
}

/// How many verdicts are not ok in a scenario that passed.
fn flagged(s: &ScenarioResult, entries: &[Arc<Entry>]) -> usize {
    if s.status != Status::Passed {
        return 0;
    }
    entries
        .iter()
        .map(|e| e.verdicts.iter().filter(|v| !v.ok).count())
        .sum()
}

/// The colour class of a message: `bad` when a verdict is not ok, `warn` when it carries a
/// warning, or the answer is not 2xx or nothing arrived, `ok` otherwise.
fn tone(e: &Entry) -> &'static str {
    if !e.clean() {
        "bad"
    } else if !e.warnings.is_empty() {
        "warn"
    } else if e.direction == Direction::Note || e.status.is_some_and(|s| (200..300).contains(&s)) {
        "ok"
    } else {
        "warn"
    }
}

/// The word beside a message's mark.
fn tone_word(e: &Entry, tone: &str) -> &'static str {
    match tone {
        "bad" => "not ok",
        "warn" if !e.warnings.is_empty() => "warning",
        "warn" => "answered",
        _ => "ok",
    }
}

fn tone_mark(tone: &str) -> &'static str {
    match tone {
        "bad" => "✗",
        "warn" => "!",
        _ => "✓",
    }
}

/// One message's headers, body, answer and verdicts, as the JSON block the page reads.
fn details(e: &Entry) -> String {
    let mut headers = String::new();
    for (k, v) in &e.headers {
        let _ = writeln!(headers, "{}: {}", visible(k), visible(v));
    }
    let mut verdicts = String::new();
    for v in &e.verdicts {
        let _ = writeln!(
            verdicts,
            "{} {}: {}",
            if v.ok { "✓ ok" } else { "✗ not ok" },
            visible(&v.check),
            visible(&v.detail)
        );
    }
    for w in &e.warnings {
        let _ = writeln!(
            verdicts,
            "⚠ warning {}: {}",
            visible(&w.check),
            visible(&w.detail)
        );
    }
    let json = serde_json::json!({
        "url": visible(&e.url),
        "headers": headers,
        "body": body_text(&e.body),
        "answer": body_text(&e.response),
        "verdicts": verdicts,
    });
    // `<` only occurs inside JSON strings, where `\u003c` means the same and cannot end the
    // script element.
    json.to_string().replace('<', "\\u003c")
}

fn run_header(h: &mut String, info: &RunInfo, totals: Totals) {
    let pack = if info.selection.packs.is_empty() {
        info.selection.features.join(", ")
    } else {
        info.selection.packs.join(", ")
    };
    let p = &info.participant;
    let mut participant = format!("{} {} (MPID {})", p.role, p.dip_id, p.mpid);
    if p.reference {
        participant.push_str(", the built-in reference participant");
        if !p.faults.is_empty() {
            let _ = write!(participant, " with faults {}", p.faults.join(", "));
        }
    }
    let exit = match info.exit_code {
        0 => "0: every selected scenario passed",
        1 if info.interrupted => "1: the run was interrupted",
        1 => "1: at least one scenario failed",
        _ => "2: the run could not start",
    };
    let mut selection = String::new();
    if let Some(t) = &info.selection.tags {
        let _ = write!(selection, "tags {t}; ");
    }
    if let Some(s) = info.selection.shard {
        let _ = write!(selection, "shard {}/{}; ", s.index, s.total);
    }
    let _ = write!(selection, "{} scenarios selected", info.selection.selected);
    h.push_str("<dl id=\"run\">");
    for (term, value) in [
        ("Date", info.started.clone()),
        ("Duration", format!("{:.1} s", info.duration.as_secs_f64())),
        ("Tool", format!("mhhs-qual {}", env!("CARGO_PKG_VERSION"))),
        ("Pack", pack),
        ("Selection", selection),
        ("Participant", participant),
        ("Environment", info.environment.clone()),
        ("Exit code", exit.to_owned()),
        (
            "Configuration",
            "no digest recorded: the environment and participant above are the configuration \
             this page shows"
                .to_owned(),
        ),
    ] {
        let _ = write!(h, "<dt>{term}</dt><dd>{}</dd>", esc(&value));
    }
    let _ = writeln!(
        h,
        "</dl>\n<p id=\"totals\">{} scenarios: {} passed, {} failed, {} errors. \
         <span id=\"warning-total\" class=\"{}\">⚠ {}</span> \
         (warnings never fail a scenario).</p>",
        totals.scenarios,
        totals.passed,
        totals.failed,
        totals.errors,
        if totals.warnings > 0 { "warn" } else { "" },
        super::results::warnings_in(totals)
    );
}

fn scenario_title(s: &ScenarioResult) -> String {
    super::junit::testcase_name(s)
}

const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;color:#222}\
dl#run{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}dd{margin:0}\
.passed,.ok{color:#176317}.failed,.error,.bad{color:#a01010}.warn{color:#8a5a00}\
.st{display:inline-block;min-width:7em;font-weight:bold}\
#failures li{margin:.3em 0}.reason{font-family:monospace;white-space:pre-wrap}\
nav#filter{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #ccc}\
section.scenario{border-top:1px solid #ddd;margin-top:1em}\
pre{background:#f6f6f6;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}\
figure.msc{margin:.5em 0;overflow-x:auto}figure.msc svg,figure.msc img{display:block}\
figure.msc figcaption{font-size:90%}\
.msgs li{margin:.3em 0}.v{font-size:90%;margin-right:.6em}\
ul.warnings{list-style:none;padding:.4em .8em;border-left:4px solid #8a5a00;background:#fff8e6}\
ul.warnings li{margin:.2em 0}";

const SCRIPT: &str = r"(function(){
var secs=[].slice.call(document.querySelectorAll('section.scenario'));
var tag=document.getElementById('tag'),shown=document.getElementById('shown');
function apply(){
var f=document.querySelector('input[name=f]:checked').value,t=tag.value,n=0;
secs.forEach(function(s){
var ok=(f==='all'||(f==='failed'&&s.dataset.status!=='passed')||(f==='warnings'&&s.dataset.warn!=='0'))&&(t===''||s.dataset.tags.split(' ').indexOf(t)>=0);
s.hidden=!ok;if(ok)n++;});
shown.textContent=n+' of '+secs.length+' scenarios shown';}
document.getElementById('filter').addEventListener('change',apply);
document.addEventListener('click',function(e){
var b=e.target.closest('button[data-m]');if(!b)return;
var box=b.nextElementSibling;
if(box.childNodes.length){box.hidden=!box.hidden;return;}
var d=JSON.parse(document.getElementById('m'+b.dataset.m).textContent);
[['URL','url'],['Headers','headers'],['Body','body'],['Answer','answer'],['Verdicts','verdicts']].forEach(function(p){
var h=document.createElement('h5');h.textContent=p[0];box.appendChild(h);
var pre=document.createElement('pre');pre.textContent=d[p[1]];box.appendChild(pre);});});
apply();})();";

/// Writes the page.
pub fn write(
    path: &Path,
    scenarios: &[ScenarioResult],
    journal: &Journal,
    title: &str,
    info: &RunInfo,
) -> std::io::Result<()> {
    std::fs::write(path, page(scenarios, journal, title, info))
}

/// The page.
pub fn page(
    scenarios: &[ScenarioResult],
    journal: &Journal,
    title: &str,
    info: &RunInfo,
) -> String {
    let entries: Vec<Vec<Arc<Entry>>> = scenarios
        .iter()
        .map(|s| journal.of_scenario(&s.key))
        .collect();
    // What the "warnings" filter finds: the scenario's warnings and, when it passed, its
    // verdicts that are not ok.
    let warns: Vec<usize> = scenarios
        .iter()
        .zip(&entries)
        .map(|(s, e)| s.warnings.len() + flagged(s, e))
        .collect();

    // Which charts the page inlines: those of the scenarios an assessor reads first (failed,
    // then passed with warnings) while CHART_BUDGET lasts. The others are pictures of their
    // files in `msc/`, which cost the page a line each: a run of 360 passing scenarios has
    // about 1 MB of charts, which would crowd the message details out of PAGE_BUDGET.
    let mut order: Vec<usize> = (0..scenarios.len())
        .filter(|&i| priority(&scenarios[i], warns[i]) < 2 && !entries[i].is_empty())
        .collect();
    order.sort_by_key(|&i| priority(&scenarios[i], warns[i]));
    let mut charts: Vec<(String, Option<String>)> = super::msc::chart_paths(scenarios)
        .into_iter()
        .map(|p| (p, None))
        .collect();
    let mut budget = CHART_BUDGET;
    for i in order {
        let svg = super::msc::sequence_svg(&entries[i]);
        if svg.len() <= budget {
            budget -= svg.len();
            charts[i].1 = Some(svg);
        }
    }
    let parts = Parts {
        scenarios,
        entries: &entries,
        warns: &warns,
        charts: &charts,
        title,
        info,
    };
    // The page without any message details, to know what is left of the budget for them.
    let bare = render(&parts, &vec![None; scenarios.len()]).len();
    let mut budget = PAGE_BUDGET.saturating_sub(bare);

    // Which scenarios' message details are embedded: failed first, then warnings, then the
    // rest, while the budget lasts.
    let mut order: Vec<usize> = (0..scenarios.len()).collect();
    order.sort_by_key(|&i| priority(&scenarios[i], warns[i]));
    let mut embedded: Vec<Option<Vec<String>>> = vec![None; scenarios.len()];
    for i in order {
        let blocks: Vec<String> = entries[i].iter().map(|e| details(e)).collect();
        let size: usize = blocks.iter().map(|b| b.len() + EMBED_OVERHEAD).sum();
        if size > budget {
            continue;
        }
        budget -= size;
        embedded[i] = Some(blocks);
    }
    render(&parts, &embedded)
}

/// Which scenarios come first for what the page can hold: failed ones, then those with
/// warnings, then the rest.
fn priority(s: &ScenarioResult, warns: usize) -> u8 {
    match s.status {
        Status::Passed if warns > 0 => 1,
        Status::Passed => 2,
        _ => 0,
    }
}

/// A scenario's message sequence chart: inline, or the picture of its file, with a link to
/// the file.
fn figure(h: &mut String, (path, svg): &(String, Option<String>)) {
    h.push_str("<figure class=\"msc\">");
    match svg {
        Some(svg) => h.push_str(svg),
        None => {
            let _ = write!(
                h,
                "<img src=\"{}\" loading=\"lazy\" alt=\"the chart {0}, beside this page\">",
                esc(path)
            );
        }
    }
    let _ = writeln!(
        h,
        "<figcaption>Message sequence chart: <a href=\"{}\">{0}</a></figcaption></figure>",
        esc(path)
    );
}

/// What a page is written from.
struct Parts<'a> {
    scenarios: &'a [ScenarioResult],
    entries: &'a [Vec<Arc<Entry>>],
    warns: &'a [usize],
    /// Each scenario's chart: its path in the folder, and the SVG when the page inlines it.
    charts: &'a [(String, Option<String>)],
    title: &'a str,
    info: &'a RunInfo,
}

/// The page, with the message details of the scenarios given in `embedded`.
fn render(parts: &Parts<'_>, embedded: &[Option<Vec<String>>]) -> String {
    let Parts {
        scenarios,
        entries,
        warns,
        charts,
        title,
        info,
    } = *parts;
    let totals = Totals::of(scenarios);
    let mut h = String::with_capacity(256 * 1024);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{}</title>\n<style>{STYLE}</style></head><body>\n\
         <h1>{}</h1>\n",
        esc(title),
        esc(title)
    );
    run_header(&mut h, info, totals);

    let failed: Vec<usize> = (0..scenarios.len())
        .filter(|&i| scenarios[i].status != Status::Passed)
        .collect();
    let _ = writeln!(
        h,
        "<section id=\"failures\"><h2>Failures ({})</h2>",
        failed.len()
    );
    if failed.is_empty() {
        h.push_str("<p>No scenario failed.</p>\n");
    } else {
        h.push_str("<ol>\n");
        for &i in &failed {
            let s = &scenarios[i];
            let _ = writeln!(
                h,
                "<li data-s=\"s{i}\"><a href=\"#s{i}\">{}</a> <span class=\"st {}\">{}</span> <span class=\"reason\">{}</span></li>",
                esc(&scenario_title(s)),
                status_word(s.status),
                step_mark(s.status),
                esc(&super::junit::reason(s))
            );
        }
        h.push_str("</ol>\n");
    }
    h.push_str("</section>\n");

    let tags: BTreeSet<&str> = scenarios.iter().flat_map(filter_tags).collect();
    let with_warnings = warns.iter().filter(|&&w| w > 0).count();
    let _ = write!(
        h,
        "<nav id=\"filter\"><b>Show:</b> \
         <label><input type=\"radio\" name=\"f\" value=\"all\" checked> all ({})</label> \
         <label><input type=\"radio\" name=\"f\" value=\"failed\"> failed ({})</label> \
         <label><input type=\"radio\" name=\"f\" value=\"warnings\"> warnings ({with_warnings})</label> \
         <label>tag <select id=\"tag\"><option value=\"\">any</option>",
        scenarios.len(),
        failed.len()
    );
    for t in &tags {
        let _ = write!(h, "<option>{}</option>", esc(t));
    }
    h.push_str("</select></label> <span id=\"shown\"></span></nav>\n");

    for (i, s) in scenarios.iter().enumerate() {
        let status = status_word(s.status);
        let _ = write!(
            h,
            "<section class=\"scenario\" id=\"s{i}\" data-status=\"{status}\" data-warn=\"{}\" data-tags=\"{}\">\
             <h3>{} <span class=\"st {status}\">{}</span>",
            warns[i],
            esc(&filter_tags(s).join(" ")),
            esc(&scenario_title(s)),
            step_mark(s.status)
        );
        if !s.warnings.is_empty() {
            let _ = write!(
                h,
                " <span class=\"warn\">⚠ {} {}</span>",
                s.warnings.len(),
                if s.warnings.len() == 1 {
                    "warning"
                } else {
                    "warnings"
                }
            );
        }
        let flags = warns[i] - s.warnings.len();
        if flags > 0 {
            let _ = write!(h, " <span class=\"warn\">! {flags} verdicts not ok</span>");
        }
        let _ = write!(
            h,
            "</h3><p>{} — {}:{}, {} ms",
            esc(&s.feature),
            esc(&s.feature_path),
            s.line,
            s.duration.as_millis()
        );
        if s.retries > 0 {
            let _ = write!(h, ", {} retries", s.retries);
        }
        h.push_str("</p>\n");
        if s.status != Status::Passed {
            let _ = write!(
                h,
                "<p class=\"reason {status}\">{}</p>",
                esc(&super::junit::reason(s))
            );
            if let Some(f) = &s.failure {
                let _ = write!(
                    h,
                    "<details><summary>Whole failure</summary><pre>{}</pre></details>",
                    esc(&super::xml::cut(
                        f,
                        MAX_BODY_BYTES,
                        " (junit.xml has it whole)"
                    ))
                );
            }
        }
        if !s.warnings.is_empty() {
            h.push_str("<ul class=\"warnings\">");
            for w in &s.warnings {
                let at = w
                    .step
                    .map(|line| format!(" (step at line {line})"))
                    .unwrap_or_default();
                let _ = write!(
                    h,
                    "<li class=\"warn\"><b>⚠ warning <span class=\"rule\">{}</span></b>{at}: \
                     <span class=\"text\">{}</span></li>",
                    esc(&w.rule),
                    esc(&w.text)
                );
            }
            h.push_str("</ul>\n");
        }
        h.push_str("<ol class=\"steps\">");
        for step in &s.steps {
            let _ = write!(
                h,
                "<li><span class=\"st {}\">{}</span> {}{}</li>",
                status_word(step.status),
                step_mark(step.status),
                esc(&step.keyword),
                esc(&step.text)
            );
        }
        h.push_str("</ol>\n");
        let es = &entries[i];
        if es.is_empty() {
            h.push_str("<p>Nothing was exchanged.</p>\n");
        } else {
            figure(&mut h, &charts[i]);
            h.push_str("<ol class=\"msgs\">");
            for (n, e) in es.iter().enumerate() {
                let t = tone(e);
                let _ = write!(
                    h,
                    "<li class=\"{t}\"><span class=\"st\">{} {}</span> {}<br>",
                    tone_mark(t),
                    tone_word(e, t),
                    esc(e.summary().lines().next().unwrap_or_default())
                );
                let ok: Vec<String> = e
                    .verdicts
                    .iter()
                    .filter(|v| v.ok)
                    .map(|v| esc(&v.check))
                    .collect();
                if !ok.is_empty() {
                    let _ = write!(h, "<span class=\"v ok\">✓ {}</span>", ok.join(", "));
                }
                for v in e.verdicts.iter().filter(|v| !v.ok) {
                    let _ = write!(
                        h,
                        "<span class=\"v bad\">✗ {}: {}</span>",
                        esc(&v.check),
                        esc(&v.detail)
                    );
                }
                for w in &e.warnings {
                    let _ = write!(
                        h,
                        "<span class=\"v warn\">⚠ warning {}: {}</span>",
                        esc(&w.check),
                        esc(&w.detail)
                    );
                }
                match &embedded[i] {
                    Some(blocks) => {
                        let _ = write!(
                            h,
                            "<button type=\"button\" data-m=\"{}\">details</button><div class=\"box\"></div>\
                             <script type=\"application/json\" id=\"m{0}\">{}</script>",
                            e.seq, blocks[n]
                        );
                    }
                    None => {
                        let _ = write!(
                            h,
                            " <i>headers, body and answer: journal.ndjson, entry {}</i>",
                            e.seq
                        );
                    }
                }
                h.push_str("</li>");
            }
            h.push_str("</ol>\n");
        }
        h.push_str("</section>\n");
    }
    let _ = write!(h, "<script>{SCRIPT}</script>\n</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::{esc, visible};

    #[test]
    fn markup_is_escaped_and_hidden_characters_shown() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(esc("a\u{1b}[31mb\u{0}"), "a\\u001b[31mb\\u0000");
        assert_eq!(visible("x\u{202e}y\tz"), "x\\u202ey\tz");
    }
}
