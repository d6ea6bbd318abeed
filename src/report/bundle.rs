//! Evidence bundles: one zip an assessor can check without trusting whoever handed it over.
//!
//! ```text
//! manifest.json   tool and version, pack, participant, start and end of the run, and the
//!                 SHA-256 and size of every other file below
//! manifest.sig    RSA PKCS#1 v1.5 SHA-256 signature of manifest.json's bytes (raw, as
//!                 `openssl dgst -sha256 -sign` writes it)
//! manifest.crt    the PEM certificate of the signing key
//! report/...      junit.xml, results.json, journal.ndjson, index.html, cucumber.json and
//!                 the message sequence charts msc/*.svg (when the report has them)
//! features/...    the feature files that ran (the shipped ones, or a folder of one's own)
//! schemas/...     the schemas that ran (likewise)
//! ```
//!
//! [`verify`] trusts exactly one certificate, the one the assessor names: the bundle's
//! `manifest.crt` must be that very certificate (compared as DER), the signature must verify
//! with it, and the bundle must hold exactly the files the manifest lists, each with its hash.
//! Every problem is collected and named by file, so one reading tells all that is wrong.
//! The three `manifest.*` files are the envelope: they are not listed in the manifest.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::security::signature::{Certificate, Signer};

/// The manifest's name in a bundle.
pub const MANIFEST: &str = "manifest.json";
/// The manifest's signature.
pub const SIGNATURE: &str = "manifest.sig";
/// The signing certificate (PEM).
pub const CERTIFICATE: &str = "manifest.crt";
/// What `format` says in a manifest this module writes.
pub const FORMAT: &str = "mhhs-qual evidence bundle 1";
/// The files of a report folder that go in a bundle, under `report/`.
pub const REPORT_FILES: [&str; 4] = ["junit.xml", "results.json", "journal.ndjson", "index.html"];
/// Report files that go in a bundle when the report has them (folders written before they
/// existed do not).
pub const OPTIONAL_REPORT_FILES: [&str; 1] = ["cucumber.json"];

/// The most of one file read from a bundle into memory (the envelope files).
const ENVELOPE_LIMIT: u64 = 64 * 1024 * 1024;

/// Why a bundle could not be made, or a file given to [`verify`] could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: missing from the report folder (the folder of a finished run has it)")]
    MissingReport { path: String },
    #[error("{path}: not the results.json of a run: {why}")]
    Results { path: String, why: String },
    #[error(
        "the report was written by mhhs-qual {report}, this is {tool}: its shipped features and \
         schemas may not be the ones that ran (give --features and --schemas)"
    )]
    OtherVersion { report: String, tool: String },
    #[error("{0}: a file name that is not UTF-8")]
    NotUtf8Name(String),
    #[error("{0}: no files in it")]
    EmptyFolder(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a zip file: {why}")]
    NotZip { path: String, why: String },
}

/// One file of a bundle as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    /// Lowercase hex.
    pub sha256: String,
    pub bytes: u64,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub tool: String,
    /// The version of the mhhs-qual that made the bundle.
    pub tool_version: String,
    /// The version that wrote the report (results.json).
    pub report_version: String,
    /// The packs of the scenarios that ran (`qualification.supplier`), comma-separated.
    pub pack: String,
    pub participant: serde_json::Value,
    pub started: String,
    pub ended: String,
    pub exit_code: u64,
    pub totals: serde_json::Value,
    /// Every file of the bundle but the three `manifest.*` files, by path.
    pub files: Vec<FileEntry>,
}

/// Where the files of a bundle come from.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The report folder of the run.
    pub report_dir: &'a Path,
    /// The features folder the run used; `None`: the shipped features.
    pub features: Option<&'a Path>,
    /// The schema folder the run used; `None`: the shipped schemas.
    pub schemas: Option<&'a Path>,
}

