//! ListOffsets: earliest (-2), latest (-1), the record with the largest timestamp (-3, v7+,
//! KIP-734), the earliest local offset (-4, v8+; with no tiered storage the log start), the
//! latest tiered offset (-5, v9+; nothing is tiered, so -1), or the first offset at or after a
//! timestamp. `read_committed` clients get the last stable offset as the latest.

use kafka_protocol::messages::list_offsets_response::{
    ListOffsetsPartitionResponse, ListOffsetsTopicResponse,
};
use kafka_protocol::messages::{ListOffsetsRequest, ListOffsetsResponse};
use kafka_protocol::ResponseError;
use robustmq_broker::acl::Operation;

use super::Ctx;
use crate::errors::journal_code;

const LATEST: i64 = -1;
const EARLIEST: i64 = -2;
const MAX_TIMESTAMP: i64 = -3;
const EARLIEST_LOCAL: i64 = -4;
const LATEST_TIERED: i64 = -5;

pub async fn handle(ctx: &Ctx, req: ListOffsetsRequest, v: i16) -> ListOffsetsResponse {
    let mut resp = ListOffsetsResponse::default();
    for t in req.topics {
        let mut topic = ListOffsetsTopicResponse::default();
        topic.name = t.name.clone();
        let denied = !ctx.topic_allowed(Operation::Describe, &t.name);
        for p in t.partitions {
            let mut out = ListOffsetsPartitionResponse::default();
            out.partition_index = p.partition_index;
            out.timestamp = -1;
            out.offset = -1;
            if denied {
                out.error_code = ResponseError::TopicAuthorizationFailed.code();
                topic.partitions.push(out);
                continue;
            }
            let Some(partition) = ctx.broker.topics.partition(&t.name, p.partition_index) else {
                out.error_code = ResponseError::UnknownTopicOrPartition.code();
                topic.partitions.push(out);
                continue;
            };
            let result = match p.timestamp {
                // A read_committed consumer's end is the last stable offset.
                LATEST if req.isolation_level == 1 => {
                    partition.last_stable_offset().map(|o| Some((o, -1)))
                }
                LATEST => partition.stats().map(|s| Some((s.log_end_offset, -1))),
                EARLIEST => partition.stats().map(|s| Some((s.log_start_offset, -1))),
                MAX_TIMESTAMP if v >= 7 => partition
                    .max_timestamp()
                    .and_then(|m| m.map_or(Ok(None), |m| partition.offset_for_timestamp(m))),
                EARLIEST_LOCAL if v >= 8 => {
                    partition.stats().map(|s| Some((s.log_start_offset, -1)))
                }
                LATEST_TIERED if v >= 9 => Ok(None),
                ts if ts >= 0 => partition.offset_for_timestamp(ts),
                _ => {
                    out.error_code = ResponseError::UnsupportedVersion.code();
                    topic.partitions.push(out);
                    continue;
                }
            };
            match result {
                Ok(Some((offset, ts))) => {
                    out.offset = offset;
                    out.timestamp = ts;
                    if v >= 4 {
                        out.leader_epoch = 0;
                    }
                }
                Ok(None) => {}
                Err(e) => out.error_code = journal_code(&e),
            }
            topic.partitions.push(out);
        }
        resp.topics.push(topic);
    }
    resp
}
