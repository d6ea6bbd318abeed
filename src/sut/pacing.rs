//! How the reference participant paces its submissions once the DIP throttles it
//! (CONTRACT.md §6 S6: a submission answered `429` is resubmitted until it is accepted).
//!
//! Honouring `Retry-After` alone is not enough: every submission waiting out the pause would
//! go at the same instant, and all but one would be throttled again. So the first `429` also
//! teaches the participant the DIP's limit (the submissions accepted in the last second), and
//! from then on every attempt takes a slot of its own in a sliding window of that many per
//! second, reserved in the order asked. The pace is probed upwards by a twentieth (at least
//! one) each second it holds submissions back without a `429`, cut by a tenth at a later
//! `429` (at most once a second), and forgotten after [`FORGET_AFTER`] without one, when the
//! limit has likely gone.
//!
//! The window is a second and [`MARGIN`]: a submission's journey to the DIP varies by a few
//! milliseconds, and the DIP counts arrivals, not departures.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How much later than a second after an earlier slot a new one starts.
const MARGIN: Duration = Duration::from_millis(10);
/// The window of the pace.
const WINDOW: Duration = Duration::from_secs(1).saturating_add(MARGIN);
/// Without a `429` for this long, the pace is forgotten.
pub(super) const FORGET_AFTER: Duration = Duration::from_secs(10);

/// The shared pace of one participant's submissions.
#[derive(Debug)]
pub(super) struct Pacer {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Attempts per window since the DIP throttled; `None`: unpaced.
    pace: Option<u32>,
    /// The most the pace goes back up to: nine tenths of the limit learned.
    ceiling: u32,
    /// Unpaced: when each submission of the last window was accepted, oldest first (what the
    /// pace is learned from).
    slots: VecDeque<Instant>,
    /// Paced: the earliest the next attempt may start.
    next: Instant,
    /// No attempt starts before this (the latest `429`'s `Retry-After`).
    not_before: Option<Instant>,
    /// When the pace was last learned, cut or raised.
    changed: Instant,
    /// When the latest `429` came.
    throttled: Instant,
}

impl Default for Pacer {
    fn default() -> Self {
        let now = Instant::now();
        Self {
            state: Mutex::new(State {
                pace: None,
                ceiling: u32::MAX,
                slots: VecDeque::new(),
                next: now,
                not_before: None,
                changed: now,
                throttled: now,
            }),
        }
    }
}

impl State {
    fn prune(&mut self, now: Instant) {
        while self
            .slots
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
        {
            self.slots.pop_front();
        }
    }
}

impl Pacer {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The pace learned from the DIP's throttling, if any.
    #[cfg(test)]
    fn pace(&self) -> Option<u32> {
        self.state().pace
    }

    /// A submission was accepted at `now`.
    pub(super) fn accepted(&self, now: Instant) {
        let mut s = self.state();
        if s.pace.is_none() {
            s.prune(now);
            s.slots.push_back(now);
        }
    }

    /// A submission was answered `429` at `now`, to come back after `retry_after`: every
    /// attempt waits that long, and the pace is learned (or cut).
    pub(super) fn throttled(&self, now: Instant, retry_after: Duration) {
        let mut s = self.state();
        let until = now + retry_after;
        s.not_before = Some(s.not_before.map_or(until, |t| t.max(until)));
        s.throttled = now;
        match s.pace {
            None => {
                s.prune(now);
                let limit = u64::try_from(s.slots.len()).unwrap_or(u64::MAX);
                s.ceiling = u32::try_from(limit.saturating_mul(9) / 10)
                    .unwrap_or(u32::MAX)
                    .max(1);
                s.pace = Some(s.ceiling);
                s.changed = now;
                s.slots.clear();
                s.next = now;
            }
            Some(p) if now.saturating_duration_since(s.changed) >= WINDOW => {
                s.pace = Some(p.saturating_sub((p / 10).max(1)).max(1));
                s.changed = now;
            }
            Some(_) => {}
        }
    }

    /// The instant the next attempt may start, asked at `now`; its slot is taken.
    pub(super) fn reserve(&self, now: Instant) -> Instant {
        let mut s = self.state();
        if s.pace.is_some() && now.saturating_duration_since(s.throttled) >= FORGET_AFTER {
            s.pace = None;
            s.slots.clear();
        }
        let mut at = s.not_before.map_or(now, |t| t.max(now));
        let Some(mut pace) = s.pace else {
            return at;
        };
        let spacing = WINDOW / pace.max(1);
        at = at.max(s.next);
        if at > now && pace < s.ceiling && now.saturating_duration_since(s.changed) >= WINDOW {
            // Held back for a second without a 429 since a cut: a little faster again.
            pace = pace.saturating_add((pace / 20).max(1)).min(s.ceiling);
            s.pace = Some(pace);
            s.changed = now;
        }
        s.next = at + spacing;
        at
    }

