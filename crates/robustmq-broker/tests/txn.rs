//! The transaction coordinator over the in-memory log and a real meta store: fencing, the
//! checks transactional produce goes through, timeouts, retried EndTxn, limits, and a
//! transaction prepared before a restart finished after it.

use std::sync::Arc;

use robustmq_broker::txn::{TxnConfig, TxnError, TxnState};
use robustmq_broker::{Broker, BrokerConfig};
use robustmq_journal::record::BatchWriter;
use robustmq_journal::txn::Outcome;
use robustmq_journal::{now_ms, LogConfig, LogStore, MemoryStore};
use robustmq_meta::{CommittedOffset, FaultMeta, MetaStore, RocksMeta};

struct Node {
    _dir: tempfile::TempDir,
    meta: Arc<dyn MetaStore>,
    faults: Arc<FaultMeta>,
    store: Arc<dyn LogStore>,
}

impl Node {
    fn new() -> Node {
        let dir = tempfile::tempdir().unwrap();
        let rocks: Arc<dyn MetaStore> = Arc::new(RocksMeta::open(dir.path()).unwrap());
        let faults = Arc::new(FaultMeta::new(rocks));
        Node {
            _dir: dir,
            meta: Arc::clone(&faults) as Arc<dyn MetaStore>,
            faults,
            store: Arc::new(MemoryStore::new()),
        }
    }

    /// A broker over this node's meta and log: a second call is the node after a restart.
    fn broker(&self, transactions: TxnConfig) -> Arc<Broker> {
        let config = BrokerConfig {
            node_id: 0,
            auto_create_topics: false,
            default_partitions: 1,
            log_defaults: LogConfig::default(),
            groups: Default::default(),
            topic_limits: Default::default(),
            delete_unknown_partitions: false,
            acl: Default::default(),
            transactions,
        };
        let b = Broker::new(config, Arc::clone(&self.meta), Arc::clone(&self.store)).unwrap();
        Arc::new(b)
    }
}

/// One transactional record of `pid` at `epoch`, sequence `seq`.
fn txn_batch(pid: i64, epoch: i16, seq: i32) -> Vec<u8> {
    let mut w = BatchWriter::new(1_000);
    w.record(1_000, Some(b"k"), Some(b"v"));
    let mut b = w.finish();
    b[21..23].copy_from_slice(&0x10i16.to_be_bytes());
    b[43..51].copy_from_slice(&pid.to_be_bytes());
    b[51..53].copy_from_slice(&epoch.to_be_bytes());
    b[53..57].copy_from_slice(&seq.to_be_bytes());
    let crc = crc32c::crc32c(&b[21..]);
    b[17..21].copy_from_slice(&crc.to_be_bytes());
    b
}

fn tp(topic: &str, p: i32) -> (String, i32) {
    (topic.to_string(), p)
}

fn offset(o: i64) -> CommittedOffset {
    CommittedOffset {
        offset: o,
        leader_epoch: -1,
        metadata: String::new(),
        commit_ms: now_ms(),
    }
}

