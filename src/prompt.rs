//! Prompts (CONTRACT-ROLES.md §6.7): how the harness asks a system for work that has no DIP
//! trigger (a meter fitted on site, a daily settlement batch), before it judges the DIP
//! traffic that follows.
//!
//! A [`Prompter`] takes an action and its JSON and says whether the system took the work on
//! board ([`PromptOutcome::Accepted`]) or declined it by its own rules
//! ([`PromptOutcome::Declined`]); anything else is a [`PromptError`], an error of the rig. A
//! participant's prompter is a [`CommandPrompter`]: the command of its configuration, run
//! without a shell, the action appended to its arguments and the JSON written to its stdin;
//! exit status 0 accepts, 3 declines. The built-in reference participants answer prompts in
//! process (`sut::Reference`).
//!
//! What a command prints is kept bounded: the first [`OUTPUT_LIMIT`] bytes of stdout and of
//! stderr each, the rest read and counted but dropped, so that a command flooding its output
//! neither blocks on a full pipe nor grows the harness's memory. The whole run is bounded by
//! the configured timeout, after which the command is killed.

use std::fmt::{self, Write as _};
use std::process::Stdio;
use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWriteExt as _};

use crate::config::PromptCommand;

/// How much of a command's stdout, and of its stderr, is kept.
pub const OUTPUT_LIMIT: usize = 64 * 1024;
/// How long the output of a command that has exited is still read: what it wrote is in the
/// pipes already; a process it started in the background may hold them open for longer.
const LINGER: Duration = Duration::from_millis(500);
/// The exit status with which a prompt command declines the work.
pub const DECLINE_STATUS: i32 = 3;

/// What the system made of a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptOutcome {
    /// It took the work on board: its DIP output is expected within `response`.
    Accepted,
    /// It declined the work by its own rules: no DIP output is expected.
    Declined,
}

impl fmt::Display for PromptOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Accepted => "accepted",
            Self::Declined => "declined",
        })
    }
}

/// A system's answer to a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptReply {
    pub outcome: PromptOutcome,
    /// What the system printed (bounded), for the report.
    pub output: String,
}

/// A prompt that went wrong: an error of the rig, not a verdict on the system. Its text names
/// the command, what went wrong and what the command wrote on stderr (bounded).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("prompt command {command} {problem}{}", if .stderr.is_empty() { String::new() } else { format!(": {}", .stderr) })]
pub struct PromptError {
    /// The command as run, its words joined, the action last.
    pub command: String,
    /// What went wrong: `exited with status 1`, `did not finish within 30s` ...
    pub problem: String,
    /// What the command wrote on stderr (bounded, trimmed), or the refusal's reason.
    pub stderr: String,
}

impl PromptError {
    pub fn new(
        command: impl Into<String>,
        problem: impl Into<String>,
        stderr: impl Into<String>,
    ) -> Self {
        Self {
            command: command.into(),
            problem: problem.into(),
            stderr: stderr.into(),
        }
    }
}

/// Something that asks a system for work: a participant's command, or a reference
/// participant in process.
pub trait Prompter: Send + Sync + fmt::Debug {
    /// Asks for `action` with its JSON `input`.
    fn prompt<'a>(
        &'a self,
        action: &'a str,
        input: &'a Value,
    ) -> BoxFuture<'a, Result<PromptReply, PromptError>>;
}

/// A participant's prompt command.
#[derive(Debug, Clone)]
pub struct CommandPrompter {
    command: PromptCommand,
    timeout: Duration,
}

impl CommandPrompter {
    /// Runs `command` for each prompt, for at most `timeout`.
    pub fn new(command: PromptCommand, timeout: Duration) -> Self {
        Self { command, timeout }
    }

    /// The command it runs.
    pub fn command(&self) -> &PromptCommand {
        &self.command
    }

