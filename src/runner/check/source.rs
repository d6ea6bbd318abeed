//! Reading a file to check, in bounded time and memory: a file larger than [`MAX_BYTES`] is
//! refused unread, and text that is not UTF-8 is a finding at the first bad byte's line and
//! column rather than an error that stops the check.

use std::io::Read as _;
use std::path::Path;

use super::{Finding, Rule};

/// The largest feature file `check` reads (1 MiB; the shipped ones are a few kB).
pub const MAX_BYTES: u64 = 1 << 20;

/// A file's text, or the finding that says why it cannot be checked. `Err` only when it
/// cannot be read at all (missing, a folder, no permission).
pub fn read(path: &Path, shown: &str) -> std::io::Result<Result<String, Finding>> {
    let too_large = |size: u64| {
        Finding::error(
            shown,
            1,
            1,
            Rule::Input,
            format!(
                "the file has {size} bytes, more than the {MAX_BYTES} (1 MiB) a feature file may have; it was not parsed"
            ),
        )
    };
    let size = std::fs::metadata(path)?.len();
    if size > MAX_BYTES {
        return Ok(Err(too_large(size)));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Ok(Err(too_large(bytes.len() as u64)));
    }
    Ok(text(bytes, shown))
}

/// Bytes as text: UTF-8 without a byte-order mark, or a finding at the first bad byte.
pub fn text(bytes: Vec<u8>, shown: &str) -> Result<String, Finding> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..'\u{feff}'.len_utf8());
            }
            Ok(s)
        }
        Err(e) => {
            let bytes = e.as_bytes();
            let good = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&bytes[..good]);
            let line = prefix.matches('\n').count() + 1;
            let col = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(Finding::error(
                shown,
                line,
                col,
                Rule::Input,
                format!(
                    "the file is not UTF-8 text: byte 0x{:02X} cannot start a character; save it as UTF-8",
                    bytes[good]
                ),
            ))
        }
    }
}

/// Whether a text has nothing but blank lines and comments.
pub fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_bytes_are_found_at_their_line_and_column() {
        let f = text(b"Feature: x\n  Scen\xffario: y\n".to_vec(), "x.feature").unwrap_err();
        assert_eq!(
            f.to_string(),
            "x.feature:2:7: error: the file is not UTF-8 text: byte 0xFF cannot start a character; save it as UTF-8"
        );
        assert_eq!(
            text(b"\xef\xbb\xbfFeature: x".to_vec(), "x").unwrap(),
            "Feature: x"
        );
    }

    #[test]
    fn a_file_over_the_limit_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.feature");
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(MAX_BYTES + 1).unwrap();
        let found = read(&p, "big.feature").unwrap().unwrap_err();
        assert_eq!(found.rule, Rule::Input);
        assert!(
            found.message.starts_with("the file has 1048577 bytes"),
            "{found}"
        );
        assert!(read(&dir.path().join("missing"), "m").is_err());
        assert!(is_blank("\n# a comment\n   \n") && !is_blank("Feature: x"));
    }
}
