//! The records inside uncompressed RecordBatch v2 batches: a writer and a reader.
//!
//! kafka-protocol's `Record` keys headers by name in a map, which loses repeated header names
//! (Kafka allows them, MQTT user properties repeat) and costs a map and owned strings per
//! record. These work on bytes: headers stay in wire order, the writer reuses its buffers and
//! the reader borrows from the batch. Compressed batches are left to kafka-protocol.

use crate::batch::{BatchHeader, HEADER_SIZE};
use crate::error::{JournalError, Result};

const CONTROL_FLAG: i16 = 0x20;

/// Builds one uncompressed v2 batch (create-time timestamps, no producer id).
pub struct BatchWriter {
    buf: Vec<u8>,
    count: i32,
    base_timestamp: i64,
    max_timestamp: i64,
    /// Headers of the record being built, encoded.
    headers: Vec<u8>,
    header_count: i32,
}

impl BatchWriter {
    /// `base_timestamp` is the first record's timestamp (the others are stored as deltas).
    pub fn new(base_timestamp: i64) -> BatchWriter {
        let mut buf = Vec::with_capacity(1024);
        buf.resize(HEADER_SIZE, 0);
        BatchWriter {
            buf,
            count: 0,
            base_timestamp,
            max_timestamp: base_timestamp,
            headers: Vec::new(),
            header_count: 0,
        }
    }

    /// Adds a header to the next record written by [`BatchWriter::record`].
    pub fn header(&mut self, key: &str, value: Option<&[u8]>) {
        put_bytes(&mut self.headers, Some(key.as_bytes()));
        put_bytes(&mut self.headers, value);
        self.header_count += 1;
    }

    /// Writes a record with the headers added since the previous one.
    pub fn record(&mut self, timestamp: i64, key: Option<&[u8]>, value: Option<&[u8]>) {
        let mut fixed = [0u8; 1 + 10 + 5];
        let mut n = 1; // attributes: 0
        n += write_varlong(&mut fixed[n..], timestamp - self.base_timestamp);
        n += write_varlong(&mut fixed[n..], i64::from(self.count));
        let body = n
            + bytes_len(key)
            + bytes_len(value)
            + varlong_len(i64::from(self.header_count))
            + self.headers.len();
        put_varlong(&mut self.buf, body as i64);
        self.buf.extend_from_slice(&fixed[..n]);
        put_bytes(&mut self.buf, key);
        put_bytes(&mut self.buf, value);
        put_varlong(&mut self.buf, i64::from(self.header_count));
        self.buf.extend_from_slice(&self.headers);
        self.headers.clear();
        self.header_count = 0;
        self.count += 1;
        self.max_timestamp = self.max_timestamp.max(timestamp);
    }

    /// The batch, ready to append (base offset 0: the journal assigns offsets).
    pub fn finish(mut self) -> Vec<u8> {
        let b = &mut self.buf;
        let len = (b.len() - crate::batch::LOG_OVERHEAD) as i32;
        b[0..8].copy_from_slice(&0i64.to_be_bytes());
        b[8..12].copy_from_slice(&len.to_be_bytes());
        b[12..16].copy_from_slice(&(-1i32).to_be_bytes());
        b[16] = 2;
        b[21..23].copy_from_slice(&0i16.to_be_bytes());
        b[23..27].copy_from_slice(&(self.count - 1).max(0).to_be_bytes());
        b[27..35].copy_from_slice(&self.base_timestamp.to_be_bytes());
        b[35..43].copy_from_slice(&self.max_timestamp.to_be_bytes());
        b[43..51].copy_from_slice(&(-1i64).to_be_bytes());
        b[51..53].copy_from_slice(&(-1i16).to_be_bytes());
        b[53..57].copy_from_slice(&(-1i32).to_be_bytes());
        b[57..61].copy_from_slice(&self.count.to_be_bytes());
        let crc = crc32c::crc32c(&b[21..]);
        b[17..21].copy_from_slice(&crc.to_be_bytes());
        self.buf
    }
}

/// One record, borrowed from its batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordView<'a> {
    pub offset: i64,
    pub timestamp: i64,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    /// In wire order; names may repeat.
    pub headers: Vec<(&'a [u8], Option<&'a [u8]>)>,
}

