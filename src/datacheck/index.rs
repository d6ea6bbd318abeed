//! The cross-row rules (`msn-multiple-mpans`, `guid-one-to-one`) with compact indexes, in
//! two passes over the file so that memory does not grow with the number of rows:
//!
//! 1. Every meter id and ESME GUID goes through a blocked Bloom filter (16 bits a key, one
//!    64-byte block per key). A key the filter may have seen before is a *candidate*; only
//!    the 64-bit hashes of candidates are kept (the true repeats plus about 0.1% false ones).
//! 2. The second pass keeps the exact values (MPAN, MSN, GUID, line) of the first row of
//!    each candidate and compares every later row of it. Findings are therefore exact: a
//!    hash or filter collision costs a little memory, never a wrong finding.
//!
//! A file whose keys are all unique has no true candidates, and the second pass holds a few
//! thousand entries per ten million rows.

use std::collections::{HashMap, HashSet};

use super::columns::Field;
use super::rules::{Rule, is_guid};

/// The splitmix64 finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A 64-bit hash of a short value.
pub fn hash(s: &[u8]) -> u64 {
    let mut h = 0x243f_6a88_85a3_08d3 ^ s.len() as u64;
    for chunk in s.chunks(8) {
        let mut b = [0u8; 8];
        b[..chunk.len()].copy_from_slice(chunk);
        h = mix(h ^ u64::from_le_bytes(b));
    }
    h
}

/// A blocked Bloom filter: each key sets one bit in each of the eight words of one block.
#[derive(Debug)]
pub struct Bloom {
    blocks: Vec<[u64; 8]>,
}

impl Bloom {
    /// A filter for about `keys` keys at 16 bits a key.
    pub fn with_keys(keys: u64) -> Self {
        let n = usize::try_from(keys.div_ceil(32).max(64)).unwrap_or(usize::MAX / 64);
        Self {
            blocks: vec![[0; 8]; n],
        }
    }

    /// Adds a key's hash; whether it may have been there before.
    pub fn insert(&mut self, h: u64) -> bool {
        let n = self.blocks.len() as u64;
        let block = &mut self.blocks[usize::try_from((u128::from(h) * u128::from(n)) >> 64)
            .expect("below the block count")];
        let bits = mix(h);
        let mut seen = true;
        for (i, word) in block.iter_mut().enumerate() {
            let bit = 1u64 << ((bits >> (i * 6)) & 63);
            seen &= *word & bit != 0;
            *word |= bit;
        }
        seen
    }

    /// The filter's size in bytes.
    pub fn bytes(&self) -> usize {
        self.blocks.len() * 64
    }
}

/// The first row seen of a meter id.
#[derive(Debug)]
struct FirstMsn {
    mpan: Box<str>,
    guid: Box<str>,
    line: u64,
}

/// The first row seen of an ESME GUID.
#[derive(Debug)]
struct FirstGuid {
    msn: Box<str>,
    mpan: Box<str>,
    line: u64,
}

/// Both passes' state.
#[derive(Debug)]
pub struct CrossRow {
    msn_filter: Bloom,
    guid_filter: Bloom,
    msn_candidates: HashSet<u64>,
    guid_candidates: HashSet<u64>,
    msns: HashMap<Box<str>, FirstMsn>,
    guids: HashMap<Box<str>, FirstGuid>,
}

impl CrossRow {
    /// For a file of about `rows` rows.
    pub fn with_rows(rows: u64) -> Self {
        Self {
            msn_filter: Bloom::with_keys(rows),
            guid_filter: Bloom::with_keys(rows),
            msn_candidates: HashSet::new(),
            guid_candidates: HashSet::new(),
            msns: HashMap::new(),
            guids: HashMap::new(),
        }
    }

    /// Pass 1: notes a row's meter id and ESME GUID.
    pub fn first_pass(&mut self, msn: &str, guid: &str) {
        if !msn.is_empty() {
            let h = hash(msn.as_bytes());
            if self.msn_filter.insert(h) {
                self.msn_candidates.insert(h);
            }
        }
        if is_guid(guid) {
            let h = hash(guid.as_bytes());
            if self.guid_filter.insert(h) {
                self.guid_candidates.insert(h);
            }
        }
    }

