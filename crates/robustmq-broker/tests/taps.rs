//! The broker core on the in-memory log: topics, appends, and append taps (several at once,
//! in offset order, with follow-ups that run after the partition lock and can refuse the
//! acknowledgement).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use robustmq_broker::{AppendTap, Broker, BrokerConfig, Followup, TapError};
use robustmq_journal::record::BatchWriter;
use robustmq_journal::{AppendInfo, Log, LogConfig, LogStore, MemoryStore};
use robustmq_meta::{MetaStore, RocksMeta};

fn broker(dir: &tempfile::TempDir) -> Broker {
    let meta: Arc<dyn MetaStore> = Arc::new(RocksMeta::open(dir.path()).unwrap());
    let store: Arc<dyn LogStore> = Arc::new(MemoryStore::new());
    let config = BrokerConfig {
        node_id: 1,
        auto_create_topics: true,
        default_partitions: 2,
        log_defaults: LogConfig::default(),
        groups: Default::default(),
        topic_limits: Default::default(),
        delete_unknown_partitions: false,
    };
    Broker::new(config, meta, store).unwrap()
}

fn batch(n: usize) -> Vec<u8> {
    let mut w = BatchWriter::new(1_000);
    for i in 0..n {
        w.record(1_000, Some(format!("k{i}").as_bytes()), Some(b"v"));
    }
    w.finish()
}

/// Records what it saw and whether its follow-up ran while the partition still took appends.
struct Recorder {
    topic: &'static str,
    seen: Mutex<Vec<(String, i64, i64)>>,
    fail: AtomicBool,
    followed: Arc<Mutex<Vec<i64>>>,
}

impl Recorder {
    fn new(topic: &'static str) -> Arc<Self> {
        Arc::new(Recorder {
            topic,
            seen: Mutex::new(Vec::new()),
            fail: AtomicBool::new(false),
            followed: Arc::new(Mutex::new(Vec::new())),
        })
    }
}

impl AppendTap for Recorder {
    fn wants(&self, topic: &str) -> bool {
        topic == self.topic
    }
    fn appended(&self, p: &dyn Log, info: &AppendInfo, batches: &[u8]) -> Option<Followup> {
        assert!(!batches.is_empty());
        self.seen.lock().unwrap().push((
            format!("{}-{}", p.topic(), p.id()),
            info.base_offset,
            info.last_offset,
        ));
        let fail = self.fail.load(Ordering::SeqCst);
        let followed = Arc::clone(&self.followed);
        let end = info.last_offset + 1;
        Some(Box::new(move || {
            followed.lock().unwrap().push(end);
            if fail {
                Err(TapError("meta is down".into()))
            } else {
                Ok(())
            }
        }))
    }
}

#[test]
fn every_tap_sees_the_appends_it_wants_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let b = broker(&dir);
    let (first, second, other) = (Recorder::new("t"), Recorder::new("t"), Recorder::new("u"));
    for tap in [&first, &second, &other] {
        b.add_tap(Arc::clone(tap) as Arc<dyn AppendTap>);
    }
    assert!(b.topic_or_create("t").unwrap().is_some());
    let p = b.topics.partition("t", 1).unwrap();
    for n in [2, 3, 1] {
        b.append(&*p, batch(n)).unwrap();
    }
    let want = vec![
        ("t-1".to_string(), 0, 1),
        ("t-1".to_string(), 2, 4),
        ("t-1".to_string(), 5, 5),
    ];
    assert_eq!(*first.seen.lock().unwrap(), want);
    assert_eq!(*second.seen.lock().unwrap(), want);
    assert_eq!(*first.followed.lock().unwrap(), vec![2, 5, 6]);
    assert!(
        other.seen.lock().unwrap().is_empty(),
        "a tap sees only its topics"
    );
    let stats = b.topics.partition("t", 1).unwrap().stats().unwrap();
    assert_eq!(stats.log_end_offset, 6);
}

#[test]
fn a_failed_followup_keeps_the_records_but_refuses_the_acknowledgement() {
    let dir = tempfile::tempdir().unwrap();
    let b = broker(&dir);
    let tap = Recorder::new("t");
    b.add_tap(Arc::clone(&tap) as Arc<dyn AppendTap>);
    b.topic_or_create("t").unwrap();
    let p = b.topics.partition("t", 0).unwrap();
    b.append(&*p, batch(1)).unwrap();
    tap.fail.store(true, Ordering::SeqCst);
    let err = b.append(&*p, batch(2)).unwrap_err().to_string();
    assert!(
        err.contains("offsets 1..=2") && err.contains("meta is down"),
        "{err}"
    );
    assert_eq!(p.log_end_offset(), 3, "the records are in the log");
    tap.fail.store(false, Ordering::SeqCst);
    assert_eq!(b.append(&*p, batch(1)).unwrap().base_offset, 3);
}

#[test]
fn topics_live_on_whichever_store_the_broker_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let b = broker(&dir);
    b.topics
        .create("orders", 3, Default::default())
        .expect("create");
    assert_eq!(b.journal.partitions().len(), 3);
    let p = b.topics.partition("orders", 2).unwrap();
    let info = b.append(&*p, batch(4)).unwrap();
    assert_eq!((info.base_offset, info.last_offset), (0, 3));
    let read = p.read(0, 1 << 20, true).unwrap();
    assert_eq!(read.high_watermark, 4);
    b.topics.delete("orders").unwrap();
    assert!(b.topics.partition("orders", 2).is_none());
    assert!(b.journal.partitions().is_empty());
}
