//! Short AMQP 0-9-1 runs against robustmqd: counts and JSON, never timings.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::*;

const LIMIT: Duration = Duration::from_secs(60);

fn amqp(port: u16, args: &[&str], json: &Path) -> Command {
    let mut c = bench();
    c.arg("amqp").args(args);
    c.args(["--target", &format!("127.0.0.1:{port}")])
        .arg("--json")
        .arg(json);
    c
}

#[test]
fn publish_then_consume_persistent_with_confirms() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some((_broker, port)) = robustmqd(dir.path(), "--amqp-listen") else {
        return;
    };
    let j = dir.path().join("publish.json");
    let args = [
        "publish",
        "--topic",
        "bench-q",
        "--count",
        "2000",
        "--size",
        "100",
        "--confirm-window",
        "100",
        "--persistent",
    ];
    run_ok(amqp(port, &args, &j), LIMIT);
    let v = read_report(&j);
    assert_eq!(count(&v, "sent"), 2000, "{v}");
    assert_eq!(count(&v, "acked"), 2000, "a confirm for every publish: {v}");
    assert_eq!(count(&v, "errors"), 0, "{v}");
    assert_eq!(v["rate_of"], "acked");
    assert!(v["ack_latency_us"]["p99"].is_number());
    assert_eq!(v["settings"]["confirm_window"], 100);
    assert!(
        v["settings"].get("password").is_none(),
        "no password in the report"
    );

    let j = dir.path().join("consume.json");
    let args = ["consume", "--topic", "bench-q", "--count", "2000"];
    run_ok(amqp(port, &args, &j), LIMIT);
    let v = read_report(&j);
    assert_eq!(count(&v, "received"), 2000, "{v}");
    assert_eq!(count(&v, "errors"), 0, "{v}");
    assert_eq!(v["rate_of"], "received");
}

#[test]
fn pubsub_two_publishers_two_consumers_at_a_fixed_rate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some((_broker, port)) = robustmqd(dir.path(), "--amqp-listen") else {
        return;
    };
    let j = dir.path().join("pubsub.json");
    let args = [
        "pubsub",
        "--count",
        "2000",
        "--rate",
        "4000",
        "--size",
        "100",
        "--publishers",
        "2",
        "--consumers",
        "2",
        "--confirm-window",
        "50",
        "--prefetch",
        "20",
    ];
    run_ok(amqp(port, &args, &j), LIMIT);
    let v = read_report(&j);
    assert_eq!(count(&v, "sent"), 2000, "{v}");
    assert_eq!(count(&v, "acked"), 2000, "{v}");
    assert_eq!(
        count(&v, "received"),
        2000,
        "competing consumers: every message once: {v}"
    );
    assert_eq!(count(&v, "errors"), 0, "{v}");
    assert_eq!(v["latency_us"]["count"], 2000, "every message timed");
}

#[test]
fn pubsub_through_a_direct_exchange_without_confirms() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some((_broker, port)) = robustmqd(dir.path(), "--amqp-listen") else {
        return;
    };
    let j = dir.path().join("exchange.json");
    let args = [
        "pubsub",
        "--count",
        "1000",
        "--size",
        "5000",
        "--exchange",
        "bench-x",
        "--topics",
        "3",
    ];
    run_ok(amqp(port, &args, &j), LIMIT);
    let v = read_report(&j);
    assert_eq!(count(&v, "sent"), 1000, "{v}");
    assert_eq!(count(&v, "acked"), 0, "no confirms asked for");
    assert_eq!(count(&v, "received"), 1000, "{v}");
    assert_eq!(count(&v, "errors"), 0, "{v}");
}

#[test]
fn unreachable_broker_fails_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Nothing listens on a port just released: the run must fail, not hang.
    let port = free_port();
    let mut c = amqp(
        port,
        &["publish", "--count", "1"],
        &dir.path().join("x.json"),
    );
    let out = c.output().expect("run robustmq-bench");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("connecting to"), "{err}");
}
