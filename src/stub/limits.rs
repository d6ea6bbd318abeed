//! The DIP's constraints on a participant's own traffic: a rate limit per participant and a
//! simulated outage (CONTRACT.md §2: `429` or `503` when a scenario simulates throttling or an
//! outage), and a record of what each participant sent, for the load verdicts.
//!
//! Ingress asks the [`Gate`] as soon as the API key names the submitting party, before it
//! verifies a signature or reads a schema: the DIP throttles before it does work.
//!
//! - The rate limit is a *sliding* one-second window of admitted submissions per participant
//!   (by DIP ID): a log of the last second's admission instants, at most `per_second` long. A
//!   submission is admitted while fewer than `per_second` were admitted in the last second;
//!   otherwise it is [`Admission::Throttled`], to be retried when the oldest admission leaves
//!   the window. Throttled submissions do not count towards the window.
//! - An outage answers every submission, whoever sends it, [`Admission::Unavailable`] until it
//!   ends. It is not a throttle: such an attempt counts as unavailable, not throttled, and is
//!   not admitted.
//! - Every attempt (admitted, throttled or unavailable) is counted in 10 ms buckets from the
//!   participant's first attempt: the busiest one-second window is exact to 10 ms, and memory
//!   grows by 400 bytes per second of run. The buckets stop at [`MAX_TRAFFIC_SPAN`] (24 hours):
//!   later attempts are still counted in the totals, not in the chart or the peak.
//!
//! One lock guards it all; each call holds it for a few map and deque operations. Without a
//! limit or an outage an attempt costs a map lookup and a counter increment.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The width of the rate limit's window.
const WINDOW: Duration = Duration::from_secs(1);
/// The width of one traffic bucket.
const BUCKET: Duration = Duration::from_millis(10);
/// Buckets in one second.
const BUCKETS_PER_SECOND: usize = 100;
/// How long after a participant's first attempt its attempts are still charted: 24 hours
/// (8,640,000 buckets of 4 bytes).
pub const MAX_TRAFFIC_SPAN: Duration = Duration::from_secs(24 * 60 * 60);
/// The shortest wait a throttled submission is told.
const MIN_RETRY_AFTER: Duration = Duration::from_millis(1);

/// The DIP's answer to one submission before its checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Within the limits: the checks go on.
    Admit,
    /// Over the participant's rate limit: answered `429`; a slot frees after `retry_after`.
    Throttled { retry_after: Duration },
    /// During a simulated outage: answered `503`.
    Unavailable,
}

/// What one participant sent since the gate was last reset (or its first attempt).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Every attempt, whatever its answer.
    pub attempts: u64,
    /// Attempts answered `429`.
    pub throttled: u64,
    /// Attempts answered `503` during an outage.
    pub unavailable: u64,
    /// The most attempts (whatever their answer) in any sliding one-second window, and where
    /// that window starts (time since the first attempt).
    pub peak_per_second: u64,
    pub peak_at: Duration,
    /// Attempts per whole second since the first attempt (for a chart): index = second.
    pub per_second: Vec<u64>,
}

/// The stub DIP's throttle and outage window, shared by its servers.
#[derive(Debug, Default)]
pub struct Gate {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Admitted submissions per participant per second; `None`: no limit.
    limit: Option<u32>,
    /// Every submission is unavailable until then.
    outage_until: Option<Instant>,
    /// By DIP ID.
    participants: HashMap<String, Participant>,
}

#[derive(Debug)]
struct Participant {
    /// The instants of the last second's admissions, oldest first; only while there is a limit.
    admitted: VecDeque<Instant>,
    first: Instant,
    attempts: u64,
    throttled: u64,
    unavailable: u64,
    /// Attempts per 10 ms since `first`.
    buckets: Vec<u32>,
}

impl Participant {
    fn new(first: Instant) -> Self {
        Self {
            admitted: VecDeque::new(),
            first,
            attempts: 0,
            throttled: 0,
            unavailable: 0,
            buckets: Vec::new(),
        }
    }

