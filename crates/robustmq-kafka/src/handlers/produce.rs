//! Produce: batches are appended in request order while the request is read (so sequence checks
//! and offsets follow the wire order); waiting for the fsync of `acks=all` happens afterwards,
//! so a pipelining client keeps several requests in one group commit.

use std::sync::Arc;

use futures::FutureExt;
use kafka_protocol::messages::produce_response::{PartitionProduceResponse, TopicProduceResponse};
use kafka_protocol::messages::{ApiKey, ProduceRequest, ProduceResponse, RequestHeader};
use kafka_protocol::ResponseError;
use robustmq_broker::acl::{Operation, ResourceType};
use robustmq_broker::txn::TxnError;
use robustmq_journal::Log;

use super::{respond, Ctx, Reply};
use crate::errors::{journal_code, NONE};

/// A topic as the request named it: by name (v3-12) or by id (v13+).
type TopicKey = (kafka_protocol::messages::TopicName, uuid::Uuid);

/// Replicas in sync for every partition of a standalone node: its own.
const IN_SYNC_REPLICAS: i32 = 1;

/// A partition's outcome, plus the fsync it still waits for.
struct Pending {
    response: PartitionProduceResponse,
    sync: Option<(Arc<dyn Log>, i64)>,
}

fn failed(index: i32, code: i16, message: Option<String>) -> Pending {
    let mut r = PartitionProduceResponse::default();
    r.index = index;
    r.error_code = code;
    r.base_offset = -1;
    r.log_append_time_ms = -1;
    r.log_start_offset = -1;
    r.error_message = message.map(|m| super::str(&m));
    Pending {
        response: r,
        sync: None,
    }
}

/// The producer of the transactional batches in `data`, if there are any, or why they may not
/// go into this partition: the producer must hold WRITE on its transactional id, and all of
/// them must be of one producer and epoch (the coordinator's check comes at the append).
fn transactional_producer<'a>(
    ctx: &Ctx,
    txn_id: Option<&'a str>,
    data: &[u8],
) -> Result<Option<(&'a str, i64, i16)>, i16> {
    let (headers, _) = robustmq_journal::batch::scan(data);
    let mut producer = None;
    // A transactional id's producer writes only inside its transactions: a plain batch with
    // its id could move the partition's epoch past the coordinator's and keep its markers out.
    if headers.iter().any(|(_, h)| {
        !h.is_transactional()
            && h.has_producer_id()
            && ctx.broker.txns.is_transactional(h.producer_id)
    }) {
        return Err(ResponseError::InvalidTxnState.code());
    }
    for (_, h) in headers.iter().filter(|(_, h)| h.is_transactional()) {
        let Some(id) = txn_id else {
            return Err(ResponseError::InvalidTxnState.code());
        };
        if !ctx.allowed(Operation::Write, ResourceType::TransactionalId, id) {
            return Err(ResponseError::TransactionalIdAuthorizationFailed.code());
        }
        match producer {
            None => producer = Some((id, h.producer_id, h.producer_epoch)),
            Some((_, pid, epoch)) if (pid, epoch) == (h.producer_id, h.producer_epoch) => {}
            Some(_) => return Err(ResponseError::InvalidTxnState.code()),
        }
    }
    Ok(producer)
}

/// Appends, through the transaction coordinator's check when the batches are transactional:
/// their partition must be in the producer's ongoing transaction at this epoch, so no
/// transaction the coordinator cannot end holds the partition's last stable offset back.
fn append(
    ctx: &Ctx,
    txn: Option<(&str, i64, i16)>,
    topic: &str,
    index: i32,
    partition: &dyn Log,
    data: Vec<u8>,
) -> Result<Result<robustmq_journal::AppendInfo, robustmq_journal::JournalError>, i16> {
    let Some((id, pid, epoch)) = txn else {
        return Ok(ctx.broker.append(partition, data));
    };
    let appended = ctx
        .broker
        .txns
        .with_verified(id, pid, epoch, topic, index, || {
            ctx.broker.append(partition, data)
        });
    appended.map_err(|e| match e {
        TxnError::ProducerFenced => ResponseError::InvalidProducerEpoch.code(),
        e => {
            tracing::debug!(peer = %ctx.peer, %topic, partition = index, error = %e, "transactional produce refused");
            ResponseError::InvalidTxnState.code()
        }
    })
}

