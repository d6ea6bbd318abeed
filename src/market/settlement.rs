//! The settlement rules of IF-021 beyond its schema (CONTRACT-ROLES.md §6.3 D5, C1-C15, and
//! D7): the checks an MDS makes before it records a data service's consumption, each with the
//! ECS code it rejects with (`PUB-014 [ActivePowerRejected]`).
//!
//! The engine reads the payload itself, leniently: a message the schema already fails (49
//! periods, `periodDuration` 60, an `sp` that is not a date-time) is still judged, so that the
//! finding says why, in the words of the contract ("an IF-021 day is a UTC day of exactly 48
//! periods"; "sp is the END of a period"). Facts about the MPAN and the sender ([`Facts`]) are
//! all optional: a rule whose fact is unknown is not judged.
//!
//! ECS codes: C1 `ECS1002`, C4 `ECS1013`, C5 `ECS1014`, C6 `ECS1004`, C7 `ECS1005`, C8
//! `ECS1006` (an sp twice) and `ECS1007` (a day twice), C10 `ECS1010`, C11 `ECS1011`, C12
//! `ECS1015`, C13 `ECS1016`, C15 `ECS1009` (the nearest), D7 `ECS1008`; none for C2, C3, C9 and
//! C14, which no ECS code speaks of, nor for a warning.
//!
//! Bounded: at most [`MAX_DAYS`] settlement days and [`MAX_PERIODS`] periods a day are judged,
//! and at most [`MAX_BREACHES`] breaches are reported, then one that counts the rest.

use std::fmt::Write as _;

use serde_json::Value;
use time::OffsetDateTime;

use super::consumption::{
    MAX_DAYS, MAX_PERIODS, PERIOD_MINUTES, PERIODS_PER_DAY, parse_thousandths, utc_text,
};
use crate::schema::rules::dt003_seconds;

/// Breaches reported per message at most; one more then counts the rest.
pub const MAX_BREACHES: usize = 50;

const PERIOD_SECONDS: i64 = PERIOD_MINUTES * 60;
const DAY_SECONDS: i64 = 86_400;

/// What the harness knows about the MPAN and the sender of an IF-021. Every fact is optional
/// (an empty string or `None`): a rule whose fact is unknown is not judged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The sender's DIP ID, as the DIP authenticated it (`S1.senderDIPID` is used when empty).
    pub sender_dip_id: String,
    /// The sender's role (`SDS`, `ADS`, `UMSDS`; `S1.senderRoleID` is used when empty).
    pub sender_role: String,
    /// The MPAN's energy direction, `I` or `E` (B023).
    pub direction: Option<char>,
    /// The MPAN's registered connection type and its effective-from date.
    pub connection: Option<(String, OffsetDateTime)>,
    /// The sender's data service appointment for the MPAN: from, and to once de-appointed.
    pub appointment: Option<(OffsetDateTime, Option<OffsetDateTime>)>,
    /// The MPAN's energisation timeline: from each instant, whether it is de-energised.
    pub de_energised: Vec<(OffsetDateTime, bool)>,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The contract's rule: `C1` ... `C15`, `D7`.
    pub rule: &'static str,
    /// The ECS code an MDS rejects the message with; `None` for a warning and for a rule no
    /// ECS code fits.
    pub ecs: Option<&'static str>,
    /// A detail the contract marks *(warn)*: reported, never failing.
    pub warn: bool,
    /// JSON pointer into the payload.
    pub pointer: String,
    pub message: String,
}

/// The DI-999 text of an ECS code (`"UTC Settlement Date/Time is not 00:00:00"`), from
/// `schemas/response-codes.json`; the code itself when it is unknown.
/// The breaches with those of one rule and kind (failure or warning) folded into the first,
/// which says how many more there are: a day built wrongly breaks a rule in each of its 48
/// periods, and one line says it.
pub fn grouped(breaches: Vec<Breach>) -> Vec<Breach> {
    let mut out: Vec<(Breach, usize)> = Vec::new();
    for b in breaches {
        match out
            .iter_mut()
            .find(|(o, _)| o.rule == b.rule && o.warn == b.warn)
        {
            Some((_, more)) => *more += 1,
            None => out.push((b, 0)),
        }
    }
    out.into_iter()
        .map(|(mut b, more)| {
            if more > 0 {
                b.message = format!("{}; and {more} more like it", b.message);
            }
            b
        })
        .collect()
}

pub fn ecs_text(code: &str) -> &str {
    crate::dip::code_text(code).unwrap_or(code)
}

/// The quality codes of the ZE family (zero consumption).
fn ze_family(q: &str) -> bool {
    matches!(q, "ZE" | "ZE1" | "ZE2" | "ZE3")
}

/// `EA1`-`EA13`: the ADS's estimation methods.
fn ea_method(q: &str) -> bool {
    q.strip_prefix("EA").is_some_and(|n| {
        !n.is_empty()
            && !n.starts_with('0')
            && n.bytes().all(|b| b.is_ascii_digit())
            && n.parse::<u8>().is_ok_and(|n| n <= 13)
    })
}

/// Estimated quality codes, which need an estimation reason (C12): `E`, `E0`-`E9`, the ZE
/// family, `EA1`-`EA13`, `EAE1`-`EAE3`. The ADS codes `A1`-`A3` and `AAE1`-`AAE3` are not
/// judged.
fn estimated(q: &str) -> bool {
    ze_family(q)
        || ea_method(q)
        || matches!(q, "E" | "EAE1" | "EAE2" | "EAE3")
        || q.strip_prefix('E')
            .is_some_and(|d| d.len() == 1 && d.as_bytes()[0].is_ascii_digit())
}

/// The quality codes only an ADS may use (DI-083 "ADS Only", "ADS Method n").
fn ads_only(q: &str) -> bool {
    ea_method(q)
        || matches!(
            q,
            "A1" | "A2" | "A3" | "AAE1" | "AAE2" | "AAE3" | "EAE1" | "EAE2" | "EAE3"
        )
}

/// The energisation timeline in Unix seconds, oldest first.
fn timeline(facts: &Facts) -> Vec<(i64, bool)> {
    let mut t: Vec<(i64, bool)> = facts
        .de_energised
        .iter()
        .map(|(at, d)| (at.unix_timestamp(), *d))
        .collect();
    t.sort_by_key(|(at, _)| *at);
    t
}

/// Whether the MPAN is de-energised for the period ending at `sp` (Unix seconds): the state set
/// by the latest change before the end of the period (a period that ends after t counts).
fn de_energised_at(timeline: &[(i64, bool)], sp: i64) -> bool {
    let before = timeline.partition_point(|(t, _)| *t < sp);
    before > 0 && timeline[before - 1].1
}

/// The breaches found so far: failures and warnings kept apart, each up to the limit, the rest
/// counted. Pointers and messages are built only for a breach that is kept.
#[derive(Default)]
struct Sink {
    fails: Vec<Breach>,
    warns: Vec<Breach>,
    /// Rules of the breaches not kept, with their count, in the order first met.
    more: Vec<(&'static str, Option<&'static str>, bool, usize)>,
}

impl Sink {
    fn push(
        &mut self,
        rule: &'static str,
        ecs: Option<&'static str>,
        warn: bool,
        pointer: impl FnOnce() -> String,
        message: impl FnOnce() -> String,
    ) {
        let kept = if warn {
            &mut self.warns
        } else {
            &mut self.fails
        };
        if kept.len() < MAX_BREACHES {
            kept.push(Breach {
                rule,
                ecs,
                warn,
                pointer: pointer(),
                message: message(),
            });
        } else {
            self.count(rule, ecs, warn);
        }
    }

