//! Short Kafka runs against a real robustmqd: counts and JSON shape, never timings.

mod common;

use std::time::Duration;

use common::*;

#[test]
fn kafka_produce_consume_e2e() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some((_daemon, port)) = robustmqd(dir.path(), "--kafka-listen") else {
        return;
    };
    let target = format!("127.0.0.1:{port}");
    let limit = Duration::from_secs(120);
    let run = |args: &[&str], name: &str| {
        let json = dir.path().join(name);
        let mut c = bench();
        c.arg("kafka")
            .args(args)
            .args(["--target", &target, "--size", "200"]);
        c.arg("--json").arg(&json);
        run_ok(c, limit);
        read_report(&json)
    };

    let p = run(
        &["produce", "--count", "2000", "--topic", "t1"],
        "produce.json",
    );
    assert_eq!(count(&p, "sent"), 2000);
    assert_eq!(count(&p, "acked"), 2000);
    assert_eq!(count(&p, "errors"), 0);
    assert_eq!(p["rate_of"], "acked");
    assert!(p["ack_latency_us"]["p50"].is_number());

    let c = run(
        &["consume", "--count", "2000", "--topic", "t1"],
        "consume.json",
    );
    assert_eq!(count(&c, "received"), 2000);
    assert_eq!(c["rate_of"], "received");

    let e = run(
        &[
            "e2e",
            "--count",
            "2000",
            "--topic",
            "t2",
            "--partitions",
            "2",
            "--producers",
            "2",
            "--consumers",
            "2",
        ],
        "e2e.json",
    );
    assert_eq!(count(&e, "sent"), 2000);
    assert_eq!(count(&e, "received"), 2000);
    assert_eq!(e["latency_us"]["count"], 2000);
    assert!(e["latency_us"]["p999"].is_number());

    let d = run(
        &["e2e", "--duration", "1", "--rate", "500", "--topic", "t3"],
        "rate.json",
    );
    let sent = count(&d, "sent");
    assert!(sent > 0 && sent <= 501, "a 1 s run at 500/s sent {sent}");
    assert_eq!(count(&d, "received"), sent);
}