/// What a batch holds, as far as this reader goes.
pub enum Records<'a> {
    Plain(Vec<RecordView<'a>>),
    /// Compressed: decode it with kafka-protocol.
    Compressed,
    /// Transaction markers: no user records.
    Control,
}

/// The records of one whole batch (`batch` starts at its base offset field).
pub fn read_batch(batch: &[u8]) -> Result<Records<'_>> {
    let h = BatchHeader::parse(batch)?;
    if h.attributes & CONTROL_FLAG != 0 {
        return Ok(Records::Control);
    }
    if h.compression() != 0 {
        return Ok(Records::Compressed);
    }
    let end = h.total_size().min(batch.len());
    let mut r = Reader {
        b: &batch[HEADER_SIZE.min(end)..end],
    };
    let count = usize::try_from(h.record_count).unwrap_or(0);
    // Never trust a count for capacity: a record takes at least 7 bytes.
    let mut out = Vec::with_capacity(count.min(r.b.len() / 7));
    for _ in 0..count {
        let len = r.len()?.ok_or_else(|| corrupt("record without length"))?;
        let mut rec = Reader { b: r.take(len)? };
        rec.take(1)?; // attributes
        let ts = rec.varlong()?;
        let delta = rec.varlong()?;
        let key = rec.bytes()?;
        let value = rec.bytes()?;
        let n = rec.len()?.unwrap_or(0);
        let mut headers = Vec::with_capacity(n.min(rec.b.len() / 2));
        for _ in 0..n {
            let k = rec.bytes()?.ok_or_else(|| corrupt("header without name"))?;
            headers.push((k, rec.bytes()?));
        }
        out.push(RecordView {
            offset: h.base_offset.saturating_add(delta),
            timestamp: h.base_timestamp.saturating_add(ts),
            key,
            value,
            headers,
        });
    }
    Ok(Records::Plain(out))
}

/// The key of the first record in `records` (the bytes after a batch header), read without
/// trusting lengths: what a control batch's marker type is read from.
pub fn first_key(records: &[u8]) -> Result<Option<&[u8]>> {
    let mut r = Reader { b: records };
    r.varlong()?; // record length
    r.take(1)?; // attributes
    r.varlong()?; // timestamp delta
    r.varlong()?; // offset delta
    r.bytes()
}

fn corrupt(what: &str) -> JournalError {
    JournalError::Corrupt(format!("bad record: {what}"))
}

struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.b.len() {
            return Err(corrupt("shorter than its length"));
        }
        let (head, rest) = self.b.split_at(n);
        self.b = rest;
        Ok(head)
    }

    fn varlong(&mut self) -> Result<i64> {
        let mut v: u64 = 0;
        for i in 0..10 {
            let [byte, rest @ ..] = self.b else {
                return Err(corrupt("truncated varint"));
            };
            self.b = rest;
            v |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(((v >> 1) as i64) ^ -((v & 1) as i64));
            }
        }
        Err(corrupt("varint longer than 10 bytes"))
    }

    /// A length; `None` for -1 (null).
    fn len(&mut self) -> Result<Option<usize>> {
        match self.varlong()? {
            -1 => Ok(None),
            n => usize::try_from(n)
                .map(Some)
                .map_err(|_| corrupt("negative length")),
        }
    }

    fn bytes(&mut self) -> Result<Option<&'a [u8]>> {
        match self.len()? {
            None => Ok(None),
            Some(n) => self.take(n).map(Some),
        }
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn varlong_len(v: i64) -> usize {
    let bits = 64 - zigzag(v).leading_zeros() as usize;
    bits.div_ceil(7).max(1)
}

fn write_varlong(out: &mut [u8], v: i64) -> usize {
    let mut z = zigzag(v);
    let mut i = 0;
    while z >= 0x80 {
        out[i] = (z as u8) | 0x80;
        z >>= 7;
        i += 1;
    }
    out[i] = z as u8;
    i + 1
}

fn put_varlong(out: &mut Vec<u8>, v: i64) {
    let mut tmp = [0u8; 10];
    let n = write_varlong(&mut tmp, v);
    out.extend_from_slice(&tmp[..n]);
}

fn bytes_len(b: Option<&[u8]>) -> usize {
    match b {
        None => varlong_len(-1),
        Some(b) => varlong_len(b.len() as i64) + b.len(),
    }
}

