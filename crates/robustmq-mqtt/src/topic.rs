//! Topic names and filters (MQTT 5 section 4.7): validation, matching, shared subscriptions.

/// Why a topic name or filter is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    #[error("topic is empty")]
    Empty,
    #[error("topic contains a NUL character")]
    Nul,
    #[error("a topic name cannot contain wildcards (+ or #)")]
    WildcardInName,
    #[error("'{0}': + must be a whole level and # the whole last level")]
    BadWildcard(String),
    #[error("'{0}': a shared subscription is $share/<group>/<filter> with a non-empty group without wildcards")]
    BadShare(String),
    #[error("more than {0} topic levels (mqtt.max_topic_levels)")]
    TooDeep(usize),
}

/// Default of `mqtt.max_topic_levels`: deep enough for any real hierarchy, shallow enough that
/// walking the subscription trie stays far inside a runtime thread's stack.
pub const DEFAULT_MAX_LEVELS: usize = 128;

/// The largest `mqtt.max_topic_levels` the daemon accepts (see [`DEFAULT_MAX_LEVELS`]).
pub const MAX_LEVELS_LIMIT: usize = 1024;

/// Refuses a topic or filter with more than `max_levels` levels, counting without allocating.
fn check_depth(topic: &str, max_levels: usize) -> Result<(), TopicError> {
    // Levels = separators + 1; stop counting as soon as the limit is passed.
    if topic
        .bytes()
        .filter(|&b| b == b'/')
        .nth(max_levels.saturating_sub(1))
        .is_some()
    {
        return Err(TopicError::TooDeep(max_levels));
    }
    Ok(())
}

/// A PUBLISH topic name: non-empty, no wildcards, no NUL, at most `max_levels` levels.
pub fn validate_name(name: &str, max_levels: usize) -> Result<(), TopicError> {
    if name.is_empty() {
        return Err(TopicError::Empty);
    }
    if name.contains('\0') {
        return Err(TopicError::Nul);
    }
    if name.contains(['+', '#']) {
        return Err(TopicError::WildcardInName);
    }
    check_depth(name, max_levels)
}

/// A subscription filter: `+` only as a whole level, `#` only as the whole last level, at
/// most `max_levels` levels.
pub fn validate_filter(filter: &str, max_levels: usize) -> Result<(), TopicError> {
    if filter.is_empty() {
        return Err(TopicError::Empty);
    }
    if filter.contains('\0') {
        return Err(TopicError::Nul);
    }
    check_depth(filter, max_levels)?;
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        let ok = match level {
            "+" => true,
            "#" => levels.peek().is_none(),
            l => !l.contains(['+', '#']),
        };
        if !ok {
            return Err(TopicError::BadWildcard(filter.to_string()));
        }
    }
    Ok(())
}

/// A parsed subscription filter: `$share/<group>/<filter>` or a plain filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter<'a> {
    pub share_group: Option<&'a str>,
    pub filter: &'a str,
}

pub fn parse_filter(raw: &str, max_levels: usize) -> Result<Filter<'_>, TopicError> {
    if let Some(rest) = raw.strip_prefix("$share/") {
        let Some((group, filter)) = rest.split_once('/') else {
            return Err(TopicError::BadShare(raw.to_string()));
        };
        if group.is_empty() || group.contains(['+', '#']) {
            return Err(TopicError::BadShare(raw.to_string()));
        }
        validate_filter(filter, max_levels)?;
        return Ok(Filter {
            share_group: Some(group),
            filter,
        });
    }
    validate_filter(raw, max_levels)?;
    Ok(Filter {
        share_group: None,
        filter: raw,
    })
}

/// Whether `filter` matches topic `name`. A leading wildcard does not match a name starting
/// with `$` (`$SYS/...`), as the spec requires.
pub fn matches(filter: &str, name: &str) -> bool {
    <robustmq_trie::Mqtt as robustmq_trie::Rules>::matches(filter, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_follows_the_spec_examples() {
        let yes = [
            ("sport/tennis/player1/#", "sport/tennis/player1"),
            ("sport/tennis/player1/#", "sport/tennis/player1/ranking"),
            (
                "sport/tennis/player1/#",
                "sport/tennis/player1/score/wimbledon",
            ),
            ("sport/#", "sport"),
            ("#", "a/b"),
            ("sport/tennis/+", "sport/tennis/player1"),
            ("sport/+", "sport/"),
            ("+/+", "/finance"),
            ("/+", "/finance"),
            ("+", "a"),
            ("$SYS/#", "$SYS/broker/uptime"),
            ("$SYS/+/uptime", "$SYS/broker/uptime"),
        ];
        for (f, n) in yes {
            assert!(matches(f, n), "{f} should match {n}");
        }
        let no = [
            ("sport/tennis/+", "sport/tennis/player1/ranking"),
            ("sport/+", "sport"),
            ("+", "/finance"),
            ("#", "$SYS/broker"),
            ("+/monitor/Clients", "$SYS/monitor/Clients"),
            ("a/b", "a/b/c"),
            ("a/b/c", "a/b"),
        ];
        for (f, n) in no {
            assert!(!matches(f, n), "{f} should not match {n}");
        }
    }

    #[test]
    fn filters_and_shares_are_validated() {
        let max = DEFAULT_MAX_LEVELS;
        assert!(validate_filter("a/+/#", max).is_ok());
        assert!(validate_filter("a/b+", max).is_err());
        assert!(validate_filter("a/#/b", max).is_err());
        assert!(validate_filter("", max).is_err());
        assert_eq!(
            parse_filter("$share/g1/a/+", max).unwrap(),
            Filter {
                share_group: Some("g1"),
                filter: "a/+"
            }
        );
        assert!(parse_filter("$share/g1", max).is_err());
        assert!(parse_filter("$share//a", max).is_err());
        assert!(validate_name("a/+", max).is_err());
        assert!(validate_name("a/b", max).is_ok());
    }

    #[test]
    fn depth_is_capped_at_exactly_max_levels() {
        let at = "/".repeat(3); // 4 empty levels
        assert!(validate_name(&at, 4).is_ok());
        assert!(validate_filter(&at, 4).is_ok());
        assert_eq!(
            validate_name(&"/".repeat(4), 4),
            Err(TopicError::TooDeep(4))
        );
        assert_eq!(
            validate_filter(&format!("{}#", "a/".repeat(4)), 4),
            Err(TopicError::TooDeep(4))
        );
        assert!(validate_filter(&format!("{}#", "a/".repeat(3)), 4).is_ok());
        assert_eq!(
            parse_filter(&format!("$share/g/{}", "/".repeat(65_000)), 128),
            Err(TopicError::TooDeep(128))
        );
        assert!(validate_name("a", 1).is_ok());
        assert!(validate_name("a/b", 1).is_err());
    }
}
