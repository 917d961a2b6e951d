//! One module per family of Kafka APIs: each turns a decoded request into broker-core calls and
//! builds the response for the version the client asked for.

mod acls;
mod admin;
mod api_versions;
mod configs;
mod fetch;
mod groups;
mod list_offsets;
mod metadata;
mod offsets;
mod produce;
mod txn;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::FutureExt;
use kafka_protocol::messages::*;
use kafka_protocol::protocol::{Encodable, StrBytes, VersionRange};
use robustmq_broker::acl::{Operation, ResourceType, CLUSTER_NAME};
use robustmq_broker::metrics::ApiLabels;
use robustmq_broker::Broker;

pub use crate::apis::{decode_any, supported, SUPPORTED};
use crate::codec::{decode_body, encode_response, FrameError, RawRequest};

/// Where clients reach this broker, as Metadata and FindCoordinator advertise it.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: i32,
    pub host: String,
    pub port: i32,
}

/// What a handler knows about the request's connection.
pub struct Ctx {
    pub broker: Arc<Broker>,
    pub node: Node,
    pub cluster_id: String,
    pub peer: SocketAddr,
    pub client_id: String,
    /// The broker's `fetch.max.bytes`: no Fetch response carries more records than this,
    /// whatever the request asks for.
    pub fetch_max_bytes: usize,
    /// Who the client is for ACLs: `User:<name>` once SASL authenticated it, else
    /// `User:ANONYMOUS`.
    pub principal: String,
    /// The client's address as ACL bindings name hosts.
    pub peer_ip: String,
}

impl Ctx {
    /// Whether the client may do `op` on resource `name` (always when ACLs are off).
    pub fn allowed(&self, op: Operation, kind: ResourceType, name: &str) -> bool {
        self.broker
            .acls
            .allows(&self.principal, &self.peer_ip, op, kind, name)
    }

    /// Whether the client may do `op` on topic `name`.
    pub fn topic_allowed(&self, op: Operation, name: &str) -> bool {
        self.allowed(op, ResourceType::Topic, name)
    }

    /// Whether the client may do `op` on the cluster.
    pub fn cluster_allowed(&self, op: Operation) -> bool {
        self.allowed(op, ResourceType::Cluster, CLUSTER_NAME)
    }

    /// Whether the client may do `op` on the cluster or, failing that, on topic `name`
    /// (Kafka's rule for creating a topic); only a refusal of both is logged.
    pub fn cluster_or_topic_allowed(&self, op: Operation, name: &str) -> bool {
        let acls = &self.broker.acls;
        acls.allows_quietly(
            &self.principal,
            &self.peer_ip,
            op,
            ResourceType::Cluster,
            CLUSTER_NAME,
        ) || self.topic_allowed(op, name)
    }

    /// Kafka's authorized-operations field for a resource: bit `code` set for each operation
    /// of the resource type the client may do.
    pub fn authorized_operations(&self, kind: ResourceType, name: &str) -> i32 {
        use Operation::*;
        let ops: &[Operation] = match kind {
            ResourceType::Topic => &[
                Read,
                Write,
                Create,
                Describe,
                Delete,
                Alter,
                DescribeConfigs,
                AlterConfigs,
            ],
            ResourceType::Group => &[Read, Describe, Delete],
            ResourceType::Cluster => &[
                Create,
                ClusterAction,
                DescribeConfigs,
                AlterConfigs,
                IdempotentWrite,
                Alter,
                Describe,
            ],
            ResourceType::TransactionalId => &[Describe, Write],
            ResourceType::Any => &[],
        };
        ops.iter()
            .filter(|&&op| self.allowed(op, kind, name))
            .fold(0, |bits, op| bits | 1 << op.code())
    }
}

