//! Produce: records become one RecordBatch (v2, uncompressed) per partition touched, appended
//! like a Kafka produce, answered once durable under the fsync policy (as acks=all).

use robustmq_journal::now_ms;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use bytes::{Bytes, BytesMut};
use kafka_protocol::indexmap::IndexMap;
use kafka_protocol::protocol::StrBytes;
use kafka_protocol::records::{
    Compression, Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
};
use robustmq_api::admin::*;
use robustmq_journal::{FsyncPolicy, JournalError};
use tonic::Status;

use super::{status, AdminService};
use robustmq_broker::partitioner::partition_for;

fn record(r: ProduceRecord, offset: i64) -> Record {
    let headers: IndexMap<StrBytes, Option<Bytes>> = r
        .headers
        .into_iter()
        .map(|h| (StrBytes::from_string(h.key), Some(Bytes::from(h.value))))
        .collect();
    Record {
        transactional: false,
        control: false,
        delete_horizon: false,
        partition_leader_epoch: -1,
        producer_id: -1,
        producer_epoch: -1,
        timestamp_type: TimestampType::Creation,
        offset,
        sequence: -1,
        timestamp: if r.timestamp_ms > 0 {
            r.timestamp_ms
        } else {
            now_ms()
        },
        key: r.key.map(Bytes::from),
        value: r.value.map(Bytes::from),
        headers,
    }
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
        // partition -> (request positions, records)
        let mut by_partition: BTreeMap<i32, (Vec<usize>, Vec<Record>)> = BTreeMap::new();
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
            let rel = entry.1.len() as i64;
            entry.0.push(i);
            entry.1.push(record(r, rel));
        }
        let total: usize = by_partition.values().map(|(ix, _)| ix.len()).sum();
        let mut out = vec![ProducedRecord::default(); total];
        let wait = self.broker.journal.policy() == FsyncPolicy::Always;
        for (p, (positions, records)) in by_partition {
            let Some(partition) = self.broker.topics.partition(&topic.name, p) else {
                return Err(Status::not_found(format!(
                    "partition {p} of '{}' is not open",
                    topic.name
                )));
            };
            let mut buf = BytesMut::new();
            let options = RecordEncodeOptions {
                version: 2,
                compression: Compression::None,
            };
            RecordBatchEncoder::encode(&mut buf, records.iter(), &options)
                .map_err(|e| Status::internal(format!("cannot encode records: {e}")))?;
            let info = self
                .broker
                .append(&partition, buf.to_vec())
                .map_err(|e| match e {
                    JournalError::Io(_) => Status::internal(e.to_string()),
                    _ => Status::invalid_argument(e.to_string()),
                })?;
            if wait {
                partition
                    .sync_to(info.last_offset + 1)
                    .await
                    .map_err(|e| Status::internal(format!("fsync failed: {e}")))?;
            }
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
