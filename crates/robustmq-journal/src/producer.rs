//! Idempotent-producer state of one partition: the last batches of every producer id, so that a
//! retried batch is answered with its original offsets and a gap in sequences is refused.

use std::collections::{BTreeSet, HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::batch::BatchHeader;
use crate::error::{JournalError, Result};

/// How many recent batches per producer are remembered for de-duplication (Kafka keeps 5, the
/// most a producer may have in flight with idempotence on).
const REMEMBERED_BATCHES: usize = 5;

/// Producer ids remembered per partition. Any client may put any id in its batches, so past
/// this the one that appended least recently is forgotten (as Kafka forgets an id after
/// `producer.id.expiration.ms`): its next batch is accepted at any sequence (KIP-360), and
/// a retry of an old batch is no longer recognised as one.
pub const MAX_PRODUCERS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchMeta {
    pub first_seq: i32,
    pub last_seq: i32,
    pub base_offset: i64,
    pub last_offset: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ProducerEntry {
    epoch: i16,
    batches: VecDeque<BatchMeta>,
    /// First offset of the producer's open transaction, if one is open here.
    #[serde(default)]
    txn_first: Option<i64>,
}

/// What to do with an incoming batch.
#[derive(Debug, PartialEq, Eq)]
pub enum SequenceCheck {
    Append,
    /// Already stored: answer with these offsets and write nothing.
    Duplicate(BatchMeta),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProducerStates {
    producers: HashMap<i64, ProducerEntry>,
    /// `(first offset, producer id)` of every open transaction: the smallest first offset is
    /// the last stable offset. Rebuilt from `producers` after a snapshot is read.
    #[serde(skip)]
    open: BTreeSet<(i64, i64)>,
}

fn next_seq(seq: i32) -> i32 {
    if seq == i32::MAX {
        0
    } else {
        seq + 1
    }
}

impl ProducerStates {
    pub fn check(&self, h: &BatchHeader) -> Result<SequenceCheck> {
        if !h.has_producer_id() {
            return Ok(SequenceCheck::Append);
        }
        // An unknown producer is accepted at any sequence, as Kafka does since KIP-360: its
        // state may have been removed with old segments.
        let Some(entry) = self.producers.get(&h.producer_id) else {
            return Ok(SequenceCheck::Append);
        };
        if h.producer_epoch < entry.epoch {
            return Err(JournalError::InvalidProducerEpoch {
                producer_id: h.producer_id,
                current: entry.epoch,
                got: h.producer_epoch,
            });
        }
        if h.producer_epoch > entry.epoch {
            if h.base_sequence != 0 {
                return Err(JournalError::OutOfOrderSequence {
                    producer_id: h.producer_id,
                    expected: 0,
                    got: h.base_sequence,
                });
            }
            return Ok(SequenceCheck::Append);
        }
        let last_seq = h.last_sequence();
        if let Some(dup) = entry
            .batches
            .iter()
            .find(|b| b.first_seq == h.base_sequence && b.last_seq == last_seq)
        {
            return Ok(SequenceCheck::Duplicate(*dup));
        }
        let expected = entry
            .batches
            .back()
            .map(|b| next_seq(b.last_seq))
            .unwrap_or(0);
        if h.base_sequence != expected {
            return Err(JournalError::OutOfOrderSequence {
                producer_id: h.producer_id,
                expected,
                got: h.base_sequence,
            });
        }
        Ok(SequenceCheck::Append)
    }

    /// Checks batches that are appended together, each as if the ones before it were stored.
    /// Only the entries of the producers involved are copied, so this stays cheap with many
    /// producers; a request whose batches mix retries with new data is refused.
    pub fn check_new(&self, headers: &[BatchHeader]) -> Result<()> {
        let mut scratch = ProducerStates::default();
        for h in headers.iter().filter(|h| h.has_producer_id()) {
            if let (false, Some(e)) = (
                scratch.producers.contains_key(&h.producer_id),
                self.producers.get(&h.producer_id),
            ) {
                scratch.producers.insert(h.producer_id, e.clone());
            }
            if let SequenceCheck::Duplicate(_) = scratch.check(h)? {
                return Err(JournalError::Corrupt(
                    "a request mixes new batches with retried ones".into(),
                ));
            }
            scratch.update(h);
        }
        Ok(())
    }

    /// Records a batch that now sits in the log (with its final offsets in `h`).
    pub fn update(&mut self, h: &BatchHeader) {
        if !h.has_producer_id() {
            return;
        }
        let entry = self.producers.entry(h.producer_id).or_default();
        if h.producer_epoch != entry.epoch {
            entry.epoch = h.producer_epoch;
            entry.batches.clear();
        }
        if h.is_transactional() && entry.txn_first.is_none() {
            entry.txn_first = Some(h.base_offset);
            self.open.insert((h.base_offset, h.producer_id));
        }
        entry.batches.push_back(BatchMeta {
            first_seq: h.base_sequence,
            last_seq: h.last_sequence(),
            base_offset: h.base_offset,
            last_offset: h.last_offset(),
        });
        while entry.batches.len() > REMEMBERED_BATCHES {
            entry.batches.pop_front();
        }
        if self.producers.len() > MAX_PRODUCERS {
            self.forget_least_recent();
        }
    }

    /// Whether a marker from this producer at `epoch` may be written: not from an older epoch.
    pub fn check_marker(&self, producer_id: i64, epoch: i16) -> Result<()> {
        match self.producers.get(&producer_id) {
            Some(e) if epoch < e.epoch => Err(JournalError::InvalidProducerEpoch {
                producer_id,
                current: e.epoch,
                got: epoch,
            }),
            _ => Ok(()),
        }
    }

    /// Records a transaction marker of `producer_id` at `epoch`: its open transaction here (if
    /// any) ends, and its first offset is returned. A marker of a newer epoch (the coordinator
    /// fenced the producer) restarts its sequences.
    pub fn end_txn(&mut self, producer_id: i64, epoch: i16) -> Option<i64> {
        let entry = self.producers.entry(producer_id).or_default();
        if epoch != entry.epoch {
            entry.epoch = epoch;
            entry.batches.clear();
        }
        let first = entry.txn_first.take()?;
        self.open.remove(&(first, producer_id));
        Some(first)
    }

    /// The first offset of the oldest open transaction: nothing at or past it is stable.
    pub fn first_unstable(&self) -> Option<i64> {
        self.open.first().map(|(first, _)| *first)
    }

    /// Rebuilds the open-transaction set after `self` was read from a snapshot.
    pub fn rebuild_open(&mut self) {
        self.open = self
            .producers
            .iter()
            .filter_map(|(id, e)| e.txn_first.map(|f| (f, *id)))
            .collect();
    }

    /// Forgets the least recently appending producer, never one with an open transaction
    /// (the coordinator bounds those, and forgetting one would make its records stable).
    fn forget_least_recent(&mut self) {
        let oldest = self
            .producers
            .iter()
            .filter(|(_, e)| e.txn_first.is_none())
            .min_by_key(|(_, e)| e.batches.back().map_or(i64::MIN, |b| b.last_offset))
            .map(|(&id, _)| id);
        if let Some(id) = oldest {
            self.producers.remove(&id);
        }
    }

    pub fn len(&self) -> usize {
        self.producers.len()
    }
    pub fn is_empty(&self) -> bool {
        self.producers.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::tests::make_batch;

    fn header(pid: i64, epoch: i16, seq: i32, n: usize, base: i64) -> BatchHeader {
        let mut b = make_batch(n, 0, Some((pid, epoch, seq)));
        crate::batch::set_base_offset(&mut b, base);
        BatchHeader::parse(&b).unwrap()
    }

    #[test]
    fn in_order_duplicate_gap_and_fencing() {
        let mut s = ProducerStates::default();
        let a = header(1, 0, 0, 3, 0);
        assert_eq!(s.check(&a).unwrap(), SequenceCheck::Append);
        s.update(&a);
        assert!(
            matches!(s.check(&a).unwrap(), SequenceCheck::Duplicate(m) if m.base_offset == 0 && m.last_offset == 2)
        );
        let b = header(1, 0, 3, 2, 3);
        assert_eq!(s.check(&b).unwrap(), SequenceCheck::Append);
        s.update(&b);
        assert!(matches!(
            s.check(&header(1, 0, 9, 1, 5)),
            Err(JournalError::OutOfOrderSequence { expected: 5, .. })
        ));
        s.update(&header(1, 1, 0, 1, 5));
        assert!(matches!(
            s.check(&header(1, 0, 5, 1, 6)),
            Err(JournalError::InvalidProducerEpoch { .. })
        ));
        assert_eq!(
            s.check(&header(2, 0, 17, 1, 6)).unwrap(),
            SequenceCheck::Append
        );
    }

    #[test]
    fn batches_of_one_request_chain_their_sequences() {
        let mut s = ProducerStates::default();
        let a = header(1, 0, 0, 2, 0);
        s.update(&a);
        // Two new batches back to back are fine; a gap inside the request is not.
        assert!(s
            .check_new(&[header(1, 0, 2, 2, 2), header(1, 0, 4, 1, 4)])
            .is_ok());
        assert!(s
            .check_new(&[header(1, 0, 2, 2, 2), header(1, 0, 9, 1, 4)])
            .is_err());
        // A retry of stored data next to new data is refused.
        assert!(s.check_new(&[a, header(1, 0, 2, 1, 2)]).is_err());
    }

    #[test]
    fn producer_ids_past_the_limit_forget_the_least_recent() {
        let mut s = ProducerStates::default();
        let n = MAX_PRODUCERS as i64 + 50;
        for pid in 0..n {
            s.update(&header(pid, 0, 0, 1, pid));
        }
        assert_eq!(s.len(), MAX_PRODUCERS);
        // The first ids are forgotten (their sequence restarts anywhere), the recent ones
        // still recognise a retry.
        assert_eq!(
            s.check(&header(0, 0, 7, 1, n)).unwrap(),
            SequenceCheck::Append
        );
        let recent = header(n - 1, 0, 0, 1, n - 1);
        assert!(matches!(
            s.check(&recent).unwrap(),
            SequenceCheck::Duplicate(_)
        ));
    }
}
