//! Metadata and DescribeCluster: this node is the only broker, the controller and every
//! partition's leader.

use kafka_protocol::messages::describe_cluster_response::DescribeClusterBroker;
use kafka_protocol::messages::metadata_response::{
    MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic,
};
use kafka_protocol::messages::{
    BrokerId, DescribeClusterRequest, DescribeClusterResponse, MetadataRequest, MetadataResponse,
    TopicName,
};
use kafka_protocol::ResponseError;
use robustmq_broker::acl::{Operation, ResourceType, CLUSTER_NAME};
use robustmq_meta::TopicMeta;

use super::{str, Ctx};
use crate::errors::broker_code;

pub fn topic_uuid(t: &TopicMeta) -> uuid::Uuid {
    uuid::Uuid::parse_str(&t.id).unwrap_or_default()
}

fn describe(ctx: &Ctx, t: &TopicMeta, ops: bool) -> MetadataResponseTopic {
    let mut out = MetadataResponseTopic::default();
    if ops {
        out.topic_authorized_operations = ctx.authorized_operations(ResourceType::Topic, &t.name);
    }
    out.name = Some(TopicName(str(&t.name)));
    out.topic_id = topic_uuid(t);
    out.partitions = (0..t.partitions)
        .map(|p| {
            let mut mp = MetadataResponsePartition::default();
            mp.partition_index = p;
            mp.leader_id = BrokerId(ctx.node.id);
            mp.leader_epoch = 0;
            mp.replica_nodes = vec![BrokerId(ctx.node.id)];
            mp.isr_nodes = vec![BrokerId(ctx.node.id)];
            mp
        })
        .collect();
    out
}

fn error_topic(name: Option<TopicName>, id: uuid::Uuid, code: i16) -> MetadataResponseTopic {
    let mut out = MetadataResponseTopic::default();
    out.name = name;
    out.topic_id = id;
    out.error_code = code;
    out
}

pub async fn handle(ctx: &Ctx, req: MetadataRequest, v: i16) -> MetadataResponse {
    let mut resp = MetadataResponse::default();
    let mut broker = MetadataResponseBroker::default();
    broker.node_id = BrokerId(ctx.node.id);
    broker.host = str(&ctx.node.host);
    broker.port = ctx.node.port;
    resp.brokers = vec![broker];
    resp.cluster_id = Some(str(&ctx.cluster_id));
    resp.controller_id = BrokerId(ctx.node.id);
    if req.include_cluster_authorized_operations {
        resp.cluster_authorized_operations =
            ctx.authorized_operations(ResourceType::Cluster, CLUSTER_NAME);
    }
    let ops = req.include_topic_authorized_operations;
    let denied = |name: Option<TopicName>, id| {
        error_topic(name, id, ResponseError::TopicAuthorizationFailed.code())
    };
    // v0 treats an empty list as "all topics"; v1+ uses null for that.
    let requested = match req.topics {
        None => None,
        Some(list) if list.is_empty() && v == 0 => None,
        Some(list) => Some(list),
    };
    resp.topics = match requested {
        None => ctx
            .broker
            .topics
            .list()
            .iter()
            // Listing all topics shows those the client may describe.
            .filter(|t| ctx.topic_allowed(Operation::Describe, &t.name))
            .map(|t| describe(ctx, t, ops))
            .collect(),
        Some(list) => list
            .into_iter()
            .map(|rt| match rt.name {
                Some(name) if !ctx.topic_allowed(Operation::Describe, &name) => {
                    denied(Some(name), uuid::Uuid::nil())
                }
                Some(name) => {
                    // Creating on first use needs CREATE on the cluster or on the topic, asked
                    // only when the topic is missing.
                    let auto = v < 4 || req.allow_auto_topic_creation;
                    let found = match ctx.broker.topics.get(&name) {
                        Some(t) => Ok(Some(t)),
                        None if auto && ctx.cluster_or_topic_allowed(Operation::Create, &name) => {
                            ctx.broker.topic_or_create(&name)
                        }
                        None => Ok(None),
                    };
                    match found {
                        Ok(Some(t)) => describe(ctx, &t, ops),
                        Ok(None) => error_topic(
                            Some(name),
                            uuid::Uuid::nil(),
                            ResponseError::UnknownTopicOrPartition.code(),
                        ),
                        Err(e) => error_topic(Some(name), uuid::Uuid::nil(), broker_code(&e)),
                    }
                }
                None => {
                    let wanted = rt.topic_id;
                    match ctx
                        .broker
                        .topics
                        .list()
                        .into_iter()
                        .find(|t| topic_uuid(t) == wanted)
                    {
                        Some(t) if !ctx.topic_allowed(Operation::Describe, &t.name) => {
                            denied(None, wanted)
                        }
                        Some(t) => describe(ctx, &t, ops),
                        None => error_topic(None, wanted, ResponseError::UnknownTopicId.code()),
                    }
                }
            })
            .collect(),
    };
    resp
}

/// DescribeCluster (KIP-700): the same view as Metadata without topics. This node is the one
/// broker and the controller; it serves the broker endpoint type only.
pub async fn describe_cluster(
    ctx: &Ctx,
    req: DescribeClusterRequest,
    _v: i16,
) -> DescribeClusterResponse {
    let mut resp = DescribeClusterResponse::default();
    resp.endpoint_type = req.endpoint_type;
    if !ctx.cluster_allowed(Operation::Describe) {
        resp.error_code = ResponseError::ClusterAuthorizationFailed.code();
        resp.error_message = Some(str("Cluster authorization failed."));
        return resp;
    }
    if req.include_cluster_authorized_operations {
        resp.cluster_authorized_operations =
            ctx.authorized_operations(ResourceType::Cluster, CLUSTER_NAME);
    }
    if req.endpoint_type != 1 {
        resp.error_code = ResponseError::MismatchedEndpointType.code();
        resp.error_message = Some(str("The request was sent to an endpoint of type BROKER."));
        return resp;
    }
    let mut broker = DescribeClusterBroker::default();
    broker.broker_id = BrokerId(ctx.node.id);
    broker.host = str(&ctx.node.host);
    broker.port = ctx.node.port;
    resp.brokers = vec![broker];
    resp.cluster_id = str(&ctx.cluster_id);
    resp.controller_id = BrokerId(ctx.node.id);
    resp
}
