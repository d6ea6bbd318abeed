//! Helpers shared by the integration tests.
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The programme's shared folder beside the repository (`MHHS_QUAL_SHARED`, default
/// `../shared`). A clone of the repository alone does not have it: nothing may need it
/// without saying so (see [`official_spec`]).
pub fn shared() -> PathBuf {
    std::env::var_os("MHHS_QUAL_SHARED").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
        PathBuf::from,
    )
}

/// Whether the tests run in CI (`CI` set, as CI services do), where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Says on the terminal that the current test was skipped and why. Written to the process's
/// stderr, past the test harness's capture, so that `cargo test` shows it.
fn say_skipped(why: &str) {
    use std::io::Write as _;
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    let _ = writeln!(std::io::stderr(), "skipped: {why} ({test})");
}

/// A checkout of Elexon's DIP API specification (elexon-data/dip-api-documentation):
/// `MHHS_QUAL_SPEC`, else `dip-api-documentation` in [`shared`]. Without one, the test that
/// asks is skipped: this prints one line and returns `None`, and the test returns. In CI
/// (`CI=true`) a missing spec fails the test instead, so CI never skips silently.
pub fn official_spec() -> Option<PathBuf> {
    const MARK: &str = "SubmitEvents-unresolved.yaml";
    if let Some(p) = std::env::var_os("MHHS_QUAL_SPEC").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        assert!(
            p.join(MARK).is_file(),
            "MHHS_QUAL_SPEC={} is not a checkout of elexon-data/dip-api-documentation (no {MARK})",
            p.display()
        );
        return Some(p);
    }
    let p = shared().join("dip-api-documentation");
    if p.join(MARK).is_file() {
        return Some(p);
    }
    assert!(
        !in_ci(),
        "the official DIP spec was not found at {}, and CI must not skip the tests that use \
         it: set MHHS_QUAL_SPEC=/path/to/dip-api-documentation",
        p.display()
    );
    say_skipped(
        "the official DIP spec was not found; set MHHS_QUAL_SPEC=/path/to/dip-api-documentation \
         (a checkout of elexon-data/dip-api-documentation) to run this test",
    );
    None
}

/// What JUnit readers saw in a file (`ci/read_junit.py`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct JunitRead {
    pub tests: usize,
    pub failures: usize,
    pub errors: usize,
    pub skipped: usize,
    /// The testcase names, in order.
    pub names: Vec<String>,
    /// Each failure's or error's `message` attribute.
    pub messages: Vec<String>,
}

/// Checks a JUnit file as its consumers read it, and returns what they saw:
/// - libxml2's `xmllint` validates it against our JUnit schema (`ci/junit.xsd`) and, when the
///   shared folder has it, against the Jenkins JUnit schema;
/// - `ci/read_junit.py` reads it with junitparser (the parser of publish-unit-test-result)
///   and junit2html, which must agree with each other and with the declared counts.
pub fn assert_valid_junit(path: &Path) -> JunitRead {
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("ci/junit.xsd");
    let jenkins = shared().join("junit/jenkins-junit.xsd");
    for xsd in std::iter::once(ours).chain(jenkins.is_file().then_some(jenkins)) {
        let out = Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(&xsd)
            .arg(path)
            .output()
            .expect("xmllint (Debian libxml2-utils) is installed: bash ci/setup.sh");
        assert!(
            out.status.success(),
            "{} against {}: {}",
            path.display(),
            xsd.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("ci/read_junit.py"))
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "ci/read_junit.py {} (bash ci/setup.sh installs its readers): {}{}",
        path.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("ci/read_junit.py prints JSON")
}

/// Checks a Cucumber JSON file as its consumers read it (`ci/read_cucumber_json.py`:
/// python-jsonschema against `ci/cucumber-json.schema.json`, then multiple-cucumber-html-reporter
/// rendering it), and returns what they saw.
pub fn read_cucumber_json(path: &Path) -> serde_json::Value {
    let out = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("ci/read_cucumber_json.py"))
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "ci/read_cucumber_json.py {} (bash ci/setup.sh installs its readers): {}{}",
        path.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("ci/read_cucumber_json.py prints JSON")
}

/// Certificates and keys made once per test binary (at test time, never committed).
pub struct Keys {
    pub dir: PathBuf,
    pub dip_signing: (PathBuf, PathBuf),
    pub sut_signing: (PathBuf, PathBuf),
    pub ca: PathBuf,
    pub dip_tls: (PathBuf, PathBuf),
    pub sut_tls: (PathBuf, PathBuf),
}

