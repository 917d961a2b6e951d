//! Bounded decompression of RecordBatch v2 records.
//!
//! kafka-protocol decompresses with no output limit, so a few KiB of zstd can ask for
//! gigabytes. Here every codec stops one byte past `limit` (the topic's `max.message.bytes`)
//! and the batch is refused with [`JournalError::DecompressedTooLarge`]. The result is an
//! uncompressed batch with the same header, so [`crate::record::read_batch`] reads it.

use std::borrow::Cow;
use std::io::Read;

use crate::batch::{BatchHeader, COMPRESSION_MASK, HEADER_SIZE, LOG_OVERHEAD};
use crate::error::{JournalError, Result};

const ATTRIBUTES_POS: usize = 21;
/// snappy-java's stream header (Kafka's Java clients frame snappy this way).
const XERIAL_MAGIC: &[u8; 8] = b"\x82SNAPPY\x00";
const XERIAL_HEADER: usize = 16;

/// `batch` as an uncompressed batch: borrowed when it is not compressed, otherwise its records
/// decompressed (at most `limit` bytes) behind a copy of its header with the compression bits
/// cleared. The CRC is left as it was: it covered the compressed form, already checked.
pub fn plain_batch(batch: &[u8], limit: usize) -> Result<Cow<'_, [u8]>> {
    let h = BatchHeader::parse(batch)?;
    let end = h.total_size();
    if batch.len() < end {
        return Err(corrupt(format!(
            "batch of {end} bytes, {} available",
            batch.len()
        )));
    }
    let codec = h.compression();
    if codec == 0 {
        return Ok(Cow::Borrowed(&batch[..end]));
    }
    let data = &batch[HEADER_SIZE..end];
    let mut out = Vec::with_capacity(HEADER_SIZE + data.len().saturating_mul(4).min(limit));
    out.extend_from_slice(&batch[..HEADER_SIZE]);
    match codec {
        1 => read_capped(flate2::read::GzDecoder::new(data), limit, &mut out)?,
        2 => snappy(data, limit, &mut out)?,
        3 => {
            let d = lz4::Decoder::new(data).map_err(|e| corrupt(format!("lz4: {e}")))?;
            read_capped(d, limit, &mut out)?
        }
        4 => {
            let d = zstd::stream::read::Decoder::with_buffer(data)
                .map_err(|e| corrupt(format!("zstd: {e}")))?;
            read_capped(d, limit, &mut out)?
        }
        other => return Err(corrupt(format!("unknown compression codec {other}"))),
    }
    let attributes = h.attributes & !COMPRESSION_MASK;
    out[ATTRIBUTES_POS..ATTRIBUTES_POS + 2].copy_from_slice(&attributes.to_be_bytes());
    let length = i32::try_from(out.len() - LOG_OVERHEAD)
        .map_err(|_| corrupt("decompressed batch longer than 2 GiB".into()))?;
    out[8..12].copy_from_slice(&length.to_be_bytes());
    Ok(Cow::Owned(out))
}

/// Checks that `batch` decompresses within `limit` and that every record in it is well formed
/// (counts agree with the bytes), so a later decoder that trusts counts cannot be made to
/// reserve memory the data does not justify.
pub fn check_batch(batch: &[u8], limit: usize) -> Result<()> {
    let plain = plain_batch(batch, limit)?;
    crate::record::read_batch(&plain).map(drop)
}

fn corrupt(what: String) -> JournalError {
    JournalError::Corrupt(format!("cannot decompress records: {what}"))
}

fn too_large(limit: usize) -> JournalError {
    JournalError::DecompressedTooLarge { limit }
}

/// Appends what `r` yields to `out`, failing once more than `limit` bytes come out.
fn read_capped(r: impl Read, limit: usize, out: &mut Vec<u8>) -> Result<()> {
    let start = out.len();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    r.take(cap)
        .read_to_end(out)
        .map_err(|e| corrupt(e.to_string()))?;
    if out.len() - start > limit {
        return Err(too_large(limit));
    }
    Ok(())
}

/// Raw snappy, or snappy-java's framing (a 16-byte header, then blocks each prefixed by a
/// 4-byte big-endian length), as Kafka's brokers accept both.
fn snappy(data: &[u8], limit: usize, out: &mut Vec<u8>) -> Result<()> {
    if !data.starts_with(XERIAL_MAGIC) {
        return snappy_block(data, limit, out);
    }
    let mut rest = data
        .get(XERIAL_HEADER..)
        .ok_or_else(|| corrupt("snappy stream header cut short".into()))?;
    let start = out.len();
    while !rest.is_empty() {
        let (len, tail) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| corrupt("snappy block length cut short".into()))?;
        let len = u32::from_be_bytes(*len) as usize;
        let block = tail
            .get(..len)
            .ok_or_else(|| corrupt("snappy block cut short".into()))?;
        let room = limit.saturating_sub(out.len() - start);
        snappy_block(block, room, out).map_err(|e| match e {
            JournalError::DecompressedTooLarge { .. } => too_large(limit),
            e => e,
        })?;
        rest = &tail[len..];
    }
    Ok(())
}