    fn count(&mut self, rule: &'static str, ecs: Option<&'static str>, warn: bool) {
        match self
            .more
            .iter_mut()
            .find(|(r, e, w, _)| *r == rule && *e == ecs && *w == warn)
        {
            Some(m) => m.3 += 1,
            None => self.more.push((rule, ecs, warn, 1)),
        }
    }

    /// Failures first, then warnings, [`MAX_BREACHES`] in all, then one breach counting the
    /// rest: its rule the first of them, failing (with the first ECS code among them) unless
    /// they are all warnings.
    fn finish(mut self) -> Vec<Breach> {
        let mut out = std::mem::take(&mut self.fails);
        let room = MAX_BREACHES.saturating_sub(out.len());
        let mut warns = std::mem::take(&mut self.warns).into_iter();
        out.extend(warns.by_ref().take(room));
        for b in warns {
            self.count(b.rule, b.ecs, b.warn);
        }
        let total: usize = self.more.iter().map(|m| m.3).sum();
        if let Some(&(first, ..)) = self.more.first() {
            let listed: Vec<String> = self
                .more
                .iter()
                .map(|(rule, _, warn, n)| {
                    format!("{rule} {n}{}", if *warn { " (warnings)" } else { "" })
                })
                .collect();
            out.push(Breach {
                rule: first,
                ecs: self.more.iter().find(|m| !m.2).and_then(|m| m.1),
                warn: self.more.iter().all(|m| m.2),
                pointer: "/CustomBlock/B900".into(),
                message: format!(
                    "and {total} more breach{} not listed ({})",
                    if total == 1 { "" } else { "es" },
                    listed.join(", ")
                ),
            });
        }
        out
    }
}

/// Judges an IF-021 payload against C1-C15 and D7. A payload of another interface has no
/// breach. The breaches come failures first, in the order of the message.
pub fn check_if021(payload: &Value, facts: &Facts) -> Vec<Breach> {
    let mut sink = Sink::default();
    judge(payload, facts, &mut sink);
    sink.finish()
}

/// The payload as the engine reads it: strings where they are strings.
fn str_at<'a>(v: Option<&'a Value>, key: &str) -> Option<&'a str> {
    v.and_then(|v| v.get(key)).and_then(Value::as_str)
}

/// An instant given in Unix seconds, written as DT-003 in UTC (the seconds themselves when out
/// of time's range).
fn shown(ts: i64) -> String {
    OffsetDateTime::from_unix_timestamp(ts).map_or_else(|_| format!("{ts} s"), utc_text)
}

/// The settlement day as a message names it: its UTC date when it starts at a UTC midnight,
/// else `settlementDayDate` as written.
fn day_label(written: Option<&str>, start: Option<i64>) -> String {
    match start.map(|t| (t, OffsetDateTime::from_unix_timestamp(t))) {
        Some((t, Ok(utc))) if t.rem_euclid(DAY_SECONDS) == 0 => utc.date().to_string(),
        _ => written.map_or_else(|| "?".to_owned(), str::to_owned),
    }
}

/// Whether the UTC day starting at `start` is the last Sunday of March or of October: a
/// clock-change day.
fn clock_change(start: i64) -> Option<&'static str> {
    let d = OffsetDateTime::from_unix_timestamp(start).ok()?.date();
    let last_sunday = d.weekday() == time::Weekday::Sunday && d.day() + 7 > 31;
    match d.month() {
        time::Month::March if last_sunday => Some("the clocks go forward"),
        time::Month::October if last_sunday => Some("the clocks go back"),
        _ => None,
    }
}

fn judge(payload: &Value, facts: &Facts, sink: &mut Sink) {
    const MQID_AT: &str = "/CustomBlock/B900/MQID/measurementQuantityID";
    let common = payload.get("CommonBlock");
    let s0 = common.and_then(|c| c.get("S0"));
    let s1 = common.and_then(|c| c.get("S1"));
    if str_at(s0, "interfaceID").is_some_and(|i| i != "IF-021") {
        return;
    }
    let event = str_at(s0, "eventCode");
    let custom = payload.get("CustomBlock");
    let b900 = custom.and_then(|c| c.get("B900"));
    let mqid = str_at(b900.and_then(|b| b.get("MQID")), "measurementQuantityID");

    // C1: the MQID agrees with the event.
    if let (Some(event), Some(mq)) = (event, mqid) {
        let allowed: &[&str] = match event {
            "[ActivePower]" => &["AI", "AE"],
            "[ReactivePower]" => &["RI", "RE"],
            _ => &[],
        };
        if !allowed.is_empty() && !allowed.contains(&mq) {
            sink.push(
                "C1",
                Some("ECS1002"),
                false,
                || MQID_AT.into(),
                || {
                    format!(
                        "MQID {mq} does not fit {event}: [ActivePower] carries AI or AE, [ReactivePower] RI or RE (C1)"
                    )
                },
            );
        }
    }
    // C2 (warn): the MQID's direction is the MPAN's. ECS1002 is about the event type, not the
    // direction, so no ECS code.
    if let (Some(dir), Some(mq)) = (facts.direction, mqid) {
        let mq_dir = mq.chars().nth(1);
        if matches!(dir, 'I' | 'E') && matches!(mq_dir, Some('I' | 'E')) && mq_dir != Some(dir) {
            let name = |d: char| if d == 'I' { "import" } else { "export" };
            sink.push(
                "C2",
                None,
                true,
                || MQID_AT.into(),
                || {
                    format!(
                        "MQID {mq} is for {}, but the MPAN is an {} MPAN (B023 energyDirection {dir}) (C2)",
                        name(mq_dir.unwrap_or('I')),
                        name(dir)
                    )
                },
            );
        }
    }
    // C3: the issuing data service is the sender. No ECS code speaks of B044, so none.
    let sender = str_at(s1, "senderDIPID")
        .or_else(|| (!facts.sender_dip_id.is_empty()).then_some(facts.sender_dip_id.as_str()));
    let issuing = str_at(
        custom.and_then(|c| c.get("B044")),
        "issuingDataServiceDIPID",
    );
    if let (Some(sender), Some(issuing)) = (sender, issuing)
        && sender != issuing
    {
        sink.push(
            "C3",
            None,
            false,
            || "/CustomBlock/B044/issuingDataServiceDIPID".into(),
            || {
                format!(
                    "B044.issuingDataServiceDIPID {issuing} is not the sender {sender} (S1.senderDIPID): the issuing data service is the one that sends the message (DI-845, C3)"
                )
            },
        );
    }
    let role = if facts.sender_role.is_empty() {
        str_at(s1, "senderRoleID")
    } else {
        Some(facts.sender_role.as_str())
    };
    // C4: the connection type is the registered one; periods end after it took effect.
    let b067 = custom.and_then(|c| c.get("B067"));
    if let Some(indicator) = str_at(b067, "connectionTypeIndicator") {
        let expected = if role == Some("UMSDS") {
            Some(("U", "a UMSDS serves unmetered supplies, connection type U"))
        } else {
            facts
                .connection
                .as_ref()
                .map(|(t, _)| (t.as_str(), "the MPAN's registered connection type"))
        };
        if let Some((want, why)) = expected
            && indicator != want
        {
            sink.push(
                "C4",
                Some("ECS1013"),
                false,
                || "/CustomBlock/B067/connectionTypeIndicator".into(),
                || format!("connection type {indicator} is not {want}: {why} (C4)"),
            );
        }
    }
    let connection_from = [
        str_at(b067, "connectionTypeEffectiveFromDate").and_then(dt003_seconds),
        facts.connection.as_ref().map(|c| c.1.unix_timestamp()),
    ]
    .into_iter()
    .flatten()
    .max();

    let Some(days) = b900
        .and_then(|b| b.get("settlementDayConsumptionPeriods"))
        .and_then(Value::as_array)
    else {
        return;
    };
    if days.len() > MAX_DAYS {
        // Beyond B900's maxItems: a count, as C9's; the first days are still judged.
        sink.push(
            "C9",
            None,
            false,
            || "/CustomBlock/B900/settlementDayConsumptionPeriods".into(),
            || {
                format!(
                    "the message holds {} settlement days, more than the {MAX_DAYS} one IF-021 may carry (B900 maxItems); the first {MAX_DAYS} were judged (C9)",
                    days.len()
                )
            },
        );
    }
    let mut walk = Walk {
        role,
        connection_from,
        appointment: facts.appointment.map(|(from, to)| {
            (
                from.unix_timestamp(),
                to.map(OffsetDateTime::unix_timestamp),
            )
        }),
        de_energised: timeline(facts),
        days,
        labels: Vec::new(),
        day_seen: Vec::new(),
        sps: Vec::new(),
        dates: Dates::default(),
        sink,
    };
    for (i, day) in days.iter().take(MAX_DAYS).enumerate() {
        walk.day(i, day);
    }
    walk.duplicates();
}

