//! Evidence for an assessor: a run's report bundled and signed, verified as it is, and refused
//! naming the file for every kind of change (a byte in a report file, the manifest, a feature
//! file or the signature; a file taken out or slipped in; another certificate); a file that is
//! not a zip is unreadable input. Also: a report folder that cannot be written stops a run
//! before anything runs.

mod common;

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{keys, mhhs_qual, text};

/// A supplier run (one scenario, against the built-in reference) and its bundle, made once.
struct Fixture {
    dir: PathBuf,
    zip: PathBuf,
}

fn fixture() -> &'static Fixture {
    static F: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("mhhs-qual-bundle")
            .tempdir()
            .unwrap()
            .keep();
        let o = mhhs_qual(
            &dir,
            &[
                "run",
                "--pack",
                "supplier",
                "--tags",
                "@QT-SUP-001",
                "--report-dir",
                "r",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let (cert, key) = &keys().sut_signing;
        let o = mhhs_qual(
            &dir,
            &[
                "report",
                "bundle",
                "r",
                "--out",
                "evidence.zip",
                "--signing-key",
                key.to_str().unwrap(),
                "--certificate",
                cert.to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let zip = dir.join("evidence.zip");
        Fixture { dir, zip }
    })
}

/// The entries of a zip, in order.
fn entries(zip: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().to_owned(), bytes)
        })
        .collect()
}

