//! `load.html`: a load run for people. One self-contained page (no network, no script), in
//! this order:
//!
//! - the headline: profile, system, whether the run is complete or partial, whether every
//!   objective held; then the run's particulars (stages, MPANs, start, length, why it stopped);
//! - the objectives, each passed or failed in words and colour, with what broke it;
//! - per message family: sent, acknowledged, rejected, errors, the acknowledgement's and the
//!   reaction's latency at p50, p90, p99, p99.9 and the maximum, reactions expected and
//!   received;
//! - two charts drawn here as SVG: the latency percentile plot (one line per family for the
//!   acknowledgement, one dashed for the reaction; the x axis in "nines", so that 90, 99, 99.9
//!   and 99.99 are equally far apart) and the throughput over time (per second: sent,
//!   acknowledged, reactions, the system's submissions, and in red what went wrong: errors,
//!   throttled and unavailable; the rate limit as a dashed line, the outage as a shaded band);
//! - pacing, the rate-limit verdict, the outage, and the lost and duplicated reactions (the
//!   first [`MAX_SHOWN`] of each, then how many more `load.json` has).
//!
//! Every text goes through the main report's escaping (profile names, objectives' details and
//! reactions can carry what the system under test sent), and every number drawn goes through
//! [`Scale`], which maps whatever it is given (no data, one point, zero everywhere, `NaN`) to a
//! finite coordinate inside the plot.

use std::fmt::Write as _;

use super::figures::{self, finite, ms, percent, rate, seconds};
use super::{Latency, LoadReport, Second};
use crate::report::html::esc;

/// The most lost or duplicated reactions the page lists one by one.
pub const MAX_SHOWN: usize = 100;
/// The right end of the percentile axis, in nines: 5 is 99.999 %. The maximum is drawn there.
pub const MAX_NINES: f64 = 5.0;
/// The most points of one percentile curve the page draws (a longer curve is thinned).
const MAX_CURVE_POINTS: usize = 400;

/// Width and height of a chart, and its plot area's margins.
const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 340.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 210.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 52.0;

/// Colours of the series; one per family, in turn.
const PALETTE: [&str; 6] = [
    "#1f5fbf", "#c07000", "#7b3fa0", "#11807a", "#8a5a00", "#5a5a5a",
];
const GREEN: &str = "#176317";
const RED: &str = "#a01010";

