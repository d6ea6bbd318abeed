//! Message sequence charts: the exchanges of one scenario drawn as an SVG, a lane per party
//! and an arrow per message, from the scenario's journal entries alone.
//!
//! - **Lanes** are the parties as the journal names them (`SUP 2300000001`), in the order they
//!   first send or receive a message.
//! - **Arrows** go from sender to recipient, the way the message travelled: a delivery from
//!   its sender to the system it was delivered to; a submission from its sender to each
//!   recipient that got it without a delivery (a stubbed party, which has no webhook). A
//!   submission that was delivered is not drawn again: its delivery's arrow stands for both,
//!   coloured by the worse of the two's verdicts, with the submission in its tooltip.
//! - **The DIP** is a lane only in a chart where a message stopped there: a submission the DIP
//!   refused (or that named no recipient) is drawn into the DIP's lane, since the DIP is the
//!   party that answered it and an arrow to the intended recipient would read as if it got
//!   there. Everywhere else the DIP only relays, and a lane for it would double every arrow
//!   and halve the room for labels.
//! - **Labels**: above each arrow the entry's number (as the message list and
//!   `journal.ndjson` number it), interface and event and a mark (`✓`, `⚠`, `✗`: status is not
//!   colour only); below it the answer, its latency, and the time since the message that
//!   triggered it: for a delivery, its submission; for anything else, the latest message (or
//!   prompt) its sender received, else the arrow before it. The tooltip is the entry as the
//!   journal summarises it, with its verdicts not ok and warnings.
//! - **Colours**: green when every verdict is ok, amber when there are warnings only, red
//!   when a verdict is not ok, red and dashed when the message did not get through (refused
//!   by the DIP or by the recipient, no answer, undelivered). Notes are grey text rows
//!   (amber or red when they carry a warning or a verdict that is not ok).
//! - **Bounded**: at most [`MAX_ROWS`] rows; a chart of more says how many messages it leaves
//!   out.
//!
//! Every text is escaped through `report::xml` and labels are shown on one line; the output
//! depends only on the entries (no clock, no map iterated), so the same journal draws the same
//! bytes. Colours are
//! presentation attributes, not a stylesheet, and there are no ids: the same string is a
//! standalone file (with [`document`]) and inline markup in `index.html`, any number of times
//! in one page.

use std::borrow::Borrow;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use super::ScenarioResult;
use super::xml;
use crate::journal::{Direction, Entry};

/// The most rows (arrows and notes) one chart draws.
pub const MAX_ROWS: usize = 200;
/// The folder of the charts in a report folder.
pub const DIR: &str = "msc";
/// The lane of the DIP, when a chart has one.
pub const DIP: &str = "DIP";

const LANE_GAP: usize = 240;
const MARGIN: usize = 10;
const HEAD: usize = 34;
const ARROW_ROW: usize = 36;
const NOTE_ROW: usize = 20;
const MIN_WIDTH: usize = 500;
/// The most characters of a lane's name, and of a line of an arrow's label.
const LANE_CHARS: usize = 30;
const LABEL_CHARS: usize = 60;
const TITLE_CHARS: usize = 400;
/// The most bytes of a tooltip.
const TITLE_BYTES: usize = 1600;

const GREEN: &str = "#176317";
const AMBER: &str = "#8a5a00";
const RED: &str = "#a01010";
const GREY: &str = "#666";
const INK: &str = "#222";

/// How a row is coloured, the worst last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tone {
    Ok,
    Warn,
    Bad,
    /// Did not get through: refused, unanswered, undelivered.
    Refused,
}

impl Tone {
    fn of(e: &Entry) -> Self {
        if !e.clean() {
            Self::Bad
        } else if !e.warnings.is_empty() {
            Self::Warn
        } else {
            Self::Ok
        }
    }

    fn class(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Warn => "warn",
            Self::Bad => "bad",
            Self::Refused => "refused",
        }
    }

    fn colour(self) -> &'static str {
        match self {
            Self::Ok => GREEN,
            Self::Warn => AMBER,
            Self::Bad | Self::Refused => RED,
        }
    }

    fn mark(self) -> &'static str {
        match self {
            Self::Ok => "✓",
            Self::Warn => "⚠",
            Self::Bad | Self::Refused => "✗",
        }
    }
}

/// What a row draws.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    Arrow { from: String, to: String },
    Note,
}

#[derive(Debug, Clone)]
struct Row<'a> {
    entry: &'a Entry,
    /// The submission a delivery carried, when the journal has it.
    relayed: Option<&'a Entry>,
    shape: Shape,
    tone: Tone,
}

impl Row<'_> {
    fn is_arrow(&self) -> bool {
        matches!(self.shape, Shape::Arrow { .. })
    }

    fn sender(&self) -> Option<&str> {
        match &self.shape {
            Shape::Arrow { from, .. } => Some(from),
            Shape::Note => None,
        }
    }

    fn recipient(&self) -> Option<&str> {
        match &self.shape {
            Shape::Arrow { to, .. } => Some(to),
            Shape::Note => None,
        }
    }

    /// The party the row reached: an arrow's recipient, or the party a note is for (the
    /// system a prompt went to).
    fn reached(&self) -> Option<&str> {
        match &self.shape {
            Shape::Arrow { to, .. } => Some(to),
            Shape::Note => self.entry.to.first().map(String::as_str),
        }
    }
}

