//! One data check: reads the file as a stream of bounded records (twice when a cross-row
//! rule has candidates; see `index.rs`), runs the rules and hands each finding to a sink.

use std::fs::File;
use std::io::{self, BufReader, Read as _};
use std::path::{Path, PathBuf};

use super::columns::{ColumnMap, Field};
use super::index::CrossRow;
use super::reader::{Event, Reader};
use super::rules::{Finding, Rule, Values, check_row};

/// The default bound on one record (line): 4 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 4 << 20;
/// No record may have more fields than this.
const MAX_FIELDS: usize = 4096;
/// Findings kept per rule for the summary and JUnit (all go to the sink).
const EXAMPLES: usize = 10;

/// How to check.
#[derive(Debug, Clone)]
pub struct Options {
    pub columns: ColumnMap,
    pub max_record_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            columns: ColumnMap::default(),
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        }
    }
}

/// What a check found.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub file: PathBuf,
    /// Data rows read (the header and unreadable records not counted).
    pub rows: u64,
    /// Findings per rule, in [`Rule::ALL`] order.
    pub counts: [u64; 11],
    /// The first findings of each rule, in [`Rule::ALL`] order.
    pub examples: [Vec<Finding>; 11],
    /// Rules that could not run because a column is missing.
    pub skipped: Vec<(Rule, Field)>,
    /// Bytes held by the cross-row indexes after the first pass.
    pub index_bytes: usize,
}

impl Summary {
    pub fn count(&self, rule: Rule) -> u64 {
        self.counts[rule as usize]
    }
    /// Findings of every rule.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
    /// Whether the input was whole (no `input` finding).
    pub fn input_whole(&self) -> bool {
        self.count(Rule::Input) == 0
    }
}

/// Why a check could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

struct Run<'s> {
    summary: Summary,
    sink: &'s mut dyn FnMut(&Finding),
}

impl Run<'_> {
    fn add(&mut self, f: Finding) {
        let i = f.rule as usize;
        self.summary.counts[i] += 1;
        (self.sink)(&f);
        if self.summary.examples[i].len() < EXAMPLES {
            self.summary.examples[i].push(f);
        }
    }

    fn input(&mut self, row: u64, column: &str, message: String) {
        self.add(Finding {
            row,
            column: column.to_owned(),
            rule: Rule::Input,
            value: String::new(),
            message,
        });
    }
}

/// The header: column names and where each item is.
struct Header {
    names: Vec<String>,
    positions: [Option<usize>; 8],
    present: [bool; 8],
}

/// Rows the file probably holds, from the newlines in its first MiB.
fn estimate_rows(path: &Path, len: u64) -> io::Result<u64> {
    let mut sample = Vec::new();
    File::open(path)?.take(1 << 20).read_to_end(&mut sample)?;
    #[expect(
        clippy::naive_bytecount,
        reason = "once, over 1 MiB: not worth a crate"
    )]
    let lines = sample.iter().filter(|b| **b == b'\n').count().max(1) as u64;
    let sample_len = (sample.len() as u64).max(1);
    Ok((len / sample_len + 1) * lines * 6 / 5 + 1024)
}

/// Checks a file, calling `sink` with every finding as it is found.
pub fn check(
    path: &Path,
    options: &Options,
    sink: &mut dyn FnMut(&Finding),
) -> Result<Summary, CheckError> {
    let read_err = |source| CheckError::Read {
        path: path.to_owned(),
        source,
    };
    let len = std::fs::metadata(path).map_err(read_err)?.len();
    let mut run = Run {
        summary: Summary {
            file: path.to_owned(),
            ..Summary::default()
        },
        sink,
    };
    if len == 0 {
        run.input(1, "", "the file is empty: no header, no rows".into());
        return Ok(run.summary);
    }
    let mut cross = CrossRow::with_rows(estimate_rows(path, len).map_err(read_err)?);
    let open = || -> io::Result<Reader<BufReader<File>>> {
        Ok(Reader::new(
            BufReader::with_capacity(1 << 20, File::open(path)?),
            options.max_record_bytes,
            MAX_FIELDS,
        ))
    };

    // Pass 1: single-row rules, and the cross-row candidates.
    let mut header: Option<Header> = None;
    open()
        .map_err(read_err)?
        .for_each(|event| {
            let Some(h) = &header else {
                header = read_header(&event, options, &mut run);
                return;
            };
            let Some((line, values)) = row_values(&event, h, &mut run, true) else {
                return;
            };
            run.summary.rows += 1;
            check_row(&values, h.present, |rule, field, message| {
                run.add(finding(line, h, rule, field, &values, message));
            });
            cross.first_pass(
                values[Field::MeterId.index()],
                values[Field::EsmeGuid.index()],
            );
        })
        .map_err(read_err)?;
    let Some(h) = header else {
        run.input(1, "", "no header: the file holds no readable record".into());
        return Ok(run.summary);
    };
    run.summary.index_bytes = cross.bytes();
    cross.end_first_pass();

    // Pass 2: exact comparisons for candidate meter ids and GUIDs.
    if cross.has_candidates() {
        let mut first = true;
        open()
            .map_err(read_err)?
            .for_each(|event| {
                if std::mem::take(&mut first) {
                    return;
                }
                let Some((line, values)) = row_values(&event, &h, &mut run, false) else {
                    return;
                };
                cross.second_pass(
                    line,
                    values[Field::Mpan.index()],
                    values[Field::MeterId.index()],
                    values[Field::EsmeGuid.index()],
                    |rule, field, message| {
                        run.add(finding(line, &h, rule, field, &values, message));
                    },
                );
            })
            .map_err(read_err)?;
    }
    Ok(run.summary)
}

