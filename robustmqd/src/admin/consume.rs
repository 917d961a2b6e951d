//! Consume: streams records from chosen start offsets, fed by the partitions' end-offset
//! watches when following (no polling). It never commits; the client commits what it handled.

use std::sync::Arc;
use std::time::Duration;

use futures::future::select_all;
use futures::FutureExt;
use robustmq_api::admin::consume_request::Start;
use robustmq_api::admin::*;
use robustmq_broker::metrics::TopicLabels;
use robustmq_broker::Broker;
use robustmq_journal::record::{read_batch, Records};
use robustmq_journal::{batch, decompress, JournalError, Log};
use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

use super::{AdminService, BoxStream};

/// Bytes read from one partition per step.
const READ_BYTES: usize = 1 << 20;

struct Cursor {
    partition: Arc<dyn Log>,
    offset: i64,
}

fn start_offset(broker: &Broker, part: &dyn Log, req: &ConsumeRequest) -> Result<i64, Status> {
    let s = part.stats().map_err(|e| Status::internal(e.to_string()))?;
    let clamp = |o: i64| o.clamp(s.log_start_offset, s.log_end_offset);
    Ok(match &req.start {
        Some(Start::FromBeginning(_)) => s.log_start_offset,
        None | Some(Start::FromEnd(_)) => s.log_end_offset,
        Some(Start::Offset(o)) => clamp(*o),
        Some(Start::TimestampMs(ts)) => part
            .offset_for_timestamp(*ts)
            .map_err(|e| Status::internal(e.to_string()))?
            .map(|(o, _)| o)
            .unwrap_or(s.log_end_offset),
        Some(Start::Group(g)) => {
            let committed = broker
                .groups
                .committed(g, part.topic(), part.id())
                .map_err(|e| Status::internal(e.to_string()))?;
            match committed {
                Some(c) => clamp(c.offset),
                None if req.from_beginning_if_uncommitted => s.log_start_offset,
                None => s.log_end_offset,
            }
        }
    })
}

/// Decodes whole batches into records at or after `cursor.offset`, advancing it past every
/// batch read (control batches and compacted-away records included). Compressed batches are
/// decompressed to at most the topic's `max.message.bytes`.
fn decode(
    cursor: &mut Cursor,
    data: bytes::Bytes,
    max: u64,
) -> Result<Vec<ConsumedRecord>, Status> {
    let (headers, _) = batch::scan(&data);
    let batches_end = headers.last().map(|(_, h)| h.last_offset() + 1);
    let limit = cursor.partition.config().max_message_bytes;
    let mut out = Vec::new();
    for (pos, h) in headers {
        let plain = decompress::plain_batch(&data[pos..pos + h.total_size()], limit)
            .map_err(|e| Status::internal(format!("cannot decode stored records: {e}")))?;
        let Records::Plain(records) = read_batch(&plain)
            .map_err(|e| Status::internal(format!("cannot decode stored records: {e}")))?
        else {
            continue; // control batch
        };
        for rec in records {
            if out.len() as u64 >= max {
                return Ok(out);
            }
            if rec.offset < cursor.offset {
                continue;
            }
            cursor.offset = rec.offset + 1;
            out.push(ConsumedRecord {
                partition: cursor.partition.id(),
                offset: rec.offset,
                timestamp_ms: rec.timestamp,
                key: rec.key.map(<[u8]>::to_vec),
                value: rec.value.map(<[u8]>::to_vec),
                headers: rec
                    .headers
                    .into_iter()
                    .map(|(k, v)| Header {
                        key: String::from_utf8_lossy(k).into_owned(),
                        value: v.map(<[u8]>::to_vec).unwrap_or_default(),
                    })
                    .collect(),
            });
        }
    }
    if let Some(end) = batches_end {
        cursor.offset = cursor.offset.max(end);
    }
    Ok(out)
}

