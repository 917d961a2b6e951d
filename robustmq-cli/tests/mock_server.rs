//! The `robustmq` binary against an in-process fake admin server: checks the client side of
//! the protocol (batching, what consume commits, exit codes per gRPC status) without a
//! daemon. The end-to-end behaviour against robustmqd is in tests/python/test_cli.py.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::pin::Pin;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use robustmq_api::admin::admin_server::{Admin, AdminServer};
use robustmq_api::admin::consume_request::Start;
use robustmq_api::admin::*;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// Ten records in partition 0 (values v0..v9), recorded requests, and a token check.
#[derive(Default)]
struct Fake {
    produced: Mutex<Vec<ProduceRequest>>,
    commits: Mutex<Vec<CommitOffsetsRequest>>,
    consumes: Mutex<Vec<ConsumeRequest>>,
}

/// The service handle (the fake itself stays with the test to inspect).
struct Svc(Arc<Fake>);

impl std::ops::Deref for Svc {
    type Target = Fake;
    fn deref(&self) -> &Fake {
        &self.0
    }
}

fn record(offset: i64) -> ConsumedRecord {
    ConsumedRecord {
        partition: 0,
        offset,
        timestamp_ms: 1000 + offset,
        key: Some(format!("k{offset}").into_bytes()),
        value: Some(format!("v{offset}").into_bytes()),
        headers: vec![],
    }
}

fn check_token<T>(req: &Request<T>) -> Result<(), Status> {
    match req
        .metadata()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
    {
        Some("Bearer good") => Ok(()),
        _ => Err(Status::unauthenticated("a valid bearer token is required")),
    }
}

