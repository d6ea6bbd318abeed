//! The run configuration (CONTRACT.md §5), in layers: the embedded defaults, the user's TOML
//! file, then `MHHS_QUAL_<SECTION>_<KEY>` environment variables, then flags.
//!
//! Loading collects every problem it finds (unknown keys, malformed ids, bad durations) with
//! the file and line where it can, instead of stopping at the first: most failed conformance
//! runs are configuration mistakes, and a participant should fix them all in one go.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::{Table, Value};

/// `S1.environmentTag` values (DT-013).
pub const ENVIRONMENTS: [&str; 5] = ["PRD", "SITB", "SIT", "UIT", "DEV"];

/// The keys a configuration may hold, by section ("" is the top level).
const KEYS: [(&str, &[&str]); 7] = [
    ("", &["environment"]),
    (
        "dip",
        &[
            "listen",
            "api_key",
            "max_body_bytes",
            "signing_certificate",
            "signing_key",
            "clock_skew",
            "tls_certificate",
            "tls_key",
            "client_ca",
        ],
    ),
    (
        "participant",
        &[
            "role",
            "dip_id",
            "mpid",
            "webhook_url",
            "certificate",
            "webhook_ca",
            "api_key",
            "prompts",
        ],
    ),
    ("timeouts", &["ack", "response", "retry", "quiet"]),
    ("counterparty", &["role", "dip_id", "mpid"]),
    ("testdata", &["seed", "count", "segments", "file"]),
    ("prompts", &["command", "timeout"]),
];

/// How long a prompt command may take when `[prompts] timeout` does not say.
pub const DEFAULT_PROMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// A secret value (API key): never printed, logged or written to a report.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The stub DIP run by the harness.
#[derive(Debug, Clone)]
pub struct DipConfig {
    pub listen: SocketAddr,
    /// The default `X-API-Key`, for a single participant without its own `api_key`.
    pub api_key: Option<Secret>,
    /// Bodies over this size are answered 413.
    pub max_body_bytes: usize,
    /// The harness's DIP signing certificate and key (`signing_certificate`, `signing_key`);
    /// without them a certificate is made for the run.
    pub signing: Option<CertifiedKeyFiles>,
    /// How far a signature date may be from the clock.
    pub clock_skew: Duration,
    /// Serve ingress over HTTPS with this certificate and key (`tls_certificate`, `tls_key`),
    /// which are also the client certificate presented to an https webhook.
    pub tls: Option<CertifiedKeyFiles>,
    /// Require client certificates issued by this CA on ingress (mutual TLS).
    pub client_ca: Option<PathBuf>,
}

/// A certificate file and its private key file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertifiedKeyFiles {
    pub certificate: PathBuf,
    pub key: PathBuf,
}

/// A system under test: one `[participant]`, or one of several `[[participant]]`.
#[derive(Debug, Clone)]
pub struct Participant {
    pub role: String,
    pub dip_id: String,
    pub mpid: String,
    pub webhook_url: String,
    /// The `X-API-Key` it presents: its own `api_key`, or `[dip] api_key` for a single one.
    pub api_key: Secret,
    /// The SUT's signing certificate: every submission is verified against it.
    pub certificate: Option<PathBuf>,
    /// The CA an https webhook's server certificate must chain to.
    pub webhook_ca: Option<PathBuf>,
    /// Its own prompt command (`prompts`, for the sandbox); without it, `[prompts] command`.
    pub prompts: Option<PromptCommand>,
}

/// The `[prompts]` section (CONTRACT-ROLES.md §6.7): how the harness asks a system for work
/// that has no DIP trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompts {
    /// The command of every participant without a `prompts` of its own.
    pub command: Option<PromptCommand>,
    /// How long a prompt command may take, for every participant.
    pub timeout: Duration,
}

/// A prompt command: a program and its first arguments; the harness appends the action and
/// writes the prompt's JSON to its stdin. It is run without a shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptCommand {
    /// A program path with a `/` (made absolute from the configuration file's folder when it
    /// was relative), or a bare name looked up on `PATH` when it runs.
    pub program: PathBuf,
    pub args: Vec<String>,
}

impl PromptCommand {
    /// The command as words, the program first.
    pub fn argv(&self) -> Vec<String> {
        std::iter::once(self.program.display().to_string())
            .chain(self.args.iter().cloned())
            .collect()
    }
}

impl fmt::Display for PromptCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.argv().join(" "))
    }
}

/// How long the harness waits.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// A delivery must be answered within this.
    pub ack: Duration,
    /// A business reaction must arrive within this.
    pub response: Duration,
    /// After a simulated outage, the resubmission must arrive within this.
    pub retry: Duration,
    /// How long the harness watches for a reaction that must not come.
    pub quiet: Duration,
}

/// A market participant around the SUT, stubbed by the harness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counterparty {
    pub role: String,
    pub dip_id: String,
    pub mpid: String,
}

/// A complete, checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub environment: String,
    pub dip: DipConfig,
    /// The systems under test, at least one; the first is the one a qualification run
    /// qualifies.
    pub participants: Vec<Participant>,
    pub timeouts: Timeouts,
    pub counterparties: Vec<Counterparty>,
    /// Generated test data the scenarios take their MPANs from (`[testdata]`, written by
    /// `mhhs-qual testdata generate`).
    pub testdata: Option<TestData>,
    /// The `[prompts]` section, when there is one.
    pub prompts: Option<Prompts>,
    /// Where the configuration came from, for messages.
    pub source: String,
}

/// The `[testdata]` section: which generated records the participant loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestData {
    pub seed: u64,
    pub count: u64,
    pub segments: Vec<crate::market::Segment>,
}

