//! The consumption of one MPAN and measurement quantity as IF-021 `[ActivePower]` /
//! `[ReactivePower]` (B900) and IF-064 `[MDRConsumption]` (B045 and B941List) carry it.
//!
//! A settlement day is a UTC day (DC `DI-101` "UTC Date", RC `ECS1014`) of exactly 48
//! half-hour periods, whatever the clocks do: there are no 46- or 50-period days in IF-021. A
//! period is named by its END (`sp`, DC `DI-082` "The UTC end date and time of the settlement
//! period"): the first period of day D ends at D 00:30 UTC and the last at D+1 00:00 UTC
//! (CONTRACT-ROLES.md §6.3 D5, C5-C9; §9 item 2).
//!
//! Reading is strict (every member of the right type, `sp` a DT-003 date-time, `v` a DT-016
//! decimal) and bounded (at most [`MAX_DAYS`] days of at most [`MAX_PERIODS`] periods); an
//! error names the JSON pointer into the payload. The settlement rules themselves, which must
//! judge what cannot be read as well, are in [`super::settlement`].

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use serde_json::{Value, json};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::schema::rules::parse_dt003;

/// Periods in a complete IF-021 settlement day.
pub const PERIODS_PER_DAY: usize = 48;
/// Minutes in one settlement period (DC `DI-081`).
pub const PERIOD_MINUTES: i64 = 30;
/// Settlement days read from one message at most (B900's and B941List's `maxItems`).
pub const MAX_DAYS: usize = 200;
/// Periods read from one settlement day at most: more than the 48 of a complete day, so that a
/// 50-period day built on local time is still read and can be shown for what it is.
pub const MAX_PERIODS: usize = 100;

/// One settlement period: B047 (IF-021) or B084 (IF-064, without `e` and `arc`).
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// The END of the period (DI-082).
    pub sp: OffsetDateTime,
    /// `sp` as written.
    pub sp_text: String,
    /// The consumption as written (DT-016, `"0.182"`).
    pub v: String,
    /// `v` as a number of kWh.
    pub value: f64,
    /// Quality (DI-083): `A` actual, `E0`... estimated, `ZE`... zero.
    pub q: String,
    /// Estimation reason (DI-076), `None` for null.
    pub e: Option<String>,
    /// Supplier consumption amendment reason (DI-166), `None` for null.
    pub arc: Option<String>,
}

/// One settlement day: B901 (IF-021) or B941 (IF-064).
#[derive(Debug, Clone, PartialEq)]
pub struct SettlementDay {
    /// The UTC date of the `settlementDayDate` instant. A local midnight in summer,
    /// `2026-07-01T00:00:00+01:00`, is 2026-06-30 23:00 UTC, so its date is 2026-06-30.
    pub date: Date,
    /// `settlementDayDate` as written.
    pub written: String,
    /// `periodDuration` in minutes (30).
    pub duration: i64,
    pub periods: Vec<Period>,
}

/// The consumption of one message: its measurement quantity and settlement days.
#[derive(Debug, Clone, PartialEq)]
pub struct Consumption {
    /// `AI`, `AE`, `RI` or `RE` (DI-052).
    pub mqid: String,
    pub days: Vec<SettlementDay>,
}

/// Why a payload could not be read as consumption.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct ModelError {
    /// JSON pointer into the payload.
    pub pointer: String,
    pub message: String,
}

fn error(pointer: &str, message: impl Into<String>) -> ModelError {
    ModelError {
        pointer: pointer.to_owned(),
        message: message.into(),
    }
}

/// What a JSON value is, for error messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Member `key` of the object at `pointer`.
fn member<'a>(v: &'a Value, pointer: &str, key: &str) -> Result<&'a Value, ModelError> {
    match v {
        Value::Object(map) => map
            .get(key)
            .ok_or_else(|| error(pointer, format!("{key} is missing"))),
        other => Err(error(
            pointer,
            format!("is {}, not an object holding {key}", kind(other)),
        )),
    }
}

fn string<'a>(v: &'a Value, pointer: &str, key: &str) -> Result<&'a str, ModelError> {
    match member(v, pointer, key)? {
        Value::String(s) => Ok(s),
        other => Err(error(
            &format!("{pointer}/{key}"),
            format!("is {}, not a string", kind(other)),
        )),
    }
}

fn nullable(v: &Value, pointer: &str, key: &str) -> Result<Option<String>, ModelError> {
    match member(v, pointer, key)? {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        other => Err(error(
            &format!("{pointer}/{key}"),
            format!("is {}, not a string or null", kind(other)),
        )),
    }
}

