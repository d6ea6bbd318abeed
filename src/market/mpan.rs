//! MPAN cores (DT-002): 13 digits, the first two the distributor id, the last a check digit.
//!
//! Check digit (DOMAIN.md §3.2): the first twelve digits times the primes 3, 5, 7, 13, 17, 19,
//! 23, 29, 31, 37, 41, 43 (11 left out), summed, modulo 11, modulo 10.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use super::Segment;
use super::generator::Plan;

const PRIMES: [u32; 12] = [3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43];

/// Distributor id (first two digits of the MPAN core) and the GSP group it serves.
pub(super) const DISTRIBUTORS: [(u8, &str); 14] = [
    (10, "_A"),
    (11, "_B"),
    (12, "_C"),
    (13, "_D"),
    (14, "_E"),
    (15, "_F"),
    (16, "_G"),
    (17, "_P"),
    (18, "_N"),
    (19, "_J"),
    (20, "_H"),
    (21, "_K"),
    (22, "_L"),
    (23, "_M"),
];

/// Why a string is not a valid MPAN core.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MpanError {
    #[error("MPAN core {0:?} is not 13 digits")]
    Format(String),
    #[error("MPAN core {core} has check digit {found}, expected {expected}")]
    CheckDigit {
        core: String,
        found: u32,
        expected: u32,
    },
}

/// The check digit of the first twelve digits of an MPAN core, or `None` if they are not
/// twelve ASCII digits.
pub fn check_digit(first12: &str) -> Option<u32> {
    let bytes = first12.as_bytes();
    if bytes.len() != 12 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(PRIMES)
        .map(|(b, p)| u32::from(b - b'0') * p)
        .sum();
    Some(sum % 11 % 10)
}

/// The GSP group served by the distributor whose id starts an MPAN core.
pub fn gsp_group_for(distributor: u8) -> Option<&'static str> {
    DISTRIBUTORS
        .iter()
        .find(|(d, _)| *d == distributor)
        .map(|(_, g)| *g)
}

/// The DIP ID the harness gives the distributor with this id in generated messages.
pub fn distributor_dip_id(distributor: u8) -> String {
    format!("25000000{distributor:02}")
}

/// A valid MPAN core.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mpan(String);

impl Mpan {
    /// Parses and checks an MPAN core, check digit included.
    pub fn parse(core: &str) -> Result<Self, MpanError> {
        let bytes = core.as_bytes();
        if bytes.len() != 13 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(MpanError::Format(core.to_owned()));
        }
        let expected =
            check_digit(&core[..12]).ok_or_else(|| MpanError::Format(core.to_owned()))?;
        let found = u32::from(bytes[12] - b'0');
        if found != expected {
            return Err(MpanError::CheckDigit {
                core: core.to_owned(),
                found,
                expected,
            });
        }
        Ok(Self(core.to_owned()))
    }

    /// Wraps a core the caller built with [`check_digit`] (the generator).
    pub(super) fn from_checked(core: String) -> Self {
        debug_assert!(Self::parse(&core).is_ok(), "{core}");
        Self(core)
    }

    /// The core with the last digit replaced by a wrong check digit.
    pub fn with_wrong_check_digit(&self) -> String {
        let last = u32::from(self.0.as_bytes()[12] - b'0');
        format!("{}{}", &self.0[..12], (last + 1) % 10)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The distributor id (first two digits).
    pub fn distributor(&self) -> u8 {
        self.0[..2].parse().expect("checked digits")
    }

    /// The GSP group of the MPAN's distributor.
    pub fn gsp_group(&self) -> &'static str {
        gsp_group_for(self.distributor()).unwrap_or("_A")
    }
}

impl fmt::Display for Mpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Hands out MPAN cores that no other scenario of the run uses, with valid check digits and
/// distributors that serve real GSP groups.
///
/// A run starts at a random meter-point number so that two runs against one system do not
/// reuse each other's MPANs; within a run the numbers are sequential.
#[derive(Debug)]
pub struct MpanAllocator {
    base: u64,
    next: AtomicU64,
    plan: Option<PlanCursor>,
}

/// Where an allocator bound to generated test data has got to in each segment.
#[derive(Debug)]
struct PlanCursor {
    plan: Plan,
    count: u64,
    /// Next record index to look at, per segment (smart, advanced, unmetered).
    cursors: Mutex<[u64; 3]>,
}

impl PlanCursor {
    /// The index of the next record of `segment` (which the plan draws), marked as taken.
    fn take(&self, segment: Segment) -> u64 {
        let slot = match segment {
            Segment::Smart => 0,
            Segment::Advanced => 1,
            Segment::Unmetered => 2,
        };
        let mut cursors = self.cursors.lock().unwrap_or_else(PoisonError::into_inner);
        let mut i = cursors[slot];
        while self.plan.segment_of(i) != segment {
            i += 1;
        }
        cursors[slot] = i + 1;
        i
    }
}

impl MpanAllocator {
    /// An allocator starting at a random point.
    pub fn new() -> Self {
        Self::starting_at(fastrand::u64(1_000_000..9_000_000_000))
    }

    /// An allocator starting at a given meter-point number (deterministic, for tests).
    pub fn starting_at(base: u64) -> Self {
        Self {
            base,
            next: AtomicU64::new(0),
            plan: None,
        }
    }

    /// An allocator handing out the MPANs of generated test data (`[testdata]` in the run
    /// configuration): for each segment, the plan's records of that segment in order, so that
    /// scenarios work on exactly the data the participant loaded. Past `count` records (or for
    /// a segment the plan does not draw) it goes on with MPANs the data does not hold.
    pub fn from_plan(plan: Plan, count: u64) -> Self {
        Self {
            base: plan.base(),
            next: AtomicU64::new(0),
            plan: Some(PlanCursor {
                plan,
                count,
                cursors: Mutex::new([0; 3]),
            }),
        }
    }

