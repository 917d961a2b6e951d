//! The subscription index: a trie over topic levels whose `+` and `#` children are the
//! wildcards, so matching a topic visits only the branches that can match it.

use std::collections::HashMap;
use std::sync::Arc;

use crate::codec::SubscriptionOptions;

use super::session::Session;

/// One subscription of one session.
#[derive(Clone)]
pub struct Subscriber {
    pub session: Arc<Session>,
    pub options: SubscriptionOptions,
    pub id: Option<u32>,
}

#[derive(Default)]
struct Node {
    children: HashMap<String, Node>,
    /// Plain subscriptions ending here, by client id.
    plain: HashMap<String, Subscriber>,
    /// Shared subscriptions ending here: group -> members (client id -> subscriber).
    shared: HashMap<String, Vec<Subscriber>>,
}

impl Node {
    fn is_empty(&self) -> bool {
        self.children.is_empty() && self.plain.is_empty() && self.shared.is_empty()
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
    root: Node,
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
        let mut node = &mut self.root;
        for level in filter.split('/') {
            node = node.children.entry(level.to_string()).or_default();
        }
        let client = sub.session.client_id.clone();
        let added = match group {
            None => node.plain.insert(client, sub).is_none(),
            Some(g) => {
                let members = node.shared.entry(g.to_string()).or_default();
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
        let levels: Vec<&str> = filter.split('/').collect();
        let removed = remove_at(&mut self.root, &levels, group, client_id);
        if removed {
            self.count -= 1;
        }
        removed
    }

    /// Every subscription whose filter matches `topic`.
    pub fn matches(&self, topic: &str) -> Matches {
        let levels: Vec<&str> = topic.split('/').collect();
        let mut out = Matches::default();
        let mut path = Vec::new();
        collect(
            &self.root,
            &levels,
            0,
            topic.starts_with('$'),
            &mut path,
            &mut out,
        );
        out
    }
}

fn remove_at(node: &mut Node, levels: &[&str], group: Option<&str>, client: &str) -> bool {
    let Some((first, rest)) = levels.split_first() else {
        return match group {
            None => node.plain.remove(client).is_some(),
            Some(g) => {
                let Some(members) = node.shared.get_mut(g) else {
                    return false;
                };
                let before = members.len();
                members.retain(|m| m.session.client_id != client);
                let removed = members.len() != before;
                if members.is_empty() {
                    node.shared.remove(g);
                }
                removed
            }
        };
    };
    let Some(child) = node.children.get_mut(*first) else {
        return false;
    };
    let removed = remove_at(child, rest, group, client);
    if child.is_empty() {
        node.children.remove(*first);
    }
    removed
}

fn take(node: &Node, path: &[&str], out: &mut Matches) {
    out.plain.extend(node.plain.values().cloned());
    for (g, members) in &node.shared {
        out.shared
            .push(((g.clone(), path.join("/")), members.clone()));
    }
}

fn collect<'a>(
    node: &'a Node,
    levels: &[&str],
    depth: usize,
    dollar: bool,
    path: &mut Vec<&'a str>,
    out: &mut Matches,
) {
    // A leading wildcard never matches a `$` topic.
    let wild = !(dollar && depth == 0);
    if wild {
        if let Some((k, hash)) = node.children.get_key_value("#") {
            path.push(k);
            take(hash, path, out);
            path.pop();
        }
    }
    let Some((first, rest)) = levels.split_first() else {
        take(node, path, out);
        return;
    };
    if let Some((k, child)) = node.children.get_key_value(*first) {
        path.push(k);
        collect(child, rest, depth + 1, dollar, path, out);
        path.pop();
    }
    if wild {
        if let Some((k, child)) = node.children.get_key_value("+") {
            path.push(k);
            collect(child, rest, depth + 1, dollar, path, out);
            path.pop();
        }
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
        assert!(subs.root.is_empty());
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
