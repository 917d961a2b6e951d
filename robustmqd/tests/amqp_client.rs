//! AMQP 0-9-1 with a Rust client (amqprs) against a real robustmqd: declare, bind, publish
//! with properties, get, consume with manual acks, and a requeued message coming back flagged
//! redelivered. The Python suites cover the protocol in depth; this proves a Rust client too.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use amqprs::channel::{
    BasicAckArguments, BasicConsumeArguments, BasicGetArguments, BasicNackArguments,
    BasicPublishArguments, QueueBindArguments, QueueDeclareArguments,
};
use amqprs::connection::{Connection, OpenConnectionArguments};
use amqprs::BasicProperties;

struct Daemon {
    child: Child,
    amqp: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// robustmqd with AMQP on port 0, its port read from the "listener ready" log line.
fn start() -> Daemon {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_robustmqd"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--amqp-listen", "127.0.0.1:0", "--kafka-listen", "off"])
        .args(["--mqtt-listen", "off", "--mqtt-ws-listen", "off"])
        .args(["--http-listen", "off", "--admin-listen", "off"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("robustmqd starts");
    let stderr = child.stderr.take().expect("piped stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sent {
                continue;
            }
            let port = line
                .split("amqp listener ready addr=")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|addr| addr.rsplit(':').next())
                .and_then(|p| p.parse::<u16>().ok());
            if let Some(port) = port {
                sent = tx.send(port).is_ok();
            }
        }
    });
    let amqp = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the AMQP listener came up");
    Daemon {
        child,
        amqp,
        _dir: dir,
    }
}

#[tokio::test]
async fn amqprs_publishes_gets_and_consumes() {
    let d = start();
    let conn = Connection::open(&OpenConnectionArguments::new(
        "127.0.0.1",
        d.amqp,
        "guest",
        "guest",
    ))
    .await
    .expect("connect");
    let ch = conn.open_channel(None).await.expect("channel");
    let (queue, _, _) = ch
        .queue_declare(QueueDeclareArguments::durable_client_named("rust-jobs"))
        .await
        .expect("declare")
        .expect("declare-ok");
    ch.queue_bind(QueueBindArguments::new(&queue, "amq.topic", "jobs.#"))
        .await
        .expect("bind");
    for i in 0..3 {
        let props = BasicProperties::default()
            .with_content_type("text/plain")
            .with_message_id(&format!("m{i}"))
            .with_persistence(true)
            .finish();
        ch.basic_publish(
            props,
            format!("job {i}").into_bytes(),
            BasicPublishArguments::new("amq.topic", "jobs.resize"),
        )
        .await
        .expect("publish");
    }

    // basic.get (waits until the publishes are stored: they were sent before it).
    let (get_ok, props, body) = ch
        .basic_get(BasicGetArguments::new(&queue))
        .await
        .expect("get")
        .expect("a message");
    assert_eq!(body, b"job 0");
    assert_eq!(props.content_type().map(String::as_str), Some("text/plain"));
    assert_eq!(get_ok.routing_key(), "jobs.resize");
    ch.basic_nack(BasicNackArguments::new(get_ok.delivery_tag(), false, true))
        .await
        .expect("nack");

    // Consume all three with manual acks; the nacked one comes first, redelivered.
    let mut args = BasicConsumeArguments::new(&queue, "rust-consumer");
    args.manual_ack(true);
    let (_tag, mut rx) = ch.basic_consume_rx(args).await.expect("consume");
    let mut got = Vec::new();
    while got.len() < 3 {
        let msg = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("a delivery in time")
            .expect("consumer open");
        let deliver = msg.deliver.expect("deliver");
        let body = msg.content.expect("content");
        got.push((body, deliver.redelivered()));
        ch.basic_ack(BasicAckArguments::new(deliver.delivery_tag(), false))
            .await
            .expect("ack");
    }
    assert_eq!(
        got,
        vec![
            (b"job 0".to_vec(), true),
            (b"job 1".to_vec(), false),
            (b"job 2".to_vec(), false)
        ]
    );
    let (_, messages, consumers) = ch
        .queue_declare(QueueDeclareArguments::durable_client_named("rust-jobs"))
        .await
        .expect("declare")
        .expect("declare-ok");
    assert_eq!((messages, consumers), (0, 1));
    ch.close().await.expect("channel close");
    conn.close().await.expect("connection close");
}