    fn count(&mut self, now: Instant) {
        self.attempts += 1;
        let since = now.saturating_duration_since(self.first);
        if since >= MAX_TRAFFIC_SPAN {
            return;
        }
        let i = usize::try_from(since.as_millis() / BUCKET.as_millis()).unwrap_or(usize::MAX);
        if self.buckets.len() <= i {
            self.buckets.resize(i + 1, 0);
        }
        self.buckets[i] = self.buckets[i].saturating_add(1);
    }

    /// Whether a submission at `now` is within `limit`; if so it is logged as admitted.
    fn admit(&mut self, now: Instant, limit: u32) -> Admission {
        while self
            .admitted
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
        {
            self.admitted.pop_front();
        }
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        if self.admitted.len() < limit {
            self.admitted.push_back(now);
            return Admission::Admit;
        }
        self.throttled += 1;
        // A slot frees when enough of the window's admissions have left it for fewer than
        // `limit` to remain (the oldest, unless the limit was lowered meanwhile). A limit of 0
        // admits nothing: try again in a second.
        let retry_after = match self.admitted.len().checked_sub(limit) {
            Some(i) if limit > 0 => (self.admitted[i] + WINDOW).saturating_duration_since(now),
            _ => WINDOW,
        };
        Admission::Throttled {
            retry_after: retry_after.max(MIN_RETRY_AFTER),
        }
    }

    fn traffic(&self) -> Traffic {
        let mut per_second = Vec::with_capacity(self.buckets.len().div_ceil(BUCKETS_PER_SECOND));
        for second in self.buckets.chunks(BUCKETS_PER_SECOND) {
            per_second.push(second.iter().map(|&n| u64::from(n)).sum());
        }
        // The sliding window of 100 buckets, moved one bucket at a time.
        let mut sum: u64 = self
            .buckets
            .iter()
            .take(BUCKETS_PER_SECOND)
            .map(|&n| u64::from(n))
            .sum();
        let (mut peak, mut peak_start) = (sum, 0);
        for start in 1..self.buckets.len() {
            sum -= u64::from(self.buckets[start - 1]);
            if let Some(&n) = self.buckets.get(start + BUCKETS_PER_SECOND - 1) {
                sum += u64::from(n);
            }
            if sum > peak {
                (peak, peak_start) = (sum, start);
            }
        }
        Traffic {
            attempts: self.attempts,
            throttled: self.throttled,
            unavailable: self.unavailable,
            peak_per_second: peak,
            peak_at: BUCKET * u32::try_from(peak_start).unwrap_or(u32::MAX),
            per_second,
        }
    }
}

impl Gate {
    fn state(&self) -> MutexGuard<'_, State> {
        // The state is counters and logs: one left half-updated by a panic elsewhere is still
        // worth reading.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Limits each participant (by DIP ID) to `per_second` admitted submissions in any
    /// one-second window; `None` lifts the limit, `Some(0)` throttles everything.
    pub fn set_rate_limit(&self, per_second: Option<u32>) {
        self.state().limit = per_second;
    }

    /// The rate limit in force.
    pub fn rate_limit(&self) -> Option<u32> {
        self.state().limit
    }

    /// Answers every submission `503` from now for `length`.
    pub fn outage(&self, length: Duration) {
        self.outage_at(Instant::now(), length);
    }

    pub(crate) fn outage_at(&self, now: Instant, length: Duration) {
        self.state().outage_until = now.checked_add(length);
    }

    /// Decides on one submission of the participant `dip_id`, now, and counts it.
    pub fn admit(&self, dip_id: &str) -> Admission {
        self.admit_at(dip_id, Instant::now())
    }