/// The array at `pointer/key`, which must hold 1 to `max` items.
fn list<'a>(
    v: &'a Value,
    pointer: &str,
    key: &str,
    what: &str,
    max: usize,
) -> Result<&'a [Value], ModelError> {
    let at = format!("{pointer}/{key}");
    match member(v, pointer, key)? {
        Value::Array(items) if items.is_empty() => Err(error(&at, format!("holds no {what}"))),
        Value::Array(items) if items.len() > max => Err(error(
            &at,
            format!(
                "holds {} {what}, more than the {max} read from one message",
                items.len()
            ),
        )),
        Value::Array(items) => Ok(items),
        other => Err(error(&at, format!("is {}, not an array", kind(other)))),
    }
}

/// A DT-016 decimal (`^-?\d{1,9}\.\d{3}$`) in thousandths: `"0.182"` is 182.
pub fn parse_thousandths(s: &str) -> Option<i64> {
    let (negative, digits) = match s.as_bytes().split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s.as_bytes()),
    };
    let n = digits.len();
    // 1 to 9 digits, a point, 3 digits.
    if !(5..=13).contains(&n) || digits[n - 4] != b'.' {
        return None;
    }
    let mut value = 0_i64;
    for (i, &c) in digits.iter().enumerate() {
        if i == n - 4 {
            continue;
        }
        if !c.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(c - b'0');
    }
    Some(if negative { -value } else { value })
}

/// Thousandths written as DT-016: 182 is `"0.182"`.
pub fn dt016(thousandths: i64) -> String {
    let sign = if thousandths < 0 { "-" } else { "" };
    let n = thousandths.unsigned_abs();
    format!("{sign}{}.{:03}", n / 1000, n % 1000)
}

/// 00:00:00 UTC of `date`.
pub fn midnight(date: Date) -> OffsetDateTime {
    PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc()
}

/// The `sp` of period `k` (1..=48) of the UTC day `date`: the END of the period, `date` +
/// 30·k minutes.
pub fn sp_of(date: Date, k: usize) -> OffsetDateTime {
    midnight(date).saturating_add(Duration::minutes(
        PERIOD_MINUTES * i64::try_from(k).unwrap_or(0),
    ))
}

/// An instant written as DT-003 in UTC: `2026-04-19T00:30:00+00:00` (as `time` writes it when
/// its UTC date is beyond the year 9999).
pub fn utc_text(t: OffsetDateTime) -> String {
    let Some(t) = t.checked_to_offset(UtcOffset::UTC) else {
        return t.to_string();
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The settlement days listed under `key` of `container` (at `at`), each with its periods
/// under `periods`; `full` periods carry `e` and `arc` (IF-021), others not (IF-064).
fn read_days(
    container: &Value,
    at: &str,
    key: &str,
    periods: &str,
    full: bool,
) -> Result<Vec<SettlementDay>, ModelError> {
    list(container, at, key, "settlement days", MAX_DAYS)?
        .iter()
        .enumerate()
        .map(|(i, d)| read_day(d, &format!("{at}/{key}/{i}"), periods, full))
        .collect()
}

fn read_day(
    day: &Value,
    at: &str,
    periods_key: &str,
    with_e: bool,
) -> Result<SettlementDay, ModelError> {
    let sd_at = format!("{at}/settlementDay");
    let sd = member(day, at, "settlementDay")?;
    let written = string(sd, &sd_at, "settlementDayDate")?;
    let start = parse_dt003(written).ok_or_else(|| {
        error(
            &format!("{sd_at}/settlementDayDate"),
            format!("{written:?} is not a DT-003 date-time YYYY-MM-DDThh:mm:ss+hh:mm"),
        )
    })?;
    let duration = match member(sd, &sd_at, "periodDuration")? {
        Value::Number(n) if n.as_i64().is_some() => n.as_i64().unwrap_or_default(),
        other => {
            return Err(error(
                &format!("{sd_at}/periodDuration"),
                format!("is {other}, not a whole number of minutes"),
            ));
        }
    };
    let items = list(day, at, periods_key, "periods", MAX_PERIODS)?;
    let mut periods = Vec::with_capacity(items.len());
    for (j, p) in items.iter().enumerate() {
        let pat = format!("{at}/{periods_key}/{j}");
        let sp_text = string(p, &pat, "sp")?;
        let sp = parse_dt003(sp_text).ok_or_else(|| {
            error(
                &format!("{pat}/sp"),
                format!("{sp_text:?} is not a DT-003 date-time YYYY-MM-DDThh:mm:ss+hh:mm"),
            )
        })?;
        let v = string(p, &pat, "v")?;
        let thousandths = parse_thousandths(v).ok_or_else(|| {
            error(
                &format!("{pat}/v"),
                format!("{v:?} is not a DT-016 decimal: digits, a point and three decimals"),
            )
        })?;
        let (e, arc) = if with_e {
            (nullable(p, &pat, "e")?, nullable(p, &pat, "arc")?)
        } else {
            (None, None)
        };
        #[expect(
            clippy::cast_precision_loss,
            reason = "DT-016 has at most 12 digits, well inside an f64's 15"
        )]
        let value = thousandths as f64 / 1000.0;
        periods.push(Period {
            sp,
            sp_text: sp_text.to_owned(),
            v: v.to_owned(),
            value,
            q: string(p, &pat, "q")?.to_owned(),
            e,
            arc,
        });
    }
    let utc = start.checked_to_offset(UtcOffset::UTC).ok_or_else(|| {
        error(
            &format!("{sd_at}/settlementDayDate"),
            format!("{written:?} lies outside the years 0000-9999 in UTC"),
        )
    })?;
    Ok(SettlementDay {
        date: utc.date(),
        written: written.to_owned(),
        duration,
        periods,
    })
}

