//! What happens to appended batches before they are stored, as Kafka's log validator does it:
//! timestamps outside the topic's bounds are refused, `message.timestamp.type=LogAppendTime`
//! stamps the broker's clock, and `compression.type` recompresses. Pure functions over bytes,
//! run before the partition lock is taken (recompression is CPU work).

use std::io::Write;

use crate::batch::{self, BatchHeader, COMPRESSION_MASK, HEADER_SIZE, LOG_OVERHEAD};
use crate::decompress::plain_batch;
use crate::error::{JournalError, Result};
use crate::LogConfig;

const ATTRIBUTES_POS: usize = 21;
const MAX_TIMESTAMP_POS: usize = 35;
const LOG_APPEND_TIME_FLAG: i16 = 0x08;
/// Decompressed bytes one batch may reach while it is recompressed. A batch within
/// `max.message.bytes` may legitimately inflate past it; this bounds what one batch can cost.
const RECOMPRESS_CAP: usize = 64 * 1024 * 1024;
/// snappy-java's stream header, version 1, compatible with 1 (as Kafka's Java clients write).
const XERIAL_HEADER: &[u8; 16] = b"\x82SNAPPY\x00\x00\x00\x00\x01\x00\x00\x00\x01";
/// Uncompressed bytes per snappy-java block.
const SNAPPY_BLOCK: usize = 32 * 1024;

/// A topic's `compression.type`, with the level its codec uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TopicCompression {
    /// Batches are kept as the producer compressed them.
    #[default]
    Producer,
    Uncompressed,
    /// `compression.gzip.level`: 1 to 9, or -1 for the codec's default (6).
    Gzip(i32),
    Snappy,
    /// `compression.lz4.level`: 1 to 17.
    Lz4(i32),
    /// `compression.zstd.level`: -131072 to 22.
    Zstd(i32),
}

impl TopicCompression {
    /// The batch attribute codec this setting stores, or `None` for `producer`.
    pub fn codec(&self) -> Option<i16> {
        match self {
            TopicCompression::Producer => None,
            TopicCompression::Uncompressed => Some(0),
            TopicCompression::Gzip(_) => Some(1),
            TopicCompression::Snappy => Some(2),
            TopicCompression::Lz4(_) => Some(3),
            TopicCompression::Zstd(_) => Some(4),
        }
    }
}

/// `message.timestamp.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimestampType {
    /// Producer timestamps are stored as sent.
    #[default]
    CreateTime,
    /// The broker's clock at append time replaces them (the batch's max timestamp).
    LogAppendTime,
}

/// Batches ready to be appended.
#[derive(Debug)]
pub struct Prepared {
    pub data: Vec<u8>,
    /// The time stamped on every batch under `LogAppendTime`.
    pub log_append_time: Option<i64>,
}

/// Applies the topic's timestamp and compression settings to `data` (whole RecordBatch v2
/// batches). Data that does not parse as whole batches is passed on unchanged: the append
/// refuses it with the precise reason. Control batches are left alone.
pub fn prepare(data: Vec<u8>, config: &LogConfig, now_ms: i64) -> Result<Prepared> {
    let (headers, parsed) = batch::scan(&data);
    if parsed != data.len() || headers.is_empty() {
        return Ok(Prepared {
            data,
            log_append_time: None,
        });
    }
    let stamp = config.timestamp_type == TimestampType::LogAppendTime;
    let target = config.compression.codec();
    let mut changed = false;
    for (_, h) in headers.iter().filter(|(_, h)| !h.is_control()) {
        if !stamp {
            check_timestamps(h, config, now_ms)?;
        }
        changed |= stamp || target.is_some_and(|c| c != h.compression());
    }
    let log_append_time = stamp.then_some(now_ms);
    if !changed {
        return Ok(Prepared {
            data,
            log_append_time,
        });
    }
    let mut out = Vec::with_capacity(data.len());
    for (pos, h) in &headers {
        let one = &data[*pos..*pos + h.total_size()];
        if h.is_control() {
            out.extend_from_slice(one);
            continue;
        }
        let start = out.len();
        match target.filter(|&c| c != h.compression()) {
            Some(codec) => {
                batch::verify_crc(h, one)?;
                recompress(one, codec, config, &mut out)?;
            }
            None => out.extend_from_slice(one),
        }
        if stamp {
            let b = &mut out[start..];
            let attributes = (h.attributes & !LOG_APPEND_TIME_FLAG & !COMPRESSION_MASK)
                | (i16::from_be_bytes([b[ATTRIBUTES_POS], b[ATTRIBUTES_POS + 1]])
                    & COMPRESSION_MASK)
                | LOG_APPEND_TIME_FLAG;
            b[ATTRIBUTES_POS..ATTRIBUTES_POS + 2].copy_from_slice(&attributes.to_be_bytes());
            b[MAX_TIMESTAMP_POS..MAX_TIMESTAMP_POS + 8].copy_from_slice(&now_ms.to_be_bytes());
        }
        set_crc(&mut out[start..]);
    }
    Ok(Prepared {
        data: out,
        log_append_time,
    })
}

