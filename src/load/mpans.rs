//! The MPANs of a load: read from a `testdata generate` file, or generated from its seed.
//! Kept as numbers (8 bytes and a segment each), so a run over millions stays small.

use std::path::Path;

use super::profile::{MpanSource, ProfileError};
use crate::market::{Mpan, Plan, Segment};

/// The MPANs of a run, in order.
#[derive(Debug, Clone, Default)]
pub struct Mpans {
    cores: Vec<u64>,
    segments: Vec<Segment>,
}

impl Mpans {
    /// `count` MPANs from `source`; a file must hold at least that many.
    pub fn load(source: &MpanSource, count: u64, profile: &Path) -> Result<Self, ProfileError> {
        let error = |line: Option<usize>, message: String| ProfileError {
            path: profile.to_path_buf(),
            line,
            message,
        };
        let mut out = Self::default();
        match source {
            MpanSource::Seed { seed, segments } => {
                let plan = Plan::new(*seed, segments);
                for i in 0..count {
                    let r = plan.record(i);
                    out.push(r.mpan.as_str(), r.segment);
                }
            }
            MpanSource::File(path) => {
                let shown = path.display();
                let file = std::fs::File::open(path)
                    .map_err(|e| error(None, format!("cannot read the MPANs from {shown}: {e}")))?;
                let json = path.extension().is_some_and(|e| e == "json");
                let at = |line: u64, m: String| ProfileError {
                    path: path.clone(),
                    line: usize::try_from(line).ok(),
                    message: m,
                };
                if json {
                    let rows: Vec<serde_json::Map<String, serde_json::Value>> =
                        serde_json::from_reader(std::io::BufReader::new(file)).map_err(|e| {
                            at(
                                e.line() as u64,
                                format!(
                                    "not a test data file of `mhhs-qual testdata generate`: {e}"
                                ),
                            )
                        })?;
                    for (i, row) in rows.iter().enumerate() {
                        if out.len() >= count {
                            break;
                        }
                        let get = |k: &str| row.get(k).and_then(|v| v.as_str()).unwrap_or("");
                        out.add(get("mpan"), get("market_segment"))
                            .map_err(|m| error(None, format!("{shown}: record {}: {m}", i + 1)))?;
                    }
                } else {
                    let mut reader = csv::Reader::from_reader(std::io::BufReader::new(file));
                    let headers = reader
                        .headers()
                        .map_err(|e| at(1, format!("not a CSV file: {e}")))?
                        .clone();
                    let column = |name: &str| {
                        headers.iter().position(|h| h == name).ok_or_else(|| {
                            at(
                                1,
                                format!(
                                    "no `{name}` column: not a test data file of `mhhs-qual testdata generate`"
                                ),
                            )
                        })
                    };
                    let (m, s) = (column("mpan")?, column("market_segment")?);
                    let mut record = csv::StringRecord::new();
                    while out.len() < count {
                        match reader.read_record(&mut record) {
                            Ok(true) => {}
                            Ok(false) => break,
                            Err(e) => {
                                let line = e.position().map_or(0, csv::Position::line);
                                return Err(at(line, format!("unreadable record: {e}")));
                            }
                        }
                        let line = record.position().map_or(0, csv::Position::line);
                        out.add(record.get(m).unwrap_or(""), record.get(s).unwrap_or(""))
                            .map_err(|msg| at(line, msg))?;
                    }
                }
                if out.len() < count {
                    return Err(error(
                        None,
                        format!(
                            "the profile asks for {count} MPANs; {shown} holds {} (generate more with `mhhs-qual testdata generate --count {count}`)",
                            out.len()
                        ),
                    ));
                }
            }
        }
        Ok(out)
    }

    fn push(&mut self, core: &str, segment: Segment) {
        self.cores.push(core.parse().unwrap_or_default());
        self.segments.push(segment);
    }

    fn add(&mut self, core: &str, segment: &str) -> Result<(), String> {
        let mpan = Mpan::parse(core).map_err(|e| format!("MPAN {core:?}: {e}"))?;
        let segment = Segment::from_indicator(segment)
            .ok_or_else(|| format!("market segment {segment:?} is not S, A or U"))?;
        self.push(mpan.as_str(), segment);
        Ok(())
    }

    pub fn len(&self) -> u64 {
        self.cores.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.cores.is_empty()
    }

    /// MPAN `i` (the run takes them in turn, round and round).
    pub fn get(&self, i: u64) -> (String, Segment) {
        let i = usize::try_from(i % self.len().max(1)).unwrap_or(0);
        (format!("{:013}", self.cores[i]), self.segments[i])
    }

    /// The index of an MPAN core.
    pub fn core_number(core: &str) -> Option<u64> {
        (core.len() == 13).then(|| core.parse().ok()).flatten()
    }

    /// The cores, in order.
    pub fn cores(&self) -> &[u64] {
        &self.cores
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_testdata_generate_gives_its_mpans_and_a_short_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let plan = Plan::new(3, &[]);
        let file = dir.path().join("testdata.csv");
        crate::market::generator::write(
            &plan,
            20,
            crate::market::generator::Format::Csv,
            std::fs::File::create(&file).unwrap(),
        )
        .unwrap();
        let profile = dir.path().join("p.toml");
        let m = Mpans::load(&MpanSource::File(file.clone()), 20, &profile).unwrap();
        assert_eq!(m.len(), 20);
        assert_eq!(m.get(3).0, plan.record(3).mpan.as_str());
        assert_eq!(m.get(23).0, plan.record(3).mpan.as_str());
        let e = Mpans::load(&MpanSource::File(file), 21, &profile).unwrap_err();
        assert!(
            e.to_string().contains("the profile asks for 21 MPANs;")
                && e.to_string().contains("holds 20"),
            "{e}"
        );
        let seeded = Mpans::load(
            &MpanSource::Seed {
                seed: 3,
                segments: Vec::new(),
            },
            20,
            &profile,
        )
        .unwrap();
        assert_eq!(seeded.cores(), m.cores());
    }

    #[test]
    fn a_bad_mpan_is_named_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.csv");
        std::fs::write(
            &file,
            "mpan,market_segment\n1035785076048,A\n1035785076049,S\n",
        )
        .unwrap();
        let e = Mpans::load(&MpanSource::File(file), 2, Path::new("p.toml")).unwrap_err();
        let e = e.to_string();
        assert!(e.contains("t.csv:3: MPAN \"1035785076049\""), "{e}");
    }
}