#[tonic::async_trait]
impl Admin for Svc {
    async fn cluster_status(
        &self,
        _: Request<ClusterStatusRequest>,
    ) -> Result<Response<ClusterStatusResponse>, Status> {
        Err(Status::unimplemented("not in this fake"))
    }
    async fn list_topics(
        &self,
        req: Request<ListTopicsRequest>,
    ) -> Result<Response<ListTopicsResponse>, Status> {
        check_token(&req)?;
        Ok(Response::new(ListTopicsResponse {
            topics: vec![TopicSummary {
                name: "t".into(),
                partitions: 1,
                size_bytes: 10,
                records: 10,
            }],
        }))
    }
    async fn describe_topic(
        &self,
        _: Request<DescribeTopicRequest>,
    ) -> Result<Response<TopicDescription>, Status> {
        Err(Status::not_found("topic 'x' does not exist"))
    }
    async fn create_topic(
        &self,
        _: Request<CreateTopicRequest>,
    ) -> Result<Response<TopicDescription>, Status> {
        Err(Status::already_exists("topic 'x' already exists"))
    }
    async fn alter_topic_configs(
        &self,
        _: Request<AlterTopicConfigsRequest>,
    ) -> Result<Response<TopicDescription>, Status> {
        Err(Status::invalid_argument("unknown topic config 'x'"))
    }
    async fn add_partitions(
        &self,
        _: Request<AddPartitionsRequest>,
    ) -> Result<Response<TopicDescription>, Status> {
        Err(Status::internal("disk on fire"))
    }
    async fn delete_topic(
        &self,
        _: Request<DeleteTopicRequest>,
    ) -> Result<Response<DeleteTopicResponse>, Status> {
        Ok(Response::new(DeleteTopicResponse {}))
    }
    async fn list_groups(
        &self,
        _: Request<ListGroupsRequest>,
    ) -> Result<Response<ListGroupsResponse>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn describe_group(
        &self,
        _: Request<DescribeGroupRequest>,
    ) -> Result<Response<GroupDescription>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn reset_group_offsets(
        &self,
        _: Request<ResetGroupOffsetsRequest>,
    ) -> Result<Response<ResetGroupOffsetsResponse>, Status> {
        Err(Status::failed_precondition("group 'g' has active members"))
    }
    async fn commit_offsets(
        &self,
        req: Request<CommitOffsetsRequest>,
    ) -> Result<Response<CommitOffsetsResponse>, Status> {
        self.commits.lock().unwrap().push(req.into_inner());
        Ok(Response::new(CommitOffsetsResponse {}))
    }
    async fn delete_group(
        &self,
        _: Request<DeleteGroupRequest>,
    ) -> Result<Response<DeleteGroupResponse>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn list_users(
        &self,
        _: Request<ListUsersRequest>,
    ) -> Result<Response<ListUsersResponse>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn upsert_user(
        &self,
        _: Request<UpsertUserRequest>,
    ) -> Result<Response<UpsertUserResponse>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn delete_user(
        &self,
        _: Request<DeleteUserRequest>,
    ) -> Result<Response<DeleteUserResponse>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn list_acls(
        &self,
        _: Request<ListAclsRequest>,
    ) -> Result<Response<ListAclsResponse>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn create_acls(
        &self,
        _: Request<CreateAclsRequest>,
    ) -> Result<Response<CreateAclsResponse>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn delete_acls(
        &self,
        _: Request<DeleteAclsRequest>,
    ) -> Result<Response<DeleteAclsResponse>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn list_vhosts(
        &self,
        _: Request<ListVhostsRequest>,
    ) -> Result<Response<ListVhostsResponse>, Status> {
        Err(Status::failed_precondition("this node does not run AMQP"))
    }
    async fn create_vhost(
        &self,
        _: Request<CreateVhostRequest>,
    ) -> Result<Response<CreateVhostResponse>, Status> {
        Err(Status::failed_precondition("this node does not run AMQP"))
    }
    async fn delete_vhost(
        &self,
        _: Request<DeleteVhostRequest>,
    ) -> Result<Response<DeleteVhostResponse>, Status> {
        Err(Status::failed_precondition("this node does not run AMQP"))
    }
    async fn list_exchanges(
        &self,
        _: Request<ListExchangesRequest>,
    ) -> Result<Response<ListExchangesResponse>, Status> {
        Err(Status::failed_precondition("this node does not run AMQP"))
    }
    async fn declare_exchange(
        &self,
        _: Request<DeclareExchangeRequest>,
    ) -> Result<Response<DeclareExchangeResponse>, Status> {
        Err(Status::failed_precondition("this node does not run AMQP"))
    }
    async fn delete_exchange(
        &self,
        _: Request<DeleteExchangeRequest>,
    ) -> Result<Response<DeleteExchangeResponse>, Status> {
        Err(Status::failed_precondition("this node does not run AMQP"))
    }
    async fn list_queues(
        &self,
        _: Request<ListQueuesRequest>,
    ) -> Result<Response<ListQueuesResponse>, Status> {
        Err(Status::failed_precondition("this node does not run AMQP"))
    }
    async fn declare_queue(
        &self,
        _: Request<DeclareQueueRequest>,
    ) -> Result<Response<DeclareQueueResponse>, Status> {
        Err(Status::failed_precondition("this node does not run AMQP"))
    }
    async fn delete_queue(
        &self,
        _: Request<DeleteQueueRequest>,
    ) -> Result<Response<DeleteQueueResponse>, Status> {
        Err(Status::failed_precondition("this node does not run AMQP"))
    }
    async fn purge_queue(
        &self,
        _: Request<PurgeQueueRequest>,
    ) -> Result<Response<PurgeQueueResponse>, Status> {
        Err(Status::failed_precondition("this node does not run AMQP"))
    }
    async fn list_bindings(
        &self,
        _: Request<ListBindingsRequest>,
    ) -> Result<Response<ListBindingsResponse>, Status> {
        Err(Status::failed_precondition("this node does not run AMQP"))
    }
    async fn create_binding(
        &self,
        _: Request<CreateBindingRequest>,
    ) -> Result<Response<CreateBindingResponse>, Status> {
        Err(Status::failed_precondition("this node does not run AMQP"))
    }
    async fn delete_binding(
        &self,
        _: Request<DeleteBindingRequest>,
    ) -> Result<Response<DeleteBindingResponse>, Status> {
        Err(Status::failed_precondition("this node does not run AMQP"))
    }
    async fn produce(
        &self,
        req: Request<ProduceRequest>,
    ) -> Result<Response<ProduceResponse>, Status> {
        let req = req.into_inner();
        let mut produced = self.produced.lock().unwrap();
        let base: usize = produced.iter().map(|r| r.records.len()).sum();
        let records = (0..req.records.len())
            .map(|i| ProducedRecord {
                partition: 0,
                offset: (base + i) as i64,
            })
            .collect();
        produced.push(req);
        Ok(Response::new(ProduceResponse { records }))
    }

