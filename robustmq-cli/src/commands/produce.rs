//! `robustmq produce`: lines in, records out. A reader thread turns lines into batches (5000
//! records or just under 1 MiB) while the previous batch is in flight, so big files stream at the speed
//! of the daemon without being loaded into memory.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal};
use std::path::PathBuf;

use indicatif::ProgressBar;
use robustmq_api::admin::{Header, ProduceRecord, ProduceRequest, ProducedRecord};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::{io_err, progress, Ctx};
use crate::args::data::ProduceArgs;
use crate::client::{CliError, Client};
use crate::parse::split_key;

/// Each Produce call waits for durability (an fsync under the default policy), so batches
/// are large: the call count, not the bytes, bounds the rate.
pub const MAX_BATCH_RECORDS: usize = 5000;
/// Below the default `max.message.bytes` (1 MiB + 12), with room for the batch header; the
/// per-record estimate in [`record_bytes`] is above the real encoding overhead.
pub const MAX_BATCH_BYTES: usize = (1 << 20) - 4096;

/// Turns one line into a record, from the options that apply to every record.
#[derive(Debug, Clone, Default)]
pub struct RecordTemplate {
    pub key: Option<String>,
    pub key_separator: Option<String>,
    pub partition: Option<i32>,
    pub headers: Vec<(String, String)>,
}

impl RecordTemplate {
    pub fn record(&self, line: &[u8]) -> ProduceRecord {
        let (key, value) = match &self.key_separator {
            Some(sep) => split_key(line, sep.as_bytes()),
            None => (self.key.as_deref().map(str::as_bytes), line),
        };
        ProduceRecord {
            key: key.map(<[u8]>::to_vec),
            value: Some(value.to_vec()),
            headers: self
                .headers
                .iter()
                .map(|(k, v)| Header {
                    key: k.clone(),
                    value: v.as_bytes().to_vec(),
                })
                .collect(),
            partition: self.partition,
            timestamp_ms: 0,
        }
    }
}

/// The line without its `\n` or `\r\n`.
pub fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn record_bytes(r: &ProduceRecord) -> usize {
    let headers: usize = r
        .headers
        .iter()
        .map(|h| h.key.len() + h.value.len() + 4)
        .sum();
    r.key.as_ref().map_or(0, Vec::len) + r.value.as_ref().map_or(0, Vec::len) + headers + 16
}

enum Source {
    Stdin,
    File(PathBuf, File),
}

type Batch = io::Result<Vec<ProduceRecord>>;

