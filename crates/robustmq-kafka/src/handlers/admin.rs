//! Topic administration: CreateTopics, DeleteTopics, CreatePartitions, DeleteRecords, and
//! InitProducerId for idempotent producers.

use kafka_protocol::messages::create_partitions_response::CreatePartitionsTopicResult;
use kafka_protocol::messages::create_topics_response::{
    CreatableTopicConfigs, CreatableTopicResult,
};
use kafka_protocol::messages::delete_records_response::{
    DeleteRecordsPartitionResult, DeleteRecordsTopicResult,
};
use kafka_protocol::messages::delete_topics_response::DeletableTopicResult;
use kafka_protocol::messages::*;
use kafka_protocol::ResponseError;
use robustmq_broker::acl::{Operation, ResourceType};
use robustmq_broker::{topic_config, BrokerError};

use super::{str, Ctx};
use crate::errors::{broker_code, journal_code};
use crate::handlers::metadata::topic_uuid;

fn error_parts(e: &BrokerError) -> (i16, Option<kafka_protocol::protocol::StrBytes>) {
    (broker_code(e), Some(str(&e.to_string())))
}

pub async fn create_topics(ctx: &Ctx, req: CreateTopicsRequest, v: i16) -> CreateTopicsResponse {
    let mut resp = CreateTopicsResponse::default();
    for t in req.topics {
        let mut r = CreatableTopicResult::default();
        r.name = t.name.clone();
        r.num_partitions = -1;
        r.replication_factor = -1;
        let partitions = if t.num_partitions == -1 {
            ctx.broker.config.default_partitions
        } else {
            t.num_partitions
        };
        let configs = super::configs::set_values(t.configs.iter().map(|c| (&c.name, &c.value)));
        let may_create = ctx.cluster_or_topic_allowed(Operation::Create, &t.name);
        let outcome = if !may_create {
            Err((ResponseError::TopicAuthorizationFailed.code(), None))
        } else if t.replication_factor != -1 && t.replication_factor != 1 {
            Err((
                ResponseError::InvalidReplicationFactor.code(),
                Some(str(
                    "this standalone node keeps one replica: use replication factor 1 or -1",
                )),
            ))
        } else if !t.assignments.is_empty() {
            Err((
                ResponseError::InvalidReplicaAssignment.code(),
                Some(str("manual replica assignment is not supported")),
            ))
        } else if req.validate_only {
            ctx.broker
                .topics
                .validate_create(&t.name, partitions, &configs)
                .map(|_| None)
                .map_err(|e| error_parts(&e))
        } else {
            ctx.broker
                .topics
                .create(&t.name, partitions, configs)
                .map(Some)
                .map_err(|e| error_parts(&e))
        };
        match outcome {
            Ok(created) => {
                r.num_partitions = partitions;
                r.replication_factor = 1;
                if let Some(meta) = created {
                    r.topic_id = topic_uuid(&meta);
                }
                if v >= 5 && !ctx.topic_allowed(Operation::DescribeConfigs, &t.name) {
                    r.topic_config_error_code = ResponseError::TopicAuthorizationFailed.code();
                } else if v >= 5 {
                    let overrides = ctx
                        .broker
                        .topics
                        .get(&t.name)
                        .map(|m| m.configs)
                        .unwrap_or_default();
                    r.configs = Some(
                        topic_config::describe(ctx.broker.topics.defaults(), &overrides)
                            .into_iter()
                            .map(|e| {
                                let mut c = CreatableTopicConfigs::default();
                                c.name = str(e.name);
                                c.value = Some(str(&e.value));
                                c.read_only = e.read_only;
                                c.config_source = e.source.kafka_code();
                                c
                            })
                            .collect(),
                    );
                }
            }
            Err((code, message)) => {
                r.error_code = code;
                r.error_message = message;
            }
        }
        resp.topics.push(r);
    }
    resp
}

pub async fn delete_topics(ctx: &Ctx, req: DeleteTopicsRequest, v: i16) -> DeleteTopicsResponse {
    let mut resp = DeleteTopicsResponse::default();
    // v6 names topics by name or id in `topics`; earlier versions list names.
    let targets: Vec<(Option<String>, uuid::Uuid)> = if v >= 6 {
        req.topics
            .iter()
            .map(|t| (t.name.as_ref().map(|n| n.0.to_string()), t.topic_id))
            .collect()
    } else {
        req.topic_names
            .iter()
            .map(|n| (Some(n.0.to_string()), uuid::Uuid::nil()))
            .collect()
    };
    for (name, id) in targets {
        let mut r = DeletableTopicResult::default();
        r.topic_id = id;
        let name = name.or_else(|| {
            ctx.broker
                .topics
                .list()
                .into_iter()
                .find(|t| topic_uuid(t) == id)
                .map(|t| t.name)
        });
        match name {
            None => r.error_code = ResponseError::UnknownTopicId.code(),
            Some(name) if !ctx.topic_allowed(Operation::Delete, &name) => {
                r.name = Some(TopicName(str(&name)));
                r.error_code = ResponseError::TopicAuthorizationFailed.code();
            }
            Some(name) => {
                r.name = Some(TopicName(str(&name)));
                if let Err(e) = ctx.broker.topics.delete(&name) {
                    r.error_code = broker_code(&e);
                    if v >= 5 {
                        r.error_message = Some(str(&e.to_string()));
                    }
                }
            }
        }
        resp.responses.push(r);
    }
    resp
}