fn answered(e: &Entry) -> bool {
    e.status.is_some_and(|s| (200..300).contains(&s))
}

fn sender(e: &Entry) -> String {
    e.from
        .clone()
        .unwrap_or_else(|| "unknown sender".to_owned())
}

/// What makes a delivery the same message as a submission.
type MessageKey<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn key(e: &Entry) -> MessageKey<'_> {
    (
        e.from.as_deref(),
        e.interface.as_deref(),
        e.event.as_deref(),
        e.reference.as_deref(),
        e.mpan.as_deref(),
    )
}

/// For every delivery, the accepted submission it carried (sender, interface, event,
/// reference and MPAN alike, the recipient among the submission's, earlier in the journal);
/// and for every submission, which of its recipients got a delivery of it. Each first attempt
/// of a delivery takes the earliest submission not yet delivered to its recipient; a retry
/// belongs to the latest one delivered there.
fn relays(entries: &[&Entry]) -> (Vec<Option<usize>>, Vec<Vec<bool>>) {
    let mut relay = vec![None; entries.len()];
    let mut delivered: Vec<Vec<bool>> = entries.iter().map(|e| vec![false; e.to.len()]).collect();
    let mut submissions: HashMap<MessageKey<'_>, Vec<usize>> = HashMap::new();
    for (k, e) in entries.iter().enumerate() {
        match e.direction {
            Direction::Ingress if answered(e) => submissions.entry(key(e)).or_default().push(k),
            Direction::Egress => {
                let Some(to) = e.to.first() else { continue };
                let Some(candidates) = submissions.get(&key(e)) else {
                    continue;
                };
                let slot = |i: usize| entries[i].to.iter().position(|t| t == to);
                let fresh = candidates
                    .iter()
                    .find_map(|&i| slot(i).filter(|&r| !delivered[i][r]).map(|r| (i, r)));
                if let Some((i, r)) = fresh.filter(|_| e.attempt <= 1) {
                    delivered[i][r] = true;
                    relay[k] = Some(i);
                } else {
                    relay[k] = candidates
                        .iter()
                        .rev()
                        .copied()
                        .find(|&i| slot(i).is_some_and(|r| delivered[i][r]));
                }
            }
            _ => {}
        }
    }
    (relay, delivered)
}

/// The rows of one entry.
fn rows_of<'a>(e: &'a Entry, relayed: Option<&'a Entry>, delivered: &[bool]) -> Vec<Row<'a>> {
    let row = |shape, tone| Row {
        entry: e,
        relayed,
        shape,
        tone,
    };
    match e.direction {
        Direction::Ingress if !answered(e) => vec![row(
            Shape::Arrow {
                from: sender(e),
                to: DIP.to_owned(),
            },
            Tone::Refused,
        )],
        Direction::Ingress if e.to.is_empty() => vec![row(
            Shape::Arrow {
                from: sender(e),
                to: DIP.to_owned(),
            },
            Tone::of(e),
        )],
        Direction::Ingress => {
            e.to.iter()
                .zip(delivered)
                .filter(|(_, done)| !**done)
                .map(|(to, _)| {
                    row(
                        Shape::Arrow {
                            from: sender(e),
                            to: to.clone(),
                        },
                        Tone::of(e),
                    )
                })
                .collect()
        }
        Direction::Egress => {
            let tone = if answered(e) {
                Tone::of(e).max(relayed.map_or(Tone::Ok, Tone::of))
            } else {
                Tone::Refused
            };
            vec![row(
                Shape::Arrow {
                    from: sender(e),
                    to: e.to.first().cloned().unwrap_or_else(|| DIP.to_owned()),
                },
                tone,
            )]
        }
        // What could not be delivered is drawn where it was going.
        Direction::Note => match (&e.from, e.to.first()) {
            (Some(from), Some(to)) if !e.clean() => vec![row(
                Shape::Arrow {
                    from: from.clone(),
                    to: to.clone(),
                },
                Tone::Refused,
            )],
            _ => vec![row(Shape::Note, Tone::of(e))],
        },
    }
}

/// The rows of the first entries, at most `max`, and how many entries are left out.
fn rows<'a>(entries: &[&'a Entry], max: usize) -> (Vec<Row<'a>>, usize) {
    let (relay, delivered) = relays(entries);
    let mut out = Vec::new();
    for (k, e) in entries.iter().enumerate() {
        let mut these = rows_of(e, relay[k].map(|i| entries[i]), &delivered[k]);
        if out.len() + these.len() > max {
            these.truncate(max - out.len());
            out.extend(these);
            return (out, entries.len() - k);
        }
        out.extend(these);
    }
    (out, 0)
}