impl Consumption {
    /// Reads an IF-021 payload (`{CommonBlock, CustomBlock}`): `B900.MQID` and its
    /// `settlementDayConsumptionPeriods`.
    pub fn from_if021(payload: &Value) -> Result<Self, ModelError> {
        let custom = member(payload, "", "CustomBlock")?;
        let b900 = member(custom, "/CustomBlock", "B900")?;
        let at = "/CustomBlock/B900";
        let mqid = string(
            member(b900, at, "MQID")?,
            "/CustomBlock/B900/MQID",
            "measurementQuantityID",
        )?;
        let days = read_days(
            b900,
            at,
            "settlementDayConsumptionPeriods",
            "consumptionPeriods",
            true,
        )?;
        Ok(Self {
            mqid: mqid.to_owned(),
            days,
        })
    }

    /// Reads an IF-064 payload: `B045` (MQID) and `B941List`. Its periods have no `e` and no
    /// `arc`.
    pub fn from_if064(payload: &Value) -> Result<Self, ModelError> {
        let custom = member(payload, "", "CustomBlock")?;
        let mqid = string(
            member(custom, "/CustomBlock", "B045")?,
            "/CustomBlock/B045",
            "measurementQuantityID",
        )?;
        let days = read_days(
            custom,
            "/CustomBlock",
            "B941List",
            "MDRConsumptionPeriods",
            false,
        )?;
        Ok(Self {
            mqid: mqid.to_owned(),
            days,
        })
    }
}

/// A 64-bit mix of `x` (splitmix64's finaliser): the noise of [`SettlementDay::actuals`].
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A household's half-hourly consumption in thousandths of a kWh for period `k` (1..=48, the
/// period ending at 30·k minutes past midnight UTC): a night base, a morning and a larger
/// evening peak, the level and ±10 % noise drawn from `seed`.
fn household(k: usize, seed: u64) -> i64 {
    #[expect(clippy::cast_precision_loss, reason = "k <= 48")]
    let hour = k as f64 / 2.0 - 0.25;
    let peak = |centre: f64, width: f64, height: f64| {
        let x = (hour - centre) / width;
        height / (1.0 + x * x)
    };
    let level = 0.8 + f64::from(u32::try_from(mix(seed) % 401).unwrap_or(0)) / 1000.0;
    let noise = 0.9
        + f64::from(
            u32::try_from(mix(seed ^ (k as u64).wrapping_mul(0x100_0000_01B3)) % 201).unwrap_or(0),
        ) / 1000.0;
    let kwh = (0.14 + peak(7.5, 1.2, 0.28) + peak(18.5, 2.0, 0.55)) * level * noise;
    #[expect(
        clippy::cast_possible_truncation,
        reason = "at most a few thousand thousandths"
    )]
    let thousandths = (kwh * 1000.0).round() as i64;
    thousandths.max(1)
}

impl SettlementDay {
    /// The 48 actual (`q` `A`) periods of the UTC day `date`, with deterministic values drawn
    /// from `seed` (kWh, three decimals, a household's daily shape), leaving out the periods at
    /// the 1-based indexes in `gaps` (an MDR's gaps; indexes outside 1..=48 are ignored).
    pub fn actuals(date: Date, gaps: &[usize], seed: u64) -> Self {
        let periods = (1..=PERIODS_PER_DAY)
            .filter(|k| !gaps.contains(k))
            .map(|k| {
                let sp = sp_of(date, k);
                let thousandths = household(k, seed);
                #[expect(clippy::cast_precision_loss, reason = "a few thousand")]
                let value = thousandths as f64 / 1000.0;
                Period {
                    sp,
                    sp_text: utc_text(sp),
                    v: dt016(thousandths),
                    value,
                    q: "A".into(),
                    e: None,
                    arc: None,
                }
            })
            .collect();
        Self {
            date,
            written: utc_text(midnight(date)),
            duration: PERIOD_MINUTES,
            periods,
        }
    }

    fn settlement_day(&self) -> Value {
        json!({"settlementDayDate": self.written, "periodDuration": self.duration})
    }