/// Writes the bundle of `sources` to `out`, signed by `signer`, and returns its manifest.
pub fn bundle(sources: Sources<'_>, signer: &Signer, out: &Path) -> Result<Manifest, BundleError> {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for name in REPORT_FILES {
        let path = sources.report_dir.join(name);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BundleError::MissingReport {
                    path: path.display().to_string(),
                });
            }
            Err(source) => {
                return Err(BundleError::Read {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        files.insert(format!("report/{name}"), bytes);
    }
    for name in OPTIONAL_REPORT_FILES {
        let path = sources.report_dir.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => {
                files.insert(format!("report/{name}"), bytes);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(BundleError::Read {
                    path: path.display().to_string(),
                    source,
                });
            }
        }
    }
    add_charts(&mut files, sources.report_dir)?;
    let results_path = sources.report_dir.join("results.json");
    let run = RunFacts::read(&files["report/results.json"], &results_path)?;
    let tool_version = env!("CARGO_PKG_VERSION");
    if (sources.features.is_none() || sources.schemas.is_none()) && run.version != tool_version {
        return Err(BundleError::OtherVersion {
            report: run.version,
            tool: tool_version.to_owned(),
        });
    }
    for (prefix, dir) in [
        ("features/", sources.features),
        ("schemas/", sources.schemas),
    ] {
        match dir {
            Some(dir) => add_folder(&mut files, prefix, dir)?,
            None => {
                for (path, text) in crate::embedded::under(prefix) {
                    files.insert(path.to_owned(), text.as_bytes().to_vec());
                }
            }
        }
    }
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        tool: "mhhs-qual".to_owned(),
        tool_version: tool_version.to_owned(),
        report_version: run.version,
        pack: run.pack,
        participant: run.participant,
        started: run.started,
        ended: run.ended,
        exit_code: run.exit_code,
        totals: run.totals,
        files: files
            .iter()
            .map(|(path, bytes)| FileEntry {
                path: path.clone(),
                sha256: sha256_hex(bytes),
                bytes: bytes.len() as u64,
            })
            .collect(),
    };
    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest).expect("the manifest serializes");
    manifest_bytes.push(b'\n');
    let signature = signer.sign_bytes(&manifest_bytes);
    let write_err = |source: std::io::Error| BundleError::Write {
        path: out.display().to_string(),
        source,
    };
    let file = std::fs::File::create(out).map_err(write_err)?;
    let written = write_zip(
        file,
        [
            (MANIFEST, manifest_bytes.as_slice()),
            (SIGNATURE, signature.as_slice()),
            (CERTIFICATE, signer.certificate_pem().as_bytes()),
        ]
        .into_iter()
        .chain(files.iter().map(|(p, b)| (p.as_str(), b.as_slice()))),
    );
    if let Err(e) = written {
        let _ = std::fs::remove_file(out);
        return Err(write_err(e));
    }
    Ok(manifest)
}

fn write_zip<'a>(
    file: std::fs::File,
    entries: impl Iterator<Item = (&'a str, &'a [u8])>,
) -> std::io::Result<()> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    for (name, bytes) in entries {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
    }
    zip.finish()?.flush()
}

/// What the manifest repeats from results.json.
struct RunFacts {
    version: String,
    pack: String,
    participant: serde_json::Value,
    started: String,
    ended: String,
    exit_code: u64,
    totals: serde_json::Value,
}

