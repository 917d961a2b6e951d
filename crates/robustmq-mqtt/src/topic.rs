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
}

/// A PUBLISH topic name: non-empty, no wildcards, no NUL.
pub fn validate_name(name: &str) -> Result<(), TopicError> {
    if name.is_empty() {
        return Err(TopicError::Empty);
    }
    if name.contains('\0') {
        return Err(TopicError::Nul);
    }
    if name.contains(['+', '#']) {
        return Err(TopicError::WildcardInName);
    }
    Ok(())
}

/// A subscription filter: `+` only as a whole level, `#` only as the whole last level.
pub fn validate_filter(filter: &str) -> Result<(), TopicError> {
    if filter.is_empty() {
        return Err(TopicError::Empty);
    }
    if filter.contains('\0') {
        return Err(TopicError::Nul);
    }
    let levels: Vec<&str> = filter.split('/').collect();
    for (i, level) in levels.iter().enumerate() {
        let ok = match *level {
            "+" => true,
            "#" => i == levels.len() - 1,
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

pub fn parse_filter(raw: &str) -> Result<Filter<'_>, TopicError> {
    if let Some(rest) = raw.strip_prefix("$share/") {
        let Some((group, filter)) = rest.split_once('/') else {
            return Err(TopicError::BadShare(raw.to_string()));
        };
        if group.is_empty() || group.contains(['+', '#']) {
            return Err(TopicError::BadShare(raw.to_string()));
        }
        validate_filter(filter)?;
        return Ok(Filter {
            share_group: Some(group),
            filter,
        });
    }
    validate_filter(raw)?;
    Ok(Filter {
        share_group: None,
        filter: raw,
    })
}

/// Whether `filter` matches topic `name`. A leading wildcard does not match a name starting
/// with `$` (`$SYS/...`), as the spec requires.
pub fn matches(filter: &str, name: &str) -> bool {
    if name.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut f = filter.split('/');
    let mut n = name.split('/');
    loop {
        match (f.next(), n.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
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
        assert!(validate_filter("a/+/#").is_ok());
        assert!(validate_filter("a/b+").is_err());
        assert!(validate_filter("a/#/b").is_err());
        assert!(validate_filter("").is_err());
        assert_eq!(
            parse_filter("$share/g1/a/+").unwrap(),
            Filter {
                share_group: Some("g1"),
                filter: "a/+"
            }
        );
        assert!(parse_filter("$share/g1").is_err());
        assert!(parse_filter("$share//a").is_err());
        assert!(validate_name("a/+").is_err());
        assert!(validate_name("a/b").is_ok());
    }
}