    /// Whether pass 2 is needed.
    pub fn has_candidates(&self) -> bool {
        !self.msn_candidates.is_empty() || !self.guid_candidates.is_empty()
    }

    /// Frees the filters before pass 2.
    pub fn end_first_pass(&mut self) {
        self.msn_filter = Bloom::with_keys(0);
        self.guid_filter = Bloom::with_keys(0);
    }

    /// Bytes held by the filters and candidate sets.
    pub fn bytes(&self) -> usize {
        self.msn_filter.bytes()
            + self.guid_filter.bytes()
            + (self.msn_candidates.capacity() + self.guid_candidates.capacity()) * 9
    }

    /// Pass 2: checks a row against the first row of its meter id and GUID.
    pub fn second_pass(
        &mut self,
        line: u64,
        mpan: &str,
        msn: &str,
        guid: &str,
        mut report: impl FnMut(Rule, Field, String),
    ) {
        let mut guid_reported = false;
        if !msn.is_empty() && self.msn_candidates.contains(&hash(msn.as_bytes())) {
            match self.msns.get(msn) {
                None => {
                    self.msns.insert(
                        msn.into(),
                        FirstMsn {
                            mpan: mpan.into(),
                            guid: guid.into(),
                            line,
                        },
                    );
                }
                Some(first) if *first.mpan != *mpan => report(
                    Rule::MsnMultipleMpans,
                    Field::MeterId,
                    format!(
                        "meter id is also on MPAN {} (line {})",
                        first.mpan, first.line
                    ),
                ),
                Some(first)
                    if !guid.is_empty() && !first.guid.is_empty() && *first.guid != *guid =>
                {
                    guid_reported = true;
                    report(
                        Rule::GuidOneToOne,
                        Field::EsmeGuid,
                        format!(
                            "meter id {msn} has ESME GUID {} on line {}",
                            first.guid, first.line
                        ),
                    );
                }
                Some(_) => {}
            }
        }
        if !guid_reported && is_guid(guid) && self.guid_candidates.contains(&hash(guid.as_bytes()))
        {
            match self.guids.get(guid) {
                None => {
                    self.guids.insert(
                        guid.into(),
                        FirstGuid {
                            msn: msn.into(),
                            mpan: mpan.into(),
                            line,
                        },
                    );
                }
                Some(first) if *first.msn != *msn || *first.mpan != *mpan => report(
                    Rule::GuidOneToOne,
                    Field::EsmeGuid,
                    format!(
                        "ESME GUID is also on meter id {} of MPAN {} (line {})",
                        first.msn, first.mpan, first.line
                    ),
                ),
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bloom_remembers_and_rarely_lies() {
        let mut b = Bloom::with_keys(100_000);
        let false_hits = (0..100_000u64)
            .filter(|i| b.insert(hash(&i.to_le_bytes())))
            .count();
        assert!(false_hits < 500, "{false_hits}");
        assert!((0..1000u64).all(|i| b.insert(hash(&i.to_le_bytes()))));
    }

    #[test]
    fn repeats_are_found_exactly() {
        let rows = [
            (2, "1", "M1", "00-00-00-00-00-00-00-01"),
            (3, "2", "M2", ""),
            (4, "3", "M2", ""),
            (5, "4", "M4", "00-00-00-00-00-00-00-01"),
            (6, "1", "M1", "00-00-00-00-00-00-00-02"),
            (7, "1", "M1", "00-00-00-00-00-00-00-01"),
        ];
        let mut x = CrossRow::with_rows(10);
        for (_, _, msn, guid) in rows {
            x.first_pass(msn, guid);
        }
        let mut found = Vec::new();
        for (line, mpan, msn, guid) in rows {
            x.second_pass(line, mpan, msn, guid, |r, _, _| found.push((line, r)));
        }
        assert_eq!(
            found,
            [
                (4, Rule::MsnMultipleMpans),
                (5, Rule::GuidOneToOne),
                (6, Rule::GuidOneToOne)
            ]
        );
    }
}