impl Config {
    /// The system a qualification run qualifies: the first participant.
    pub fn participant(&self) -> &Participant {
        &self.participants[0]
    }
    /// The first counterparty with this role.
    pub fn counterparty(&self, role: &str) -> Option<&Counterparty> {
        self.counterparties.iter().find(|c| c.role == role)
    }
    /// The counterparty with this DIP ID.
    pub fn counterparty_by_id(&self, dip_id: &str) -> Option<&Counterparty> {
        self.counterparties.iter().find(|c| c.dip_id == dip_id)
    }
    /// The command that prompts `participant`: its own `prompts`, else `[prompts] command`.
    pub fn prompt_command<'a>(&'a self, participant: &'a Participant) -> Option<&'a PromptCommand> {
        participant
            .prompts
            .as_ref()
            .or_else(|| self.prompts.as_ref().and_then(|p| p.command.as_ref()))
    }
    /// How long a prompt command may take (`[prompts] timeout`, 30s by default).
    pub fn prompt_timeout(&self) -> Duration {
        self.prompts
            .as_ref()
            .map_or(DEFAULT_PROMPT_TIMEOUT, |p| p.timeout)
    }
}

/// One problem found in a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `file:line`, `file` or `MHHS_QUAL_...` naming where the problem is.
    pub location: String,
    /// The key concerned, as `section.key`.
    pub key: String,
    pub message: String,
    /// A warning does not stop a run.
    pub warning: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = if self.warning { "warning" } else { "error" };
        if self.key.is_empty() {
            write!(f, "{level}: {}: {}", self.location, self.message)
        } else {
            write!(
                f,
                "{level}: {}: `{}`: {}",
                self.location, self.key, self.message
            )
        }
    }
}

/// Every problem that kept a configuration from loading.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} problem(s) in configuration {source_name}:\n{}", .problems.len(), .problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
pub struct ConfigError {
    pub source_name: String,
    pub problems: Vec<Problem>,
}

/// Reads and checks a configuration file, applying `MHHS_QUAL_*` variables from the process
/// environment.
pub fn load(path: &Path) -> Result<(Config, Vec<Problem>), ConfigError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        source_name: name.clone(),
        problems: vec![Problem {
            location: name.clone(),
            key: String::new(),
            message: format!("cannot read the file: {e}"),
            warning: false,
        }],
    })?;
    load_str(&text, &name, std::env::vars())
}

/// Checks a configuration given as text, with the given environment variables.
pub fn load_str(
    text: &str,
    name: &str,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<(Config, Vec<Problem>), ConfigError> {
    let mut checker = Checker {
        text,
        name,
        problems: Vec::new(),
    };
    let mut table: Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start));
            checker.problems.push(Problem {
                location: line.map_or_else(|| name.to_owned(), |l| format!("{name}:{l}")),
                key: String::new(),
                message: format!("not valid TOML: {}", e.message()),
                warning: false,
            });
            return Err(checker.into_error());
        }
    };
    checker.unknown_keys(&table);
    apply_env(&mut table, env, &mut checker.problems);
    let config = checker.build(&table);
    let warnings: Vec<Problem> = checker
        .problems
        .iter()
        .filter(|p| p.warning)
        .cloned()
        .collect();
    match config {
        Some(c) if checker.problems.iter().all(|p| p.warning) => Ok((c, warnings)),
        _ => Err(checker.into_error()),
    }
}

/// The line (1-based) of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

fn apply_env(
    table: &mut Table,
    env: impl IntoIterator<Item = (String, String)>,
    problems: &mut Vec<Problem>,
) {
    for (var, value) in env {
        let Some(rest) = var.strip_prefix("MHHS_QUAL_") else {
            continue;
        };
        let rest = rest.to_ascii_lowercase();
        let mut target = None;
        for (section, keys) in KEYS {
            if section == "counterparty" || section == "testdata" {
                continue; // counterparties and test data are set in the file only
            }
            for key in keys {
                let full = if section.is_empty() {
                    (*key).to_owned()
                } else {
                    format!("{section}_{key}")
                };
                if full == rest {
                    target = Some((section, *key));
                }
            }
        }
        match target {
            Some(("", key)) => {
                table.insert(key.to_owned(), Value::String(value));
            }
            Some((section, key)) => {
                let entry = table
                    .entry(section.to_owned())
                    .or_insert_with(|| Value::Table(Table::new()));
                if let Value::Table(t) = entry {
                    let v = if key == "max_body_bytes" {
                        value
                            .parse::<i64>()
                            .map_or(Value::String(value), Value::Integer)
                    } else {
                        Value::String(value)
                    };
                    t.insert(key.to_owned(), v);
                } else {
                    problems.push(Problem {
                        location: var.clone(),
                        key: format!("{section}.{key}"),
                        message: format!(
                            "applies to a single [{section}] table; with several [[{section}]] set the key in the file. It is ignored"
                        ),
                        warning: true,
                    });
                }
            }
            None if rest == "log" => {}
            None => problems.push(Problem {
                location: var.clone(),
                key: String::new(),
                message: "environment variable names no configuration key; it is ignored".into(),
                warning: true,
            }),
        }
    }
}

