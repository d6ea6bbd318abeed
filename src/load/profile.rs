//! A load profile (`mhhs-qual load --profile FILE`): the message family, the MPANs, the
//! arrival rate as stages, the duration, the caps that stop every run by itself, the stub
//! DIP's constraints on the system's own traffic, and the service-level objectives.
//!
//! ```toml
//! name     = "migration gains, short"
//! family   = "gain"                  # PUB-002 [GainMPANInfo] to a supplier
//! duration = "6s"                    # optional: the stages' total when absent
//! objectives = ["p99 ack < 2s", "p99 reaction < 5s", "lost = 0"]
//!
//! [mpans]
//! file  = "testdata.csv"             # from `mhhs-qual testdata generate` (or: seed = 7)
//! count = 2000
//!
//! [[stage]]
//! kind = "ramp"                      # ramp (from, to), hold (rate) or spike (rate)
//! duration = "1s"
//! to = 300
//!
//! [[stage]]
//! kind = "hold"
//! duration = "5s"
//! rate = 300
//!
//! [cap]
//! messages = 10000                   # never more than this many deliveries
//! time = "60s"                       # the whole run, the wait for reactions included
//!
//! [dip]
//! rate_limit = 400                   # the system's submissions per second (429 above)
//! tolerance  = 0.1                   # how far over it any one-second window may go
//! outage     = { at = "3s", length = "2s" }   # 503 for every submission meanwhile
//! ```

use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::market::Segment;

/// The message families a load can deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `PUB-002 [GainMPANInfo]` to a supplier, which appoints a metering and a data service for
    /// each gain: `IF-031 [MSApp]` and `IF-031 [DSApp]` (CONTRACT.md §6 S4).
    Gain,
}

impl Family {
    /// Every family, by name.
    pub const ALL: &[(&str, Family)] = &[("gain", Family::Gain)];

    pub fn name(self) -> &'static str {
        match self {
            Self::Gain => "gain",
        }
    }

    /// The role of the system a family is delivered to.
    pub fn role(self) -> &'static str {
        match self {
            Self::Gain => "SUP",
        }
    }

    /// The interface, event and sending role of each delivery.
    pub fn delivery(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Gain => ("IF-002", "[GainMPANInfo]", "REGS"),
        }
    }

    /// The submissions each acknowledged delivery calls for, once each.
    pub fn reactions(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Gain => &[("IF-031", "[MSApp]"), ("IF-031", "[DSApp]")],
        }
    }
}

/// How the arrival rate moves during a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageKind {
    /// From one rate to another, linearly.
    Ramp,
    /// At one rate.
    Hold,
    /// At one (higher) rate, for a short time; runs as a hold.
    Spike,
}

impl StageKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Ramp => "ramp",
            Self::Hold => "hold",
            Self::Spike => "spike",
        }
    }
}

/// One stage of the arrival rate, in messages per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stage {
    pub kind: StageKind,
    pub duration: Duration,
    pub from: f64,
    pub to: f64,
}

/// Where the MPANs come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MpanSource {
    /// A file written by `mhhs-qual testdata generate` (CSV or JSON).
    File(PathBuf),
    /// Generated as `mhhs-qual testdata generate --seed SEED` would.
    Seed { seed: u64, segments: Vec<Segment> },
}

/// A statistic of a latency distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Statistic {
    /// A percentile, 0 to 100.
    Percentile(f64),
    Max,
    Mean,
}

/// What a latency objective is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Ack,
    Reaction,
}

/// A count an objective bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Lost,
    Duplicates,
    Errors,
    Rejected,
}

/// A service-level objective, as the profile words it.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectiveSpec {
    /// `p99 ack < 2s`: the statistic must be below (or, with `<=`, at most) the bound.
    Latency {
        text: String,
        statistic: Statistic,
        measure: Measure,
        bound: Duration,
        inclusive: bool,
    },
    /// `lost = 0`, `errors <= 5`.
    Count {
        text: String,
        count: Count,
        bound: u64,
        inclusive: bool,
    },
    /// `pacing error < 1%`.
    Pacing {
        text: String,
        bound_pct: f64,
        inclusive: bool,
    },
    /// `rate limit kept`: the system's submissions stayed within the stub DIP's limit and
    /// tolerance in every one-second window.
    RateLimit { text: String },
}

