//! The latest appends of each MQTT log partition, decoded, in memory. A session that fell
//! behind (its queue was full) catches up from here while what it misses is recent, instead of
//! reading and decoding the log itself: eight sessions behind on one partition cost one decode,
//! made once by the tap, not eight, and no read. What is older than the ring is read from the
//! log as before.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use super::session::LogPartition;
use crate::message::Message;

/// One partition's latest messages: every record appended in `start..end` that decodes, in
/// offset order.
#[derive(Default)]
struct Ring {
    start: i64,
    end: i64,
    msgs: VecDeque<(i64, Arc<Message>)>,
    bytes: usize,
}

/// Messages with their offsets, in offset order.
pub type Offered = Vec<(i64, Arc<Message>)>;

/// Bytes a message holds in the ring (payload, topic and a fixed overhead).
fn weight(m: &Message) -> usize {
    m.payload.len() + m.topic.len() + 128
}

pub struct Recent {
    /// Per partition, at most this many bytes of messages.
    max_bytes: usize,
    rings: Mutex<HashMap<LogPartition, Ring>>,
}

impl Recent {
    pub fn new(max_bytes: usize) -> Recent {
        Recent {
            max_bytes,
            rings: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<LogPartition, Ring>> {
        self.rings.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An append of `base..end` and the messages it holds (called by the tap, in offset
    /// order). An append that does not follow the last one starts the ring again.
    pub fn push(&self, key: &LogPartition, base: i64, end: i64, msgs: &[(i64, Arc<Message>)]) {
        if self.max_bytes == 0 {
            return;
        }
        let mut rings = self.lock();
        let ring = rings.entry(key.clone()).or_default();
        if ring.end != base {
            *ring = Ring {
                start: base,
                end: base,
                ..Ring::default()
            };
        }
        for (offset, m) in msgs {
            ring.bytes += weight(m);
            ring.msgs.push_back((*offset, Arc::clone(m)));
        }
        ring.end = end;
        while ring.bytes > self.max_bytes {
            let Some((offset, m)) = ring.msgs.pop_front() else {
                break;
            };
            ring.bytes -= weight(&m);
            ring.start = offset + 1;
        }
    }

    /// The messages from `next` on (about `max_bytes` of them, at least one) and where they end,
    /// when the ring still holds `next`; `None` sends the caller to the log.
    pub fn read(&self, key: &LogPartition, next: i64, max_bytes: usize) -> Option<(Offered, i64)> {
        let rings = self.lock();
        let ring = rings.get(key)?;
        if next < ring.start || next > ring.end {
            return None;
        }
        let first = ring.msgs.partition_point(|(o, _)| *o < next);
        let mut out = Vec::new();
        let mut bytes = 0;
        let mut to = ring.end;
        for (offset, m) in ring.msgs.range(first..) {
            if bytes >= max_bytes && !out.is_empty() {
                to = *offset;
                break;
            }
            bytes += weight(m);
            out.push((*offset, Arc::clone(m)));
        }
        Some((out, to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::QoS;
    use bytes::Bytes;

    fn msg(n: u8) -> Arc<Message> {
        Arc::new(Message {
            topic: "t".into(),
            payload: Bytes::from(vec![n; 100]),
            qos: QoS::AtMostOnce,
            retain: false,
            publisher: None,
            timestamp_ms: 0,
            properties: Default::default(),
        })
    }

    #[test]
    fn holds_the_latest_appends_and_sends_older_reads_to_the_log() {
        let key: LogPartition = ("mqtt".into(), 0);
        let recent = Recent::new(4 * weight(&msg(0)));
        recent.push(&key, 10, 12, &[(10, msg(0)), (11, msg(1))]);
        // 12 is a record without a message (a marker): the append still counts.
        recent.push(&key, 12, 15, &[(13, msg(3)), (14, msg(4))]);
        let (got, to) = recent.read(&key, 11, 1 << 20).unwrap();
        assert_eq!(
            got.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
            vec![11, 13, 14]
        );
        assert_eq!(to, 15);
        assert_eq!(
            recent.read(&key, 15, 1 << 20).unwrap().0.len(),
            0,
            "caught up"
        );
        assert!(recent.read(&key, 9, 1 << 20).is_none(), "before the ring");
        assert!(recent.read(&key, 16, 1 << 20).is_none(), "past its end");
        // Over budget: the oldest go, and reads before them go to the log.
        recent.push(&key, 15, 16, &[(15, msg(5))]);
        assert!(recent.read(&key, 10, 1 << 20).is_none());
        assert_eq!(recent.read(&key, 11, 1 << 20).unwrap().0[0].0, 11);
        // A step of about max_bytes: at least one message, and `to` where it stopped.
        let (step, to) = recent.read(&key, 11, 1).unwrap();
        assert_eq!((step.len(), to), (1, 13));
        // An append that does not follow the last starts again.
        recent.push(&key, 40, 41, &[(40, msg(9))]);
        assert!(recent.read(&key, 13, 1 << 20).is_none());
        assert_eq!(recent.read(&key, 40, 1 << 20).unwrap().0.len(), 1);
    }
}
