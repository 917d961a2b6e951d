//! Fetch: serves stored batches as they are on disk. Long poll: answers once `min_bytes` are
//! there or `max_wait_ms` has passed, waking on appends rather than polling.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::future::{select_all, FutureExt};
use kafka_protocol::messages::fetch_response::{
    AbortedTransaction, FetchableTopicResponse, PartitionData,
};
use kafka_protocol::messages::{FetchRequest, FetchResponse, ProducerId, TopicName};
use kafka_protocol::ResponseError;
use robustmq_broker::acl::Operation;
use robustmq_broker::metrics::TopicLabels;
use robustmq_journal::{batch, JournalError, Log};

use super::{str, Ctx};
use crate::errors::journal_code;

/// Longest wait a client may ask for; Kafka clients use 500 ms by default.
const MAX_WAIT: Duration = Duration::from_secs(30);

type SharedLog = Arc<dyn Log>;

struct Wanted {
    topic: kafka_protocol::messages::TopicName,
    topic_id: uuid::Uuid,
    /// Asked for by an id no topic has (v13+).
    unknown_id: bool,
    /// The client may not read the topic.
    denied: bool,
    partitions: Vec<(i32, i64, i32, Option<SharedLog>)>,
}

/// Keeps the batches of `records` below `stable` (the last stable offset): a `read_committed`
/// consumer sees no open transaction's records. Offsets are batch boundaries there, so no batch
/// is cut.
fn below_stable(records: Bytes, stable: i64) -> Bytes {
    let (headers, whole) = batch::scan(&records);
    let keep = headers
        .iter()
        .find(|(_, h)| h.base_offset >= stable)
        .map_or(whole, |(at, _)| *at);
    records.slice(..keep)
}

/// The aborted transactions a `read_committed` consumer needs for `records` read from
/// `offset`: those overlapping the offsets the records cover.
fn aborted_in(log: &dyn Log, offset: i64, records: &[u8]) -> Option<Vec<AbortedTransaction>> {
    let (headers, _) = batch::scan(records);
    let Some((_, last)) = headers.last() else {
        return Some(Vec::new());
    };
    let aborted = log
        .aborted_transactions(offset, last.last_offset() + 1)
        .ok()?;
    Some(
        aborted
            .into_iter()
            .map(|a| {
                let mut t = AbortedTransaction::default();
                t.producer_id = ProducerId(a.producer_id);
                t.first_offset = a.first_offset;
                t
            })
            .collect(),
    )
}

/// Reads every requested partition once. Returns the response and the record bytes in it.
fn read_once(wanted: &[Wanted], max_bytes: usize, read_committed: bool) -> (FetchResponse, usize) {
    let mut resp = FetchResponse::default();
    let mut remaining = max_bytes;
    let mut total = 0usize;
    for w in wanted {
        let mut topic = FetchableTopicResponse::default();
        topic.topic = w.topic.clone();
        topic.topic_id = w.topic_id;
        for (index, offset, part_max, partition) in &w.partitions {
            let mut pd = PartitionData::default();
            pd.partition_index = *index;
            let Some(partition) = partition else {
                pd.error_code = if w.denied {
                    ResponseError::TopicAuthorizationFailed.code()
                } else if w.unknown_id {
                    ResponseError::UnknownTopicId.code()
                } else {
                    ResponseError::UnknownTopicOrPartition.code()
                };
                pd.high_watermark = -1;
                pd.last_stable_offset = -1;
                pd.log_start_offset = -1;
                topic.partitions.push(pd);
                continue;
            };
            // Only the first partition with data may exceed the limits, by one batch (KIP-74).
            let first = total == 0;
            let limit = if first {
                ((*part_max).max(1) as usize).min(max_bytes.max(1))
            } else {
                ((*part_max).max(0) as usize).min(remaining)
            };
            match partition.read(*offset, limit, first) {
                Ok(mut r) => {
                    pd.high_watermark = r.high_watermark;
                    pd.last_stable_offset = r.last_stable_offset;
                    pd.log_start_offset = r.log_start_offset;
                    if read_committed {
                        r.records = below_stable(r.records, r.last_stable_offset);
                        pd.aborted_transactions = aborted_in(&**partition, *offset, &r.records);
                    }
                    let n = r.records.len();
                    total += n;
                    remaining = remaining.saturating_sub(n);
                    pd.records = Some(r.records);
                }
                Err(e) => {
                    pd.error_code = journal_code(&e);
                    if let JournalError::OffsetOutOfRange { start, end, .. } = e {
                        pd.high_watermark = end;
                        pd.last_stable_offset = end;
                        pd.log_start_offset = start;
                    }
                }
            }
            topic.partitions.push(pd);
        }
        resp.responses.push(topic);
    }
    (resp, total)
}

