//! The results of a load run (`mhhs-qual load`): what was sent at which pace, how fast the
//! system acknowledged and reacted, what the stub DIP saw of the system's own traffic, what was
//! lost or duplicated, and the profile's service-level objectives. Written as `load.json`
//! (its schema is `schemas/report/load.schema.json`), as JUnit with one testcase per objective
//! ([`junit`]) and as an HTML page with the charts as SVG ([`html`]).

mod figures;
pub mod html;
pub mod junit;

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The version of `load.json`'s layout.
pub const FORMAT: u32 = 1;

/// [`LoadReport::tool`]: `mhhs-qual` and its version, as `load.json`'s schema expects it.
pub const TOOL: &str = concat!("mhhs-qual ", env!("CARGO_PKG_VERSION"));

/// Everything a load run measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    /// [`FORMAT`].
    pub format: u32,
    /// `mhhs-qual` and its version.
    pub tool: String,
    pub profile: ProfileSummary,
    /// The system under test.
    pub system: SystemSummary,
    /// When the run started, RFC 3339 UTC.
    pub started: String,
    /// From the first scheduled send to the end of the run, reactions' wait included.
    pub elapsed_ms: u64,
    /// False when the run was cut short (interrupted); the figures are then partial.
    pub complete: bool,
    /// Why sending stopped: `finished`, `message cap`, `time cap` or `interrupted`.
    pub stopped_by: String,
    pub families: Vec<FamilyResult>,
    pub pacing: Pacing,
    /// One row per second of the run, from the first scheduled send.
    pub timeline: Vec<Second>,
    /// The system's own traffic against the stub DIP's rate limit; `None` without one.
    pub rate_limit: Option<RateVerdict>,
    /// An outage of the stub DIP during the run; `None` without one.
    pub outage: Option<OutageSummary>,
    /// Expected reactions that never arrived, by MPAN and interface (at most [`MAX_LISTED`]
    /// listed; `lost_count` has them all).
    pub lost: Vec<Reaction>,
    pub lost_count: u64,
    /// Reactions the stub DIP accepted more than once (at most [`MAX_LISTED`] listed).
    pub duplicates: Vec<Duplicate>,
    pub duplicate_count: u64,
    /// The system's submissions the stub DIP refused (other than `429` and `503`), by
    /// outcome, most frequent first (at most [`MAX_REFUSALS`]): why reactions were lost.
    pub refused: Vec<Refusal>,
    /// The profile's service-level objectives, each judged.
    pub objectives: Vec<Objective>,
}

/// The most lost or duplicated reactions `load.json` names one by one.
pub const MAX_LISTED: usize = 10_000;

/// The profile as it ran.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfileSummary {
    pub name: String,
    /// The profile file.
    pub path: String,
    /// The message family (`gain`, `consumption`).
    pub family: String,
    /// How many MPANs the run used, and the test data file they came from.
    pub mpans: u64,
    pub mpan_source: String,
    pub stages: Vec<StageSummary>,
    pub duration_ms: u64,
    pub max_messages: u64,
    pub max_time_ms: u64,
}

/// One stage of the arrival rate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageSummary {
    /// `ramp`, `hold` or `spike`.
    pub kind: String,
    pub duration_ms: u64,
    /// Messages per second at the stage's start and end (equal but for a ramp).
    pub from_rate: f64,
    pub to_rate: f64,
}

/// The system under test.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SystemSummary {
    pub role: String,
    pub dip_id: String,
    /// `reference` (in-process, with these faults) or `external`.
    pub kind: String,
    pub faults: Vec<String>,
}

/// A latency distribution, in milliseconds, from an HDR histogram (3 significant digits).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub count: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
    /// The percentile curve for a plot: `[percentile, milliseconds]` pairs, percentile from 0
    /// to 100, increasing.
    pub curve: Vec<[f64; 2]>,
}