/// `message.timestamp.before.max.ms` / `after.max.ms`, checked on the batch's first and
/// largest timestamps (its header; records carry deltas from the first).
fn check_timestamps(h: &BatchHeader, config: &LogConfig, now_ms: i64) -> Result<()> {
    let earliest = now_ms.saturating_sub(config.timestamp_before_max_ms);
    let latest = now_ms.saturating_add(config.timestamp_after_max_ms);
    for ts in [h.base_timestamp, h.max_timestamp] {
        // -1 is "no timestamp", which Kafka does not check either.
        if ts >= 0 && ts < earliest {
            return Err(JournalError::InvalidTimestamp(format!(
                "timestamp {ts} is more than message.timestamp.before.max.ms={} before the broker's time {now_ms}",
                config.timestamp_before_max_ms
            )));
        }
        if ts > latest {
            return Err(JournalError::InvalidTimestamp(format!(
                "timestamp {ts} is more than message.timestamp.after.max.ms={} after the broker's time {now_ms}",
                config.timestamp_after_max_ms
            )));
        }
    }
    Ok(())
}

/// Appends `one` to `out` with its records in `codec`; the CRC is left for the caller.
fn recompress(one: &[u8], codec: i16, config: &LogConfig, out: &mut Vec<u8>) -> Result<()> {
    let limit = config.max_message_bytes.max(RECOMPRESS_CAP);
    let plain = plain_batch(one, limit)?;
    // The new CRC would vouch for whatever the records hold: check they are well formed.
    crate::record::read_batch(&plain)?;
    let start = out.len();
    out.extend_from_slice(&plain[..HEADER_SIZE]);
    let records = &plain[HEADER_SIZE..];
    compress(records, config.compression, out)?;
    let attributes = (i16::from_be_bytes([plain[ATTRIBUTES_POS], plain[ATTRIBUTES_POS + 1]])
        & !COMPRESSION_MASK)
        | codec;
    out[start + ATTRIBUTES_POS..start + ATTRIBUTES_POS + 2]
        .copy_from_slice(&attributes.to_be_bytes());
    let length = i32::try_from(out.len() - start - LOG_OVERHEAD)
        .map_err(|_| JournalError::Corrupt("recompressed batch longer than 2 GiB".into()))?;
    out[start + 8..start + 12].copy_from_slice(&length.to_be_bytes());
    Ok(())
}

