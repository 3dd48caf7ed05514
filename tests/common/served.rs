//! Purpose: `steward serve` as a child process for the end-to-end tests — started on
//! 127.0.0.1:0 with a clean environment, its address read from its log, its stderr kept, and
//! stopped with SIGTERM (or killed when the test ends).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `steward serve`, its stderr captured.
pub struct Served {
    pub child: Child,
    pub addr: SocketAddr,
    log: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Served {
    /// Starts `steward serve` on 127.0.0.1:0 with `env` and a database of its own, and waits
    /// for its address.
    pub fn start(env: &[(&str, String)]) -> Served {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db");
        Served::start_on(dir, &db, env)
    }

    /// [`Served::start`] on the database `db`, keeping `dir` (its working directory) alive
    /// as long as it runs.
    pub fn start_on(dir: tempfile::TempDir, db: &Path, env: &[(&str, String)]) -> Served {
        Served::spawn(dir, Some(db), env)
    }

    /// A replica: `steward serve` on the database `env` names (`STEWARD_DATABASE_URL`).
    pub fn start_replica(env: &[(&str, String)]) -> Served {
        Served::spawn(tempfile::tempdir().expect("temp dir"), None, env)
    }

    fn spawn(dir: tempfile::TempDir, db: Option<&Path>, env: &[(&str, String)]) -> Served {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
        cmd.env_clear().current_dir(dir.path());
        for name in ["PATH", "HOME"] {
            if let Ok(value) = std::env::var(name) {
                cmd.env(name, value);
            }
        }
        cmd.env("STEWARD_LISTEN", "127.0.0.1:0")
            .env("STEWARD_BACKUP_DIR", dir.path().join("backups"))
            .env("RUST_LOG", "info");
        for (name, value) in env {
            cmd.env(name, value);
        }
        if let Some(db) = db {
            cmd.arg("--db").arg(db);
        }
        cmd.arg("serve")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start steward serve");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (found, address) = std::sync::mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(addr) = line
                    .split("addr=")
                    .nth(1)
                    .and_then(|a| a.split_whitespace().next())
                    .and_then(|a| a.parse::<SocketAddr>().ok())
                {
                    let _ = found.send(addr);
                }
                let mut log = sink.lock().unwrap_or_else(|p| p.into_inner());
                log.push_str(&line);
                log.push('\n');
            }
        });
        let addr = match address.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "serve did not say where it listens: {}",
                    log.lock().expect("log")
                );
            }
        };
        Served {
            child,
            addr,
            log,
            _dir: dir,
        }
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Waits until the log holds `text` (at most `within`); whether it did.
    pub fn wait_for_log(&self, text: &str, within: Duration) -> bool {
        let started = Instant::now();
        while started.elapsed() < within {
            if self.log().contains(text) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Waits until `GET /readyz` answers 200, as a load balancer does before it sends
    /// traffic (at most `within`; panics with the log if it never does).
    pub async fn ready(&self, within: Duration) {
        let started = Instant::now();
        loop {
            let answer = reqwest::get(format!("http://{}/readyz", self.addr)).await;
            if answer.is_ok_and(|answer| answer.status() == 200) {
                return;
            }
            assert!(
                started.elapsed() < within,
                "serve never became ready: {}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `kill -9`: the process ends at once, nothing flushed or closed by it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM; the time until the process exited, and its exit code.
    pub fn terminate(&mut self, within: Duration) -> (Duration, Option<i32>) {
        let sent = Instant::now();
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        while sent.elapsed() < within + Duration::from_secs(5) {
            if let Ok(Some(status)) = self.child.try_wait() {
                return (sent.elapsed(), status.code());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("serve did not exit after SIGTERM: {}", self.log());
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}
