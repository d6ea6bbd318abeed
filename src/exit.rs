//! Exit statuses of the `mhhs-qual` command. They are public contract (CONTRACT.md §5) and
//! never change meaning.

/// Every selected scenario passed (or, for `check-config`, the configuration is usable).
pub const PASSED: u8 = 0;
/// At least one scenario failed or was interrupted.
pub const FAILED: u8 = 1;
/// The run could not start: bad configuration, unreadable or unparsable feature, undefined
/// step, port in use, no scenario selected.
pub const MISCONFIGURED: u8 = 2;