impl Keys {
    /// The system's signer, to sign submissions as a participant would.
    pub fn sut_signer(&self) -> mhhs_qual::security::signature::Signer {
        mhhs_qual::security::signature::Signer::load(&self.sut_signing.0, &self.sut_signing.1)
            .unwrap()
    }
    /// The `--signing-key` and TLS flags of `mhhs-qual reference` for the system's side.
    pub fn reference_flags(&self, tls: bool) -> Vec<String> {
        let mut out = vec![
            "--signing-key".to_owned(),
            self.sut_signing.1.display().to_string(),
        ];
        if tls {
            for (flag, path) in [
                ("--tls-certificate", &self.sut_tls.0),
                ("--tls-key", &self.sut_tls.1),
                ("--tls-ca", &self.ca),
            ] {
                out.push(flag.to_owned());
                out.push(path.display().to_string());
            }
        }
        out
    }
}

pub fn keys() -> &'static Keys {
    static KEYS: std::sync::OnceLock<Keys> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        use mhhs_qual::security::{signature::generate_material, tls::Authority};
        let dir = tempfile::Builder::new()
            .prefix("mhhs-qual-keys")
            .tempdir()
            .unwrap()
            .keep();
        let put = |name: &str, text: &str| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            #[cfg(unix)]
            if std::path::Path::new(name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("key"))
            {
                use std::os::unix::fs::PermissionsExt as _;
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
            p
        };
        let dip = generate_material("test DIP").unwrap();
        let sut = generate_material("test SUT").unwrap();
        let ca = Authority::generate("test CA").unwrap();
        let dip_tls = ca.issue("test DIP", None).unwrap();
        let sut_tls = ca.issue("test SUT", None).unwrap();
        Keys {
            dip_signing: (
                put("dip-signing.pem", &dip.cert_pem),
                put("dip-signing.key", &dip.key_pem),
            ),
            sut_signing: (
                put("sut-signing.pem", &sut.cert_pem),
                put("sut-signing.key", &sut.key_pem),
            ),
            ca: put("ca.pem", ca.cert_pem()),
            dip_tls: (
                put("dip-tls.pem", &dip_tls.cert_pem),
                put("dip-tls.key", &dip_tls.key_pem),
            ),
            sut_tls: (
                put("sut-tls.pem", &sut_tls.cert_pem),
                put("sut-tls.key", &sut_tls.key_pem),
            ),
            dir,
        }
    })
}

/// A path as a TOML string.
pub fn toml_path(p: &Path) -> String {
    format!("\"{}\"", p.display())
}

/// The `[dip]` lines of mutual TLS on both legs, with the shared test keys.
pub fn tls_lines() -> String {
    let k = keys();
    format!(
        "tls_certificate = {}\ntls_key = {}\nclient_ca = {}\n",
        toml_path(&k.dip_tls.0),
        toml_path(&k.dip_tls.1),
        toml_path(&k.ca)
    )
}

/// A harness for an external system at a dead webhook, from [`config`] with `extra_dip` lines
/// added to its `[dip]` section.
pub async fn external_harness(extra_dip: &str) -> std::sync::Arc<mhhs_qual::session::Harness> {
    let text = config(0, "http://127.0.0.1:9/webhook", "1s").replacen(
        "[participant]",
        &format!("{extra_dip}[participant]"),
        1,
    );
    let (c, _) = mhhs_qual::config::load_str(&text, "test.toml", Vec::new()).unwrap();
    harness_for(c, None).await
}

/// A harness for the external systems of `config`, with the stubs of `stubs_dir` (or the
/// shipped ones).
pub async fn harness_for(
    config: mhhs_qual::config::Config,
    stubs_dir: Option<&Path>,
) -> std::sync::Arc<mhhs_qual::session::Harness> {
    use mhhs_qual::session::{Harness, HarnessOptions, SystemUnderTest};
    Harness::start(
        config,
        HarnessOptions {
            systems: SystemUnderTest::External,
            schemas_dir: None,
            stubs_dir: stubs_dir.map(Path::to_path_buf),
            reference_tls: false,
            journal: None,
            quiet_stubs: false,
            sandbox: false,
            hold: None,
        },
    )
    .await
    .unwrap()
}