    /// The end of the pause a `429` started, if it lasts beyond `now`.
    pub(super) fn paused_until(&self, now: Instant) -> Option<Instant> {
        self.state().not_before.filter(|t| *t > now)
    }

    /// Waits for the next attempt's turn: its slot, then any pause that began meanwhile (at
    /// most four times: a pause is extended only by a `429`, which the paced attempts make
    /// rare).
    pub(super) async fn wait_turn(&self) {
        let at = self.reserve(Instant::now());
        tokio::time::sleep_until(at.into()).await;
        for _ in 0..4 {
            let Some(until) = self.paused_until(Instant::now()) else {
                return;
            };
            tokio::time::sleep_until(until.into()).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn unpaced_attempts_go_at_once_until_the_first_429() {
        let p = Pacer::default();
        let t0 = Instant::now();
        for i in 0..100 {
            assert_eq!(p.reserve(t0 + ms(i)), t0 + ms(i));
            p.accepted(t0 + ms(i));
        }
        assert_eq!(p.pace(), None);
        assert_eq!(p.paused_until(t0), None);
    }

    #[test]
    fn the_first_429_pauses_everyone_then_paces_them_at_the_rate_accepted() {
        let p = Pacer::default();
        let t0 = Instant::now();
        // Five accepted over 400 ms (and one long before, out of the window), then a 429
        // telling the participant to wait 600 ms.
        p.accepted(t0);
        let t1 = t0 + ms(5000);
        for i in 0..5 {
            p.accepted(t1 + ms(100 * i));
        }
        p.throttled(t1 + ms(400), ms(600));
        assert_eq!(
            p.pace(),
            Some(4),
            "nine tenths of the 5 accepted in the last second"
        );
        assert_eq!(p.paused_until(t1 + ms(400)), Some(t1 + ms(1000)));
        assert_eq!(p.paused_until(t1 + ms(1000)), None);
        // Ten waiting attempts: none before the pause ends, each a turn of its own, evenly
        // spaced.
        let slots: Vec<Instant> = (0..10).map(|_| p.reserve(t1 + ms(400))).collect();
        assert!(slots.windows(2).all(|w| w[0] <= w[1]), "{slots:?}");
        assert!(slots.iter().all(|t| *t >= t1 + ms(1000)), "{slots:?}");
        // No window of a second (and the margin) holds more than four of them. (The DIP's
        // window may still hold some it admitted before the 429: the pause it asked for ends
        // when one of them leaves, and they leave faster than the paced turns come.)
        let window = ms(1000) + MARGIN;
        for s in &slots {
            let within = slots
                .iter()
                .filter(|t| **t >= *s && **t < *s + window)
                .count();
            assert!(within <= 4, "{slots:?}");
        }
    }

    #[test]
    fn the_pace_is_cut_at_a_later_429_raised_while_it_holds_back_and_forgotten() {
        let p = Pacer::default();
        let t0 = Instant::now();
        for _ in 0..40 {
            p.accepted(t0);
        }
        p.throttled(t0, ms(1));
        assert_eq!(p.pace(), Some(36));
        // More 429s in the same second change nothing: they are the same burst.
        p.throttled(t0 + ms(500), ms(1));
        assert_eq!(p.pace(), Some(36));
        // A second later, a 429 cuts a tenth.
        p.throttled(t0 + ms(1500), ms(1));
        assert_eq!(p.pace(), Some(33));
        // Turns held back a second after the cut raise the pace by a twentieth (at least one),
        // and never above the 36 first learned.
        let t2 = t0 + ms(1600);
        for _ in 0..33 {
            p.reserve(t2);
        }
        assert_eq!(p.pace(), Some(33));
        p.reserve(t0 + ms(2600));
        assert_eq!(p.pace(), Some(34));
        for i in 0..6u64 {
            let t = t0 + ms(3700 + 1100 * i);
            for _ in 0..40 {
                p.reserve(t);
            }
        }
        assert_eq!(p.pace(), Some(36));
        // Ten seconds without a 429: unpaced again.
        let later = t0 + ms(1500) + FORGET_AFTER;
        assert_eq!(p.reserve(later), later);
        assert_eq!(p.pace(), None);
    }

    #[test]
    fn a_later_pause_holds_back_turns_already_taken() {
        let p = Pacer::default();
        let t0 = Instant::now();
        p.accepted(t0);
        p.throttled(t0 + ms(10), ms(100));
        // The pace is one a window: the first turn at the end of the pause, the next a window
        // later.
        let first = p.reserve(t0 + ms(10));
        assert_eq!(first, t0 + ms(110));
        // Another 429 pauses everyone until 2 s: the attempt that took the first turn waits
        // for the pause too, and the next turn is no earlier than its end.
        p.throttled(t0 + ms(20), ms(1980));
        assert_eq!(p.paused_until(first), Some(t0 + ms(2000)));
        assert_eq!(p.reserve(t0 + ms(20)), t0 + ms(2000));
        assert_eq!(p.reserve(t0 + ms(20)), t0 + ms(2000) + WINDOW);
    }
}