const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;color:#222;max-width:75em}\
dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}dd{margin:0}\
.passed,.ok{color:#176317}.failed,.bad{color:#a01010}\
#verdict{font-size:120%}\
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}\
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
td.detail{font-family:monospace;white-space:pre-wrap;max-width:40em}\
tr.failed td:first-child{border-left:4px solid #a01010}tr.passed td:first-child{border-left:4px solid #176317}\
svg.chart{display:block;width:100%;max-width:900px;height:auto;font-size:12px}\
svg.chart text{fill:#222}svg.chart .grid{stroke:#e3e3e3}svg.chart .axis{stroke:#444}\
svg.chart .empty{font-size:14px;fill:#777}\
ol.reactions{font-family:monospace;columns:22em}div.wide{overflow-x:auto}";

/// A map from a domain of values to a range of coordinates, linear or logarithmic. Whatever
/// it is given, [`Scale::at`] answers a finite coordinate inside the range: a value outside the
/// domain is drawn at its edge, a value that is not finite (or, on a logarithmic scale, not
/// positive) at the range's start, and an empty or reversed domain maps everything to the
/// range's start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// The domain, as logarithms when `log`.
    pub from: f64,
    pub to: f64,
    pub start: f64,
    pub end: f64,
    pub log: bool,
}

impl Scale {
    /// Values `from..=to` onto coordinates `start..=end`, linearly.
    pub fn new(from: f64, to: f64, start: f64, end: f64) -> Self {
        Self {
            from,
            to,
            start,
            end,
            log: false,
        }
    }

    /// Values `from..=to` (both positive) onto coordinates `start..=end`, each power of ten
    /// equally far from the next.
    pub fn log(from: f64, to: f64, start: f64, end: f64) -> Self {
        Self {
            from: from.log10(),
            to: to.log10(),
            start,
            end,
            log: true,
        }
    }

    /// The coordinate of `v`.
    pub fn at(self, v: f64) -> f64 {
        let v = if self.log { v.log10() } else { v };
        let span = self.to - self.from;
        let start = finite(self.start);
        if !span.is_finite() || span <= 0.0 || !v.is_finite() {
            return start;
        }
        let t = ((v - self.from) / span).clamp(0.0, 1.0);
        finite(start + t * (finite(self.end) - start))
    }
}

/// A percentile's place on the "nines" axis: `-log10(1 - p/100)`, so 0 is 0, 90 is 1, 99 is 2,
/// 99.9 is 3; capped at [`MAX_NINES`] (100 itself, the maximum, is there too). Below 0 and
/// `NaN` are 0.
pub fn nines(p: f64) -> f64 {
    if p.is_nan() || p <= 0.0 {
        return 0.0;
    }
    if p >= 100.0 {
        return MAX_NINES;
    }
    finite(-(1.0 - p / 100.0).log10()).clamp(0.0, MAX_NINES)
}

/// The label of a whole number of nines: 0, 90, 99, 99.9, 99.99 ...
pub fn nines_label(k: u32) -> String {
    match k {
        0 => "0".to_owned(),
        1 => "90".to_owned(),
        k => {
            let mut s = "99".to_owned();
            if k > 2 {
                s.push('.');
                for _ in 2..k.min(12) {
                    s.push('9');
                }
            }
            s
        }
    }
}

/// Ticks from 0 to at least `max`, 1, 2 or 5 times a power of ten apart, about five of
/// them (never more than eleven); whole numbers when `whole` (counts). A `max` that is zero,
/// negative or not finite gives the ticks of 1.
pub fn ticks(max: f64, whole: bool) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let mut step = magnitude
        * if norm <= 1.0 {
            1.0
        } else if norm <= 2.0 {
            2.0
        } else if norm <= 5.0 {
            5.0
        } else {
            10.0
        };
    if whole {
        step = step.max(1.0).round();
    }
    if !step.is_finite() || step <= 0.0 {
        return vec![0.0, max];
    }
    let mut out = vec![0.0];
    let mut i = 1.0;
    while out.len() < 11 {
        let t = step * i;
        out.push(t);
        if t >= max * (1.0 - 1e-9) {
            break;
        }
        i += 1.0;
    }
    out
}

/// The ticks of a logarithmic axis from below `min` to above `max` (milliseconds): the powers
/// of ten between, labelled, and when there are few of them 2 and 5 times each, unlabelled.
/// Returns the axis's ends and its ticks. `min` is the smallest positive value drawn (the
/// axis starts no lower than 0.001); without one, or with nothing finite, the axis is 1 to 10.
pub fn log_ticks(min: f64, max: f64) -> (f64, f64, Vec<(f64, String)>) {
    let min = if min.is_finite() && min > 0.0 {
        min
    } else {
        1.0
    };
    let max = if max.is_finite() && max > min {
        max
    } else {
        min
    };
    #[expect(
        clippy::cast_possible_truncation,
        reason = "clamped to a few hundred decades"
    )]
    let decade = |v: f64, up: bool| {
        let l = v.log10();
        (if up {
            (l - 1e-9).ceil()
        } else {
            (l + 1e-9).floor()
        })
        .clamp(-3.0, 300.0) as i32
    };
    let lo = decade(min, false);
    let hi = decade(max, true).max(lo + 1).min(lo + 12);
    let few = hi - lo <= 4;
    let mut out = Vec::new();
    for e in lo..=hi {
        let p = 10f64.powi(e);
        let decimals = usize::try_from(-e).unwrap_or(0);
        out.push((p, format!("{p:.decimals$}")));
        if few && e < hi {
            out.push((2.0 * p, String::new()));
            out.push((5.0 * p, String::new()));
        }
    }
    (10f64.powi(lo), 10f64.powi(hi), out)
}

/// A tick's label: as many decimals as the step between ticks needs.
fn tick_label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 || !step.is_finite() || step <= 0.0 {
        0
    } else {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "between 1 and 6"
        )]
        let d = (-step.log10()).ceil().clamp(1.0, 6.0) as usize;
        d
    };
    format!("{:.*}", decimals, finite(v))
}

/// A coordinate as the SVG has it.
fn n(v: f64) -> String {
    format!("{:.1}", finite(v))
}

/// A curve's points on the nines axis: `(nines, ms)`. Without a curve, the percentiles the
/// report has (when anything was measured); at most [`MAX_CURVE_POINTS`], the last kept.
pub fn curve_points(l: &Latency) -> Vec<(f64, f64)> {
    let points: Vec<(f64, f64)> = if l.curve.is_empty() {
        if l.count == 0 {
            return Vec::new();
        }
        vec![
            (50.0, l.p50_ms),
            (90.0, l.p90_ms),
            (99.0, l.p99_ms),
            (99.9, l.p999_ms),
            (100.0, l.max_ms),
        ]
    } else {
        l.curve.iter().map(|[p, v]| (*p, *v)).collect()
    };
    let points: Vec<(f64, f64)> = points
        .into_iter()
        .filter(|(p, v)| p.is_finite() && v.is_finite() && *v >= 0.0)
        .map(|(p, v)| (nines(p), v))
        .collect();
    if points.len() <= MAX_CURVE_POINTS {
        return points;
    }
    let every = points.len().div_ceil(MAX_CURVE_POINTS);
    let mut thin: Vec<(f64, f64)> = points.iter().copied().step_by(every).collect();
    if let Some(&last) = points.last()
        && thin.last() != Some(&last)
    {
        thin.push(last);
    }
    thin
}