impl RunFacts {
    fn read(bytes: &[u8], path: &Path) -> Result<Self, BundleError> {
        let bad = |why: String| BundleError::Results {
            path: path.display().to_string(),
            why,
        };
        let v: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| bad(format!("not JSON: {e}")))?;
        let text = |key: &str| {
            v.get(key)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| bad(format!("no {key:?}")))
        };
        let number = |key: &str| {
            v.get(key)
                .and_then(serde_json::Value::as_u64)
                .ok_or_else(|| bad(format!("no {key:?}")))
        };
        let started = text("started")?;
        let duration_ms = number("duration_ms")?;
        let ended =
            time::OffsetDateTime::parse(&started, &time::format_description::well_known::Rfc3339)
                .map_err(|e| bad(format!("\"started\" {started:?} is not a date-time: {e}")))?
                + time::Duration::milliseconds(i64::try_from(duration_ms).unwrap_or(i64::MAX));
        let ended = ended
            .to_offset(time::UtcOffset::UTC)
            .format(&time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second]+00:00"
            ))
            .map_err(|e| bad(format!("the end of the run is not a date: {e}")))?;
        let packs: BTreeSet<&str> = v
            .get("scenarios")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| bad("no \"scenarios\"".to_owned()))?
            .iter()
            .filter_map(|s| s.get("pack").and_then(serde_json::Value::as_str))
            .collect();
        Ok(Self {
            version: text("version")?,
            pack: packs.into_iter().collect::<Vec<_>>().join(", "),
            participant: v
                .get("participant")
                .cloned()
                .ok_or_else(|| bad("no \"participant\"".to_owned()))?,
            started,
            ended,
            exit_code: number("exit_code")?,
            totals: v
                .get("totals")
                .cloned()
                .ok_or_else(|| bad("no \"totals\"".to_owned()))?,
        })
    }
}

/// Adds the report's message sequence charts (`msc/*.svg`) as `report/msc/...`, when it has
/// them (folders written before they existed do not).
fn add_charts(files: &mut BTreeMap<String, Vec<u8>>, report_dir: &Path) -> Result<(), BundleError> {
    let dir = report_dir.join(super::msc::DIR);
    let read_err = |path: &Path| {
        let path = path.display().to_string();
        move |source| BundleError::Read { path, source }
    };
    let listing = match std::fs::read_dir(&dir) {
        Ok(listing) => listing,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(read_err(&dir)(source)),
    };
    for file in listing {
        let path = file.map_err(read_err(&dir))?.path();
        if !(path.extension().is_some_and(|x| x == "svg") && path.is_file()) {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| BundleError::NotUtf8Name(path.display().to_string()))?;
        let bytes = std::fs::read(&path).map_err(read_err(&path))?;
        files.insert(format!("report/{}/{name}", super::msc::DIR), bytes);
    }
    Ok(())
}

/// Adds every file under `dir` as `prefix` + its path below `dir` (with `/`).
fn add_folder(
    files: &mut BTreeMap<String, Vec<u8>>,
    prefix: &str,
    dir: &Path,
) -> Result<(), BundleError> {
    let read_err = |path: &Path| {
        let path = path.display().to_string();
        move |source| BundleError::Read { path, source }
    };
    let mut stack = vec![dir.to_path_buf()];
    let mut found = 0;
    while let Some(d) = stack.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&d)
            .map_err(read_err(&d))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(read_err(&d))?;
        entries.sort();
        for path in entries {
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(dir).expect("below the folder read");
            let mut name = prefix.to_owned();
            for (i, part) in relative.components().enumerate() {
                let part = part
                    .as_os_str()
                    .to_str()
                    .ok_or_else(|| BundleError::NotUtf8Name(path.display().to_string()))?;
                if i > 0 {
                    name.push('/');
                }
                name.push_str(part);
            }
            let bytes = std::fs::read(&path).map_err(read_err(&path))?;
            files.insert(name, bytes);
            found += 1;
        }
    }
    if found == 0 {
        return Err(BundleError::EmptyFolder(dir.display().to_string()));
    }
    Ok(())
}