    type ConsumeStream = BoxStream<ConsumeResponse>;

    /// From the start asked for, in chunks of three; when following, the stream then stays
    /// open without more records.
    async fn consume(
        &self,
        req: Request<ConsumeRequest>,
    ) -> Result<Response<Self::ConsumeStream>, Status> {
        let req = req.into_inner();
        self.consumes.lock().unwrap().push(req.clone());
        let start = match req.start {
            Some(Start::Offset(o)) => o,
            Some(Start::FromBeginning(_)) => 0,
            Some(Start::Group(_)) if req.from_beginning_if_uncommitted => 0,
            _ => 10,
        };
        let max = if req.max_records == 0 {
            u64::MAX
        } else {
            req.max_records
        };
        let records: Vec<_> = (start..10).take(max as usize).map(record).collect();
        let (tx, rx) = mpsc::channel(16);
        tokio::spawn(async move {
            for chunk in records.chunks(3) {
                let resp = ConsumeResponse {
                    records: chunk.to_vec(),
                };
                if tx.send(Ok(resp)).await.is_err() {
                    return;
                }
            }
            if req.follow {
                tx.closed().await;
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }

    type WatchStream = BoxStream<WatchSnapshot>;

    async fn watch(&self, _: Request<WatchRequest>) -> Result<Response<Self::WatchStream>, Status> {
        Err(Status::unimplemented(""))
    }
}

/// Serves the fake on a free port from a background runtime.
fn serve() -> (Arc<Fake>, SocketAddr) {
    let fake = Arc::new(Fake::default());
    let svc = AdminServer::new(Svc(Arc::clone(&fake)));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let incoming = tonic::transport::server::TcpIncoming::from(listener);
            let _ = tonic::transport::Server::builder()
                .serve_with_incoming(svc, incoming)
                .await;
        });
    });
    let addr = rx.recv().expect("server address");
    (fake, addr)
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn robustmq(addr: SocketAddr, args: &[&str], stdin: &[u8]) -> Out {
    let mut child = Command::new(env!("CARGO_BIN_EXE_robustmq"))
        .arg("--server")
        .arg(addr.to_string())
        .args(args)
        .env_remove("ROBUSTMQ_SERVER")
        .env_remove("ROBUSTMQ_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn robustmq");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait");
    let _ = writer.join();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn consume_with_group_commits_the_next_offsets_of_what_it_printed() {
    let (fake, addr) = serve();
    let out = robustmq(
        addr,
        &["consume", "t", "-g", "g", "-b", "-c", "5", "-F", "%o=%v\\n"],
        b"",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "0=v0\n1=v1\n2=v2\n3=v3\n4=v4\n");
    let req = fake.consumes.lock().unwrap()[0].clone();
    assert_eq!(req.start, Some(Start::Group("g".into())));
    assert!(req.from_beginning_if_uncommitted);
    assert_eq!(req.max_records, 5);
    assert!(!req.follow);
    let commits = fake.commits.lock().unwrap();
    assert_eq!(commits.len(), 1, "{commits:?}");
    assert_eq!(commits[0].group, "g");
    assert_eq!(commits[0].offsets, HashMap::from([(0, 5)]));
}

#[test]
fn consume_follow_commits_and_exits_zero_on_sigint() {
    let (fake, addr) = serve();
    let mut child = Command::new(env!("CARGO_BIN_EXE_robustmq"))
        .args([
            "--server",
            &addr.to_string(),
            "consume",
            "t",
            "-g",
            "g",
            "-b",
            "-f",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    for i in 0..10 {
        assert_eq!(lines.next().and_then(Result::ok), Some(format!("v{i}")));
    }
    // The periodic commit (about every second) happens while the stream stays open.
    let deadline = Instant::now() + Duration::from_secs(10);
    while fake.commits.lock().unwrap().is_empty() {
        assert!(
            Instant::now() < deadline,
            "no periodic commit while following"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let commits = fake.commits.lock().unwrap();
    // A periodic commit may fall while the records are being printed (a loaded machine), so
    // there can be more than one; but never the same offsets twice (nothing new at SIGINT, no
    // second identical commit), and the last one covers every printed record.
    assert!(
        commits.windows(2).all(|w| w[0].offsets != w[1].offsets),
        "{commits:?}"
    );
    assert_eq!(
        commits.last().map(|c| c.offsets.clone()),
        Some(HashMap::from([(0, 10)])),
        "{commits:?}"
    );
}

#[test]
fn produce_batches_by_count_and_bytes() {
    let (fake, addr) = serve();
    // 12345 small lines, then three of 400 KiB: 5000 + 5000 + 2345 records, then the big
    // ones two per batch at most (a third would pass 1 MiB).
    let mut input: String = (0..12345).map(|i| format!("line-{i}\n")).collect();
    for _ in 0..3 {
        input.push_str(&"x".repeat(400 * 1024));
        input.push('\n');
    }
    let out = robustmq(
        addr,
        &["-o", "json", "produce", "t", "-H", "a=b"],
        input.as_bytes(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("produced 12348 records to t"),
        "{}",
        out.stderr
    );
    let summary: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(summary["records"], 12348);
    assert_eq!(summary["partitions"]["0"]["last_offset"], 12347);
    let produced = fake.produced.lock().unwrap();
    let sizes: Vec<usize> = produced.iter().map(|r| r.records.len()).collect();
    assert_eq!(sizes, [5000, 5000, 2347, 1]);
    let first = &produced[0].records[0];
    assert_eq!(first.value.as_deref(), Some(&b"line-0"[..]));
    assert_eq!(first.key, None);
    assert_eq!(first.partition, None);
    assert_eq!(first.headers[0].key, "a");
}

#[test]
fn exit_codes_follow_the_grpc_status() {
    let (_fake, addr) = serve();
    let cases: &[(&[&str], i32)] = &[
        (&["topic", "describe", "x"], 4),
        (&["topic", "create", "x"], 5),
        (&["topic", "alter", "x", "--config", "x=1"], 6),
        (
            &["group", "reset-offsets", "g", "--topic", "t", "--to-latest"],
            6,
        ),
        (&["topic", "add-partitions", "x", "--total", "2"], 1),
        (&["cluster", "status"], 1),
        (&["topic", "list"], 7),
        (&["--token", "bad", "topic", "list"], 7),
        (&["--token", "good", "topic", "list"], 0),
        (&["topic", "delete", "x"], 6),
        (&["topic", "delete", "x", "--yes"], 0),
        (&["topic", "nope"], 2),
    ];
    for (args, code) in cases {
        let out = robustmq(addr, args, b"");
        assert_eq!(out.code, *code, "{args:?}: {}", out.stderr);
        if *code != 0 && *code != 2 {
            assert!(
                out.stderr.starts_with("robustmq: "),
                "{args:?}: {}",
                out.stderr
            );
        }
    }
}
