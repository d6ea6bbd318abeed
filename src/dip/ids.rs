//! Identifiers the DIP and its participants mint: sender unique references (DT-995),
//! transaction ids (DT-014), correlation ids (DT-011), and DT-003 timestamps.

use std::sync::atomic::{AtomicU64, Ordering};

use time::{OffsetDateTime, format_description::FormatItem, macros::format_description};

const DT003: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+00:00");
const YYYYMMDD: &[FormatItem<'static>] = format_description!("[year][month][day]");

/// Now as a DT-003 date-time in UTC (`2026-11-28T14:10:00+00:00`).
pub fn now_dt003() -> String {
    OffsetDateTime::now_utc()
        .format(DT003)
        .expect("formattable")
}

/// An instant as a DT-003 date-time in UTC.
pub fn format_dt003(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(DT003)
        .expect("formattable")
}

/// Today (UTC) as `YYYYMMDD`.
pub fn today_yyyymmdd() -> String {
    OffsetDateTime::now_utc()
        .format(YYYYMMDD)
        .expect("formattable")
}

/// A source of unique identifiers for one party.
#[derive(Debug)]
pub struct Ids {
    run: u32,
    seq: AtomicU64,
}

impl Default for Ids {
    fn default() -> Self {
        Self::new()
    }
}

impl Ids {
    pub fn new() -> Self {
        Self {
            run: fastrand::u32(..),
            seq: AtomicU64::new(1),
        }
    }

    fn next(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    /// `S-IF-031-2300000001-SUP-20261128-<run><seq>`.
    pub fn sender_reference(&self, interface: &str, dip_id: &str, role: &str) -> String {
        format!(
            "S-{interface}-{dip_id}-{role}-{}-{:08x}{:08x}",
            today_yyyymmdd(),
            self.run,
            self.next()
        )
    }

    /// `T-IF-002-2200000001-REGS-20261128-<16 hex>` (at most 65 characters).
    pub fn transaction_id(&self, interface: &str, sender: &str, role: &str) -> String {
        let id = format!(
            "T-{interface}-{sender}-{role}-{}-{:08X}{:08X}",
            today_yyyymmdd(),
            self.run,
            self.next()
        );
        id.chars().take(65).collect()
    }

    /// `CI-20261128-<16 hex>`.
    pub fn correlation_id(&self) -> String {
        format!(
            "CI-{}-{:08x}{:08x}",
            today_yyyymmdd(),
            self.run,
            self.next()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::rules::{check_sender_reference, parse_dt003};

    #[test]
    fn minted_ids_have_their_forms() {
        let ids = Ids::new();
        let r = ids.sender_reference("IF-031", "2300000001", "SUP");
        check_sender_reference(&r, "IF-031", "2300000001", "SUP").unwrap();
        assert_ne!(r, ids.sender_reference("IF-031", "2300000001", "SUP"));
        assert!(ids.transaction_id("IF-002", "2200000001", "REGS").len() <= 65);
        assert!(parse_dt003(&now_dt003()).is_some());
    }
}
