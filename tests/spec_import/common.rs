use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use mhhs_qual::schema::SchemaSet;
use mhhs_qual::schema::import::{ImportSummary, import};

/// The official spec, or `None` after saying the test is skipped (see
/// `harness_common::official_spec`).
pub fn spec_dir() -> Option<PathBuf> {
    crate::harness_common::official_spec()
}

pub fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The spec v2.1.0 imported once per test binary, from [`spec_dir`].
pub struct Imported {
    pub dir: tempfile::TempDir,
    pub summary: ImportSummary,
    pub set: SchemaSet,
}

pub fn imported(spec: &Path) -> &'static Imported {
    static IMPORTED: OnceLock<Imported> = OnceLock::new();
    IMPORTED.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let summary = import(spec, dir.path()).expect("the official spec imports");
        let set = SchemaSet::from_dir(dir.path()).expect("the imported set compiles");
        Imported { dir, summary, set }
    })
}

pub fn ours() -> &'static SchemaSet {
    static OURS: OnceLock<SchemaSet> = OnceLock::new();
    OURS.get_or_init(|| SchemaSet::from_dir(&manifest().join("schemas")).expect("our schemas"))
}

pub fn mhhs_qual(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
        .args(args)
        .output()
        .expect("run mhhs-qual")
}

/// A copy of the spec folder (its YAML files) to alter.
pub fn spec_copy(spec: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(spec).expect("spec folder").flatten() {
        let p = entry.path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(entry.file_name())).expect("copy");
        }
    }
    dir
}