/// Appends `records` compressed as `how` says to `out`.
pub fn compress(records: &[u8], how: TopicCompression, out: &mut Vec<u8>) -> Result<()> {
    let io = |e: std::io::Error| JournalError::Io(e);
    match how {
        TopicCompression::Producer | TopicCompression::Uncompressed => {
            out.extend_from_slice(records)
        }
        TopicCompression::Gzip(level) => {
            let level = match level {
                1..=9 => flate2::Compression::new(level as u32),
                _ => flate2::Compression::default(),
            };
            let mut e = flate2::write::GzEncoder::new(std::mem::take(out), level);
            e.write_all(records).map_err(io)?;
            *out = e.finish().map_err(io)?;
        }
        TopicCompression::Snappy => {
            out.extend_from_slice(XERIAL_HEADER);
            let mut enc = snap::raw::Encoder::new();
            for chunk in records.chunks(SNAPPY_BLOCK) {
                let block = enc
                    .compress_vec(chunk)
                    .map_err(|e| JournalError::Io(std::io::Error::other(e)))?;
                let len = u32::try_from(block.len()).unwrap_or(u32::MAX);
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(&block);
            }
        }
        TopicCompression::Lz4(level) => {
            // Kafka's Java clients read each block on its own, with no content checksum.
            let mut e = lz4::EncoderBuilder::new()
                .level(level.clamp(0, 16) as u32)
                .block_size(lz4::BlockSize::Max64KB)
                .block_mode(lz4::BlockMode::Independent)
                .block_checksum(lz4::liblz4::BlockChecksum::NoBlockChecksum)
                .checksum(lz4::ContentChecksum::NoChecksum)
                .build(std::mem::take(out))
                .map_err(io)?;
            e.write_all(records).map_err(io)?;
            let (w, r) = e.finish();
            r.map_err(io)?;
            *out = w;
        }
        TopicCompression::Zstd(level) => {
            let mut e =
                zstd::stream::write::Encoder::new(std::mem::take(out), level).map_err(io)?;
            e.write_all(records).map_err(io)?;
            *out = e.finish().map_err(io)?;
        }
    }
    Ok(())
}

