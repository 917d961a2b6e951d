//! Which offsets of a queue's log are settled (acknowledged, rejected or purged): everything
//! below a floor, and ranges above it. Ranges keep the state small when acknowledgements
//! arrive out of order, as they do with several consumers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settled {
    /// Every offset below is settled.
    pub floor: i64,
    /// Settled ranges above the floor, start -> end (exclusive), never touching each other
    /// or the floor.
    pub above: BTreeMap<i64, i64>,
}

impl Settled {
    pub fn starting_at(floor: i64) -> Self {
        Settled {
            floor,
            above: BTreeMap::new(),
        }
    }

    pub fn contains(&self, offset: i64) -> bool {
        offset < self.floor
            || self
                .above
                .range(..=offset)
                .next_back()
                .is_some_and(|(_, &end)| offset < end)
    }

    /// Settles `[start, end)`.
    pub fn settle_range(&mut self, start: i64, end: i64) {
        let (mut start, mut end) = (start.max(self.floor), end);
        if start >= end {
            return;
        }
        // Merge with every range that overlaps or touches.
        if let Some((&s, &e)) = self.above.range(..=start).next_back() {
            if e >= start {
                start = s;
                end = end.max(e);
            }
        }
        let absorbed: Vec<i64> = self.above.range(start..=end).map(|(&s, _)| s).collect();
        for s in absorbed {
            if let Some(e) = self.above.remove(&s) {
                end = end.max(e);
            }
        }
        if start <= self.floor {
            self.floor = end;
        } else {
            self.above.insert(start, end);
        }
    }

    pub fn settle(&mut self, offset: i64) {
        self.settle_range(offset, offset + 1);
    }

    /// The first offset at or after `from` that is not settled.
    pub fn next_unsettled(&self, from: i64) -> i64 {
        let from = from.max(self.floor);
        match self.above.range(..=from).next_back() {
            Some((_, &end)) if from < end => end,
            _ => from,
        }
    }

    /// Settled offsets in `[from, to)`.
    pub fn count_in(&self, from: i64, to: i64) -> i64 {
        let below = (self.floor.min(to) - from).max(0);
        let above: i64 = self
            .above
            .iter()
            .map(|(&s, &e)| (e.min(to) - s.max(from)).max(0))
            .sum();
        below + above
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[test]
    fn out_of_order_settles_merge_into_the_floor() {
        let mut s = Settled::starting_at(10);
        s.settle(12);
        s.settle(14);
        assert!(s.contains(12) && !s.contains(11) && !s.contains(13));
        assert_eq!(s.next_unsettled(12), 13);
        s.settle(13);
        assert_eq!(s.above.len(), 1);
        s.settle(10);
        s.settle(11);
        assert_eq!(s.floor, 15);
        assert!(s.above.is_empty());
    }

    proptest! {
        #[test]
        fn agrees_with_a_set(ops in proptest::collection::vec(0i64..64, 0..80)) {
            let mut s = Settled::default();
            let mut set = BTreeSet::new();
            for o in ops {
                s.settle(o);
                set.insert(o);
                for x in 0..70 {
                    prop_assert_eq!(s.contains(x), set.contains(&x));
                }
                let first_gap = (0..).find(|x| !set.contains(x)).unwrap_or(0);
                prop_assert_eq!(s.next_unsettled(0), first_gap);
                prop_assert_eq!(s.count_in(0, 70), set.len() as i64);
            }
        }
    }
}
