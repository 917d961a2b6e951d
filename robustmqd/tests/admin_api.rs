//! The admin gRPC API of a real robustmqd process: status, topic lifecycle, groups, and the
//! bearer token.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use robustmq_api::admin::admin_client::AdminClient;
use robustmq_api::admin::*;
use tonic::transport::Channel;

struct Daemon {
    child: Child,
    admin: String,
    _dir: tempfile::TempDir,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts robustmqd on port 0 and reads the admin address from its "listener ready" log line:
/// ports picked by the test and released before the daemon binds them can be taken by a test
/// running in parallel.
fn start(token: Option<&str>) -> Daemon {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_robustmqd"));
    cmd.arg("--data-dir")
        .arg(dir.path())
        .args(["--kafka-listen", "127.0.0.1:0"])
        .args(["--http-listen", "off", "--admin-listen", "127.0.0.1:0"])
        .args(["--mqtt-listen", "off", "--mqtt-ws-listen", "off"])
        .args(["--amqp-listen", "off"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(t) = token {
        cmd.env("ROBUSTMQ_ADMIN__TOKEN", t);
    }
    let mut child = cmd.spawn().expect("robustmqd starts");
    let stderr = child.stderr.take().expect("piped stderr");
    let (tx, rx) = mpsc::channel();
    // Reads the log to its end, so the daemon never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut log = String::new();
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !sent {
                if let Some(rest) = line.split("admin listener ready addr=").nth(1) {
                    let addr = rest.split_whitespace().next().unwrap_or_default();
                    sent = tx.send(Ok(addr.to_string())).is_ok();
                } else {
                    log.push_str(&line);
                    log.push('\n');
                }
            }
        }
        if !sent {
            let _ = tx.send(Err(log));
        }
    });
    let admin = match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(Ok(addr)) => addr,
        Ok(Err(log)) => panic!("robustmqd exited before its admin listener was ready:\n{log}"),
        Err(e) => panic!("robustmqd's admin listener never came up: {e}"),
    };
    Daemon {
        child,
        admin,
        _dir: dir,
    }
}