/// One line of a chart.
struct Series {
    label: String,
    colour: &'static str,
    dashed: bool,
    points: Vec<(f64, f64)>,
}

/// What a chart draws beside its lines.
#[derive(Default)]
struct Extras {
    /// A dashed horizontal line at this value, labelled.
    limit: Option<(f64, String)>,
    /// A shaded band between these x values, labelled.
    band: Option<(f64, f64, String)>,
}

/// The axes of a chart: the x axis from 0 to its end, the y axis's scale; the ticks of each
/// with their labels (a tick without one is a grid line only).
struct Axes {
    x_max: f64,
    x_ticks: Vec<(f64, String)>,
    x_title: &'static str,
    /// The y axis, its range of coordinates still to be set.
    y: Scale,
    y_ticks: Vec<(f64, String)>,
    y_title: &'static str,
}

impl Axes {
    /// A linear y axis from 0 through `ticks`.
    fn linear_y(ticks: &[f64]) -> (Scale, Vec<(f64, String)>) {
        let top = ticks.last().copied().unwrap_or(1.0);
        let step = ticks.get(1).copied().unwrap_or(1.0);
        (
            Scale::new(0.0, top, 0.0, 0.0),
            ticks.iter().map(|&t| (t, tick_label(t, step))).collect(),
        )
    }
}

fn polyline(h: &mut String, s: &Series, x: Scale, y: Scale) {
    let dash = if s.dashed {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    if s.points.is_empty() {
        return;
    }
    if s.points.len() == 1 {
        let (px, py) = s.points[0];
        let _ = write!(
            h,
            "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"/>",
            n(x.at(px)),
            n(y.at(py)),
            s.colour
        );
        return;
    }
    let mut points = String::with_capacity(s.points.len() * 12);
    for &(px, py) in &s.points {
        let _ = write!(points, "{},{} ", n(x.at(px)), n(y.at(py)));
    }
    let _ = write!(
        h,
        "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.8\"{dash} points=\"{}\"/>",
        s.colour,
        points.trim_end()
    );
}

/// A chart as SVG: grid, axes with ticks and titles, the series, the extras and a legend;
/// `empty` is said in the middle when no series has a point.
fn chart(
    id: &str,
    title: &str,
    axes: &Axes,
    series: &[Series],
    extras: &Extras,
    empty: &str,
) -> String {
    let rows = f64::from(u32::try_from(series.len()).unwrap_or(u32::MAX));
    let height = HEIGHT.max(TOP + 24.0 + 20.0 * rows);
    let (left, right, top, bottom) = (LEFT, WIDTH - RIGHT, TOP, height - BOTTOM);
    let x = Scale::new(0.0, axes.x_max, left, right);
    let y = Scale {
        start: bottom,
        end: top,
        ..axes.y
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">",
        n(WIDTH),
        n(height),
        esc(title)
    );
    let _ = write!(h, "<title>{}</title>", esc(title));
    if let Some((from, to, label)) = &extras.band {
        let (a, b) = (x.at(*from), x.at(*to));
        let _ = write!(
            h,
            "<rect class=\"band\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{RED}\" fill-opacity=\"0.12\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"{RED}\" style=\"fill:{RED}\">{}</text>",
            n(a),
            n(top),
            n((b - a).max(1.0)),
            n(bottom - top),
            n(a + 3.0),
            n(top + 12.0),
            esc(label)
        );
    }
    for (t, label) in &axes.y_ticks {
        let py = y.at(*t);
        let _ = write!(
            h,
            "<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            n(left),
            n(py),
            n(right),
            n(py),
            n(left - 6.0),
            n(py + 4.0),
            esc(label)
        );
    }
    for (t, label) in &axes.x_ticks {
        let px = x.at(*t);
        let _ = write!(
            h,
            "<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
             <line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            n(px),
            n(top),
            n(px),
            n(bottom),
            n(px),
            n(bottom),
            n(px),
            n(bottom + 5.0),
            n(px),
            n(bottom + 18.0),
            esc(label)
        );
    }
    let _ = write!(
        h,
        "<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
         <line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
         <text x=\"14\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">{}</text>",
        n(left),
        n(bottom),
        n(right),
        n(bottom),
        n(left),
        n(top),
        n(left),
        n(bottom),
        n(f64::midpoint(left, right)),
        n(bottom + 38.0),
        axes.x_title,
        n(f64::midpoint(top, bottom)),
        n(f64::midpoint(top, bottom)),
        axes.y_title
    );
    if let Some((v, label)) = &extras.limit {
        let py = y.at(*v);
        let _ = write!(
            h,
            "<line class=\"limit\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{RED}\" stroke-width=\"1.5\" stroke-dasharray=\"8 5\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" style=\"fill:{RED}\">{}</text>",
            n(left),
            n(py),
            n(right),
            n(py),
            n(right - 4.0),
            n(py - 5.0),
            esc(label)
        );
    }
    for s in series {
        polyline(&mut h, s, x, y);
    }
    if series.iter().all(|s| s.points.is_empty()) {
        let _ = write!(
            h,
            "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            n(f64::midpoint(left, right)),
            n(f64::midpoint(top, bottom)),
            esc(empty)
        );
    }
    // The legend, right of the plot.
    let lx = right + 16.0;
    let mut ly = top + 8.0;
    let mut entries: Vec<(&str, &str, bool)> = series
        .iter()
        .map(|s| (s.label.as_str(), s.colour, s.dashed))
        .collect();
    if let Some((_, label)) = &extras.limit {
        entries.push((label.as_str(), RED, true));
    }
    for (label, colour, dashed) in entries {
        let dash = if dashed {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = write!(
            h,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            n(lx),
            n(ly),
            n(lx + 26.0),
            n(ly),
            n(lx + 32.0),
            n(ly + 4.0),
            esc(label)
        );
        ly += 20.0;
    }
    h.push_str("</svg>\n");
    h
}

/// The latency percentile plot: per family, the acknowledgement (solid) and the reaction
/// (dashed), milliseconds against the percentile in nines.
pub fn latency_chart(report: &LoadReport) -> String {
    let mut series = Vec::new();
    for (i, f) in report.families.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        series.push(Series {
            label: format!("{} ack", f.family),
            colour,
            dashed: false,
            points: curve_points(&f.ack),
        });
        if let Some(r) = &f.reaction {
            series.push(Series {
                label: format!("{} reaction", f.family),
                colour,
                dashed: true,
                points: curve_points(r),
            });
        }
    }
    // The x axis reaches the nines the curves have below their maximum (at least 99 %).
    let reached = series
        .iter()
        .flat_map(|s| s.points.iter())
        .map(|&(x, _)| x)
        .filter(|&x| x < MAX_NINES)
        .fold(2.0_f64, f64::max);
    // 99.99 is 4 nines give or take a rounding error, not 5.
    let reached = (reached - 1e-6).ceil().clamp(2.0, MAX_NINES);
    let drawn = || series.iter().flat_map(|s| s.points.iter()).map(|&(_, v)| v);
    let y_min = drawn().filter(|&v| v > 0.0).fold(f64::INFINITY, f64::min);
    let (low, high, y_ticks) = log_ticks(y_min, drawn().fold(0.0_f64, f64::max));
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "between 2 and MAX_NINES"
    )]
    let whole = reached as u32;
    let axes = Axes {
        x_max: reached,
        x_ticks: (0..=whole)
            .map(|k| (f64::from(k), nines_label(k)))
            .collect(),
        x_title: "percentile (%), in nines; the maximum at the right end",
        y: Scale::log(low, high, 0.0, 0.0),
        y_ticks,
        y_title: "latency (ms), logarithmic",
    };
    chart(
        "latency-chart",
        "Latency by percentile",
        &axes,
        &series,
        &Extras::default(),
        "no latency was measured",
    )
}

