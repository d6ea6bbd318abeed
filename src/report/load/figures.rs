//! Figures as the JUnit file and the page write them: milliseconds, seconds, rates, counts.
//! A value that is not finite (a figure nobody could measure) is written as `0`, so no `NaN`
//! or `inf` ever reaches a reader.

use std::fmt::Write as _;

use super::{LoadReport, Reaction};

/// `v`, or 0 when it is not finite.
pub fn finite(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

/// A latency: `850 µs`, `12.3 ms`, `2.40 s`.
pub fn ms(v: f64) -> String {
    let v = finite(v);
    if v < 1.0 && v > 0.0 {
        format!("{:.0} µs", v * 1000.0)
    } else if v < 1000.0 {
        format!("{v:.1} ms")
    } else {
        format!("{:.2} s", v / 1000.0)
    }
}

/// A duration in whole milliseconds: `12.5 s`.
pub fn seconds(ms: u64) -> String {
    #[expect(
        clippy::cast_precision_loss,
        reason = "a run's length in ms is far below 2^52"
    )]
    let s = ms as f64 / 1000.0;
    format!("{s:.1} s")
}

/// Messages per second: `99.8/s`.
pub fn rate(v: f64) -> String {
    format!("{:.1}/s", finite(v))
}

/// A percentage: `1.25 %`.
pub fn percent(v: f64) -> String {
    format!("{:.2} %", finite(v))
}

/// `MPAN reaction`, as lists show a lost or duplicated reaction.
pub fn reaction(r: &Reaction) -> String {
    format!("{} {}", r.mpan, r.reaction)
}

/// The run's totals over every family: sent, acknowledged, rejected, errors.
pub fn totals(r: &LoadReport) -> (u64, u64, u64, u64) {
    r.families.iter().fold((0, 0, 0, 0), |(s, a, j, e), f| {
        (
            s.saturating_add(f.sent),
            a.saturating_add(f.acknowledged),
            j.saturating_add(f.rejected),
            e.saturating_add(f.errors),
        )
    })
}

/// Why sending stopped and whether the figures are whole, on one line.
pub fn ending(r: &LoadReport) -> String {
    let why = match r.stopped_by.as_str() {
        "finished" => "sent its whole schedule".to_owned(),
        "message cap" => "stopped sending at the message cap".to_owned(),
        "time cap" => "stopped sending at the time cap".to_owned(),
        "interrupted" => "interrupted".to_owned(),
        "" => "stopped (no reason recorded)".to_owned(),
        other => format!("stopped by {other}"),
    };
    let mut out = format!(
        "{why}; {} from the first scheduled send to the end of the run",
        seconds(r.elapsed_ms)
    );
    out.push_str(if r.complete {
        "; the run is complete"
    } else {
        "; the figures are partial"
    });
    out
}

/// The run in a few lines: what was sent and answered, what was lost or duplicated, how well
/// the pace held, the rate limit and the outage.
pub fn summary(r: &LoadReport) -> String {
    let mut out = String::new();
    let p = &r.profile;
    let _ = writeln!(
        out,
        "profile {} ({}, {}), {} MPANs from {}",
        p.name, p.family, p.path, p.mpans, p.mpan_source
    );
    let s = &r.system;
    let _ = write!(out, "system {} {} ({}", s.role, s.dip_id, s.kind);
    if !s.faults.is_empty() {
        let _ = write!(out, ", faults {}", s.faults.join(", "));
    }
    let _ = writeln!(out, "), started {}", r.started);
    let _ = writeln!(out, "{}", ending(r));
    let (sent, acknowledged, rejected, errors) = totals(r);
    let _ = writeln!(
        out,
        "sent {sent} of {} scheduled, acknowledged {acknowledged}, rejected {rejected}, errors {errors}",
        r.pacing.scheduled
    );
    for f in &r.families {
        let _ = write!(
            out,
            "  {}: sent {}, acknowledged {}, ack p99 {}",
            f.family,
            f.sent,
            f.acknowledged,
            ms(f.ack.p99_ms)
        );
        if let Some(x) = &f.reaction {
            let _ = write!(
                out,
                ", reactions {} of {}, reaction p99 {}",
                f.reactions_received,
                f.reactions_expected,
                ms(x.p99_ms)
            );
        }
        out.push('\n');
    }
    let _ = write!(out, "lost reactions {}", r.lost_count);
    if let Some(first) = r.lost.first() {
        let _ = write!(out, " (first: {})", reaction(first));
    }
    let _ = writeln!(out, ", duplicate reactions {}", r.duplicate_count);
    let _ = writeln!(
        out,
        "pacing: target {}, achieved {}, error {}, lag p99 {}",
        rate(r.pacing.target_rate),
        rate(r.pacing.achieved_rate),
        percent(r.pacing.error_pct),
        ms(r.pacing.lag.p99_ms)
    );
    if let Some(l) = &r.rate_limit {
        let _ = writeln!(
            out,
            "rate limit {}/s (tolerance {}): peak {} in the second from {}, throttled {}: {}",
            l.limit,
            percent(l.tolerance * 100.0),
            l.peak_per_second,
            seconds(l.peak_at_ms),
            l.throttled,
            if l.ok { "kept" } else { "exceeded" }
        );
    }
    if let Some(o) = &r.outage {
        let _ = writeln!(
            out,
            "outage of the stub DIP at {} for {}: {} submissions answered 503",
            seconds(o.at_ms),
            seconds(o.length_ms),
            o.unavailable
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{ms, percent, rate, seconds};

    #[test]
    fn figures_are_finite_and_in_readable_units() {
        assert_eq!(ms(0.0), "0.0 ms");
        assert_eq!(ms(0.85), "850 µs");
        assert_eq!(ms(12.34), "12.3 ms");
        assert_eq!(ms(2400.0), "2.40 s");
        assert_eq!(ms(f64::NAN), "0.0 ms");
        assert_eq!(ms(f64::INFINITY), "0.0 ms");
        assert_eq!(seconds(12_500), "12.5 s");
        assert_eq!(rate(f64::NEG_INFINITY), "0.0/s");
        assert_eq!(percent(1.254), "1.25 %");
    }
}
