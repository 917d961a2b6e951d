//! Access control lists as Kafka defines them (KIP-290 prefixed patterns included): a binding
//! allows or denies a principal, from a host, an operation on a resource (a topic, group,
//! transactional id or the cluster) named literally or by prefix. The rules of the decision
//! are Kafka's `AclAuthorizer`: a matching DENY wins; otherwise a matching ALLOW is needed,
//! where READ, WRITE, DELETE and ALTER also allow DESCRIBE and ALTER_CONFIGS also allows
//! DESCRIBE_CONFIGS; a resource no binding names is denied unless
//! `allow_everyone_if_no_acl_found`; super users are always allowed.
//!
//! This module is the model and the decision, pure; [`Acls`] keeps the bindings in meta.

use std::sync::RwLock;

use robustmq_meta::MetaStore;
use serde::{Deserialize, Serialize};

use crate::{BrokerError, Result};

/// The name the cluster resource must have.
pub const CLUSTER_NAME: &str = "kafka-cluster";
/// Meta namespace of the bindings.
const NS: &str = "acl";
/// Bindings a node keeps at most.
pub const MAX_BINDINGS: usize = 100_000;

macro_rules! kafka_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:expr),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($variant),* }

        impl $name {
            pub fn code(self) -> i8 {
                match self { $($name::$variant => $code),* }
            }

            pub fn from_code(code: i8) -> Option<$name> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }
        }
    };
}

kafka_enum!(
    /// What a binding is about (Kafka's resource type codes).
    ResourceType { Any = 1, Topic = 2, Group = 3, Cluster = 4, TransactionalId = 5 }
);
kafka_enum!(
    /// How a binding's name matches (Match is for filters only: what applies to a name).
    PatternType { Any = 1, Match = 2, Literal = 3, Prefixed = 4 }
);
kafka_enum!(
    /// What a binding allows or denies.
    Operation {
        Any = 1, All = 2, Read = 3, Write = 4, Create = 5, Delete = 6, Alter = 7, Describe = 8,
        ClusterAction = 9, DescribeConfigs = 10, AlterConfigs = 11, IdempotentWrite = 12,
    }
);
kafka_enum!(
    Permission { Any = 1, Deny = 2, Allow = 3 }
);

impl ResourceType {
    pub fn name(self) -> &'static str {
        match self {
            ResourceType::Any => "any",
            ResourceType::Topic => "topic",
            ResourceType::Group => "group",
            ResourceType::Cluster => "cluster",
            ResourceType::TransactionalId => "transactional-id",
        }
    }

    pub fn parse(s: &str) -> Option<ResourceType> {
        [
            ResourceType::Any,
            ResourceType::Topic,
            ResourceType::Group,
            ResourceType::Cluster,
            ResourceType::TransactionalId,
        ]
        .into_iter()
        .find(|r| r.name().eq_ignore_ascii_case(s))
    }
}

impl PatternType {
    pub fn name(self) -> &'static str {
        match self {
            PatternType::Any => "any",
            PatternType::Match => "match",
            PatternType::Literal => "literal",
            PatternType::Prefixed => "prefixed",
        }
    }

    pub fn parse(s: &str) -> Option<PatternType> {
        [
            PatternType::Any,
            PatternType::Match,
            PatternType::Literal,
            PatternType::Prefixed,
        ]
        .into_iter()
        .find(|p| p.name().eq_ignore_ascii_case(s))
    }
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Operation::Any => "any",
            Operation::All => "all",
            Operation::Read => "read",
            Operation::Write => "write",
            Operation::Create => "create",
            Operation::Delete => "delete",
            Operation::Alter => "alter",
            Operation::Describe => "describe",
            Operation::ClusterAction => "cluster-action",
            Operation::DescribeConfigs => "describe-configs",
            Operation::AlterConfigs => "alter-configs",
            Operation::IdempotentWrite => "idempotent-write",
        }
    }

    pub fn parse(s: &str) -> Option<Operation> {
        (1..=12)
            .filter_map(Operation::from_code)
            .find(|o| o.name().eq_ignore_ascii_case(&s.replace('_', "-")))
    }

    /// Whether a binding for `self` allows `wanted`.
    fn allows(self, wanted: Operation) -> bool {
        self == wanted
            || self == Operation::All
            || (wanted == Operation::Describe
                && matches!(
                    self,
                    Operation::Read | Operation::Write | Operation::Delete | Operation::Alter
                ))
            || (wanted == Operation::DescribeConfigs && self == Operation::AlterConfigs)
    }
}