/// A handler's answer: bytes to write now, bytes to write when a future resolves (a produce
/// waiting for its fsync), or nothing (acks=0).
pub enum Reply {
    Now(Bytes),
    Later(BoxFuture<'static, Result<Bytes, FrameError>>),
    Nothing,
}

pub fn api_name(key: ApiKey) -> &'static str {
    // The Debug names of the enum are the Kafka API names.
    macro_rules! names { ($($k:ident),*) => { match key { $(ApiKey::$k => stringify!($k),)* _ => "Other" } } }
    names!(
        Produce,
        Fetch,
        ListOffsets,
        Metadata,
        OffsetCommit,
        OffsetFetch,
        FindCoordinator,
        JoinGroup,
        Heartbeat,
        LeaveGroup,
        SyncGroup,
        DescribeGroups,
        ListGroups,
        ApiVersions,
        CreateTopics,
        DeleteTopics,
        DeleteRecords,
        InitProducerId,
        DescribeConfigs,
        AlterConfigs,
        CreatePartitions,
        DeleteGroups,
        IncrementalAlterConfigs,
        OffsetDelete,
        SaslHandshake,
        SaslAuthenticate,
        DescribeCluster,
        CreateAcls,
        DescribeAcls,
        DeleteAcls,
        AddPartitionsToTxn,
        AddOffsetsToTxn,
        TxnOffsetCommit,
        EndTxn,
        ListTransactions,
        DescribeTransactions
    )
}

pub fn str(s: &str) -> StrBytes {
    StrBytes::from_string(s.to_string())
}

pub fn respond<R: Encodable>(
    header: &RequestHeader,
    key: ApiKey,
    body: &R,
) -> Result<Bytes, FrameError> {
    let v = header.request_api_version;
    encode_response(
        header.correlation_id,
        key.response_header_version(v),
        body,
        v,
    )
    .map_err(|e| FrameError::Encode(format!("{} v{v}: {e}", api_name(key))))
}