/// Headless Chromium with playwright-core and the checking script `ci/SCRIPT`, or why they
/// cannot run here.
pub fn browser(script: &str) -> Result<(PathBuf, PathBuf), String> {
    let ci = Path::new(env!("CARGO_MANIFEST_DIR")).join("ci");
    let chromium =
        std::env::var_os("CHROMIUM").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from);
    if !chromium.exists() {
        return Err(format!("no Chromium at {}", chromium.display()));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Err("no node".into());
    }
    if !ci.join("node_modules/playwright-core").exists() {
        return Err("playwright-core is not installed in ci/ (run ci/setup.sh)".into());
    }
    Ok((ci.join(script), chromium))
}

/// A harness with the in-process reference participant of the reference configuration's
/// first role (the supplier), with `faults` switched on.
pub async fn reference_harness(faults: &[&str]) -> std::sync::Arc<mhhs_qual::session::Harness> {
    use mhhs_qual::session::{Harness, HarnessOptions, SystemUnderTest};
    let text = mhhs_qual::embedded::file("config/reference.toml").unwrap();
    let (c, _) = mhhs_qual::config::load_str(text, "config/reference.toml", Vec::new()).unwrap();
    Harness::start(
        c,
        HarnessOptions {
            systems: SystemUnderTest::Reference(faults.iter().map(|f| (*f).to_owned()).collect()),
            schemas_dir: None,
            stubs_dir: None,
            reference_tls: false,
            journal: None,
            quiet_stubs: false,
            sandbox: false,
            hold: None,
        },
    )
    .await
    .unwrap()
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A configuration for an external SUT with short timeouts, signing with the shared test keys.
pub fn config(dip_port: u16, webhook: &str, ack: &str) -> String {
    let k = keys();
    let (dip_cert, dip_key, sut_cert) = (
        toml_path(&k.dip_signing.0),
        toml_path(&k.dip_signing.1),
        toml_path(&k.sut_signing.0),
    );
    let webhook_ca = if webhook.starts_with("https:") {
        format!("webhook_ca = {}", toml_path(&k.ca))
    } else {
        String::new()
    };
    format!(
        r#"environment = "UIT"
[dip]
listen = "127.0.0.1:{dip_port}"
api_key = "test-key-0123456789"
max_body_bytes = 65536
signing_certificate = {dip_cert}
signing_key = {dip_key}
[participant]
role = "SUP"
dip_id = "2300000001"
mpid = "SUPA"
webhook_url = "{webhook}"
certificate = {sut_cert}
{webhook_ca}
[timeouts]
ack = "{ack}"
response = "3s"
retry = "3s"
quiet = "400ms"
[[counterparty]]
role = "REGS"
dip_id = "2200000001"
mpid = "REGA"
[[counterparty]]
role = "MSS"
dip_id = "1200000001"
mpid = "MSSA"
[[counterparty]]
role = "SDS"
dip_id = "1400000001"
mpid = "SDSA"
[[counterparty]]
role = "MSA"
dip_id = "1300000001"
mpid = "MSAA"
[[counterparty]]
role = "ADS"
dip_id = "1100000001"
mpid = "ADSA"
[[counterparty]]
role = "UMSO"
dip_id = "1500000001"
mpid = "UMSA"
[[counterparty]]
role = "UMSDS"
dip_id = "1600000001"
mpid = "UMDA"
"#
    )
}

/// Starts `mhhs-qual reference` as an external system with `faults` switched on, over mutual
/// TLS on both legs when `tls`, from a [`config`] with `extra` appended; returns it once its
/// webhook accepts connections, and the path of the configuration (`ext.toml` in `dir`).
pub fn external_reference(dir: &Path, faults: &[&str], tls: bool, extra: &str) -> (Child, String) {
    let webhook = free_port();
    let dip = free_port();
    let scheme = if tls { "https" } else { "http" };
    let mut text = config(
        dip,
        &format!("{scheme}://127.0.0.1:{webhook}/webhook"),
        "1s",
    );
    if tls {
        text = text.replacen("[participant]", &format!("{}[participant]", tls_lines()), 1);
    }
    text.push_str(extra);
    let f = dir.join("ext.toml");
    std::fs::write(&f, text).unwrap();
    let f = f.display().to_string();
    let mut args = vec!["reference".to_owned(), "--config".to_owned(), f.clone()];
    args.extend(keys().reference_flags(tls));
    for fault in faults {
        args.push("--fault".into());
        args.push((*fault).to_owned());
    }
    let child = Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", webhook)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the reference supplier did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    if !tls {
        wait_for_webhook(webhook);
    }
    (child, f)
}