impl ObjectiveSpec {
    /// The objective as the profile words it (the JUnit testcase's name).
    pub fn text(&self) -> &str {
        match self {
            Self::Latency { text, .. }
            | Self::Count { text, .. }
            | Self::Pacing { text, .. }
            | Self::RateLimit { text } => text,
        }
    }
}

/// A load profile, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    /// The file it was read from.
    pub path: PathBuf,
    pub family: Family,
    pub mpans: MpanSource,
    pub mpan_count: u64,
    pub stages: Vec<Stage>,
    /// How long deliveries are sent for.
    pub duration: Duration,
    pub max_messages: u64,
    /// The whole run, the wait for reactions included.
    pub max_time: Duration,
    pub rate_limit: Option<u32>,
    pub tolerance: f64,
    /// When the stub DIP's outage starts (from the first scheduled send) and how long it lasts.
    pub outage: Option<(Duration, Duration)>,
    pub objectives: Vec<ObjectiveSpec>,
}

/// A profile that cannot be used: the file, the line when there is one, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ProfileError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

/// The highest arrival rate a stage may ask for, messages per second.
pub const MAX_RATE: f64 = 1_000_000.0;
/// The default cap on a run's time, the wait for reactions included, beyond its duration.
const DEFAULT_EXTRA_TIME: Duration = Duration::from_secs(60);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: Option<String>,
    family: Spanned<String>,
    duration: Option<Spanned<String>>,
    mpans: Spanned<RawMpans>,
    #[serde(default)]
    stage: Option<Spanned<Vec<RawStage>>>,
    cap: Option<RawCap>,
    dip: Option<RawDip>,
    objectives: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMpans {
    file: Option<Spanned<String>>,
    seed: Option<u64>,
    segments: Option<Vec<Spanned<String>>>,
    count: Spanned<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    kind: Spanned<String>,
    duration: Spanned<String>,
    rate: Option<Spanned<f64>>,
    from: Option<Spanned<f64>>,
    to: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCap {
    messages: Option<Spanned<i64>>,
    time: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDip {
    rate_limit: Option<Spanned<i64>>,
    tolerance: Option<Spanned<f64>>,
    outage: Option<Spanned<RawOutage>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutage {
    at: Spanned<String>,
    length: Spanned<String>,
}

/// Reads errors against the text, for line numbers.
struct Reader<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Reader<'_> {
    fn error(&self, span: Option<Range<usize>>, message: impl Into<String>) -> ProfileError {
        ProfileError {
            path: self.path.to_path_buf(),
            line: span.map(|s| {
                let start = s.start.min(self.text.len());
                self.text[..start].lines().count()
                    + usize::from(self.text[..start].ends_with('\n') || start == 0)
            }),
            message: message.into(),
        }
    }

    fn duration(&self, s: &Spanned<String>, what: &str) -> Result<Duration, ProfileError> {
        match humantime::parse_duration(s.get_ref()) {
            Ok(d) if d.is_zero() => {
                Err(self.error(Some(s.span()), format!("{what} must be longer than zero")))
            }
            Ok(d) => Ok(d),
            Err(e) => Err(self.error(
                Some(s.span()),
                format!(
                    "{what} {:?} is not a duration such as 500ms, 5s or 2m: {e}",
                    s.get_ref()
                ),
            )),
        }
    }

    fn rate(&self, r: &Spanned<f64>, what: &str) -> Result<f64, ProfileError> {
        let v = *r.get_ref();
        if !v.is_finite() || v < 0.0 {
            return Err(self.error(
                Some(r.span()),
                format!("{what} {v} is not a rate: messages per second are zero or more"),
            ));
        }
        if v > MAX_RATE {
            return Err(self.error(
                Some(r.span()),
                format!("{what} {v} is over the highest rate, {MAX_RATE} messages per second"),
            ));
        }
        Ok(v)
    }
}

impl Profile {
    /// Reads and checks a profile file.
    pub fn load(path: &Path) -> Result<Self, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|e| ProfileError {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read the profile: {e}"),
        })?;
        Self::parse(path, &text)
    }

    /// Checks a profile's text; `path` names it in errors and anchors relative file names.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ProfileError> {
        let r = Reader { path, text };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let mut message = e.message().trim_end().to_owned();
            for key in ["objectives", "name", "family", "duration"] {
                if message.starts_with(&format!("unknown field `{key}`")) {
                    let _ = write!(
                        message,
                        " (`{key}` is a top-level key: write it above the first [table], or TOML reads it as part of that table)"
                    );
                }
            }
            r.error(e.span(), message)
        })?;
        let family = Family::ALL
            .iter()
            .find(|(n, _)| *n == raw.family.get_ref())
            .map(|(_, f)| *f)
            .ok_or_else(|| {
                r.error(
                    Some(raw.family.span()),
                    format!(
                        "unknown message family {:?}; the families are: {}",
                        raw.family.get_ref(),
                        Family::ALL
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;

        let mpans_span = raw.mpans.span();
        let m = raw.mpans.into_inner();
        let count = *m.count.get_ref();
        if count <= 0 {
            return Err(r.error(
                Some(m.count.span()),
                format!("mpans.count {count}: a load needs at least one MPAN"),
            ));
        }
        let mpans = match (m.file, m.seed) {
            (Some(file), None) => {
                let p = PathBuf::from(file.get_ref());
                let p = if p.is_absolute() {
                    p
                } else {
                    path.parent().unwrap_or(Path::new("")).join(p)
                };
                MpanSource::File(p)
            }
            (None, Some(seed)) => {
                let mut segments = Vec::new();
                for s in m.segments.unwrap_or_default() {
                    segments.push(Segment::from_indicator(s.get_ref()).ok_or_else(|| {
                        r.error(
                            Some(s.span()),
                            format!("{:?} is not a market segment (S, A or U)", s.get_ref()),
                        )
                    })?);
                }
                MpanSource::Seed { seed, segments }
            }
            _ => {
                return Err(r.error(
                    Some(mpans_span),
                    "[mpans] names either a `file` written by `mhhs-qual testdata generate` or the `seed` to generate them from, not both and not neither",
                ));
            }
        };

        let Some(raw_stages) = raw.stage else {
            return Err(r.error(
                None,
                "no [[stage]]: a profile gives its arrival rate as stages (ramp, hold, spike)",
            ));
        };
        let stages_span = raw_stages.span();
        let raw_stages = raw_stages.into_inner();
        if raw_stages.is_empty() {
            return Err(r.error(
                Some(stages_span),
                "the stage list is empty: a profile gives its arrival rate as stages (ramp, hold, spike)",
            ));
        }
        let mut stages = Vec::new();
        let mut previous = 0.0;
        for (i, s) in raw_stages.iter().enumerate() {
            let n = i + 1;
            let kind = match s.kind.get_ref().as_str() {
                "ramp" => StageKind::Ramp,
                "hold" => StageKind::Hold,
                "spike" => StageKind::Spike,
                other => {
                    return Err(r.error(
                        Some(s.kind.span()),
                        format!(
                            "stage {n}: unknown kind {other:?}; a stage is a ramp, hold or spike"
                        ),
                    ));
                }
            };
            let duration = r.duration(&s.duration, &format!("stage {n}'s duration"))?;
            let (from, to) = match kind {
                StageKind::Ramp => {
                    if s.rate.is_some() {
                        return Err(r.error(
                            Some(s.kind.span()),
                            format!("stage {n}: a ramp goes `from` one rate `to` another; `rate` is for a hold or a spike"),
                        ));
                    }
                    let from = match &s.from {
                        Some(f) => r.rate(f, &format!("stage {n}'s `from`"))?,
                        None => previous,
                    };
                    let to = s.to.as_ref().ok_or_else(|| {
                        r.error(Some(s.kind.span()), format!("stage {n}: a ramp needs `to`"))
                    })?;
                    (from, r.rate(to, &format!("stage {n}'s `to`"))?)
                }
                StageKind::Hold | StageKind::Spike => {
                    if s.from.is_some() || s.to.is_some() {
                        return Err(r.error(
                            Some(s.kind.span()),
                            format!(
                                "stage {n}: a {} has one `rate`; `from` and `to` are for a ramp",
                                kind.name()
                            ),
                        ));
                    }
                    let rate = s.rate.as_ref().ok_or_else(|| {
                        r.error(
                            Some(s.kind.span()),
                            format!("stage {n}: a {} needs `rate`", kind.name()),
                        )
                    })?;
                    let v = r.rate(rate, &format!("stage {n}'s `rate`"))?;
                    (v, v)
                }
            };
            previous = to;
            stages.push(Stage {
                kind,
                duration,
                from,
                to,
            });
        }
        let duration = match &raw.duration {
            Some(d) => r.duration(d, "duration")?,
            None => stages.iter().map(|s| s.duration).sum(),
        };
        if stages.iter().all(|s| s.from == 0.0 && s.to == 0.0) {
            return Err(r.error(
                Some(stages_span),
                "every stage's rate is zero: the profile would send nothing",
            ));
        }

        let (mut max_messages, mut max_time) = (u64::MAX, duration + DEFAULT_EXTRA_TIME);
        if let Some(cap) = raw.cap {
            if let Some(m) = cap.messages {
                let v = *m.get_ref();
                if v <= 0 {
                    return Err(r.error(
                        Some(m.span()),
                        format!("cap.messages {v}: the cap must be at least one message"),
                    ));
                }
                max_messages = u64::try_from(v).unwrap_or(u64::MAX);
            }
            if let Some(t) = cap.time {
                max_time = r.duration(&t, "cap.time")?;
            }
        }

        let (mut rate_limit, mut tolerance, mut outage) = (None, 0.1, None);
        if let Some(dip) = raw.dip {
            if let Some(l) = dip.rate_limit {
                let v = *l.get_ref();
                rate_limit = Some(u32::try_from(v).ok().filter(|v| *v > 0).ok_or_else(|| {
                    r.error(
                        Some(l.span()),
                        format!("dip.rate_limit {v}: submissions per second, at least 1"),
                    )
                })?);
            }
            if let Some(t) = dip.tolerance {
                let v = *t.get_ref();
                if !(0.0..=10.0).contains(&v) {
                    return Err(r.error(
                        Some(t.span()),
                        format!("dip.tolerance {v}: a fraction of the limit, 0 to 10 (0.1 is 10%)"),
                    ));
                }
                tolerance = v;
            }
            if let Some(o) = dip.outage {
                let o = o.into_inner();
                let at = humantime::parse_duration(o.at.get_ref()).map_err(|e| {
                    r.error(
                        Some(o.at.span()),
                        format!("dip.outage.at {:?} is not a duration: {e}", o.at.get_ref()),
                    )
                })?;
                let length = r.duration(&o.length, "dip.outage.length")?;
                if at >= duration {
                    return Err(r.error(
                        Some(o.at.span()),
                        format!(
                            "dip.outage.at {} is not within the run's duration of {}",
                            humantime::format_duration(at),
                            humantime::format_duration(duration)
                        ),
                    ));
                }
                outage = Some((at, length));
            }
        }

        let mut objectives = Vec::new();
        for o in raw.objectives.unwrap_or_default() {
            let spec = parse_objective(o.get_ref()).map_err(|m| r.error(Some(o.span()), m))?;
            if matches!(spec, ObjectiveSpec::RateLimit { .. }) && rate_limit.is_none() {
                return Err(r.error(Some(o.span()), "`rate limit kept` needs [dip] rate_limit"));
            }
            objectives.push(spec);
        }
        // Nothing lost and nothing twice, and the limit kept when there is one, whatever the
        // profile lists.
        for text in ["lost = 0", "duplicates = 0"] {
            if !objectives.iter().any(|o| {
                matches!(o, ObjectiveSpec::Count { count, .. }
                if Some(*count) == parse_objective(text).ok().and_then(|s| match s {
                    ObjectiveSpec::Count { count, .. } => Some(count),
                    _ => None,
                }))
            }) {
                objectives.push(parse_objective(text).expect("a known objective"));
            }
        }
        if rate_limit.is_some()
            && !objectives
                .iter()
                .any(|o| matches!(o, ObjectiveSpec::RateLimit { .. }))
        {
            objectives.push(ObjectiveSpec::RateLimit {
                text: "rate limit kept".into(),
            });
        }

        Ok(Self {
            name: raw.name.unwrap_or_else(|| {
                path.file_stem()
                    .map_or_else(|| "load".into(), |s| s.to_string_lossy().into_owned())
            }),
            path: path.to_path_buf(),
            family,
            mpans,
            mpan_count: u64::try_from(count).unwrap_or(0),
            stages,
            duration,
            max_messages,
            max_time,
            rate_limit,
            tolerance,
            outage,
            objectives,
        })
    }
}

/// One objective from its wording.
pub fn parse_objective(text: &str) -> Result<ObjectiveSpec, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let owned = words.join(" ");
    let op = |w: &str| match w {
        "<" => Some(false),
        "<=" | "≤" | "=" => Some(true),
        _ => None,
    };
    let unknown = || {
        format!(
            "unknown objective {text:?}; objectives read like `p99 ack < 2s`, `max reaction < 10s`, `lost = 0`, `duplicates = 0`, `errors <= 5`, `rejected = 0`, `pacing error < 1%` or `rate limit kept`"
        )
    };
    match words.as_slice() {
        ["rate", "limit", "kept"] => Ok(ObjectiveSpec::RateLimit { text: owned }),
        ["pacing", "error", o, v] => {
            let inclusive = op(o).filter(|_| *o != "=").ok_or_else(unknown)?;
            let v = v
                .strip_suffix('%')
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| format!("{text:?}: the bound is a percentage such as 1%"))?;
            Ok(ObjectiveSpec::Pacing {
                text: owned,
                bound_pct: v,
                inclusive,
            })
        }
        [stat, measure @ ("ack" | "reaction"), o, v] => {
            let statistic = match *stat {
                "max" => Statistic::Max,
                "mean" => Statistic::Mean,
                p => Statistic::Percentile(
                    p.strip_prefix('p')
                        .and_then(|n| n.parse::<f64>().ok())
                        .filter(|n| (0.0..=100.0).contains(n))
                        .ok_or_else(unknown)?,
                ),
            };
            let inclusive = op(o).filter(|_| *o != "=").ok_or_else(unknown)?;
            let bound = humantime::parse_duration(v)
                .map_err(|e| format!("{text:?}: {v:?} is not a duration such as 2s: {e}"))?;
            Ok(ObjectiveSpec::Latency {
                text: owned,
                statistic,
                measure: if *measure == "ack" {
                    Measure::Ack
                } else {
                    Measure::Reaction
                },
                bound,
                inclusive,
            })
        }
        [what, o, v] => {
            let count = match *what {
                "lost" => Count::Lost,
                "duplicates" => Count::Duplicates,
                "errors" => Count::Errors,
                "rejected" => Count::Rejected,
                _ => return Err(unknown()),
            };
            let inclusive = op(o).ok_or_else(unknown)?;
            let bound = v
                .parse::<u64>()
                .map_err(|_| format!("{text:?}: {v:?} is not a count"))?;
            if !inclusive && bound == 0 {
                return Err(format!("{text:?} can never hold: a count is never below 0"));
            }
            Ok(ObjectiveSpec::Count {
                text: owned,
                count,
                bound,
                inclusive,
            })
        }
        _ => Err(unknown()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"name = "short"
family = "gain"
objectives = ["p99 ack < 2s", "lost = 0"]

[mpans]
seed = 7
count = 100

[[stage]]
kind = "ramp"
duration = "1s"
to = 100

[[stage]]
kind = "hold"
duration = "2s"
rate = 100

[[stage]]
kind = "spike"
duration = "500ms"
rate = 400

[cap]
messages = 1000
time = "30s"

[dip]
rate_limit = 250
outage = { at = "1s", length = "2s" }
"#;

    fn parse(text: &str) -> Result<Profile, ProfileError> {
        Profile::parse(Path::new("/p/profile.toml"), text)
    }

    fn error(text: &str) -> String {
        parse(text).expect_err("the profile is refused").to_string()
    }

    #[test]
    fn a_profile_reads_with_its_stages_caps_limit_and_objectives() {
        let p = parse(GOOD).unwrap();
        assert_eq!(p.name, "short");
        assert_eq!(p.family, Family::Gain);
        assert_eq!(p.mpan_count, 100);
        assert_eq!(p.stages.len(), 3);
        assert_eq!((p.stages[0].from, p.stages[0].to), (0.0, 100.0));
        assert_eq!((p.stages[2].from, p.stages[2].to), (400.0, 400.0));
        assert_eq!(p.duration, Duration::from_millis(3500));
        assert_eq!(p.max_messages, 1000);
        assert_eq!(p.max_time, Duration::from_secs(30));
        assert_eq!(p.rate_limit, Some(250));
        assert_eq!(
            p.outage,
            Some((Duration::from_secs(1), Duration::from_secs(2)))
        );
        let names: Vec<&str> = p.objectives.iter().map(ObjectiveSpec::text).collect();
        assert_eq!(
            names,
            [
                "p99 ack < 2s",
                "lost = 0",
                "duplicates = 0",
                "rate limit kept"
            ]
        );
    }

    #[test]
    fn a_negative_rate_is_refused_at_its_line() {
        let e = error(&GOOD.replace("rate = 100", "rate = -5"));
        assert!(
            e.starts_with("/p/profile.toml:17: stage 2's `rate` -5"),
            "{e}"
        );
        assert!(e.contains("zero or more"), "{e}");
    }

    #[test]
    fn a_zero_duration_is_refused() {
        let e = error(&GOOD.replace("duration = \"2s\"", "duration = \"0s\""));
        assert!(
            e.contains(":16: stage 2's duration must be longer than zero"),
            "{e}"
        );
        let e = error(&GOOD.replace("family = \"gain\"", "family = \"gain\"\nduration = \"0ms\""));
        assert!(e.contains(":3: duration must be longer than zero"), "{e}");
    }

    #[test]
    fn an_empty_or_missing_stage_list_is_refused() {
        let head = GOOD.split("[[stage]]").next().unwrap();
        let e = error(head);
        assert!(e.contains("no [[stage]]"), "{e}");
        let e = error(&format!("stage = []\n{head}"));
        assert!(e.contains(":1: the stage list is empty"), "{e}");
    }

    #[test]
    fn an_unknown_family_is_refused_with_the_known_ones() {
        let e = error(&GOOD.replace("family = \"gain\"", "family = \"gains\""));
        assert!(
            e.contains(":2: unknown message family \"gains\"; the families are: gain"),
            "{e}"
        );
    }

    #[test]
    fn objectives_read_and_unknown_ones_are_refused() {
        assert!(matches!(
            parse_objective("p99.9 reaction <= 5s"),
            Ok(ObjectiveSpec::Latency { statistic: Statistic::Percentile(p), measure: Measure::Reaction, inclusive: true, .. }) if (p - 99.9).abs() < 1e-9
        ));
        assert!(matches!(
            parse_objective("pacing error < 1%"),
            Ok(ObjectiveSpec::Pacing { bound_pct, .. }) if (bound_pct - 1.0).abs() < 1e-9
        ));
        assert!(parse_objective("lost < 0").is_err());
        assert!(parse_objective("p99 ack = 2s").is_err());
        let e = error(&GOOD.replace("\"lost = 0\"", "\"fast enough\""));
        assert!(e.contains("unknown objective \"fast enough\""), "{e}");
    }

    #[test]
    fn other_mistakes_are_named() {
        for (from, to, says) in [
            ("count = 100", "count = 0", "at least one MPAN"),
            ("seed = 7", "file = \"t.csv\"\nseed = 7", "not both"),
            (
                "kind = \"hold\"",
                "kind = \"plateau\"",
                "unknown kind \"plateau\"",
            ),
            ("rate_limit = 250", "rate_limit = 0", "at least 1"),
            (
                "at = \"1s\"",
                "at = \"9s\"",
                "not within the run's duration",
            ),
            ("messages = 1000", "messages = -1", "at least one message"),
            ("[cap]", "[cap]\nspeed = 3", "unknown field `speed`"),
            (
                "[dip]",
                "[dip]\nobjectives = []",
                "`objectives` is a top-level key",
            ),
        ] {
            let e = error(&GOOD.replacen(from, to, 1));
            assert!(e.contains(says), "{from} -> {to}: {e}");
        }
    }
}
