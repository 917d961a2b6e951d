//! Helpers shared by the black-box tests: free ports, child processes that die with the test,
//! and running the bench binary with a time limit.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    l.local_addr().expect("local addr").port()
}

/// Waits until something accepts on 127.0.0.1:`port`.
pub fn wait_for_port(port: u16, limit: Duration) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// A child process killed (by its own pid) when dropped.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Finds `name` on PATH or in /usr/sbin (where Debian puts mosquitto).
pub fn find_program(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([Path::new("/usr/sbin").to_path_buf()])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

pub fn bench() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_robustmq-bench"));
    c.stdin(Stdio::null());
    c
}

/// Runs a prepared command, killing it after `limit`; panics on timeout or failure.
pub fn run_ok(mut cmd: Command, limit: Duration) -> Output {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = cmd.spawn().expect("spawn robustmq-bench");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(limit) {
        Ok(r) => r.expect("wait for robustmq-bench"),
        Err(_) => {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            panic!("robustmq-bench did not finish within {limit:?}");
        }
    };
    assert!(
        out.status.success(),
        "robustmq-bench failed: {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Reads the JSON report and checks the keys every report has.
pub fn read_report(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("JSON report written");
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON report parses");
    assert!(v["msgs_per_sec"].is_number(), "msgs_per_sec in {v}");
    for k in ["p50", "p99", "p999", "max"] {
        assert!(v["latency_us"].get(k).is_some(), "latency_us.{k} in {v}");
    }
    assert!(v["settings"].is_object() && v["host"].is_object());
    v
}

pub fn count(v: &serde_json::Value, key: &str) -> u64 {
    v["counts"][key].as_u64().unwrap_or(u64::MAX)
}

/// The robustmqd binary under test (`ROBUSTMQD`, as scripts/test sets it).
pub fn daemon_path() -> std::path::PathBuf {
    std::env::var_os("ROBUSTMQD")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("/root/.cache/robustmq-target/debug/robustmqd"))
}

/// Starts robustmqd in `dir` with `flag` (`--kafka-listen` or `--mqtt-listen`) on port 0 and
/// every other listener off, and reads the bound port from its "listener ready" log line (a port
/// picked here and released could be taken by a test running in parallel); `None` (with a note)
/// when the binary is missing.
pub fn robustmqd(dir: &Path, flag: &str) -> Option<(Proc, u16)> {
    let bin = daemon_path();
    if !bin.is_file() {
        eprintln!(
            "skipped: robustmqd not found at {} (set ROBUSTMQD)",
            bin.display()
        );
        return None;
    }
    let mut cmd = Command::new(&bin);
    cmd.arg("--data-dir").arg(dir.join("data"));
    for f in [
        "--kafka-listen",
        "--mqtt-listen",
        "--mqtt-ws-listen",
        "--http-listen",
        "--admin-listen",
        "--amqp-listen",
    ] {
        cmd.args([f, if f == flag { "127.0.0.1:0" } else { "off" }]);
    }
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start robustmqd");
    let stderr = child.stderr.take().expect("piped stderr");
    let p = Proc(child);
    let name = flag.trim_start_matches("--").trim_end_matches("-listen");
    let marker = format!("{name} listener ready addr=");
    let (tx, rx) = std::sync::mpsc::channel();
    // Reads the log to its end, so the daemon never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sent {
                continue;
            }
            let port = line
                .split(marker.as_str())
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|addr| addr.rsplit(':').next())
                .and_then(|port| port.parse::<u16>().ok());
            if let Some(port) = port {
                sent = tx.send(port).is_ok();
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("robustmqd did not listen");
    Some((p, port))
}
