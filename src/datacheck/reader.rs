//! A CSV record reader with bounds: no record may be longer than `max_record_bytes` or have
//! more than `max_fields` fields. An over-long record (a single line of hundreds of MB, say)
//! is skipped without being held in memory and reported with the line it starts on.
//!
//! Built on `csv-core` (the push parser under the `csv` crate), which parses into a buffer
//! the caller owns: the buffer's size is the bound.

use std::io::{self, BufRead};

use csv_core::ReadRecordResult;

/// What the reader found next.
#[derive(Debug)]
pub enum Event<'a> {
    /// A record: the line it starts on, its bytes and the end offset of each field.
    Record {
        line: u64,
        bytes: &'a [u8],
        ends: &'a [usize],
    },
    /// A record longer than the bound, skipped.
    TooLong { line: u64 },
    /// A record with more fields than the bound, skipped.
    TooManyFields { line: u64 },
}

/// Reads bounded records from a buffered reader.
pub struct Reader<R> {
    inner: R,
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    max_record_bytes: usize,
    max_fields: usize,
}

/// What a record ended as.
enum Overflow {
    None,
    Bytes,
    Fields,
}

impl<R: BufRead> Reader<R> {
    pub fn new(inner: R, max_record_bytes: usize, max_fields: usize) -> Self {
        Self {
            inner,
            core: csv_core::Reader::new(),
            out: vec![0; max_record_bytes.clamp(1, 1 << 16)],
            ends: vec![0; max_fields.clamp(1, 64)],
            max_record_bytes: max_record_bytes.max(1),
            max_fields: max_fields.max(1),
        }
    }

    /// Calls `f` with every record (or skipped record) in turn.
    pub fn for_each(&mut self, mut f: impl FnMut(Event<'_>)) -> io::Result<()> {
        let mut out_len = 0;
        let mut ends_len = 0;
        let mut overflow = Overflow::None;
        // The line an overflowing record started on.
        let mut overflow_line = 0;
        loop {
            let input = self.inner.fill_buf()?;
            let (result, n_in, n_out, n_ends) =
                self.core
                    .read_record(input, &mut self.out[out_len..], &mut self.ends[ends_len..]);
            let ends_line = n_in > 0 && input[n_in - 1] == b'\n';
            self.inner.consume(n_in);
            out_len += n_out;
            ends_len += n_ends;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    if self.out.len() < self.max_record_bytes {
                        let len = (self.out.len() * 2).min(self.max_record_bytes);
                        self.out.resize(len, 0);
                    } else {
                        if matches!(overflow, Overflow::None) {
                            overflow_line = self.start_line(out_len, false);
                            overflow = Overflow::Bytes;
                        }
                        out_len = 0;
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() < self.max_fields {
                        let len = (self.ends.len() * 2).min(self.max_fields);
                        self.ends.resize(len, 0);
                    } else {
                        if matches!(overflow, Overflow::None) {
                            overflow_line = self.start_line(out_len, false);
                            overflow = Overflow::Fields;
                        }
                        ends_len = 0;
                    }
                }
                ReadRecordResult::Record => {
                    match overflow {
                        Overflow::None => {
                            let line = self.start_line(out_len, ends_line);
                            f(Event::Record {
                                line,
                                bytes: &self.out[..out_len],
                                ends: &self.ends[..ends_len],
                            });
                        }
                        Overflow::Bytes => f(Event::TooLong {
                            line: overflow_line,
                        }),
                        Overflow::Fields => f(Event::TooManyFields {
                            line: overflow_line,
                        }),
                    }
                    out_len = 0;
                    ends_len = 0;
                    overflow = Overflow::None;
                }
                ReadRecordResult::End => return Ok(()),
            }
        }
    }

    /// The line a record started on: the parser's line (1 + newlines read) less the newlines
    /// inside the record's quoted fields, less its terminator if that was read (`ends_line`).
    fn start_line(&self, out_len: usize, ends_line: bool) -> u64 {
        #[expect(
            clippy::naive_bytecount,
            reason = "once a record, over its few bytes: not worth a crate"
        )]
        let inside = self.out[..out_len].iter().filter(|b| **b == b'\n').count() as u64;
        self.core
            .line()
            .saturating_sub(inside + u64::from(ends_line))
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8], max: usize) -> Vec<String> {
        let mut r = Reader::new(text, max, 8);
        let mut out = Vec::new();
        r.for_each(|e| {
            out.push(match e {
                Event::Record { line, bytes, ends } => {
                    format!("{line}:{}:{}", ends.len(), String::from_utf8_lossy(bytes))
                }
                Event::TooLong { line } => format!("{line}:too long"),
                Event::TooManyFields { line } => format!("{line}:too many"),
            });
        })
        .unwrap();
        out
    }

    #[test]
    fn records_carry_the_line_they_start_on() {
        assert_eq!(
            read(b"a,b\n\nc,\"d\ne\"\nf,g", 64),
            ["1:2:ab", "3:2:cd\ne", "5:2:fg"]
        );
        assert_eq!(read(b"a\r\nb\r\n", 64), ["1:1:a", "2:1:b"]);
    }

    #[test]
    fn over_long_records_and_too_many_fields_are_skipped_and_reported() {
        let long = format!("a\n{}\nb\n", "x".repeat(1000));
        assert_eq!(read(long.as_bytes(), 100), ["1:1:a", "2:too long", "3:1:b"]);
        assert_eq!(
            read(b"a\n1,2,3,4,5,6,7,8,9\nb\n", 100),
            ["1:1:a", "2:too many", "3:1:b"]
        );
    }
}
