//! OffsetCommit, OffsetFetch and OffsetDelete: committed positions live in meta.

use robustmq_journal::now_ms;
use std::collections::BTreeMap;

use bytes::{Buf, Bytes};
use kafka_protocol::messages::offset_commit_response::{
    OffsetCommitResponsePartition, OffsetCommitResponseTopic,
};
use kafka_protocol::messages::offset_delete_response::{
    OffsetDeleteResponsePartition, OffsetDeleteResponseTopic,
};
use kafka_protocol::messages::offset_fetch_response::{
    OffsetFetchResponseGroup, OffsetFetchResponsePartition, OffsetFetchResponsePartitions,
    OffsetFetchResponseTopic, OffsetFetchResponseTopics,
};
use kafka_protocol::messages::*;
use kafka_protocol::protocol::{Decodable, StrBytes};
use kafka_protocol::ResponseError;
use robustmq_meta::CommittedOffset;

use super::groups::group_allowed;
use super::{str, Ctx};
use crate::errors::group_code;
use robustmq_broker::acl::Operation;

/// A committed offset as OffsetCommit and TxnOffsetCommit carry it, stamped now.
pub(super) fn committed(
    offset: i64,
    leader_epoch: i32,
    metadata: Option<&StrBytes>,
) -> CommittedOffset {
    CommittedOffset {
        offset,
        leader_epoch,
        metadata: metadata.map(|m| m.to_string()).unwrap_or_default(),
        commit_ms: now_ms(),
    }
}

pub async fn commit(ctx: &Ctx, req: OffsetCommitRequest, _v: i16) -> OffsetCommitResponse {
    let mut resp = OffsetCommitResponse::default();
    let mut offsets = Vec::new();
    let mut codes: BTreeMap<(String, i32), i16> = BTreeMap::new();
    // Committing needs READ on the group and on each topic.
    let group_denied = !group_allowed(ctx, Operation::Read, &req.group_id);
    for t in &req.topics {
        let known = ctx.broker.topics.get(&t.name);
        let topic_denied = !ctx.topic_allowed(Operation::Read, &t.name);
        for p in &t.partitions {
            let key = (t.name.0.to_string(), p.partition_index);
            if group_denied {
                codes.insert(key, ResponseError::GroupAuthorizationFailed.code());
                continue;
            }
            if topic_denied {
                codes.insert(key, ResponseError::TopicAuthorizationFailed.code());
                continue;
            }
            if known
                .as_ref()
                .is_none_or(|k| p.partition_index < 0 || p.partition_index >= k.partitions)
            {
                codes.insert(key, ResponseError::UnknownTopicOrPartition.code());
                continue;
            }
            let metadata_len = p.committed_metadata.as_ref().map_or(0, |m| m.len());
            if metadata_len > ctx.broker.config.groups.offset_metadata_max_bytes {
                codes.insert(key, ResponseError::OffsetMetadataTooLarge.code());
                continue;
            }
            offsets.push((
                key.0.clone(),
                key.1,
                committed(
                    p.committed_offset,
                    p.committed_leader_epoch,
                    p.committed_metadata.as_ref(),
                ),
            ));
            codes.insert(key, 0);
        }
    }
    let (group, member, generation) = (
        req.group_id.to_string(),
        req.member_id.to_string(),
        req.generation_id_or_member_epoch,
    );
    let committed = offsets.clone();
    let result = if group_denied {
        Ok(())
    } else {
        ctx.broker
            .off_runtime(move |b| {
                b.groups
                    .commit_offsets(&group, &member, generation, &committed)
            })
            .await
    };
    if let Err(e) = result {
        let code = group_code(&e);
        for (t, p, _) in &offsets {
            codes.insert((t.clone(), *p), code);
        }
    }
    for t in req.topics {
        let mut topic = OffsetCommitResponseTopic::default();
        topic.name = t.name.clone();
        for p in t.partitions {
            let mut r = OffsetCommitResponsePartition::default();
            r.partition_index = p.partition_index;
            r.error_code = codes
                .get(&(t.name.0.to_string(), p.partition_index))
                .copied()
                .unwrap_or(0);
            topic.partitions.push(r);
        }
        resp.topics.push(topic);
    }
    resp
}