/// One walk over the settlement days of a message. Instants are compared as Unix seconds.
struct Walk<'a, 's> {
    role: Option<&'a str>,
    /// The later of the connection type's effective-from dates (B067's, the registered one).
    connection_from: Option<i64>,
    /// The sender's appointment: from, to.
    appointment: Option<(i64, Option<i64>)>,
    /// The energisation timeline, oldest first.
    de_energised: Vec<(i64, bool)>,
    days: &'a [Value],
    /// Each day's label, once walked.
    labels: Vec<String>,
    /// Settlement days met: start instant, index.
    day_seen: Vec<(i64, usize)>,
    /// Every sp met outside a repeated day: instant, day index, period index. Duplicates are
    /// found at the end ([`Walk::duplicates`]): a message whose periods ascend has none, and
    /// that costs one pass.
    sps: Vec<(i64, usize, usize)>,
    dates: Dates,
    sink: &'s mut Sink,
}

/// The members of one period, found in one pass over its object.
#[derive(Default)]
struct Fields<'a> {
    sp: Option<&'a str>,
    v: Option<&'a str>,
    q: Option<&'a str>,
    e: Option<&'a Value>,
    arc: Option<&'a Value>,
}

impl<'a> Fields<'a> {
    fn of(p: &'a Value) -> Self {
        let mut f = Self::default();
        if let Value::Object(map) = p {
            for (k, v) in map {
                match k.as_bytes() {
                    [b's', b'p'] => f.sp = v.as_str(),
                    [b'v'] => f.v = v.as_str(),
                    [b'q'] => f.q = v.as_str(),
                    [b'e'] => f.e = Some(v),
                    [b'a', b'r', b'c'] => f.arc = Some(v),
                    _ => {}
                }
            }
        }
        f
    }
}

/// The day a period belongs to, as the walk knows it.
struct Day<'a> {
    i: usize,
    label: &'a str,
    /// Its start, Unix seconds.
    start: Option<i64>,
    /// The day appeared earlier in the message (reported once, as a day).
    repeated: bool,
}

fn period_at(i: usize, j: usize, field: &str) -> String {
    format!("/CustomBlock/B900/settlementDayConsumptionPeriods/{i}/consumptionPeriods/{j}/{field}")
}

/// Two ASCII digits at `at` as a number.
fn two_digits(b: &[u8], at: usize) -> Option<i64> {
    let (x, y) = (b[at], b[at + 1]);
    (x.is_ascii_digit() && y.is_ascii_digit())
        .then(|| i64::from(x - b'0') * 10 + i64::from(y - b'0'))
}

/// Reads DT-003 date-times as [`dt003_seconds`] does, remembering the date and offset bytes of
/// the last one and its date's 00:00:00 at that offset in Unix seconds: a day's periods share
/// them, so most are read from their time alone.
#[derive(Default)]
struct Dates {
    last: Option<([u8; 16], i64)>,
}

impl Dates {
    /// [`dt003_seconds`] of `s`.
    fn seconds(&mut self, s: &str) -> Option<i64> {
        let b = s.as_bytes();
        if b.len() != 25 {
            return None;
        }
        if let Some((key, midnight)) = &self.last
            && b[..10] == key[..10]
            && b[19..] == key[10..]
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && let (Some(h), Some(m), Some(sec)) =
                (two_digits(b, 11), two_digits(b, 14), two_digits(b, 17))
            && h <= 23
            && m <= 59
            && sec <= 59
        {
            return Some(midnight + h * 3600 + m * 60 + sec);
        }
        let ts = dt003_seconds(s)?;
        if let (Some(h), Some(m), Some(sec)) =
            (two_digits(b, 11), two_digits(b, 14), two_digits(b, 17))
            && sec <= 59
        {
            let mut key = [0; 16];
            key[..10].copy_from_slice(&b[..10]);
            key[10..].copy_from_slice(&b[19..]);
            self.last = Some((key, ts - (h * 3600 + m * 60 + sec)));
        }
        Some(ts)
    }
}

impl Walk<'_, '_> {
    fn day(&mut self, i: usize, day: &Value) {
        let at = || format!("/CustomBlock/B900/settlementDayConsumptionPeriods/{i}");
        let date_at = || format!("{}/settlementDay/settlementDayDate", at());
        let sd = day.get("settlementDay");
        let written = str_at(sd, "settlementDayDate");
        let start = written.and_then(|w| self.dates.seconds(w));
        let label = day_label(written, start);
        // C5: the settlement day starts at 00:00:00 UTC.
        match (written, start) {
            (Some(w), None) => self.sink.push("C5", Some("ECS1014"), false, date_at, || {
                format!(
                    "settlementDayDate {w:?} is not a DT-003 date-time: an IF-021 settlement day is a UTC date written YYYY-MM-DDT00:00:00+00:00 (DI-101, C5)"
                )
            }),
            (Some(w), Some(t)) if t.rem_euclid(DAY_SECONDS) != 0 => {
                self.sink.push("C5", Some("ECS1014"), false, date_at, || {
                    let local = if w.get(10..19) == Some("T00:00:00") {
                        ", a local midnight"
                    } else {
                        ""
                    };
                    format!(
                        "settlementDayDate {w} is {}{local}, not 00:00:00 UTC: an IF-021 day is a UTC day of exactly 48 periods from 00:00:00 UTC (DI-101, C5)",
                        shown(t)
                    )
                });
            }
            (Some(w), Some(t)) if !w.ends_with("T00:00:00+00:00") => {
                self.sink.push("C5", None, true, date_at, || {
                    format!(
                        "settlementDayDate {w} is 00:00:00 UTC but not written {} (C5)",
                        shown(t)
                    )
                });
            }
            _ => {}
        }
        // C6: half-hour periods.
        if let Some(d) = sd.and_then(|s| s.get("periodDuration"))
            && d.as_i64() != Some(PERIOD_MINUTES)
        {
            self.sink.push(
                "C6",
                Some("ECS1004"),
                false,
                || format!("{}/settlementDay/periodDuration", at()),
                || {
                    format!(
                        "settlement day {label}: periodDuration {d} is not 30: an IF-021 period is half an hour (DI-081, C6)"
                    )
                },
            );
        }
        // C8: no settlement day twice; its periods overlap those of the first (ECS1007).
        let mut repeated = false;
        if let Some(ts) = start {
            match self
                .day_seen
                .iter()
                .find(|(d, _)| *d == ts)
                .map(|(_, i)| *i)
            {
                Some(first) => {
                    repeated = true;
                    self.sink.push("C8", Some("ECS1007"), false, date_at, || {
                        format!(
                            "settlement day {label} appears twice in the message (also at settlementDayConsumptionPeriods/{first}): its periods overlap (C8)"
                        )
                    });
                }
                None => self.day_seen.push((ts, i)),
            }
        }
        let Some(periods) = day.get("consumptionPeriods").and_then(Value::as_array) else {
            self.labels.push(label);
            return;
        };
        self.count(i, &label, start, periods);
        self.sps.reserve(periods.len().min(MAX_PERIODS));
        let d = Day {
            i,
            label: &label,
            start,
            repeated,
        };
        let mut previous: Option<i64> = None;
        let mut descended = false;
        // An over-long day's periods past MAX_PERIODS are not judged; C9 names its count.
        for (j, p) in periods.iter().take(MAX_PERIODS).enumerate() {
            let f = Fields::of(p);
            let sp = f.sp.and_then(|s| self.dates.seconds(s));
            let here = || format!("settlement day {label}, sp {}", f.sp.unwrap_or("?"));
            match (f.sp, sp) {
                (Some(s), None) => self.sink.push(
                    "C7",
                    Some("ECS1005"),
                    false,
                    || period_at(i, j, "sp"),
                    || {
                        format!(
                            "settlement day {label}, sp {s:?} is not a DT-003 date-time: sp is the UTC end date and time of the period (DI-082, C7)"
                        )
                    },
                ),
                (_, Some(ts)) => {
                    self.sp(&d, j, ts, &here);
                    if let Some(prev) = previous
                        && ts < prev
                        && !descended
                    {
                        // C8 (warn): periods ascend.
                        descended = true;
                        self.sink.push("C8", None, true, || period_at(i, j, "sp"), || {
                            format!(
                                "{}: the periods do not ascend: this sp follows {} (C8)",
                                here(),
                                shown(prev)
                            )
                        });
                    }
                    previous = Some(ts);
                }
                (None, None) => {}
            }
            self.values(i, j, &f, sp, &here);
        }
        self.labels.push(label);
    }