    /// The day as an IF-064 B941: `{settlementDay, MDRConsumptionPeriods: [{sp, v, q}]}`.
    pub fn to_b941(&self) -> Value {
        let periods: Vec<Value> = self
            .periods
            .iter()
            .map(|p| json!({"sp": p.sp_text, "v": p.v, "q": p.q}))
            .collect();
        json!({"settlementDay": self.settlement_day(), "MDRConsumptionPeriods": periods})
    }

    /// The day as an IF-021 B901: `{settlementDay, consumptionPeriods: [{sp, v, q, e, arc}]}`.
    pub fn to_b901(&self) -> Value {
        let periods: Vec<Value> = self
            .periods
            .iter()
            .map(|p| json!({"sp": p.sp_text, "v": p.v, "q": p.q, "e": p.e, "arc": p.arc}))
            .collect();
        json!({"settlementDay": self.settlement_day(), "consumptionPeriods": periods})
    }
}

/// One side of a compared period.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Side {
    v: String,
    q: String,
    e: Option<String>,
}

impl Side {
    fn of(p: &Period) -> Self {
        Self {
            v: p.v.clone(),
            q: p.q.clone(),
            e: p.e.clone(),
        }
    }
}

/// One row of a [`Mismatch`] table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    sp: String,
    expected: Option<Side>,
    arrived: Option<Side>,
    /// Why the row is shown, when the columns alone do not say it.
    why: Option<&'static str>,
}

/// Rows shown at most in each table of a [`Mismatch`].
const SHOWN: usize = 5;

/// How a settlement day that arrived differs from the one expected: the first differing
/// periods side by side, and how many differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The expected day.
    pub day: Date,
    /// The arrived day, when it is another.
    pub arrived_day: Option<Date>,
    /// Periods that differ (missing and extra ones included).
    pub differing: usize,
    rows: Vec<Row>,
    /// What differs, and in how many periods: `the value v`, `the quality q`, `the
    /// estimation reason e`, `missing`, `not expected`.
    pub kinds: BTreeMap<&'static str, usize>,
    /// Gaps of the expected day that arrived without an estimate ([`compare_actuals`]).
    pub gaps: usize,
    gap_rows: Vec<Row>,
}

impl Mismatch {
    fn new(expected: &SettlementDay, arrived: &SettlementDay) -> Self {
        Self {
            day: expected.date,
            arrived_day: (arrived.date != expected.date).then_some(arrived.date),
            differing: 0,
            rows: Vec::new(),
            kinds: BTreeMap::new(),
            gaps: 0,
            gap_rows: Vec::new(),
        }
    }

    fn count(&mut self, kind: &'static str) {
        *self.kinds.entry(kind).or_default() += 1;
    }

    fn differ(&mut self, row: Row) {
        self.differing += 1;
        if self.rows.len() < SHOWN {
            self.rows.push(row);
        }
    }

    fn gap(&mut self, row: Row) {
        self.gaps += 1;
        if self.gap_rows.len() < SHOWN {
            self.gap_rows.push(row);
        }
    }

    fn is_empty(&self) -> bool {
        self.differing == 0 && self.gaps == 0
    }
}