/// The lanes: every party an arrow starts or ends at, in order of first appearance.
fn lanes(rows: &[Row<'_>]) -> Vec<String> {
    let mut lanes: Vec<String> = Vec::new();
    for r in rows {
        for party in [r.sender(), r.recipient()].into_iter().flatten() {
            if !lanes.iter().any(|l| l == party) {
                lanes.push(party.to_owned());
            }
        }
    }
    lanes
}

/// What the time below an arrow is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// The submission a delivery carried.
    Submission,
    /// The latest message (or prompt) the sender received.
    Received,
    /// The arrow before.
    Previous,
}

/// The time since the message that triggered row `k`, that message's number, and which it
/// is: for a delivery, its submission; else the latest message (or prompt) to the row's
/// sender; else the arrow before it.
fn since(rows: &[Row<'_>], k: usize) -> Option<(u64, u64, Trigger)> {
    let row = &rows[k];
    let e = row.entry;
    let (trigger, why) = if let Some(s) = row.relayed {
        (s, Trigger::Submission)
    } else {
        let earlier = rows[..k].iter().rev().filter(|r| r.entry.seq != e.seq);
        match earlier
            .clone()
            .find(|r| r.reached().is_some() && r.reached() == row.sender())
        {
            Some(r) => (r.entry, Trigger::Received),
            None => (
                earlier.clone().find(|r| r.is_arrow())?.entry,
                Trigger::Previous,
            ),
        }
    };
    Some((e.at_ms.saturating_sub(trigger.at_ms), trigger.seq, why))
}

/// `s` on one line, cut to `max` characters, with characters a reader would not see shown
/// as `\u202e`, escaped as element text.
fn text(s: &str, max: usize) -> String {
    xml::text(&xml::visible(&xml::one_line(s, max)))
}

/// The label above an arrow: `#12 IF-031 [MSApp] ✓`.
fn headline(row: &Row<'_>) -> String {
    let e = row.entry;
    let mut s = format!("#{}", e.seq);
    for part in [&e.interface, &e.event].into_iter().flatten() {
        let _ = write!(s, " {part}");
    }
    if e.interface.is_none() && e.event.is_none() && e.direction == Direction::Note {
        s.push_str(" undelivered");
    }
    if e.attempt > 1 {
        let _ = write!(s, " (attempt {})", e.attempt);
    }
    let _ = write!(s, " {}", row.tone.mark());
    s
}

/// The label below an arrow: `201 accepted in 12 ms · +340 ms after #5`.
fn footline(row: &Row<'_>, since: Option<(u64, u64, Trigger)>) -> String {
    let e = row.entry;
    let mut parts: Vec<String> = Vec::new();
    let mut answer = match (e.status, e.outcome.is_empty()) {
        (Some(s), true) => s.to_string(),
        (Some(s), false) => format!("{s} {}", e.outcome),
        (None, _) => e.outcome.clone(),
    };
    if let Some(l) = e.latency_ms {
        if answer.is_empty() {
            answer = format!("{l} ms");
        } else {
            let _ = write!(answer, " in {l} ms");
        }
    }
    if !answer.is_empty() {
        parts.push(answer);
    }
    if let Some((gap, seq, _)) = since {
        parts.push(format!("+{gap} ms after #{seq}"));
    }
    parts.join(" · ")
}

/// The tooltip: the entry as the journal summarises it, its submission's when it was
/// relayed, and what the time after refers to.
fn tooltip(row: &Row<'_>, since: Option<(u64, u64, Trigger)>) -> String {
    let mut t = row.entry.summary();
    if let Some(s) = row.relayed {
        let _ = write!(t, "\nsubmitted as {}", s.summary());
    }
    if let Some((gap, seq, why)) = since {
        let what = match why {
            Trigger::Submission => "its submission to the DIP".to_owned(),
            Trigger::Received => format!(
                "the latest message or prompt {} received",
                row.sender().unwrap_or_default()
            ),
            Trigger::Previous => "the arrow before it".to_owned(),
        };
        let _ = write!(t, "\n{gap} ms after #{seq}, {what}");
    }
    xml::text(&xml::visible(&xml::cut(&t, TITLE_BYTES, "")))
}

/// The chart of some journal entries (one scenario's, in journal order): an `<svg>` element
/// that is a well-formed XML document on its own and inline markup in an HTML page.
pub fn sequence_svg<E: Borrow<Entry>>(entries: &[E]) -> String {
    chart(entries, MAX_ROWS)
}

/// [`sequence_svg`] as a standalone SVG file's contents.
pub fn document<E: Borrow<Entry>>(entries: &[E]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
        sequence_svg(entries)
    )
}