/// The throughput over time: per second of the run, what was sent, acknowledged, reacted and
/// submitted, and what went wrong; the rate limit and the outage.
pub fn throughput_chart(report: &LoadReport) -> String {
    #[expect(
        clippy::cast_precision_loss,
        reason = "seconds and counts of a run are far below 2^52"
    )]
    let f = |v: u64| v as f64;
    let at = |s: &Second| f(s.second) + 0.5;
    let line = |label: &str, colour: &'static str, value: &dyn Fn(&Second) -> u64| Series {
        label: label.to_owned(),
        colour,
        dashed: false,
        points: report
            .timeline
            .iter()
            .map(|s| (at(s), f(value(s))))
            .collect(),
    };
    let series = vec![
        line("sent", PALETTE[0], &|s| s.sent),
        line("acknowledged", GREEN, &|s| s.acknowledged),
        line("reactions", PALETTE[2], &|s| s.reactions),
        line("submissions", PALETTE[1], &|s| s.submissions),
        line("errors, 429, 503", RED, &|s| {
            s.errors
                .saturating_add(s.throttled)
                .saturating_add(s.unavailable)
        }),
    ];
    let mut extras = Extras::default();
    let mut x_max = report
        .timeline
        .iter()
        .map(|s| f(s.second) + 1.0)
        .fold(1.0_f64, f64::max);
    let mut y_max = series
        .iter()
        .flat_map(|s| s.points.iter())
        .map(|&(_, v)| v)
        .fold(0.0_f64, f64::max);
    if let Some(l) = &report.rate_limit {
        let limit = f64::from(l.limit);
        y_max = y_max.max(limit);
        extras.limit = Some((limit, format!("rate limit {}/s", l.limit)));
    }
    if let Some(o) = &report.outage {
        let from = f(o.at_ms) / 1000.0;
        let to = f(o.at_ms.saturating_add(o.length_ms)) / 1000.0;
        x_max = x_max.max(to);
        extras.band = Some((from, to, "outage".to_owned()));
    }
    let x_ticks = ticks(x_max, true);
    let x_max = x_ticks.last().copied().unwrap_or(x_max);
    let (y, y_ticks) = Axes::linear_y(&ticks(y_max * 1.05, true));
    let axes = Axes {
        x_max,
        x_ticks: x_ticks.iter().map(|&t| (t, tick_label(t, 1.0))).collect(),
        x_title: "seconds from the first scheduled send",
        y,
        y_ticks,
        y_title: "per second",
    };
    chart(
        "throughput-chart",
        "Throughput per second",
        &axes,
        &series,
        &extras,
        "no second was recorded",
    )
}

