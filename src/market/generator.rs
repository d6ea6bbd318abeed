//! Deterministic registration and meter test data: the records participants load into their
//! own systems (`mhhs-qual testdata generate`) and, through [`super::MpanAllocator`], the
//! MPANs scenarios work on.
//!
//! Record `i` of seed `s` depends on nothing but `(s, i)`: it can be computed on its own, so a
//! harness configured with the same seed hands scenarios exactly the records a participant
//! loaded, without reading the file. Within one seed every MPAN, meter id (MSN) and ESME GUID
//! is unique, so the three are linked one to one:
//!
//! * MPAN: distributor `i mod 14`, meter-point number `base + i` (base from the seed), check
//!   digit computed; the GSP group is the distributor's.
//! * MSN: `(offset + i)` written in the mixed radix of the DT-008 shape `ZZ99Z12345`.
//! * ESME GUID: a bijective 64-bit mix of `(key + i)`, as eight hyphenated hex octets.
//! * Connection and meter types: drawn from the combinations the segment derivation table
//!   calls consistent for the record's segment.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::derivation::Derivation;
use super::mpan::{DISTRIBUTORS, check_digit};
use super::{Mpan, Segment};

/// The columns of a generated file, in order; also the default column map of `data check`.
pub const COLUMNS: [&str; 11] = [
    "mpan",
    "gsp_group",
    "market_segment",
    "connection_type",
    "meter_type",
    "energisation_status",
    "meter_id",
    "esme_guid",
    "address_line_1",
    "post_town",
    "postcode",
];

/// Meter-point numbers of MPANs handed to scenarios outside the plan start this far above
/// the plan's base, so they never meet a planned record.
const OUTSIDE_PLAN: u64 = 5_000_000_000;

/// How many meter-point numbers (the ten digits between distributor and check digit) there are.
const NUMBERS: u64 = 10_000_000_000;

/// Post towns and postcode areas of each GSP group (in `DISTRIBUTORS` order).
const PLACES: [[(&str, &str); 2]; 14] = [
    [("NORWICH", "NR"), ("IPSWICH", "IP")],
    [("NOTTINGHAM", "NG"), ("LEICESTER", "LE")],
    [("LONDON", "SE"), ("LONDON", "NW")],
    [("LIVERPOOL", "L"), ("CHESTER", "CH")],
    [("BIRMINGHAM", "B"), ("COVENTRY", "CV")],
    [("NEWCASTLE UPON TYNE", "NE"), ("SUNDERLAND", "SR")],
    [("MANCHESTER", "M"), ("PRESTON", "PR")],
    [("INVERNESS", "IV"), ("ABERDEEN", "AB")],
    [("GLASGOW", "G"), ("EDINBURGH", "EH")],
    [("BRIGHTON", "BN"), ("CANTERBURY", "CT")],
    [("READING", "RG"), ("SOUTHAMPTON", "SO")],
    [("CARDIFF", "CF"), ("SWANSEA", "SA")],
    [("EXETER", "EX"), ("PLYMOUTH", "PL")],
    [("LEEDS", "LS"), ("SHEFFIELD", "S")],
];
const STREETS: [&str; 8] = [
    "HIGH STREET",
    "STATION ROAD",
    "CHURCH LANE",
    "MILL ROAD",
    "PARK AVENUE",
    "VICTORIA ROAD",
    "GREEN LANE",
    "MANOR CLOSE",
];
/// Letters of a postcode's inward code (no C, I, K, M, O, V).
const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// The splitmix64 finaliser: a bijection on `u64`.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The MPAN of record `index` of a plan whose meter-point numbers start at `base`.
pub fn mpan_at(base: u64, index: u64) -> Mpan {
    let (distributor, _) = DISTRIBUTORS[usize::try_from(index % 14).expect("small")];
    let number = (base + index) % NUMBERS;
    let mut core = String::with_capacity(13);
    let _ = write!(core, "{distributor:02}{number:010}");
    let digit = check_digit(&core).expect("twelve digits");
    let _ = write!(core, "{digit}");
    Mpan::from_checked(core)
}

/// What to generate: a seed and the segments records are drawn from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub seed: u64,
    pub segments: Vec<Segment>,
    choices: [Vec<(String, String)>; 3],
}

/// One generated metering point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub mpan: Mpan,
    pub gsp_group: &'static str,
    pub segment: Segment,
    pub connection_type: String,
    /// Empty for unmetered supplies.
    pub meter_type: String,
    pub energisation_status: &'static str,
    /// Empty for unmetered supplies.
    pub meter_id: String,
    /// Empty unless the meter is smart.
    pub esme_guid: String,
    pub address_line_1: String,
    pub post_town: &'static str,
    pub postcode: String,
}

impl Record {
    /// The values in [`COLUMNS`] order.
    pub fn fields(&self) -> [&str; 11] {
        [
            self.mpan.as_str(),
            self.gsp_group,
            self.segment.indicator(),
            &self.connection_type,
            &self.meter_type,
            self.energisation_status,
            &self.meter_id,
            &self.esme_guid,
            &self.address_line_1,
            self.post_town,
            &self.postcode,
        ]
    }
}

