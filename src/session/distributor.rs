//! A distributor in a scenario (CONTRACT-ROLES.md §6.4 L1-L2): it is qualified on the MPANs of
//! the test data it loaded (the configuration's `[testdata]`), and refuses with `RCP1061` a
//! delivery for an MPAN that data does not hold, or one naming another distributor. Without
//! test data, the steps that need it cannot run: they fail the scenario as not set up, never
//! pass it.

use super::deliveries::answer_messages;
use super::scenario::fail;
use super::{Session, StepFailure};
use crate::dip::Subject;
use crate::market::{Segment, distributor_dip_id};

/// Why a delivery is not about one of the system's own MPANs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotOwn {
    /// Its MPAN has a valid check digit, of a distributor the test data has, but the data
    /// does not hold it.
    Unknown,
    /// Its `distributorDIPID` names another distributor.
    OtherDistributor,
}

/// What a scenario that needs the system's test data says when the configuration has none.
fn no_testdata(source: &str) -> StepFailure {
    StepFailure::setup(format!(
        "{source} has no [testdata]: this scenario works on the MPANs of the test data the system loaded (`mhhs-qual testdata generate` writes the data and the section to add; CONTRACT-ROLES.md §6.1)"
    ))
}

impl Session {
    /// A fresh MPAN of a segment from the test data the system loaded, filed under this
    /// scenario.
    pub fn new_loaded_subject(&mut self, segment: Segment) -> Result<Subject, StepFailure> {
        let config = &self.harness.config;
        if config.testdata.is_none() {
            return Err(no_testdata(&config.source));
        }
        let mpan = self.harness.mpans.next_loaded(segment).ok_or_else(|| {
            StepFailure::setup(format!(
                "the test data of {} holds no more {segment} MPANs for this run: generate more records (`mhhs-qual testdata generate --count`), or include the segment",
                config.source
            ))
        })?;
        Ok(self.adopt(&mpan, segment))
    }

    /// A fresh MPAN with a valid check digit, of a distributor whose MPANs the test data has,
    /// that the data does not hold; filed under this scenario as of `segment`.
    pub fn new_unloaded_subject(&mut self, segment: Segment) -> Result<Subject, StepFailure> {
        let config = &self.harness.config;
        let mpan = self
            .harness
            .mpans
            .next_unloaded()
            .ok_or_else(|| no_testdata(&config.source))?;
        Ok(self.adopt(&mpan, segment))
    }

    /// A DIP ID of a distributor that is not the system: the one the harness gives the
    /// distributor of the latest MPAN, or the next distributor's when that is the system's.
    pub fn other_distributor(&self) -> Result<String, StepFailure> {
        let mpan = &self.subject()?.mpan;
        let first: u8 = mpan.get(..2).and_then(|d| d.parse().ok()).unwrap_or(10);
        let system = &self.harness.system().dip_id;
        Ok((0..14u8)
            .map(|i| distributor_dip_id(10 + (first.saturating_sub(10) + i) % 14))
            .find(|id| id != system)
            .expect("fourteen distributors are not all the system"))
    }

    /// The latest delivery was refused as not about one of the system's MPANs: `400` with
    /// `RCP1061` within the ack timeout. For another distributor's MPAN, `RCP1041` passes with
    /// a warning (CONTRACT-ROLES.md §6.4 L2).
    pub fn expect_not_own(&mut self, why: NotOwn) -> Result<(), StepFailure> {
        let d = self.last_delivery()?;
        let all = self.harness.journal.of_scenario(&self.key);
        let what = match why {
            NotOwn::Unknown => "its MPAN is not in its test data",
            NotOwn::OtherDistributor => "its distributorDIPID names another distributor",
        };
        let expected = format!(
            "the delivery answered 400 with RCP1061 within {}: {what}",
            humantime::format_duration(self.harness.config.timeouts.ack)
        );
        let Some(got) = d.status else {
            return Err(fail(expected, &d.outcome, &all));
        };
        let messages: Vec<String> = answer_messages(&d).into_iter().map(str::to_owned).collect();
        let all_start = |code: &str| {
            !messages.is_empty()
                && messages
                    .iter()
                    .all(|m| m.starts_with(&format!("{code} - ")))
        };
        if got == 400 && all_start("RCP1061") {
            return Ok(());
        }
        if got == 400 && why == NotOwn::OtherDistributor && all_start("RCP1041") {
            self.warn(
                "L2",
                format!(
                    "the system answered a delivery naming another distributor 400 with {:?}: the contract's code is RCP1061 (MPAN Invalid or Unknown); RCP1041 only warns",
                    messages[0]
                ),
            );
            return Ok(());
        }
        let arrived = if messages.is_empty() {
            format!("{got} {}", d.outcome)
        } else {
            format!("{got} with messages {messages:?}")
        };
        Err(fail(expected, arrived, &all))
    }
}
