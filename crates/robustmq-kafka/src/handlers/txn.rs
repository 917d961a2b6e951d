//! Transactions: InitProducerId with a transactional id, AddPartitionsToTxn, AddOffsetsToTxn,
//! TxnOffsetCommit and EndTxn over the broker core's transaction coordinator.

use kafka_protocol::messages::add_partitions_to_txn_response::{
    AddPartitionsToTxnPartitionResult, AddPartitionsToTxnTopicResult,
};
use kafka_protocol::messages::txn_offset_commit_response::{
    TxnOffsetCommitResponsePartition, TxnOffsetCommitResponseTopic,
};
use kafka_protocol::messages::*;
use kafka_protocol::ResponseError;
use robustmq_broker::acl::{Operation, ResourceType};
use robustmq_broker::txn::{TxnError, TxnState};
use robustmq_journal::now_ms;
use robustmq_journal::txn::Outcome;

use super::groups::group_allowed;
use super::offsets::committed;
use super::Ctx;
use crate::errors::group_code;

/// The code for a coordinator error; `fenced_from` is the first version of the API that knows
/// PRODUCER_FENCED (older clients get INVALID_PRODUCER_EPOCH, as Kafka answers them).
fn code(e: &TxnError, v: i16, fenced_from: i16) -> i16 {
    match e {
        TxnError::InvalidTimeout(_) => ResponseError::InvalidTransactionTimeout.code(),
        TxnError::InvalidProducerIdMapping => ResponseError::InvalidProducerIdMapping.code(),
        TxnError::ProducerFenced if v >= fenced_from => ResponseError::ProducerFenced.code(),
        TxnError::ProducerFenced => ResponseError::InvalidProducerEpoch.code(),
        TxnError::InvalidTxnState(_) => ResponseError::InvalidTxnState.code(),
        TxnError::LimitReached(_) => ResponseError::PolicyViolation.code(),
        TxnError::Marker(_) | TxnError::Meta(_) => ResponseError::CoordinatorNotAvailable.code(),
    }
}

fn log_refusal(ctx: &Ctx, api: &str, id: &str, e: &TxnError) {
    match e {
        TxnError::Marker(_) | TxnError::Meta(_) => {
            tracing::error!(peer = %ctx.peer, api, transactional_id = id, error = %e, "transaction request failed")
        }
        _ => {
            tracing::debug!(peer = %ctx.peer, api, transactional_id = id, error = %e, "transaction request refused")
        }
    }
}

fn txn_allowed(ctx: &Ctx, id: &str) -> bool {
    ctx.allowed(Operation::Write, ResourceType::TransactionalId, id)
}

/// InitProducerId for a transactional producer (the caller checked WRITE on the id).
pub async fn init_producer_id(
    ctx: &Ctx,
    req: &InitProducerIdRequest,
    id: &str,
    v: i16,
    resp: &mut InitProducerIdResponse,
) {
    let result = ctx
        .broker
        .txns
        .init_producer_id(
            &ctx.broker,
            id,
            req.transaction_timeout_ms,
            req.producer_id.0,
            req.producer_epoch,
        )
        .await;
    match result {
        Ok((pid, epoch)) => {
            resp.producer_id = ProducerId(pid);
            resp.producer_epoch = epoch;
        }
        Err(e) => {
            log_refusal(ctx, "InitProducerId", id, &e);
            resp.error_code = code(&e, v, 4);
        }
    }
}

pub async fn add_partitions(
    ctx: &Ctx,
    req: AddPartitionsToTxnRequest,
    v: i16,
) -> AddPartitionsToTxnResponse {
    let id = req.v3_and_below_transactional_id.0.to_string();
    let id_denied = !txn_allowed(ctx, &id);
    // Per partition: refused here (authorization, unknown) or handed to the coordinator.
    let mut refused: Vec<((String, i32), i16)> = Vec::new();
    let mut wanted: Vec<(String, i32)> = Vec::new();
    for t in &req.v3_and_below_topics {
        let name = t.name.0.to_string();
        let topic_denied = !ctx.topic_allowed(Operation::Write, &name);
        let known = ctx.broker.topics.get(&name);
        for &p in &t.partitions {
            let code = if id_denied {
                ResponseError::TransactionalIdAuthorizationFailed.code()
            } else if topic_denied {
                ResponseError::TopicAuthorizationFailed.code()
            } else if known.as_ref().is_none_or(|k| p < 0 || p >= k.partitions) {
                ResponseError::UnknownTopicOrPartition.code()
            } else {
                wanted.push((name.clone(), p));
                continue;
            };
            refused.push(((name.clone(), p), code));
        }
    }
    // Like Kafka, nothing is added when any partition is refused; the others are reported as
    // not attempted.
    let outcome: Vec<((String, i32), i16)> = if !refused.is_empty() {
        let skipped = ResponseError::OperationNotAttempted.code();
        refused
            .into_iter()
            .chain(wanted.into_iter().map(|p| (p, skipped)))
            .collect()
    } else {
        let result = ctx
            .broker
            .txns
            .add_partitions(
                &id,
                req.v3_and_below_producer_id.0,
                req.v3_and_below_producer_epoch,
                &wanted,
            )
            .await;
        let c = match result {
            Ok(()) => 0,
            Err(e) => {
                log_refusal(ctx, "AddPartitionsToTxn", &id, &e);
                code(&e, v, 2)
            }
        };
        wanted.into_iter().map(|p| (p, c)).collect()
    };
    let mut resp = AddPartitionsToTxnResponse::default();
    let mut by_topic: std::collections::BTreeMap<String, Vec<(i32, i16)>> = Default::default();
    for ((topic, p), c) in outcome {
        by_topic.entry(topic).or_default().push((p, c));
    }
    for (topic, parts) in by_topic {
        let mut t = AddPartitionsToTxnTopicResult::default();
        t.name = TopicName(super::str(&topic));
        for (p, c) in parts {
            let mut r = AddPartitionsToTxnPartitionResult::default();
            r.partition_index = p;
            r.partition_error_code = c;
            t.results_by_partition.push(r);
        }
        resp.results_by_topic_v3_and_below.push(t);
    }
    resp
}

