//! `mhhs-qual docs --out DIR`: every shipped pack as a document, in Markdown and HTML. A
//! participant reads what it will be tested on; an assessor reads what each QT id proves.
//! The output is deterministic, so that the copy committed in `docs/packs/` is checked for
//! drift (`ci/check-docs.sh`).

mod page;
mod pages;

pub use page::{Block, Inline, Page, anchor};
pub use pages::{DocsError, pages, write};
