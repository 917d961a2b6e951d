//! Short MQTT runs against robustmqd and, when installed, mosquitto (the same load generator
//! works against any broker): counts and JSON, never timings.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

const LIMIT: Duration = Duration::from_secs(60);

/// Starts mosquitto on a free loopback port with unbounded queues (so QoS 1 loses nothing).
fn mosquitto(dir: &std::path::Path) -> Option<(Proc, u16)> {
    let Some(bin) = find_program("mosquitto") else {
        eprintln!("skipped: mosquitto is not installed (apt-get install mosquitto)");
        return None;
    };
    let port = free_port();
    let conf = dir.join("mosquitto.conf");
    let text = format!(
        "listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nset_tcp_nodelay true\n"
    );
    std::fs::write(&conf, text).expect("write mosquitto.conf");
    let child = Command::new(bin)
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start mosquitto");
    let p = Proc(child);
    assert!(
        wait_for_port(port, Duration::from_secs(10)),
        "mosquitto did not listen"
    );
    Some((p, port))
}

/// robustmqd, then mosquitto: each test runs against every broker that is available.
fn brokers(dir: &std::path::Path) -> Vec<(&'static str, Proc, u16)> {
    let mut out = Vec::new();
    let rd = dir.join("robustmqd");
    let _ = std::fs::create_dir_all(&rd);
    if let Some((p, port)) = robustmqd(&rd, "--mqtt-listen") {
        out.push(("robustmqd", p, port));
    }
    if let Some((p, port)) = mosquitto(dir) {
        out.push(("mosquitto", p, port));
    }
    out
}

fn mqtt(port: u16, args: &[&str], json: &std::path::Path) -> Command {
    let mut c = bench();
    c.arg("mqtt").args(args);
    c.args(["--target", &format!("127.0.0.1:{port}")])
        .arg("--json")
        .arg(json);
    c
}

#[test]
fn pubsub_qos0_and_qos1() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, _broker, port) in brokers(dir.path()) {
        eprintln!("against {name}");
        pubsub_against(dir.path(), port);
    }
}

fn pubsub_against(dir: &std::path::Path, port: u16) {
    let j = dir.join("q0.json");
    run_ok(
        mqtt(
            port,
            &[
                "pubsub", "--qos", "0", "--count", "2000", "--rate", "4000", "--size", "100",
            ],
            &j,
        ),
        LIMIT,
    );
    let v = read_report(&j);
    assert_eq!(count(&v, "sent"), 2000);
    assert_eq!(count(&v, "received"), 2000);
    assert!(v["latency_us"]["p50"].is_number());

    let j = dir.join("q1.json");
    let args = [
        "pubsub",
        "--qos",
        "1",
        "--count",
        "2000",
        "--publishers",
        "2",
        "--subscribers",
        "2",
    ];
    run_ok(mqtt(port, &args, &j), LIMIT);
    let v = read_report(&j);
    assert_eq!(count(&v, "sent"), 2000);
    assert_eq!(count(&v, "acked"), 2000);
    assert_eq!(
        count(&v, "received"),
        4000,
        "two subscribers each get every message"
    );
    assert!(v["ack_latency_us"]["p99"].is_number());

    let j = dir.join("v5.json");
    let args = [
        "pubsub",
        "--mqtt-version",
        "5",
        "--qos",
        "2",
        "--count",
        "1000",
    ];
    run_ok(mqtt(port, &args, &j), LIMIT);
    let v = read_report(&j);
    assert_eq!(count(&v, "acked"), 1000, "PUBCOMP for every QoS 2 publish");
    assert_eq!(count(&v, "received"), 1000);
}

#[test]
fn separate_pub_and_sub() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, _broker, port) in brokers(dir.path()) {
        eprintln!("against {name}");
        pub_and_sub_against(dir.path(), port);
    }
}

fn pub_and_sub_against(dir: &std::path::Path, port: u16) {
    let sub_json = dir.join("sub.json");
    let mut sub = mqtt(
        port,
        &["sub", "--qos", "1", "--count", "1000", "--topic", "x"],
        &sub_json,
    );
    sub.stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = Proc(sub.spawn().expect("spawn sub"));
    let stderr = child.0.stderr.take().expect("sub stderr");
    let mut lines = BufReader::new(stderr).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.starts_with("ready:"));
    assert!(ready, "sub never became ready");

    let pub_json = dir.join("pub.json");
    run_ok(
        mqtt(
            port,
            &["pub", "--qos", "1", "--count", "1000", "--topic", "x"],
            &pub_json,
        ),
        LIMIT,
    );
    let p = read_report(&pub_json);
    assert_eq!(count(&p, "acked"), 1000);
    assert_eq!(p["rate_of"], "acked");

    std::thread::spawn(move || lines.for_each(drop));
    let status = child.0.wait().expect("wait for sub");
    assert!(status.success());
    let s = read_report(&sub_json);
    assert_eq!(count(&s, "received"), 1000);
}

#[test]
fn idle_connections() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, broker, port) in brokers(dir.path()) {
        eprintln!("against {name}");
        idle_against(dir.path(), &broker, port);
    }
}

fn idle_against(dir: &std::path::Path, m: &Proc, port: u16) {
    let j = dir.join("conn.json");
    let pid = m.0.id().to_string();
    let args = [
        "conn",
        "--connections",
        "200",
        "--duration",
        "0.5",
        "--source-addrs",
        "4",
        "--pid",
        &pid,
    ];
    run_ok(mqtt(port, &args, &j), LIMIT);
    let v = read_report(&j);
    let c = &v["connections"];
    assert_eq!(c["connected"], 200, "{v}");
    assert_eq!(c["failed"], 0);
    assert_eq!(c["source_addrs"], 4);
    assert!(c["connects_per_sec"].as_f64().unwrap_or(0.0) > 0.0);
    assert!(c["rss_before_kib"].is_u64() && c["rss_after_kib"].is_u64());
    assert_eq!(
        v["latency_us"]["count"], 200,
        "one connect time per connection"
    );
}