pub async fn add_offsets(
    ctx: &Ctx,
    req: AddOffsetsToTxnRequest,
    v: i16,
) -> AddOffsetsToTxnResponse {
    let mut resp = AddOffsetsToTxnResponse::default();
    let id = req.transactional_id.0.to_string();
    if !txn_allowed(ctx, &id) {
        resp.error_code = ResponseError::TransactionalIdAuthorizationFailed.code();
        return resp;
    }
    if !group_allowed(ctx, Operation::Read, &req.group_id) {
        resp.error_code = ResponseError::GroupAuthorizationFailed.code();
        return resp;
    }
    let result = ctx
        .broker
        .txns
        .add_offsets(&id, req.producer_id.0, req.producer_epoch, &req.group_id)
        .await;
    if let Err(e) = result {
        log_refusal(ctx, "AddOffsetsToTxn", &id, &e);
        resp.error_code = code(&e, v, 2);
    }
    resp
}

pub async fn commit_offsets(
    ctx: &Ctx,
    req: TxnOffsetCommitRequest,
    v: i16,
) -> TxnOffsetCommitResponse {
    let id = req.transactional_id.0.to_string();
    let group = req.group_id.0.to_string();
    let whole = if !txn_allowed(ctx, &id) {
        Some(ResponseError::TransactionalIdAuthorizationFailed.code())
    } else if !group_allowed(ctx, Operation::Read, &group) {
        Some(ResponseError::GroupAuthorizationFailed.code())
    } else {
        // A zombie of an older generation may not commit (KIP-447).
        ctx.broker
            .groups
            .check_member(&group, &req.member_id, req.generation_id)
            .err()
            .map(|e| group_code(&e))
    };
    let mut codes: Vec<(String, i32, i16)> = Vec::new();
    let mut offsets = Vec::new();
    for t in &req.topics {
        let name = t.name.0.to_string();
        let topic_denied = !ctx.topic_allowed(Operation::Read, &name);
        let known = ctx.broker.topics.get(&name);
        for p in &t.partitions {
            let c = if let Some(c) = whole {
                c
            } else if topic_denied {
                ResponseError::TopicAuthorizationFailed.code()
            } else if known
                .as_ref()
                .is_none_or(|k| p.partition_index < 0 || p.partition_index >= k.partitions)
            {
                ResponseError::UnknownTopicOrPartition.code()
            } else if p.committed_metadata.as_ref().map_or(0, |m| m.len())
                > ctx.broker.config.groups.offset_metadata_max_bytes
            {
                ResponseError::OffsetMetadataTooLarge.code()
            } else {
                offsets.push((
                    name.clone(),
                    p.partition_index,
                    committed(
                        p.committed_offset,
                        p.committed_leader_epoch,
                        p.committed_metadata.as_ref(),
                    ),
                ));
                0
            };
            codes.push((name.clone(), p.partition_index, c));
        }
    }
    if !offsets.is_empty() {
        let result = ctx
            .broker
            .txns
            .commit_offsets(&id, req.producer_id.0, req.producer_epoch, &group, offsets)
            .await;
        if let Err(e) = result {
            log_refusal(ctx, "TxnOffsetCommit", &id, &e);
            let c = code(&e, v, 3);
            for entry in codes.iter_mut().filter(|e| e.2 == 0) {
                entry.2 = c;
            }
        }
    }
    let mut resp = TxnOffsetCommitResponse::default();
    for t in &req.topics {
        let mut out = TxnOffsetCommitResponseTopic::default();
        out.name = t.name.clone();
        for (_, p, c) in codes
            .iter()
            .filter(|(n, _, _)| n.as_str() == t.name.0.as_str())
        {
            let mut r = TxnOffsetCommitResponsePartition::default();
            r.partition_index = *p;
            r.error_code = *c;
            out.partitions.push(r);
        }
        resp.topics.push(out);
    }
    resp
}