/// Handles one request. An error closes the connection.
pub async fn dispatch(ctx: &Ctx, mut raw: RawRequest) -> Result<Reply, FrameError> {
    let v = raw.header.request_api_version;
    let Some(key) = raw.api_key else {
        return Err(FrameError::Unsupported(format!(
            "unknown API key {}",
            raw.header.request_api_key
        )));
    };
    let in_range = supported(key).is_some_and(|(min, max)| v >= min && v <= max);
    if key == ApiKey::ApiVersions && !in_range {
        // KIP-511: answer at v0 with the error and our ranges so the client can downgrade.
        let resp = api_versions::unsupported();
        let bytes =
            encode_response(raw.header.correlation_id, 0, &resp, 0).map_err(FrameError::Encode)?;
        return Ok(Reply::Now(bytes));
    }
    if supported(key).is_none() {
        return unsupported_api(ctx, &raw.header, key);
    }
    if !in_range {
        return Err(FrameError::Unsupported(format!(
            "{key:?} v{v} is not supported"
        )));
    }
    let started = Instant::now();
    let labels = ApiLabels {
        protocol: "kafka",
        api: api_name(key),
    };
    ctx.broker.metrics.requests.get_or_create(&labels).inc();
    let h = &raw.header;
    macro_rules! call {
        ($ty:ty, $f:path) => {{
            let req: $ty = decode_body(&mut raw.body, v)?;
            let resp = $f(ctx, req, v).await;
            Reply::Now(respond(h, key, &resp)?)
        }};
    }
    let reply = match key {
        ApiKey::Produce => {
            let req: ProduceRequest = decode_body(&mut raw.body, v)?;
            produce::handle(ctx, req, h.clone(), key)
        }
        ApiKey::ApiVersions => call!(ApiVersionsRequest, api_versions::handle),
        ApiKey::Metadata => call!(MetadataRequest, metadata::handle),
        ApiKey::DescribeCluster => call!(DescribeClusterRequest, metadata::describe_cluster),
        ApiKey::Fetch => call!(FetchRequest, fetch::handle),
        ApiKey::ListOffsets => call!(ListOffsetsRequest, list_offsets::handle),
        ApiKey::CreateTopics => call!(CreateTopicsRequest, admin::create_topics),
        ApiKey::DeleteTopics => call!(DeleteTopicsRequest, admin::delete_topics),
        ApiKey::CreatePartitions => call!(CreatePartitionsRequest, admin::create_partitions),
        ApiKey::DeleteRecords => call!(DeleteRecordsRequest, admin::delete_records),
        ApiKey::InitProducerId => call!(InitProducerIdRequest, admin::init_producer_id),
        ApiKey::DescribeConfigs => call!(DescribeConfigsRequest, configs::describe),
        ApiKey::AlterConfigs => call!(AlterConfigsRequest, configs::alter),
        ApiKey::IncrementalAlterConfigs => {
            call!(IncrementalAlterConfigsRequest, configs::incremental_alter)
        }
        ApiKey::FindCoordinator => call!(FindCoordinatorRequest, groups::find_coordinator),
        ApiKey::JoinGroup => call!(JoinGroupRequest, groups::join),
        ApiKey::SyncGroup => call!(SyncGroupRequest, groups::sync),
        ApiKey::Heartbeat => call!(HeartbeatRequest, groups::heartbeat),
        ApiKey::LeaveGroup => call!(LeaveGroupRequest, groups::leave),
        ApiKey::ListGroups => call!(ListGroupsRequest, groups::list),
        ApiKey::DescribeGroups => call!(DescribeGroupsRequest, groups::describe),
        ApiKey::DeleteGroups => call!(DeleteGroupsRequest, groups::delete),
        ApiKey::OffsetCommit => call!(OffsetCommitRequest, offsets::commit),
        ApiKey::OffsetFetch => call!(OffsetFetchRequest, offsets::fetch),
        ApiKey::OffsetDelete => call!(OffsetDeleteRequest, offsets::delete),
        ApiKey::CreateAcls => call!(CreateAclsRequest, acls::create),
        ApiKey::DescribeAcls => call!(DescribeAclsRequest, acls::describe),
        ApiKey::DeleteAcls => call!(DeleteAclsRequest, acls::delete),
        ApiKey::AddPartitionsToTxn => call!(AddPartitionsToTxnRequest, txn::add_partitions),
        ApiKey::AddOffsetsToTxn => call!(AddOffsetsToTxnRequest, txn::add_offsets),
        ApiKey::TxnOffsetCommit => call!(TxnOffsetCommitRequest, txn::commit_offsets),
        ApiKey::EndTxn => call!(EndTxnRequest, txn::end),
        ApiKey::ListTransactions => call!(ListTransactionsRequest, txn::list),
        ApiKey::DescribeTransactions => call!(DescribeTransactionsRequest, txn::describe),
        other => return unsupported_api(ctx, h, other),
    };
    let seconds = ctx
        .broker
        .metrics
        .request_seconds
        .get_or_create(&labels)
        .clone();
    Ok(match reply {
        // A produce waiting for its fsync is timed when it is answered.
        Reply::Later(f) => Reply::Later(
            async move {
                let out = f.await;
                seconds.observe(started.elapsed().as_secs_f64());
                out
            }
            .boxed(),
        ),
        other => {
            seconds.observe(started.elapsed().as_secs_f64());
            other
        }
    })
}

/// An API robustmq does not implement (and does not advertise). Where the response has a
/// top-level error code, it answers UNSUPPORTED_VERSION; otherwise the connection is closed.
/// Either way the peer and the API are logged.
fn unsupported_api(ctx: &Ctx, header: &RequestHeader, key: ApiKey) -> Result<Reply, FrameError> {
    let v = header.request_api_version;
    tracing::warn!(peer = %ctx.peer, client = %ctx.client_id, api = ?key, version = v, "unsupported Kafka API");
    let code = kafka_protocol::ResponseError::UnsupportedVersion.code();
    macro_rules! answer {
        ($ty:ty) => {{
            if !<$ty as kafka_protocol::protocol::Message>::VERSIONS
                .intersect(&VersionRange { min: v, max: v })
                .is_empty()
            {
                let mut resp = <$ty>::default();
                resp.error_code = code;
                return Ok(Reply::Now(respond(header, key, &resp)?));
            }
        }};
    }
    match key {
        ApiKey::DescribeClientQuotas => answer!(DescribeClientQuotasResponse),
        ApiKey::DescribeUserScramCredentials => answer!(DescribeUserScramCredentialsResponse),
        _ => {}
    }
    Err(FrameError::Unsupported(format!(
        "{key:?} v{v} is not implemented"
    )))
}