    /// Starts the command. A program file that another process still holds open for
    /// writing (one written a moment ago: "text file busy") is tried again a few times.
    async fn spawn(&self, action: &str) -> std::io::Result<tokio::process::Child> {
        let mut attempt = 1;
        loop {
            let spawned = tokio::process::Command::new(&self.command.program)
                .args(&self.command.args)
                .arg(action)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn();
            match spawned {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && attempt < 5 => {
                    tokio::time::sleep(Duration::from_millis(20 * attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn run(&self, action: &str, input: &Value) -> Result<PromptReply, PromptError> {
        let shown = format!("{} {action}", self.command);
        let error = |problem: String, stderr: String| PromptError::new(&shown, problem, stderr);
        let stdin = serde_json::to_vec(input).expect("JSON serializes");
        let mut child = self.spawn(action).await.map_err(|e| {
            error(
                format!("could not be started: {}", io_text(&e)),
                String::new(),
            )
        })?;
        let (input_pipe, stdout, stderr) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let (mut out, mut err) = (Captured::default(), Captured::default());
        let finished = tokio::time::timeout(self.timeout, async {
            let write = async move {
                if let Some(mut pipe) = input_pipe {
                    // A command may exit without reading its input: a broken pipe is its
                    // business, and its exit status says what it made of the prompt.
                    let _ = pipe.write_all(&stdin).await;
                    let _ = pipe.shutdown().await;
                }
            };
            let exited = async {
                let ((), status) = tokio::join!(write, child.wait());
                status
            };
            let read = async { tokio::join!(drain(stdout, &mut out), drain(stderr, &mut err)) };
            tokio::pin!(exited, read);
            // Output is read while the command runs, so that it never blocks on a full pipe.
            // Once it has exited, what it left in the pipes is read; a process it left
            // behind holding them open is not waited for beyond a moment.
            tokio::select! {
                status = &mut exited => {
                    let _ = tokio::time::timeout(LINGER, &mut read).await;
                    status
                }
                _ = &mut read => exited.await,
            }
        })
        .await;
        let Ok(status) = finished else {
            // The future borrowing the child is gone: kill it and reap it.
            let _ = child.kill().await;
            return Err(error(
                format!(
                    "did not finish within {} and was killed",
                    humantime::format_duration(self.timeout)
                ),
                String::new(),
            ));
        };
        let status = status.map_err(|e| {
            error(
                format!("could not be waited for: {}", io_text(&e)),
                String::new(),
            )
        })?;
        let (stdout, stderr) = (out.text(), err.text());
        let stderr_trimmed = stderr.trim().to_owned();
        let outcome = match status.code() {
            Some(0) => PromptOutcome::Accepted,
            Some(DECLINE_STATUS) => PromptOutcome::Declined,
            Some(code) => return Err(error(format!("exited with status {code}"), stderr_trimmed)),
            None => return Err(error(killed(status), stderr_trimmed)),
        };
        let mut output = stdout.trim_end().to_owned();
        if !stderr_trimmed.is_empty() {
            if !output.is_empty() {
                output.push('\n');
            }
            output.push_str("stderr: ");
            output.push_str(&stderr_trimmed);
        }
        Ok(PromptReply { outcome, output })
    }
}

impl Prompter for CommandPrompter {
    fn prompt<'a>(
        &'a self,
        action: &'a str,
        input: &'a Value,
    ) -> BoxFuture<'a, Result<PromptReply, PromptError>> {
        Box::pin(self.run(action, input))
    }
}

/// The start of a stream, and how long it was in all.
#[derive(Debug, Default)]
struct Captured {
    kept: Vec<u8>,
    total: u64,
}

impl Captured {
    /// The kept bytes as text, saying how much was cut.
    fn text(&self) -> String {
        let mut s = String::from_utf8_lossy(&self.kept).into_owned();
        if self.total > self.kept.len() as u64 {
            let _ = write!(s, "... [{} bytes in all, cut]", self.total);
        }
        s
    }
}

/// Reads a stream to its end, keeping its first [`OUTPUT_LIMIT`] bytes and counting the rest.
async fn drain(reader: Option<impl AsyncRead + Unpin>, captured: &mut Captured) {
    let Some(mut reader) = reader else {
        return;
    };
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match reader.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                let room = OUTPUT_LIMIT.saturating_sub(captured.kept.len());
                captured.kept.extend_from_slice(&buf[..n.min(room)]);
                captured.total += n as u64;
            }
        }
    }
}

/// An I/O error's message without its `(os error N)` suffix.
fn io_text(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// How a process that ended without an exit code ended.
fn killed(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            return format!("was killed by signal {signal}");
        }
    }
    format!("ended without an exit status ({status})")
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;
    use std::path::{Path, PathBuf};
    use std::time::Instant;