/// Writes `entries` as a zip named `name` in a new folder; returns its path.
fn write_zip(name: &str, entries: &[(String, Vec<u8>)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (n, bytes) in entries {
        zip.start_file(n.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    (dir, path)
}

/// The fixture's bundle with one byte of the entry `name` changed (`at`: its offset).
fn with_byte_changed(name: &str, at: usize) -> (tempfile::TempDir, PathBuf) {
    let mut all = entries(&fixture().zip);
    let entry = all
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} is in the bundle"));
    entry.1[at] ^= 0x01;
    write_zip("changed.zip", &all)
}

/// `report verify FILE --certificate` the signing certificate; returns the exit status and
/// all the output.
fn verify(zip: &Path, certificate: &Path) -> (Option<i32>, String) {
    let o = mhhs_qual(
        &fixture().dir,
        &[
            "report",
            "verify",
            zip.to_str().unwrap(),
            "--certificate",
            certificate.to_str().unwrap(),
        ],
    );
    (o.status.code(), text(&o))
}

fn trusted() -> &'static Path {
    &keys().sut_signing.0
}

fn manifest() -> serde_json::Value {
    let m = entries(&fixture().zip)
        .into_iter()
        .find(|(n, _)| n == "manifest.json")
        .unwrap()
        .1;
    serde_json::from_slice(&m).unwrap()
}

#[test]
fn a_bundle_verifies_and_holds_the_report_features_schemas_and_manifest() {
    let f = fixture();
    let (code, out) = verify(&f.zip, trusted());
    assert_eq!(code, Some(0), "{out}");
    let m = manifest();
    let files: Vec<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        out.starts_with(&format!(
            "{}: verified: {} files signed by CN=test SUT, O=mhhs-qual; pack qualification.supplier, \
             participant SUP ",
            f.zip.display(),
            files.len()
        )),
        "{out}"
    );
    assert_eq!(m["tool"], "mhhs-qual");
    assert_eq!(m["tool_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["pack"], "qualification.supplier");
    assert_eq!(m["participant"]["role"], "SUP");
    assert_eq!(m["exit_code"], 0);
    assert_eq!(m["totals"]["scenarios"], 1);
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(f.dir.join("r/results.json")).unwrap()).unwrap();
    assert_eq!(m["started"], results["started"]);
    assert!(m["ended"].as_str().unwrap() >= m["started"].as_str().unwrap());
    for name in [
        "report/junit.xml",
        "report/results.json",
        "report/journal.ndjson",
        "report/index.html",
        "report/cucumber.json",
        "report/msc/QT-SUP-001.svg",
        "features/qualification/supplier/pack.toml",
        "features/qualification/supplier/acknowledge.feature",
        "schemas/catalogue.json",
    ] {
        assert!(files.contains(&name), "{name} not in {files:?}");
    }
    // The manifest lists every entry but the three manifest files, with its SHA-256.
    let all = entries(&f.zip);
    assert_eq!(
        all.iter()
            .take(3)
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        ["manifest.json", "manifest.sig", "manifest.crt"]
    );
    assert_eq!(all.len(), files.len() + 3);
    for (entry, listed) in all[3..].iter().zip(m["files"].as_array().unwrap()) {
        assert_eq!(entry.0, listed["path"].as_str().unwrap());
        assert_eq!(
            mhhs_qual::report::bundle::sha256_hex(&entry.1),
            listed["sha256"].as_str().unwrap()
        );
    }
    let report_file = |name: &str| {
        all.iter()
            .find(|(n, _)| n == &format!("report/{name}"))
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(
        report_file("junit.xml"),
        std::fs::read(f.dir.join("r/junit.xml")).unwrap()
    );
    assert_eq!(
        report_file("msc/QT-SUP-001.svg"),
        std::fs::read(f.dir.join("r/msc/QT-SUP-001.svg")).unwrap()
    );
}

#[test]
fn openssl_verifies_the_manifest_signature_with_the_bundled_certificate() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in entries(&fixture().zip).into_iter().take(3) {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let run = |args: &[&str]| {
        Command::new("openssl")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("openssl (Debian openssl) is installed: bash ci/setup.sh")
    };
    let o = run(&[
        "x509",
        "-in",
        "manifest.crt",
        "-pubkey",
        "-noout",
        "-out",
        "pub.pem",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&[
        "dgst",
        "-sha256",
        "-verify",
        "pub.pem",
        "-signature",
        "manifest.sig",
        "manifest.json",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "Verified OK");
}

#[test]
fn a_changed_byte_in_a_report_file_is_named() {
    let (_d, zip) = with_byte_changed("report/results.json", 10);
    let (code, out) = verify(&zip, trusted());
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        out,
        format!(
            "{z}: NOT verified: 1 problem(s)\n\
             {z}: report/results.json: its SHA-256 is not the manifest's (changed after signing)\n",
            z = zip.display()
        )
    );
}

#[test]
fn a_changed_byte_in_the_manifest_breaks_the_signature() {
    // A hex digit of a file's hash: the manifest still reads, and names that file too.
    let m = entries(&fixture().zip)
        .into_iter()
        .find(|(n, _)| n == "manifest.json")
        .unwrap()
        .1;
    let text_m = String::from_utf8(m).unwrap();
    let at = text_m.find("\"sha256\": \"").unwrap() + "\"sha256\": \"".len();
    let (_d, zip) = with_byte_changed("manifest.json", at);
    let (code, out) = verify(&zip, trusted());
    assert_eq!(code, Some(1), "{out}");
    let z = zip.display();
    assert!(
        out.contains(&format!(
            "{z}: manifest.sig: not a signature of manifest.json by the trusted certificate's \
             key (manifest.json or manifest.sig changed after signing)\n"
        )),
        "{out}"
    );
    let first = manifest()["files"][0]["path"].as_str().unwrap().to_owned();
    assert!(
        out.contains(&format!(
            "{z}: {first}: its SHA-256 is not the manifest's (changed after signing)\n"
        )),
        "{out}"
    );
    assert!(out.contains("NOT verified: 2 problem(s)"), "{out}");
}

#[test]
fn a_changed_byte_in_a_feature_file_is_named() {
    let name = "features/qualification/supplier/acknowledge.feature";
    let (_d, zip) = with_byte_changed(name, 0);
    let (code, out) = verify(&zip, trusted());
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "{}: {name}: its SHA-256 is not the manifest's (changed after signing)\n",
            zip.display()
        )),
        "{out}"
    );
    assert!(out.contains("NOT verified: 1 problem(s)"), "{out}");
}