async fn state(b: &Broker, id: &str) -> robustmq_broker::txn::TxnMeta {
    b.txns.describe(id).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn produce_is_checked_and_a_new_holder_fences_the_old_one() {
    let node = Node::new();
    let b = node.broker(TxnConfig::default());
    b.topics.create("t", 2, Default::default()).unwrap();
    let log = b.topics.partition("t", 0).unwrap();
    let (pid, epoch) = b
        .txns
        .init_producer_id(&b, "a", 60_000, -1, -1)
        .await
        .unwrap();
    assert!(matches!(
        b.txns.verify_produce("a", pid, epoch, "t", 0),
        Err(TxnError::InvalidTxnState(_))
    ));
    b.txns
        .add_partitions("a", pid, epoch, &[tp("t", 0)])
        .await
        .unwrap();
    b.txns.verify_produce("a", pid, epoch, "t", 0).unwrap();
    // Another transactional id may not write into this producer's transaction.
    assert!(matches!(
        b.txns.verify_produce("b", pid, epoch, "t", 0),
        Err(TxnError::InvalidProducerIdMapping)
    ));
    assert!(b.txns.verify_produce("a", pid, epoch, "t", 1).is_err());
    b.append(&*log, txn_batch(pid, epoch, 0)).unwrap();
    assert_eq!(log.last_stable_offset().unwrap(), 0);

    // A second producer with the same id: the first one's transaction is aborted, its epoch
    // refused everywhere.
    let (pid2, epoch2) = b
        .txns
        .init_producer_id(&b, "a", 60_000, -1, -1)
        .await
        .unwrap();
    assert_eq!(pid2, pid);
    assert!(epoch2 > epoch);
    assert_eq!(log.last_stable_offset().unwrap(), log.log_end_offset());
    assert_eq!(log.aborted_transactions(0, 10).unwrap().len(), 1);
    assert!(matches!(
        b.txns.verify_produce("a", pid, epoch, "t", 0),
        Err(TxnError::ProducerFenced)
    ));
    assert!(b.append(&*log, txn_batch(pid, epoch, 1)).is_err());
    assert!(matches!(
        b.txns.end(&b, "a", pid, epoch, true).await,
        Err(TxnError::ProducerFenced)
    ));
    assert!(matches!(
        b.txns
            .add_partitions("a", pid + 1, epoch2, &[tp("t", 0)])
            .await,
        Err(TxnError::InvalidProducerIdMapping)
    ));
    // The idempotent path may not bump a transactional producer id.
    assert!(b.txns.is_transactional(pid));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commits_apply_offsets_and_retried_end_txn_is_answered_the_same() {
    let node = Node::new();
    let b = node.broker(TxnConfig::default());
    b.topics.create("t", 1, Default::default()).unwrap();
    let log = b.topics.partition("t", 0).unwrap();
    let (pid, epoch) = b
        .txns
        .init_producer_id(&b, "a", 60_000, -1, -1)
        .await
        .unwrap();
    b.txns
        .add_partitions("a", pid, epoch, &[tp("t", 0)])
        .await
        .unwrap();
    b.append(&*log, txn_batch(pid, epoch, 0)).unwrap();
    // Offsets need the group added first.
    let offsets = vec![("t".to_string(), 0, offset(7))];
    assert!(matches!(
        b.txns
            .commit_offsets("a", pid, epoch, "g", offsets.clone())
            .await,
        Err(TxnError::InvalidTxnState(_))
    ));
    b.txns.add_offsets("a", pid, epoch, "g").await.unwrap();
    b.txns
        .commit_offsets("a", pid, epoch, "g", offsets)
        .await
        .unwrap();
    assert!(b.txns.has_pending_offsets("g"));
    assert!(b.groups.committed("g", "t", 0).unwrap().is_none());
    b.txns.end(&b, "a", pid, epoch, true).await.unwrap();
    assert!(!b.txns.has_pending_offsets("g"));
    assert_eq!(b.groups.committed("g", "t", 0).unwrap().unwrap().offset, 7);
    assert_eq!(log.last_stable_offset().unwrap(), 2);
    // A retry gets the same answer and writes nothing; the other outcome is refused.
    b.txns.end(&b, "a", pid, epoch, true).await.unwrap();
    assert_eq!(log.log_end_offset(), 2);
    assert!(matches!(
        b.txns.end(&b, "a", pid, epoch, false).await,
        Err(TxnError::InvalidTxnState(_))
    ));
    assert_eq!(
        state(&b, "a").await.state,
        TxnState::Empty {
            last: Some(Outcome::Commit)
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_transaction_is_aborted_and_its_producer_fenced() {
    let node = Node::new();
    let b = node.broker(TxnConfig::default());
    b.topics.create("t", 1, Default::default()).unwrap();
    let log = b.topics.partition("t", 0).unwrap();
    let (pid, epoch) = b
        .txns
        .init_producer_id(&b, "a", 1_000, -1, -1)
        .await
        .unwrap();
    b.txns
        .add_partitions("a", pid, epoch, &[tp("t", 0)])
        .await
        .unwrap();
    b.append(&*log, txn_batch(pid, epoch, 0)).unwrap();
    b.txns.expire(&b, now_ms()).await;
    assert_eq!(log.last_stable_offset().unwrap(), 0, "not timed out yet");
    b.txns.expire(&b, now_ms() + 2_000).await;
    assert_eq!(log.last_stable_offset().unwrap(), 2);
    assert_eq!(log.aborted_transactions(0, 2).unwrap().len(), 1);
    assert!(matches!(
        b.txns.end(&b, "a", pid, epoch, true).await,
        Err(TxnError::ProducerFenced)
    ));
    // The producer may re-initialise from the epoch it had (KIP-360).
    let (pid2, epoch2) = b
        .txns
        .init_producer_id(&b, "a", 1_000, pid, epoch)
        .await
        .unwrap();
    assert_eq!((pid2, epoch2), (pid, epoch + 2));
    // A timeout above the maximum is refused.
    assert!(matches!(
        b.txns.init_producer_id(&b, "b", 900_001, -1, -1).await,
        Err(TxnError::InvalidTimeout(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactional_ids_are_limited_and_idle_ones_expire() {
    let node = Node::new();
    let config = TxnConfig {
        max_transactional_ids: 2,
        id_expiration_ms: 10_000,
        ..TxnConfig::default()
    };
    let b = node.broker(config);
    b.txns
        .init_producer_id(&b, "a", 1_000, -1, -1)
        .await
        .unwrap();
    b.txns
        .init_producer_id(&b, "b", 1_000, -1, -1)
        .await
        .unwrap();
    assert!(matches!(
        b.txns.init_producer_id(&b, "c", 1_000, -1, -1).await,
        Err(TxnError::LimitReached(_))
    ));
    b.txns.expire(&b, now_ms() + 20_000).await;
    assert!(b.txns.summaries().await.is_empty());
    b.txns
        .init_producer_id(&b, "c", 1_000, -1, -1)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_prepared_before_a_restart_is_finished_after_it() {
    let node = Node::new();
    let b = node.broker(TxnConfig::default());
    b.topics.create("t", 2, Default::default()).unwrap();
    let (pid, epoch) = b
        .txns
        .init_producer_id(&b, "a", 60_000, -1, -1)
        .await
        .unwrap();
    b.txns
        .add_partitions("a", pid, epoch, &[tp("t", 0), tp("t", 1)])
        .await
        .unwrap();
    for p in 0..2 {
        let log = b.topics.partition("t", p).unwrap();
        b.append(&*log, txn_batch(pid, epoch, 0)).unwrap();
    }
    b.txns.add_offsets("a", pid, epoch, "g").await.unwrap();
    b.txns
        .commit_offsets("a", pid, epoch, "g", vec![("t".into(), 1, offset(3))])
        .await
        .unwrap();
    // The daemon stopped right after the commit decision was stored: write that state as the
    // coordinator does, and start again.
    let mut t = state(&b, "a").await;
    t.state = TxnState::PrepareCommit;
    node.meta
        .put_entry("txn", "a", &serde_json::to_vec(&t).unwrap(), true)
        .unwrap();
    drop(b);
    let b = node.broker(TxnConfig::default());
    let log0 = b.topics.partition("t", 0).unwrap();
    assert_eq!(log0.last_stable_offset().unwrap(), 0);
    b.txns.recover(&b).await;
    for p in 0..2 {
        let log = b.topics.partition("t", p).unwrap();
        assert_eq!(log.last_stable_offset().unwrap(), 2, "partition {p}");
        assert!(log.aborted_transactions(0, 2).unwrap().is_empty());
    }
    assert_eq!(b.groups.committed("g", "t", 1).unwrap().unwrap().offset, 3);
    assert_eq!(
        state(&b, "a").await.state,
        TxnState::Empty {
            last: Some(Outcome::Commit)
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_meta_write_leaves_the_transaction_as_meta_has_it() {
    let node = Node::new();
    let b = node.broker(TxnConfig::default());
    b.topics.create("t", 1, Default::default()).unwrap();
    let log = b.topics.partition("t", 0).unwrap();
    let (pid, epoch) = b
        .txns
        .init_producer_id(&b, "a", 60_000, -1, -1)
        .await
        .unwrap();
    b.txns
        .add_partitions("a", pid, epoch, &[tp("t", 0)])
        .await
        .unwrap();
    b.append(&*log, txn_batch(pid, epoch, 0)).unwrap();
    node.faults.fail_writes(true);
    assert!(matches!(
        b.txns.end(&b, "a", pid, epoch, true).await,
        Err(TxnError::Meta(_))
    ));
    // Still ongoing, in memory as in meta: no marker, the producer may still write.
    assert_eq!(state(&b, "a").await.state, TxnState::Ongoing);
    assert_eq!(log.log_end_offset(), 1);
    b.txns.verify_produce("a", pid, epoch, "t", 0).unwrap();
    node.faults.fail_writes(false);
    b.txns.end(&b, "a", pid, epoch, true).await.unwrap();
    assert_eq!(log.last_stable_offset().unwrap(), 2);
}
