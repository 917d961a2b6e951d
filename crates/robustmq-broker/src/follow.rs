//! Following a log's appends: a push protocol (MQTT sessions today, AMQP queues and RocketMQ
//! consumers next) delivers live from its append tap while it is caught up, and reads the log
//! while it is behind (after a reconnect, or when it fell too far behind to queue in memory).
//! The switch between the two must lose and repeat nothing while appends go on; this module
//! holds the marks and the rule that make it so.
//!
//! For each log partition a tap keeps two marks: `claimed`, set to the append's end before it
//! offers the records, and `done`, set to the same end after it offered them to every
//! follower. A follower reading the log keeps only records below `claimed` (the rest are the
//! tap's), drops the tap's offers while it reads, and goes live only when its read reached
//! `claimed` and no offer is in progress (`claimed == done`). Because the tap runs in offset
//! order under the partition lock, every record is delivered either from the log or live,
//! exactly once.
//!
//! A follower that starts at a given offset (a returning MQTT session, an AMQP queue's cursor,
//! a RocketMQ group's position) registers with its tap's router first, so offers reach it
//! (and are dropped while it reads), then loops: [`read_from`] its position, decode, and under
//! the lock the offers take, [`Marks::after_read`] says which records to keep, where to go on
//! from and whether it is live.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use robustmq_journal::{batch, JournalError, Log};

/// A log partition: topic and partition id.
pub type LogKey = (Arc<str>, i32);

/// How far a tap got with one log partition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    /// Offsets below it have started their way to followers.
    pub claimed: i64,
    /// Offsets below it have been offered to every follower.
    pub done: i64,
}

/// What a follower does after one read of the log that got up to `read_to` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Deliver the records read below this offset; the rest are the tap's.
    pub keep_below: i64,
    /// Where the next read starts, if it stays behind.
    pub next: i64,
    /// Deliver live from now on: nothing is left to read, and no offer is in progress that
    /// the follower dropped while it was reading.
    pub live: bool,
}

impl Marks {
    /// The rule of the switch. Call it with the marks read under the same lock the tap's
    /// offers to this follower take, so no offer lands between the decision and its effect.
    pub fn after_read(&self, read_to: i64) -> Step {
        let next = read_to.min(self.claimed);
        Step {
            keep_below: self.claimed,
            next,
            live: next >= self.claimed && self.done == self.claimed,
        }
    }
}

/// The marks of every log partition a tap serves.
#[derive(Default)]
pub struct LiveMarks {
    map: Mutex<HashMap<LogKey, Marks>>,
}

impl LiveMarks {
    fn lock(&self) -> MutexGuard<'_, HashMap<LogKey, Marks>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a partition at `end`: everything below it is the log's to give.
    pub fn start_at(&self, key: LogKey, end: i64) {
        self.lock().insert(
            key,
            Marks {
                claimed: end,
                done: end,
            },
        );
    }

    /// The tap is about to offer the records below `end`.
    pub fn claim(&self, key: &LogKey, end: i64) {
        let mut map = self.lock();
        match map.get_mut(key) {
            Some(m) => m.claimed = end,
            None => {
                map.insert(
                    key.clone(),
                    Marks {
                        claimed: end,
                        done: 0,
                    },
                );
            }
        }
    }

    /// The tap offered every record below `end`.
    pub fn finish(&self, key: &LogKey, end: i64) {
        self.lock().entry(key.clone()).or_default().done = end;
    }

    pub fn get(&self, key: &LogKey) -> Marks {
        self.lock().get(key).copied().unwrap_or_default()
    }

    /// Every partition's `claimed`: where a follower that starts now begins owing live records.
    pub fn claimed(&self) -> BTreeMap<LogKey, i64> {
        self.lock()
            .iter()
            .map(|(k, m)| (k.clone(), m.claimed))
            .collect()
    }

    /// Every partition's `done`: what every live follower has been offered.
    pub fn done(&self) -> BTreeMap<LogKey, i64> {
        self.lock()
            .iter()
            .map(|(k, m)| (k.clone(), m.done))
            .collect()
    }
}

/// One read of a log for a follower that is behind.
#[derive(Debug, Clone)]
pub struct Read {
    /// The first offset the follower may be given: its position, or the log start when
    /// retention or DeleteRecords moved past it.
    pub from: i64,
    /// Whole batches starting with the one that holds `from` (records below `from` in the
    /// first batch are not the follower's).
    pub batches: Bytes,
    /// Where the read ended (exclusive): past the last batch read, or `from` when none was.
    pub to: i64,
}