    /// C8: no sp twice in the message, the later ones reported (a repeated day is reported
    /// once, as a day).
    fn duplicates(&mut self) {
        if self.sps.windows(2).all(|w| w[0].0 < w[1].0) {
            return;
        }
        let mut sorted = std::mem::take(&mut self.sps);
        sorted.sort_unstable();
        let mut first = 0;
        for k in 1..sorted.len() {
            if sorted[k].0 != sorted[first].0 {
                first = k;
                continue;
            }
            let ((_, di, dj), (_, i, j)) = (sorted[first], sorted[k]);
            let label = self.labels.get(i).map_or("?", String::as_str);
            let written = self.days[i]
                .pointer(&format!("/consumptionPeriods/{j}/sp"))
                .and_then(Value::as_str)
                .unwrap_or("?");
            self.sink.push(
                "C8",
                Some("ECS1006"),
                false,
                || period_at(i, j, "sp"),
                || {
                    let also = if di == i {
                        format!("consumptionPeriods/{dj}")
                    } else {
                        format!("settlementDayConsumptionPeriods/{di}/consumptionPeriods/{dj}")
                    };
                    format!(
                        "settlement day {label}, sp {written}: sp appears twice in the message (also at {also}) (C8)"
                    )
                },
            );
        }
    }

    /// C9: exactly 48 periods in a day wholly inside the appointment; never more than 48. No ECS
    /// code counts a day's periods, so none.
    fn count(&mut self, i: usize, label: &str, start: Option<i64>, periods: &[Value]) {
        let n = periods.len();
        let inside = match (start, self.appointment) {
            (Some(t), Some((from, to))) => {
                from <= t && to.is_none_or(|to| t.saturating_add(DAY_SECONDS) <= to)
            }
            _ => false,
        };
        if n <= PERIODS_PER_DAY && (n == PERIODS_PER_DAY || !inside) {
            return;
        }
        self.sink.push(
            "C9",
            None,
            false,
            || format!("/CustomBlock/B900/settlementDayConsumptionPeriods/{i}/consumptionPeriods"),
            || {
                let mut m = format!(
                    "settlement day {label} has {n} periods; an IF-021 day is a UTC day of exactly 48 periods (C9)"
                );
                if let Some(t) = start
                    && (n == 46 || n == 50)
                    && let Some(change) = clock_change(t)
                {
                    let _ = write!(
                        m,
                        "; {n} is the count of the local day on which {change}, and IF-021 does not use local days"
                    );
                }
                if let Some(t) = start
                    && n < PERIODS_PER_DAY
                {
                    let listed: Vec<i64> = periods
                        .iter()
                        .filter_map(|p| str_at(Some(p), "sp").and_then(dt003_seconds))
                        .collect();
                    let missing: Vec<String> = (1..=48)
                        .map(|k| t.saturating_add(PERIOD_SECONDS * k))
                        .filter(|sp| !listed.contains(sp))
                        .map(shown)
                        .collect();
                    if !missing.is_empty() {
                        let _ = write!(m, "; missing sp {}", missing[..missing.len().min(3)].join(", "));
                        if missing.len() > 3 {
                            let _ = write!(m, " and {} more", missing.len() - 3);
                        }
                    }
                    m.push_str("; the day lies wholly inside the appointment");
                }
                m
            },
        );
    }

    /// C7, C8, C4 and C15 on one period's end.
    fn sp(&mut self, d: &Day<'_>, j: usize, ts: i64, here: &dyn Fn() -> String) {
        let (i, label) = (d.i, d.label);
        let at = || period_at(i, j, "sp");
        // C7: sp ends one of the day's 48 half-hour periods.
        if ts % PERIOD_SECONDS != 0 {
            self.sink.push("C7", Some("ECS1005"), false, at, || {
                format!(
                    "{}: sp is not on the 00 or 30 minute; sp is the UTC end of a half-hour period (DI-082, C7)",
                    here()
                )
            });
        } else if let Some(start) = d.start {
            let offset = ts.saturating_sub(start);
            let k = offset.div_euclid(PERIOD_SECONDS);
            if offset % PERIOD_SECONDS != 0 || k <= 0 || k > 48 {
                let end = start.saturating_add(DAY_SECONDS);
                self.sink.push("C7", Some("ECS1005"), false, at, || {
                    let why = if offset % PERIOD_SECONDS != 0 {
                        "sp is not settlementDayDate + 30·k minutes (DI-082, C7)".to_owned()
                    } else if k == 0 {
                        format!(
                            "sp {} is the start of the first period; sp is the END of a period (DI-082, C7): the first period of settlement day {label} ends at {} and the last at {}",
                            shown(ts),
                            shown(start.saturating_add(PERIOD_SECONDS)),
                            shown(end)
                        )
                    } else if k < 0 {
                        format!(
                            "the period ends before settlement day {label} begins at {} (DI-082, C7)",
                            shown(start)
                        )
                    } else {
                        format!(
                            "the period ends after settlement day {label} ends at {} (it would be period {k}); an IF-021 day is a UTC day of exactly 48 periods (DI-082, C7)",
                            shown(end)
                        )
                    };
                    format!("{}: {why}", here())
                });
            }
        }
        if !d.repeated {
            self.sps.push((ts, i, j));
        }
        // C4: every period ends after the connection type took effect.
        if let Some(from) = self.connection_from
            && ts <= from
        {
            self.sink.push("C4", Some("ECS1013"), false, at, || {
                format!(
                    "{}: the period ends at or before {}, when the connection type took effect (C4)",
                    here(),
                    shown(from)
                )
            });
        }
        // C15: every period lies inside the sender's appointment (it starts at or after its
        // from, and ends at or before its to). No ECS code names the appointment; the nearest is
        // ECS1009 "Consumption cannot be recorded due to ECS MPAN Status".
        if let Some((from, to)) = self.appointment
            && (ts.saturating_sub(PERIOD_SECONDS) < from || to.is_some_and(|to| ts > to))
        {
            self.sink.push("C15", Some("ECS1009"), false, at, || {
                // A period ending at the appointment's start is the mistake of a system that
                // writes period starts: say so.
                let starts = if ts == from {
                    format!(
                        "; sp is the END of a period (DI-082), so the first period of the appointment ends at {}",
                        shown(from.saturating_add(PERIOD_SECONDS))
                    )
                } else {
                    String::new()
                };
                format!(
                    "{}: the period lies outside the data service's appointment for the MPAN (from {}{}) (C15, D4){starts}",
                    here(),
                    shown(from),
                    to.map_or_else(String::new, |to| format!(" to {}", shown(to)))
                )
            });
        }
    }