impl Permission {
    pub fn name(self) -> &'static str {
        match self {
            Permission::Any => "any",
            Permission::Deny => "deny",
            Permission::Allow => "allow",
        }
    }

    pub fn parse(s: &str) -> Option<Permission> {
        [Permission::Any, Permission::Deny, Permission::Allow]
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s))
    }
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AclBinding {
    pub resource_type: ResourceType,
    /// `*` (literal) names every resource of the type.
    pub resource_name: String,
    pub pattern_type: PatternType,
    /// `User:<name>`, or `User:*` for everyone.
    pub principal: String,
    /// An address, or `*` for every host.
    pub host: String,
    pub operation: Operation,
    pub permission: Permission,
}

/// Which bindings a describe or delete means; `None` fields match anything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AclFilter {
    pub resource_type: Option<ResourceType>,
    pub resource_name: Option<String>,
    /// `Any`: any pattern with that exact name; `Match`: every binding that applies to the
    /// name (literal, `*`, or a prefix of it).
    pub pattern_type: Option<PatternType>,
    pub principal: Option<String>,
    pub host: Option<String>,
    pub operation: Option<Operation>,
    pub permission: Option<Permission>,
}

impl AclBinding {
    /// Refuses what Kafka refuses to create.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if matches!(self.resource_type, ResourceType::Any) {
            return Err("the resource type must be specific".into());
        }
        if !matches!(
            self.pattern_type,
            PatternType::Literal | PatternType::Prefixed
        ) {
            return Err("the pattern type must be literal or prefixed".into());
        }
        if matches!(self.operation, Operation::Any) {
            return Err("the operation must be specific".into());
        }
        if matches!(self.permission, Permission::Any) {
            return Err("the permission must be allow or deny".into());
        }
        if self.resource_name.is_empty() {
            return Err("the resource name must not be empty".into());
        }
        if self.resource_type == ResourceType::Cluster && self.resource_name != CLUSTER_NAME {
            return Err(format!("the cluster resource is named '{CLUSTER_NAME}'"));
        }
        match self.principal.split_once(':') {
            Some((kind, name)) if !kind.is_empty() && !name.is_empty() => {}
            _ => return Err(format!("principal '{}' is not Type:name", self.principal)),
        }
        if self.host.is_empty() {
            return Err("the host must not be empty (use * for every host)".into());
        }
        let sizes = self.resource_name.len() + self.principal.len() + self.host.len();
        if sizes > 4096 {
            return Err("names longer than 4096 bytes together".into());
        }
        Ok(())
    }

    /// Whether this binding applies to resource `name` of `kind`.
    fn applies_to(&self, kind: ResourceType, name: &str) -> bool {
        self.resource_type == kind
            && match self.pattern_type {
                PatternType::Literal => self.resource_name == name || self.resource_name == "*",
                PatternType::Prefixed => name.starts_with(self.resource_name.as_str()),
                PatternType::Any | PatternType::Match => false,
            }
    }

    fn for_principal(&self, principal: &str, host: &str) -> bool {
        (self.principal == principal || self.principal == "User:*")
            && (self.host == host || self.host == "*")
    }
}

impl AclFilter {
    pub fn matches(&self, b: &AclBinding) -> bool {
        let name_ok = match (&self.resource_name, self.pattern_type) {
            (None, None | Some(PatternType::Any)) => true,
            (None, Some(PatternType::Match)) => true,
            (None, Some(p)) => p == b.pattern_type,
            (Some(n), None | Some(PatternType::Any)) => &b.resource_name == n,
            (Some(n), Some(PatternType::Match)) => match b.pattern_type {
                PatternType::Literal => &b.resource_name == n || b.resource_name == "*",
                PatternType::Prefixed => n.starts_with(b.resource_name.as_str()),
                _ => false,
            },
            (Some(n), Some(p)) => p == b.pattern_type && &b.resource_name == n,
        };
        name_ok
            && self
                .resource_type
                .is_none_or(|t| t == ResourceType::Any || t == b.resource_type)
            && self.principal.as_ref().is_none_or(|p| p == &b.principal)
            && self.host.as_ref().is_none_or(|h| h == &b.host)
            && self
                .operation
                .is_none_or(|o| o == Operation::Any || o == b.operation)
            && self
                .permission
                .is_none_or(|p| p == Permission::Any || p == b.permission)
    }
}