/// [`sequence_svg`] with at most `max` rows.
fn chart<E: Borrow<Entry>>(entries: &[E], max: usize) -> String {
    let entries: Vec<&Entry> = entries.iter().map(Borrow::borrow).collect();
    let (rows, left) = rows(&entries, max);
    let lanes = lanes(&rows);
    let width = (LANE_GAP * lanes.len() + 2 * MARGIN).max(MIN_WIDTH);
    let heights: Vec<usize> = rows
        .iter()
        .map(|r| if r.is_arrow() { ARROW_ROW } else { NOTE_ROW })
        .collect();
    let more = if left > 0 || entries.is_empty() {
        NOTE_ROW
    } else {
        0
    };
    let height = HEAD + heights.iter().sum::<usize>() + more + MARGIN;
    let x = |lane: &str| {
        let i = lanes.iter().position(|l| l == lane).unwrap_or_default();
        MARGIN + LANE_GAP / 2 + i * LANE_GAP
    };
    let note_chars = (width - 2 * MARGIN) / 6;

    let mut s = String::with_capacity(512 + rows.len() * 400);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"msc\" role=\"img\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" \
         font-size=\"11\"><title>Message sequence chart: {}</title>",
        if lanes.is_empty() {
            "no messages between parties".to_owned()
        } else {
            text(&lanes.join(", "), TITLE_CHARS)
        }
    );
    for lane in &lanes {
        let lx = x(lane);
        let _ = write!(
            s,
            "<g class=\"lane\"><text x=\"{lx}\" y=\"16\" text-anchor=\"middle\" \
             font-weight=\"bold\" fill=\"{INK}\">{}</text><line x1=\"{lx}\" y1=\"22\" \
             x2=\"{lx}\" y2=\"{}\" stroke=\"#999\" \
             stroke-dasharray=\"3 3\"/></g>",
            text(lane, LANE_CHARS),
            height - MARGIN
        );
    }
    let mut top = HEAD;
    for (k, row) in rows.iter().enumerate() {
        let e = row.entry;
        match &row.shape {
            Shape::Arrow { from, to } => {
                let gap = since(&rows, k);
                let colour = row.tone.colour();
                let y = top + ARROW_ROW / 2;
                let (x1, x2) = (x(from), x(to));
                let dash = if row.tone == Tone::Refused {
                    " stroke-dasharray=\"6 4\""
                } else {
                    ""
                };
                let _ = write!(
                    s,
                    "<g class=\"msg {}\" data-seq=\"{}\" fill=\"{colour}\" stroke=\"#fff\" \
                     stroke-width=\"3\" paint-order=\"stroke\" text-anchor=\"middle\"><title>{}</title>",
                    row.tone.class(),
                    e.seq,
                    tooltip(row, gap)
                );
                let mid = if x1 == x2 {
                    // A party to itself: a loop back to its own lane.
                    let _ = write!(
                        s,
                        "<path class=\"arrow\" d=\"M{x1} {}h24v12h-24\" fill=\"none\" \
                         stroke=\"{colour}\" stroke-width=\"1.5\"{dash}/><path class=\"head\" \
                         d=\"M{x1} {}l8 -4v8z\" stroke=\"none\"/>",
                        y - 6,
                        y + 6
                    );
                    x1 + 12
                } else {
                    // The line stops inside the head, which ends at the lane.
                    let (end, back) = if x2 > x1 { (x2 - 4, -8) } else { (x2 + 4, 8) };
                    let _ = write!(
                        s,
                        "<line class=\"arrow\" x1=\"{x1}\" y1=\"{y}\" x2=\"{end}\" y2=\"{y}\" \
                         stroke=\"{colour}\" stroke-width=\"1.5\"{dash}/><path class=\"head\" \
                         d=\"M{x2} {y}l{back} -4v8z\" stroke=\"none\"/>"
                    );
                    x1.midpoint(x2)
                };
                let _ = write!(
                    s,
                    "<text x=\"{mid}\" y=\"{}\">{}</text><text x=\"{mid}\" y=\"{}\" \
                     font-size=\"10\">{}</text></g>",
                    y - 5,
                    text(&headline(row), LABEL_CHARS),
                    y + 13,
                    text(&footline(row, gap), LABEL_CHARS)
                );
            }
            Shape::Note => {
                let colour = match row.tone {
                    Tone::Ok => GREY,
                    t => t.colour(),
                };
                let mark = match row.tone {
                    Tone::Ok => String::new(),
                    t => format!("{} ", t.mark()),
                };
                let party =
                    e.to.first()
                        .or(e.from.as_ref())
                        .map(|p| format!("{p}: "))
                        .unwrap_or_default();
                let what = if e.outcome.is_empty() {
                    &e.url
                } else {
                    &e.outcome
                };
                let _ = write!(
                    s,
                    "<g class=\"note {}\" data-seq=\"{}\" fill=\"{colour}\"><title>{}</title>\
                     <text x=\"{MARGIN}\" y=\"{}\" font-style=\"italic\">{}</text></g>",
                    row.tone.class(),
                    e.seq,
                    tooltip(row, None),
                    top + 14,
                    text(&format!("#{} {mark}note: {party}{what}", e.seq), note_chars)
                );
            }
        }
        top += heights[k];
    }
    if left > 0 {
        let _ = write!(
            s,
            "<text class=\"more\" x=\"{MARGIN}\" y=\"{}\" fill=\"{INK}\">… {left} more {} \
             not drawn (a chart has at most {max} rows): journal.ndjson has them all</text>",
            top + 14,
            if left == 1 { "message" } else { "messages" },
        );
    } else if entries.is_empty() {
        let _ = write!(
            s,
            "<text class=\"more\" x=\"{MARGIN}\" y=\"{}\" fill=\"{GREY}\">Nothing was \
             exchanged.</text>",
            top + 14
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The path of each scenario's chart in the report folder (`msc/QT-SUP-001.svg`), in the
/// order given: the scenario's qualification id, else its feature file's name and line;
/// followed by the line when another scenario has the same (an outline's rows), and by a
/// number when that is still not enough. Only letters, digits, `-` and `_` (anything else is
/// `-`), unique without regard to case (some file systems ignore it).
pub fn chart_paths(scenarios: &[ScenarioResult]) -> Vec<String> {
    fn clean(s: &str) -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .take(80)
            .collect()
    }
    let bases: Vec<String> = scenarios
        .iter()
        .map(|s| {
            if let Some(id) = s.qt_id() {
                return clean(id);
            }
            let stem = s
                .feature_path
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .trim_end_matches(".feature");
            clean(&format!("{stem}-{}", s.line))
        })
        .collect();
    let mut count: HashMap<String, usize> = HashMap::new();
    for b in &bases {
        *count.entry(b.to_ascii_lowercase()).or_default() += 1;
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    scenarios
        .iter()
        .zip(bases)
        .map(|(s, base)| {
            let first = if count[&base.to_ascii_lowercase()] > 1 {
                format!("{base}-{}", s.line)
            } else {
                base
            };
            let mut name = first.clone();
            let mut n = 1;
            while taken.contains(&name.to_ascii_lowercase()) {
                n += 1;
                name = format!("{first}-{n}");
            }
            taken.insert(name.to_ascii_lowercase());
            format!("{DIR}/{name}.svg")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Verdict;

    const SUP: &str = "SUP 2300000001";
    const REGS: &str = "REGS 2200000001";
    const MSS: &str = "MSS 1200000001";

    /// An entry numbered `seq`, at `seq * 10` ms, of IF-031 [MSApp] for one MPAN.
    fn entry(seq: u64, direction: Direction, from: &str, to: &[&str], status: u16) -> Entry {
        let mut e = Entry::new(direction, "/dip-channel/IF-031");
        e.seq = seq;
        e.at_ms = seq * 10;
        e.from = Some(from.to_owned());
        e.to = to.iter().map(|t| (*t).to_owned()).collect();
        e.interface = Some("IF-031".into());
        e.event = Some("[MSApp]".into());
        e.reference = Some(format!("ref-{from}"));
        e.mpan = Some("2000056535971".into());
        e.status = Some(status);
        e.latency_ms = Some(3);
        e.outcome = if status == 201 {
            "accepted"
        } else {
            "rejected MSG1001"
        }
        .into();
        e.verdicts.push(Verdict {
            check: "schema".into(),
            ok: true,
            detail: "valid".into(),
        });
        e
    }

    fn note(seq: u64, outcome: &str) -> Entry {
        let mut e = Entry::new(Direction::Note, "");
        e.seq = seq;
        e.at_ms = seq * 10;
        e.outcome = outcome.into();
        e
    }

    fn failed(mut e: Entry) -> Entry {
        e.verdicts.push(Verdict {
            check: "rule:MSApp-01".into(),
            ok: false,
            detail: "not as expected".into(),
        });
        e
    }

    fn warned(mut e: Entry) -> Entry {
        e.warnings.push(Verdict {
            check: "G4".into(),
            ok: false,
            detail: "names another role".into(),
        });
        e
    }

    /// The texts of the elements `<tag ...>` of class `class` (their first text child).
    fn texts_of(svg: &str, open: &str) -> Vec<String> {
        svg.split(open)
            .skip(1)
            .map(|rest| {
                let text = &rest[rest.find("<text").unwrap()..];
                let start = text.find('>').unwrap() + 1;
                text[start..start + text[start..].find("</text>").unwrap()].to_owned()
            })
            .collect()
    }

    fn lanes_of(svg: &str) -> Vec<String> {
        texts_of(svg, "<g class=\"lane\">")
    }

    /// The `<g>` of each message arrow, whole.
    fn arrows(svg: &str) -> Vec<&str> {
        svg.match_indices("<g class=\"msg ")
            .map(|(at, _)| &svg[at..at + svg[at..].find("</g>").unwrap()])
            .collect()
    }

    /// A small well-formedness check: every `<` opens a tag, a closing tag or a declaration;
    /// tags nest; every `&` is one of XML's five entities or a character reference; nothing
    /// XML 1.0 forbids appears. (The integration tests run xmllint on the files.)
    fn assert_well_formed(svg: &str) {
        let mut open: Vec<&str> = Vec::new();
        let mut rest = svg.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        assert!(rest.starts_with("<svg "), "{rest}");
        assert!(
            !rest
                .chars()
                .any(|c| (c < ' ' && c != '\n') || c == '\u{7f}'),
            "a control character in {rest}"
        );
        while let Some(at) = rest.find(['<', '&']) {
            let text = &rest[..at];
            assert!(!text.contains('>'), "a bare > in {text:?}");
            rest = &rest[at..];
            if rest.starts_with('&') {
                let end = rest.find(';').expect("an entity ends");
                let name = &rest[1..end];
                assert!(
                    ["amp", "lt", "gt", "quot", "apos"].contains(&name)
                        || (name.starts_with('#') && name[1..].chars().all(|c| c.is_ascii_digit())),
                    "entity {name}"
                );
                rest = &rest[end + 1..];
                continue;
            }
            let end = rest.find('>').expect("a tag ends");
            let tag = &rest[1..end];
            assert!(!tag.contains('<'), "{tag}");
            let quotes = tag.matches('"').count();
            assert_eq!(quotes % 2, 0, "{tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop(), Some(name), "closing {name}");
            } else if !tag.ends_with('/') {
                let name = tag.split([' ', '\n']).next().unwrap();
                assert!(
                    name.chars().all(|c| c.is_ascii_alphanumeric()),
                    "tag name {name}"
                );
                open.push(name);
            }
            rest = &rest[end + 1..];
        }
        assert!(open.is_empty(), "unclosed {open:?}");
        assert_eq!(rest.trim(), "");
    }

    /// A qualification scenario: the stubbed REGS delivers to the system, which submits to
    /// REGS and to a stubbed MSS.
    fn qualification() -> Vec<Entry> {
        vec![
            entry(1, Direction::Egress, REGS, &[SUP], 201),
            entry(2, Direction::Ingress, SUP, &[REGS, MSS], 201),
            note(3, "warning G4"),
        ]
    }

    #[test]
    fn lanes_are_the_parties_in_order_of_first_appearance() {
        let svg = sequence_svg(&qualification());
        assert_eq!(lanes_of(&svg), [REGS, SUP, MSS]);
        // The DIP only relays here: no lane of its own.
        assert!(!lanes_of(&svg).iter().any(|l| l == DIP));
        let mut refused = qualification();
        refused.push(entry(4, Direction::Ingress, SUP, &[REGS], 400));
        assert_eq!(lanes_of(&sequence_svg(&refused)), [REGS, SUP, MSS, DIP]);
    }

    #[test]
    fn one_arrow_per_message_and_recipient() {
        let svg = sequence_svg(&qualification());
        let a = arrows(&svg);
        assert_eq!(a.len(), 3, "{svg}");
        assert!(a[0].contains("data-seq=\"1\""), "{}", a[0]);
        assert!(a[1].contains("data-seq=\"2\"") && a[2].contains("data-seq=\"2\""));
        // From the lane of the sender to that of each recipient: REGS at 130, SUP at 370,
        // MSS at 610.
        assert!(
            a[0].contains("x1=\"130\"") && a[0].contains("M370 "),
            "{}",
            a[0]
        );
        assert!(
            a[1].contains("x1=\"370\"") && a[1].contains("M130 "),
            "{}",
            a[1]
        );
        assert!(
            a[2].contains("x1=\"370\"") && a[2].contains("M610 "),
            "{}",
            a[2]
        );
        assert_eq!(svg.matches("<g class=\"note ").count(), 1);

        // End to end: SUP submits to REGS and MSS, both real systems; each delivery is the
        // arrow, the submission is not drawn again. A retry is an arrow of its own.
        let mut e2e = vec![
            entry(1, Direction::Ingress, SUP, &[REGS, MSS], 201),
            entry(2, Direction::Egress, SUP, &[MSS], 503),
            entry(3, Direction::Egress, SUP, &[REGS], 201),
            entry(4, Direction::Egress, SUP, &[MSS], 201),
        ];
        e2e[3].attempt = 2;
        let svg = sequence_svg(&e2e);
        let seqs: Vec<&str> = arrows(&svg)
            .iter()
            .map(|a| {
                a.split("data-seq=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(seqs, ["2", "3", "4"], "{svg}");
        assert_eq!(lanes_of(&svg), [SUP, MSS, REGS]);
        // Only one of the two recipients got a delivery: the submission's arrow goes to the
        // other.
        e2e.retain(|e| e.seq != 3);
        let svg = sequence_svg(&e2e);
        let a = arrows(&svg);
        assert_eq!(a.len(), 3, "{svg}");
        assert!(a[0].contains("data-seq=\"1\""), "{}", a[0]);
        assert_eq!(lanes_of(&svg), [SUP, REGS, MSS]);
    }

    #[test]
    fn labels_name_the_message_its_answer_and_its_times() {
        let mut es = qualification();
        es[1].at_ms = 55;
        es[1].latency_ms = Some(7);
        let svg = sequence_svg(&es);
        let a = arrows(&svg);
        assert!(a[0].contains(">#1 IF-031 [MSApp] ✓</text>"), "{}", a[0]);
        assert!(a[0].contains(">201 accepted in 3 ms</text>"), "{}", a[0]);
        // The system's submission counts from the delivery that triggered it.
        assert!(a[1].contains(">#2 IF-031 [MSApp] ✓</text>"), "{}", a[1]);
        assert!(
            a[1].contains(">201 accepted in 7 ms · +45 ms after #1</text>"),
            "{}",
            a[1]
        );
        assert!(
            a[1].contains("45 ms after #1, the latest message or prompt SUP 2300000001 received"),
            "{}",
            a[1]
        );
        // The tooltip is the journal's summary of the message.
        assert!(
            a[1].contains(
                "<title>#2 +0.055s SUP 2300000001→DIP (for REGS 2200000001, MSS 1200000001)"
            ),
            "{}",
            a[1]
        );
        assert!(svg.contains(">#3 note: warning G4</text>"), "{svg}");

        // A delivery counts from its submission.
        let e2e = vec![
            entry(1, Direction::Ingress, SUP, &[REGS], 201),
            entry(4, Direction::Egress, SUP, &[REGS], 201),
        ];
        let svg = sequence_svg(&e2e);
        assert!(
            svg.contains(">201 accepted in 3 ms · +30 ms after #1</text>"),
            "{svg}"
        );
        assert!(
            svg.contains("30 ms after #1, its submission to the DIP"),
            "{svg}"
        );
        assert!(svg.contains("submitted as #1 +0.010s"), "{svg}");
        // The system's work on a prompt counts from the prompt.
        let mut prompt = note(5, "prompt gain: accepted");
        prompt.to = vec![SUP.into()];
        let prompted = vec![
            entry(1, Direction::Egress, REGS, &[SUP], 201),
            prompt,
            entry(7, Direction::Ingress, SUP, &[REGS], 201),
        ];
        let svg = sequence_svg(&prompted);
        assert!(svg.contains("+20 ms after #5</text>"), "{svg}");
        assert!(svg.contains("the latest message or prompt SUP 2300000001 received"));
        let mut retry = e2e[1].clone();
        retry.attempt = 2;
        assert!(sequence_svg(&[retry]).contains(">#4 IF-031 [MSApp] (attempt 2) ✓</text>"));
    }

    #[test]
    fn colours_follow_the_verdicts() {
        let es = vec![
            entry(1, Direction::Egress, REGS, &[SUP], 201),
            failed(entry(2, Direction::Ingress, SUP, &[REGS], 201)),
            warned(entry(3, Direction::Ingress, SUP, &[REGS], 201)),
            failed(entry(4, Direction::Ingress, SUP, &[REGS], 400)),
            entry(5, Direction::Egress, REGS, &[SUP], 400),
            {
                let mut n = failed(note(6, "undelivered to SUP 2300000001 after 3 attempts"));
                n.from = Some(REGS.into());
                n.to = vec![SUP.into()];
                n
            },
            note(
                7,
                "REGS 2200000001 is a stubbed party: nothing to deliver to",
            ),
            warned(note(8, "warning G4")),
            failed(note(9, "prompt gain failed: exit status 1")),
        ];
        let svg = sequence_svg(&es);
        let a = arrows(&svg);
        let class = |g: &str| {
            g["<g class=\"".len()..]
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        };
        assert_eq!(
            a.iter().map(|g| class(g)).collect::<Vec<_>>(),
            [
                "msg ok",
                "msg bad",
                "msg warn",
                "msg refused",
                "msg refused",
                "msg refused"
            ],
            "{svg}"
        );
        for (g, colour, mark) in [
            (a[0], GREEN, "✓"),
            (a[1], RED, "✗"),
            (a[2], AMBER, "⚠"),
            (a[3], RED, "✗"),
        ] {
            assert!(g.contains(&format!("fill=\"{colour}\"")), "{g}");
            assert!(g.contains(&format!("stroke=\"{colour}\"")), "{g}");
            assert!(g.contains(&format!(" {mark}</text>")), "{g}");
        }
        for g in &a[..3] {
            assert!(!g.contains("stroke-dasharray"), "{g}");
        }
        for g in &a[3..] {
            assert!(g.contains("stroke-dasharray=\"6 4\""), "{g}");
        }
        // Refused by the DIP: into the DIP's lane (the third, at 610).
        assert_eq!(lanes_of(&svg), [REGS, SUP, DIP]);
        assert!(a[3].contains("M610 "), "{}", a[3]);
        assert!(a[3].contains(">400 rejected MSG1001 in 3 ms"), "{}", a[3]);
        // Undelivered: where it was going.
        assert!(
            a[5].contains("x1=\"130\"") && a[5].contains("M370 "),
            "{}",
            a[5]
        );
        let notes: Vec<&str> = svg
            .match_indices("<g class=\"note ")
            .map(|(at, _)| &svg[at..at + svg[at..].find("</g>").unwrap()])
            .collect();
        assert_eq!(notes.len(), 3);
        assert!(notes[0].starts_with("<g class=\"note ok\"") && notes[0].contains(GREY));
        assert!(notes[1].starts_with("<g class=\"note warn\"") && notes[1].contains(AMBER));
        assert!(
            notes[1].contains(">#8 ⚠ note: warning G4</text>"),
            "{}",
            notes[1]
        );
        assert!(notes[2].starts_with("<g class=\"note bad\"") && notes[2].contains(RED));
    }

    #[test]
    fn hostile_text_is_escaped() {
        let hostile = "SUP <script>alert(1)</script> ]]> & \"x\" \u{1b}[31m \u{202e}evil";
        let mut es = qualification();
        es[0].from = Some(hostile.into());
        es[1].to = vec![format!("]]><x>{hostile}")];
        es[1].outcome = "<b>ok</b> ]]> &amp; \u{0}".into();
        es[1].interface = Some("IF-<031>".into());
        es[1].verdicts.push(Verdict {
            check: "rule:<i>".into(),
            ok: false,
            detail: "</title><script>alert(2)</script>".into(),
        });
        es[2].outcome = "</text></g></svg><script>alert(3)</script>".into();
        for svg in [sequence_svg(&es), document(&es)] {
            assert_well_formed(&svg);
            for raw in [
                "<script", "<b>", "<x>", "<i>", "]]>", "\u{1b}", "\u{202e}", "\u{0}",
            ] {
                assert!(!svg.contains(raw), "{raw:?} in {svg}");
            }
            assert!(svg.contains("SUP &lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp;"));
            assert!(svg.contains("\\u001b[31m \\u202eevil"), "{svg}");
            assert!(
                svg.contains("&lt;/title&gt;&lt;script&gt;alert(2)"),
                "{svg}"
            );
            assert!(svg.contains("&lt;/text&gt;&lt;/g&gt;&lt;/svg&gt;&lt;script&gt;"));
        }
        assert_well_formed(&sequence_svg::<Entry>(&[]));
        assert!(sequence_svg::<Entry>(&[]).contains(">Nothing was exchanged.</text>"));
    }

    #[test]
    fn a_long_scenario_draws_the_first_rows_and_says_how_many_more() {
        let es: Vec<Entry> = (1..=250)
            .map(|i| entry(i, Direction::Egress, REGS, &[SUP], 201))
            .collect();
        let svg = sequence_svg(&es);
        assert_eq!(arrows(&svg).len(), MAX_ROWS);
        assert!(svg.contains("data-seq=\"200\"") && !svg.contains("data-seq=\"201\""));
        assert!(
            svg.contains(
                ">… 50 more messages not drawn (a chart has at most 200 rows): journal.ndjson \
                 has them all</text>"
            ),
            "{}",
            &svg[svg.len() - 300..]
        );
        assert_well_formed(&svg);
        // Rows, not entries, are counted: a submission to three stubbed parties is three.
        let es: Vec<Entry> = (1..=5)
            .map(|i| {
                entry(
                    i,
                    Direction::Ingress,
                    SUP,
                    &[REGS, MSS, "MDS 1100000001"],
                    201,
                )
            })
            .collect();
        let svg = chart(&es, 7);
        assert_eq!(arrows(&svg).len(), 7);
        assert!(svg.contains(">… 3 more messages not drawn"), "{svg}");
        assert!(!sequence_svg(&es).contains("more message"));
        // The same entries draw the same bytes, as owned entries or references.
        let refs: Vec<&Entry> = es.iter().collect();
        assert_eq!(sequence_svg(&es), sequence_svg(&refs));
    }

    fn scenario(tags: &[&str], path: &str, line: usize) -> ScenarioResult {
        ScenarioResult {
            key: format!("{path}:{line}"),
            feature_path: path.into(),
            feature: "f".into(),
            name: "n".into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            line,
            status: super::super::Status::Passed,
            steps: Vec::new(),
            duration: std::time::Duration::ZERO,
            failure: None,
            retries: 0,
            warnings: Vec::new(),
            source: super::super::Source::default(),
            started: None,
            step_started: None,
        }
    }

    #[test]
    fn each_scenario_has_a_file_of_its_own() {
        let paths = chart_paths(&[
            scenario(&["@QT-SUP-001"], "features/a.feature", 5),
            scenario(&["@QT-SUP-002", "@S1"], "features/a.feature", 20),
            scenario(&["@QT-SUP-002"], "features/a.feature", 21),
            scenario(&[], "features/own/my pack.feature", 7),
            scenario(&["@QT-sup-001"], "features/b.feature", 5),
            scenario(&["@QT-../../etc"], "features/c.feature", 1),
            scenario(&["@QT-SUP-001"], "features/b.feature", 5),
        ]);
        assert_eq!(
            paths,
            [
                "msc/QT-SUP-001-5.svg",
                "msc/QT-SUP-002-20.svg",
                "msc/QT-SUP-002-21.svg",
                "msc/my-pack-7.svg",
                "msc/QT-sup-001-5-2.svg",
                "msc/QT-------etc.svg",
                "msc/QT-SUP-001-5-3.svg",
            ]
        );
    }
}