/// Reads every source in order and sends batches until the input ends or the receiver goes
/// away (the produce failed). `eager` sends each record at once (someone is typing).
fn read_batches(
    sources: Vec<Source>,
    template: RecordTemplate,
    eager: bool,
    pb: ProgressBar,
    tx: mpsc::Sender<Batch>,
) {
    let mut batch = Vec::new();
    let mut bytes = 0;
    let mut line = Vec::new();
    for src in sources {
        let (name, mut reader): (String, Box<dyn BufRead>) = match src {
            Source::Stdin => ("stdin".into(), Box::new(io::stdin().lock())),
            Source::File(p, f) => (
                p.display().to_string(),
                Box::new(BufReader::with_capacity(256 * 1024, f)),
            ),
        };
        loop {
            line.clear();
            let n = match reader.read_until(b'\n', &mut line) {
                Ok(n) => n,
                Err(e) => {
                    let _ = tx.blocking_send(Err(io::Error::new(
                        e.kind(),
                        format!("cannot read {name}: {e}"),
                    )));
                    return;
                }
            };
            if n == 0 {
                break;
            }
            pb.inc(n as u64);
            let r = template.record(trim_eol(&line));
            let size = record_bytes(&r);
            // Send what we have first if this record would make the batch too big.
            if !batch.is_empty()
                && (batch.len() >= MAX_BATCH_RECORDS || bytes + size > MAX_BATCH_BYTES)
            {
                if tx.blocking_send(Ok(std::mem::take(&mut batch))).is_err() {
                    return;
                }
                bytes = 0;
            }
            bytes += size;
            batch.push(r);
            if eager {
                if tx.blocking_send(Ok(std::mem::take(&mut batch))).is_err() {
                    return;
                }
                bytes = 0;
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.blocking_send(Ok(batch));
    }
}

/// Records and offset range per partition, for the summary.
#[derive(Debug, Default)]
pub struct Summary {
    pub records: u64,
    pub partitions: BTreeMap<i32, (u64, i64, i64)>,
}

impl Summary {
    pub fn add(&mut self, produced: &[ProducedRecord]) {
        for r in produced {
            self.records += 1;
            let e = self
                .partitions
                .entry(r.partition)
                .or_insert((0, r.offset, r.offset));
            e.0 += 1;
            e.1 = e.1.min(r.offset);
            e.2 = e.2.max(r.offset);
        }
    }

    pub fn to_json(&self, topic: &str) -> Value {
        let partitions: serde_json::Map<String, Value> = self
            .partitions
            .iter()
            .map(|(p, (n, first, last))| {
                (
                    p.to_string(),
                    json!({"records": n, "first_offset": first, "last_offset": last}),
                )
            })
            .collect();
        json!({"topic": topic, "records": self.records, "partitions": partitions})
    }
}

pub async fn run(ctx: &Ctx, client: &mut Client, a: ProduceArgs) -> Result<(), CliError> {
    // Open every file first: a typo should fail before anything is produced.
    let mut sources = Vec::new();
    let mut total = 0;
    for path in &a.files {
        let f = File::open(path)
            .map_err(|e| CliError::Invalid(format!("cannot read {}: {e}", path.display())))?;
        total += f.metadata().map(|m| m.len()).unwrap_or(0);
        sources.push(Source::File(path.clone(), f));
    }
    let typing = sources.is_empty() && io::stdin().is_terminal();
    let pb = if sources.is_empty() {
        if typing {
            eprintln!("reading records from stdin, one per line; Ctrl-D to finish");
        }
        progress(None, "{spinner} {msg}")
    } else {
        progress(
            Some(total),
            "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
        )
    };
    if sources.is_empty() {
        sources.push(Source::Stdin);
    }
    let template = RecordTemplate {
        key: a.key.clone(),
        key_separator: a.key_separator.clone(),
        partition: a.partition,
        headers: a.headers.clone(),
    };
    let (tx, mut rx) = mpsc::channel(2);
    let reader_pb = pb.clone();
    // A plain thread, not spawn_blocking: a read blocked on stdin must not keep the runtime
    // from shutting down when a produce fails.
    std::thread::spawn(move || read_batches(sources, template, typing, reader_pb, tx));

    let mut summary = Summary::default();
    while let Some(batch) = rx.recv().await {
        let records = batch.map_err(io_err)?;
        let req = ProduceRequest {
            topic: a.topic.clone(),
            records,
        };
        let r = client.produce(req).await;
        let r = match ctx.rpc(r) {
            Ok(r) => r,
            Err(e) => {
                pb.finish_and_clear();
                if summary.records > 0 {
                    eprintln!(
                        "produced {} records to {} before the error",
                        summary.records, a.topic
                    );
                }
                return Err(e);
            }
        };
        summary.add(&r.records);
        pb.set_message(format!("{} records", summary.records));
    }
    pb.finish_and_clear();
    let noun = if summary.records == 1 {
        "record"
    } else {
        "records"
    };
    eprintln!("produced {} {noun} to {}", summary.records, a.topic);
    if ctx.out.json() {
        ctx.out
            .print_json(&summary.to_json(&a.topic))
            .map_err(io_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_lose_their_line_ending_only() {
        assert_eq!(trim_eol(b"a b\n"), b"a b");
        assert_eq!(trim_eol(b"a\r\n"), b"a");
        assert_eq!(trim_eol(b"a\r"), b"a");
        assert_eq!(trim_eol(b"last"), b"last");
        assert_eq!(trim_eol(b"\n"), b"");
        assert_eq!(trim_eol(b"  \n"), b"  ");
    }

    #[test]
    fn template_with_fixed_key_partition_and_headers() {
        let t = RecordTemplate {
            key: Some("k1".into()),
            partition: Some(2),
            headers: vec![("h".into(), "v".into())],
            ..Default::default()
        };
        let r = t.record(b"value:with:colons");
        assert_eq!(r.key.as_deref(), Some(&b"k1"[..]));
        assert_eq!(r.value.as_deref(), Some(&b"value:with:colons"[..]));
        assert_eq!(r.partition, Some(2));
        assert_eq!(r.headers.len(), 1);
        assert_eq!(r.headers[0].value, b"v");
    }

    #[test]
    fn template_with_separator() {
        let t = RecordTemplate {
            key_separator: Some(":".into()),
            ..Default::default()
        };
        let r = t.record(b"user-1:{\"a\":1}");
        assert_eq!(r.key.as_deref(), Some(&b"user-1"[..]));
        assert_eq!(r.value.as_deref(), Some(&b"{\"a\":1}"[..]));
        assert_eq!(r.partition, None);
        let r = t.record(b"no separator");
        assert_eq!(r.key, None);
        assert_eq!(r.value.as_deref(), Some(&b"no separator"[..]));
    }

    #[test]
    fn summary_counts_per_partition() {
        let mut s = Summary::default();
        s.add(&[
            ProducedRecord {
                partition: 1,
                offset: 7,
            },
            ProducedRecord {
                partition: 0,
                offset: 3,
            },
            ProducedRecord {
                partition: 1,
                offset: 8,
            },
        ]);
        assert_eq!(
            s.to_json("t"),
            json!({"topic": "t", "records": 3, "partitions": {
                "0": {"records": 1, "first_offset": 3, "last_offset": 3},
                "1": {"records": 2, "first_offset": 7, "last_offset": 8},
            }})
        );
    }
}
