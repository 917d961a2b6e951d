//! One async lock per key, held only while someone uses it: the map never keeps entries for
//! keys nobody is locking, so it is bounded by the callers waiting, not by every key seen.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;

type Slots = Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>;

#[derive(Default)]
pub struct KeyedLock {
    slots: Arc<Slots>,
}

/// Held while the key is locked; dropping it unlocks and forgets the key when unused.
pub struct KeyGuard {
    slots: Arc<Slots>,
    key: String,
    guard: Option<OwnedMutexGuard<()>>,
}

impl KeyedLock {
    pub async fn lock(&self, key: &str) -> KeyGuard {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(slots.entry(key.to_string()).or_default())
        };
        let guard = slot.lock_owned().await;
        KeyGuard {
            slots: Arc::clone(&self.slots),
            key: key.to_string(),
            guard: Some(guard),
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

impl Drop for KeyGuard {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        // The map's Arc is the last one: nobody holds or waits for this key.
        if slots
            .get(&self.key)
            .is_some_and(|slot| Arc::strong_count(slot) == 1)
        {
            slots.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_holder_per_key_and_nothing_left_after() {
        let locks = Arc::new(KeyedLock::default());
        let a = locks.lock("a").await;
        let _b = locks.lock("b").await; // another key is not blocked
        let waiter = {
            let locks = Arc::clone(&locks);
            tokio::spawn(async move {
                let _g = locks.lock("a").await;
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!waiter.is_finished(), "a second holder of 'a'");
        drop(a);
        waiter.await.unwrap();
        drop(_b);
        assert_eq!(locks.len(), 0);
    }
}
