//! Shared helpers for the end-to-end tests: run the real `steward` binary against a database
//! in a temporary directory, feed it a console script, and split what it prints into replies.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};

/// The instant every console run takes as "now" unless a test says otherwise (a Monday,
/// 09:00 UTC — far from midnight, so the date is the same in every time zone we use).
pub const NOW: &str = "2026-03-02T09:00:00Z";

/// A database in its own temporary directory, and the options every run gets.
pub struct Steward {
    dir: tempfile::TempDir,
    db: PathBuf,
    env: Vec<(String, String)>,
    now: String,
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// One entry per answered input line, without the trailing empty line.
    pub replies: Vec<String>,
    pub stdout: String,
    pub stderr: String,
    pub code: Option<i32>,
}

impl Run {
    /// The reply to the `i`-th answered line (0-based).
    pub fn reply(&self, i: usize) -> &str {
        self.replies.get(i).map_or_else(
            || panic!("no reply {i}; got {:#?}", self.replies),
            String::as_str,
        )
    }

    /// The last reply.
    pub fn last(&self) -> &str {
        self.replies.last().map_or_else(
            || panic!("no replies; stderr: {}", self.stderr),
            String::as_str,
        )
    }
}

impl Steward {
    pub fn new() -> Steward {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("x.db");
        Steward {
            dir,
            db,
            env: Vec::new(),
            now: NOW.to_string(),
        }
    }

    /// Sets an environment variable for every later run.
    pub fn env(mut self, name: &str, value: &str) -> Steward {
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// Takes `now` (RFC 3339) as the current instant for later runs.
    pub fn at(&mut self, now: &str) -> &mut Steward {
        self.now = now.to_string();
        self
    }

    pub fn db(&self) -> &Path {
        &self.db
    }

    /// A `steward` command with a clean environment (only PATH and HOME from outside, plus
    /// the variables set with [`Steward::env`]), run in the temporary directory so no
    /// `steward.toml` of the developer's is read.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
        cmd.env_clear().current_dir(self.dir.path());
        for name in ["PATH", "HOME"] {
            if let Ok(value) = std::env::var(name) {
                cmd.env(name, value);
            }
        }
        for (name, value) in &self.env {
            cmd.env(name, value);
        }
        cmd.arg("--db").arg(&self.db).arg("--now").arg(&self.now);
        cmd
    }

    /// Runs `steward … console EXTRA…` with `script` on stdin.
    pub fn console_with(&self, extra: &[&str], script: &[u8]) -> Run {
        let mut cmd = self.command();
        cmd.arg("console").args(extra);
        run_with_input(cmd, script)
    }

    /// Runs a console script and checks the console's conventions: exit 0, and exactly one
    /// reply, ending with one empty line, for every line that is not blank or a `#` comment.
    pub fn console(&self, script: &str) -> Run {
        self.console_bytes(script.as_bytes())
    }

    pub fn console_bytes(&self, script: &[u8]) -> Run {
        let run = self.console_with(&[], script);
        check_console_run(&run, script);
        run
    }
}

impl Default for Steward {
    fn default() -> Self {
        Steward::new()
    }
}

/// Runs `cmd` with `input` on stdin and collects its output.
pub fn run_with_input(mut cmd: Command, input: &[u8]) -> Run {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start steward");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        // The console may stop reading early (e.g. it failed to open the database).
        let _ = stdin.write_all(input);
    }
    let output = child.wait_with_output().expect("steward finishes");
    to_run(output)
}

fn to_run(output: Output) -> Run {
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    Run {
        replies: split_replies(&stdout),
        stdout,
        stderr,
        code: output.status.code(),
    }
}

/// Splits console output into replies: each reply is followed by one empty line.
pub fn split_replies(stdout: &str) -> Vec<String> {
    if stdout.is_empty() {
        return Vec::new();
    }
    assert!(
        stdout.ends_with("\n\n"),
        "output does not end with an empty line:\n{stdout}"
    );
    assert!(
        !stdout.ends_with("\n\n\n"),
        "output ends with more than one empty line:\n{stdout}"
    );
    stdout[..stdout.len() - 2]
        .split("\n\n")
        .map(str::to_string)
        .collect()
}

/// Lines of a script that get a reply.
pub fn answered_lines(script: &[u8]) -> usize {
    script
        .split(|b| *b == b'\n')
        .filter(|line| {
            let text = String::from_utf8_lossy(line);
            let text = text.trim();
            !text.is_empty() && !text.starts_with('#')
        })
        .count()
}

fn check_console_run(run: &Run, script: &[u8]) {
    assert_eq!(
        run.code,
        Some(0),
        "console exit code; stderr:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "stderr:\n{}", run.stderr);
    assert_eq!(
        run.replies.len(),
        answered_lines(script),
        "one reply per command line expected; replies:\n{:#?}",
        run.replies
    );
    for reply in &run.replies {
        assert!(
            !reply.trim().is_empty(),
            "empty reply in {:#?}",
            run.replies
        );
    }
}

/// A console kept running, to talk to line by line (e.g. to hold the database open).
pub struct LiveConsole {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl LiveConsole {
    pub fn start(steward: &Steward) -> LiveConsole {
        let mut cmd = steward.command();
        cmd.arg("console")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start steward");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        LiveConsole {
            child,
            stdin,
            stdout,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends one line and blocks until its reply (up to the empty line) has been printed.
    pub fn ask(&mut self, line: &str) -> String {
        let stdin = self.stdin.as_mut().expect("console still open");
        writeln!(stdin, "{line}").expect("write to console");
        stdin.flush().expect("flush console input");
        let mut reply = String::new();
        loop {
            let mut text = String::new();
            let n = self
                .stdout
                .read_line(&mut text)
                .expect("read console output");
            assert!(n > 0, "console ended before answering `{line}`: {reply}");
            if text == "\n" {
                return reply.trim_end_matches('\n').to_string();
            }
            reply.push_str(&text);
        }
    }

    /// Ends the input and waits for the console to exit; returns its exit code and stderr.
    pub fn finish(mut self) -> (Option<i32>, String) {
        drop(self.stdin.take());
        let status = self.child.wait().expect("console exits");
        let mut stderr = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            let _ = err.read_to_string(&mut stderr);
        }
        (status.code(), stderr)
    }
}

impl Drop for LiveConsole {
    fn drop(&mut self) {
        // Closing stdin ends the console; never leave a child behind if a test fails.
        drop(self.stdin.take());
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// `$1,234,567` for a whole amount.
pub fn money(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::from("$");
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Asserts that `text` contains every one of `parts`.
#[track_caller]
pub fn assert_has(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "expected {part:?} in:\n{text}");
    }
}

/// Asserts that `text` contains none of `parts`.
#[track_caller]
pub fn assert_lacks(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(!text.contains(part), "did not expect {part:?} in:\n{text}");
    }
}

/// The line of `text` that starts with `prefix`.
#[track_caller]
pub fn line_starting<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{text}"))
}