pub fn handle(ctx: &Ctx, req: ProduceRequest, header: RequestHeader, key: ApiKey) -> Reply {
    let acks = req.acks;
    // acks=all is answered once the records are durable (see `Partition::durable`).
    let wait_durable = acks == -1;
    let mut topics = Vec::with_capacity(req.topic_data.len());
    let by_id = header.request_api_version >= 13;
    let txn_id = req.transactional_id.as_ref().map(|t| t.0.to_string());
    for td in req.topic_data {
        // v13+ names topics by id only.
        let resolved = if by_id {
            ctx.broker.topics.name_of(&td.topic_id)
        } else {
            Some(td.name.0.to_string())
        };
        let unknown = if by_id {
            ResponseError::UnknownTopicId.code()
        } else {
            ResponseError::UnknownTopicOrPartition.code()
        };
        let name = resolved.clone().unwrap_or_default();
        let denied = resolved.is_some() && !ctx.topic_allowed(Operation::Write, &name);
        let mut parts = Vec::with_capacity(td.partition_data.len());
        for pd in td.partition_data {
            let index = pd.index;
            if !matches!(acks, -1..=1) {
                parts.push(failed(
                    index,
                    ResponseError::InvalidRequiredAcks.code(),
                    None,
                ));
                continue;
            }
            if denied {
                parts.push(failed(
                    index,
                    ResponseError::TopicAuthorizationFailed.code(),
                    None,
                ));
                continue;
            }
            let found = resolved
                .as_deref()
                .and_then(|n| ctx.broker.topics.partition(n, index));
            let Some(partition) = found else {
                parts.push(failed(index, unknown, None));
                continue;
            };
            let data = match pd.records {
                Some(b) if !b.is_empty() => b,
                _ => {
                    parts.push(failed(
                        index,
                        ResponseError::CorruptMessage.code(),
                        Some("no records".into()),
                    ));
                    continue;
                }
            };
            let txn = match transactional_producer(ctx, txn_id.as_deref(), &data) {
                Ok(t) => t,
                Err(code) => {
                    parts.push(failed(index, code, None));
                    continue;
                }
            };
            // One replica is in sync (this node); Kafka refuses acks=all below the minimum.
            let min_isr = partition.config().min_insync_replicas;
            if acks == -1 && min_isr > IN_SYNC_REPLICAS {
                parts.push(failed(
                    index,
                    ResponseError::NotEnoughReplicas.code(),
                    Some(format!(
                        "min.insync.replicas={min_isr} but {IN_SYNC_REPLICAS} replica is in sync"
                    )),
                ));
                continue;
            }
            let appended = match append(ctx, txn, &name, index, &*partition, data.to_vec()) {
                Ok(a) => a,
                Err(code) => {
                    parts.push(failed(index, code, None));
                    continue;
                }
            };
            match appended {
                Ok(info) => {
                    let mut r = PartitionProduceResponse::default();
                    r.index = index;
                    r.error_code = NONE;
                    r.base_offset = info.base_offset;
                    r.log_append_time_ms = info.log_append_time.unwrap_or(-1);
                    r.log_start_offset = info.log_start_offset;
                    let sync = wait_durable.then(|| (Arc::clone(&partition), info.last_offset + 1));
                    parts.push(Pending { response: r, sync });
                }
                Err(e) => {
                    tracing::debug!(peer = %ctx.peer, topic = %name, partition = index, error = %e, "produce rejected");
                    parts.push(failed(index, journal_code(&e), Some(e.to_string())));
                }
            }
        }
        topics.push(((td.name, td.topic_id), parts));
    }
    if acks == 0 {
        return Reply::Nothing;
    }
    let build = |topics: Vec<(TopicKey, Vec<PartitionProduceResponse>)>| {
        let mut resp = ProduceResponse::default();
        resp.responses = topics
            .into_iter()
            .map(|((name, topic_id), parts)| {
                let mut t = TopicProduceResponse::default();
                t.name = name;
                t.topic_id = topic_id;
                t.partition_responses = parts;
                t
            })
            .collect();
        resp
    };
    if topics
        .iter()
        .all(|(_, ps)| ps.iter().all(|p| p.sync.is_none()))
    {
        let done = topics
            .into_iter()
            .map(|(n, ps)| (n, ps.into_iter().map(|p| p.response).collect()))
            .collect();
        return match respond(&header, key, &build(done)) {
            Ok(b) => Reply::Now(b),
            Err(e) => Reply::Later(futures::future::ready(Err(e)).boxed()),
        };
    }
    let peer = ctx.peer;
    Reply::Later(
        async move {
            let mut done = Vec::with_capacity(topics.len());
            for (name, parts) in topics {
                let mut out = Vec::with_capacity(parts.len());
                for mut p in parts {
                    if let Some((partition, end)) = p.sync {
                        if let Err(e) = Arc::clone(&partition).durable(end).await {
                            tracing::error!(%peer, topic = %partition.topic(), partition = partition.id(), error = %e, "records not durable; produce not acknowledged");
                            p.response.error_code = journal_code(&e);
                            p.response.base_offset = -1;
                        }
                    }
                    out.push(p.response);
                }
                done.push((name, out));
            }
            respond(&header, key, &build(done))
        }
        .boxed(),
    )
}