#[test]
fn a_changed_byte_in_the_signature_is_named() {
    let (_d, zip) = with_byte_changed("manifest.sig", 7);
    let (code, out) = verify(&zip, trusted());
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        out,
        format!(
            "{z}: NOT verified: 1 problem(s)\n\
             {z}: manifest.sig: not a signature of manifest.json by the trusted certificate's \
             key (manifest.json or manifest.sig changed after signing)\n",
            z = zip.display()
        )
    );
}

#[test]
fn a_listed_file_taken_out_is_named() {
    let all: Vec<_> = entries(&fixture().zip)
        .into_iter()
        .filter(|(n, _)| n != "report/journal.ndjson")
        .collect();
    let (_d, zip) = write_zip("missing.zip", &all);
    let (code, out) = verify(&zip, trusted());
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "{}: report/journal.ndjson: listed in the manifest but missing from the bundle\n",
            zip.display()
        )),
        "{out}"
    );
    assert!(out.contains("NOT verified: 1 problem(s)"), "{out}");
}

#[test]
fn a_file_slipped_in_is_named() {
    let mut all = entries(&fixture().zip);
    all.push(("report/extra.txt".into(), b"all passed, honest\n".to_vec()));
    let (_d, zip) = write_zip("extra.zip", &all);
    let (code, out) = verify(&zip, trusted());
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "{}: report/extra.txt: in the bundle but not in the manifest\n",
            zip.display()
        )),
        "{out}"
    );
    assert!(out.contains("NOT verified: 1 problem(s)"), "{out}");
}