/// The decision for `principal` (`User:<name>`) connecting from `host`.
pub fn authorize(
    bindings: &[AclBinding],
    allow_if_no_acl: bool,
    principal: &str,
    host: &str,
    operation: Operation,
    kind: ResourceType,
    name: &str,
) -> bool {
    let mut named = false;
    let mut allowed = false;
    for b in bindings.iter().filter(|b| b.applies_to(kind, name)) {
        named = true;
        if !b.for_principal(principal, host) {
            continue;
        }
        match b.permission {
            // DENY of ALL or of the operation itself; a DENY of READ does not deny DESCRIBE.
            Permission::Deny if b.operation == operation || b.operation == Operation::All => {
                return false
            }
            Permission::Allow if b.operation.allows(operation) => allowed = true,
            _ => {}
        }
    }
    allowed || (!named && allow_if_no_acl)
}

/// `[broker.acl]`: Kafka's `authorizer.class.name` (here on or off), `super.users` and
/// `allow.everyone.if.no.acl.found`. Off by default, as a Kafka broker without an authorizer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AclConfig {
    /// Enforce the bindings on every Kafka API and on MQTT publish and subscribe.
    pub enabled: bool,
    /// Principals (`User:<name>`) allowed everything.
    pub super_users: Vec<String>,
    /// A resource no binding names is open to everyone (otherwise only to super users).
    pub allow_everyone_if_no_acl_found: bool,
}

/// The principal of a client that did not authenticate, as Kafka names it.
pub const ANONYMOUS: &str = "User:ANONYMOUS";

/// The principal of an authenticated user.
pub fn user_principal(user: &str) -> String {
    format!("User:{user}")
}

/// Logs a denial at INFO at most once a second (a client retrying a denied publish in a loop
/// must not flood the log), else at DEBUG.
fn log_denial(principal: &str, host: &str, operation: Operation, kind: ResourceType, name: &str) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST_INFO_MS: AtomicU64 = AtomicU64::new(0);
    let now = robustmq_journal::now_ms().max(0) as u64;
    let last = LAST_INFO_MS.load(Ordering::Relaxed);
    let info = now.saturating_sub(last) >= 1000
        && LAST_INFO_MS
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok();
    if info {
        tracing::info!(%principal, %host, operation = operation.name(), resource_type = kind.name(), resource = %name, "denied by ACL (further denials within 1 s are logged at debug)");
    } else {
        tracing::debug!(%principal, %host, operation = operation.name(), resource_type = kind.name(), resource = %name, "denied by ACL");
    }
}

/// The bindings of this node, in meta and in memory, and whether they are enforced.
pub struct Acls {
    meta: std::sync::Arc<dyn MetaStore>,
    config: AclConfig,
    bindings: RwLock<Vec<AclBinding>>,
}

fn key(b: &AclBinding) -> String {
    serde_json::to_string(b).unwrap_or_default()
}

impl Acls {
    pub fn load(meta: std::sync::Arc<dyn MetaStore>, config: AclConfig) -> Result<Acls> {
        let mut bindings = Vec::new();
        for (k, _) in meta.entries(NS)? {
            match serde_json::from_str::<AclBinding>(&k) {
                Ok(b) => bindings.push(b),
                Err(e) => {
                    tracing::error!(key = %k, error = %e, "cannot read an ACL binding from meta; skipping it")
                }
            }
        }
        bindings.sort();
        Ok(Acls {
            meta,
            config,
            bindings: RwLock::new(bindings),
        })
    }