fn facts(h: &mut String, id: &str, rows: &[(&str, String)]) {
    let _ = write!(h, "<dl class=\"facts\" id=\"{id}\">");
    for (term, value) in rows {
        let _ = write!(h, "<dt>{term}</dt><dd>{}</dd>", esc(value));
    }
    h.push_str("</dl>\n");
}

fn headline(h: &mut String, r: &LoadReport) {
    let failed = r.objectives.iter().filter(|o| !o.ok).count();
    let (class, verdict) = if r.objectives.is_empty() {
        ("", "no objectives".to_owned())
    } else if failed == 0 {
        (
            "ok",
            format!("✓ passed: all {} objectives held", r.objectives.len()),
        )
    } else {
        (
            "bad",
            format!(
                "✗ failed: {failed} of {} objectives did not hold",
                r.objectives.len()
            ),
        )
    };
    let (whole_class, whole) = if r.complete {
        ("ok", "the run is complete")
    } else {
        ("bad", "partial: the run was interrupted")
    };
    let _ = writeln!(
        h,
        "<p id=\"verdict\"><b class=\"{class}\">{}</b>; <b class=\"{whole_class}\">{}</b> — profile {} against {} {} ({})</p>",
        esc(&verdict),
        esc(whole),
        esc(&r.profile.name),
        esc(&r.system.role),
        esc(&r.system.dip_id),
        esc(&r.system.kind)
    );
    let p = &r.profile;
    let stages: Vec<String> = p
        .stages
        .iter()
        .map(|s| {
            if (s.from_rate - s.to_rate).abs() < f64::EPSILON {
                format!(
                    "{} {} for {}",
                    s.kind,
                    rate(s.from_rate),
                    seconds(s.duration_ms)
                )
            } else {
                format!(
                    "{} {} → {} over {}",
                    s.kind,
                    rate(s.from_rate),
                    rate(s.to_rate),
                    seconds(s.duration_ms)
                )
            }
        })
        .collect();
    let mut system = format!("{} {} ({})", r.system.role, r.system.dip_id, r.system.kind);
    if !r.system.faults.is_empty() {
        let _ = write!(system, " with faults {}", r.system.faults.join(", "));
    }
    let mut caps = vec![format!("{} planned", seconds(p.duration_ms))];
    if p.max_messages > 0 {
        caps.push(format!("at most {} messages", p.max_messages));
    }
    if p.max_time_ms > 0 {
        caps.push(format!("at most {}", seconds(p.max_time_ms)));
    }
    facts(
        h,
        "run",
        &[
            ("Profile", format!("{} ({})", p.name, p.path)),
            ("Family", p.family.clone()),
            ("Stages", stages.join("; ")),
            ("Length", caps.join(", ")),
            ("MPANs", format!("{} from {}", p.mpans, p.mpan_source)),
            ("System", system),
            ("Started", r.started.clone()),
            ("Ended", figures::ending(r)),
            ("Tool", r.tool.clone()),
        ],
    );
}

