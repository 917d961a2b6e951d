//! Produce: records become one RecordBatch (v2, uncompressed) per partition touched, appended
//! like a Kafka produce, answered once durable under the fsync policy (as acks=all).

use robustmq_journal::now_ms;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use robustmq_api::admin::*;
use robustmq_journal::record::BatchWriter;
use robustmq_journal::JournalError;
use tonic::Status;

use super::{status, AdminService};
use robustmq_broker::partitioner::partition_for;

/// Adds `r` to the batch of its partition (created with the first record's timestamp).
fn add(batch: &mut Option<BatchWriter>, r: ProduceRecord) {
    let ts = if r.timestamp_ms > 0 {
        r.timestamp_ms
    } else {
        now_ms()
    };
    let w = batch.get_or_insert_with(|| BatchWriter::new(ts));
    for h in &r.headers {
        w.header(&h.key, Some(h.value.as_slice()));
    }
    w.record(ts, r.key.as_deref(), r.value.as_deref());
}

impl AdminService {
    pub(super) async fn produce(&self, req: ProduceRequest) -> Result<ProduceResponse, Status> {
        if req.records.is_empty() {
            return Ok(ProduceResponse::default());
        }
        let topic = self
            .broker
            .topic_or_create(&req.topic)
            .map_err(status)?
            .ok_or_else(|| Status::not_found(format!("topic '{}' does not exist", req.topic)))?;
        let n = topic.partitions;
        let sticky = (self.sticky.fetch_add(1, Ordering::Relaxed) % n.max(1) as u32) as i32;
        // partition -> (request positions, its batch)
        let mut by_partition: BTreeMap<i32, (Vec<usize>, Option<BatchWriter>)> = BTreeMap::new();
        for (i, r) in req.records.into_iter().enumerate() {
            let p = match (r.partition, &r.key) {
                (Some(p), _) => {
                    if !(0..n).contains(&p) {
                        return Err(Status::invalid_argument(format!(
                            "topic '{}' has {n} partitions; there is no partition {p}",
                            topic.name
                        )));
                    }
                    p
                }
                (None, Some(key)) => partition_for(key, n),
                (None, None) => sticky,
            };
            let entry = by_partition.entry(p).or_default();
            entry.0.push(i);
            add(&mut entry.1, r);
        }
        let total: usize = by_partition.values().map(|(ix, _)| ix.len()).sum();
        let mut out = vec![ProducedRecord::default(); total];
        for (p, (positions, batch)) in by_partition {
            let Some(batch) = batch else { continue };
            let Some(partition) = self.broker.topics.partition(&topic.name, p) else {
                return Err(Status::not_found(format!(
                    "partition {p} of '{}' is not open",
                    topic.name
                )));
            };
            let info = self
                .broker
                .append(&*partition, batch.finish())
                .map_err(|e| match e {
                    JournalError::Io(_) | JournalError::Offline { .. } => {
                        Status::unavailable(e.to_string())
                    }
                    _ => Status::invalid_argument(e.to_string()),
                })?;
            Arc::clone(&partition)
                .durable(info.last_offset + 1)
                .await
                .map_err(|e| Status::unavailable(format!("not durable: {e}")))?;
            for (k, i) in positions.into_iter().enumerate() {
                if let Some(slot) = out.get_mut(i) {
                    *slot = ProducedRecord {
                        partition: p,
                        offset: info.base_offset + k as i64,
                    };
                }
            }
        }
        Ok(ProduceResponse { records: out })
    }
}
