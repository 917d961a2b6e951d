//! Consumer groups: list and describe with lag, reset offsets, commit, delete.

use robustmq_journal::now_ms;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use bytes::{Buf, Bytes};
use kafka_protocol::messages::ConsumerProtocolAssignment;
use kafka_protocol::protocol::Decodable;
use robustmq_api::admin::reset_group_offsets_request::To;
use robustmq_api::admin::*;
use robustmq_broker::Broker;
use robustmq_meta::{CommittedOffset, GroupOffset};

use super::{blocking, group_status, AdminService};

/// The topic-partitions of a consumer-protocol assignment; empty when it is not one.
fn decode_assignment(mut data: Bytes) -> Vec<TopicPartition> {
    if data.remaining() < 2 {
        return Vec::new();
    }
    let version = data.get_i16();
    let Ok(a) = ConsumerProtocolAssignment::decode(&mut data, version.clamp(0, 3)) else {
        return Vec::new();
    };
    a.assigned_partitions
        .into_iter()
        .flat_map(|t| {
            let topic = t.topic.0.to_string();
            t.partitions.into_iter().map(move |p| TopicPartition {
                topic: topic.clone(),
                partition: p,
            })
        })
        .collect()
}

fn log_end(broker: &Broker, topic: &str, partition: i32) -> Option<i64> {
    let p = broker.topics.partition(topic, partition)?;
    p.stats().ok().map(|s| s.log_end_offset)
}

fn lag_of(
    broker: &Broker,
    topic: &str,
    partition: i32,
    committed: &CommittedOffset,
) -> PartitionLag {
    let end = log_end(broker, topic, partition).unwrap_or(committed.offset);
    PartitionLag {
        topic: topic.to_string(),
        partition,
        committed_offset: committed.offset,
        log_end_offset: end,
        lag: (end - committed.offset).max(0),
        metadata: committed.metadata.clone(),
        member_id: String::new(),
    }
}

impl AdminService {
    /// Every group with its state, members and total lag.
    pub(super) async fn group_summaries(&self) -> Result<Vec<GroupSummary>, tonic::Status> {
        let broker = Arc::clone(&self.broker);
        blocking(move || {
            let groups = broker
                .groups
                .list()
                .map_err(|e| tonic::Status::internal(e.to_string()))?;
            let mut out = Vec::with_capacity(groups.len());
            for (name, state, protocol_type) in groups {
                let offsets = broker.groups.committed_offsets(&name).unwrap_or_default();
                let lag = offsets
                    .iter()
                    .map(|(t, p, c)| lag_of(&broker, t, *p, c).lag)
                    .sum();
                let members = broker
                    .groups
                    .describe(&name)
                    .map(|d| d.members.len() as u32)
                    .unwrap_or(0);
                out.push(GroupSummary {
                    name,
                    state: state.as_str().to_string(),
                    protocol_type,
                    members,
                    lag,
                });
            }
            Ok(out)
        })
        .await
    }

    pub(super) async fn describe_group(
        &self,
        name: String,
    ) -> Result<GroupDescription, tonic::Status> {
        let broker = Arc::clone(&self.broker);
        blocking(move || {
            let offsets = broker
                .groups
                .committed_offsets(&name)
                .map_err(|e| group_status(&name, e))?;
            let live = broker.groups.describe(&name);
            let known = live.is_some()
                || broker
                    .groups
                    .list()
                    .map_err(|e| group_status(&name, e))?
                    .iter()
                    .any(|(n, _, _)| *n == name);
            if !known {
                return Err(tonic::Status::not_found(format!(
                    "group '{name}' does not exist"
                )));
            }
            let mut desc = GroupDescription {
                name: name.clone(),
                state: "Empty".into(),
                protocol_type: "consumer".into(),
                ..Default::default()
            };
            let mut owner: HashMap<(String, i32), String> = HashMap::new();
            if let Some(d) = live {
                desc.state = d.state.as_str().to_string();
                desc.protocol_type = d.protocol_type;
                desc.protocol = d.protocol;
                desc.generation = d.generation;
                for m in d.members {
                    let assignment = if desc.protocol_type == "consumer" {
                        decode_assignment(m.assignment)
                    } else {
                        Vec::new()
                    };
                    for tp in &assignment {
                        owner.insert((tp.topic.clone(), tp.partition), m.member_id.clone());
                    }
                    desc.members.push(GroupMember {
                        member_id: m.member_id,
                        instance_id: m.instance_id.unwrap_or_default(),
                        client_id: m.client_id,
                        client_host: m.client_host,
                        assignment,
                    });
                }
            }
            desc.offsets = offsets
                .iter()
                .map(|(t, p, c)| {
                    let mut lag = lag_of(&broker, t, *p, c);
                    lag.member_id = owner.remove(&(t.clone(), *p)).unwrap_or_default();
                    lag
                })
                .collect();
            desc.offsets
                .sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
            Ok(desc)
        })
        .await
    }