fn objectives(h: &mut String, r: &LoadReport) {
    h.push_str("<section id=\"objectives\"><h2>Objectives</h2>\n");
    if r.objectives.is_empty() {
        h.push_str("<p>The profile sets no objectives.</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<table><thead><tr><th>Objective</th><th>Measured</th><th>Verdict</th><th>Why it failed</th></tr></thead><tbody>\n",
    );
    for o in &r.objectives {
        let (class, word) = if o.ok {
            ("passed", "✓ passed")
        } else {
            ("failed", "✗ failed")
        };
        let _ = writeln!(
            h,
            "<tr class=\"{class}\"><td>{}</td><td class=\"n\">{}</td><td class=\"{class}\"><b>{word}</b></td><td class=\"detail\">{}</td></tr>",
            esc(&o.name),
            esc(&o.measured),
            esc(&o.detail)
        );
    }
    h.push_str("</tbody></table>\n</section>\n");
}

fn latency_cells(h: &mut String, l: Option<&Latency>) {
    match l {
        Some(l) => {
            for v in [l.p50_ms, l.p90_ms, l.p99_ms, l.p999_ms, l.max_ms] {
                let _ = write!(h, "<td class=\"n\">{}</td>", esc(&ms(v)));
            }
        }
        None => h.push_str("<td colspan=\"5\">no reactions</td>"),
    }
}

fn families(h: &mut String, r: &LoadReport) {
    h.push_str("<section id=\"families\"><h2>Deliveries and reactions</h2>\n");
    if r.families.is_empty() {
        h.push_str("<p>Nothing was sent.</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<div class=\"wide\"><table><thead><tr><th rowspan=\"2\">Family</th><th rowspan=\"2\">Delivery</th>\
         <th rowspan=\"2\">Sent</th><th rowspan=\"2\">Acknowledged</th><th rowspan=\"2\">Rejected</th>\
         <th rowspan=\"2\">Errors</th><th colspan=\"5\">Acknowledgement latency</th>\
         <th colspan=\"5\">Reaction latency</th><th rowspan=\"2\">Reactions expected</th>\
         <th rowspan=\"2\">Reactions received</th></tr>\n<tr>",
    );
    for _ in 0..2 {
        h.push_str("<th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th>");
    }
    h.push_str("</tr></thead><tbody>\n");
    for f in &r.families {
        let mut delivery = f.delivery.clone();
        if !f.reactions.is_empty() {
            let _ = write!(delivery, " → {}", f.reactions.join(", "));
        }
        let bad = |v: u64| if v > 0 { " bad" } else { "" };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n{}\">{}</td><td class=\"n{}\">{}</td>",
            esc(&f.family),
            esc(&delivery),
            f.sent,
            f.acknowledged,
            bad(f.rejected),
            f.rejected,
            bad(f.errors),
            f.errors
        );
        latency_cells(h, Some(&f.ack));
        latency_cells(h, f.reaction.as_ref());
        let short = f.reactions_received < f.reactions_expected;
        let _ = writeln!(
            h,
            "<td class=\"n\">{}</td><td class=\"n{}\">{}</td></tr>",
            f.reactions_expected,
            if short { " bad" } else { "" },
            f.reactions_received
        );
    }
    h.push_str("</tbody></table></div>\n</section>\n");
}

fn pacing_and_limits(h: &mut String, r: &LoadReport) {
    let p = &r.pacing;
    h.push_str("<section id=\"pacing\"><h2>Pacing</h2>\n");
    facts(
        h,
        "pacing-facts",
        &[
            (
                "Messages",
                format!("{} dispatched of {} scheduled", p.dispatched, p.scheduled),
            ),
            ("Target rate", rate(p.target_rate)),
            ("Achieved rate", rate(p.achieved_rate)),
            (
                "Pacing error",
                format!(
                    "{} (the worst second with at least 100 scheduled)",
                    percent(p.error_pct)
                ),
            ),
            (
                "Send lag",
                format!(
                    "p50 {}, p99 {}, max {}",
                    ms(p.lag.p50_ms),
                    ms(p.lag.p99_ms),
                    ms(p.lag.max_ms)
                ),
            ),
        ],
    );
    h.push_str("</section>\n<section id=\"rate-limit\"><h2>Rate limit</h2>\n");
    match &r.rate_limit {
        Some(l) => {
            let (class, word) = if l.ok {
                ("ok", "✓ kept to the limit")
            } else {
                ("bad", "✗ went over the limit")
            };
            let _ = writeln!(h, "<p class=\"{class}\"><b>{word}</b></p>");
            facts(
                h,
                "rate-limit-facts",
                &[
                    (
                        "Limit",
                        format!(
                            "{}/s per participant, tolerance {}",
                            l.limit,
                            percent(l.tolerance * 100.0)
                        ),
                    ),
                    (
                        "Peak",
                        format!(
                            "{} submissions in the second from {}",
                            l.peak_per_second,
                            seconds(l.peak_at_ms)
                        ),
                    ),
                    (
                        "Throttled",
                        format!("{} submissions answered 429", l.throttled),
                    ),
                ],
            );
        }
        None => h.push_str("<p>The stub DIP had no rate limit in this run.</p>\n"),
    }
    h.push_str("</section>\n");
    if let Some(o) = &r.outage {
        h.push_str("<section id=\"outage\"><h2>Outage</h2>\n");
        let _ = writeln!(
            h,
            "<p>The stub DIP was unavailable from {} for {}: {} submissions were answered 503.</p>",
            seconds(o.at_ms),
            seconds(o.length_ms),
            o.unavailable
        );
        h.push_str("</section>\n");
    }
}

fn listed<T>(
    h: &mut String,
    id: &str,
    title: &str,
    items: &[T],
    count: u64,
    line: impl Fn(&T) -> String,
) {
    let count = count.max(items.len() as u64);
    let _ = writeln!(h, "<section id=\"{id}\"><h2>{title} ({count})</h2>");
    if count == 0 {
        h.push_str("<p>None.</p>\n</section>\n");
        return;
    }
    h.push_str("<ol class=\"reactions\">\n");
    for item in items.iter().take(MAX_SHOWN) {
        let _ = writeln!(h, "<li>{}</li>", esc(&line(item)));
    }
    h.push_str("</ol>\n");
    let shown = items.len().min(MAX_SHOWN) as u64;
    if count > shown {
        let _ = writeln!(
            h,
            "<p>and {} more (load.json lists up to {} of them).</p>",
            count - shown,
            super::MAX_LISTED
        );
    }
    h.push_str("</section>\n");
}

/// The page.
pub fn page(report: &LoadReport) -> String {
    let title = format!("Load run: {}", report.profile.name);
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{}</title>\n<style>{STYLE}</style></head><body>\n\
         <h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    headline(&mut h, report);
    objectives(&mut h, report);
    families(&mut h, report);
    h.push_str("<section id=\"latency\"><h2>Latency by percentile</h2>\n");
    h.push_str(
        "<p>From each message's scheduled send time: to its acknowledgement (solid), and to the \
         first acceptance of each reaction it calls for (dashed).</p>\n",
    );
    h.push_str(&latency_chart(report));
    h.push_str("</section>\n<section id=\"throughput\"><h2>Throughput</h2>\n");
    h.push_str(
        "<p>Per second of the run: the deliveries sent and acknowledged, the expected reactions \
         the stub DIP accepted, every submission of the system to the stub DIP, and in red the \
         deliveries rejected or unanswered with the submissions throttled (429) or refused during \
         the outage (503).</p>\n",
    );
    h.push_str(&throughput_chart(report));
    h.push_str("</section>\n");
    pacing_and_limits(&mut h, report);
    listed(
        &mut h,
        "lost",
        "Lost reactions",
        &report.lost,
        report.lost_count,
        figures::reaction,
    );
    listed(
        &mut h,
        "duplicates",
        "Duplicated reactions",
        &report.duplicates,
        report.duplicate_count,
        |d| format!("{} {}: accepted {} times", d.mpan, d.reaction, d.accepted),
    );
    let refused: u64 = report.refused.iter().map(|r| r.count).sum();
    listed(
        &mut h,
        "refused",
        "Submissions the stub DIP refused",
        &report.refused,
        refused,
        |r| format!("{} × {} {}: {}", r.count, r.status, r.outcome, r.example),
    );
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
#[expect(
    clippy::float_cmp,
    reason = "the values at the clamps and on the grid are exact"
)]
mod tests {
    use super::{MAX_NINES, Scale, curve_points, log_ticks, nines, nines_label, page, ticks};
    use crate::report::load::{Latency, LoadReport};