fn put_bytes(out: &mut Vec<u8>, b: Option<&[u8]>) {
    match b {
        None => put_varlong(out, -1),
        Some(b) => {
            put_varlong(out, b.len() as i64);
            out.extend_from_slice(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use kafka_protocol::records::RecordBatchDecoder;

    use super::*;

    fn sample() -> Vec<u8> {
        let mut w = BatchWriter::new(1_000);
        w.header("unit", Some(b"C"));
        w.header("unit", Some(b"K"));
        w.header("none", None);
        w.record(1_000, Some(b"a/b"), Some(b"21.5"));
        w.record(1_250, None, None);
        w.record(900, Some(&[0xff; 300]), Some(&[7; 70_000]));
        w.finish()
    }

    #[test]
    fn kafka_protocol_reads_what_the_writer_wrote() {
        let batch = sample();
        let h = BatchHeader::parse(&batch).unwrap();
        crate::batch::verify_crc(&h, &batch).unwrap();
        assert_eq!(h.total_size(), batch.len());
        assert_eq!((h.record_count, h.last_offset_delta), (3, 2));
        assert_eq!((h.base_timestamp, h.max_timestamp), (1_000, 1_250));
        let mut b = Bytes::from(batch);
        let set = RecordBatchDecoder::decode(&mut b).unwrap();
        let r = &set.records;
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].key.as_deref(), Some(&b"a/b"[..]));
        assert_eq!(r[0].value.as_deref(), Some(&b"21.5"[..]));
        assert_eq!(
            r[0].headers.len(),
            2,
            "kafka-protocol keeps one value per name"
        );
        assert_eq!((r[1].key.clone(), r[1].value.clone()), (None, None));
        assert_eq!((r[1].offset, r[1].timestamp), (1, 1_250));
        assert_eq!(r[2].timestamp, 900);
        assert_eq!(r[2].value.as_deref().map(<[u8]>::len), Some(70_000));
    }

    #[test]
    fn the_reader_keeps_repeated_headers_in_order() {
        let mut batch = sample();
        crate::batch::set_base_offset(&mut batch, 40);
        let Records::Plain(records) = read_batch(&batch).unwrap() else {
            panic!("plain batch expected");
        };
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].offset, 40);
        assert_eq!(
            records[0].headers,
            vec![
                (&b"unit"[..], Some(&b"C"[..])),
                (&b"unit"[..], Some(&b"K"[..])),
                (&b"none"[..], None)
            ]
        );
        assert!(records[1].headers.is_empty());
        assert_eq!((records[2].offset, records[2].timestamp), (42, 900));
    }

    #[test]
    fn truncated_or_lying_batches_are_errors_not_panics() {
        let batch = sample();
        for cut in [
            HEADER_SIZE,
            HEADER_SIZE + 1,
            HEADER_SIZE + 9,
            batch.len() - 1,
        ] {
            assert!(read_batch(&batch[..cut]).is_err(), "cut at {cut}");
        }
        let mut lying = batch.clone();
        lying[57..61].copy_from_slice(&i32::MAX.to_be_bytes());
        assert!(read_batch(&lying).is_err());
    }

    proptest::proptest! {
        /// Whatever follows a header, and whatever the header claims, reading never panics.
        #[test]
        fn arbitrary_records_are_errors_or_records(
            tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            count in proptest::prelude::any::<i32>(),
            length in proptest::prelude::any::<i32>(),
        ) {
            let mut batch = sample();
            batch.truncate(HEADER_SIZE);
            batch.extend_from_slice(&tail);
            batch[8..12].copy_from_slice(&length.to_be_bytes());
            batch[57..61].copy_from_slice(&count.to_be_bytes());
            let _ = read_batch(&batch);
        }
    }

    #[test]
    fn varints_round_trip_at_the_edges() {
        for v in [0i64, -1, 1, 63, -64, 64, 8191, -8192, i64::MAX, i64::MIN] {
            let mut buf = [0u8; 10];
            let n = write_varlong(&mut buf, v);
            assert_eq!(n, varlong_len(v));
            assert_eq!(Reader { b: &buf[..n] }.varlong().unwrap(), v);
        }
    }
}