/// Counts what a response hands out, per topic.
fn count_out(ctx: &Ctx, resp: &FetchResponse) {
    for t in &resp.responses {
        let labels = TopicLabels {
            topic: t.topic.0.to_string(),
        };
        for p in &t.partitions {
            let Some(records) = p.records.as_ref().filter(|r| !r.is_empty()) else {
                continue;
            };
            let (batches, _) = batch::scan(records);
            let n: u64 = batches
                .iter()
                .map(|(_, h)| h.last_offset_delta as u64 + 1)
                .sum();
            ctx.broker
                .metrics
                .bytes_out
                .get_or_create(&labels)
                .inc_by(records.len() as u64);
            ctx.broker
                .metrics
                .records_out
                .get_or_create(&labels)
                .inc_by(n);
        }
    }
}

pub async fn handle(ctx: &Ctx, req: FetchRequest, v: i16) -> FetchResponse {
    let wanted: Vec<Wanted> = req
        .topics
        .iter()
        .map(|t| {
            // v13+ names topics by id only; the name is still kept for metrics.
            let (topic, unknown_id) = if v >= 13 {
                match ctx.broker.topics.name_of(&t.topic_id) {
                    Some(name) => (TopicName(str(&name)), false),
                    None => (TopicName::default(), true),
                }
            } else {
                (t.topic.clone(), false)
            };
            let denied = !unknown_id && !ctx.topic_allowed(Operation::Read, &topic);
            let partitions = t
                .partitions
                .iter()
                .map(|p| {
                    let log = (!unknown_id && !denied)
                        .then(|| ctx.broker.topics.partition(&topic, p.partition))
                        .flatten();
                    (p.partition, p.fetch_offset, p.partition_max_bytes, log)
                })
                .collect();
            Wanted {
                topic,
                topic_id: t.topic_id,
                unknown_id,
                denied,
                partitions,
            }
        })
        .collect();
    // The request's limit, never past the broker's (a 2 GiB max_bytes must not make us
    // build a 2 GiB response). Partition limits are capped by it in read_once.
    let max_bytes = if req.max_bytes > 0 {
        req.max_bytes as usize
    } else {
        50 * 1024 * 1024
    }
    .min(ctx.fetch_max_bytes);
    let min_bytes = req.min_bytes.max(0) as usize;
    let read_committed = req.isolation_level == 1;
    let deadline =
        Instant::now() + Duration::from_millis(req.max_wait_ms.max(0) as u64).min(MAX_WAIT);
    loop {
        // Subscribe before reading so an append between the read and the wait is not missed.
        let mut watchers: Vec<_> = wanted
            .iter()
            .flat_map(|w| {
                w.partitions
                    .iter()
                    .filter_map(|p| p.3.as_ref().map(|p| p.subscribe()))
            })
            .collect();
        let (resp, bytes) = read_once(&wanted, max_bytes, read_committed);
        let has_error = resp
            .responses
            .iter()
            .any(|t| t.partitions.iter().any(|p| p.error_code != 0));
        let now = Instant::now();
        let enough = if min_bytes == 0 {
            true
        } else {
            bytes >= min_bytes
        };
        if enough || has_error || now >= deadline || watchers.is_empty() {
            count_out(ctx, &resp);
            return resp;
        }
        let changed = select_all(watchers.iter_mut().map(|w| w.changed().boxed()));
        if tokio::time::timeout(deadline - now, changed).await.is_err() {
            let (resp, _) = read_once(&wanted, max_bytes, read_committed);
            count_out(ctx, &resp);
            return resp;
        }
    }
}
