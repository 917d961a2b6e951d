//! The broker core's ACLs ([`robustmq_broker::acl`]) applied to MQTT: a topic binding names
//! MQTT topic names as it names Kafka topics, so one rule set covers both protocols. PUBLISH
//! (and a will) needs WRITE on the topic name; SUBSCRIBE needs READ on the filter's text, and
//! a wildcard filter is refused when a DENY of READ covers a topic it could match.

use std::net::SocketAddr;

use robustmq_broker::acl::{self, AclBinding, Acls, Operation, PatternType, ResourceType};

use crate::topic;

/// Who a connection is, for ACLs: made once at CONNECT, and only when ACLs are on (a
/// connection without one is never checked).
#[derive(Debug)]
pub struct Identity {
    /// `User:<username>`, or `User:ANONYMOUS`.
    pub principal: String,
    /// The client's address as bindings name hosts.
    pub host: String,
}

impl Identity {
    pub fn of(acls: &Acls, username: Option<&str>, peer: SocketAddr) -> Option<Box<Identity>> {
        acls.enabled().then(|| {
            Box::new(Identity {
                principal: username.map_or_else(|| acl::ANONYMOUS.to_string(), acl::user_principal),
                host: peer.ip().to_string(),
            })
        })
    }

    pub fn may_publish(&self, acls: &Acls, name: &str) -> bool {
        may_publish(acls, &self.principal, &self.host, name)
    }

    pub fn may_subscribe(&self, acls: &Acls, filter: &str) -> bool {
        may_subscribe(acls, &self.principal, &self.host, filter)
    }
}

/// Whether `principal` connected from `host` may publish to topic `name`.
pub fn may_publish(acls: &Acls, principal: &str, host: &str, name: &str) -> bool {
    acls.allows(principal, host, Operation::Write, ResourceType::Topic, name)
}

/// Whether `principal` connected from `host` may subscribe to `filter` (without any
/// `$share/<group>/` prefix).
pub fn may_subscribe(acls: &Acls, principal: &str, host: &str, filter: &str) -> bool {
    if !acls.allows(
        principal,
        host,
        Operation::Read,
        ResourceType::Topic,
        filter,
    ) {
        return false;
    }
    if !filter.contains(['+', '#']) {
        return true;
    }
    !acls.denied_where(principal, host, Operation::Read, ResourceType::Topic, |b| {
        could_match(filter, b)
    })
}

/// Whether wildcard `filter` could match a topic `b` names: a literal name it matches, or a
/// prefix that overlaps the filter's text before its first wildcard (either way round, so a
/// denied subtree is never reachable through a broader filter).
fn could_match(filter: &str, b: &AclBinding) -> bool {
    match b.pattern_type {
        PatternType::Literal => b.resource_name == "*" || topic::matches(filter, &b.resource_name),
        PatternType::Prefixed => {
            let fixed = filter.find(['+', '#']).map_or(filter, |at| &filter[..at]);
            fixed.starts_with(b.resource_name.as_str()) || b.resource_name.starts_with(fixed)
        }
        PatternType::Any | PatternType::Match => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use robustmq_broker::acl::{AclConfig, Permission};
    use std::sync::Arc;

    fn acls(bindings: &[(&str, PatternType, Operation, Permission)]) -> (tempfile::TempDir, Acls) {
        let dir = tempfile::tempdir().unwrap();
        let meta: Arc<dyn robustmq_meta::MetaStore> =
            Arc::new(robustmq_meta::RocksMeta::open(dir.path()).unwrap());
        let config = AclConfig {
            enabled: true,
            super_users: vec!["User:root".into()],
            allow_everyone_if_no_acl_found: false,
        };
        let acls = Acls::load(meta, config).unwrap();
        for (name, pattern, op, perm) in bindings {
            acls.create(AclBinding {
                resource_type: ResourceType::Topic,
                resource_name: name.to_string(),
                pattern_type: *pattern,
                principal: "User:alice".into(),
                host: "*".into(),
                operation: *op,
                permission: *perm,
            })
            .unwrap();
        }
        (dir, acls)
    }

    #[test]
    fn publish_and_subscribe_follow_topic_bindings() {
        use Operation::*;
        use PatternType::*;
        use Permission::*;
        let (_d, a) = acls(&[
            ("sensors/", Prefixed, Read, Allow),
            ("sensors/", Prefixed, Write, Allow),
            ("sensors/secret", Literal, Read, Deny),
            ("vault/", Prefixed, Read, Deny),
            ("#", Literal, Read, Allow),
        ]);
        let ok_sub = |f: &str| may_subscribe(&a, "User:alice", "1.2.3.4", f);
        assert!(may_publish(&a, "User:alice", "h", "sensors/a"));
        assert!(!may_publish(&a, "User:alice", "h", "other/a"));
        assert!(!may_publish(&a, "User:bob", "h", "sensors/a"));
        assert!(may_publish(&a, "User:root", "h", "anything"));
        assert!(ok_sub("sensors/a"));
        assert!(ok_sub("sensors/+/temp"));
        assert!(!ok_sub("sensors/secret"));
        // Wildcards that could reach a denied topic are refused.
        assert!(!ok_sub("sensors/#"));
        assert!(!ok_sub("sensors/+"));
        // "#" is allowed by its text, but covers the denied vault/ subtree.
        assert!(!ok_sub("#"));
        assert!(!ok_sub("other/x"));
        assert!(may_subscribe(&a, "User:root", "h", "#"));
    }
}