/// Recomputes the CRC-32C of one whole batch (it covers the attributes to the end).
fn set_crc(b: &mut [u8]) {
    let crc = crc32c::crc32c(&b[ATTRIBUTES_POS..]);
    b[17..21].copy_from_slice(&crc.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use bytes::{Bytes, BytesMut};
    use kafka_protocol::records::{
        Compression, Record, RecordBatchDecoder, RecordBatchEncoder, RecordEncodeOptions,
        TimestampType as KTimestampType,
    };

    use super::*;

    fn records(n: usize, ts: i64) -> Vec<Record> {
        (0..n)
            .map(|i| Record {
                transactional: false,
                control: false,
                delete_horizon: false,
                partition_leader_epoch: 0,
                producer_id: 7,
                producer_epoch: 1,
                timestamp_type: KTimestampType::Creation,
                offset: i as i64,
                sequence: i as i32,
                timestamp: ts + i as i64,
                key: Some(Bytes::from(format!("k{i}"))),
                value: Some(Bytes::from("abc".repeat(100 + i))),
                headers: Default::default(),
            })
            .collect()
    }

    fn encode(rs: &[Record], compression: Compression) -> Vec<u8> {
        let mut buf = BytesMut::new();
        let options = RecordEncodeOptions {
            version: 2,
            compression,
        };
        RecordBatchEncoder::encode(&mut buf, rs, &options).unwrap();
        buf.to_vec()
    }

    fn decode(data: Vec<u8>) -> Vec<Record> {
        let mut b = Bytes::from(data);
        RecordBatchDecoder::decode_all(&mut b)
            .unwrap()
            .into_iter()
            .flat_map(|s| s.records)
            .collect()
    }

    fn config(compression: TopicCompression) -> LogConfig {
        LogConfig {
            compression,
            ..LogConfig::default()
        }
    }

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn every_codec_recompresses_into_every_other_readable_by_kafka_protocol() {
        let rs = records(20, NOW - 1000);
        let sources = [
            Compression::None,
            Compression::Gzip,
            Compression::Snappy,
            Compression::Lz4,
            Compression::Zstd,
        ];
        let targets = [
            (TopicCompression::Uncompressed, 0),
            (TopicCompression::Gzip(-1), 1),
            (TopicCompression::Gzip(9), 1),
            (TopicCompression::Snappy, 2),
            (TopicCompression::Lz4(9), 3),
            (TopicCompression::Lz4(17), 3),
            (TopicCompression::Zstd(3), 4),
            (TopicCompression::Zstd(-5), 4),
        ];
        for source in sources {
            for (target, codec) in targets {
                let data = encode(&rs, source);
                let p = prepare(data, &config(target), NOW).unwrap();
                let h = BatchHeader::parse(&p.data).unwrap();
                assert_eq!(h.compression(), codec, "{source:?} -> {target:?}");
                assert_eq!(p.data.len(), h.total_size());
                batch::verify_crc(&h, &p.data).unwrap();
                let got = decode(p.data);
                assert_eq!(got.len(), rs.len());
                for (g, w) in got.iter().zip(&rs) {
                    assert_eq!(
                        (&g.key, &g.value, g.timestamp),
                        (&w.key, &w.value, w.timestamp)
                    );
                    assert_eq!(
                        (g.producer_id, g.producer_epoch, g.sequence),
                        (7, 1, w.sequence)
                    );
                }
            }
        }
    }

    #[test]
    fn producer_and_the_same_codec_keep_the_bytes() {
        for (source, target) in [
            (Compression::Gzip, TopicCompression::Producer),
            (Compression::Gzip, TopicCompression::Gzip(1)),
            (Compression::None, TopicCompression::Uncompressed),
        ] {
            let data = encode(&records(5, NOW), source);
            let p = prepare(data.clone(), &config(target), NOW).unwrap();
            assert_eq!(p.data, data);
            assert_eq!(p.log_append_time, None);
        }
    }

    #[test]
    fn several_batches_are_each_recompressed() {
        let mut data = encode(&records(3, NOW), Compression::None);
        data.extend(encode(&records(4, NOW), Compression::Snappy));
        let p = prepare(data, &config(TopicCompression::Zstd(3)), NOW).unwrap();
        let (headers, end) = batch::scan(&p.data);
        assert_eq!(end, p.data.len());
        assert_eq!(headers.len(), 2);
        assert!(headers.iter().all(|(_, h)| h.compression() == 4));
        assert_eq!(decode(p.data).len(), 7);
    }

    #[test]
    fn a_bad_crc_is_not_made_good_by_recompression() {
        let mut data = encode(&records(3, NOW), Compression::None);
        let last = data.len() - 1;
        data[last] ^= 0xff;
        let err = prepare(data, &config(TopicCompression::Gzip(-1)), NOW).unwrap_err();
        assert!(matches!(err, JournalError::CrcMismatch { .. }), "{err}");
    }

    #[test]
    fn log_append_time_stamps_the_batch() {
        let c = LogConfig {
            timestamp_type: TimestampType::LogAppendTime,
            ..config(TopicCompression::Lz4(9))
        };
        // Even a timestamp far in the future: LogAppendTime replaces it, nothing is checked.
        let data = encode(&records(3, NOW + 10 * 3_600_000), Compression::None);
        let p = prepare(data, &c, NOW).unwrap();
        assert_eq!(p.log_append_time, Some(NOW));
        let h = BatchHeader::parse(&p.data).unwrap();
        batch::verify_crc(&h, &p.data).unwrap();
        assert_eq!((h.max_timestamp, h.compression()), (NOW, 3));
        // Clients take every record's timestamp from the batch's max timestamp (above).
        let got = decode(p.data);
        assert!(got
            .iter()
            .all(|r| r.timestamp_type == KTimestampType::LogAppend));
    }

    #[test]
    fn timestamps_outside_the_bounds_are_refused() {
        let c = LogConfig {
            timestamp_before_max_ms: 60_000,
            timestamp_after_max_ms: 1_000,
            ..LogConfig::default()
        };
        let ok = encode(&records(3, NOW - 59_000), Compression::None);
        assert!(prepare(ok, &c, NOW).is_ok());
        let old = encode(&records(3, NOW - 61_000), Compression::None);
        let err = prepare(old, &c, NOW).unwrap_err();
        assert!(matches!(err, JournalError::InvalidTimestamp(_)), "{err}");
        let future = encode(&records(3, NOW + 5_000), Compression::Gzip);
        let err = prepare(future, &c, NOW).unwrap_err();
        assert!(matches!(err, JournalError::InvalidTimestamp(_)), "{err}");
    }

    #[test]
    fn what_does_not_parse_is_passed_on() {
        let data = vec![1, 2, 3];
        let p = prepare(data.clone(), &config(TopicCompression::Gzip(-1)), NOW).unwrap();
        assert_eq!(p.data, data);
    }
}
