//! Kafka RecordBatch v2 headers: the only part of a batch the journal reads.
//!
//! The journal stores batches exactly as producers sent them; it parses the 61-byte header to
//! assign offsets, check the CRC and track producer sequences, and never touches the records.

use crate::error::{JournalError, Result};

/// Bytes before `batchLength` ends: baseOffset (8) + batchLength (4).
pub const LOG_OVERHEAD: usize = 12;
/// Size of a v2 batch header, up to and including the record count.
pub const HEADER_SIZE: usize = 61;
const MAGIC_POS: usize = 16;
const CRC_POS: usize = 17;
const ATTRIBUTES_POS: usize = 21;

const TRANSACTIONAL_FLAG: i16 = 0x10;
const CONTROL_FLAG: i16 = 0x20;
/// The attribute bits that name the compression codec.
pub const COMPRESSION_MASK: i16 = 0x07;

/// The fixed fields of a RecordBatch v2 header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchHeader {
    pub base_offset: i64,
    /// Length of the batch after the `batchLength` field.
    pub batch_length: i32,
    pub partition_leader_epoch: i32,
    pub magic: i8,
    pub crc: u32,
    pub attributes: i16,
    pub last_offset_delta: i32,
    pub base_timestamp: i64,
    pub max_timestamp: i64,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub record_count: i32,
}

fn be_i64(b: &[u8], at: usize) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    i64::from_be_bytes(a)
}
fn be_i32(b: &[u8], at: usize) -> i32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    i32::from_be_bytes(a)
}
fn be_i16(b: &[u8], at: usize) -> i16 {
    i16::from_be_bytes([b[at], b[at + 1]])
}

impl BatchHeader {
    /// Parses a header from the first [`HEADER_SIZE`] bytes of `b`, checking only the structure.
    pub fn parse(b: &[u8]) -> Result<Self> {
        if b.len() < HEADER_SIZE {
            return Err(JournalError::Corrupt(format!(
                "batch header needs {HEADER_SIZE} bytes, {} available",
                b.len()
            )));
        }
        let magic = b[MAGIC_POS] as i8;
        if magic != 2 {
            return Err(JournalError::UnsupportedMagic(magic));
        }
        let h = BatchHeader {
            base_offset: be_i64(b, 0),
            batch_length: be_i32(b, 8),
            partition_leader_epoch: be_i32(b, 12),
            magic,
            crc: be_i32(b, CRC_POS) as u32,
            attributes: be_i16(b, ATTRIBUTES_POS),
            last_offset_delta: be_i32(b, 23),
            base_timestamp: be_i64(b, 27),
            max_timestamp: be_i64(b, 35),
            producer_id: be_i64(b, 43),
            producer_epoch: be_i16(b, 51),
            base_sequence: be_i32(b, 53),
            record_count: be_i32(b, 57),
        };
        if (h.batch_length as i64) < (HEADER_SIZE - LOG_OVERHEAD) as i64 {
            return Err(JournalError::Corrupt(format!(
                "batch length {} is too small",
                h.batch_length
            )));
        }
        if h.last_offset_delta < 0 || h.record_count < 0 {
            return Err(JournalError::Corrupt(format!(
                "negative last offset delta {} or record count {}",
                h.last_offset_delta, h.record_count
            )));
        }
        Ok(h)
    }

    /// Total size on disk and on the wire, including the 12-byte log overhead.
    pub fn total_size(&self) -> usize {
        self.batch_length as usize + LOG_OVERHEAD
    }
    pub fn last_offset(&self) -> i64 {
        self.base_offset + self.last_offset_delta as i64
    }
    pub fn is_transactional(&self) -> bool {
        self.attributes & TRANSACTIONAL_FLAG != 0
    }
    pub fn is_control(&self) -> bool {
        self.attributes & CONTROL_FLAG != 0
    }
    /// The compression codec (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd).
    pub fn compression(&self) -> i16 {
        self.attributes & COMPRESSION_MASK
    }
    pub fn has_producer_id(&self) -> bool {
        self.producer_id >= 0
    }
    /// Sequence number of the last record, wrapping like Kafka's at `i32::MAX`.
    pub fn last_sequence(&self) -> i32 {
        let last = self.base_sequence as i64 + self.last_offset_delta as i64;
        if last > i32::MAX as i64 {
            (last - i32::MAX as i64 - 1) as i32
        } else {
            last as i32
        }
    }
}

