//! `--shard K/N`: a deterministic share of the selected scenarios, so that N CI jobs run one
//! selection between them and `mhhs-qual report merge` puts their reports back together.
//!
//! A scenario's shard is `fnv1a64(identity) mod N + 1`, where the identity is the pack (or,
//! for feature paths, the feature's path as given), the feature file within it, the feature's
//! name and the scenario's name with an outline row's example values. FNV-1a is fixed by its
//! definition, so the assignment is the same on every machine, architecture and Rust release
//! (`std`'s `DefaultHasher` promises none of that). Every scenario has exactly one shard, so
//! the N shards together run the selection exactly once.
//!
//! A shard that the hash leaves empty (a small `--tags` selection over many shards) is not an
//! error: the run exits 0 with an empty but whole report. A CI matrix has a fixed size, and a
//! job failing for a shard with nothing in it would fail the pipeline for nothing; the merge
//! still refuses an incomplete set of shards, and a selection empty before sharding is still
//! exit 2, so no pipeline passes having run nothing.

use std::fmt;
use std::str::FromStr;

/// Shard `index` of `total` (both counted from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub total: u32,
}

/// Why `--shard` was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a shard: give K/N with 1 <= K <= N, e.g. --shard 2/4")]
pub struct ShardError(pub String);

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ShardError(s.to_owned());
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let total: u32 = n.trim().parse().map_err(|_| bad())?;
        if total == 0 || index == 0 || index > total {
            return Err(bad());
        }
        Ok(Self { index, total })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

impl Shard {
    /// Whether the scenario with these identity parts falls in this shard.
    pub fn holds(self, parts: &[&str]) -> bool {
        of(parts, self.total) == self.index
    }
}

/// The shard (1..=total) of the scenario with these identity parts.
pub fn of(parts: &[&str], total: u32) -> u32 {
    let mut h = Fnv1a::default();
    for p in parts {
        h.write(p.as_bytes());
        // A separator that cannot occur in a name, so ("ab", "c") and ("a", "bc") differ.
        h.write(&[0]);
    }
    u32::try_from(h.0 % u64::from(total.max(1))).expect("below a u32") + 1
}

/// 64-bit FNV-1a.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Fnv1a, Shard, of};

    #[test]
    fn fnv1a_matches_its_published_test_vectors() {
        for (input, want) in [
            ("", 0xcbf2_9ce4_8422_2325_u64),
            ("a", 0xaf63_dc4c_8601_ec8c),
            ("foobar", 0x8594_4171_f739_67e8),
        ] {
            let mut h = Fnv1a::default();
            h.write(input.as_bytes());
            assert_eq!(h.0, want, "{input:?}");
        }
    }

    #[test]
    fn shards_parse_and_bad_ones_are_refused() {
        assert_eq!(
            "2/4".parse::<Shard>().unwrap(),
            Shard { index: 2, total: 4 }
        );
        assert_eq!("1/1".parse::<Shard>().unwrap().to_string(), "1/1");
        for bad in ["0/4", "5/4", "x", "1/0", "1/", "/2", "-1/2", "1/2/3", ""] {
            let e = bad.parse::<Shard>().unwrap_err().to_string();
            assert!(e.contains("K/N with 1 <= K <= N"), "{bad}: {e}");
        }
    }

    #[test]
    fn every_scenario_has_one_shard_and_it_never_moves() {
        // Pinned: a change here moves scenarios between the shards of CI pipelines.
        assert_eq!(of(&["supplier", "appoint.feature", "F", "S"], 4), 2);
        let names: Vec<String> = (0..1000).map(|i| format!("scenario {i}")).collect();
        let mut counts = [0usize; 4];
        for n in &names {
            let k = of(&["p", "f", "F", n], 4);
            let holders = (1..=4)
                .filter(|i| {
                    Shard {
                        index: *i,
                        total: 4,
                    }
                    .holds(&["p", "f", "F", n])
                })
                .count();
            assert_eq!(holders, 1);
            counts[(k - 1) as usize] += 1;
        }
        assert!(counts.iter().all(|c| *c > 200), "{counts:?}");
    }
}