    #[test]
    fn the_nines_axis_spaces_90_99_and_99_9_evenly() {
        assert_eq!(nines(0.0), 0.0);
        assert!((nines(90.0) - 1.0).abs() < 1e-9);
        assert!((nines(99.0) - 2.0).abs() < 1e-9);
        assert!((nines(99.9) - 3.0).abs() < 1e-9);
        assert!((nines(50.0) - std::f64::consts::LOG10_2).abs() < 1e-9);
        assert_eq!(nines(100.0), MAX_NINES);
        assert_eq!(nines(99.999_999_9), MAX_NINES);
        assert_eq!(nines(-3.0), 0.0);
        assert_eq!(nines(f64::NAN), 0.0);
        assert_eq!(nines(f64::INFINITY), MAX_NINES);
        let labels: Vec<String> = (0..=5).map(nines_label).collect();
        assert_eq!(labels, ["0", "90", "99", "99.9", "99.99", "99.999"]);
    }

    #[test]
    fn a_scale_answers_a_finite_coordinate_inside_its_range() {
        let s = Scale::new(0.0, 10.0, 100.0, 0.0);
        assert_eq!(s.at(0.0), 100.0);
        assert_eq!(s.at(5.0), 50.0);
        assert_eq!(s.at(10.0), 0.0);
        assert_eq!(s.at(20.0), 0.0, "beyond the domain: at its edge");
        assert_eq!(s.at(-1.0), 100.0);
        assert_eq!(s.at(f64::NAN), 100.0);
        assert_eq!(s.at(f64::INFINITY), 100.0);
        for empty in [
            Scale::new(3.0, 3.0, 10.0, 20.0),
            Scale::new(5.0, 1.0, 10.0, 20.0),
            Scale::new(0.0, f64::NAN, 10.0, 20.0),
        ] {
            assert_eq!(empty.at(4.0), 10.0, "{empty:?}");
        }
    }