fn cells(side: Option<&Side>) -> String {
    match side {
        Some(s) => format!(
            "{:<12} {:<4} {:<4}",
            s.v,
            s.q,
            s.e.as_deref().unwrap_or("null")
        ),
        None => format!("{:<12} {:<4} {:<4}", "-", "-", "-"),
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "settlement day {}", self.day)?;
        if let Some(other) = self.arrived_day {
            write!(f, " (arrived as settlement day {other})")?;
        }
        let mut parts = Vec::new();
        if self.differing > 0 {
            let kinds: Vec<String> = self
                .kinds
                .iter()
                .map(|(k, n)| format!("{k} in {n}"))
                .collect();
            parts.push(format!(
                "{} period{} differ{}{}",
                self.differing,
                if self.differing == 1 { "" } else { "s" },
                if self.differing == 1 { "s" } else { "" },
                if kinds.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", kinds.join(", "))
                }
            ));
        }
        if self.gaps > 0 {
            parts.push(format!(
                "{} gap{} not estimated",
                self.gaps,
                if self.gaps == 1 { "" } else { "s" }
            ));
        }
        write!(f, ": {}", parts.join(", "))?;
        let width = 25;
        if !self.rows.is_empty() {
            let shown = if self.differing > self.rows.len() {
                format!(" (the first {} shown)", self.rows.len())
            } else {
                String::new()
            };
            write!(
                f,
                "{shown}\n{:<width$} | expected {:<12} {:<4} {:<4} | arrived {:<12} {:<4} {:<4}",
                "sp", "v", "q", "e", "v", "q", "e"
            )?;
            for r in &self.rows {
                write!(
                    f,
                    "\n{:<width$} |          {} |         {}",
                    r.sp,
                    cells(r.expected.as_ref()),
                    cells(r.arrived.as_ref())
                )?;
                if let Some(why) = r.why {
                    write!(f, "  {why}")?;
                }
            }
        }
        if !self.gap_rows.is_empty() {
            write!(
                f,
                "\ngaps the expected day leaves, which must arrive with q not A and e not null (D6):\n{:<width$} | arrived {:<12} {:<4} {:<4}",
                "sp", "v", "q", "e"
            )?;
            for r in &self.gap_rows {
                write!(
                    f,
                    "\n{:<width$} |         {}  {}",
                    r.sp,
                    cells(r.arrived.as_ref()),
                    r.why.unwrap_or_default()
                )?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Mismatch {}

/// Periods by `sp` instant, the first of any duplicates; the later duplicates apart.
fn by_sp(day: &SettlementDay) -> (BTreeMap<OffsetDateTime, &Period>, Vec<&Period>) {
    let mut map = BTreeMap::new();
    let mut duplicates = Vec::new();
    for p in &day.periods {
        if let std::collections::btree_map::Entry::Vacant(e) = map.entry(p.sp) {
            e.insert(p);
        } else {
            duplicates.push(p);
        }
    }
    (map, duplicates)
}

/// The same consumption, to the thousandth (`"00.150"` is `"0.150"`).
fn same_v(a: &str, b: &str) -> bool {
    match (parse_thousandths(a), parse_thousandths(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Compares two settlement days period by period, matching periods by `sp` (the instant, not
/// the position or the spelling): `v`, `q` and `e` must agree, and neither day may have a
/// period the other lacks. `arc` is not compared.
pub fn compare(expected: &SettlementDay, arrived: &SettlementDay) -> Result<(), Mismatch> {
    let mut m = Mismatch::new(expected, arrived);
    let (want, _) = by_sp(expected);
    let (got, extra) = by_sp(arrived);
    let sps: std::collections::BTreeSet<OffsetDateTime> =
        want.keys().chain(got.keys()).copied().collect();
    for sp in sps {
        let (w, g) = (want.get(&sp), got.get(&sp));
        let differs = match (w, g) {
            (Some(w), Some(g)) => {
                if !same_v(&w.v, &g.v) {
                    m.count("the value v");
                }
                if w.q != g.q {
                    m.count("the quality q");
                }
                if w.e != g.e {
                    m.count("the estimation reason e");
                }
                !same_v(&w.v, &g.v) || w.q != g.q || w.e != g.e
            }
            (Some(_), None) => {
                m.count("missing");
                true
            }
            (None, _) => {
                m.count("not expected");
                true
            }
        };
        if differs {
            m.differ(Row {
                sp: utc_text(sp),
                expected: w.map(|p| Side::of(p)),
                arrived: g.map(|p| Side::of(p)),
                why: None,
            });
        }
    }
    for p in extra {
        m.differ(Row {
            sp: p.sp_text.clone(),
            expected: None,
            arrived: Some(Side::of(p)),
            why: Some("sp given twice"),
        });
    }
    if m.is_empty() { Ok(()) } else { Err(m) }
}

/// Compares what an SDS made of an MDR's day (D6): for every period `expected` has with `q`
/// `A`, `arrived` has the same `sp` with the same `v`, `q` `A` and `e` null; every period of
/// the UTC day that `expected` lacks (a gap) arrived all the same, with `q` not `A` and `e` not
/// null. Other periods are not judged. Ok carries the warnings: gaps whose `e` is neither `2`
/// (Missing) nor `4` (CommsFault).
pub fn compare_actuals(
    expected: &SettlementDay,
    arrived: &SettlementDay,
) -> Result<Vec<String>, Mismatch> {
    let mut m = Mismatch::new(expected, arrived);
    let (want, _) = by_sp(expected);
    let (got, _) = by_sp(arrived);
    for (sp, w) in &want {
        if w.q != "A" {
            continue;
        }
        let g = got.get(sp);
        let why = match g {
            None => Some("missing"),
            Some(g) if !same_v(&w.v, &g.v) => Some("value changed"),
            Some(g) if g.q != "A" => Some("requalified"),
            Some(g) if g.e.is_some() => Some("e not null"),
            Some(_) => None,
        };
        if let Some(why) = why {
            m.differ(Row {
                sp: utc_text(*sp),
                expected: Some(Side::of(w)),
                arrived: g.map(|p| Side::of(p)),
                why: Some(why),
            });
        }
    }
    let mut warnings = Vec::new();
    for k in 1..=PERIODS_PER_DAY {
        let sp = sp_of(expected.date, k);
        if want.contains_key(&sp) {
            continue;
        }
        let g = got.get(&sp);
        let why = match g {
            None => Some("missing: a complete day has 48 periods (C9)"),
            Some(g) if g.q == "A" => Some("q A for a period the MDR did not give"),
            Some(g) if g.e.is_none() => Some("e null: an estimate needs its reason"),
            Some(g) => {
                if !matches!(g.e.as_deref(), Some("2" | "4")) {
                    let mut w = String::new();
                    let _ = write!(
                        w,
                        "settlement day {}, sp {}: a gap estimated with e {} rather than 2 (Missing) or 4 (CommsFault)",
                        expected.date,
                        utc_text(sp),
                        g.e.as_deref().unwrap_or_default()
                    );
                    warnings.push(w);
                }
                None
            }
        };
        if let Some(why) = why {
            m.gap(Row {
                sp: utc_text(sp),
                expected: None,
                arrived: g.map(|p| Side::of(p)),
                why: Some(why),
            });
        }
    }
    if m.is_empty() { Ok(warnings) } else { Err(m) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn if064(days: &[Value]) -> Value {
        json!({"CommonBlock": {}, "CustomBlock": {
            "B045": {"measurementQuantityID": "AI"}, "B941List": days}})
    }

    fn if021(days: &[Value]) -> Value {
        json!({"CommonBlock": {}, "CustomBlock": {"B900": {
            "MQID": {"measurementQuantityID": "AI"}, "settlementDayConsumptionPeriods": days}}})
    }

    #[test]
    fn actuals_are_48_period_ends_of_a_utc_day_with_gaps_left_out() {
        let d = SettlementDay::actuals(date!(2026 - 03 - 29), &[], 7);
        assert_eq!(d.periods.len(), 48);
        assert_eq!(d.written, "2026-03-29T00:00:00+00:00");
        assert_eq!(d.periods[0].sp_text, "2026-03-29T00:30:00+00:00");
        assert_eq!(d.periods[47].sp_text, "2026-03-30T00:00:00+00:00");
        assert!(d.periods.iter().all(|p| p.q == "A" && p.e.is_none()));
        assert!(d.periods.iter().all(|p| p.v.len() == 5 && p.value > 0.0));
        // Deterministic, and the seed matters.
        assert_eq!(d, SettlementDay::actuals(date!(2026 - 03 - 29), &[], 7));
        assert_ne!(d, SettlementDay::actuals(date!(2026 - 03 - 29), &[], 8));
        // A daily shape: the evening is above the night.
        assert!(d.periods[37].value > 2.0 * d.periods[5].value, "{d:?}");
        let gappy = SettlementDay::actuals(date!(2026 - 03 - 29), &[1, 48, 99], 7);
        assert_eq!(gappy.periods.len(), 46);
        assert_eq!(gappy.periods[0].sp_text, "2026-03-29T01:00:00+00:00");
        assert_eq!(gappy.periods[0].v, d.periods[1].v);
    }

    #[test]
    fn a_day_reads_back_from_b901_and_b941() {
        let d = SettlementDay::actuals(date!(2026 - 10 - 25), &[3], 1);
        let back = Consumption::from_if021(&if021(&[d.to_b901()])).expect("reads");
        assert_eq!(back.mqid, "AI");
        assert_eq!(back.days, vec![d.clone()]);
        let back = Consumption::from_if064(&if064(&[d.to_b941()])).expect("reads");
        assert_eq!(back.days, vec![d]);
    }

    #[test]
    fn the_valid_examples_read() {
        for (file, from) in [
            (
                "IF-021-ActivePower.json",
                Consumption::from_if021 as fn(&Value) -> Result<Consumption, ModelError>,
            ),
            ("IF-064-MDRConsumption.json", Consumption::from_if064),
        ] {
            let text = crate::embedded::file(&format!("schemas/examples/valid/{file}"))
                .expect("example shipped");
            let body: Value = serde_json::from_str(text).expect("json");
            let c = from(&body[0]["payload"]).expect(file);
            assert_eq!(c.days.len(), 1, "{file}");
            assert_eq!(c.days[0].periods.len(), 48, "{file}");
            assert_eq!(c.days[0].date, date!(2026 - 04 - 19), "{file}");
        }
    }

    #[test]
    fn a_local_midnight_is_the_previous_utc_date() {
        let mut day = SettlementDay::actuals(date!(2026 - 07 - 01), &[], 1).to_b901();
        day["settlementDay"]["settlementDayDate"] = json!("2026-07-01T00:00:00+01:00");
        let c = Consumption::from_if021(&if021(&[day])).expect("reads");
        assert_eq!(c.days[0].date, date!(2026 - 06 - 30));
        assert_eq!(c.days[0].written, "2026-07-01T00:00:00+01:00");
    }

    #[test]
    fn errors_name_the_pointer() {
        let day = SettlementDay::actuals(date!(2026 - 04 - 19), &[], 1).to_b901();
        let cases: Vec<(Value, &str, &str)> = vec![
            (json!(null), "", "not an object"),
            (json!({"CustomBlock": []}), "/CustomBlock", "not an object"),
            (
                if021(&[]),
                "/CustomBlock/B900/settlementDayConsumptionPeriods",
                "holds no settlement days",
            ),
            (
                {
                    let mut p = if021(std::slice::from_ref(&day));
                    p["CustomBlock"]["B900"]["settlementDayConsumptionPeriods"][0]["consumptionPeriods"]
                        [4]["v"] = json!("1,5");
                    p
                },
                "/CustomBlock/B900/settlementDayConsumptionPeriods/0/consumptionPeriods/4/v",
                "not a DT-016 decimal",
            ),
            (
                {
                    let mut p = if021(std::slice::from_ref(&day));
                    p["CustomBlock"]["B900"]["settlementDayConsumptionPeriods"][0]["settlementDay"]
                        ["settlementDayDate"] = json!("19/04/2026");
                    p
                },
                "/CustomBlock/B900/settlementDayConsumptionPeriods/0/settlementDay/settlementDayDate",
                "not a DT-003 date-time",
            ),
            (
                {
                    let mut p = if021(std::slice::from_ref(&day));
                    p["CustomBlock"]["B900"]["settlementDayConsumptionPeriods"][0]["consumptionPeriods"]
                        [0]["e"] = json!(7);
                    p
                },
                "/CustomBlock/B900/settlementDayConsumptionPeriods/0/consumptionPeriods/0/e",
                "not a string or null",
            ),
            (
                {
                    let mut p = if021(std::slice::from_ref(&day));
                    p["CustomBlock"]["B900"]["settlementDayConsumptionPeriods"][0]["settlementDay"]
                        ["periodDuration"] = json!("30");
                    p
                },
                "/CustomBlock/B900/settlementDayConsumptionPeriods/0/settlementDay/periodDuration",
                "not a whole number",
            ),
        ];
        for (payload, pointer, says) in cases {
            let e = Consumption::from_if021(&payload).expect_err(pointer);
            assert_eq!(e.pointer, pointer, "{e}");
            assert!(e.message.contains(says), "{e}");
        }
    }

    #[test]
    fn a_date_beyond_the_years_in_utc_is_an_error() {
        let mut day = SettlementDay::actuals(date!(2026 - 04 - 19), &[], 1).to_b901();
        day["settlementDay"]["settlementDayDate"] = json!("9999-12-31T23:00:00-23:00");
        let e = Consumption::from_if021(&if021(&[day])).expect_err("out of range");
        assert!(e.message.contains("outside the years"), "{e}");
        let t = parse_dt003("9999-12-31T23:00:00-23:00").expect("a DT-003 date-time");
        assert_eq!(utc_text(t), t.to_string());
        assert_eq!(
            sp_of(Date::MAX, 48),
            midnight(Date::MAX).saturating_add(Duration::DAY)
        );
    }

    #[test]
    fn from_if064_refuses_an_empty_period_list() {
        let mut day = SettlementDay::actuals(date!(2026 - 04 - 19), &[], 1).to_b941();
        day["MDRConsumptionPeriods"] = json!([]);
        let e = Consumption::from_if064(&if064(&[day])).expect_err("empty");
        assert_eq!(e.pointer, "/CustomBlock/B941List/0/MDRConsumptionPeriods");
        assert!(e.message.contains("holds no periods"), "{e}");
        let e = Consumption::from_if064(&if064(&[])).expect_err("no days");
        assert_eq!(e.pointer, "/CustomBlock/B941List");
    }

    #[test]
    fn reading_is_bounded() {
        let day = SettlementDay::actuals(date!(2026 - 04 - 19), &[], 1).to_b901();
        let days = vec![day; MAX_DAYS + 1];
        let e = Consumption::from_if021(&if021(&days)).expect_err("too many");
        assert_eq!(
            e.pointer,
            "/CustomBlock/B900/settlementDayConsumptionPeriods"
        );
        assert!(e.message.contains("201 settlement days"), "{e}");
    }

    #[test]
    fn thousandths_follow_dt016() {
        assert_eq!(parse_thousandths("0.182"), Some(182));
        assert_eq!(parse_thousandths("-12.005"), Some(-12_005));
        assert_eq!(parse_thousandths("123456789.999"), Some(123_456_789_999));
        for bad in [
            "",
            ".123",
            "1.23",
            "1.2345",
            "1,234",
            "+1.000",
            "1234567890.000",
            "1e3",
        ] {
            assert_eq!(parse_thousandths(bad), None, "{bad}");
        }
        assert_eq!(dt016(-5), "-0.005");
        assert_eq!(dt016(1500), "1.500");
    }

    fn day_with(date: Date, edit: impl Fn(&mut Vec<Period>)) -> SettlementDay {
        let mut d = SettlementDay::actuals(date, &[], 3);
        edit(&mut d.periods);
        d
    }

    #[test]
    fn compare_shows_a_changed_value_and_a_requalified_period_side_by_side() {
        let expected = SettlementDay::actuals(date!(2026 - 04 - 19), &[], 3);
        assert_eq!(compare(&expected, &expected.clone()), Ok(()));
        let arrived = day_with(date!(2026 - 04 - 19), |p| {
            p[9].v = "9.999".into();
            p[20].q = "E1".into();
            p[20].e = Some("2".into());
            p.remove(30);
        });
        let m = compare(&expected, &arrived).expect_err("differs");
        assert_eq!(m.differing, 3);
        let text = m.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "settlement day 2026-04-19: 3 periods differ (missing in 1, the estimation reason e in 1, the quality q in 1, the value v in 1)",
            "{text}"
        );
        assert!(lines[1].starts_with("sp "), "{text}");
        assert!(lines[1].contains("| expected v") && lines[1].contains("| arrived v"));
        let row = |sp: &str| lines.iter().find(|l| l.starts_with(sp)).copied();
        let changed = row("2026-04-19T05:00:00+00:00").expect("row of the changed value");
        assert!(
            changed.contains(&format!("{:<12} A    null", expected.periods[9].v))
                && changed.contains("9.999        A    null"),
            "{text}"
        );
        let requalified = row("2026-04-19T10:30:00+00:00").expect("requalified row");
        assert!(requalified.contains("E1   2"), "{text}");
        let missing = row("2026-04-19T15:30:00+00:00").expect("missing row");
        assert!(missing.ends_with("-            -    -   "), "{missing:?}");
        // Every row has the same width up to the arrived columns: a fixed-width table.
        let bar = lines[1].rfind('|');
        assert!(lines[2..].iter().all(|l| l.rfind('|') == bar), "{text}");
        assert!(!text.contains('{'), "no JSON: {text}");
    }

    #[test]
    fn compare_matches_by_sp_not_by_position() {
        let expected = SettlementDay::actuals(date!(2026 - 04 - 19), &[], 3);
        let mut arrived = expected.clone();
        arrived.periods.reverse();
        for p in &mut arrived.periods {
            p.sp_text =
                p.sp.to_offset(UtcOffset::from_hms(1, 0, 0).expect("offset"))
                    .to_string();
        }
        assert_eq!(compare(&expected, &arrived), Ok(()));
    }

    #[test]
    fn compare_shows_the_first_five_and_counts_the_rest() {
        let expected = SettlementDay::actuals(date!(2026 - 04 - 19), &[], 3);
        let arrived = day_with(date!(2026 - 04 - 19), |p| {
            for x in p.iter_mut().take(12) {
                x.v = "0.000".into();
            }
        });
        let m = compare(&expected, &arrived).expect_err("differs");
        assert_eq!(m.differing, 12);
        let text = m.to_string();
        assert!(
            text.starts_with("settlement day 2026-04-19: 12 periods differ (")
                && text
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .ends_with("(the first 5 shown)"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 2 + 5, "{text}");
    }

    #[test]
    fn compare_actuals_judges_actuals_and_reports_gaps_apart() {
        let mdr = SettlementDay::actuals(date!(2026 - 04 - 19), &[5, 6, 7], 3);
        let mut sds = SettlementDay::actuals(date!(2026 - 04 - 19), &[], 3);
        for k in [5, 6, 7] {
            let p = &mut sds.periods[k - 1];
            p.q = "E1".into();
            p.e = Some(if k == 7 { "1".into() } else { "2".into() });
        }
        let warnings = compare_actuals(&mdr, &sds).expect("faithful");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("sp 2026-04-19T03:30:00+00:00"),
            "{warnings:?}"
        );

        sds.periods[5].q = "A".into();
        sds.periods[5].e = None;
        sds.periods[10].v = "7.000".into();
        sds.periods[11].q = "E1".into();
        sds.periods[11].e = Some("2".into());
        sds.periods.remove(4);
        let m = compare_actuals(&mdr, &sds).expect_err("unfaithful");
        assert_eq!((m.differing, m.gaps), (2, 2), "{m}");
        let text = m.to_string();
        assert!(
            text.starts_with("settlement day 2026-04-19: 2 periods differ, 2 gaps not estimated"),
            "{text}"
        );
        assert!(
            text.contains("value changed") && text.contains("requalified"),
            "{text}"
        );
        assert!(
            text.contains("missing: a complete day has 48 periods"),
            "{text}"
        );
        assert!(
            text.contains("q A for a period the MDR did not give"),
            "{text}"
        );
    }
}
