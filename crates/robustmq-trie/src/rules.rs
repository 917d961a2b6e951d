//! Matching rules: how a pattern and a topic split into words, and what the wildcards mean.

/// A pattern language for [`crate::Trie`].
pub trait Rules {
    /// The word that matches exactly one word of a topic.
    const ONE: &'static str;
    /// The word that matches several: the rest of the topic (MQTT), or zero or more words
    /// anywhere (AMQP, [`Rules::MANY_ANYWHERE`]).
    const MANY: &'static str;
    /// `MANY` may stand anywhere in a pattern and match zero or more words there.
    const MANY_ANYWHERE: bool;

    /// The words of a pattern or topic.
    fn words(s: &str) -> impl Iterator<Item = &str>;

    /// Whether a wildcard first word may match `topic`.
    fn wildcards_match_first(_topic: &str) -> bool {
        true
    }

    /// Whether `pattern` matches `topic`, word by word with no trie: the reference the trie is
    /// tested against.
    fn matches(pattern: &str, topic: &str) -> bool;
}

/// MQTT topic filters (spec 4.7): `/` levels, `+` one level, `#` last and matching the parent
/// level and everything below it; a topic starting with `$` is matched by no filter starting
/// with a wildcard.
pub struct Mqtt;

impl Rules for Mqtt {
    const ONE: &'static str = "+";
    const MANY: &'static str = "#";
    const MANY_ANYWHERE: bool = false;

    fn words(s: &str) -> impl Iterator<Item = &str> {
        s.split('/')
    }

    fn wildcards_match_first(topic: &str) -> bool {
        !topic.starts_with('$')
    }

    fn matches(filter: &str, topic: &str) -> bool {
        if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
            return false;
        }
        let mut f = filter.split('/');
        let mut t = topic.split('/');
        loop {
            match (f.next(), t.next()) {
                (Some("#"), _) => return true,
                (Some("+"), Some(_)) => {}
                (Some(a), Some(b)) if a == b => {}
                (None, None) => return true,
                _ => return false,
            }
        }
    }
}

/// AMQP 0-9-1 topic exchange binding keys (as RabbitMQ): `.`-separated words, `*` exactly one
/// word, `#` zero or more words, anywhere. An empty routing key has no words.
pub struct Amqp;

impl Rules for Amqp {
    const ONE: &'static str = "*";
    const MANY: &'static str = "#";
    const MANY_ANYWHERE: bool = true;

    fn words(s: &str) -> impl Iterator<Item = &str> {
        s.split('.').filter(move |_| !s.is_empty())
    }

    fn matches(pattern: &str, topic: &str) -> bool {
        let p: Vec<&str> = Self::words(pattern).collect();
        let t: Vec<&str> = Self::words(topic).collect();
        // can[j]: the pattern words so far can match the first j topic words.
        let mut can = vec![false; t.len() + 1];
        can[0] = true;
        for word in p {
            let mut next = vec![false; t.len() + 1];
            for j in 0..=t.len() {
                next[j] = match word {
                    "#" => can[j] || (j > 0 && next[j - 1]),
                    "*" => j > 0 && can[j - 1],
                    w => j > 0 && can[j - 1] && t[j - 1] == w,
                };
            }
            can = next;
        }
        can[t.len()]
    }
}
