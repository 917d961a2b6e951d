//! The broker core on the in-memory log: topics, appends, and append taps (several at once,
//! in offset order, with follow-ups that run after the partition lock and can refuse the
//! acknowledgement).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use robustmq_broker::follow::{self, LiveMarks, LogKey};
use robustmq_broker::{AppendTap, Appended, Broker, BrokerConfig, Followup, TapError};
use robustmq_journal::batch;
use robustmq_journal::record::BatchWriter;
use robustmq_journal::{Log, LogConfig, LogStore, MemoryStore};
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
        acl: Default::default(),
        transactions: Default::default(),
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
    fn appended(&self, p: &dyn Log, append: &mut Appended<'_>) -> Option<Followup> {
        let info = append.info;
        assert!(!append.batches.is_empty());
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

/// Takes what the appender decoded, if it is a `Vec<u32>`.
struct Taker(Mutex<Vec<Option<Vec<u32>>>>);

impl AppendTap for Taker {
    fn wants(&self, _: &str) -> bool {
        true
    }
    fn appended(&self, _: &dyn Log, append: &mut Appended<'_>) -> Option<Followup> {
        self.0
            .lock()
            .unwrap()
            .push(append.take_decoded::<Vec<u32>>());
        None
    }
}

#[test]
fn the_first_tap_takes_what_the_appender_decoded_and_others_decode_the_batches() {
    let dir = tempfile::tempdir().unwrap();
    let b = broker(&dir);
    let (first, second) = (
        Arc::new(Taker(Mutex::default())),
        Arc::new(Taker(Mutex::default())),
    );
    b.add_tap(Arc::clone(&first) as Arc<dyn AppendTap>);
    b.add_tap(Arc::clone(&second) as Arc<dyn AppendTap>);
    b.topic_or_create("t").unwrap();
    let p = b.topics.partition("t", 0).unwrap();
    b.append_decoded(&*p, batch(1), Some(Box::new(vec![7u32])))
        .unwrap();
    b.append_decoded(&*p, batch(1), Some(Box::new("not a Vec<u32>")))
        .unwrap();
    b.append(&*p, batch(1)).unwrap();
    assert_eq!(*first.0.lock().unwrap(), vec![Some(vec![7]), None, None]);
    assert_eq!(*second.0.lock().unwrap(), vec![None, None, None]);
}

/// A push protocol's router in miniature: one follower, offered the tap's records only while
/// it is live, as `robustmq_broker::follow` describes.
struct Router {
    marks: LiveMarks,
    follower: Mutex<Follower>,
}

#[derive(Default)]
struct Follower {
    live: bool,
    got: Vec<i64>,
}

impl AppendTap for Router {
    fn wants(&self, topic: &str) -> bool {
        topic == "t"
    }
    fn appended(&self, p: &dyn Log, append: &mut Appended<'_>) -> Option<Followup> {
        let key: LogKey = (Arc::from(p.topic()), p.id());
        let (base, last) = (append.info.base_offset, append.info.last_offset);
        self.marks.claim(&key, last + 1);
        {
            let mut f = self.follower.lock().unwrap();
            if f.live {
                f.got.extend(base..=last);
            }
        }
        self.marks.finish(&key, last + 1);
        None
    }
}

#[test]
fn a_follower_from_a_given_offset_gets_every_record_once_in_order_while_appends_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let b = Arc::new(broker(&dir));
    b.topics.create("t", 1, Default::default()).unwrap();
    let p = b.topics.partition("t", 0).unwrap();
    for _ in 0..50 {
        b.append(&*p, batch(1)).unwrap();
    }
    let router = Arc::new(Router {
        marks: LiveMarks::default(),
        follower: Mutex::default(),
    });
    let key: LogKey = (Arc::from("t"), 0);
    router.marks.start_at(key.clone(), p.log_end_offset());
    b.add_tap(Arc::clone(&router) as Arc<dyn AppendTap>);
    let appender = std::thread::spawn({
        let (b, p) = (Arc::clone(&b), Arc::clone(&p));
        move || {
            for i in 0..400 {
                b.append(&*p, batch(1 + i % 3)).unwrap();
            }
        }
    });
    // Small reads, so the follower takes many steps while the appender runs.
    let mut next = 20;
    loop {
        let read = follow::read_from(&*p, next, 100).unwrap();
        let (headers, _) = batch::scan(&read.batches);
        let offsets: Vec<i64> = headers
            .iter()
            .flat_map(|(_, h)| h.base_offset..=h.last_offset())
            .filter(|o| *o >= read.from)
            .collect();
        let mut f = router.follower.lock().unwrap();
        let step = router.marks.get(&key).after_read(read.to);
        f.got
            .extend(offsets.into_iter().filter(|o| *o < step.keep_below));
        if step.live {
            f.live = true;
            break;
        }
        next = step.next;
    }
    appender.join().unwrap();
    let end = p.log_end_offset();
    assert_eq!(end, 50 + (0..400).map(|i| 1 + i % 3).sum::<i64>());
    let got = std::mem::take(&mut router.follower.lock().unwrap().got);
    assert_eq!(got, (20..end).collect::<Vec<_>>());
}