/// Checks the CRC-32C of one complete batch (`batch.len() == header.total_size()`).
pub fn verify_crc(header: &BatchHeader, batch: &[u8]) -> Result<()> {
    let computed = crc32c::crc32c(&batch[ATTRIBUTES_POS..]);
    if computed != header.crc {
        return Err(JournalError::CrcMismatch {
            expected: header.crc,
            computed,
        });
    }
    Ok(())
}

/// Rewrites the base offset in place. The CRC does not cover it, so the batch stays valid.
pub fn set_base_offset(batch: &mut [u8], base_offset: i64) {
    batch[0..8].copy_from_slice(&base_offset.to_be_bytes());
}

/// Walks the complete batches at the start of `buf`, returning each header and its start position.
/// Stops at the first incomplete or malformed batch; the second value is where it stopped.
pub fn scan(buf: &[u8]) -> (Vec<(usize, BatchHeader)>, usize) {
    let mut out = Vec::new();
    let mut pos = 0;
    while buf.len() - pos >= HEADER_SIZE {
        let Ok(h) = BatchHeader::parse(&buf[pos..]) else {
            break;
        };
        if buf.len() - pos < h.total_size() {
            break;
        }
        out.push((pos, h));
        pos += h.total_size();
    }
    (out, pos)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use bytes::BytesMut;
    use kafka_protocol::records::{
        Compression, Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
    };

    /// Builds a real v2 batch with the kafka-protocol encoder (an independent implementation).
    pub fn make_batch(n: usize, ts: i64, producer: Option<(i64, i16, i32)>) -> Vec<u8> {
        let (pid, epoch, seq) = producer.unwrap_or((-1, -1, -1));
        let records: Vec<Record> = (0..n)
            .map(|i| Record {
                transactional: false,
                control: false,
                delete_horizon: false,
                partition_leader_epoch: 0,
                producer_id: pid,
                producer_epoch: epoch,
                timestamp_type: TimestampType::Creation,
                offset: i as i64,
                // Sequences must run with offsets for the encoder to keep one batch.
                sequence: seq.wrapping_add(i as i32),
                timestamp: ts + i as i64,
                key: Some(bytes::Bytes::from(format!("k{i}"))),
                value: Some(bytes::Bytes::from(vec![i as u8; 10])),
                headers: Default::default(),
            })
            .collect();
        let mut buf = BytesMut::new();
        RecordBatchEncoder::encode(
            &mut buf,
            &records,
            &RecordEncodeOptions {
                version: 2,
                compression: Compression::None,
            },
        )
        .expect("encode");
        buf.to_vec()
    }

    #[test]
    fn parses_encoder_output_and_checks_crc() {
        let b = make_batch(3, 1000, Some((7, 1, 5)));
        let h = BatchHeader::parse(&b).unwrap();
        assert_eq!(h.total_size(), b.len());
        assert_eq!(h.last_offset_delta, 2);
        assert_eq!(h.record_count, 3);
        assert_eq!(h.max_timestamp, 1002);
        assert_eq!(
            (h.producer_id, h.producer_epoch, h.base_sequence),
            (7, 1, 5)
        );
        assert_eq!(h.last_sequence(), 7);
        verify_crc(&h, &b).unwrap();
    }

    #[test]
    fn base_offset_rewrite_keeps_crc_and_flipped_byte_fails() {
        let mut b = make_batch(2, 0, None);
        set_base_offset(&mut b, 42);
        let h = BatchHeader::parse(&b).unwrap();
        assert_eq!(h.base_offset, 42);
        verify_crc(&h, &b).unwrap();
        let last = b.len() - 1;
        b[last] ^= 0xff;
        assert!(matches!(
            verify_crc(&h, &b),
            Err(JournalError::CrcMismatch { .. })
        ));
    }

    #[test]
    fn last_sequence_wraps() {
        let mut b = make_batch(3, 0, Some((1, 0, 0)));
        b[53..57].copy_from_slice(&(i32::MAX - 1).to_be_bytes());
        let h = BatchHeader::parse(&b).unwrap();
        assert_eq!(h.last_sequence(), 0);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = BatchHeader::parse(&data);
            let (batches, end) = scan(&data);
            proptest::prop_assert!(end <= data.len());
            for (pos, h) in batches { proptest::prop_assert!(pos + h.total_size() <= data.len()); }
        }
    }
}