struct Checker<'a> {
    text: &'a str,
    name: &'a str,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn into_error(self) -> ConfigError {
        ConfigError {
            source_name: self.name.to_owned(),
            problems: self.problems,
        }
    }

    /// `file:line` of `key` in `section` (the n-th table of that name for arrays), found by
    /// scanning the text.
    fn locate(&self, section: &str, index: usize, key: &str) -> String {
        let mut seen = 0usize;
        let mut in_target = section.is_empty();
        // A key that is missing is located at its table's header.
        let mut header = None;
        for (i, line) in self.text.lines().enumerate() {
            let t = line.trim();
            if t.starts_with('[') {
                let current = t.trim_matches(|c| c == '[' || c == ']').trim();
                in_target = current == section && {
                    seen += 1;
                    seen == index + 1
                };
                if in_target {
                    header = Some(i + 1);
                }
                continue;
            }
            if in_target && t.split('=').next().map(str::trim) == Some(key) && t.contains('=') {
                return format!("{}:{}", self.name, i + 1);
            }
        }
        header.map_or_else(|| self.name.to_owned(), |l| format!("{}:{l}", self.name))
    }

    fn problem(&mut self, section: &str, index: usize, key: &str, message: impl Into<String>) {
        let location = self.locate(section, index, key);
        let key = if section.is_empty() {
            key.to_owned()
        } else {
            format!("{section}.{key}")
        };
        self.problems.push(Problem {
            location,
            key,
            message: message.into(),
            warning: false,
        });
    }

    fn unknown_keys(&mut self, table: &Table) {
        for (k, v) in table {
            match (k.as_str(), v) {
                ("environment", _) => {}
                (section @ ("counterparty" | "participant"), Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Value::Table(t) = item {
                            self.unknown_in(section, i, t);
                        }
                    }
                }
                (section, Value::Table(t))
                    if KEYS.iter().any(|(s, _)| *s == section && !s.is_empty()) =>
                {
                    self.unknown_in(section, 0, t);
                }
                (other, _) => {
                    let location = self.locate("", 0, other);
                    let location = if location == self.name {
                        self.locate_header(other)
                    } else {
                        location
                    };
                    self.problems.push(Problem {
                        location,
                        key: other.to_owned(),
                        message: "unknown key (known: environment, [dip], [participant], [timeouts], [[counterparty]], [testdata], [prompts])".into(),
                        warning: false,
                    });
                }
            }
        }
    }

    fn locate_header(&self, section: &str) -> String {
        for (i, line) in self.text.lines().enumerate() {
            if line.trim().trim_matches(|c| c == '[' || c == ']').trim() == section
                && line.trim().starts_with('[')
            {
                return format!("{}:{}", self.name, i + 1);
            }
        }
        self.name.to_owned()
    }

    fn unknown_in(&mut self, section: &str, index: usize, t: &Table) {
        let known = KEYS
            .iter()
            .find(|(s, _)| *s == section)
            .map_or(&[][..], |(_, k)| *k);
        for key in t.keys() {
            if !known.contains(&key.as_str()) {
                self.problem(
                    section,
                    index,
                    key,
                    format!("unknown key (known in [{section}]: {})", known.join(", ")),
                );
            }
        }
    }

    fn string(
        &mut self,
        t: Option<&Table>,
        section: &str,
        index: usize,
        key: &str,
        default: Option<&str>,
    ) -> Option<String> {
        match t.and_then(|t| t.get(key)) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.problem(
                    section,
                    index,
                    key,
                    format!("expected a string, found {}", other.type_str()),
                );
                None
            }
            None => {
                if default.is_none() {
                    self.problem(section, index, key, "missing");
                }
                default.map(str::to_owned)
            }
        }
    }

    fn checked(
        &mut self,
        value: Option<String>,
        section: &str,
        index: usize,
        key: &str,
        check: fn(&str) -> Result<(), String>,
    ) -> Option<String> {
        let value = value?;
        match check(&value) {
            Ok(()) => Some(value),
            Err(message) => {
                self.problem(section, index, key, format!("{value:?}: {message}"));
                None
            }
        }
    }

    fn duration(&mut self, t: Option<&Table>, key: &str, default: &str) -> Option<Duration> {
        self.duration_in(t, "timeouts", key, default)
    }

    fn duration_in(
        &mut self,
        t: Option<&Table>,
        section: &str,
        key: &str,
        default: &str,
    ) -> Option<Duration> {
        let s = self.string(t, section, 0, key, Some(default))?;
        match humantime::parse_duration(&s) {
            Ok(d) if !d.is_zero() => Some(d),
            Ok(_) => {
                self.problem(section, 0, key, "must be longer than zero");
                None
            }
            Err(e) => {
                self.problem(
                    section,
                    0,
                    key,
                    format!("{s:?} is not a duration such as 500ms, 5s or 2m: {e}"),
                );
                None
            }
        }
    }

    /// A path from the configuration: relative paths are relative to the file's folder.
    fn resolve(&self, s: &str) -> PathBuf {
        let p = PathBuf::from(s);
        if p.is_absolute() {
            return p;
        }
        match Path::new(self.name).parent() {
            Some(dir) if !dir.as_os_str().is_empty() && Path::new(self.name).is_file() => {
                dir.join(p)
            }
            _ => p,
        }
    }

    /// A certificate and key given together, or neither.
    fn pair(
        &mut self,
        certificate: Option<PathBuf>,
        key: Option<PathBuf>,
        names: (&str, &str),
    ) -> Option<CertifiedKeyFiles> {
        match (certificate, key) {
            (Some(certificate), Some(key)) => Some(CertifiedKeyFiles { certificate, key }),
            (None, None) => None,
            (Some(_), None) => {
                self.problem("dip", 0, names.0, format!("needs {} too", names.1));
                None
            }
            (None, Some(_)) => {
                self.problem("dip", 0, names.1, format!("needs {} too", names.0));
                None
            }
        }
    }

    fn section<'t>(&mut self, table: &'t Table, name: &str) -> Option<&'t Table> {
        match table.get(name) {
            Some(Value::Table(t)) => Some(t),
            Some(_) => {
                self.problems.push(Problem {
                    location: self.name.to_owned(),
                    key: name.to_owned(),
                    message: format!("expected a [{name}] table"),
                    warning: false,
                });
                None
            }
            None => None,
        }
    }

    fn build(&mut self, table: &Table) -> Option<Config> {
        let environment = self.string(Some(table), "", 0, "environment", None);
        let environment = self.checked(environment, "", 0, "environment", check_environment);

        let dip = self.section(table, "dip");
        if dip.is_none() {
            self.problems.push(missing_section(self.name, "dip"));
        }
        let listen = self.string(dip, "dip", 0, "listen", None);
        let listen = self
            .checked(listen, "dip", 0, "listen", check_listen)
            .and_then(|l| l.parse().ok());
        let api_key = self.string(dip, "dip", 0, "api_key", Some(""));
        let api_key = api_key.filter(|k| !k.is_empty()).map(Secret);
        let max_body_bytes = match dip.and_then(|t| t.get("max_body_bytes")) {
            None => Some(1_048_576),
            Some(Value::Integer(n)) if *n > 0 => usize::try_from(*n).ok(),
            Some(other) => {
                self.problem(
                    "dip",
                    0,
                    "max_body_bytes",
                    format!("expected a positive integer, found {other}"),
                );
                None
            }
        };

        let path = |c: &mut Self, key: &str| {
            c.string(dip, "dip", 0, key, Some(""))
                .filter(|s| !s.is_empty())
                .map(|s| c.resolve(&s))
        };
        let (cert, key) = (path(self, "signing_certificate"), path(self, "signing_key"));
        let signing = self.pair(cert, key, ("signing_certificate", "signing_key"));
        let (cert, key) = (path(self, "tls_certificate"), path(self, "tls_key"));
        let tls = self.pair(cert, key, ("tls_certificate", "tls_key"));
        let client_ca = path(self, "client_ca");
        if client_ca.is_some() && tls.is_none() {
            self.problem(
                "dip",
                0,
                "client_ca",
                "mutual TLS needs HTTPS: set tls_certificate and tls_key too",
            );
        }
        let clock_skew = self.duration_in(dip, "dip", "clock_skew", "5m");

        let participants = self.participants(table, api_key.as_ref());

        let timeouts = self.section(table, "timeouts");
        let ack = self.duration(timeouts, "ack", "5s");
        let response = self.duration(timeouts, "response", "30s");
        let retry = self.duration(timeouts, "retry", "60s");
        let quiet = self.duration(timeouts, "quiet", "3s");

        let mut counterparties = Vec::new();
        match table.get("counterparty") {
            None => {}
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let t = if let Value::Table(t) = item {
                        Some(t)
                    } else {
                        None
                    };
                    let role = self.string(t, "counterparty", i, "role", None);
                    let role =
                        self.checked(role, "counterparty", i, "role", check_counterparty_role);
                    let id = self.string(t, "counterparty", i, "dip_id", None);
                    let id = self.checked(id, "counterparty", i, "dip_id", check_dip_id);
                    let mpid = self.string(t, "counterparty", i, "mpid", None);
                    let mpid = self.checked(mpid, "counterparty", i, "mpid", check_mpid);
                    if let (Some(role), Some(dip_id), Some(mpid)) = (role, id, mpid) {
                        counterparties.push(Counterparty { role, dip_id, mpid });
                    }
                }
            }
            Some(_) => self.problems.push(Problem {
                location: self.name.to_owned(),
                key: "counterparty".into(),
                message: "expected [[counterparty]] tables".into(),
                warning: false,
            }),
        }
        self.distinct_parties(participants.as_ref(), &counterparties);
        if !counterparties.iter().any(|c| c.role == "REGS")
            && participants.iter().flatten().any(|p| p.role == "SUP")
        {
            self.problems.push(Problem {
                location: self.name.to_owned(),
                key: "counterparty".into(),
                message:
                    "no counterparty with role REGS: the supplier pack needs a Registration Service"
                        .into(),
                warning: true,
            });
        }

        let testdata = self.testdata(table);
        let prompts = self.prompts(table);

        Some(Config {
            environment: environment?,
            dip: DipConfig {
                listen: listen?,
                api_key,
                max_body_bytes: max_body_bytes?,
                signing,
                clock_skew: clock_skew?,
                tls,
                client_ca,
            },
            participants: participants?,
            timeouts: Timeouts {
                ack: ack?,
                response: response?,
                retry: retry?,
                quiet: quiet?,
            },
            counterparties,
            testdata,
            prompts,
            source: self.name.to_owned(),
        })
    }

    /// `[participant]` (one table) or `[[participant]]` (several), each with its API key: its
    /// own, or `[dip] api_key` when there is only one.
    fn participants(
        &mut self,
        table: &Table,
        default_key: Option<&Secret>,
    ) -> Option<Vec<Participant>> {
        let tables: Vec<Option<&Table>> = match table.get("participant") {
            None => {
                self.problems
                    .push(missing_section(self.name, "participant"));
                return None;
            }
            Some(Value::Table(t)) => vec![Some(t)],
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .map(|i| {
                    if let Value::Table(t) = i {
                        Some(t)
                    } else {
                        None
                    }
                })
                .collect(),
            Some(_) => {
                self.problems.push(Problem {
                    location: self.locate_header("participant"),
                    key: "participant".into(),
                    message: "expected a [participant] table or [[participant]] tables".into(),
                    warning: false,
                });
                return None;
            }
        };
        let several = tables.len() > 1;
        let mut out = Some(Vec::new());
        for (i, part) in tables.into_iter().enumerate() {
            let role = self.string(part, "participant", i, "role", None);
            let role = self.checked(role, "participant", i, "role", check_sut_role);
            let dip_id = self.string(part, "participant", i, "dip_id", None);
            let dip_id = self.checked(dip_id, "participant", i, "dip_id", check_dip_id);
            let mpid = self.string(part, "participant", i, "mpid", None);
            let mpid = self.checked(mpid, "participant", i, "mpid", check_mpid);
            let webhook_url = self.string(part, "participant", i, "webhook_url", None);
            let webhook_url = self.checked(webhook_url, "participant", i, "webhook_url", check_url);
            let path = |c: &mut Self, key: &str| {
                c.string(part, "participant", i, key, Some(""))
                    .filter(|s| !s.is_empty())
                    .map(|s| c.resolve(&s))
            };
            let certificate = path(self, "certificate");
            let webhook_ca = path(self, "webhook_ca");
            let prompts = part
                .and_then(|t| t.get("prompts"))
                .map(|v| self.prompt_command(v, "participant", i, "prompts"));
            if let Some(url) = &webhook_url
                && url.starts_with("http://")
                && webhook_ca.is_some()
            {
                self.problems.push(Problem {
                    location: self.locate("participant", i, "webhook_ca"),
                    key: "participant.webhook_ca".into(),
                    message: "is set but the webhook_url is http://, so no TLS is used".into(),
                    warning: true,
                });
            }
            let own_key = self
                .string(part, "participant", i, "api_key", Some(""))
                .filter(|k| !k.is_empty());
            let api_key = match own_key {
                Some(k) => Some(Secret(k)),
                None if !several && default_key.is_some() => default_key.cloned(),
                None if several => {
                    self.problem(
                        "participant",
                        i,
                        "api_key",
                        "missing: with several [[participant]] each needs its own API key, so the DIP knows who submits",
                    );
                    None
                }
                None => {
                    self.problem("dip", 0, "api_key", "missing");
                    None
                }
            };
            match (role, dip_id, mpid, webhook_url, out.as_mut()) {
                (Some(role), Some(dip_id), Some(mpid), Some(webhook_url), Some(list))
                    if api_key.is_some() && !matches!(prompts, Some(None)) =>
                {
                    list.push(Participant {
                        role,
                        dip_id,
                        mpid,
                        webhook_url,
                        api_key: api_key.unwrap_or_else(|| Secret(String::new())),
                        certificate,
                        webhook_ca,
                        prompts: prompts.flatten(),
                    });
                }
                _ => out = None,
            }
        }
        out
    }

    /// Every party has its own DIP ID, and every participant its own API key.
    fn distinct_parties(
        &mut self,
        participants: Option<&Vec<Participant>>,
        counterparties: &[Counterparty],
    ) {
        let Some(participants) = participants else {
            return;
        };
        for (i, p) in participants.iter().enumerate() {
            if participants[..i].iter().any(|q| q.dip_id == p.dip_id) {
                self.problem(
                    "participant",
                    i,
                    "dip_id",
                    format!(
                        "{:?} is another participant's DIP ID too; every party needs its own",
                        p.dip_id
                    ),
                );
            }
            if counterparties.iter().any(|c| c.dip_id == p.dip_id) {
                self.problem(
                    "participant",
                    i,
                    "dip_id",
                    "is also a counterparty's DIP ID; every party needs its own",
                );
            }
            if participants[..i].iter().any(|q| q.api_key == p.api_key) {
                self.problem(
                    "participant",
                    i,
                    "api_key",
                    "is another participant's API key too; the DIP tells participants apart by it",
                );
            }
        }
    }

    /// The optional `[testdata]` section (`None` also when it is wrong: the problems found
    /// then keep the configuration from loading).
    fn testdata(&mut self, table: &Table) -> Option<TestData> {
        if !table.contains_key("testdata") {
            return None;
        }
        let t = self.section(table, "testdata")?;
        let mut number = |key: &str| match t.get(key) {
            Some(Value::Integer(n)) if *n >= 0 => u64::try_from(*n).ok(),
            other => {
                let found = other.map_or_else(|| "nothing".to_owned(), ToString::to_string);
                self.problem(
                    "testdata",
                    0,
                    key,
                    format!("expected a non-negative integer, found {found}"),
                );
                None
            }
        };
        let seed = number("seed");
        let count = number("count");
        let mut segments = Vec::new();
        match t.get("segments") {
            None => {}
            Some(Value::Array(items)) => {
                for item in items {
                    match item.as_str().map(str::parse::<crate::market::Segment>) {
                        Some(Ok(s)) => segments.push(s),
                        _ => self.problem(
                            "testdata",
                            0,
                            "segments",
                            format!("{item} is not a market segment (S, A, U)"),
                        ),
                    }
                }
            }
            Some(other) => self.problem(
                "testdata",
                0,
                "segments",
                format!("expected an array of segments, found {}", other.type_str()),
            ),
        }
        Some(TestData {
            seed: seed?,
            count: count?,
            segments,
        })
    }
}