/// One topic's partitions with their committed offsets, if any, or the partition's error.
type TopicOffsets = (String, Vec<(i32, Result<Option<CommittedOffset>, i16>)>);

/// Committed offsets of one group for the asked partitions, or all of them when `None`.
fn lookup(
    ctx: &Ctx,
    group: &str,
    wanted: Option<Vec<(String, Vec<i32>)>>,
) -> Result<Vec<TopicOffsets>, i16> {
    if !group_allowed(ctx, Operation::Describe, group) {
        return Err(ResponseError::GroupAuthorizationFailed.code());
    }
    let committed = ctx
        .broker
        .groups
        .committed_offsets(group)
        .map_err(|e| group_code(&e))?;
    let wanted = match wanted {
        Some(w) => w,
        None => {
            let mut all: BTreeMap<String, Vec<i32>> = BTreeMap::new();
            // All of the group's offsets: those of topics the client may describe.
            for (t, p, _) in &committed {
                if ctx.topic_allowed(Operation::Describe, t) {
                    all.entry(t.clone()).or_default().push(*p);
                }
            }
            all.into_iter().collect()
        }
    };
    let find = |topic: &str, p: i32| {
        committed
            .iter()
            .find(|(t, q, _)| t == topic && *q == p)
            .map(|(_, _, c)| c.clone())
    };
    Ok(wanted
        .into_iter()
        .map(|(topic, parts)| {
            let found = if ctx.topic_allowed(Operation::Describe, &topic) {
                parts
                    .into_iter()
                    .map(|p| (p, Ok(find(&topic, p))))
                    .collect()
            } else {
                let denied = ResponseError::TopicAuthorizationFailed.code();
                parts.into_iter().map(|p| (p, Err(denied))).collect()
            };
            (topic, found)
        })
        .collect())
}

/// Builds one response partition; the v8 and the older response types have the same fields.
macro_rules! partition_response {
    ($ty:ty, $p:expr, $c:expr) => {{
        let found: Result<Option<CommittedOffset>, i16> = $c;
        let mut r = <$ty>::default();
        r.partition_index = $p;
        let c = found.unwrap_or_else(|code| {
            r.error_code = code;
            None
        });
        r.committed_offset = c.as_ref().map(|c| c.offset).unwrap_or(-1);
        r.committed_leader_epoch = c.as_ref().map(|c| c.leader_epoch).unwrap_or(-1);
        r.metadata = Some(str(c.as_ref().map(|c| c.metadata.as_str()).unwrap_or("")));
        r
    }};
}

/// The asked topics and partitions of an OffsetFetch request, or `None` for all of them.
macro_rules! wanted {
    ($topics:expr) => {
        $topics.map(|ts| {
            ts.into_iter()
                .map(|t| (t.name.0.to_string(), t.partition_indexes))
                .collect()
        })
    };
}

/// A `require_stable` fetch (v7+) of a group with offsets committed in a transaction that has
/// not ended gets UNSTABLE_OFFSET_COMMIT (retriable) rather than offsets about to change.
fn unstable(ctx: &Ctx, require_stable: bool, group: &str) -> bool {
    require_stable && ctx.broker.txns.has_pending_offsets(group)
}