fn segment_slot(s: Segment) -> usize {
    match s {
        Segment::Smart => 0,
        Segment::Advanced => 1,
        Segment::Unmetered => 2,
    }
}

impl Plan {
    /// A plan; no segments means all three.
    pub fn new(seed: u64, segments: &[Segment]) -> Self {
        let mut segs: Vec<Segment> = Vec::new();
        for s in segments {
            if !segs.contains(s) {
                segs.push(*s);
            }
        }
        if segs.is_empty() {
            segs = vec![Segment::Smart, Segment::Advanced, Segment::Unmetered];
        }
        let d = Derivation::shipped();
        let choices = [
            d.consistent_for("S"),
            d.consistent_for("A"),
            d.consistent_for("U"),
        ];
        Self {
            seed,
            segments: segs,
            choices,
        }
    }

    /// The first meter-point number of the plan's MPANs.
    pub fn base(&self) -> u64 {
        1_000_000 + mix(self.seed) % 4_000_000_000
    }

    fn rng(&self, index: u64) -> fastrand::Rng {
        fastrand::Rng::with_seed(mix(self.seed ^ mix(index.wrapping_add(0x9e37_79b9))))
    }

    /// The segment of record `index`.
    pub fn segment_of(&self, index: u64) -> Segment {
        let mut rng = self.rng(index);
        self.segments[rng.usize(..self.segments.len())]
    }

    /// An MPAN outside the plan (for a segment the plan does not draw).
    pub fn mpan_outside(&self, n: u64) -> Mpan {
        mpan_at(self.base() + OUTSIDE_PLAN, n)
    }

    /// Whether records `0..count` of the plan hold the MPAN core `core`: the data a
    /// participant loaded with `[testdata]` of this plan and count. A core with a wrong check
    /// digit is held by no plan.
    pub fn holds(&self, core: &str, count: u64) -> bool {
        let Ok(mpan) = Mpan::parse(core) else {
            return false;
        };
        let Ok(number) = core[2..12].parse::<u64>() else {
            return false;
        };
        let index = (number + NUMBERS - self.base() % NUMBERS) % NUMBERS;
        index < count && mpan_at(self.base(), index) == mpan
    }

    /// Record `index`.
    pub fn record(&self, index: u64) -> Record {
        let mut rng = self.rng(index);
        let segment = self.segments[rng.usize(..self.segments.len())];
        let mpan = mpan_at(self.base(), index);
        let slot = usize::try_from(index % 14).expect("small");
        let gsp_group = DISTRIBUTORS[slot].1;
        let choices = &self.choices[segment_slot(segment)];
        let (connection_type, meter_type) = choices[rng.usize(..choices.len())].clone();
        let metered = segment != Segment::Unmetered;
        let energisation_status = if metered && rng.u8(..100) < 5 {
            "D"
        } else {
            "E"
        };
        let meter_id = if metered {
            msn(mix(self.seed ^ 0x5eed) % MSN_SPACE, index)
        } else {
            String::new()
        };
        let esme_guid = if Derivation::shipped().has_esme_guid(&meter_type) {
            guid(mix(self.seed.wrapping_add(0x6a1d)).wrapping_add(index))
        } else {
            String::new()
        };
        let (post_town, area) = PLACES[slot][rng.usize(..2)];
        let address_line_1 = format!(
            "{} {}",
            rng.u32(1..200),
            STREETS[rng.usize(..STREETS.len())]
        );
        let inward = |r: &mut fastrand::Rng| char::from(INWARD[r.usize(..INWARD.len())]);
        let postcode = format!(
            "{area}{} {}{}{}",
            rng.u32(1..20),
            rng.u32(0..10),
            inward(&mut rng),
            inward(&mut rng)
        );
        Record {
            mpan,
            gsp_group,
            segment,
            connection_type,
            meter_type,
            energisation_status,
            meter_id,
            esme_guid,
            address_line_1,
            post_town,
            postcode,
        }
    }

    /// The harness configuration section that makes scenarios use this plan's records.
    pub fn config_fragment(&self, count: u64, file: &str) -> String {
        let segments: Vec<String> = self
            .segments
            .iter()
            .map(|s| format!("{:?}", s.indicator()))
            .collect();
        format!(
            "# Generated by `mhhs-qual testdata generate`. Add this section to the run\n\
             # configuration: scenarios then take their MPANs, in order and by segment, from\n\
             # the records of {file} (records 0 to {last}), the data loaded into the system.\n\
             [testdata]\nseed = {seed}\ncount = {count}\nsegments = [{segs}]\nfile = {file:?}\n",
            last = count.saturating_sub(1),
            seed = self.seed,
            segs = segments.join(", "),
        )
    }
}

/// How many distinct meter ids the `ZZ99Z12345` shape holds.
const MSN_SPACE: u64 = 26 * 26 * 100 * 26 * 100_000;