/// Reads about `max_bytes` of whole batches from `next` (at least one batch, however large).
pub fn read_from(log: &dyn Log, next: i64, max_bytes: usize) -> Result<Read, JournalError> {
    let from = next.max(log.stats().map(|s| s.log_start_offset).unwrap_or(0));
    let read = log.read(from, max_bytes, true)?;
    let (headers, _) = batch::scan(&read.records);
    let to = headers
        .last()
        .map_or(from, |(_, h)| (h.last_offset() + 1).max(from));
    Ok(Read {
        from,
        batches: read.records,
        to,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_switch_waits_for_the_read_and_for_offers_in_progress() {
        let m = Marks {
            claimed: 10,
            done: 10,
        };
        assert_eq!(
            m.after_read(7),
            Step {
                keep_below: 10,
                next: 7,
                live: false
            }
        );
        assert!(m.after_read(10).live);
        let read_past = m.after_read(12);
        assert_eq!(
            (read_past.next, read_past.live),
            (10, true),
            "12.. are the tap's"
        );
        let offering = Marks {
            claimed: 12,
            done: 10,
        };
        assert!(!offering.after_read(12).live, "10..12 are being offered");
        let marks = LiveMarks::default();
        let key: LogKey = ("t".into(), 0);
        assert_eq!(marks.get(&key), Marks::default());
        marks.start_at(key.clone(), 5);
        marks.claim(&key, 8);
        assert_eq!(
            marks.get(&key),
            Marks {
                claimed: 8,
                done: 5
            }
        );
        marks.finish(&key, 8);
        assert_eq!(marks.claimed()[&key], 8);
        assert_eq!(marks.done()[&key], 8);
    }

    /// One atomic step of the model: the tap's three phases of an append (under the partition
    /// lock, but the follower sees the marks between them), and a follower's read and decision.
    #[derive(Debug, Clone)]
    enum Op {
        Append(i64),
        Claim,
        Offer,
        Read(i64),
        Decide,
        FallBehind,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (1i64..4).prop_map(Op::Append),
            Just(Op::Claim),
            Just(Op::Offer),
            (1i64..6).prop_map(Op::Read),
            Just(Op::Decide),
            Just(Op::FallBehind),
        ]
    }

    proptest! {
        /// A model of the log, the tap and one follower that starts behind: whatever the
        /// interleaving, every record reaches the follower exactly once, in order.
        #[test]
        fn every_record_is_delivered_once_in_order(
            start in 0i64..5,
            ops in proptest::collection::vec(op(), 1..200),
        ) {
            let key: LogKey = ("t".into(), 0);
            let marks = LiveMarks::default();
            let mut end = 5i64; // the log's end
            marks.start_at(key.clone(), end);
            // The tap: appended past `claimed` but not claimed yet; claimed but not offered.
            let mut appended_to = end;
            let mut claimed_to = end;
            // The follower: behind (reading from `next`, last read up to `read_to`) or live.
            let mut behind: Option<(i64, Option<i64>)> = Some((start, None));
            let mut got: Vec<i64> = Vec::new();
            // Finish whatever is in flight, then let the follower catch up, after the ops.
            let drain = [Op::Claim, Op::Offer].into_iter().chain(
                (0..200).flat_map(|_| [Op::Read(5), Op::Decide]));
            for op in ops.into_iter().chain(drain) {
                match op {
                    // The tap's phases run one append at a time (the partition lock).
                    Op::Append(n) if appended_to == claimed_to
                        && marks.get(&key).done == claimed_to => {
                        end += n;
                        appended_to = end;
                    }
                    Op::Claim if appended_to > claimed_to => {
                        claimed_to = appended_to;
                        marks.claim(&key, claimed_to);
                    }
                    Op::Offer if marks.get(&key).done < claimed_to => {
                        let from = marks.get(&key).done;
                        if behind.is_none() {
                            got.extend(from..claimed_to);
                        }
                        marks.finish(&key, claimed_to);
                    }
                    Op::Read(n) => {
                        if let Some((next, _)) = behind {
                            behind = Some((next, Some((next + n).min(end))));
                        }
                    }
                    Op::Decide => {
                        if let Some((next, Some(read_to))) = behind {
                            let step = marks.get(&key).after_read(read_to);
                            got.extend(next..read_to.min(step.keep_below));
                            behind = (!step.live).then_some((step.next, None));
                        }
                    }
                    // Too far behind to queue: read the rest of the partition from the log.
                    Op::FallBehind if behind.is_none() => {
                        behind = Some((marks.get(&key).done, None));
                    }
                    _ => {}
                }
            }
            prop_assert!(behind.is_none(), "caught up once appends stop");
            let want: Vec<i64> = (start..end).collect();
            prop_assert_eq!(got, want);
        }
    }
}