async fn run(
    broker: Arc<Broker>,
    mut cursors: Vec<Cursor>,
    max_records: u64,
    follow: bool,
    tx: mpsc::Sender<Result<ConsumeResponse, Status>>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut remaining = if max_records == 0 {
        u64::MAX
    } else {
        max_records
    };
    let mut ends: Vec<watch::Receiver<i64>> =
        cursors.iter().map(|c| c.partition.subscribe()).collect();
    loop {
        let mut progressed = false;
        for cursor in &mut cursors {
            match cursor.partition.read(cursor.offset, READ_BYTES, true) {
                Ok(r) if r.records.is_empty() => {}
                Ok(r) => {
                    let before = cursor.offset;
                    let bytes = r.records.len() as u64;
                    let records = match decode(cursor, r.records, remaining) {
                        Ok(records) => records,
                        Err(e) => {
                            let _ = tx.send(Err(e)).await;
                            return;
                        }
                    };
                    progressed |= cursor.offset != before;
                    if !records.is_empty() {
                        remaining -= records.len() as u64;
                        let labels = TopicLabels {
                            topic: cursor.partition.topic().to_string(),
                        };
                        let m = &broker.metrics;
                        m.records_out
                            .get_or_create(&labels)
                            .inc_by(records.len() as u64);
                        m.bytes_out.get_or_create(&labels).inc_by(bytes);
                        if tx.send(Ok(ConsumeResponse { records })).await.is_err() {
                            return;
                        }
                    }
                }
                // Retention or DeleteRecords moved the start past us: continue from there.
                Err(JournalError::OffsetOutOfRange { start, end, .. }) => {
                    cursor.offset = if cursor.offset < start { start } else { end };
                    progressed = true;
                }
                Err(e) => {
                    let _ = tx.send(Err(Status::internal(e.to_string()))).await;
                    return;
                }
            }
            if remaining == 0 {
                return;
            }
        }
        if progressed {
            continue;
        }
        // (`select_all` needs at least one future; a topic always has a partition.)
        if !follow || ends.is_empty() {
            return;
        }
        let changed = select_all(ends.iter_mut().map(|rx| rx.changed().boxed()));
        tokio::select! {
            _ = changed => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = tx.closed() => return,
            _ = shutdown.changed() => return,
        }
    }
}

impl AdminService {
    pub(super) fn consume(
        &self,
        req: ConsumeRequest,
    ) -> Result<BoxStream<ConsumeResponse>, Status> {
        let topic =
            self.broker.topics.get(&req.topic).ok_or_else(|| {
                Status::not_found(format!("topic '{}' does not exist", req.topic))
            })?;
        if let Some(Start::Group(g)) = &req.start {
            if g.is_empty() {
                return Err(Status::invalid_argument("the group name must not be empty"));
            }
            // Its commits would be refused; say so before streaming anything.
            if self
                .broker
                .groups
                .describe(g)
                .is_some_and(|d| !d.members.is_empty())
            {
                return Err(Status::failed_precondition(format!(
                    "group '{g}' has active members; consume with another group or stop them"
                )));
            }
        }
        let ids: Vec<i32> = if req.partitions.is_empty() {
            (0..topic.partitions).collect()
        } else {
            req.partitions.clone()
        };
        let mut cursors = Vec::with_capacity(ids.len());
        for p in ids {
            let partition = self
                .broker
                .topics
                .partition(&topic.name, p)
                .ok_or_else(|| {
                    Status::not_found(format!("topic '{}' has no partition {p}", topic.name))
                })?;
            let offset = start_offset(&self.broker, &*partition, &req)?;
            cursors.push(Cursor { partition, offset });
        }
        let (tx, rx) = mpsc::channel(4);
        tokio::spawn(run(
            Arc::clone(&self.broker),
            cursors,
            req.max_records,
            req.follow,
            tx,
            self.shutdown.clone(),
        ));
        Ok(Box::pin(ReceiverStream::new(rx)))
    }
}
