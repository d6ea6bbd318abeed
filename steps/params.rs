//! Typed parameters of step phrases. A value that does not fit its parameter makes the step
//! undefined, which stops the run naming the file and line.
//! - {interface}: an interface id such as IF-031
//! - {publication}: a publication id such as PUB-002
//! - {event}: an event code with its brackets, such as [GainMPANInfo]
//! - {role}: a DIP role such as REGS, MSS, SDS
//! - {segment}: smart, advanced or unmetered
//! - {code}: a response code such as RCP1001 or MSG1006
//! - {energisation}: energise or de-energise

use std::str::FromStr;

use cucumber::Parameter;
use cucumber::codegen::Parameter as Param;

use crate::market::Segment;

macro_rules! text_param {
    ($name:ident, $pname:literal, $re:literal) => {
        #[derive(Debug, Clone, PartialEq, Eq, Parameter)]
        #[param(name = $pname, regex = $re)]
        pub struct $name(pub String);

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self(s.to_owned()))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
    };
}

text_param!(Interface, "interface", r"IF-\d{3}|REP-\d{3}[A-Z]?");
text_param!(Publication, "publication", r"PUB-\d{3}");
text_param!(Event, "event", r"\[[A-Za-z0-9-]+\]");
text_param!(
    Role,
    "role",
    r"SUP|REGS|MSS|MSA|UMSO|SDS|ADS|UMSDS|LDSO|MDS|LSS|EES|MDR|DCC"
);
text_param!(Code, "code", r"RCP\d{4}|MSG\d{4}");
text_param!(Energisation, "energisation", r"de-energise|energise");

/// Every custom parameter type: its name in a phrase (`segment`) and the regular expression
/// a value must match. `mhhs-qual check` reads them to match steps against the glossary as
/// cucumber does.
pub const PARAMETERS: &[(&str, &str)] = &[
    (<Interface as Param>::NAME, <Interface as Param>::REGEX),
    (<Publication as Param>::NAME, <Publication as Param>::REGEX),
    (<Event as Param>::NAME, <Event as Param>::REGEX),
    (<Role as Param>::NAME, <Role as Param>::REGEX),
    (<Code as Param>::NAME, <Code as Param>::REGEX),
    (
        <SegmentParam as Param>::NAME,
        <SegmentParam as Param>::REGEX,
    ),
    (
        <Energisation as Param>::NAME,
        <Energisation as Param>::REGEX,
    ),
];

/// A market segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parameter)]
#[param(name = "segment", regex = "smart|advanced|unmetered")]
pub struct SegmentParam(pub Segment);

impl FromStr for SegmentParam {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

impl Publication {
    /// The interface a publication belongs to (`PUB-002` → `IF-002`).
    pub fn interface(&self) -> String {
        self.0.replacen("PUB-", "IF-", 1)
    }
}