impl Checker<'_> {
    /// The optional `[prompts]` section (`None` also when it is wrong: the problems found
    /// then keep the configuration from loading).
    fn prompts(&mut self, table: &Table) -> Option<Prompts> {
        if !table.contains_key("prompts") {
            return None;
        }
        let t = self.section(table, "prompts")?;
        let timeout = self.duration_in(Some(t), "prompts", "timeout", "30s");
        let command = match t.get("command") {
            None => None,
            Some(v) => Some(self.prompt_command(v, "prompts", 0, "command")?),
        };
        Some(Prompts {
            command,
            timeout: timeout?,
        })
    }

    /// A prompt command: an array of strings (a program and its first arguments) or one
    /// string naming a program. A relative program path (one with a `/`) is read from the
    /// configuration file's folder; a bare name is looked up on `PATH` when it runs.
    /// `None` when it is wrong, the problem recorded.
    fn prompt_command(
        &mut self,
        value: &Value,
        section: &str,
        index: usize,
        key: &str,
    ) -> Option<PromptCommand> {
        let words: Vec<String> = match value {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => {
                let mut words = Vec::with_capacity(items.len());
                for (n, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => words.push(s.clone()),
                        other => {
                            self.problem(
                                section,
                                index,
                                key,
                                format!(
                                    "element {n} is a {}, not a string: the command is an array of strings (a program and its arguments)",
                                    other.type_str()
                                ),
                            );
                            return None;
                        }
                    }
                }
                words
            }
            other => {
                self.problem(
                    section,
                    index,
                    key,
                    format!(
                        "expected an array of strings (a program and its arguments) or a string naming a program, found {}",
                        other.type_str()
                    ),
                );
                return None;
            }
        };
        let Some((program, args)) = words.split_first() else {
            self.problem(section, index, key, "is empty: it needs at least a program");
            return None;
        };
        if program.trim().is_empty() {
            self.problem(
                section,
                index,
                key,
                "names no program (the first word is empty)",
            );
            return None;
        }
        let program = if program.contains('/') {
            // Components drop an inner `.`, so that messages read `dir/qual-prompt`, not
            // `dir/./qual-prompt`; a leading one stays (`./qual-prompt` is no bare name).
            self.resolve(program).components().collect()
        } else {
            PathBuf::from(program)
        };
        Some(PromptCommand {
            program,
            args: args.to_vec(),
        })
    }
}