pub async fn end(ctx: &Ctx, req: EndTxnRequest, v: i16) -> EndTxnResponse {
    let mut resp = EndTxnResponse::default();
    let id = req.transactional_id.0.to_string();
    if !txn_allowed(ctx, &id) {
        resp.error_code = ResponseError::TransactionalIdAuthorizationFailed.code();
        return resp;
    }
    let result = ctx
        .broker
        .txns
        .end(
            &ctx.broker,
            &id,
            req.producer_id.0,
            req.producer_epoch,
            req.committed,
        )
        .await;
    if let Err(e) = result {
        log_refusal(ctx, "EndTxn", &id, &e);
        resp.error_code = code(&e, v, 2);
    }
    resp
}

/// Kafka's name for a transaction's state (what `kafka-transactions.sh` shows).
fn state_name(state: TxnState) -> &'static str {
    match state {
        TxnState::Empty { last: None } => "Empty",
        TxnState::Empty {
            last: Some(Outcome::Commit),
        } => "CompleteCommit",
        TxnState::Empty {
            last: Some(Outcome::Abort),
        } => "CompleteAbort",
        TxnState::Ongoing => "Ongoing",
        TxnState::PrepareCommit => "PrepareCommit",
        TxnState::PrepareAbort => "PrepareAbort",
    }
}

const STATE_NAMES: &[&str] = &[
    "Empty",
    "Ongoing",
    "PrepareCommit",
    "PrepareAbort",
    "CompleteCommit",
    "CompleteAbort",
    "Dead",
    "PrepareEpochFence",
];

fn describable(ctx: &Ctx, id: &str) -> bool {
    ctx.allowed(Operation::Describe, ResourceType::TransactionalId, id)
}

/// ListTransactions (KIP-664): the transactional ids the client may describe, filtered by
/// state, producer id, how long the transaction has run (v1) and an id pattern (v2).
pub async fn list(ctx: &Ctx, req: ListTransactionsRequest, _v: i16) -> ListTransactionsResponse {
    let mut resp = ListTransactionsResponse::default();
    resp.unknown_state_filters = req
        .state_filters
        .iter()
        .filter(|f| !STATE_NAMES.contains(&f.as_str()))
        .cloned()
        .collect();
    let pattern = match req
        .transactional_id_pattern
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(p) => match regex::RegexBuilder::new(&format!("^(?:{p})$"))
            .size_limit(1 << 20)
            .build()
        {
            Ok(r) => Some(r),
            Err(e) => {
                tracing::debug!(peer = %ctx.peer, error = %e, "ListTransactions pattern refused");
                resp.error_code = ResponseError::InvalidRegularExpression.code();
                return resp;
            }
        },
    };
    let now = now_ms();
    for t in ctx.broker.txns.summaries().await {
        let name = state_name(t.state);
        let keep = (req.state_filters.is_empty()
            || req.state_filters.iter().any(|f| f.as_str() == name))
            && (req.producer_id_filters.is_empty()
                || req.producer_id_filters.iter().any(|p| p.0 == t.producer_id))
            && (req.duration_filter < 0
                || (t.state == TxnState::Ongoing && now - t.started_ms >= req.duration_filter))
            && pattern
                .as_ref()
                .is_none_or(|r| r.is_match(&t.transactional_id))
            && describable(ctx, &t.transactional_id);
        if keep {
            let mut s = list_transactions_response::TransactionState::default();
            s.transactional_id = TransactionalId(super::str(&t.transactional_id));
            s.producer_id = ProducerId(t.producer_id);
            s.transaction_state = super::str(name);
            resp.transaction_states.push(s);
        }
    }
    resp
}

/// DescribeTransactions (KIP-664): state, producer, timeout, start and partitions per id.
pub async fn describe(
    ctx: &Ctx,
    req: DescribeTransactionsRequest,
    _v: i16,
) -> DescribeTransactionsResponse {
    let mut resp = DescribeTransactionsResponse::default();
    for id in req.transactional_ids {
        let mut s = describe_transactions_response::TransactionState::default();
        s.transactional_id = id.clone();
        s.transaction_start_time_ms = -1;
        s.producer_id = ProducerId(-1);
        s.producer_epoch = -1;
        if !describable(ctx, &id) {
            s.error_code = ResponseError::TransactionalIdAuthorizationFailed.code();
        } else if let Some(t) = ctx.broker.txns.describe(&id).await {
            s.transaction_state = super::str(state_name(t.state));
            s.transaction_timeout_ms = t.timeout_ms;
            if !matches!(t.state, TxnState::Empty { .. }) {
                s.transaction_start_time_ms = t.started_ms;
            }
            s.producer_id = ProducerId(t.producer_id);
            s.producer_epoch = t.producer_epoch;
            let mut by_topic: std::collections::BTreeMap<&str, Vec<i32>> = Default::default();
            for (topic, p) in &t.partitions {
                by_topic.entry(topic).or_default().push(*p);
            }
            for (topic, partitions) in by_topic {
                let mut d = describe_transactions_response::TopicData::default();
                d.topic = TopicName(super::str(topic));
                d.partitions = partitions;
                s.topics.push(d);
            }
        } else {
            s.error_code = ResponseError::TransactionalIdNotFound.code();
        }
        resp.transaction_states.push(s);
    }
    resp
}