async fn connect(addr: &str) -> AdminClient<Channel> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match AdminClient::connect(format!("http://{addr}")).await {
            Ok(c) => return c,
            Err(e) if Instant::now() > deadline => panic!("admin API never came up: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

#[tokio::test]
async fn topic_lifecycle_and_status_over_the_admin_api() {
    let d = start(None);
    let mut c = connect(&d.admin).await;
    let status = c
        .cluster_status(ClusterStatusRequest {})
        .await
        .expect("status")
        .into_inner();
    assert!(!status.cluster_id.is_empty());
    let node = &status.nodes[0];
    assert_eq!(node.roles, ["broker", "journal", "meta"]);
    assert!(node.listeners.iter().any(|l| l.protocol == "kafka"));

    let configs = [("retention.ms".to_string(), "86400000".to_string())]
        .into_iter()
        .collect();
    let created = c
        .create_topic(CreateTopicRequest {
            name: "orders".into(),
            partitions: 3,
            configs,
        })
        .await
        .expect("create")
        .into_inner();
    assert_eq!(created.partitions.len(), 3);
    assert!(created
        .configs
        .iter()
        .any(|e| e.name == "retention.ms" && e.value == "86400000" && !e.is_default));
    let again = c
        .create_topic(CreateTopicRequest {
            name: "orders".into(),
            partitions: 1,
            configs: Default::default(),
        })
        .await;
    assert_eq!(
        again.expect_err("exists").code(),
        tonic::Code::AlreadyExists
    );
    let bad = c
        .create_topic(CreateTopicRequest {
            name: "bad name".into(),
            partitions: 1,
            configs: Default::default(),
        })
        .await;
    assert_eq!(
        bad.expect_err("invalid").code(),
        tonic::Code::InvalidArgument
    );

    let topics = c
        .list_topics(ListTopicsRequest {})
        .await
        .expect("list")
        .into_inner()
        .topics;
    assert_eq!(
        topics
            .iter()
            .map(|t| (t.name.as_str(), t.partitions))
            .collect::<Vec<_>>(),
        [("orders", 3)]
    );
    c.delete_topic(DeleteTopicRequest {
        name: "orders".into(),
    })
    .await
    .expect("delete");
    let gone = c
        .describe_topic(DescribeTopicRequest {
            name: "orders".into(),
        })
        .await;
    assert_eq!(gone.expect_err("deleted").code(), tonic::Code::NotFound);
    assert!(c
        .list_groups(ListGroupsRequest {})
        .await
        .expect("groups")
        .into_inner()
        .groups
        .is_empty());
}

#[tokio::test]
async fn a_configured_token_is_required() {
    let d = start(Some("s3cret"));
    let mut c = connect(&d.admin).await;
    let refused = c.list_topics(ListTopicsRequest {}).await;
    assert_eq!(
        refused.expect_err("no token").code(),
        tonic::Code::Unauthenticated
    );
    let mut req = tonic::Request::new(ListTopicsRequest {});
    req.metadata_mut()
        .insert("authorization", "Bearer s3cret".parse().expect("ascii"));
    assert!(c.list_topics(req).await.is_ok());
}

fn record(key: &str, value: &str) -> ProduceRecord {
    ProduceRecord {
        key: Some(key.as_bytes().to_vec()),
        value: Some(value.as_bytes().to_vec()),
        headers: vec![Header {
            key: "h".into(),
            value: b"v".to_vec(),
        }],
        partition: None,
        timestamp_ms: 0,
    }
}

async fn consume_all(c: &mut AdminClient<Channel>, req: ConsumeRequest) -> Vec<ConsumedRecord> {
    let mut stream = c.consume(req).await.expect("consume").into_inner();
    let mut out = Vec::new();
    while let Some(batch) = stream.message().await.expect("stream") {
        out.extend(batch.records);
    }
    out
}

#[tokio::test]
async fn produce_consume_groups_users_configs_and_watch() {
    let d = start(None);
    let mut c = connect(&d.admin).await;
    c.create_topic(CreateTopicRequest {
        name: "t".into(),
        partitions: 2,
        configs: Default::default(),
    })
    .await
    .expect("create");

    // Produce: keyed records follow murmur2, an explicit partition is honoured.
    let mut records: Vec<_> = (0..10)
        .map(|i| record(&format!("k{i}"), &format!("v{i}")))
        .collect();
    records.push(ProduceRecord {
        partition: Some(1),
        ..record("pinned", "x")
    });
    let produced = c
        .produce(ProduceRequest {
            topic: "t".into(),
            records,
        })
        .await
        .expect("produce")
        .into_inner()
        .records;
    assert_eq!(produced.len(), 11);
    assert_eq!(produced[10].partition, 1);
    let per_partition = |p: i32| produced.iter().filter(|r| r.partition == p).count() as i64;
    let missing = c
        .produce(ProduceRequest {
            topic: "t".into(),
            records: vec![ProduceRecord {
                partition: Some(7),
                ..record("a", "b")
            }],
        })
        .await;
    assert_eq!(
        missing.expect_err("no partition 7").code(),
        tonic::Code::InvalidArgument
    );

    // Consume everything back, with keys, values and headers.
    let all = consume_all(
        &mut c,
        ConsumeRequest {
            topic: "t".into(),
            start: Some(consume_request::Start::FromBeginning(true)),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(all.len(), 11);
    let r = all
        .iter()
        .find(|r| r.key.as_deref() == Some(b"k3".as_slice()))
        .expect("k3");
    assert_eq!(r.value.as_deref(), Some(b"v3".as_slice()));
    assert_eq!(
        r.headers,
        [Header {
            key: "h".into(),
            value: b"v".to_vec()
        }]
    );
    let limited = consume_all(
        &mut c,
        ConsumeRequest {
            topic: "t".into(),
            start: Some(consume_request::Start::FromBeginning(true)),
            max_records: 4,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(limited.len(), 4);

    // Groups: a commit shows lag; consuming from the group starts at the commit; resets.
    let offsets = [(0, 1), (1, 0)].into_iter().collect();
    c.commit_offsets(CommitOffsetsRequest {
        group: "g".into(),
        topic: "t".into(),
        offsets,
    })
    .await
    .expect("commit");
    let desc = c
        .describe_group(DescribeGroupRequest { name: "g".into() })
        .await
        .expect("describe")
        .into_inner();
    let lags: Vec<_> = desc
        .offsets
        .iter()
        .map(|o| (o.partition, o.committed_offset, o.lag))
        .collect();
    assert_eq!(
        lags,
        [(0, 1, per_partition(0) - 1), (1, 0, per_partition(1))]
    );
    let listed = c
        .list_groups(ListGroupsRequest {})
        .await
        .expect("groups")
        .into_inner()
        .groups;
    assert_eq!(
        listed
            .iter()
            .map(|g| (g.name.as_str(), g.lag))
            .collect::<Vec<_>>(),
        [("g", 10)]
    );
    let from_group = consume_all(
        &mut c,
        ConsumeRequest {
            topic: "t".into(),
            start: Some(consume_request::Start::Group("g".into())),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(from_group.len(), 10);
    let dry = c
        .reset_group_offsets(ResetGroupOffsetsRequest {
            group: "g".into(),
            topic: "t".into(),
            to: Some(reset_group_offsets_request::To::Latest(true)),
            dry_run: true,
            ..Default::default()
        })
        .await
        .expect("dry run")
        .into_inner();
    assert!(dry.offsets.iter().all(|o| o.lag == 0));
    let desc = c
        .describe_group(DescribeGroupRequest { name: "g".into() })
        .await
        .expect("describe")
        .into_inner();
    assert_eq!(
        desc.offsets.iter().map(|o| o.lag).sum::<i64>(),
        10,
        "a dry run commits nothing"
    );
    c.reset_group_offsets(ResetGroupOffsetsRequest {
        group: "g".into(),
        topic: "t".into(),
        to: Some(reset_group_offsets_request::To::Offset(-5)),
        ..Default::default()
    })
    .await
    .expect("reset");
    let desc = c
        .describe_group(DescribeGroupRequest { name: "g".into() })
        .await
        .expect("describe")
        .into_inner();
    assert_eq!(
        desc.offsets.iter().map(|o| o.lag).sum::<i64>(),
        11,
        "offsets clamp to the log start"
    );
    c.delete_group(DeleteGroupRequest { name: "g".into() })
        .await
        .expect("delete group");
    let gone = c
        .describe_group(DescribeGroupRequest { name: "g".into() })
        .await;
    assert_eq!(gone.expect_err("deleted").code(), tonic::Code::NotFound);

    // Users.
    let created = c
        .upsert_user(UpsertUserRequest {
            name: "alice".into(),
            password: "pw".into(),
        })
        .await
        .expect("user")
        .into_inner();
    assert!(created.created);
    let replaced = c
        .upsert_user(UpsertUserRequest {
            name: "alice".into(),
            password: "pw2".into(),
        })
        .await
        .expect("user")
        .into_inner();
    assert!(!replaced.created);
    let empty = c
        .upsert_user(UpsertUserRequest {
            name: "bob".into(),
            password: String::new(),
        })
        .await;
    assert_eq!(
        empty.expect_err("empty password").code(),
        tonic::Code::InvalidArgument
    );
    let users = c
        .list_users(ListUsersRequest {})
        .await
        .expect("users")
        .into_inner()
        .users;
    assert_eq!(
        users
            .iter()
            .map(|u| (u.name.as_str(), u.mechanism.as_str()))
            .collect::<Vec<_>>(),
        [("alice", "SCRAM-SHA-256")]
    );
    c.delete_user(DeleteUserRequest {
        name: "alice".into(),
    })
    .await
    .expect("delete user");
    let again = c
        .delete_user(DeleteUserRequest {
            name: "alice".into(),
        })
        .await;
    assert_eq!(again.expect_err("gone").code(), tonic::Code::NotFound);

    // Configs and partitions.
    let set = [("retention.ms".to_string(), "1000".to_string())]
        .into_iter()
        .collect();
    let t = c
        .alter_topic_configs(AlterTopicConfigsRequest {
            name: "t".into(),
            set,
            delete: vec![],
        })
        .await
        .expect("alter")
        .into_inner();
    assert!(t
        .configs
        .iter()
        .any(|e| e.name == "retention.ms" && e.value == "1000" && !e.is_default));
    let t = c
        .alter_topic_configs(AlterTopicConfigsRequest {
            name: "t".into(),
            set: Default::default(),
            delete: vec!["retention.ms".into()],
        })
        .await
        .expect("alter")
        .into_inner();
    assert!(t
        .configs
        .iter()
        .any(|e| e.name == "retention.ms" && e.is_default));
    let unknown = [("no.such".to_string(), "1".to_string())]
        .into_iter()
        .collect();
    let bad = c
        .alter_topic_configs(AlterTopicConfigsRequest {
            name: "t".into(),
            set: unknown,
            delete: vec![],
        })
        .await;
    assert_eq!(
        bad.expect_err("unknown config").code(),
        tonic::Code::InvalidArgument
    );
    let t = c
        .add_partitions(AddPartitionsRequest {
            name: "t".into(),
            total: 4,
        })
        .await
        .expect("grow")
        .into_inner();
    assert_eq!(t.partitions.len(), 4);
    let shrink = c
        .add_partitions(AddPartitionsRequest {
            name: "t".into(),
            total: 2,
        })
        .await;
    assert_eq!(
        shrink.expect_err("never shrinks").code(),
        tonic::Code::InvalidArgument
    );

    // Watch: a steady producer shows as a non-zero rate on the topic.
    let mut watch = c
        .watch(WatchRequest { interval_ms: 200 })
        .await
        .expect("watch")
        .into_inner();
    let mut producer = connect(&d.admin).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        producer
            .produce(ProduceRequest {
                topic: "t".into(),
                records: vec![record("w", "w")],
            })
            .await
            .expect("produce");
        let snap = watch
            .message()
            .await
            .expect("watch stream")
            .expect("a snapshot");
        assert_eq!(
            snap.connections
                .iter()
                .map(|c| c.protocol.as_str())
                .collect::<Vec<_>>(),
            ["mqtt", "kafka", "amqp"]
        );
        let rate = snap
            .topics
            .iter()
            .find(|t| t.topic == "t")
            .and_then(|t| t.rates)
            .map(|r| r.messages_in_per_sec)
            .unwrap_or(0.0);
        if rate > 0.0 {
            assert!(snap.total.expect("totals").messages_in_total >= 12);
            break;
        }
        assert!(Instant::now() < deadline, "no rate seen on topic t");
    }
}
