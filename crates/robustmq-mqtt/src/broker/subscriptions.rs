//! The subscription index: a [`Trie`] with MQTT's rules over topic levels, so matching a topic
//! visits only the branches that can match it (iteratively, whatever the depth).

use std::collections::HashMap;
use std::sync::Arc;

use robustmq_trie::{Mqtt, Trie};

use crate::codec::SubscriptionOptions;

use super::session::Session;

/// One subscription of one session.
#[derive(Clone)]
pub struct Subscriber {
    pub session: Arc<Session>,
    pub options: SubscriptionOptions,
    pub id: Option<u32>,
}

/// The subscriptions of one filter.
struct Entry {
    filter: String,
    /// Plain subscriptions, by client id.
    plain: HashMap<String, Subscriber>,
    /// Shared subscriptions: group -> members.
    shared: HashMap<String, Vec<Subscriber>>,
}

impl Entry {
    fn is_empty(&self) -> bool {
        self.plain.is_empty() && self.shared.is_empty()
    }
}

/// What matched a topic: every plain subscriber and, per shared group, its members.
#[derive(Default)]
pub struct Matches {
    pub plain: Vec<Subscriber>,
    /// (group, filter) and the members of that group on that filter.
    pub shared: Vec<((String, String), Vec<Subscriber>)>,
}

#[derive(Default)]
pub struct Subscriptions {
    trie: Trie<Mqtt, Entry>,
    count: usize,
}

impl Subscriptions {
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Adds or replaces the subscription of `sub.session` to `filter` (in `group` if shared).
    pub fn insert(&mut self, filter: &str, group: Option<&str>, sub: Subscriber) {
        let entry = self.trie.get_or_insert_with(filter, || Entry {
            filter: filter.to_string(),
            plain: HashMap::new(),
            shared: HashMap::new(),
        });
        let client = sub.session.client_id.clone();
        let added = match group {
            None => entry.plain.insert(client, sub).is_none(),
            Some(g) => {
                let members = entry.shared.entry(g.to_string()).or_default();
                match members.iter_mut().find(|m| m.session.client_id == client) {
                    Some(m) => {
                        *m = sub;
                        false
                    }
                    None => {
                        members.push(sub);
                        true
                    }
                }
            }
        };
        if added {
            self.count += 1;
        }
    }

    /// Removes one subscription; true when it existed.
    pub fn remove(&mut self, filter: &str, group: Option<&str>, client_id: &str) -> bool {
        let change = |e: &mut Entry| match group {
            None => e.plain.remove(client_id).is_some(),
            Some(g) => {
                let Some(members) = e.shared.get_mut(g) else {
                    return false;
                };
                let before = members.len();
                members.retain(|m| m.session.client_id != client_id);
                let removed = members.len() != before;
                if members.is_empty() {
                    e.shared.remove(g);
                }
                removed
            }
        };
        let removed = self
            .trie
            .update(filter, change, Entry::is_empty)
            .unwrap_or(false);
        if removed {
            self.count -= 1;
        }
        removed
    }

    /// Every subscription whose filter matches `topic`.
    pub fn matches(&self, topic: &str) -> Matches {
        let mut out = Matches::default();
        self.trie.for_each_match(topic, |e| {
            out.plain.extend(e.plain.values().cloned());
            for (g, members) in &e.shared {
                out.shared
                    .push(((g.clone(), e.filter.clone()), members.clone()));
            }
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::QoS;
    use crate::topic;

    fn sub(client: &str) -> Subscriber {
        Subscriber {
            session: Arc::new(Session::new(client.to_string(), 0)),
            options: SubscriptionOptions {
                qos: QoS::AtLeastOnce,
                ..Default::default()
            },
            id: None,
        }
    }

    fn clients(m: &Matches) -> Vec<String> {
        let mut v: Vec<String> = m
            .plain
            .iter()
            .map(|s| s.session.client_id.clone())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn the_trie_agrees_with_the_matching_rule() {
        let filters = [
            "#", "+", "a", "a/#", "a/+", "a/b", "+/b", "+/+", "a/b/#", "$SYS/#", "$SYS/+", "/+",
            "+/#", "a/+/c",
        ];
        let mut subs = Subscriptions::default();
        for f in filters {
            subs.insert(f, None, sub(f));
        }
        assert_eq!(subs.len(), filters.len());
        for t in [
            "a", "a/b", "a/b/c", "/x", "$SYS/up", "$SYS", "b", "a/x/c", "a/",
        ] {
            let mut want: Vec<String> = filters
                .iter()
                .filter(|f| topic::matches(f, t))
                .map(|f| f.to_string())
                .collect();
            want.sort();
            assert_eq!(clients(&subs.matches(t)), want, "topic {t}");
        }
        for f in filters {
            assert!(subs.remove(f, None, f));
        }
        assert!(subs.is_empty());
        assert_eq!(subs.trie.nodes(), 1, "every node pruned");
    }

    #[test]
    fn shared_groups_list_their_members_once_per_filter() {
        let mut subs = Subscriptions::default();
        subs.insert("s/+", Some("g"), sub("c1"));
        subs.insert("s/+", Some("g"), sub("c2"));
        subs.insert("s/#", Some("g"), sub("c3"));
        let m = subs.matches("s/1");
        assert!(m.plain.is_empty());
        let mut groups: Vec<(String, usize)> = m
            .shared
            .iter()
            .map(|((_, f), ms)| (f.clone(), ms.len()))
            .collect();
        groups.sort();
        assert_eq!(groups, vec![("s/#".to_string(), 1), ("s/+".to_string(), 2)]);
        assert!(subs.remove("s/+", Some("g"), "c1"));
        assert!(!subs.remove("s/+", Some("g"), "c1"));
        assert_eq!(subs.len(), 2);
    }
}