fn snappy_block(block: &[u8], limit: usize, out: &mut Vec<u8>) -> Result<()> {
    let n = snap::raw::decompress_len(block).map_err(|e| corrupt(format!("snappy: {e}")))?;
    if n > limit {
        return Err(too_large(limit));
    }
    let at = out.len();
    out.resize(at + n, 0);
    snap::raw::Decoder::new()
        .decompress(block, &mut out[at..])
        .map_err(|e| corrupt(format!("snappy: {e}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;
    use kafka_protocol::records::{
        Compression, Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
    };

    use super::*;
    use crate::record::{read_batch, Records};

    fn batch(compression: Compression, values: &[Vec<u8>]) -> Vec<u8> {
        let records: Vec<Record> = values
            .iter()
            .enumerate()
            .map(|(i, v)| Record {
                transactional: false,
                control: false,
                delete_horizon: false,
                partition_leader_epoch: 0,
                producer_id: -1,
                producer_epoch: -1,
                timestamp_type: TimestampType::Creation,
                offset: i as i64,
                sequence: -1,
                timestamp: 1000 + i as i64,
                key: Some(format!("k{i}").into_bytes().into()),
                value: Some(v.clone().into()),
                headers: Default::default(),
            })
            .collect();
        let mut buf = BytesMut::new();
        let options = RecordEncodeOptions {
            version: 2,
            compression,
        };
        RecordBatchEncoder::encode(&mut buf, &records, &options).unwrap();
        buf.to_vec()
    }

    #[test]
    fn every_codec_decompresses_to_the_records_it_holds() {
        let values = vec![b"hello".to_vec(), vec![7u8; 5000], Vec::new()];
        for c in [
            Compression::Gzip,
            Compression::Snappy,
            Compression::Lz4,
            Compression::Zstd,
            Compression::None,
        ] {
            // The encoder may split the records over several batches.
            let all = batch(c, &values);
            let mut got = Vec::new();
            for (pos, h) in crate::batch::scan(&all).0 {
                let b = &all[pos..pos + h.total_size()];
                check_batch(b, 1 << 20).unwrap();
                let plain = plain_batch(b, 1 << 20).unwrap();
                let Records::Plain(recs) = read_batch(&plain).unwrap() else {
                    panic!("{c:?}: still compressed");
                };
                got.extend(
                    recs.iter()
                        .map(|r| (r.offset, r.timestamp, r.value.unwrap().to_vec())),
                );
            }
            let want: Vec<(i64, i64, Vec<u8>)> = (0..)
                .zip(&values)
                .map(|(i, v)| (i, 1000 + i, v.clone()))
                .collect();
            assert_eq!(got, want, "{c:?}");
        }
    }

    #[test]
    fn output_past_the_limit_is_refused_for_every_codec() {
        // 4 MiB of zeros compress to a few KiB: the classic bomb.
        let values = vec![vec![0u8; 4 << 20]];
        for c in [
            Compression::Gzip,
            Compression::Snappy,
            Compression::Lz4,
            Compression::Zstd,
        ] {
            let b = batch(c, &values);
            assert!(b.len() < 1 << 20, "{c:?}: {} bytes", b.len());
            match plain_batch(&b, 1 << 20) {
                Err(JournalError::DecompressedTooLarge { limit }) => assert_eq!(limit, 1 << 20),
                other => panic!("{c:?}: {:?}", other.map(|p| p.len())),
            }
            assert!(plain_batch(&b, 5 << 20).is_ok(), "{c:?}");
        }
    }

    #[test]
    fn raw_snappy_is_read_too() {
        let mut b = batch(Compression::None, &[b"raw".to_vec()]);
        let records = b.split_off(HEADER_SIZE);
        let compressed = snap::raw::Encoder::new().compress_vec(&records).unwrap();
        b.extend_from_slice(&compressed);
        let len = (b.len() - LOG_OVERHEAD) as i32;
        b[8..12].copy_from_slice(&len.to_be_bytes());
        b[ATTRIBUTES_POS..ATTRIBUTES_POS + 2].copy_from_slice(&2i16.to_be_bytes());
        let plain = plain_batch(&b, 1024).unwrap();
        let Records::Plain(recs) = read_batch(&plain).unwrap() else {
            panic!("still compressed");
        };
        assert_eq!(recs[0].value, Some(&b"raw"[..]));
        assert!(matches!(
            plain_batch(&b, 10),
            Err(JournalError::DecompressedTooLarge { .. })
        ));
    }

    #[test]
    fn a_header_count_the_bytes_cannot_hold_is_corrupt() {
        let mut b = batch(Compression::None, &[b"v".to_vec()]);
        // The record's last byte is its header count (0); claim 2^30 headers instead.
        let last = b.len() - 1;
        b[last] = 0x80;
        b.extend_from_slice(&[0x80, 0x80, 0x80, 0x08]);
        let rec_len_pos = HEADER_SIZE;
        b[rec_len_pos] += 8; // zigzag varint: +4 bytes of record length
        let len = (b.len() - LOG_OVERHEAD) as i32;
        b[8..12].copy_from_slice(&len.to_be_bytes());
        assert!(matches!(
            check_batch(&b, 1 << 20),
            Err(JournalError::Corrupt(_))
        ));
    }
}
