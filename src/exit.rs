//! Exit statuses of the `mhhs-qual` command. They are public contract (CONTRACT.md §5) and
//! never change meaning.

/// Every selected scenario passed (or, for `check-config`, the configuration is usable; for
/// `data check`, the extract has no findings).
pub const PASSED: u8 = 0;
/// At least one scenario failed or was interrupted (for `data check`: findings present).
pub const FAILED: u8 = 1;
/// The run could not start: bad configuration, unreadable or unparsable feature, undefined
/// step, port in use, no scenario selected (for `data check` and `testdata`: unreadable or
/// broken input, the input not whole, or bad arguments).
pub const MISCONFIGURED: u8 = 2;
/// For `prompt` only: the system declined the work by its own rules (CONTRACT-ROLES.md §6.7).
/// `prompt` exits 0 when the work was accepted and 1 for anything else.
pub const DECLINED: u8 = 3;