    /// [`Gate::admit`] at a given instant (instants never go backwards in a run; in tests
    /// they are made up).
    pub(crate) fn admit_at(&self, dip_id: &str, now: Instant) -> Admission {
        let mut state = self.state();
        let State {
            limit,
            outage_until,
            participants,
        } = &mut *state;
        if !participants.contains_key(dip_id) {
            participants.insert(dip_id.to_owned(), Participant::new(now));
        }
        let Some(p) = participants.get_mut(dip_id) else {
            return Admission::Admit;
        };
        p.count(now);
        if let Some(until) = *outage_until {
            if now < until {
                p.unavailable += 1;
                return Admission::Unavailable;
            }
            *outage_until = None;
        }
        match *limit {
            Some(limit) => p.admit(now, limit),
            None => Admission::Admit,
        }
    }

    /// What the participant `dip_id` sent (all zero when it sent nothing).
    pub fn traffic(&self, dip_id: &str) -> Traffic {
        self.state()
            .participants
            .get(dip_id)
            .map(Participant::traffic)
            .unwrap_or_default()
    }

    /// Forgets the limit, the outage and all traffic.
    pub fn reset(&self) {
        *self.state() = State::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: &str = "2300000001";
    const OTHER: &str = "2300000002";

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn admits_exactly_the_limit_in_a_second_then_throttles_until_the_oldest_leaves() {
        let gate = Gate::default();
        gate.set_rate_limit(Some(5));
        let t0 = Instant::now();
        // Five, 100 ms apart.
        for i in 0..5 {
            assert_eq!(gate.admit_at(ME, t0 + ms(100 * i)), Admission::Admit, "{i}");
        }
        // The sixth at 450 ms: the first leaves the window at 1000 ms.
        assert_eq!(
            gate.admit_at(ME, t0 + ms(450)),
            Admission::Throttled {
                retry_after: ms(550)
            }
        );
        // Another participant has a window of its own.
        assert_eq!(gate.admit_at(OTHER, t0 + ms(450)), Admission::Admit);
        // A 429 does not count towards the window: just before 1000 ms it is still full...
        assert_eq!(
            gate.admit_at(ME, t0 + ms(999)),
            Admission::Throttled { retry_after: ms(1) }
        );
        // ...and at 1000 ms exactly one slot has freed.
        assert_eq!(gate.admit_at(ME, t0 + ms(1000)), Admission::Admit);
        assert_eq!(
            gate.admit_at(ME, t0 + ms(1000)),
            Admission::Throttled {
                retry_after: ms(100)
            }
        );
        // The window slides: at 1450 ms the admissions of 100-400 ms have left.
        for i in 0..4 {
            assert_eq!(gate.admit_at(ME, t0 + ms(1450)), Admission::Admit, "{i}");
        }
        assert!(matches!(
            gate.admit_at(ME, t0 + ms(1450)),
            Admission::Throttled { .. }
        ));
        let t = gate.traffic(ME);
        assert_eq!((t.attempts, t.throttled, t.unavailable), (14, 4, 0));
        assert_eq!(gate.traffic(OTHER).attempts, 1);
        assert_eq!(gate.traffic("nobody"), Traffic::default());
    }

    #[test]
    fn a_retry_after_is_never_zero_and_a_lowered_limit_counts_the_whole_window() {
        let gate = Gate::default();
        gate.set_rate_limit(Some(3));
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(gate.admit_at(ME, t0 + ms(i)), Admission::Admit);
        }
        // At the very instant the oldest leaves, the answer is Admit; a millisecond short of
        // it, the wait is one millisecond, never zero.
        assert_eq!(
            gate.admit_at(ME, t0 + ms(999)),
            Admission::Throttled { retry_after: ms(1) }
        );
        // Lowered to 1: all three must leave first (the last at 1002 ms).
        gate.set_rate_limit(Some(1));
        assert_eq!(
            gate.admit_at(ME, t0 + ms(500)),
            Admission::Throttled {
                retry_after: ms(502)
            }
        );
        // 0 admits nothing.
        gate.set_rate_limit(Some(0));
        assert_eq!(
            gate.admit_at(ME, t0 + ms(5000)),
            Admission::Throttled {
                retry_after: WINDOW
            }
        );
        // Lifted: everything passes, and nothing more is logged.
        gate.set_rate_limit(None);
        assert_eq!(gate.rate_limit(), None);
        for i in 0..1000 {
            assert_eq!(gate.admit_at(ME, t0 + ms(6000)), Admission::Admit, "{i}");
        }
    }