/// The meter id of record `index`: `(offset + index)` in the radix of `ZZ99Z12345`.
fn msn(offset: u64, index: u64) -> String {
    let mut n = (offset + index) % MSN_SPACE;
    let mut digits = [0u8; 10];
    // Positions from the right: 5 digits, a letter, 2 digits, 2 letters.
    let radices = [10, 10, 10, 10, 10, 26, 10, 10, 26, 26];
    for (i, r) in radices.iter().enumerate() {
        let d = u8::try_from(n % r).expect("small");
        n /= r;
        digits[9 - i] = if *r == 26 { b'A' + d } else { b'0' + d };
    }
    String::from_utf8(digits.to_vec()).expect("ASCII")
}

/// An ESME GUID: eight hyphenated upper-case hex octets of `mix(v)`.
fn guid(v: u64) -> String {
    let b = mix(v).to_be_bytes();
    let mut s = String::with_capacity(23);
    for (i, x) in b.iter().enumerate() {
        if i > 0 {
            s.push('-');
        }
        let _ = write!(s, "{x:02X}");
    }
    s
}

/// Output format of a generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// Writes records `0..count` of a plan.
pub fn write(plan: &Plan, count: u64, format: Format, out: impl Write) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(COLUMNS).map_err(io::Error::other)?;
            for i in 0..count {
                w.write_record(plan.record(i).fields())
                    .map_err(io::Error::other)?;
            }
            w.flush()
        }
        Format::Json => {
            out.write_all(b"[")?;
            for i in 0..count {
                let r = plan.record(i);
                let obj: serde_json::Map<String, serde_json::Value> = COLUMNS
                    .iter()
                    .zip(r.fields())
                    .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(v)))
                    .collect();
                out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut out, &obj)?;
            }
            out.write_all(b"\n]\n")?;
            out.flush()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::market::{Catalogue, Item, gsp_group_for};

    #[test]
    fn records_are_deterministic_consistent_and_one_to_one() {
        let plan = Plan::new(42, &[]);
        let again = Plan::new(42, &[]);
        let (mut mpans, mut msns, mut guids) = (HashSet::new(), HashSet::new(), HashSet::new());
        let cat = Catalogue::shipped();
        let postcode = regex::Regex::new(r"^[A-Z]{1,2}[0-9]{1,2} [0-9][A-Z]{2}$").unwrap();
        let guid_shape = regex::Regex::new(r"^[0-9A-F]{2}(-[0-9A-F]{2}){7}$").unwrap();
        let mut segments = HashSet::new();
        for i in 0..3000 {
            let r = plan.record(i);
            assert_eq!(r, again.record(i));
            assert!(Mpan::parse(r.mpan.as_str()).is_ok());
            assert_eq!(Some(r.gsp_group), gsp_group_for(r.mpan.distributor()));
            assert!(cat.allows(Item::ConnectionType, &r.connection_type));
            let j = Derivation::shipped().judge(
                r.segment.indicator(),
                &r.connection_type,
                &r.meter_type,
            );
            assert_eq!(j.verdict, super::super::derivation::Verdict::Consistent);
            assert!(postcode.is_match(&r.postcode), "{}", r.postcode);
            assert!(mpans.insert(r.mpan.clone()));
            if r.segment == Segment::Unmetered {
                assert!(r.meter_id.is_empty() && r.esme_guid.is_empty());
            } else {
                assert_eq!(r.meter_id.len(), 10);
                assert!(msns.insert(r.meter_id.clone()));
            }
            if !r.esme_guid.is_empty() {
                assert!(guid_shape.is_match(&r.esme_guid));
                assert!(guids.insert(r.esme_guid.clone()));
            }
            segments.insert(r.segment);
            assert_eq!(plan.segment_of(i), r.segment);
        }
        assert_eq!(segments.len(), 3);
        assert!(!guids.is_empty());
        assert_ne!(Plan::new(43, &[]).record(0), plan.record(0));
    }

    #[test]
    fn a_plan_holds_exactly_its_first_count_records() {
        let plan = Plan::new(7, &[]);
        for i in 0..300 {
            assert!(plan.holds(plan.record(i).mpan.as_str(), 300), "{i}");
            assert!(!plan.holds(plan.record(i).mpan.as_str(), i), "{i}");
        }
        let held = plan.record(5).mpan;
        assert!(!plan.holds(&held.with_wrong_check_digit(), 300));
        // Outside the plan, the same distributor, another seed, not an MPAN at all.
        assert!(!plan.holds(plan.mpan_outside(5).as_str(), 300));
        assert!(!plan.holds(held.as_str(), 0));
        assert!(!Plan::new(8, &[]).holds(held.as_str(), 300));
        assert!(!plan.holds("12345", 300));
    }

    #[test]
    fn one_segment_plans_draw_only_that_segment() {
        let plan = Plan::new(1, &[Segment::Advanced]);
        assert!((0..200).all(|i| plan.record(i).segment == Segment::Advanced));
    }

    #[test]
    fn msn_follows_the_dt_008_shape() {
        assert_eq!(msn(0, 0), "AA00A00000");
        assert_eq!(msn(0, 123_456), "AA00B23456");
    }
}