    #[test]
    fn a_log_scale_spaces_powers_of_ten_evenly() {
        let s = Scale::log(1.0, 1000.0, 300.0, 0.0);
        assert!((s.at(1.0) - 300.0).abs() < 1e-9);
        assert!((s.at(10.0) - 200.0).abs() < 1e-9);
        assert!((s.at(100.0) - 100.0).abs() < 1e-9);
        assert!(s.at(1000.0).abs() < 1e-9);
        assert_eq!(s.at(0.0), 300.0, "zero at the bottom");
        assert_eq!(s.at(-5.0), 300.0);
        assert_eq!(s.at(0.01), 300.0);
        assert_eq!(s.at(1e9), 0.0);
        assert_eq!(Scale::log(0.0, 0.0, 3.0, 9.0).at(1.0), 3.0);
    }

    #[test]
    fn log_ticks_cover_the_values_by_decades() {
        let (lo, hi, t) = log_ticks(9.5, 2510.0);
        assert_eq!((lo, hi), (1.0, 10_000.0));
        let labels: Vec<&str> = t
            .iter()
            .map(|(_, l)| l.as_str())
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(labels, ["1", "10", "100", "1000", "10000"]);
        assert_eq!(t.len(), 5 + 4 * 2, "2 and 5 between the decades");
        let (lo, hi, t) = log_ticks(0.0004, 0.5);
        assert_eq!((lo, hi), (0.001, 1.0));
        assert_eq!(t[0].1, "0.001");
        assert_eq!(
            log_ticks(10.0, 100.0).0,
            10.0,
            "a power of ten is its own decade"
        );
        assert_eq!(log_ticks(10.0, 100.0).1, 100.0);
        for (min, max) in [
            (f64::INFINITY, 0.0),
            (f64::NAN, f64::NAN),
            (5.0, 5.0),
            (-1.0, -1.0),
        ] {
            let (lo, hi, t) = log_ticks(min, max);
            assert!(lo > 0.0 && hi > lo && hi.is_finite(), "{min} {max}");
            assert!(t.iter().all(|(v, _)| v.is_finite()));
        }
        let (lo, hi, _) = log_ticks(1e-9, 1e300);
        assert_eq!(lo, 0.001);
        assert!(hi <= 1e9 && hi.is_finite());
    }

    #[test]
    fn ticks_are_round_and_reach_the_maximum() {
        assert_eq!(ticks(10.0, false), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(7.3, false), [0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(ticks(1234.0, true), [0.0, 500.0, 1000.0, 1500.0]);
        assert_eq!(ticks(0.0, true), [0.0, 1.0]);
        assert_eq!(ticks(f64::NAN, false), ticks(1.0, false));
        assert_eq!(ticks(-5.0, false).len(), 6, "0 to 1 by 0.2");
        assert_eq!(ticks(3.0, true), [0.0, 1.0, 2.0, 3.0]);
        let t = ticks(0.037, false);
        assert!(t.len() <= 11 && *t.last().unwrap() >= 0.037, "{t:?}");
        for max in [1e-300, 1e300, 0.5, 999_999.0] {
            let t = ticks(max, false);
            assert!(
                t.len() <= 11 && t.iter().all(|v| v.is_finite()),
                "{max}: {t:?}"
            );
            assert!(*t.last().unwrap() >= max * 0.999, "{max}: {t:?}");
        }
    }

    #[test]
    fn a_curve_is_its_points_or_the_percentiles_thinned_to_a_bound() {
        assert!(curve_points(&Latency::default()).is_empty());
        let l = Latency {
            count: 1,
            p50_ms: 1.0,
            p90_ms: 2.0,
            p99_ms: 3.0,
            p999_ms: 4.0,
            max_ms: 5.0,
            ..Latency::default()
        };
        let p = curve_points(&l);
        assert_eq!(p.len(), 5);
        assert_eq!(p[4], (MAX_NINES, 5.0));
        let long = Latency {
            count: 10_000,
            curve: (0..10_000)
                .map(|i| [f64::from(i) / 100.0, f64::from(i)])
                .chain([[f64::NAN, 1.0], [100.0, f64::INFINITY], [100.0, 20_000.0]])
                .collect(),
            ..Latency::default()
        };
        let p = curve_points(&long);
        assert!(p.len() <= super::MAX_CURVE_POINTS + 1, "{}", p.len());
        assert_eq!(
            p.last(),
            Some(&(MAX_NINES, 20_000.0)),
            "the maximum is kept"
        );
        assert!(p.iter().all(|(x, y)| x.is_finite() && y.is_finite()));
    }

    #[test]
    fn an_empty_report_is_a_page_with_both_charts_and_no_nan() {
        let h = page(&LoadReport::default());
        assert_eq!(h.matches("<svg").count(), 2, "{h}");
        assert!(h.contains("no latency was measured"));
        assert!(h.contains("no second was recorded"));
        for bad in ["NaN", "inf"] {
            assert!(!h.contains(bad), "{bad} in {h}");
        }
    }
}
