//! A topic trie generic over its matching rules, shared by every protocol that routes by
//! pattern: MQTT subscriptions (`/`-separated levels, `+` one level, `#` the rest, and no
//! leading wildcard matches a `$` topic) and AMQP topic-exchange bindings (`.`-separated
//! words, `*` one word, `#` zero or more words anywhere).
//!
//! Every walk is iterative (an explicit stack), so a pattern or topic of any depth costs heap,
//! never stack: a recursive walk over a 65,000-level filter once overflowed the daemon's stack.
//! Matching visits only branches that can match. Each pattern's value is reported once per
//! topic, even where `#` could match it in several ways.

use std::collections::{HashMap, HashSet};
use std::marker::PhantomData;

mod rules;

pub use rules::{Amqp, Mqtt, Rules};

struct Node<T> {
    children: HashMap<String, Node<T>>,
    value: Option<T>,
}

impl<T> Default for Node<T> {
    fn default() -> Self {
        Node {
            children: HashMap::new(),
            value: None,
        }
    }
}

/// Drops a subtree node by node: the derived drop would recurse once per level.
fn dispose<T>(node: Node<T>) {
    let mut stack = vec![node];
    while let Some(mut n) = stack.pop() {
        stack.extend(n.children.drain().map(|(_, child)| child));
    }
}

/// Patterns of rule set `R`, each with a value `T`.
pub struct Trie<R: Rules, T> {
    root: Node<T>,
    patterns: usize,
    rules: PhantomData<R>,
}

impl<R: Rules, T> Default for Trie<R, T> {
    fn default() -> Self {
        Trie {
            root: Node::default(),
            patterns: 0,
            rules: PhantomData,
        }
    }
}

impl<R: Rules, T> Drop for Trie<R, T> {
    fn drop(&mut self) {
        dispose(std::mem::take(&mut self.root));
    }
}

impl<R: Rules, T> Trie<R, T> {
    /// Patterns that hold a value.
    pub fn len(&self) -> usize {
        self.patterns
    }

    pub fn is_empty(&self) -> bool {
        self.patterns == 0
    }

    /// The value of `pattern`, created with `make` when it has none.
    pub fn get_or_insert_with(&mut self, pattern: &str, make: impl FnOnce() -> T) -> &mut T {
        let mut node = &mut self.root;
        for word in R::words(pattern) {
            node = node.children.entry(word.to_string()).or_default();
        }
        if node.value.is_none() {
            self.patterns += 1;
        }
        node.value.get_or_insert_with(make)
    }

    /// The value of `pattern`, if it has one.
    pub fn get(&self, pattern: &str) -> Option<&T> {
        let mut node = &self.root;
        for word in R::words(pattern) {
            node = node.children.get(word)?;
        }
        node.value.as_ref()
    }

    /// Changes the value of `pattern` with `change`; when `is_empty` then holds for it, the
    /// value is dropped and so is every node left with nothing. `None` when there is no value.
    pub fn update<U>(
        &mut self,
        pattern: &str,
        change: impl FnOnce(&mut T) -> U,
        is_empty: impl FnOnce(&T) -> bool,
    ) -> Option<U> {
        self.edit(pattern, |v| {
            let out = change(v);
            let empty = is_empty(v);
            (out, empty)
        })
        .map(|(out, _)| out)
    }

    /// Removes the value of `pattern` (and the nodes left empty), returning it.
    pub fn remove(&mut self, pattern: &str) -> Option<T> {
        self.edit(pattern, |_| ((), true)).and_then(|(_, v)| v)
    }

    /// Applies `change` to the value of `pattern`; when it says the value is now empty, takes
    /// the value out and prunes the nodes left with nothing, iteratively.
    fn edit<U>(
        &mut self,
        pattern: &str,
        change: impl FnOnce(&mut T) -> (U, bool),
    ) -> Option<(U, Option<T>)> {
        let words: Vec<&str> = R::words(pattern).collect();
        // The deepest node on the path that stays whatever happens below it: the root, or one
        // with a value or another child. Below it the path holds only this pattern.
        let mut keep = 0;
        let mut node = &mut self.root;
        for (depth, word) in words.iter().enumerate() {
            if depth == 0 || node.value.is_some() || node.children.len() > 1 {
                keep = depth;
            }
            node = node.children.get_mut(*word)?;
        }
        let (out, empty) = change(node.value.as_mut()?);
        if !empty {
            return Some((out, None));
        }
        let taken = node.value.take();
        self.patterns -= 1;
        if !node.children.is_empty() || words.is_empty() {
            return Some((out, taken));
        }
        let mut node = &mut self.root;
        for word in &words[..keep] {
            match node.children.get_mut(*word) {
                Some(child) => node = child,
                None => return Some((out, taken)),
            }
        }
        if let Some(cut) = node.children.remove(words[keep]) {
            dispose(cut);
        }
        Some((out, taken))
    }