/// Runs the command with arguments in `dir`.
pub fn mhhs_qual(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
        .args(args)
        .current_dir(dir)
        .env_remove("MHHS_QUAL_DIP_API_KEY")
        .output()
        .expect("the binary runs")
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A report folder's `results.json`, checked against its schema
/// (`schemas/report/results.schema.json`).
pub fn assert_valid_results(dir: &Path) -> serde_json::Value {
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        mhhs_qual::embedded::file("schemas/report/results.schema.json").unwrap(),
    )
    .unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = v
        .iter_errors(&results)
        .map(|e| format!("{} {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}: {errors:?}", dir.display());
    results
}

/// Waits (at most 10 s) until the plain-HTTP webhook on `port` answers a POST with something
/// other than 404: a reference process listens a moment before its routes are mounted.
pub fn wait_for_webhook(port: u16) {
    use std::io::{Read as _, Write as _};
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = std::net::TcpStream::connect(("127.0.0.1", port))
            .ok()
            .and_then(|mut s| {
                s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
                s.write_all(
                    b"POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .ok()?;
                let mut head = [0u8; 12];
                s.read_exact(&mut head).ok()?;
                Some(String::from_utf8_lossy(&head[9..12]).into_owned())
            });
        if status.as_deref().is_some_and(|s| s != "404") {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the webhook on {port} did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A child process killed when dropped; its stdout is kept open until then.
pub struct Killed(
    pub Child,
    #[expect(dead_code, reason = "held open, never read")]
    pub  std::io::BufReader<std::process::ChildStdout>,
);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `mhhs-qual reference --role ROLE` for the participant of the configuration `text` (written
/// to `dir/NAME.toml`), whose webhook listens on `webhook`, with `faults`; returns it once its
/// webhook serves, and a configuration with the `[prompts]` lines it printed.
pub fn start_prompted_reference(
    dir: &Path,
    role: &str,
    text: &str,
    webhook: u16,
    faults: &[&str],
) -> (Killed, String) {
    use std::io::BufRead as _;
    let name = role.to_lowercase();
    let f = dir.join(format!("{name}.toml"));
    std::fs::write(&f, text).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mhhs-qual"));
    cmd.args(["reference", "--role", role, "--config"])
        .arg(&f)
        .args(keys().reference_flags(false));
    for fault in faults {
        cmd.args(["--fault", fault]);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("reference.log")).unwrap())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    for _ in 0..4 {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            break;
        }
        printed.push_str(&line);
        if line.starts_with("command = ") {
            break;
        }
    }
    if !printed.starts_with("[prompts]\n") {
        let err = std::fs::read_to_string(dir.join("reference.log")).unwrap_or_default();
        panic!("the reference did not start: {printed:?} {err}");
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", webhook)).is_err() {
        assert!(Instant::now() < deadline, "the reference did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    wait_for_webhook(webhook);
    let with_prompts = dir.join(format!("{name}-with-prompts.toml"));
    std::fs::write(&with_prompts, text.to_owned() + &printed).unwrap();
    (Killed(child, out), with_prompts.display().to_string())
}

/// Posts `body` to a channel of the stub DIP as the configuration's participant, signed
/// (API key `test-key-0123456789`); the status and the answer's JSON.
pub async fn post_signed(
    h: &mhhs_qual::session::Harness,
    channel: &str,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let url = format!("{}/dip-channel/{channel}", h.stub.uri());
    let signed = keys()
        .sut_signer()
        .sign("POST", &url, &body, time::OffsetDateTime::now_utc());
    let mut req = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .header("x-api-key", "test-key-0123456789")
        .body(body);
    for (name, value) in signed.headers() {
        req = req.header(name, value);
    }
    let r = req.send().await.unwrap();
    (
        r.status().as_u16(),
        r.json().await.unwrap_or(serde_json::Value::Null),
    )
}

/// `message / help` of a StandardResponse's first entry.
pub fn answer_text(v: &serde_json::Value) -> String {
    format!(
        "{} / {}",
        v.pointer("/messageArray/0/message")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default(),
        v.pointer("/messageArray/0/help")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
    )
}
