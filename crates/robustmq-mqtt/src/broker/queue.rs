//! A session's in-memory queue and in-flight window, each counting the bytes it holds, so a
//! subscriber that stops reading is bounded by `mqtt.max_queued_bytes` and not only by a
//! message count (10,000 queued 10 MiB messages would be 100 GB).

use std::collections::{BTreeMap, VecDeque};

use super::session::{Delivery, Inflight};

/// Bytes a queued delivery is counted as: its payload and topic plus the bookkeeping around
/// them. A message shared by many sessions counts in each, which only errs on the safe side.
pub fn weight(d: &Delivery) -> usize {
    const OVERHEAD: usize = 64;
    d.message.payload.len() + d.message.topic.len() + OVERHEAD
}

/// Deliveries waiting for the window, oldest first.
#[derive(Debug, Default)]
pub struct DeliveryQueue {
    items: VecDeque<Delivery>,
    bytes: usize,
}

impl DeliveryQueue {
    pub fn push_back(&mut self, d: Delivery) {
        self.bytes += weight(&d);
        self.items.push_back(d);
    }

    pub fn push_front(&mut self, d: Delivery) {
        self.bytes += weight(&d);
        self.items.push_front(d);
    }

    pub fn pop_front(&mut self) -> Option<Delivery> {
        let d = self.items.pop_front()?;
        self.bytes = self.bytes.saturating_sub(weight(&d));
        Some(d)
    }

    pub fn front(&self) -> Option<&Delivery> {
        self.items.front()
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Delivery>) {
        for d in ds {
            self.push_back(d);
        }
    }

    pub fn clear(&mut self) {
        self.items.clear();
        self.bytes = 0;
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn iter(&self) -> impl Iterator<Item = &Delivery> {
        self.items.iter()
    }
}

/// Outbound QoS 1/2 messages by packet id, until the client acknowledges them.
#[derive(Debug, Default)]
pub struct InflightWindow {
    items: BTreeMap<u16, Inflight>,
    bytes: usize,
}

impl InflightWindow {
    pub fn insert(&mut self, id: u16, f: Inflight) {
        self.bytes += weight(&f.delivery);
        if let Some(old) = self.items.insert(id, f) {
            self.bytes = self.bytes.saturating_sub(weight(&old.delivery));
        }
    }

    pub fn remove(&mut self, id: &u16) -> Option<Inflight> {
        let f = self.items.remove(id)?;
        self.bytes = self.bytes.saturating_sub(weight(&f.delivery));
        Some(f)
    }

    pub fn get(&self, id: &u16) -> Option<&Inflight> {
        self.items.get(id)
    }

    /// Marks `id` as released (PUBREC received); false when it is not in flight.
    pub fn release(&mut self, id: &u16) -> bool {
        match self.items.get_mut(id) {
            Some(f) => {
                f.released = true;
                true
            }
            None => false,
        }
    }

    pub fn contains_key(&self, id: &u16) -> bool {
        self.items.contains_key(id)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn iter(&self) -> impl Iterator<Item = (&u16, &Inflight)> {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::session::tests::delivery_of;

    #[test]
    fn the_queue_counts_what_it_holds() {
        let mut q = DeliveryQueue::default();
        q.push_back(delivery_of(1000));
        q.push_front(delivery_of(10));
        q.extend([delivery_of(5), delivery_of(0)]);
        let all: usize = q.iter().map(weight).sum();
        assert_eq!(q.bytes(), all);
        assert_eq!(q.pop_front().map(|d| d.message.payload.len()), Some(10));
        assert_eq!(q.bytes(), all - weight(&delivery_of(10)));
        q.clear();
        assert_eq!((q.len(), q.bytes()), (0, 0));
    }

    #[test]
    fn the_window_counts_what_it_holds_and_a_replaced_id_once() {
        let mut w = InflightWindow::default();
        let f = |n| Inflight {
            delivery: delivery_of(n),
            released: false,
        };
        w.insert(1, f(100));
        w.insert(2, f(200));
        w.insert(1, f(300));
        assert_eq!(
            w.bytes(),
            weight(&delivery_of(300)) + weight(&delivery_of(200))
        );
        assert!(w.release(&2));
        assert!(!w.release(&9));
        assert!(w.get(&2).is_some_and(|f| f.released));
        assert!(w.remove(&2).is_some());
        assert!(w.remove(&2).is_none());
        assert_eq!(w.bytes(), weight(&delivery_of(300)));
        w.remove(&1);
        assert_eq!((w.len(), w.bytes()), (0, 0));
    }
}
