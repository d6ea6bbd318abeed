//! The packs, schemas, stubs and default configuration shipped inside the binary.
//!
//! `build.rs` lists every file under `features/`, `schemas/`, `stubs/` and `config/`; flags
//! such as `--schemas DIR` or feature paths point the harness at folders of one's own instead.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The contents of a shipped file, by its path relative to the project root.
pub fn file(path: &str) -> Option<&'static str> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, c)| *c)
}

/// Every shipped file whose path starts with `prefix`.
pub fn under(prefix: &str) -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES
        .iter()
        .copied()
        .filter(move |(p, _)| p.starts_with(prefix))
}