    /// C10-C14 and D7 on one period's values.
    fn values(
        &mut self,
        i: usize,
        j: usize,
        f: &Fields<'_>,
        sp: Option<i64>,
        here: &dyn Fn() -> String,
    ) {
        let at = |field: &'static str| move || period_at(i, j, field);
        let v_text = f.v;
        let v = v_text.and_then(parse_thousandths);
        let e = f.e;
        let e_text = e.and_then(Value::as_str);
        let arc = f.arc;
        // C10: no negative consumption. A v that is no DT-016 decimal cannot be judged, and no
        // ECS code fits it (the schema's pattern rejects it).
        if let Some(s) = v_text {
            match v {
                None => self.sink.push("C10", None, false, at("v"), || {
                    format!(
                        "{}: v {s:?} is not a DT-016 decimal (digits, a point and three decimals), so it cannot be judged ≥ 0 (C10)",
                        here()
                    )
                }),
                Some(n) if n < 0 => self.sink.push("C10", Some("ECS1010"), false, at("v"), || {
                    format!("{}: v {s} is negative; consumption is ≥ 0 (C10)", here())
                }),
                Some(_) => {}
            }
        }
        let Some(q) = f.q else {
            return;
        };
        // An actual (most periods) is neither of the ZE family, nor an estimate, nor an ADS
        // code, and is what a de-energised MPAN may report.
        let actual = q == "A";
        // C11: a ZE-family quality means zero.
        if !actual && ze_family(q) && v.is_some_and(|n| n != 0) {
            self.sink.push("C11", Some("ECS1011"), false, at("v"), || {
                format!(
                    "{}: q {q} is of the ZE family, so v must be 0.000, not {} (C11)",
                    here(),
                    v_text.unwrap_or_default()
                )
            });
        }
        // C12: an estimate has its reason; an actual has none (warn).
        if !actual && estimated(q) && e.is_some_and(Value::is_null) {
            self.sink.push("C12", Some("ECS1015"), false, at("e"), || {
                format!(
                    "{}: q {q} is an estimate, so e must not be null (C12)",
                    here()
                )
            });
        } else if actual && let Some(e) = e_text {
            self.sink.push("C12", None, true, at("e"), || {
                format!("{}: q A is an actual, yet e is {e} (C12)", here())
            });
        }
        // C13: an amendment has its reason code; only an amendment has one (warn).
        if e_text == Some("9") && arc.is_some_and(Value::is_null) {
            self.sink
                .push("C13", Some("ECS1016"), false, at("arc"), || {
                    format!(
                        "{}: e 9 is a consumption amendment, so arc must not be null (DI-076, C13)",
                        here()
                    )
                });
        } else if e_text != Some("9")
            && let Some(a) = arc.and_then(Value::as_str)
        {
            self.sink.push("C13", None, true, at("arc"), || {
                format!(
                    "{}: arc {a} is given, but e is {} rather than 9 (amendment) (C13)",
                    here(),
                    e_text.unwrap_or("null")
                )
            });
        }
        // C14: the ADS's quality codes from an ADS only; E and ZE from a UMSDS only (warn). No
        // ECS code: an MDS does not judge the sender's role.
        if let Some(role) = self.role.filter(|_| !actual) {
            if ads_only(q) && role != "ADS" {
                self.sink.push("C14", None, false, at("q"), || {
                    format!(
                        "{}: q {q} is an ADS quality code (DI-083 \"ADS Only\"), but the sender is {role} (C14)",
                        here()
                    )
                });
            } else if matches!(q, "E" | "ZE") && role != "UMSDS" {
                self.sink.push("C14", None, true, at("q"), || {
                    format!(
                        "{}: q {q} is an unmetered supplies code, but the sender is {role} (C14)",
                        here()
                    )
                });
            }
        }
        // D7: after de-energisation, actuals, or zero with a ZE-family quality.
        if let Some(ts) = sp
            && !actual
            && de_energised_at(&self.de_energised, ts)
        {
            if !(ze_family(q) && v == Some(0)) {
                self.sink.push("D7", Some("ECS1008"), false, at("q"), || {
                    format!(
                        "{}: the MPAN is de-energised, so a period is actual (q A) or v 0.000 with a ZE-family q, not q {q} v {} (D7)",
                        here(),
                        v_text.unwrap_or("?")
                    )
                });
            } else if e_text != Some("7") {
                self.sink.push("D7", None, true, at("e"), || {
                    format!(
                        "{}: zero for a de-energised MPAN with e {} rather than 7 (De-Energised) (D7)",
                        here(),
                        e_text.unwrap_or("null")
                    )
                });
            }
        }
    }
}