    /// Whether bindings are enforced (Kafka: an authorizer is configured).
    pub fn enabled(&self) -> bool {
        self.config.enabled
    }

    /// ACLs are off, or `principal` is a super user: everything is allowed.
    fn unrestricted(&self, principal: &str) -> bool {
        !self.config.enabled || self.config.super_users.iter().any(|s| s == principal)
    }

    /// Whether `principal` connected from `host` may do `operation` on resource `name` of
    /// type `kind`: always when ACLs are off or for a super user; a denial is logged.
    pub fn allows(
        &self,
        principal: &str,
        host: &str,
        operation: Operation,
        kind: ResourceType,
        name: &str,
    ) -> bool {
        let ok = self.allows_quietly(principal, host, operation, kind, name);
        if !ok {
            log_denial(principal, host, operation, kind, name);
        }
        ok
    }

    /// [`Acls::allows`] without the log line, for a check another one may still pass (CREATE
    /// on the cluster, else on the topic).
    pub fn allows_quietly(
        &self,
        principal: &str,
        host: &str,
        operation: Operation,
        kind: ResourceType,
        name: &str,
    ) -> bool {
        self.unrestricted(principal)
            || authorize(
                &self.read(),
                self.config.allow_everyone_if_no_acl_found,
                principal,
                host,
                operation,
                kind,
                name,
            )
    }

    /// Whether a DENY binding for `operation` on resources of type `kind` that applies to
    /// `principal` from `host` satisfies `covers` (never with ACLs off or for a super user):
    /// for checks over many names at once, such as an MQTT wildcard filter.
    pub fn denied_where(
        &self,
        principal: &str,
        host: &str,
        operation: Operation,
        kind: ResourceType,
        covers: impl Fn(&AclBinding) -> bool,
    ) -> bool {
        !self.unrestricted(principal)
            && self.read().iter().any(|b| {
                b.resource_type == kind
                    && b.permission == Permission::Deny
                    && (b.operation == operation || b.operation == Operation::All)
                    && b.for_principal(principal, host)
                    && covers(b)
            })
    }