    use serde_json::json;

    use super::*;

    /// A `#!/bin/sh` script in `dir`, executable.
    fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    fn prompter(program: PathBuf, args: &[&str], timeout: Duration) -> CommandPrompter {
        CommandPrompter::new(
            PromptCommand {
                program,
                args: args.iter().map(|s| (*s).to_owned()).collect(),
            },
            timeout,
        )
    }

    #[tokio::test]
    async fn exit_0_accepts_and_the_command_gets_the_action_last_and_the_json_on_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let seen = dir.path().join("seen");
        let s = script(
            dir.path(),
            "ok",
            &format!(
                "printf '%s\\n' \"$@\" > {seen}.args\ncat > {seen}.stdin\necho installing",
                seen = seen.display()
            ),
        );
        let p = prompter(s, &["--site", "test"], Duration::from_secs(10));
        let input = json!({"mpan": "1234567890123", "meter": {"meterID": "M1"}});
        let reply = p.prompt("install-meter", &input).await.unwrap();
        assert_eq!(reply.outcome, PromptOutcome::Accepted);
        assert_eq!(reply.output, "installing");
        let args = std::fs::read_to_string(dir.path().join("seen.args")).unwrap();
        assert_eq!(
            args.lines().collect::<Vec<_>>(),
            ["--site", "test", "install-meter"]
        );
        let stdin = std::fs::read(dir.path().join("seen.stdin")).unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&stdin).unwrap(), input);
    }

    #[tokio::test]
    async fn exit_3_declines_and_keeps_what_was_printed() {
        let dir = tempfile::tempdir().unwrap();
        let s = script(
            dir.path(),
            "no",
            "echo 'not our meter'\necho 'REG rule' >&2\nexit 3",
        );
        let reply = prompter(s, &[], Duration::from_secs(10))
            .prompt("install-meter", &json!({}))
            .await
            .unwrap();
        assert_eq!(reply.outcome, PromptOutcome::Declined);
        assert_eq!(reply.output, "not our meter\nstderr: REG rule");
    }

    #[tokio::test]
    async fn exit_1_is_an_error_naming_the_command_and_its_stderr() {
        let dir = tempfile::tempdir().unwrap();
        let s = script(
            dir.path(),
            "bad",
            "cat > /dev/null\necho 'no such MPAN' >&2\nexit 1",
        );
        let e = prompter(s.clone(), &["--site", "test"], Duration::from_secs(10))
            .prompt("install-meter", &json!({"mpan": "x"}))
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "prompt command {} --site test install-meter exited with status 1: no such MPAN",
                s.display()
            )
        );
        assert_eq!(e.stderr, "no such MPAN");
    }

    #[tokio::test]
    async fn a_missing_program_could_not_be_started() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("qual-prompt");
        let e = prompter(missing.clone(), &[], Duration::from_secs(10))
            .prompt("energise", &json!({}))
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "prompt command {} energise could not be started: No such file or directory",
                missing.display()
            )
        );
    }

    #[tokio::test]
    async fn a_bare_name_not_on_the_path_could_not_be_started() {
        let e = prompter(
            PathBuf::from("mhhs-qual-no-such-prompt-command"),
            &[],
            Duration::from_secs(10),
        )
        .prompt("energise", &json!({}))
        .await
        .unwrap_err();
        assert!(
            e.to_string().starts_with(
                "prompt command mhhs-qual-no-such-prompt-command energise could not be started"
            ),
            "{e}"
        );
    }

    #[tokio::test]
    async fn a_file_that_is_not_executable_could_not_be_started() {
        let dir = tempfile::tempdir().unwrap();
        let s = script(dir.path(), "plain", "exit 0");
        std::fs::set_permissions(&s, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = prompter(s.clone(), &[], Duration::from_secs(10))
            .prompt("energise", &json!({}))
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "prompt command {} energise could not be started: Permission denied",
                s.display()
            )
        );
    }

    #[tokio::test]
    async fn a_command_that_hangs_is_killed_at_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let pid = dir.path().join("pid");
        // The script becomes `sleep` itself (exec), so that its pid is the child's.
        let s = script(
            dir.path(),
            "hang",
            &format!("echo $$ > {}\nexec sleep 30", pid.display()),
        );
        let started = Instant::now();
        let e = prompter(s, &[], Duration::from_millis(300))
            .prompt("submit-consumption", &json!({}))
            .await
            .unwrap_err();
        let took = started.elapsed();
        assert!(took < Duration::from_secs(1), "took {took:?}");
        assert!(took >= Duration::from_millis(300), "took {took:?}");
        assert!(
            e.to_string()
                .ends_with("submit-consumption did not finish within 300ms and was killed"),
            "{e}"
        );
        // The child is gone: its /proc entry no longer exists (it was reaped).
        let pid = std::fs::read_to_string(&pid).unwrap();
        let proc_entry = PathBuf::from(format!("/proc/{}", pid.trim()));
        if Path::new("/proc/self").exists() {
            assert!(!proc_entry.exists(), "{} still runs", pid.trim());
        }
    }

    #[tokio::test]
    async fn a_command_flooding_its_output_finishes_with_its_output_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let s = script(
            dir.path(),
            "flood",
            "head -c 50000000 /dev/zero | tr '\\0' 'a'\nhead -c 3000000 /dev/zero | tr '\\0' 'e' >&2\nexit 0",
        );
        let started = Instant::now();
        let reply = prompter(s, &[], Duration::from_secs(20))
            .prompt("submit-consumption", &json!({"day": "2026-04-01"}))
            .await
            .unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(reply.outcome, PromptOutcome::Accepted);
        assert!(
            reply.output.len() < 3 * OUTPUT_LIMIT,
            "{}",
            reply.output.len()
        );
        assert!(
            reply.output.contains("a... [50000000 bytes in all, cut]"),
            "{}",
            &reply.output[reply.output.len() - 200..]
        );
        assert!(
            reply.output.ends_with("e... [3000000 bytes in all, cut]"),
            "{}",
            &reply.output[reply.output.len() - 200..]
        );
    }

    #[tokio::test]
    async fn a_command_leaving_a_process_behind_on_its_output_is_not_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let s = script(dir.path(), "detach", "sleep 3 &\necho queued\nexit 0");
        let started = Instant::now();
        let reply = prompter(s, &[], Duration::from_secs(10))
            .prompt("issue-site-invoice", &json!({}))
            .await
            .unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(reply.outcome, PromptOutcome::Accepted);
        assert_eq!(reply.output, "queued");
    }

    #[tokio::test]
    async fn a_command_killed_by_a_signal_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let s = script(dir.path(), "die", "echo dying >&2\nkill -9 $$");
        let e = prompter(s, &[], Duration::from_secs(10))
            .prompt("energise", &json!({}))
            .await
            .unwrap_err();
        assert!(
            e.to_string()
                .ends_with("energise was killed by signal 9: dying"),
            "{e}"
        );
    }
}