pub async fn fetch(ctx: &Ctx, req: OffsetFetchRequest, v: i16) -> OffsetFetchResponse {
    let mut resp = OffsetFetchResponse::default();
    let unstable_code = ResponseError::UnstableOffsetCommit.code();
    if v >= 8 {
        for g in req.groups {
            let mut out = OffsetFetchResponseGroup::default();
            out.group_id = g.group_id.clone();
            if unstable(ctx, req.require_stable, &g.group_id) {
                out.error_code = unstable_code;
                resp.groups.push(out);
                continue;
            }
            match lookup(ctx, &g.group_id, wanted!(g.topics)) {
                Ok(topics) => {
                    for (name, parts) in topics {
                        let mut t = OffsetFetchResponseTopics::default();
                        t.name = TopicName(str(&name));
                        for (p, c) in parts {
                            t.partitions.push(partition_response!(
                                OffsetFetchResponsePartitions,
                                p,
                                c
                            ));
                        }
                        out.topics.push(t);
                    }
                }
                Err(code) => out.error_code = code,
            }
            resp.groups.push(out);
        }
        return resp;
    }
    if v >= 7 && unstable(ctx, req.require_stable, &req.group_id) {
        resp.error_code = unstable_code;
        return resp;
    }
    match lookup(ctx, &req.group_id, wanted!(req.topics)) {
        Ok(topics) => {
            for (name, parts) in topics {
                let mut t = OffsetFetchResponseTopic::default();
                t.name = TopicName(str(&name));
                for (p, c) in parts {
                    t.partitions
                        .push(partition_response!(OffsetFetchResponsePartition, p, c));
                }
                resp.topics.push(t);
            }
        }
        Err(code) if v >= 2 => resp.error_code = code,
        Err(_) => {}
    }
    resp
}

/// Topics a consumer-protocol member subscribed to, from its JoinGroup metadata.
fn subscribed_topics(metadata: &Bytes) -> Vec<String> {
    let mut b = metadata.clone();
    if b.remaining() < 2 {
        return Vec::new();
    }
    let version = b.get_i16();
    ConsumerProtocolSubscription::decode(&mut b, version.clamp(0, 3))
        .map(|s| s.topics.iter().map(|t| t.to_string()).collect())
        .unwrap_or_default()
}

pub async fn delete(ctx: &Ctx, req: OffsetDeleteRequest, _v: i16) -> OffsetDeleteResponse {
    let mut resp = OffsetDeleteResponse::default();
    if !group_allowed(ctx, Operation::Delete, &req.group_id) {
        resp.error_code = ResponseError::GroupAuthorizationFailed.code();
        return resp;
    }
    let subscribed: Vec<String> = ctx
        .broker
        .groups
        .describe(&req.group_id)
        .map(|d| {
            d.members
                .iter()
                .flat_map(|m| subscribed_topics(&m.metadata))
                .collect()
        })
        .unwrap_or_default();
    let mut deletable = Vec::new();
    for t in &req.topics {
        if !subscribed.iter().any(|s| s.as_str() == t.name.as_str())
            && ctx.topic_allowed(Operation::Read, &t.name)
        {
            for p in &t.partitions {
                deletable.push((t.name.0.to_string(), p.partition_index));
            }
        }
    }
    let group = req.group_id.to_string();
    let deleted = ctx
        .broker
        .off_runtime(move |b| b.groups.delete_offsets(&group, &deletable))
        .await;
    if let Err(e) = deleted {
        resp.error_code = group_code(&e);
        return resp;
    }
    for t in req.topics {
        let mut topic = OffsetDeleteResponseTopic::default();
        let busy = subscribed.iter().any(|s| s.as_str() == t.name.as_str());
        let denied = !ctx.topic_allowed(Operation::Read, &t.name);
        for p in t.partitions {
            let mut r = OffsetDeleteResponsePartition::default();
            r.partition_index = p.partition_index;
            if denied {
                r.error_code = ResponseError::TopicAuthorizationFailed.code();
            } else if busy {
                r.error_code = ResponseError::GroupSubscribedToTopic.code();
            }
            topic.partitions.push(r);
        }
        topic.name = t.name;
        resp.topics.push(topic);
    }
    resp
}