#[test]
fn another_certificate_does_not_verify_the_bundle() {
    let f = fixture();
    let (code, out) = verify(&f.zip, &keys().dip_signing.0);
    assert_eq!(code, Some(1), "{out}");
    let z = f.zip.display();
    assert!(
        out.contains(&format!(
            "{z}: manifest.crt: the bundle was signed with the certificate of CN=test SUT, O=mhhs-qual, not \
             the trusted certificate (of CN=test DIP, O=mhhs-qual)\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("{z}: manifest.sig: not a signature")),
        "{out}"
    );
    // A bundle re-signed by someone else, with the assessor's certificate swapped in, still
    // fails: the signature is checked with the trusted certificate's key.
    let mut all = entries(&f.zip);
    let dip_pem = std::fs::read(&keys().dip_signing.0).unwrap();
    all.iter_mut().find(|(n, _)| n == "manifest.crt").unwrap().1 = dip_pem;
    let (_d, swapped) = write_zip("swapped.zip", &all);
    let (code, out) = verify(&swapped, &keys().dip_signing.0);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("manifest.sig: not a signature"), "{out}");
    assert!(out.contains("NOT verified: 1 problem(s)"), "{out}");
}

#[test]
fn unreadable_input_is_exit_2() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let not_zip = dir.path().join("report.zip");
    std::fs::write(&not_zip, "this is not a zip\n").unwrap();
    let (code, out) = verify(&not_zip, trusted());
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.starts_with(&format!("error: {}: not a zip file: ", not_zip.display())),
        "{out}"
    );
    let absent = dir.path().join("absent.zip");
    let (code, out) = verify(&absent, trusted());
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.starts_with(&format!("error: {}: ", absent.display())),
        "{out}"
    );
    let o = mhhs_qual(dir.path(), &["report", "verify"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let (code, out) = verify(&f.zip, &not_zip);
    assert_eq!(code, Some(2), "{out}");
    assert_eq!(
        out,
        format!("error: {}: no PEM certificate found\n", not_zip.display())
    );
}

#[test]
fn a_bundle_of_folders_of_ones_own_lists_their_files() {
    let f = fixture();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (cert, key) = &keys().sut_signing;
    let out = f.dir.join("own.zip");
    let o = mhhs_qual(
        &f.dir,
        &[
            "report",
            "bundle",
            "r",
            "--out",
            out.to_str().unwrap(),
            "--signing-key",
            key.to_str().unwrap(),
            "--certificate",
            cert.to_str().unwrap(),
            "--features",
            root.join("features/qualification").to_str().unwrap(),
            "--schemas",
            root.join("schemas/interfaces").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let (code, text_v) = verify(&out, trusted());
    assert_eq!(code, Some(0), "{text_v}");
    let names: Vec<String> = entries(&out).into_iter().map(|(n, _)| n).collect();
    assert!(
        names.contains(&"features/supplier/pack.toml".to_owned()),
        "{names:?}"
    );
    // The schemas are exactly those of the folder given.
    for n in names.iter().filter_map(|n| n.strip_prefix("schemas/")) {
        assert!(root.join("schemas/interfaces").join(n).is_file(), "{n}");
    }
    assert!(names.iter().any(|n| n.starts_with("schemas/")), "{names:?}");
}

#[test]
fn bundling_a_folder_that_is_no_report_is_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let (cert, key) = &keys().sut_signing;
    let o = mhhs_qual(
        dir.path(),
        &[
            "report",
            "bundle",
            "empty",
            "--out",
            "e.zip",
            "--signing-key",
            key.to_str().unwrap(),
            "--certificate",
            cert.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(
        text(&o),
        "error: empty/junit.xml: missing from the report folder (the folder of a finished run \
         has it)\nhint: `mhhs-qual run --report-dir DIR` writes a report folder\n"
    );
    assert!(!dir.path().join("e.zip").exists());
}

#[test]
fn a_report_folder_that_cannot_be_written_stops_the_run_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("blocker"), "a regular file\n").unwrap();
    let o = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--pack",
            "supplier",
            "--tags",
            "@QT-SUP-001",
            "--report-dir",
            "blocker/report",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // The only output is the error: no scenario ran, no progress, no totals.
    assert_eq!(
        text(&o),
        "error: cannot write the report to blocker/report: Not a directory (os error 20)\n"
    );
}

#[test]
fn a_report_of_another_version_needs_the_features_and_schemas_that_ran() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("old");
    std::fs::create_dir(&r).unwrap();
    for name in ["junit.xml", "journal.ndjson", "index.html"] {
        std::fs::copy(f.dir.join("r").join(name), r.join(name)).unwrap();
    }
    let mut results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(f.dir.join("r/results.json")).unwrap()).unwrap();
    results["version"] = "0.0.1".into();
    std::fs::write(r.join("results.json"), results.to_string()).unwrap();
    let (cert, key) = &keys().sut_signing;
    let bundle = |extra: &[&str]| {
        let mut args = vec![
            "report",
            "bundle",
            "old",
            "--out",
            "old.zip",
            "--signing-key",
            key.to_str().unwrap(),
            "--certificate",
            cert.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        mhhs_qual(dir.path(), &args)
    };
    let o = bundle(&[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(
        text(&o),
        format!(
            "error: the report was written by mhhs-qual 0.0.1, this is {}: its shipped features \
             and schemas may not be the ones that ran (give --features and --schemas)\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = bundle(&[
        "--features",
        root.join("features").to_str().unwrap(),
        "--schemas",
        root.join("schemas").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let (code, out) = verify(&dir.path().join("old.zip"), trusted());
    assert_eq!(code, Some(0), "{out}");
    // A report written before the charts existed has none, and its bundle none either.
    let names: Vec<String> = entries(&dir.path().join("old.zip"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(names.contains(&"report/index.html".to_owned()), "{names:?}");
    assert!(
        !names.iter().any(|n| n.starts_with("report/msc/")),
        "{names:?}"
    );
}