    /// The next unused MPAN core of a segment. Without a plan, the same as [`Self::next`].
    pub fn next_for(&self, segment: Segment) -> Mpan {
        let Some(p) = &self.plan else {
            return self.next();
        };
        if !p.plan.segments.contains(&segment) {
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            return p.plan.mpan_outside(n);
        }
        let i = p.take(segment);
        if i >= p.count {
            tracing::warn!(
                "test data exhausted: {segment} record {i} is past the {} generated",
                p.count
            );
        }
        super::generator::mpan_at(self.base, i)
    }

    /// The next unused MPAN core of a segment that the generated test data holds (records
    /// `0..count` of `[testdata]`); `None` without test data, for a segment the data does not
    /// draw, or when no record of the segment is left.
    pub fn next_loaded(&self, segment: Segment) -> Option<Mpan> {
        let p = self.plan.as_ref()?;
        if !p.plan.segments.contains(&segment) {
            return None;
        }
        let i = p.take(segment);
        (i < p.count).then(|| super::generator::mpan_at(self.base, i))
    }

    /// An unused MPAN core with a valid check digit that the generated test data does not
    /// hold, of a distributor whose MPANs the data has; `None` without test data.
    pub fn next_unloaded(&self) -> Option<Mpan> {
        let p = self.plan.as_ref()?;
        // The distributor of `mpan_outside(n)` is the n-th of the fourteen; record `i` of the
        // data has the i-th, so the first `count` records have the first `count` of them.
        let distributors = p.count.clamp(1, 14);
        loop {
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            if n % 14 < distributors {
                return Some(p.plan.mpan_outside(n));
            }
        }
    }

    /// The next unused MPAN core: the generator's MPAN of the next record index
    /// ([`super::generator::mpan_at`]).
    pub fn next(&self) -> Mpan {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        super::generator::mpan_at(self.base, n)
    }
}

impl Default for MpanAllocator {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_mpans_check_as_documented() {
        // DOMAIN.md §3.2: two valid, three invalid.
        assert!(Mpan::parse("2000056535971").is_ok());
        assert!(Mpan::parse("1900012374324").is_ok());
        for bad in ["2000056535972", "1315001165123", "1234567890123"] {
            assert!(
                matches!(Mpan::parse(bad), Err(MpanError::CheckDigit { .. })),
                "{bad}"
            );
        }
        assert!(matches!(Mpan::parse("12345"), Err(MpanError::Format(_))));
        assert!(matches!(
            Mpan::parse("20000565359a1"),
            Err(MpanError::Format(_))
        ));
    }

    #[test]
    fn allocated_mpans_are_valid_unique_and_matched_to_gsp_groups() {
        let alloc = MpanAllocator::starting_at(42);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let m = alloc.next();
            assert!(Mpan::parse(m.as_str()).is_ok());
            assert_eq!(Some(m.gsp_group()), gsp_group_for(m.distributor()));
            assert!(seen.insert(m));
        }
    }

    #[test]
    fn allocator_on_a_plan_hands_out_the_plans_records_by_segment() {
        let plan = Plan::new(9, &[Segment::Smart, Segment::Unmetered]);
        let alloc = MpanAllocator::from_plan(plan.clone(), 100);
        let smart: Vec<Mpan> = (0..100)
            .map(|i| plan.record(i))
            .filter(|r| r.segment == Segment::Smart)
            .map(|r| r.mpan)
            .collect();
        for expected in smart.iter().take(5) {
            assert_eq!(&alloc.next_for(Segment::Smart), expected);
        }
        let advanced = alloc.next_for(Segment::Advanced);
        assert!(Mpan::parse(advanced.as_str()).is_ok());
        assert!((0..100).all(|i| plan.record(i).mpan != advanced));
    }

    #[test]
    fn loaded_mpans_are_the_datas_and_unloaded_ones_are_not() {
        let plan = Plan::new(3, &[Segment::Smart, Segment::Advanced]);
        let alloc = MpanAllocator::from_plan(plan.clone(), 40);
        let mut loaded = Vec::new();
        while let Some(m) = alloc.next_loaded(Segment::Smart) {
            assert!(plan.holds(m.as_str(), 40), "{m}");
            loaded.push(m);
        }
        let smart = (0..40)
            .filter(|i| plan.segment_of(*i) == Segment::Smart)
            .count();
        assert_eq!(loaded.len(), smart);
        assert_eq!(alloc.next_loaded(Segment::Unmetered), None);
        let distributors: std::collections::HashSet<u8> =
            (0..40).map(|i| plan.record(i).mpan.distributor()).collect();
        for _ in 0..30 {
            let m = alloc.next_unloaded().unwrap();
            assert!(Mpan::parse(m.as_str()).is_ok());
            assert!(!plan.holds(m.as_str(), 40), "{m}");
            assert!(distributors.contains(&m.distributor()), "{m}");
        }
        // Data of three records has three distributors: an unloaded MPAN is of one of them.
        let few = MpanAllocator::from_plan(plan.clone(), 3);
        for _ in 0..10 {
            let m = few.next_unloaded().unwrap();
            assert!((10..13).contains(&m.distributor()), "{m}");
        }
        let none = MpanAllocator::starting_at(1);
        assert_eq!(none.next_loaded(Segment::Smart), None);
        assert_eq!(none.next_unloaded(), None);
    }

    #[test]
    fn wrong_check_digit_is_wrong() {
        let m = MpanAllocator::starting_at(7).next();
        assert!(Mpan::parse(&m.with_wrong_check_digit()).is_err());
    }
}