    /// Nodes in the trie, the root included (for tests: pruning leaves none behind).
    pub fn nodes(&self) -> usize {
        let mut n = 0;
        let mut stack = vec![&self.root];
        while let Some(node) = stack.pop() {
            n += 1;
            stack.extend(node.children.values());
        }
        n
    }

    /// Calls `found` once with the value of every pattern that matches `topic`.
    pub fn for_each_match<'a>(&'a self, topic: &str, mut found: impl FnMut(&'a T)) {
        let words: Vec<&str> = R::words(topic).collect();
        let root_wild = R::wildcards_match_first(topic);
        // (node, index of the next topic word).
        let mut stack: Vec<(&Node<T>, usize)> = vec![(&self.root, 0)];
        let mut seen: HashSet<(*const Node<T>, usize)> = HashSet::new();
        let mut reported: HashSet<*const Node<T>> = HashSet::new();
        let mut report = |n: &'a Node<T>, found: &mut dyn FnMut(&'a T)| {
            if let Some(v) = &n.value {
                if !R::MANY_ANYWHERE || reported.insert(n as *const _) {
                    found(v);
                }
            }
        };
        while let Some((node, at)) = stack.pop() {
            if R::MANY_ANYWHERE && !seen.insert((node as *const _, at)) {
                continue;
            }
            let wild = root_wild || !std::ptr::eq(node, &self.root);
            if wild {
                if let Some(many) = node.children.get(R::MANY) {
                    if R::MANY_ANYWHERE {
                        // Zero or more words, then whatever follows the `#`.
                        for next in at..=words.len() {
                            stack.push((many, next));
                        }
                    } else {
                        // The rest of the topic, including none of it.
                        report(many, &mut found);
                    }
                }
            }
            let Some(word) = words.get(at) else {
                report(node, &mut found);
                continue;
            };
            // A topic word spelled like a wildcard (a Kafka-written key, say) is matched by the
            // wildcard branches only, so no pattern is reached twice.
            if *word != R::ONE && *word != R::MANY {
                if let Some(child) = node.children.get(*word) {
                    stack.push((child, at + 1));
                }
            }
            if wild {
                if let Some(one) = node.children.get(R::ONE) {
                    stack.push((one, at + 1));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn matched<R: Rules>(trie: &Trie<R, String>, topic: &str) -> Vec<String> {
        let mut out = Vec::new();
        trie.for_each_match(topic, |p| out.push(p.clone()));
        out.sort();
        out
    }

    fn naive<R: Rules>(patterns: &[String], topic: &str) -> Vec<String> {
        let mut out: Vec<String> = patterns
            .iter()
            .filter(|p| R::matches(p, topic))
            .cloned()
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn check<R: Rules>(patterns: &[String], topics: &[String]) -> Result<(), TestCaseError> {
        let mut trie: Trie<R, String> = Trie::default();
        for p in patterns {
            trie.get_or_insert_with(p, || p.clone());
        }
        for t in topics {
            prop_assert_eq!(matched(&trie, t), naive::<R>(patterns, t), "topic {:?}", t);
        }
        for p in patterns {
            trie.remove(p);
        }
        prop_assert!(trie.is_empty());
        prop_assert_eq!(trie.nodes(), 1, "pruning left nodes behind");
        Ok(())
    }

    /// Words from a small alphabet so that patterns and topics meet often.
    fn words(sep: &'static str, wild: &'static [&'static str]) -> impl Strategy<Value = String> {
        let word = prop_oneof![
            4 => prop::sample::select(vec!["a", "b", "", "$x"]),
            2 => prop::sample::select(wild.to_vec()),
        ];
        prop::collection::vec(word, 0..5).prop_map(move |w| w.join(sep))
    }

    fn mqtt_filter() -> impl Strategy<Value = String> {
        // Valid filters: `#` only last, wildcards whole levels.
        (words("/", &["+"]), any::<bool>()).prop_map(|(f, hash)| match (f.is_empty(), hash) {
            (true, _) => "#".to_string(),
            (false, true) => format!("{f}/#"),
            (false, false) => f,
        })
    }

    proptest! {
        #[test]
        fn mqtt_trie_agrees_with_the_naive_matcher(
            patterns in prop::collection::vec(mqtt_filter(), 1..12),
            topics in prop::collection::vec(words("/", &["+", "#"]), 1..12),
        ) {
            check::<Mqtt>(&patterns, &topics)?;
        }

        #[test]
        fn amqp_trie_agrees_with_the_naive_matcher(
            patterns in prop::collection::vec(words(".", &["*", "#"]), 1..12),
            topics in prop::collection::vec(words(".", &["*", "#"]), 1..12),
        ) {
            check::<Amqp>(&patterns, &topics)?;
        }
    }

    #[test]
    fn mqtt_rules_follow_the_spec_examples() {
        let yes = [
            ("sport/tennis/player1/#", "sport/tennis/player1"),
            ("sport/#", "sport"),
            ("#", "a/b"),
            ("sport/+", "sport/"),
            ("+/+", "/finance"),
            ("$SYS/#", "$SYS/broker/uptime"),
        ];
        let no = [
            ("sport/+", "sport"),
            ("#", "$SYS/x"),
            ("+/monitor", "$SYS/monitor"),
        ];
        for (f, t) in yes {
            assert!(Mqtt::matches(f, t), "{f} {t}");
        }
        for (f, t) in no {
            assert!(!Mqtt::matches(f, t), "{f} {t}");
        }
    }

    #[test]
    fn amqp_rules_follow_rabbitmq() {
        let yes = [
            ("#", ""),
            ("#", "a.b.c"),
            ("a.#", "a"),
            ("#.c", "a.b.c"),
            ("a.#.c", "a.c"),
            ("a.*.c", "a.b.c"),
            ("*.#", "a"),
            ("#.#", "a.b"),
        ];
        let no = [
            ("*", ""),
            ("a.*", "a"),
            ("a.*.c", "a.c"),
            ("*.*", "a"),
            ("a", "a.b"),
        ];
        for (p, t) in yes {
            assert!(Amqp::matches(p, t), "{p} {t}");
        }
        for (p, t) in no {
            assert!(!Amqp::matches(p, t), "{p} {t}");
        }
    }

    #[test]
    fn a_pattern_of_100000_levels_costs_no_stack() {
        let deep = "a/".repeat(100_000) + "#";
        let mut trie: Trie<Mqtt, u8> = Trie::default();
        *trie.get_or_insert_with(&deep, || 1) = 2;
        let mut n = 0;
        trie.for_each_match(&"a/".repeat(100_001), |_| n += 1);
        assert_eq!(n, 1);
        assert_eq!(trie.remove(&deep), Some(2));
        assert_eq!(trie.nodes(), 1);
        // Dropping a deep trie recurses in HashMap's drop: the trie drops itself iteratively.
        let mut trie: Trie<Amqp, u8> = Trie::default();
        trie.get_or_insert_with(&"x.".repeat(100_000), || 0);
        drop(trie);
    }

    #[test]
    fn update_keeps_or_prunes_as_told() {
        let mut trie: Trie<Mqtt, Vec<u8>> = Trie::default();
        trie.get_or_insert_with("a/b", Vec::new).push(1);
        trie.get_or_insert_with("a", Vec::new).push(2);
        assert_eq!(
            trie.update("a/b", |v| v.push(3), |v| v.is_empty()),
            Some(())
        );
        assert_eq!(trie.get("a/b"), Some(&vec![1, 3]));
        assert_eq!(
            trie.update("a/b", |v| v.clear(), |v| v.is_empty()),
            Some(())
        );
        assert_eq!(trie.get("a/b"), None);
        assert_eq!(trie.update("a/x", |v| v.clear(), |v| v.is_empty()), None);
        assert_eq!((trie.len(), trie.nodes()), (1, 2));
    }
}
