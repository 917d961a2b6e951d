//! What an acknowledgement waits for: the end offsets, per log, that must be durable first.
//! Every protocol gathers them the same way (one entry per log, the highest end wins) and
//! waits for all of them at once, so a request that touched several partitions pays for the
//! slowest one, not for their sum.

use std::sync::Arc;

use futures::future::try_join_all;
use robustmq_journal::{JournalError, Log};

/// End offsets that must be durable before something may be acknowledged.
#[derive(Default)]
pub struct DurableWait {
    logs: Vec<(Arc<dyn Log>, i64)>,
}

impl DurableWait {
    /// Requires every offset of `log` below `end` to be durable.
    pub fn need(&mut self, log: &Arc<dyn Log>, end: i64) {
        match self.logs.iter_mut().find(|(l, _)| Arc::ptr_eq(l, log)) {
            Some(w) => w.1 = w.1.max(end),
            None => self.logs.push((Arc::clone(log), end)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.logs.is_empty()
    }

    /// Resolves once every requirement holds; fails with the first log that cannot promise it.
    pub async fn wait(self) -> Result<(), JournalError> {
        let waits = self.logs.into_iter().map(|(log, end)| log.durable(end));
        try_join_all(waits).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use robustmq_journal::record::BatchWriter;
    use robustmq_journal::{LogConfig, LogStore, MemoryStore};

    #[test]
    fn one_entry_per_log_with_the_highest_end() {
        let store = MemoryStore::new();
        let a = store.open_partition("a", 0, LogConfig::default()).unwrap();
        let b = store.open_partition("b", 0, LogConfig::default()).unwrap();
        let mut w = DurableWait::default();
        assert!(w.is_empty());
        w.need(&a, 3);
        w.need(&b, 1);
        w.need(&a, 2);
        let ends: Vec<i64> = w.logs.iter().map(|(_, e)| *e).collect();
        assert_eq!(ends, vec![3, 1]);
        let mut batch = BatchWriter::new(0);
        batch.record(0, None, Some(b"v"));
        a.append(batch.finish()).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(w.wait()).unwrap();
        store.remove_partition("b", 0).unwrap();
        let mut gone = DurableWait::default();
        gone.need(&a, 1);
        gone.need(&b, 1);
        assert!(matches!(
            rt.block_on(gone.wait()),
            Err(JournalError::Deleted(_))
        ));
    }
}