/// Something in a bundle that does not verify. Each names the file of the bundle at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// An envelope file is not in the bundle.
    MissingEnvelope(&'static str),
    /// `manifest.crt` holds no readable certificate.
    UnreadableCertificate(String),
    /// `manifest.crt` is not the trusted certificate.
    OtherCertificate { bundled: String, trusted: String },
    /// The signature does not verify over manifest.json with the trusted certificate.
    BadSignature,
    /// manifest.json does not read as a manifest.
    UnreadableManifest(String),
    /// A file's SHA-256 or size is not the manifest's.
    Changed(String),
    /// A file of the bundle could not be read (a damaged zip entry).
    UnreadableFile { path: String, why: String },
    /// The manifest lists a file that is not in the bundle.
    Missing(String),
    /// The bundle holds a file the manifest does not list.
    Unlisted(String),
    /// The manifest lists a file twice.
    ListedTwice(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingEnvelope(name) => write!(f, "{name}: missing from the bundle"),
            Self::UnreadableCertificate(why) => {
                write!(f, "{CERTIFICATE}: no readable certificate: {why}")
            }
            Self::OtherCertificate { bundled, trusted } => write!(
                f,
                "{CERTIFICATE}: the bundle was signed with the certificate of {bundled}, not \
                 the trusted certificate (of {trusted})"
            ),
            Self::BadSignature => write!(
                f,
                "{SIGNATURE}: not a signature of {MANIFEST} by the trusted certificate's key \
                 ({MANIFEST} or {SIGNATURE} changed after signing)"
            ),
            Self::UnreadableManifest(why) => write!(f, "{MANIFEST}: not a manifest: {why}"),
            Self::Changed(path) => write!(
                f,
                "{path}: its SHA-256 is not the manifest's (changed after signing)"
            ),
            Self::UnreadableFile { path, why } => write!(f, "{path}: unreadable: {why}"),
            Self::Missing(path) => {
                write!(
                    f,
                    "{path}: listed in the manifest but missing from the bundle"
                )
            }
            Self::Unlisted(path) => write!(f, "{path}: in the bundle but not in the manifest"),
            Self::ListedTwice(path) => write!(f, "{path}: listed twice in the manifest"),
        }
    }
}

/// What [`verify`] found.
#[derive(Debug)]
pub struct Verification {
    /// The manifest, when it reads (trusted only when `problems` is empty).
    pub manifest: Option<Manifest>,
    /// The subject of the bundle's certificate, when it reads.
    pub signed_by: Option<String>,
    pub problems: Vec<Problem>,
}

