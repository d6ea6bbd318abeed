//! Market segments (DI-050) and the services each needs.

use std::fmt;
use std::str::FromStr;

/// A market segment: `S` smart, `A` advanced, `U` unmetered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Segment {
    Smart,
    Advanced,
    Unmetered,
}

impl Segment {
    /// The `B026.marketSegmentIndicator` value.
    pub fn indicator(self) -> &'static str {
        match self {
            Self::Smart => "S",
            Self::Advanced => "A",
            Self::Unmetered => "U",
        }
    }

    /// From a `marketSegmentIndicator` value.
    pub fn from_indicator(s: &str) -> Option<Self> {
        match s {
            "S" => Some(Self::Smart),
            "A" => Some(Self::Advanced),
            "U" => Some(Self::Unmetered),
            _ => None,
        }
    }

    /// The role of the metering service this segment needs (CONTRACT.md §6 S4).
    pub fn metering_role(self) -> &'static str {
        match self {
            Self::Smart => "MSS",
            Self::Advanced => "MSA",
            Self::Unmetered => "UMSO",
        }
    }

    /// The role of the data service this segment needs.
    pub fn data_role(self) -> &'static str {
        match self {
            Self::Smart => "SDS",
            Self::Advanced => "ADS",
            Self::Unmetered => "UMSDS",
        }
    }

    /// The connection type a template gets for this segment (`W` whole current, `U` unmetered).
    pub fn connection_type(self) -> &'static str {
        match self {
            Self::Unmetered => "U",
            Self::Advanced => "L",
            Self::Smart => "W",
        }
    }
}

impl FromStr for Segment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "smart" | "S" => Ok(Self::Smart),
            "advanced" | "A" => Ok(Self::Advanced),
            "unmetered" | "U" => Ok(Self::Unmetered),
            other => Err(format!(
                "unknown market segment {other:?} (smart, advanced, unmetered)"
            )),
        }
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Smart => "smart",
            Self::Advanced => "advanced",
            Self::Unmetered => "unmetered",
        })
    }
}