/// What happened to one message family's deliveries and the reactions they call for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FamilyResult {
    pub family: String,
    /// What is delivered: `PUB-002 [GainMPANInfo]`.
    pub delivery: String,
    /// The reactions each delivery calls for: `IF-031 [MSApp]`, `IF-031 [DSApp]`; empty when
    /// the family is acknowledged only.
    pub reactions: Vec<String>,
    pub sent: u64,
    /// Answered `201` within the ack timeout.
    pub acknowledged: u64,
    /// Answered `400` (a level-3 rejection).
    pub rejected: u64,
    /// No answer within the ack timeout, a connection error, or another status.
    pub errors: u64,
    /// Latency of the acknowledgement, measured from each message's *scheduled* send time.
    pub ack: Latency,
    /// Latency of each expected reaction's first acceptance by the stub DIP, from the
    /// scheduled send time of the delivery that called for it; `None` for a family without
    /// reactions.
    pub reaction: Option<Latency>,
    pub reactions_expected: u64,
    pub reactions_received: u64,
}

/// How well the generator kept to its schedule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pacing {
    pub scheduled: u64,
    pub dispatched: u64,
    /// Messages per second asked for and achieved, over the sending time.
    pub target_rate: f64,
    pub achieved_rate: f64,
    /// The largest relative difference, in percent, between the messages scheduled and the
    /// messages sent in any whole second with at least 100 scheduled (0 when there is none).
    pub error_pct: f64,
    /// How late each send started against its schedule.
    pub lag: Latency,
}

/// One second of the run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Second {
    pub second: u64,
    pub scheduled: u64,
    pub sent: u64,
    pub acknowledged: u64,
    /// Rejections and errors of the deliveries sent in this second.
    pub errors: u64,
    /// Expected reactions accepted by the stub DIP in this second.
    pub reactions: u64,
    /// The system's submissions to the stub DIP in this second, whatever their answer.
    pub submissions: u64,
    pub throttled: u64,
    pub unavailable: u64,
}

/// The system's traffic against the stub DIP's rate limit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateVerdict {
    /// Submissions per second the stub DIP admits per participant.
    pub limit: u32,
    /// How far over the limit the system may go in any one-second window, as a fraction
    /// (0.1 is 10 %).
    pub tolerance: f64,
    /// The most submissions in any sliding one-second window, and where it started.
    pub peak_per_second: u64,
    pub peak_at_ms: u64,
    pub throttled: u64,
    pub ok: bool,
}

/// An outage of the stub DIP.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutageSummary {
    pub at_ms: u64,
    pub length_ms: u64,
    /// Submissions answered 503 during it.
    pub unavailable: u64,
}

/// A reaction named by MPAN and interface.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    pub mpan: String,
    /// `IF-031 [MSApp]`.
    pub reaction: String,
}

/// A reaction accepted more than once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicate {
    pub mpan: String,
    pub reaction: String,
    pub accepted: u64,
}

/// The most kinds of refusal `load.json` lists.
pub const MAX_REFUSALS: usize = 20;

/// Submissions the stub DIP refused the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub status: u16,
    /// The stub DIP's answer: `rejected MSG1007 - Sender Timestamp Invalid`.
    pub outcome: String,
    pub count: u64,
    /// What the stub DIP found in the first such submission.
    pub example: String,
}

/// A service-level objective of the profile, judged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    /// As the profile words it and the JUnit testcase is named: `p99 ack < 2s`, `lost = 0`.
    pub name: String,
    /// What was measured, in the objective's unit (`1.8 ms`, `3`).
    pub measured: String,
    pub ok: bool,
    /// Why it failed, naming what broke it (the lost MPANs, the peak window ...); empty when
    /// it passed.
    pub detail: String,
}

impl LoadReport {
    /// True when every objective held.
    pub fn passed(&self) -> bool {
        self.objectives.iter().all(|o| o.ok)
    }

    /// Writes `load.json`, `load.junit.xml` and `load.html` into `dir`.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(dir.join("load.json"), json)?;
        std::fs::write(dir.join("load.junit.xml"), junit::document(self))?;
        std::fs::write(dir.join("load.html"), html::page(self))?;
        Ok(())
    }
}