impl Verification {
    /// Whether everything verified.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Verifies the bundle at `path` against the `trusted` certificate. An `Err` is a file that
/// cannot be read as a zip at all; everything else is a [`Problem`] in the answer.
pub fn verify(path: &Path, trusted: &Certificate) -> Result<Verification, BundleError> {
    let file = std::fs::File::open(path).map_err(|source| BundleError::Read {
        path: path.display().to_string(),
        source,
    })?;
    verify_reader(
        std::io::BufReader::new(file),
        &path.display().to_string(),
        trusted,
    )
}

/// As [`verify`], from any reader; `what` names it in errors.
pub fn verify_reader<R: Read + Seek>(
    reader: R,
    what: &str,
    trusted: &Certificate,
) -> Result<Verification, BundleError> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| BundleError::NotZip {
        path: what.to_owned(),
        why: e.to_string(),
    })?;
    let mut problems = Vec::new();
    // Each entry of the bundle, hashed: name -> (sha256, bytes); envelope files kept whole.
    let mut hashed: BTreeMap<String, Result<(String, u64), String>> = BTreeMap::new();
    let mut envelope: BTreeMap<&'static str, Vec<u8>> = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                problems.push(Problem::UnreadableFile {
                    path: format!("entry {}", i + 1),
                    why: e.to_string(),
                });
                continue;
            }
        };
        let name = entry.name().to_owned();
        if let Some(kind) = [MANIFEST, SIGNATURE, CERTIFICATE]
            .into_iter()
            .find(|k| *k == name)
        {
            let mut bytes = Vec::new();
            match (&mut entry).take(ENVELOPE_LIMIT).read_to_end(&mut bytes) {
                Ok(_) => {
                    envelope.insert(kind, bytes);
                }
                Err(e) => problems.push(Problem::UnreadableFile {
                    path: name,
                    why: e.to_string(),
                }),
            }
            continue;
        }
        hashed.insert(name, hash_reader(&mut entry).map_err(|e| e.to_string()));
    }

    let mut signed_by = None;
    let certificate = match envelope.get(CERTIFICATE) {
        None => {
            problems.push(Problem::MissingEnvelope(CERTIFICATE));
            None
        }
        Some(pem) => match Certificate::from_pem(pem, CERTIFICATE) {
            Ok(c) => {
                signed_by = Some(c.subject().to_owned());
                Some(c)
            }
            Err(e) => {
                problems.push(Problem::UnreadableCertificate(e.to_string()));
                None
            }
        },
    };
    if let Some(c) = &certificate
        && !c.same_as(trusted)
    {
        problems.push(Problem::OtherCertificate {
            bundled: c.subject().to_owned(),
            trusted: trusted.subject().to_owned(),
        });
    }
    let manifest_bytes = envelope.get(MANIFEST);
    match (manifest_bytes, envelope.get(SIGNATURE)) {
        (Some(m), Some(s)) => {
            if !trusted.verifies_bytes(m, s) {
                problems.push(Problem::BadSignature);
            }
        }
        (m, s) => {
            if m.is_none() {
                problems.push(Problem::MissingEnvelope(MANIFEST));
            }
            if s.is_none() {
                problems.push(Problem::MissingEnvelope(SIGNATURE));
            }
        }
    }
    let manifest = manifest_bytes.and_then(|m| match serde_json::from_slice::<Manifest>(m) {
        Ok(m) => Some(m),
        Err(e) => {
            problems.push(Problem::UnreadableManifest(e.to_string()));
            None
        }
    });
    if let Some(m) = &manifest {
        let mut listed = BTreeSet::new();
        for f in &m.files {
            if !listed.insert(f.path.as_str()) {
                problems.push(Problem::ListedTwice(f.path.clone()));
                continue;
            }
            match hashed.get(&f.path) {
                None => problems.push(Problem::Missing(f.path.clone())),
                Some(Err(why)) => problems.push(Problem::UnreadableFile {
                    path: f.path.clone(),
                    why: why.clone(),
                }),
                Some(Ok((sha, bytes))) => {
                    if !sha.eq_ignore_ascii_case(&f.sha256) || *bytes != f.bytes {
                        problems.push(Problem::Changed(f.path.clone()));
                    }
                }
            }
        }
        for name in hashed.keys() {
            if !listed.contains(name.as_str()) {
                problems.push(Problem::Unlisted(name.clone()));
            }
        }
    }
    Ok(Verification {
        manifest,
        signed_by,
        problems,
    })
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes).as_ref())
}

/// Lowercase hex SHA-256 and length of what `r` reads.
fn hash_reader(r: &mut impl Read) -> std::io::Result<(String, u64)> {
    let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    let mut buf = vec![0; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        context.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hex(context.finish().as_ref()), total))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let (h, n) = hash_reader(&mut &b"abc"[..]).unwrap();
        assert_eq!((h.as_str(), n), (sha256_hex(b"abc").as_str(), 3));
    }

    #[test]
    fn run_facts_come_from_results_json() {
        let results = br#"{"version":"0.1.0","started":"2026-11-28T14:10:00+00:00",
            "duration_ms":61500,"participant":{"role":"SUP"},"exit_code":0,
            "totals":{"scenarios":1},"scenarios":[{"pack":"qualification.supplier"},
            {"pack":"qualification.supplier"}]}"#;
        let f = RunFacts::read(results, Path::new("results.json")).unwrap();
        assert_eq!(f.ended, "2026-11-28T14:11:01+00:00");
        assert_eq!(f.pack, "qualification.supplier");
        let e = RunFacts::read(b"{}", Path::new("r/results.json"))
            .err()
            .unwrap();
        assert_eq!(
            e.to_string(),
            "r/results.json: not the results.json of a run: no \"started\""
        );
    }
}
