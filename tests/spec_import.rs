//! The official DIP spec, live: import, offline validation, agreement with our schemas, the
//! spec's own examples, and release diffs. The spec is read from
//! `$MHHS_QUAL_SHARED/dip-api-documentation` (default `<manifest>/../shared`) and imported
//! into temporary folders only.

#[path = "spec_import/agreement.rs"]
mod agreement;
#[path = "spec_import/bad_input.rs"]
mod bad_input;
#[path = "spec_import/common.rs"]
mod common;
#[path = "spec_import/diff.rs"]
mod diff;
#[path = "spec_import/examples.rs"]
mod examples;
#[path = "common/mod.rs"]
mod harness_common;
