//! The replies a connection owes, in request order: each may be ready at once or wait (for
//! durability, a long poll), and each is written as soon as it and every one before it are
//! ready, whatever later ones wait for. Kafka responses and MQTT acknowledgements go through
//! it; any request/response protocol with pipelining needs the same.

use std::collections::VecDeque;
use std::future::Future;

use futures_util::future::{BoxFuture, FutureExt};
use futures_util::stream::{FuturesOrdered, StreamExt};

pub struct Replies<T> {
    /// Replies not yet ready, and ready ones queued behind them.
    waiting: FuturesOrdered<BoxFuture<'static, T>>,
    /// Replies ready to write, in order (every one before them is written or here).
    ready: VecDeque<T>,
}

impl<T> Default for Replies<T> {
    fn default() -> Self {
        Replies {
            waiting: FuturesOrdered::new(),
            ready: VecDeque::new(),
        }
    }
}

impl<T: Send + 'static> Replies<T> {
    /// A reply that is ready now; it goes out after those owed before it.
    pub fn push_ready(&mut self, reply: T) {
        if self.waiting.is_empty() {
            self.ready.push_back(reply);
        } else {
            self.waiting
                .push_back(futures_util::future::ready(reply).boxed());
        }
    }

    /// A reply that is ready once `reply` resolves.
    pub fn push_later(&mut self, reply: impl Future<Output = T> + Send + 'static) {
        self.waiting.push_back(reply.boxed());
    }

    /// Replies owed: waiting, or ready and not yet taken.
    pub fn len(&self) -> usize {
        self.waiting.len() + self.ready.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether some reply is not ready yet (only then is [`Replies::next_ready`] worth awaiting).
    pub fn waiting(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// Waits for the oldest waiting reply, then moves it and every reply behind it that is
    /// already done to the ready queue. Returns how many moved. Cancel-safe: a reply being
    /// waited for stays owed. Pending forever when nothing waits.
    pub async fn next_ready(&mut self) -> usize {
        let Some(first) = self.waiting.next().await else {
            return std::future::pending().await;
        };
        self.ready.push_back(first);
        let mut moved = 1;
        while let Some(Some(next)) = self.waiting.next().now_or_never() {
            self.ready.push_back(next);
            moved += 1;
        }
        moved
    }

    /// The next reply to write, if it is ready.
    pub fn pop_ready(&mut self) -> Option<T> {
        self.ready.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::oneshot;

    #[tokio::test]
    async fn replies_leave_in_request_order_as_soon_as_their_turn_is_ready() {
        let mut r: Replies<u32> = Replies::default();
        r.push_ready(1);
        let (tx2, rx2) = oneshot::channel();
        r.push_later(async move { rx2.await.unwrap_or(0) });
        r.push_ready(3);
        let (tx4, rx4) = oneshot::channel();
        r.push_later(async move { rx4.await.unwrap_or(0) });
        r.push_ready(5);
        assert_eq!(r.len(), 5);
        assert_eq!(r.pop_ready(), Some(1));
        assert_eq!(r.pop_ready(), None, "3 waits behind 2");
        assert!(r.waiting());
        tx4.send(4).unwrap();
        let none_yet = r.next_ready().now_or_never();
        assert!(none_yet.is_none(), "4 is done but 2 is not");
        tx2.send(2).unwrap();
        assert_eq!(r.next_ready().await, 4, "2, 3, 4 and 5 all go together");
        let out: Vec<u32> = std::iter::from_fn(|| r.pop_ready()).collect();
        assert_eq!(out, vec![2, 3, 4, 5]);
        assert!(r.is_empty() && !r.waiting());
        assert!(r.next_ready().now_or_never().is_none());
    }
}