    /// Whether `principal` may do `operation` on some resource of type `kind` (Kafka's
    /// `authorizeByResourceType`, which lets a producer allowed to write some topic be
    /// idempotent): some ALLOW binding of the type grants it and no DENY of every such
    /// resource (literal `*`) takes it back.
    pub fn allows_any(
        &self,
        principal: &str,
        host: &str,
        operation: Operation,
        kind: ResourceType,
    ) -> bool {
        if self.unrestricted(principal) {
            return true;
        }
        let everywhere =
            |b: &AclBinding| b.pattern_type == PatternType::Literal && b.resource_name == "*";
        if self.denied_where(principal, host, operation, kind, everywhere) {
            return false;
        }
        let bindings = self.read();
        let mut of_kind = bindings
            .iter()
            .filter(|b| b.resource_type == kind)
            .peekable();
        let none_of_kind = of_kind.peek().is_none();
        let allowed = of_kind.any(|b| {
            b.permission == Permission::Allow
                && b.operation.allows(operation)
                && b.for_principal(principal, host)
        });
        allowed || (self.config.allow_everyone_if_no_acl_found && none_of_kind)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<AclBinding>> {
        self.bindings.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Every binding `filter` matches.
    pub fn describe(&self, filter: &AclFilter) -> Vec<AclBinding> {
        self.read()
            .iter()
            .filter(|b| filter.matches(b))
            .cloned()
            .collect()
    }

    /// Adds a binding (one that exists already is kept as is).
    pub fn create(&self, b: AclBinding) -> Result<()> {
        b.validate().map_err(BrokerError::InvalidArgument)?;
        {
            let bindings = self.read();
            if bindings.binary_search(&b).is_ok() {
                return Ok(());
            }
            if bindings.len() >= MAX_BINDINGS {
                return Err(BrokerError::InvalidArgument(format!(
                    "ACL limit reached ({MAX_BINDINGS} bindings)"
                )));
            }
        }
        self.meta.put_entry(NS, &key(&b), b"{}", true)?;
        let mut w = self.bindings.write().unwrap_or_else(|p| p.into_inner());
        if let Err(at) = w.binary_search(&b) {
            w.insert(at, b);
        }
        Ok(())
    }

    /// Removes every binding `filter` matches, in one meta write; returns them.
    pub fn delete(&self, filter: &AclFilter) -> Result<Vec<AclBinding>> {
        let gone = self.describe(filter);
        if gone.is_empty() {
            return Ok(gone);
        }
        let keys: Vec<String> = gone.iter().map(key).collect();
        let changes: Vec<(&str, Option<&[u8]>)> = keys.iter().map(|k| (k.as_str(), None)).collect();
        self.meta.write_entries(NS, &changes, true)?;
        // Both sorted: what is gone is found by binary search, not by a scan per binding.
        self.bindings
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|b| gone.binary_search(b).is_err());
        Ok(gone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bind(
        kind: ResourceType,
        name: &str,
        pattern: PatternType,
        who: &str,
        op: Operation,
        p: Permission,
    ) -> AclBinding {
        AclBinding {
            resource_type: kind,
            resource_name: name.into(),
            pattern_type: pattern,
            principal: who.into(),
            host: "*".into(),
            operation: op,
            permission: p,
        }
    }

    use Operation::*;
    use PatternType::*;
    use Permission::*;
    use ResourceType::*;

    #[test]
    fn decisions_follow_kafkas_rules() {
        let acls = vec![
            bind(Topic, "orders", Literal, "User:alice", Write, Allow),
            bind(Topic, "logs-", Prefixed, "User:*", Read, Allow),
            bind(Topic, "logs-secret", Literal, "User:bob", All, Deny),
            bind(Group, "*", Literal, "User:bob", Read, Allow),
        ];
        let can = |who: &str, op, kind, name: &str| {
            authorize(&acls, false, who, "10.0.0.1", op, kind, name)
        };
        assert!(can("User:alice", Write, Topic, "orders"));
        assert!(
            can("User:alice", Describe, Topic, "orders"),
            "WRITE implies DESCRIBE"
        );
        assert!(!can("User:alice", Read, Topic, "orders"));
        assert!(!can("User:bob", Write, Topic, "orders"));
        assert!(
            can("User:bob", Read, Topic, "logs-app"),
            "prefixed, any user"
        );
        assert!(!can("User:bob", Read, Topic, "logs-secret"), "DENY wins");
        assert!(can("User:carol", Read, Topic, "logs-secret"));
        assert!(
            can("User:bob", Read, Group, "any-group"),
            "literal * names every group"
        );
        assert!(
            !can("User:bob", Read, Topic, "unnamed"),
            "no binding: denied"
        );
        assert!(authorize(
            &acls, true, "User:bob", "h", Read, Topic, "unnamed"
        ));
        assert!(
            !authorize(&acls, true, "User:bob", "h", Read, Topic, "orders"),
            "named: the bindings decide"
        );
        let configs = vec![bind(Topic, "t", Literal, "User:a", AlterConfigs, Allow)];
        assert!(authorize(
            &configs,
            false,
            "User:a",
            "h",
            DescribeConfigs,
            Topic,
            "t"
        ));
        let host = vec![AclBinding {
            host: "10.0.0.9".into(),
            ..bind(Topic, "t", Literal, "User:a", Read, Allow)
        }];
        assert!(!authorize(
            &host, false, "User:a", "10.0.0.1", Read, Topic, "t"
        ));
        assert!(authorize(
            &host, false, "User:a", "10.0.0.9", Read, Topic, "t"
        ));
    }

    #[test]
    fn filters_match_as_describe_and_delete_do() {
        let lit = bind(Topic, "orders", Literal, "User:a", Read, Allow);
        let pre = bind(Topic, "ord", Prefixed, "User:a", Read, Allow);
        let star = bind(Topic, "*", Literal, "User:b", Write, Deny);
        let all = [lit.clone(), pre.clone(), star.clone()];
        let pick = |f: AclFilter| {
            all.iter()
                .filter(|b| f.matches(b))
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(pick(AclFilter::default()).len(), 3);
        let exact = AclFilter {
            resource_name: Some("orders".into()),
            ..Default::default()
        };
        assert_eq!(pick(exact), vec![lit.clone()]);
        let applies = AclFilter {
            resource_name: Some("orders".into()),
            pattern_type: Some(Match),
            ..Default::default()
        };
        assert_eq!(pick(applies), vec![lit.clone(), pre.clone(), star.clone()]);
        let prefixed = AclFilter {
            pattern_type: Some(Prefixed),
            ..Default::default()
        };
        assert_eq!(pick(prefixed), vec![pre]);
        let denies = AclFilter {
            permission: Some(Deny),
            resource_type: Some(ResourceType::Any),
            ..Default::default()
        };
        assert_eq!(pick(denies), vec![star]);
    }

    #[test]
    fn invalid_bindings_are_refused() {
        let ok = bind(Topic, "t", Literal, "User:a", Read, Allow);
        assert!(ok.validate().is_ok());
        for bad in [
            AclBinding {
                resource_type: ResourceType::Any,
                ..ok.clone()
            },
            AclBinding {
                pattern_type: Match,
                ..ok.clone()
            },
            AclBinding {
                operation: Operation::Any,
                ..ok.clone()
            },
            AclBinding {
                permission: Permission::Any,
                ..ok.clone()
            },
            AclBinding {
                principal: "alice".into(),
                ..ok.clone()
            },
            AclBinding {
                host: String::new(),
                ..ok.clone()
            },
            AclBinding {
                resource_type: Cluster,
                resource_name: "c".into(),
                ..ok.clone()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
        assert_eq!(Operation::parse("describe_configs"), Some(DescribeConfigs));
        assert_eq!(Operation::from_code(3), Some(Read));
        assert_eq!(ResourceType::parse("Topic"), Some(Topic));
    }

    fn store(config: AclConfig) -> (tempfile::TempDir, Acls) {
        let dir = tempfile::tempdir().unwrap();
        let meta: std::sync::Arc<dyn MetaStore> =
            std::sync::Arc::new(robustmq_meta::RocksMeta::open(dir.path()).unwrap());
        (dir, Acls::load(meta, config).unwrap())
    }

    #[test]
    fn off_super_users_and_resource_type_checks() {
        let (_d, off) = store(AclConfig::default());
        assert!(
            off.allows("User:x", "h", Write, Topic, "t"),
            "off: everything"
        );
        assert!(!off.denied_where("User:x", "h", Read, Topic, |_| true));
        let config = AclConfig {
            enabled: true,
            super_users: vec!["User:root".into()],
            allow_everyone_if_no_acl_found: false,
        };
        let (dir, acls) = store(config.clone());
        assert!(acls.allows("User:root", "h", Delete, Cluster, CLUSTER_NAME));
        assert!(!acls.allows("User:alice", "h", Write, Topic, "t"));
        assert!(!acls.allows_any("User:alice", "h", Write, Topic));
        acls.create(bind(Topic, "t", Literal, "User:alice", Write, Allow))
            .unwrap();
        assert!(acls.allows("User:alice", "h", Write, Topic, "t"));
        assert!(acls.allows_any("User:alice", "h", Write, Topic));
        assert!(!acls.allows_any("User:bob", "h", Write, Topic));
        acls.create(bind(Topic, "*", Literal, "User:alice", Write, Deny))
            .unwrap();
        assert!(
            !acls.allows_any("User:alice", "h", Write, Topic),
            "denied on every topic"
        );
        assert!(acls.denied_where("User:alice", "h", Write, Topic, |_| true));
        assert!(!acls.denied_where("User:alice", "h", Read, Topic, |_| true));
        assert!(!acls.denied_where("User:root", "h", Write, Topic, |_| true));
        // Kept in meta: a new store over the same directory sees both.
        drop(acls);
        let meta: std::sync::Arc<dyn MetaStore> =
            std::sync::Arc::new(robustmq_meta::RocksMeta::open(dir.path()).unwrap());
        let again = Acls::load(meta, config).unwrap();
        assert_eq!(again.describe(&AclFilter::default()).len(), 2);
        let gone = again
            .delete(&AclFilter {
                permission: Some(Deny),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(gone.len(), 1);
        assert!(again.allows_any("User:alice", "h", Write, Topic));
    }
}