fn missing_section(name: &str, section: &str) -> Problem {
    Problem {
        location: name.to_owned(),
        key: section.to_owned(),
        message: format!("missing [{section}] table"),
        warning: false,
    }
}

fn check_environment(s: &str) -> Result<(), String> {
    if ENVIRONMENTS.contains(&s) {
        Ok(())
    } else {
        Err(format!("not one of {}", ENVIRONMENTS.join(", ")))
    }
}

/// A DIP ID: exactly ten digits (CONTRACT.md §1).
pub fn check_dip_id(s: &str) -> Result<(), String> {
    if s.len() == 10 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("a DIP ID is exactly 10 digits".into())
    }
}

/// An MPID: four capital letters (DT-027).
pub fn check_mpid(s: &str) -> Result<(), String> {
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err("an MPID is four capital letters (^[A-Z]{4}$)".into())
    }
}

fn check_sut_role(s: &str) -> Result<(), String> {
    if crate::market::roles::qualifying().any(|r| r == s) {
        Ok(())
    } else {
        Err(format!(
            "not a participant role ({})",
            crate::market::roles::qualifying()
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

fn check_counterparty_role(s: &str) -> Result<(), String> {
    if crate::market::roles::role(s).is_some() {
        Ok(())
    } else {
        Err(format!(
            "not a DIP role ({})",
            crate::market::roles::codes().collect::<Vec<_>>().join(", ")
        ))
    }
}

fn check_listen(s: &str) -> Result<(), String> {
    s.parse::<SocketAddr>()
        .map(|_| ())
        .map_err(|_| "not an address such as 127.0.0.1:7400".into())
}

fn check_url(s: &str) -> Result<(), String> {
    match reqwest::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        Ok(_) => Err("not an http or https URL".into()),
        Err(e) => Err(format!("not a URL: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
environment = "UIT"
[dip]
listen = "127.0.0.1:7400"
api_key = "change-me"
[participant]
role = "SUP"
dip_id = "2300000001"
mpid = "SUPA"
webhook_url = "http://127.0.0.1:7401/webhook"
[timeouts]
ack = "5s"
response = "30s"
retry = "60s"
[[counterparty]]
role = "REGS"
dip_id = "2200000001"
mpid = "REGA"
"#;

    #[test]
    fn contract_example_loads() {
        let (c, warnings) = load_str(GOOD, "good.toml", Vec::new()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(c.environment, "UIT");
        assert_eq!(c.timeouts.ack, Duration::from_secs(5));
        assert_eq!(c.timeouts.quiet, Duration::from_secs(3));
        assert_eq!(c.counterparty("REGS").unwrap().dip_id, "2200000001");
        assert_eq!(format!("{:?}", c.participant().api_key), "Secret(***)");
    }

    /// Two suppliers behind one stub DIP, each with its API key.
    const TWO: &str = r#"environment = "UIT"
[dip]
listen = "127.0.0.1:7400"
[[participant]]
role = "SUP"
dip_id = "2300000001"
mpid = "SUPA"
api_key = "key-a"
webhook_url = "http://127.0.0.1:7401/webhook"
[[participant]]
role = "SUP"
dip_id = "2300000002"
mpid = "SUPB"
api_key = "key-b"
webhook_url = "http://127.0.0.1:7402/webhook"
[[counterparty]]
role = "REGS"
dip_id = "2200000001"
mpid = "REGA"
"#;

    #[test]
    fn several_participants_load_each_with_its_key() {
        let (c, warnings) = load_str(TWO, "two.toml", Vec::new()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let ids: Vec<&str> = c.participants.iter().map(|p| p.dip_id.as_str()).collect();
        assert_eq!(ids, ["2300000001", "2300000002"]);
        assert_eq!(c.participants[1].api_key.expose(), "key-b");
        assert!(c.dip.api_key.is_none());
    }

    #[test]
    fn several_participants_need_distinct_ids_and_keys_of_their_own() {
        let problems = |text: &str| {
            load_str(text, "two.toml", Vec::new())
                .unwrap_err()
                .problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            problems(&TWO.replace("2300000002", "2300000001")),
            [
                "error: two.toml:12: `participant.dip_id`: \"2300000001\" is another participant's DIP ID too; every party needs its own"
            ]
        );
        assert_eq!(
            problems(&TWO.replace("key-b", "key-a")),
            [
                "error: two.toml:14: `participant.api_key`: is another participant's API key too; the DIP tells participants apart by it"
            ]
        );
        assert_eq!(
            problems(&TWO.replace("api_key = \"key-b\"\n", "")),
            [
                "error: two.toml:10: `participant.api_key`: missing: with several [[participant]] each needs its own API key, so the DIP knows who submits"
            ]
        );
        assert_eq!(
            problems(&TWO.replace("2300000002", "2200000001")),
            [
                "error: two.toml:12: `participant.dip_id`: is also a counterparty's DIP ID; every party needs its own"
            ]
        );
    }

    #[test]
    fn security_keys_load_in_pairs_and_relative_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let text = GOOD.replace(
            "api_key = \"change-me\"\n",
            "api_key = \"change-me\"\nsigning_certificate = \"certs/dip.pem\"\nsigning_key = \"/abs/dip.key\"\nclock_skew = \"90s\"\n",
        );
        let path = dir.path().join("run.toml");
        std::fs::write(&path, &text).unwrap();
        let (c, _) = load(&path).unwrap();
        let signing = c.dip.signing.unwrap();
        assert_eq!(signing.certificate, dir.path().join("certs/dip.pem"));
        assert_eq!(signing.key, PathBuf::from("/abs/dip.key"));
        assert_eq!(c.dip.clock_skew, Duration::from_secs(90));
        assert!(c.dip.tls.is_none());

        // A certificate without its key, mutual TLS without TLS, a skew that is no duration.
        let bad = GOOD.replace(
            "api_key = \"change-me\"\n",
            "api_key = \"change-me\"\ntls_certificate = \"t.pem\"\nclient_ca = \"ca.pem\"\nclock_skew = \"a while\"\n",
        );
        let text = load_str(&bad, "bad.toml", Vec::new())
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("bad.toml:6: `dip.tls_certificate`: needs tls_key too"),
            "{text}"
        );
        assert!(
            text.contains("`dip.client_ca`: mutual TLS needs HTTPS"),
            "{text}"
        );
        assert!(
            text.contains("`dip.clock_skew`: \"a while\" is not a duration"),
            "{text}"
        );
        // The skew defaults to five minutes.
        let (c, _) = load_str(GOOD, "good.toml", Vec::new()).unwrap();
        assert_eq!(c.dip.clock_skew, Duration::from_secs(300));
    }

    #[test]
    fn environment_variables_win() {
        let env = vec![
            ("MHHS_QUAL_DIP_API_KEY".to_owned(), "from-env".to_owned()),
            ("MHHS_QUAL_ENVIRONMENT".to_owned(), "SIT".to_owned()),
            ("MHHS_QUAL_TIMEOUTS_ACK".to_owned(), "500ms".to_owned()),
        ];
        let (c, _) = load_str(GOOD, "good.toml", env).unwrap();
        assert_eq!(c.participant().api_key.expose(), "from-env");
        assert_eq!(c.environment, "SIT");
        assert_eq!(c.timeouts.ack, Duration::from_millis(500));
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let bad = GOOD
            .replace("dip_id = \"2300000001\"", "dip_id = \"23000\"")
            .replace("mpid = \"SUPA\"", "mpid = \"supa\"")
            .replace("listen =", "lisen =")
            .replace("ack = \"5s\"", "ack = \"soon\"");
        let err = load_str(&bad, "bad.toml", Vec::new()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(
                "bad.toml:8: `participant.dip_id`: \"23000\": a DIP ID is exactly 10 digits"
            ),
            "{text}"
        );
        assert!(text.contains("bad.toml:9: `participant.mpid`"), "{text}");
        assert!(
            text.contains("bad.toml:4: `dip.lisen`: unknown key"),
            "{text}"
        );
        assert!(text.contains("`dip.listen`: missing"), "{text}");
        assert!(text.contains("`timeouts.ack`"), "{text}");
    }

    /// The problems of a configuration, one line each.
    fn problems_of(text: &str) -> Vec<String> {
        load_str(text, "p.toml", Vec::new())
            .unwrap_err()
            .problems
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_example_configuration_loads_and_so_do_its_prompts_lines() {
        let text = crate::embedded::file("config/example.toml").unwrap();
        let (c, _) = load_str(text, "example.toml", Vec::new()).unwrap();
        assert!(c.prompts.is_none());
        let uncommented = text
            .replace("# [prompts]", "[prompts]")
            .replace("# command = [", "command = [")
            .replace("# timeout = ", "timeout = ")
            .replace("# prompts    = ", "prompts    = ");
        let (c, _) = load_str(&uncommented, "example.toml", Vec::new()).unwrap();
        assert_eq!(
            c.prompts
                .as_ref()
                .unwrap()
                .command
                .as_ref()
                .unwrap()
                .to_string(),
            "./qual-prompt --site test"
        );
        assert_eq!(c.prompt_timeout(), Duration::from_secs(30));
        assert_eq!(
            c.prompt_command(c.participant()).unwrap().to_string(),
            "./qual-prompt-b"
        );
    }

    #[test]
    fn without_prompts_there_is_no_prompt_command() {
        let (c, _) = load_str(GOOD, "good.toml", Vec::new()).unwrap();
        assert!(c.prompts.is_none());
        assert!(c.prompt_command(c.participant()).is_none());
        assert_eq!(c.prompt_timeout(), Duration::from_secs(30));
    }

    #[test]
    fn a_prompt_command_is_an_array_with_its_timeout() {
        let text = format!(
            "{GOOD}[prompts]\ncommand = [\"/opt/qual-prompt\", \"--site\", \"test\"]\ntimeout = \"45s\"\n"
        );
        let (c, warnings) = load_str(&text, "good.toml", Vec::new()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let command = c.prompt_command(c.participant()).unwrap();
        assert_eq!(command.program, PathBuf::from("/opt/qual-prompt"));
        assert_eq!(command.args, ["--site", "test"]);
        assert_eq!(
            command.to_string(),
            "/opt/qual-prompt --site test",
            "shown as its words"
        );
        assert_eq!(c.prompt_timeout(), Duration::from_secs(45));
    }

    #[test]
    fn a_prompt_command_may_be_one_string_naming_a_program_kept_whole() {
        let text = format!("{GOOD}[prompts]\ncommand = \"qual prompt\"\n");
        let (c, _) = load_str(&text, "good.toml", Vec::new()).unwrap();
        let command = c.prompt_command(c.participant()).unwrap();
        // A bare name (no `/`) is looked up on PATH when it runs, not resolved here; one
        // string is one program, never split into words.
        assert_eq!(command.program, PathBuf::from("qual prompt"));
        assert!(command.args.is_empty());
        assert_eq!(c.prompt_timeout(), Duration::from_secs(30));
    }

    #[test]
    fn a_relative_prompt_program_is_read_from_the_configuration_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.toml");
        let text =
            format!("{GOOD}[prompts]\ncommand = [\"./bin/qual-prompt\", \"./not-a-program\"]\n");
        std::fs::write(&path, text).unwrap();
        let (c, _) = load(&path).unwrap();
        let command = c.prompt_command(c.participant()).unwrap();
        assert_eq!(
            command.program.display().to_string(),
            dir.path().join("bin/qual-prompt").display().to_string()
        );
        // Arguments are passed as written.
        assert_eq!(command.args, ["./not-a-program"]);
        // A bare name stays a bare name.
        std::fs::write(
            &path,
            format!("{GOOD}[prompts]\ncommand = [\"qual-prompt\"]\n"),
        )
        .unwrap();
        let (c, _) = load(&path).unwrap();
        assert_eq!(
            c.prompt_command(c.participant()).unwrap().program,
            PathBuf::from("qual-prompt")
        );
    }

    #[test]
    fn a_participant_may_have_its_own_prompt_command() {
        let text = TWO.replace(
            "api_key = \"key-b\"\n",
            "api_key = \"key-b\"\nprompts = [\"/opt/b-prompt\", \"-v\"]\n",
        ) + "[prompts]\ncommand = \"/opt/shared-prompt\"\ntimeout = \"2m\"\n";
        let (c, warnings) = load_str(&text, "two.toml", Vec::new()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let (a, b) = (&c.participants[0], &c.participants[1]);
        assert!(a.prompts.is_none());
        assert_eq!(
            c.prompt_command(a).unwrap().program,
            PathBuf::from("/opt/shared-prompt")
        );
        assert_eq!(c.prompt_command(b).unwrap().to_string(), "/opt/b-prompt -v");
        assert_eq!(c.prompt_timeout(), Duration::from_secs(120));
        // A participant's own command, with no [prompts] at all.
        let own_only = TWO.replace(
            "api_key = \"key-a\"\n",
            "api_key = \"key-a\"\nprompts = \"/opt/a-prompt\"\n",
        );
        let (c, _) = load_str(&own_only, "two.toml", Vec::new()).unwrap();
        assert!(c.prompts.is_none());
        assert_eq!(
            c.prompt_command(c.participant()).unwrap().to_string(),
            "/opt/a-prompt"
        );
        assert!(c.prompt_command(&c.participants[1]).is_none());
    }

    #[test]
    fn prompts_without_a_command_set_the_timeout_only() {
        let (c, _) = load_str(
            &format!("{GOOD}[prompts]\ntimeout = \"500ms\"\n"),
            "p.toml",
            Vec::new(),
        )
        .unwrap();
        assert!(c.prompt_command(c.participant()).is_none());
        assert_eq!(c.prompt_timeout(), Duration::from_millis(500));
    }

    #[test]
    fn an_empty_prompt_command_is_refused_with_its_line() {
        assert_eq!(
            problems_of(&format!("{GOOD}[prompts]\ncommand = []\n")),
            ["error: p.toml:20: `prompts.command`: is empty: it needs at least a program"]
        );
    }

    #[test]
    fn a_prompt_command_with_an_element_that_is_no_string_is_refused_with_its_line() {
        assert_eq!(
            problems_of(&format!(
                "{GOOD}[prompts]\ntimeout = \"5s\"\ncommand = [\"./qual-prompt\", 3]\n"
            )),
            [
                "error: p.toml:21: `prompts.command`: element 1 is a integer, not a string: the command is an array of strings (a program and its arguments)"
            ]
        );
    }

    #[test]
    fn a_prompt_command_of_another_type_is_refused_with_its_line() {
        assert_eq!(
            problems_of(&format!("{GOOD}[prompts]\ncommand = 7\n")),
            [
                "error: p.toml:20: `prompts.command`: expected an array of strings (a program and its arguments) or a string naming a program, found integer"
            ]
        );
    }

    #[test]
    fn a_prompt_command_naming_no_program_is_refused_with_its_line() {
        assert_eq!(
            problems_of(&format!("{GOOD}[prompts]\ncommand = [\"\", \"x\"]\n")),
            ["error: p.toml:20: `prompts.command`: names no program (the first word is empty)"]
        );
    }

    #[test]
    fn a_bad_prompt_timeout_is_refused_with_its_line() {
        let problems = problems_of(&format!(
            "{GOOD}[prompts]\ncommand = \"/opt/p\"\ntimeout = \"half a minute\"\n"
        ));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with(
                "error: p.toml:21: `prompts.timeout`: \"half a minute\" is not a duration such as 500ms, 5s or 2m"
            ),
            "{problems:?}"
        );
    }

    #[test]
    fn a_zero_prompt_timeout_is_refused_with_its_line() {
        assert_eq!(
            problems_of(&format!("{GOOD}[prompts]\ntimeout = \"0s\"\n")),
            ["error: p.toml:20: `prompts.timeout`: must be longer than zero"]
        );
    }

    #[test]
    fn an_unknown_prompts_key_is_refused_with_its_line() {
        assert_eq!(
            problems_of(&format!(
                "{GOOD}[prompts]\ncommand = \"/opt/p\"\nshell = true\n"
            )),
            [
                "error: p.toml:21: `prompts.shell`: unknown key (known in [prompts]: command, timeout)"
            ]
        );
    }

    #[test]
    fn a_participants_empty_prompt_command_is_refused_with_its_line() {
        let text = TWO.replace(
            "api_key = \"key-b\"\n",
            "api_key = \"key-b\"\nprompts = []\n",
        );
        assert_eq!(
            load_str(&text, "two.toml", Vec::new())
                .unwrap_err()
                .problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["error: two.toml:15: `participant.prompts`: is empty: it needs at least a program"]
        );
    }

    #[test]
    fn the_prompt_command_can_come_from_the_environment() {
        let env = vec![
            (
                "MHHS_QUAL_PROMPTS_COMMAND".to_owned(),
                "/opt/env-prompt".to_owned(),
            ),
            ("MHHS_QUAL_PROMPTS_TIMEOUT".to_owned(), "3s".to_owned()),
        ];
        let (c, warnings) = load_str(GOOD, "good.toml", env).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            c.prompt_command(c.participant()).unwrap().program,
            PathBuf::from("/opt/env-prompt")
        );
        assert_eq!(c.prompt_timeout(), Duration::from_secs(3));
    }

    #[test]
    fn toml_syntax_errors_name_the_line() {
        let err = load_str(
            "environment = \"UIT\"\n[dip\nlisten = 1\n",
            "x.toml",
            Vec::new(),
        )
        .unwrap_err();
        assert!(err.problems[0].location.starts_with("x.toml:2"), "{err}");
    }

    #[test]
    fn unknown_role_and_missing_sections() {
        let err = load_str(
            "environment = \"XYZ\"\n[participant]\nrole = \"BOSS\"\n",
            "y.toml",
            Vec::new(),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("`environment`: \"XYZ\": not one of"),
            "{text}"
        );
        assert!(text.contains("`participant.role`: \"BOSS\""), "{text}");
        assert!(text.contains("missing [dip] table"), "{text}");
    }
}
