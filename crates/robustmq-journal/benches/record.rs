//! Writing and reading one batch of 512 MQTT-like records (100 B payload, a topic key, two
//! headers): our record codec against kafka-protocol's, which the MQTT path used before.
//! `cargo bench -p robustmq-journal --bench record`

use bytes::{Bytes, BytesMut};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kafka_protocol::indexmap::IndexMap;
use kafka_protocol::protocol::StrBytes;
use kafka_protocol::records::{
    Compression, Record, RecordBatchDecoder, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
};
use robustmq_journal::record::{read_batch, BatchWriter, Records};

const N: usize = 512;
const PAYLOAD: [u8; 100] = [7; 100];

fn ours() -> Vec<u8> {
    let mut w = BatchWriter::new(1_700_000_000_000);
    for i in 0..N {
        w.header("mqtt.qos", Some(b"1"));
        w.header("mqtt.client_id", Some(b"sensor-0042"));
        w.record(
            1_700_000_000_000 + i as i64,
            Some(b"sensors/42/temp"),
            Some(&PAYLOAD),
        );
    }
    w.finish()
}

fn theirs() -> Vec<u8> {
    let records: Vec<Record> = (0..N)
        .map(|i| {
            let mut headers = IndexMap::new();
            headers.insert(
                StrBytes::from_string("mqtt.qos".to_string()),
                Some(Bytes::from("1")),
            );
            headers.insert(
                StrBytes::from_string("mqtt.client_id".to_string()),
                Some(Bytes::from("sensor-0042".to_string())),
            );
            Record {
                transactional: false,
                control: false,
                delete_horizon: false,
                partition_leader_epoch: -1,
                producer_id: -1,
                producer_epoch: -1,
                timestamp_type: TimestampType::Creation,
                offset: i as i64,
                sequence: -1,
                timestamp: 1_700_000_000_000 + i as i64,
                key: Some(Bytes::from("sensors/42/temp".to_string())),
                value: Some(Bytes::copy_from_slice(&PAYLOAD)),
                headers,
            }
        })
        .collect();
    let mut buf = BytesMut::new();
    let options = RecordEncodeOptions {
        version: 2,
        compression: Compression::None,
    };
    RecordBatchEncoder::encode(&mut buf, records.iter(), &options).expect("encodes");
    Vec::from(buf)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("batch of 512 records");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("write: robustmq record", |b| b.iter(ours));
    g.bench_function("write: kafka-protocol", |b| b.iter(theirs));
    let batch = ours();
    g.bench_function("read: robustmq record", |b| {
        b.iter(|| match read_batch(&batch) {
            Ok(Records::Plain(r)) => r.len(),
            _ => 0,
        })
    });
    g.bench_function("read: kafka-protocol", |b| {
        b.iter(|| {
            let mut bytes = Bytes::copy_from_slice(&batch);
            RecordBatchDecoder::decode(&mut bytes)
                .map(|s| s.records.len())
                .unwrap_or(0)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
