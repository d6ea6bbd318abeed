//! The open-model schedule: when each message is due, from the stages' arrival rate. A message
//! is due when the integral of the rate reaches its number, so a ramp's messages come ever
//! closer together; the schedule never waits for the system.

#![expect(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "message counts are far below 2^52; floors of non-negative counts"
)]

use std::time::Duration;

use super::profile::Stage;

/// One piece of the rate: from `start` for `length` seconds, linear from `from` to `to`.
#[derive(Debug, Clone, Copy)]
struct Piece {
    start: f64,
    length: f64,
    from: f64,
    to: f64,
    /// Messages due before the piece starts.
    before: f64,
}

impl Piece {
    fn count(&self) -> f64 {
        self.length * (self.from + self.to) / 2.0
    }

    /// The time into the piece at which `n` messages of it are due (`n` within its count).
    fn time_of(&self, n: f64) -> f64 {
        let slope = (self.to - self.from) / self.length;
        if slope.abs() < 1e-12 {
            return n / self.from;
        }
        // from·t + slope·t²/2 = n
        let disc = self.from.mul_add(self.from, 2.0 * slope * n).max(0.0);
        (disc.sqrt() - self.from) / slope
    }
}

/// When each message is due.
#[derive(Debug, Clone)]
pub struct Schedule {
    pieces: Vec<Piece>,
    total: f64,
    /// The message to give next, and the piece it falls in.
    next: u64,
    piece: usize,
}

impl Schedule {
    /// The schedule of `stages` over `duration`: cut at `duration`, or, past the stages, held
    /// at the last stage's final rate.
    pub fn new(stages: &[Stage], duration: Duration) -> Self {
        let end = duration.as_secs_f64();
        let mut pieces = Vec::new();
        let (mut t, mut before) = (0.0, 0.0);
        for s in stages {
            if t >= end {
                break;
            }
            let full = s.duration.as_secs_f64();
            let length = full.min(end - t);
            let to = s.from + (s.to - s.from) * (length / full);
            let p = Piece {
                start: t,
                length,
                from: s.from,
                to,
                before,
            };
            before += p.count();
            pieces.push(p);
            t += length;
        }
        if t < end {
            let rate = stages.last().map_or(0.0, |s| s.to);
            let p = Piece {
                start: t,
                length: end - t,
                from: rate,
                to: rate,
                before,
            };
            before += p.count();
            pieces.push(p);
        }
        Self {
            pieces,
            total: before,
            next: 0,
            piece: 0,
        }
    }

    /// How many messages the schedule holds.
    pub fn len(&self) -> u64 {
        // The n-th message (from 0) is due when the integral reaches n + 1/2: a hold of r per
        // second for one second holds exactly r.
        (self.total + 0.5).floor() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Messages due in the whole second `second`.
    pub fn due_in_second(&self, second: u64) -> u64 {
        let at = |t: f64| -> f64 {
            let mut n = 0.0;
            for p in &self.pieces {
                if t <= p.start {
                    break;
                }
                let into = (t - p.start).min(p.length);
                let slope = (p.to - p.from) / p.length;
                n = p.before + p.from * into + slope * into * into / 2.0;
            }
            n
        };
        let (a, b) = (second as f64, second as f64 + 1.0);
        let count = |x: f64| (x + 0.5).floor().min(self.len() as f64);
        (count(at(b)) - count(at(a))).max(0.0) as u64
    }
}

impl Iterator for Schedule {
    type Item = Duration;

    /// The time the next message is due, from the start of the schedule.
    fn next(&mut self) -> Option<Duration> {
        if self.next >= self.len() {
            return None;
        }
        let n = self.next as f64 + 0.5;
        while self.piece < self.pieces.len() {
            let p = self.pieces[self.piece];
            if n <= p.before + p.count() && p.count() > 0.0 {
                self.next += 1;
                let t = p.start + p.time_of(n - p.before).clamp(0.0, p.length);
                return Some(Duration::from_secs_f64(t.max(0.0)));
            }
            self.piece += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::profile::StageKind;

    fn stage(kind: StageKind, secs: f64, from: f64, to: f64) -> Stage {
        Stage {
            kind,
            duration: Duration::from_secs_f64(secs),
            from,
            to,
        }
    }

    #[test]
    fn a_hold_spaces_messages_evenly() {
        let s = Schedule::new(
            &[stage(StageKind::Hold, 2.0, 100.0, 100.0)],
            Duration::from_secs(2),
        );
        assert_eq!(s.len(), 200);
        let times: Vec<f64> = s.map(|d| d.as_secs_f64()).collect();
        assert_eq!(times.len(), 200);
        assert!((times[0] - 0.005).abs() < 1e-9, "{}", times[0]);
        assert!((times[1] - times[0] - 0.01).abs() < 1e-9);
        assert!((times[199] - 1.995).abs() < 1e-9, "{}", times[199]);
    }

    #[test]
    fn a_ramp_brings_messages_ever_closer_and_holds_its_count() {
        let s = Schedule::new(
            &[stage(StageKind::Ramp, 2.0, 0.0, 100.0)],
            Duration::from_secs(2),
        );
        assert_eq!(s.len(), 100);
        assert_eq!(s.due_in_second(0), 25);
        assert_eq!(s.due_in_second(1), 75);
        let times: Vec<f64> = s.map(|d| d.as_secs_f64()).collect();
        let first_gap = times[1] - times[0];
        let last_gap = times[99] - times[98];
        assert!(first_gap > 5.0 * last_gap, "{first_gap} {last_gap}");
        assert!(times.windows(2).all(|w| w[0] < w[1]));
        assert!(*times.last().unwrap() <= 2.0);
    }

    #[test]
    fn stages_follow_one_another_and_the_last_rate_holds_to_the_duration() {
        let stages = [
            stage(StageKind::Ramp, 1.0, 0.0, 200.0),
            stage(StageKind::Spike, 0.5, 1000.0, 1000.0),
        ];
        let s = Schedule::new(&stages, Duration::from_secs(3));
        // 100 + 500 + 1.5 s at 1000.
        assert_eq!(s.len(), 2100);
        assert_eq!(s.due_in_second(2), 1000);
        let times: Vec<Duration> = s.collect();
        assert_eq!(times.len(), 2100);
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        // A duration shorter than the stages cuts them.
        let s = Schedule::new(&stages, Duration::from_millis(500));
        assert_eq!(s.len(), 25);
    }

    #[test]
    fn a_silent_stage_sends_nothing_and_is_stepped_over() {
        let stages = [
            stage(StageKind::Hold, 1.0, 0.0, 0.0),
            stage(StageKind::Hold, 1.0, 10.0, 10.0),
        ];
        let times: Vec<f64> = Schedule::new(&stages, Duration::from_secs(2))
            .map(|d| d.as_secs_f64())
            .collect();
        assert_eq!(times.len(), 10);
        assert!(times.iter().all(|t| *t > 1.0 && *t < 2.0), "{times:?}");
    }
}