/// Whether the payload reports actual, non-zero consumption for a period that ends after the
/// MPAN was de-energised: not the data service's error, but the MDS answers it with `IF-014
/// [ConsumptionOnDeEnergisedMPAN]` (D7, R21).
pub fn consumption_on_de_energised(payload: &Value, facts: &Facts) -> bool {
    if facts.de_energised.iter().all(|(_, d)| !d) {
        return false;
    }
    let timeline = timeline(facts);
    let Some(days) = payload
        .pointer("/CustomBlock/B900/settlementDayConsumptionPeriods")
        .and_then(Value::as_array)
    else {
        return false;
    };
    days.iter()
        .take(MAX_DAYS)
        .filter_map(|d| d.get("consumptionPeriods").and_then(Value::as_array))
        .flat_map(|ps| ps.iter().take(MAX_PERIODS))
        .any(|p| {
            str_at(Some(p), "q") == Some("A")
                && str_at(Some(p), "v")
                    .and_then(parse_thousandths)
                    .is_some_and(|v| v > 0)
                && str_at(Some(p), "sp")
                    .and_then(dt003_seconds)
                    .is_some_and(|t| de_energised_at(&timeline, t))
        })
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use serde_json::json;
    use time::format_description::FormatItem;
    use time::macros::{date, datetime, format_description};
    use time::{Date, Duration, UtcOffset};

    use super::*;
    use crate::market::consumption::{SettlementDay, sp_of};

    const DAY: Date = date!(2026 - 04 - 19);
    const DT003: &[FormatItem<'_>] = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
    );

    /// An instant written as DT-003 at a UTC offset of `hours`.
    fn written(t: OffsetDateTime, hours: i8) -> String {
        t.to_offset(UtcOffset::from_hms(hours, 0, 0).expect("offset"))
            .format(DT003)
            .expect("formats")
    }

    fn payload(days: Vec<Value>) -> Value {
        json!({"CommonBlock": {
            "S0": {"interfaceID": "IF-021", "schemaVersion": "011", "eventCode": "[ActivePower]"},
            "S1": {"environmentTag": "UIT", "subText": null,
                   "senderUniqueReference": "S-IF-021-1400000001-SDS-20260420-0157",
                   "senderTimestamp": "2026-04-20T02:15:00+01:00", "senderDIPID": "1400000001",
                   "senderRoleID": "SDS", "senderCorrelationID": null, "DIPConnectionProviderID": null},
            "A0": {"primaryRecipients": ["2600000001"], "secondaryRecipients": [], "always": []},
            "M0": {"MPANCore": "1500481025001", "distributorDIPID": "2500000015", "GSPGroupID": "_F"}},
          "CustomBlock": {
            "B044": {"issuingDataServiceDIPID": "1400000001"},
            "B067": {"connectionTypeIndicator": "W", "connectionTypeEffectiveFromDate": "2019-06-14T00:00:00+01:00"},
            "B900": {"MQID": {"measurementQuantityID": "AI"}, "settlementDayConsumptionPeriods": days}}})
    }

    /// One valid day of 48 actual periods.
    fn valid() -> Value {
        payload(vec![SettlementDay::actuals(DAY, &[], 11).to_b901()])
    }

    fn facts() -> Facts {
        Facts {
            sender_dip_id: "1400000001".into(),
            sender_role: "SDS".into(),
            direction: Some('I'),
            connection: Some(("W".into(), datetime!(2019-06-13 23:00 UTC))),
            appointment: Some((datetime!(2026-01-01 0:00 UTC), None)),
            de_energised: vec![(datetime!(2025-01-01 0:00 UTC), false)],
        }
    }

    /// Period `k` (1-based) of the first day.
    fn period(p: &mut Value, k: usize) -> &mut Value {
        &mut p["CustomBlock"]["B900"]["settlementDayConsumptionPeriods"][0]["consumptionPeriods"]
            [k - 1]
    }

    fn first_day(p: &mut Value) -> &mut Value {
        &mut p["CustomBlock"]["B900"]["settlementDayConsumptionPeriods"][0]
    }

    /// The distinct (rule, ECS code, warn) of the breaches.
    fn kinds(b: &[Breach]) -> Vec<(&'static str, Option<&'static str>, bool)> {
        let mut k: Vec<_> = b.iter().map(|b| (b.rule, b.ecs, b.warn)).collect();
        k.sort_unstable();
        k.dedup();
        k
    }

    #[test]
    fn a_valid_day_and_the_shipped_example_break_nothing() {
        let p = valid();
        let schema = crate::schema::SchemaSet::embedded().expect("schemas");
        assert_eq!(
            schema.check_payload(&p, ""),
            Vec::new(),
            "the planted base is valid"
        );
        assert_eq!(check_if021(&p, &facts()), Vec::new());
        assert_eq!(check_if021(&p, &Facts::default()), Vec::new());
        let text = crate::embedded::file("schemas/examples/valid/IF-021-ActivePower.json")
            .expect("example");
        let body: Value = serde_json::from_str(text).expect("json");
        assert_eq!(check_if021(&body[0]["payload"], &facts()), Vec::new());
        assert!(!consumption_on_de_energised(&p, &facts()));
    }

    type Plant = fn(&mut Value, &mut Facts);

    /// Each rule broken alone in a valid day: (name, how, rule, ECS code, warn).
    fn plants() -> Vec<(
        &'static str,
        Plant,
        &'static str,
        Option<&'static str>,
        bool,
    )> {
        vec![
            (
                "C1 RI for [ActivePower]",
                |p, _| p["CustomBlock"]["B900"]["MQID"]["measurementQuantityID"] = json!("RI"),
                "C1",
                Some("ECS1002"),
                false,
            ),
            (
                "C2 export MQID, import MPAN",
                |_, f| f.direction = Some('E'),
                "C2",
                None,
                true,
            ),
            (
                "C3 issuing DS is not the sender",
                |p, _| p["CustomBlock"]["B044"]["issuingDataServiceDIPID"] = json!("1400000002"),
                "C3",
                None,
                false,
            ),
            (
                "C4 another connection type",
                |p, _| p["CustomBlock"]["B067"]["connectionTypeIndicator"] = json!("L"),
                "C4",
                Some("ECS1013"),
                false,
            ),
            (
                "C4 a UMSDS with W",
                |_, f| {
                    f.sender_role = "UMSDS".into();
                    f.connection = None;
                },
                "C4",
                Some("ECS1013"),
                false,
            ),
            (
                "C4 periods before the connection type",
                |_, f| f.connection = Some(("W".into(), datetime!(2026-04-19 12:00 UTC))),
                "C4",
                Some("ECS1013"),
                false,
            ),
            (
                "C5 a local midnight",
                |p, _| {
                    let start = datetime!(2026-06-30 23:00 UTC);
                    first_day(p)["settlementDay"]["settlementDayDate"] = json!(written(start, 1));
                    for k in 1..=48 {
                        period(p, k)["sp"] = json!(written(
                            start + Duration::minutes(30 * i64::try_from(k).unwrap_or(0)),
                            1
                        ));
                    }
                },
                "C5",
                Some("ECS1014"),
                false,
            ),
            (
                "C5 UTC midnight written at +01:00",
                |p, _| {
                    first_day(p)["settlementDay"]["settlementDayDate"] =
                        json!("2026-04-19T01:00:00+01:00");
                },
                "C5",
                None,
                true,
            ),
            (
                "C6 hourly periods",
                |p, _| first_day(p)["settlementDay"]["periodDuration"] = json!(60),
                "C6",
                Some("ECS1004"),
                false,
            ),
            (
                "C7 sp off the half hour",
                |p, _| period(p, 10)["sp"] = json!("2026-04-19T04:45:00+00:00"),
                "C7",
                Some("ECS1005"),
                false,
            ),
            (
                "C8 sp twice",
                |p, _| period(p, 10)["sp"] = json!("2026-04-19T04:30:00+00:00"),
                "C8",
                Some("ECS1006"),
                false,
            ),
            (
                "C8 a day twice",
                |p, _| {
                    let d = first_day(p).clone();
                    p["CustomBlock"]["B900"]["settlementDayConsumptionPeriods"]
                        .as_array_mut()
                        .expect("days")
                        .push(d);
                },
                "C8",
                Some("ECS1007"),
                false,
            ),
            (
                "C8 periods out of order",
                |p, _| {
                    let a = period(p, 3).clone();
                    *period(p, 3) = period(p, 4).clone();
                    *period(p, 4) = a;
                },
                "C8",
                None,
                true,
            ),
            (
                "C9 a period short",
                |p, _| {
                    first_day(p)["consumptionPeriods"]
                        .as_array_mut()
                        .expect("periods")
                        .remove(20);
                },
                "C9",
                None,
                false,
            ),
            (
                "C10 negative",
                |p, _| period(p, 5)["v"] = json!("-0.100"),
                "C10",
                Some("ECS1010"),
                false,
            ),
            (
                "C11 ZE1 not zero",
                |p, _| {
                    let x = period(p, 5);
                    x["q"] = json!("ZE1");
                    x["e"] = json!("2");
                    x["v"] = json!("0.500");
                },
                "C11",
                Some("ECS1011"),
                false,
            ),
            (
                "C12 estimate without reason",
                |p, _| period(p, 5)["q"] = json!("E1"),
                "C12",
                Some("ECS1015"),
                false,
            ),
            (
                "C12 actual with a reason",
                |p, _| period(p, 5)["e"] = json!("2"),
                "C12",
                None,
                true,
            ),
            (
                "C13 amendment without arc",
                |p, _| {
                    let x = period(p, 5);
                    x["q"] = json!("E1");
                    x["e"] = json!("9");
                },
                "C13",
                Some("ECS1016"),
                false,
            ),
            (
                "C13 arc without amendment",
                |p, _| period(p, 5)["arc"] = json!("A"),
                "C13",
                None,
                true,
            ),
            (
                "C14 ADS code from an SDS",
                |p, _| period(p, 5)["q"] = json!("A1"),
                "C14",
                None,
                false,
            ),
            (
                "C14 E from an SDS",
                |p, _| {
                    let x = period(p, 5);
                    x["q"] = json!("E");
                    x["e"] = json!("2");
                },
                "C14",
                None,
                true,
            ),
            (
                "C15 before the appointment",
                |_, f| f.appointment = Some((datetime!(2026-04-19 12:00 UTC), None)),
                "C15",
                Some("ECS1009"),
                false,
            ),
            (
                "C15 after the de-appointment",
                |_, f| {
                    f.appointment = Some((
                        datetime!(2026-01-01 0:00 UTC),
                        Some(datetime!(2026-04-19 12:00 UTC)),
                    ));
                },
                "C15",
                Some("ECS1009"),
                false,
            ),
            (
                "D7 an estimate after de-energisation",
                |p, f| {
                    f.de_energised.push((datetime!(2026-04-19 12:00 UTC), true));
                    let x = period(p, 30);
                    x["q"] = json!("E1");
                    x["e"] = json!("2");
                },
                "D7",
                Some("ECS1008"),
                false,
            ),
            (
                "D7 zero without e 7",
                |p, f| {
                    f.de_energised.push((datetime!(2026-04-19 12:00 UTC), true));
                    let x = period(p, 30);
                    x["q"] = json!("ZE1");
                    x["e"] = json!("2");
                    x["v"] = json!("0.000");
                },
                "D7",
                None,
                true,
            ),
        ]
    }

    #[test]
    fn each_rule_broken_alone_is_found_alone() {
        for (name, plant, rule, ecs, warn) in plants() {
            let (mut p, mut f) = (valid(), facts());
            plant(&mut p, &mut f);
            let found = check_if021(&p, &f);
            assert!(!found.is_empty(), "{name}: nothing found");
            assert_eq!(kinds(&found), vec![(rule, ecs, warn)], "{name}: {found:#?}");
            for b in &found {
                assert!(
                    b.message.contains(&format!("({rule}"))
                        || b.message.contains(&format!(" {rule})")),
                    "{name}: {b:?}"
                );
                assert!(b.pointer.starts_with("/CustomBlock/"), "{name}: {b:?}");
                assert!(
                    p.pointer(&b.pointer).is_some(),
                    "{name}: {} is not in the payload",
                    b.pointer
                );
            }
        }
        // Every rule of the contract's table has its plant.
        let covered: Vec<&str> = plants().iter().map(|p| p.2).collect();
        for r in [
            "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11", "C12", "C13",
            "C14", "C15", "D7",
        ] {
            assert!(covered.contains(&r), "{r}");
        }
    }

    #[test]
    fn a_rule_whose_fact_is_unknown_is_not_judged() {
        for (name, plant, rule, ..) in plants() {
            if !matches!(rule, "C2" | "C15" | "D7") && !name.starts_with("C4 periods") {
                continue;
            }
            let (mut p, mut f) = (valid(), facts());
            plant(&mut p, &mut f);
            match rule {
                "C2" => f.direction = None,
                "C15" => f.appointment = None,
                "D7" => f.de_energised.clear(),
                _ => f.connection = None,
            }
            assert_eq!(check_if021(&p, &f), Vec::new(), "{name}");
        }
    }

    #[test]
    fn ecs_codes_have_their_texts() {
        assert_eq!(
            ecs_text("ECS1005"),
            "SP End Date / Time invalid for Settlement Period Duration"
        );
        assert_eq!(ecs_text("ECS9999"), "ECS9999");
        for (_, _, _, ecs, _) in plants() {
            if let Some(code) = ecs {
                assert_ne!(ecs_text(code), code, "{code} has a text");
            }
        }
    }

    fn messages(found: &[Breach]) -> String {
        let mut out = String::new();
        for b in found {
            let _ = writeln!(out, "{} {}: {}", b.rule, b.pointer, b.message);
        }
        out
    }

    /// A day of the periods ending at `start` + 30·k minutes for `ks`, written at `+hours`.
    fn local_day(start: OffsetDateTime, hours: i8, ks: std::ops::RangeInclusive<i64>) -> Value {
        let periods: Vec<Value> = ks
            .map(|k| json!({"sp": written(start + Duration::minutes(30 * k), hours), "v": "0.200", "q": "A", "e": null, "arc": null}))
            .collect();
        json!({"settlementDay": {"settlementDayDate": written(start, hours), "periodDuration": 30}, "consumptionPeriods": periods})
    }

    #[test]
    fn a_46_period_local_day_says_why() {
        let p = payload(vec![local_day(datetime!(2026-03-29 0:00 UTC), 0, 1..=46)]);
        let found = check_if021(&p, &facts());
        assert_eq!(kinds(&found), vec![("C9", None, false)], "{found:#?}");
        assert!(
            found[0].message.starts_with("settlement day 2026-03-29 has 46 periods; an IF-021 day is a UTC day of exactly 48 periods (C9)"),
            "{}", found[0].message
        );
        assert!(
            found[0].message.contains("the clocks go forward"),
            "{}",
            found[0].message
        );
        assert!(
            found[0]
                .message
                .contains("missing sp 2026-03-29T23:30:00+00:00, 2026-03-30T00:00:00+00:00"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_50_period_local_day_says_why() {
        // Written as a UTC midnight: the two periods past D+1 00:00 and the count.
        let p = payload(vec![local_day(datetime!(2026-10-25 0:00 UTC), 0, 1..=50)]);
        let found = check_if021(&p, &facts());
        assert_eq!(
            kinds(&found),
            vec![("C7", Some("ECS1005"), false), ("C9", None, false)],
            "{found:#?}"
        );
        let text = messages(&found);
        assert!(text.contains("settlement day 2026-10-25 has 50 periods; an IF-021 day is a UTC day of exactly 48 periods (C9); 50 is the count of the local day on which the clocks go back"), "{text}");
        assert!(text.contains("sp 2026-10-26T00:30:00+00:00: the period ends after settlement day 2026-10-25 ends at 2026-10-26T00:00:00+00:00"), "{text}");
        // Built from the local (BST) midnight: that is said too.
        let p = payload(vec![local_day(datetime!(2026-10-24 23:00 UTC), 1, 1..=50)]);
        let found = check_if021(&p, &facts());
        assert_eq!(
            kinds(&found),
            vec![
                ("C5", Some("ECS1014"), false),
                ("C7", Some("ECS1005"), false),
                ("C9", None, false)
            ],
            "{found:#?}"
        );
        for b in &found {
            assert!(
                b.message
                    .contains("an IF-021 day is a UTC day of exactly 48 periods"),
                "{b:?}"
            );
        }
    }

    #[test]
    fn a_summer_local_midnight_says_why() {
        let p = payload(vec![local_day(datetime!(2026-06-30 23:00 UTC), 1, 1..=48)]);
        let found = check_if021(&p, &facts());
        assert_eq!(
            kinds(&found),
            vec![("C5", Some("ECS1014"), false)],
            "{found:#?}"
        );
        assert_eq!(
            found[0].message,
            "settlementDayDate 2026-07-01T00:00:00+01:00 is 2026-06-30T23:00:00+00:00, a local midnight, not 00:00:00 UTC: an IF-021 day is a UTC day of exactly 48 periods from 00:00:00 UTC (DI-101, C5)"
        );
        assert_eq!(
            found[0].pointer,
            "/CustomBlock/B900/settlementDayConsumptionPeriods/0/settlementDay/settlementDayDate"
        );
    }

    #[test]
    fn period_starts_say_sp_is_the_end() {
        let p = payload(vec![local_day(datetime!(2026-07-01 0:00 UTC), 0, 0..=47)]);
        let found = check_if021(&p, &facts());
        assert_eq!(
            kinds(&found),
            vec![("C7", Some("ECS1005"), false)],
            "{found:#?}"
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("sp 2026-07-01T00:00:00+00:00 is the start of the first period; sp is the END of a period (DI-082, C7)"), "{}", found[0].message);
        assert!(found[0].message.ends_with("the first period of settlement day 2026-07-01 ends at 2026-07-01T00:30:00+00:00 and the last at 2026-07-02T00:00:00+00:00"), "{}", found[0].message);
        assert_eq!(
            found[0].pointer,
            "/CustomBlock/B900/settlementDayConsumptionPeriods/0/consumptionPeriods/0/sp"
        );
    }

    #[test]
    fn forty_nine_periods_are_judged_all_the_same() {
        let mut p = valid();
        let extra = json!({"sp": "2026-04-20T00:30:00+00:00", "v": "0.100", "q": "A", "e": null, "arc": null});
        first_day(&mut p)["consumptionPeriods"]
            .as_array_mut()
            .expect("periods")
            .push(extra);
        let found = check_if021(&p, &facts());
        assert_eq!(
            kinds(&found),
            vec![("C7", Some("ECS1005"), false), ("C9", None, false)],
            "{found:#?}"
        );
        assert!(messages(&found).contains("settlement day 2026-04-19 has 49 periods; an IF-021 day is a UTC day of exactly 48 periods (C9)"));
    }

    #[test]
    fn an_sp_off_the_half_hour_says_so() {
        let mut p = valid();
        period(&mut p, 7)["sp"] = json!("2026-04-19T03:29:59+00:00");
        let found = check_if021(&p, &facts());
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].rule, "C7");
        assert_eq!(
            found[0].message,
            "settlement day 2026-04-19, sp 2026-04-19T03:29:59+00:00: sp is not on the 00 or 30 minute; sp is the UTC end of a half-hour period (DI-082, C7)"
        );
        period(&mut p, 7)["sp"] = json!("2026-04-19 03:30");
        let found = check_if021(&p, &facts());
        assert_eq!(
            kinds(&found),
            vec![("C7", Some("ECS1005"), false)],
            "{found:#?}"
        );
        assert!(
            found[0].message.contains("is not a DT-003 date-time"),
            "{found:#?}"
        );
    }

    #[test]
    fn a_settlement_day_date_that_is_not_a_date_says_so() {
        let mut p = valid();
        first_day(&mut p)["settlementDay"]["settlementDayDate"] =
            json!("2026-02-30T00:00:00+00:00");
        let found = check_if021(&p, &facts());
        assert_eq!(
            kinds(&found),
            vec![("C5", Some("ECS1014"), false)],
            "{found:#?}"
        );
        assert!(
            found[0].message.starts_with(
                "settlementDayDate \"2026-02-30T00:00:00+00:00\" is not a DT-003 date-time"
            ),
            "{found:#?}"
        );
        first_day(&mut p)["settlementDay"]["settlementDayDate"] = json!(20_260_419);
        assert_eq!(
            check_if021(&p, &facts()),
            Vec::new(),
            "a number is the schema's to report"
        );
    }

    #[test]
    fn a_v_that_is_not_a_number_says_so() {
        let mut p = valid();
        period(&mut p, 12)["v"] = json!("1,5");
        let found = check_if021(&p, &facts());
        assert_eq!(kinds(&found), vec![("C10", None, false)], "{found:#?}");
        assert!(
            found[0]
                .message
                .contains("v \"1,5\" is not a DT-016 decimal"),
            "{found:#?}"
        );
        period(&mut p, 12)["v"] = json!(1.5);
        assert_eq!(
            check_if021(&p, &facts()),
            Vec::new(),
            "a number is the schema's to report"
        );
    }

    #[test]
    fn instants_beyond_the_years_in_utc_do_not_panic() {
        let mut p = valid();
        first_day(&mut p)["settlementDay"]["settlementDayDate"] =
            json!("9999-12-31T23:59:00-23:59");
        period(&mut p, 1)["sp"] = json!("9999-12-31T23:59:00-23:59");
        period(&mut p, 2)["sp"] = json!("0000-01-01T00:00:00+23:59");
        let mut f = facts();
        f.de_energised.push((datetime!(2026-04-19 0:00 UTC), true));
        let found = check_if021(&p, &f);
        assert!(found.iter().any(|b| b.rule == "C5"), "{found:#?}");
        assert!(
            found
                .iter()
                .any(|b| b.message.contains(" s,") || b.message.contains(" s ")),
            "{found:#?}"
        );
        assert!(consumption_on_de_energised(&p, &f));
    }

    #[test]
    fn date_times_read_from_their_time_are_read_as_dt003() {
        let mut dates = Dates::default();
        let mut checked = 0;
        for date in ["2026-04-19", "2026-12-31", "2026-02-29", "2026-04-19"] {
            for offset in ["+00:00", "+01:00", "-23:59", "+24:00"] {
                for time in [
                    "00:30:00", "23:59:59", "24:00:00", "23:60:00", "23:59:60", "12:3x:00",
                    "00:00:00", "9:00:000",
                ] {
                    for sep in ["T", " "] {
                        let s = format!("{date}{sep}{time}{offset}");
                        assert_eq!(dates.seconds(&s), dt003_seconds(&s), "{s}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 256);
    }

    #[test]
    fn ten_thousand_days_are_bounded() {
        let days: Vec<Value> = (0..10_000)
            .map(|n| {
                let date = DAY + Duration::days(n);
                json!({"settlementDay": {"settlementDayDate": crate::market::consumption::utc_text(sp_of(date, 0)), "periodDuration": 30},
                       "consumptionPeriods": [{"sp": crate::market::consumption::utc_text(sp_of(date, 1)), "v": "0.100", "q": "A", "e": null, "arc": null}]})
            })
            .collect();
        let p = payload(days);
        let started = Instant::now();
        let found = check_if021(&p, &facts());
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(found.len(), MAX_BREACHES + 1, "{}", messages(&found));
        assert_eq!(
            found[0].message,
            "the message holds 10000 settlement days, more than the 200 one IF-021 may carry (B900 maxItems); the first 200 were judged (C9)"
        );
        assert_eq!(
            found[0].pointer,
            "/CustomBlock/B900/settlementDayConsumptionPeriods"
        );
        // 200 short days judged, 49 of them listed, the rest counted.
        let last = &found[MAX_BREACHES];
        assert_eq!(last.message, "and 151 more breaches not listed (C9 151)");
        assert_eq!((last.rule, last.warn), ("C9", false));
        assert!(!consumption_on_de_energised(&p, &facts()));
    }

    #[test]
    fn failures_are_kept_before_warnings() {
        let mut p = valid();
        for k in 1..=48 {
            period(&mut p, k)["e"] = json!("2");
            period(&mut p, k)["v"] = json!("-0.001");
        }
        let found = check_if021(&p, &facts());
        assert_eq!(found.len(), MAX_BREACHES + 1);
        assert!(found[..48].iter().all(|b| b.rule == "C10" && !b.warn));
        assert!(found[48..50].iter().all(|b| b.rule == "C12" && b.warn));
        assert_eq!(
            found[50].message,
            "and 46 more breaches not listed (C12 46 (warnings))"
        );
        assert!(found[50].warn);
        assert_eq!(found[50].ecs, None);
    }

    #[test]
    fn actual_consumption_after_de_energisation_is_told_apart() {
        let p = valid();
        let mut f = facts();
        f.de_energised.push((datetime!(2026-04-19 23:59 UTC), true));
        assert!(
            consumption_on_de_energised(&p, &f),
            "the last period ends after"
        );
        assert_eq!(
            check_if021(&p, &f),
            Vec::new(),
            "actuals are not the DS's error"
        );
        f.de_energised.push((datetime!(2026-04-20 0:00 UTC), false));
        f.de_energised
            .push((datetime!(2026-04-19 23:58 UTC), false));
        assert!(
            consumption_on_de_energised(&p, &f),
            "the latest change before the end counts"
        );
        f.de_energised = vec![(datetime!(2026-04-20 0:00 UTC), true)];
        assert!(!consumption_on_de_energised(&p, &f), "no period ends after");
    }
}