    pub(super) async fn reset_group_offsets(
        &self,
        req: ResetGroupOffsetsRequest,
    ) -> Result<ResetGroupOffsetsResponse, tonic::Status> {
        let broker = Arc::clone(&self.broker);
        blocking(move || {
            let group = req.group;
            let Some(topic) = broker.topics.get(&req.topic) else {
                return Err(tonic::Status::not_found(format!(
                    "topic '{}' does not exist",
                    req.topic
                )));
            };
            let Some(to) = req.to else {
                return Err(tonic::Status::invalid_argument(
                    "say where to reset to: earliest, latest, a timestamp or an offset",
                ));
            };
            let partitions: Vec<i32> = if req.partitions.is_empty() {
                (0..topic.partitions).collect()
            } else {
                req.partitions
            };
            let mut new = BTreeMap::new();
            for p in partitions {
                let Some(part) = broker.topics.partition(&topic.name, p) else {
                    return Err(tonic::Status::not_found(format!(
                        "topic '{}' has no partition {p}",
                        topic.name
                    )));
                };
                let internal = |e: robustmq_journal::JournalError| tonic::Status::internal(e.to_string());
                let s = part.stats().map_err(internal)?;
                let offset = match to {
                    To::Earliest(_) => s.log_start_offset,
                    To::Latest(_) => s.log_end_offset,
                    To::TimestampMs(ts) => part
                        .offset_for_timestamp(ts)
                        .map_err(internal)?
                        .map(|(o, _)| o)
                        .unwrap_or(s.log_end_offset),
                    To::Offset(o) => o.clamp(s.log_start_offset, s.log_end_offset),
                };
                new.insert(p, offset);
            }
            let commit_ms = now_ms();
            let offsets: Vec<GroupOffset> = new
                .iter()
                .map(|(p, o)| {
                    let c = CommittedOffset {
                        offset: *o,
                        leader_epoch: -1,
                        metadata: String::new(),
                        commit_ms,
                    };
                    (topic.name.clone(), *p, c)
                })
                .collect();
            if !req.dry_run {
                broker
                    .groups
                    .commit_offsets(&group, "", -1, &offsets)
                    .map_err(|e| group_status(&group, e))?;
                tracing::info!(%group, topic = %topic.name, partitions = offsets.len(), "group offsets reset");
            }
            Ok(ResetGroupOffsetsResponse {
                offsets: offsets
                    .iter()
                    .map(|(t, p, c)| lag_of(&broker, t, *p, c))
                    .collect(),
            })
        })
        .await
    }

    pub(super) async fn commit_offsets(
        &self,
        req: CommitOffsetsRequest,
    ) -> Result<(), tonic::Status> {
        let broker = Arc::clone(&self.broker);
        blocking(move || {
            if broker.topics.get(&req.topic).is_none() {
                return Err(tonic::Status::not_found(format!(
                    "topic '{}' does not exist",
                    req.topic
                )));
            }
            let commit_ms = now_ms();
            let offsets: Vec<GroupOffset> = req
                .offsets
                .into_iter()
                .map(|(p, o)| {
                    let c = CommittedOffset {
                        offset: o,
                        leader_epoch: -1,
                        metadata: String::new(),
                        commit_ms,
                    };
                    (req.topic.clone(), p, c)
                })
                .collect();
            broker
                .groups
                .commit_offsets(&req.group, "", -1, &offsets)
                .map_err(|e| group_status(&req.group, e))
        })
        .await
    }

    pub(super) async fn delete_group(&self, name: String) -> Result<(), tonic::Status> {
        let broker = Arc::clone(&self.broker);
        blocking(move || {
            broker
                .groups
                .delete(&name)
                .map_err(|e| group_status(&name, e))?;
            tracing::info!(group = %name, "group deleted");
            Ok(())
        })
        .await
    }
}