    #[test]
    fn an_outage_answers_everyone_unavailable_then_ends_and_is_no_throttle() {
        let gate = Gate::default();
        gate.set_rate_limit(Some(1));
        let t0 = Instant::now();
        gate.outage_at(t0, ms(2000));
        for who in [ME, OTHER] {
            assert_eq!(gate.admit_at(who, t0), Admission::Unavailable);
            assert_eq!(gate.admit_at(who, t0 + ms(1999)), Admission::Unavailable);
        }
        // Over: the unavailable attempts were not admitted, so the window is empty.
        assert_eq!(gate.admit_at(ME, t0 + ms(2000)), Admission::Admit);
        assert!(matches!(
            gate.admit_at(ME, t0 + ms(2001)),
            Admission::Throttled { .. }
        ));
        let t = gate.traffic(ME);
        assert_eq!((t.attempts, t.throttled, t.unavailable), (4, 1, 2));
        // Reset forgets the limit, the outage and the traffic.
        gate.outage_at(t0 + ms(3000), ms(60_000));
        gate.reset();
        assert_eq!(gate.admit_at(ME, t0 + ms(3001)), Admission::Admit);
        assert_eq!(gate.admit_at(ME, t0 + ms(3001)), Admission::Admit);
        assert_eq!(gate.traffic(ME).attempts, 2);
        assert_eq!(gate.traffic(OTHER), Traffic::default());
    }

    #[test]
    fn traffic_finds_the_busiest_second_to_ten_milliseconds() {
        let gate = Gate::default();
        let t0 = Instant::now();
        // Second 0: 10 attempts spread over it; 1.5-2.49 s: 30 attempts, 10 at 1500 ms,
        // 10 at 2000 ms and 10 at 2490 ms; 4.2 s: one.
        for i in 0..10 {
            gate.admit_at(ME, t0 + ms(100 * i));
        }
        for at in [1500, 2000, 2490] {
            for _ in 0..10 {
                gate.admit_at(ME, t0 + ms(at));
            }
        }
        gate.admit_at(ME, t0 + ms(4200));
        let t = gate.traffic(ME);
        assert_eq!(t.attempts, 41);
        assert_eq!(t.per_second, vec![10, 10, 20, 0, 1]);
        // The window [1500 ms, 2500 ms) holds all 30; none starting earlier or later does
        // (at 1490 ms it would lose those at 2490 ms, at 1510 ms those at 1500 ms).
        assert_eq!((t.peak_per_second, t.peak_at), (30, ms(1500)));
        // Under a second of traffic, the window is all of it.
        let gate = Gate::default();
        gate.admit_at(ME, t0);
        gate.admit_at(ME, t0 + ms(5));
        gate.admit_at(ME, t0 + ms(15));
        let t = gate.traffic(ME);
        assert_eq!((t.peak_per_second, t.peak_at), (3, Duration::ZERO));
        assert_eq!(t.per_second, vec![3]);
    }

    #[test]
    fn the_chart_stops_at_a_day_and_the_totals_go_on() {
        let gate = Gate::default();
        let t0 = Instant::now();
        gate.admit_at(ME, t0);
        gate.admit_at(ME, t0 + MAX_TRAFFIC_SPAN.saturating_sub(ms(1)));
        gate.admit_at(ME, t0 + MAX_TRAFFIC_SPAN + ms(1));
        let t = gate.traffic(ME);
        assert_eq!(t.attempts, 3);
        assert_eq!(t.per_second.len(), 24 * 60 * 60);
        assert_eq!(t.per_second.iter().sum::<u64>(), 2);
        assert_eq!(t.peak_per_second, 1);
    }
}