pub async fn create_partitions(
    ctx: &Ctx,
    req: CreatePartitionsRequest,
    _v: i16,
) -> CreatePartitionsResponse {
    let mut resp = CreatePartitionsResponse::default();
    for t in req.topics {
        let mut r = CreatePartitionsTopicResult::default();
        r.name = t.name.clone();
        if !ctx.topic_allowed(Operation::Alter, &t.name) {
            r.error_code = ResponseError::TopicAuthorizationFailed.code();
        } else if t.assignments.is_some() {
            r.error_code = ResponseError::InvalidReplicaAssignment.code();
            r.error_message = Some(str("manual replica assignment is not supported"));
        } else if let Err(e) = ctx
            .broker
            .topics
            .add_partitions(&t.name, t.count, req.validate_only)
        {
            r.error_code = broker_code(&e);
            r.error_message = Some(str(&e.to_string()));
        }
        resp.results.push(r);
    }
    resp
}

pub async fn delete_records(
    ctx: &Ctx,
    req: DeleteRecordsRequest,
    _v: i16,
) -> DeleteRecordsResponse {
    let mut resp = DeleteRecordsResponse::default();
    for t in req.topics {
        let mut topic = DeleteRecordsTopicResult::default();
        topic.name = t.name.clone();
        let denied = !ctx.topic_allowed(Operation::Delete, &t.name);
        for p in t.partitions {
            let mut r = DeleteRecordsPartitionResult::default();
            r.partition_index = p.partition_index;
            r.low_watermark = -1;
            if denied {
                r.error_code = ResponseError::TopicAuthorizationFailed.code();
                topic.partitions.push(r);
                continue;
            }
            match ctx.broker.topics.partition(&t.name, p.partition_index) {
                None => r.error_code = ResponseError::UnknownTopicOrPartition.code(),
                Some(part) => match part.delete_records_before(p.offset) {
                    Ok(low) => r.low_watermark = low,
                    Err(e) => r.error_code = journal_code(&e),
                },
            }
            topic.partitions.push(r);
        }
        resp.topics.push(topic);
    }
    resp
}

pub async fn init_producer_id(
    ctx: &Ctx,
    req: InitProducerIdRequest,
    v: i16,
) -> InitProducerIdResponse {
    let mut resp = InitProducerIdResponse::default();
    resp.producer_id = ProducerId(-1);
    resp.producer_epoch = -1;
    if let Some(id) = &req.transactional_id {
        if !ctx.allowed(Operation::Write, ResourceType::TransactionalId, id) {
            resp.error_code = ResponseError::TransactionalIdAuthorizationFailed.code();
            return resp;
        }
        super::txn::init_producer_id(ctx, &req, id, v, &mut resp).await;
        return resp;
    }
    // An idempotent producer needs IDEMPOTENT_WRITE on the cluster, or WRITE on some topic.
    let writes_some_topic = |ctx: &Ctx| {
        let acls = &ctx.broker.acls;
        acls.allows_any(
            &ctx.principal,
            &ctx.peer_ip,
            Operation::Write,
            ResourceType::Topic,
        )
    };
    if !writes_some_topic(ctx) && !ctx.cluster_allowed(Operation::IdempotentWrite) {
        resp.error_code = ResponseError::ClusterAuthorizationFailed.code();
        return resp;
    }
    // An idempotent producer that re-initialises (KIP-360) keeps its id with a bumped epoch.
    // At the last epoch it gets a new id instead, since the epoch cannot grow further.
    // A transactional id's producer is fenced by its coordinator, never bumped from here.
    if req.producer_id.0 >= 0 && ctx.broker.txns.is_transactional(req.producer_id.0) {
        resp.error_code = ResponseError::InvalidProducerIdMapping.code();
        return resp;
    }
    if req.producer_id.0 >= 0 && req.producer_epoch >= 0 && req.producer_epoch < i16::MAX - 1 {
        resp.producer_id = req.producer_id;
        resp.producer_epoch = req.producer_epoch + 1;
        return resp;
    }
    match ctx.broker.meta.next_producer_id() {
        Ok(id) => {
            resp.producer_id = ProducerId(id);
            resp.producer_epoch = 0;
        }
        Err(e) => {
            tracing::error!(error = %e, "could not allocate a producer id");
            resp.error_code = ResponseError::CoordinatorNotAvailable.code();
        }
    }
    resp
}