fn finding(
    line: u64,
    h: &Header,
    rule: Rule,
    field: Field,
    values: &Values<'_>,
    message: String,
) -> Finding {
    Finding {
        row: line,
        column: h.positions[field.index()]
            .map_or_else(|| field.key().to_owned(), |i| h.names[i].clone()),
        rule,
        value: values[field.index()].to_owned(),
        message,
    }
}

fn read_header(event: &Event<'_>, options: &Options, run: &mut Run<'_>) -> Option<Header> {
    let (line, bytes, ends) = match event {
        Event::Record { line, bytes, ends } => (*line, *bytes, *ends),
        Event::TooLong { line } => {
            run.input(
                *line,
                "",
                format!(
                    "the header is longer than {} bytes",
                    options.max_record_bytes
                ),
            );
            return None;
        }
        Event::TooManyFields { line } => {
            run.input(
                *line,
                "",
                format!("the header has more than {MAX_FIELDS} columns"),
            );
            return None;
        }
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        run.input(line, "", "the header is not valid UTF-8".into());
        return None;
    };
    let mut names = Vec::with_capacity(ends.len());
    let mut start = 0;
    for &end in ends {
        names.push(text[start..end].trim().to_owned());
        start = end;
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let (positions, missing) = options.columns.resolve(&refs);
    for f in &missing {
        run.input(
            line,
            options.columns.name(*f),
            format!(
                "the header has no column {:?} for {f} (header: {}); rules that need it do not run",
                options.columns.name(*f),
                names.join(", ")
            ),
        );
    }
    let present = Field::ALL.map(|f| positions[f.index()].is_some());
    for f in missing {
        for rule in rules_needing(f) {
            run.summary.skipped.push((rule, f));
        }
    }
    Some(Header {
        names,
        positions,
        present,
    })
}

/// The rules that cannot run without an item.
fn rules_needing(f: Field) -> Vec<Rule> {
    match f {
        Field::Mpan => vec![Rule::MpanFormat, Rule::MpanCheckDigit, Rule::DistributorGsp],
        Field::GspGroup => vec![Rule::DistributorGsp],
        Field::MarketSegment | Field::ConnectionType => {
            vec![Rule::SegmentMismatch, Rule::SegmentNeedsReview]
        }
        Field::MeterType => vec![Rule::SegmentMismatch, Rule::SegmentNeedsReview],
        Field::EnergisationStatus => vec![],
        Field::MeterId => vec![Rule::MsnMultipleMpans, Rule::GuidOneToOne],
        Field::EsmeGuid => vec![Rule::GuidFormat, Rule::GuidOneToOne],
    }
}

/// A data row's values by item, or `None` (reported in pass 1) when it cannot be read.
fn row_values<'e>(
    event: &Event<'e>,
    h: &Header,
    run: &mut Run<'_>,
    report: bool,
) -> Option<(u64, Values<'e>)> {
    let (line, bytes, ends) = match event {
        Event::Record { line, bytes, ends } => (*line, *bytes, *ends),
        Event::TooLong { line } => {
            if report {
                run.input(
                    *line,
                    "",
                    "the line is longer than the bound; skipped".into(),
                );
            }
            return None;
        }
        Event::TooManyFields { line } => {
            if report {
                run.input(
                    *line,
                    "",
                    format!("more than {MAX_FIELDS} columns; skipped"),
                );
            }
            return None;
        }
    };
    if ends.len() != h.names.len() {
        if report {
            run.input(
                line,
                "",
                format!(
                    "{} columns, the header has {}; skipped",
                    ends.len(),
                    h.names.len()
                ),
            );
        }
        return None;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            if report {
                let column = ends
                    .iter()
                    .position(|end| *end > e.valid_up_to())
                    .map_or("", |i| h.names[i].as_str());
                run.input(line, column, "not valid UTF-8; row skipped".into());
            }
            return None;
        }
    };
    let mut values: Values<'e> = [""; 8];
    for f in Field::ALL {
        if let Some(i) = h.positions[f.index()] {
            let start = if i == 0 { 0 } else { ends[i - 1] };
            values[f.index()] = text[start..ends[i]].trim();
        }
    }
    Some((line, values))
}
