//! Consumer-group coordinator (Kafka's classic group protocol, which RocketMQ-style groups can
//! reuse): membership, generations, rebalances, and committed offsets through meta.
//!
//! The coordinator treats member metadata and assignments as opaque bytes; choosing who gets
//! what is the group leader's job, so eager and cooperative assignors both work. Requests that
//! must wait for the rest of the group (JoinGroup, SyncGroup) get a oneshot receiver; a
//! background `tick` completes rebalances on timeouts and expires silent members.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use robustmq_meta::{CommittedOffset, GroupMeta, GroupOffset, MetaError, MetaStore};
use tokio::sync::oneshot;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("unknown member id")]
    UnknownMemberId,
    #[error("illegal generation")]
    IllegalGeneration,
    #[error("rebalance in progress")]
    RebalanceInProgress,
    #[error("inconsistent group protocol")]
    InconsistentGroupProtocol,
    #[error("invalid session timeout")]
    InvalidSessionTimeout,
    #[error("member id required")]
    MemberIdRequired(String),
    #[error("group is not empty")]
    NonEmptyGroup,
    #[error("group id not found")]
    GroupIdNotFound,
    #[error("invalid group id")]
    InvalidGroupId,
    #[error("the group has reached its maximum size of {0} members")]
    GroupMaxSizeReached(usize),
    #[error("the coordinator holds its maximum of {0} groups (broker.max_groups)")]
    TooManyGroups(usize),
    #[error("coordinator storage error: {0}")]
    Storage(String),
}

impl From<MetaError> for GroupError {
    fn from(e: MetaError) -> Self {
        GroupError::Storage(e.to_string())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
}

impl GroupState {
    /// The names Kafka tools print.
    pub fn as_str(&self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
        }
    }
}

#[derive(Debug, Clone)]
pub struct JoinRequest {
    pub group: String,
    pub member_id: String,
    pub instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    pub protocol_type: String,
    pub protocols: Vec<(String, Bytes)>,
    pub session_timeout_ms: i32,
    pub rebalance_timeout_ms: i32,
    /// JoinGroup v4+: a new member first gets an id and must come back with it (KIP-394).
    pub require_known_member_id: bool,
}

#[derive(Debug, Clone)]
pub struct JoinMember {
    pub member_id: String,
    pub instance_id: Option<String>,
    pub metadata: Bytes,
}

#[derive(Debug, Clone)]
pub struct JoinResponse {
    pub generation: i32,
    pub protocol_type: String,
    pub protocol: String,
    pub leader: String,
    pub member_id: String,
    /// Filled for the leader only.
    pub members: Vec<JoinMember>,
}

#[derive(Debug, Clone)]
pub struct SyncResponse {
    pub protocol_type: String,
    pub protocol: String,
    pub assignment: Bytes,
}

pub type JoinResult = std::result::Result<JoinResponse, GroupError>;
pub type SyncResult = std::result::Result<SyncResponse, GroupError>;

/// A member as DescribeGroups shows it.
#[derive(Debug, Clone)]
pub struct MemberDescription {
    pub member_id: String,
    pub instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    pub metadata: Bytes,
    pub assignment: Bytes,
}

#[derive(Debug, Clone)]
pub struct GroupDescription {
    pub name: String,
    pub state: GroupState,
    pub protocol_type: String,
    pub protocol: String,
    pub generation: i32,
    pub members: Vec<MemberDescription>,
}

#[derive(Debug, Clone)]
pub struct CoordinatorConfig {
    pub initial_rebalance_delay: Duration,
    pub min_session_timeout_ms: i32,
    pub max_session_timeout_ms: i32,
    /// Kafka's `group.max.size`: members plus ids handed out and not yet used, so anonymous
    /// JoinGroups cannot grow one group without bound.
    pub max_size: usize,
    /// Kafka's `offset.metadata.max.bytes`: longer commit metadata is refused.
    pub offset_metadata_max_bytes: usize,
    /// Groups held (with members, stored state or committed offsets); a JoinGroup or
    /// OffsetCommit that would add one past it is refused.
    pub max_groups: usize,
}

impl Default for CoordinatorConfig {
    fn default() -> Self {
        CoordinatorConfig {
            initial_rebalance_delay: Duration::from_millis(3000),
            min_session_timeout_ms: 1000,
            max_session_timeout_ms: 1_800_000,
            max_size: 1000,
            offset_metadata_max_bytes: 4096,
            max_groups: 100_000,
        }
    }
}

struct Member {
    instance_id: Option<String>,
    client_id: String,
    client_host: String,
    protocols: Vec<(String, Bytes)>,
    session_timeout: Duration,
    rebalance_timeout: Duration,
    assignment: Bytes,
    last_seen: Instant,
    join_waiter: Option<oneshot::Sender<JoinResult>>,
    sync_waiter: Option<oneshot::Sender<SyncResult>>,
}

struct Group {
    state: GroupState,
    protocol_type: String,
    protocol: String,
    generation: i32,
    leader: Option<String>,
    members: BTreeMap<String, Member>,
    /// Ids handed out with MEMBER_ID_REQUIRED that have not joined yet, each until the end
    /// of its session timeout (as in Kafka): a client that never comes back frees its place.
    pending_ids: HashMap<String, Instant>,
    rebalance_deadline: Option<Instant>,
    join_not_before: Option<Instant>,
}

impl Group {
    fn new(meta: Option<&GroupMeta>) -> Self {
        Group {
            state: GroupState::Empty,
            protocol_type: meta.map(|m| m.protocol_type.clone()).unwrap_or_default(),
            protocol: meta.map(|m| m.protocol.clone()).unwrap_or_default(),
            generation: meta.map(|m| m.generation).unwrap_or(0),
            leader: None,
            members: BTreeMap::new(),
            pending_ids: HashMap::new(),
            rebalance_deadline: None,
            join_not_before: None,
        }
    }

    fn prepare_rebalance(&mut self, now: Instant, initial_delay: Duration) {
        if self.state == GroupState::CompletingRebalance {
            for m in self.members.values_mut() {
                if let Some(w) = m.sync_waiter.take() {
                    let _ = w.send(Err(GroupError::RebalanceInProgress));
                }
            }
        }
        if self.state != GroupState::PreparingRebalance {
            let timeout = self
                .members
                .values()
                .map(|m| m.rebalance_timeout)
                .max()
                .unwrap_or_default();
            self.rebalance_deadline = Some(now + timeout);
            self.join_not_before = (self.state == GroupState::Empty).then_some(now + initial_delay);
            self.state = GroupState::PreparingRebalance;
        }
    }

    fn remove_member(&mut self, id: &str) {
        if let Some(mut m) = self.members.remove(id) {
            if let Some(w) = m.join_waiter.take() {
                let _ = w.send(Err(GroupError::UnknownMemberId));
            }
            if let Some(w) = m.sync_waiter.take() {
                let _ = w.send(Err(GroupError::UnknownMemberId));
            }
        }
        if self.leader.as_deref() == Some(id) {
            self.leader = None;
        }
    }

    /// The protocol every member supports with the most first-choice votes.
    fn select_protocol(&self) -> Option<String> {
        let first = self.members.values().next()?;
        let candidates: Vec<&String> = first
            .protocols
            .iter()
            .map(|(n, _)| n)
            .filter(|n| {
                self.members
                    .values()
                    .all(|m| m.protocols.iter().any(|(p, _)| p == *n))
            })
            .collect();
        let mut votes: HashMap<&String, usize> = HashMap::new();
        for m in self.members.values() {
            if let Some((n, _)) = m.protocols.iter().find(|(p, _)| candidates.contains(&p)) {
                *votes.entry(n).or_default() += 1;
            }
        }
        candidates
            .into_iter()
            .max_by_key(|n| votes.get(n).copied().unwrap_or(0))
            .cloned()
    }

    /// Finishes the join phase when everyone has joined or the deadline passed.
    fn maybe_complete_join(&mut self, now: Instant) -> bool {
        if self.state != GroupState::PreparingRebalance {
            return false;
        }
        if self.join_not_before.is_some_and(|t| now < t) {
            return false;
        }
        let all_joined = self.members.values().all(|m| m.join_waiter.is_some());
        let expired = self.rebalance_deadline.is_some_and(|d| now >= d);
        if !all_joined && !expired {
            return false;
        }
        let late: Vec<String> = self
            .members
            .iter()
            .filter(|(_, m)| m.join_waiter.is_none())
            .map(|(id, _)| id.clone())
            .collect();
        for id in late {
            self.remove_member(&id);
        }
        self.generation += 1;
        self.rebalance_deadline = None;
        self.join_not_before = None;
        if self.members.is_empty() {
            self.state = GroupState::Empty;
            self.leader = None;
            return true;
        }
        self.protocol = self.select_protocol().unwrap_or_default();
        if self
            .leader
            .as_ref()
            .is_none_or(|l| !self.members.contains_key(l))
        {
            self.leader = self.members.keys().next().cloned();
        }
        let leader = self.leader.clone().unwrap_or_default();
        let all: Vec<JoinMember> = self
            .members
            .iter()
            .map(|(id, m)| JoinMember {
                member_id: id.clone(),
                instance_id: m.instance_id.clone(),
                metadata: m
                    .protocols
                    .iter()
                    .find(|(p, _)| *p == self.protocol)
                    .map(|(_, b)| b.clone())
                    .unwrap_or_default(),
            })
            .collect();
        self.state = GroupState::CompletingRebalance;
        for (id, m) in self.members.iter_mut() {
            m.last_seen = now;
            m.assignment = Bytes::new();
            if let Some(w) = m.join_waiter.take() {
                let _ = w.send(Ok(JoinResponse {
                    generation: self.generation,
                    protocol_type: self.protocol_type.clone(),
                    protocol: self.protocol.clone(),
                    leader: leader.clone(),
                    member_id: id.clone(),
                    members: if *id == leader {
                        all.clone()
                    } else {
                        Vec::new()
                    },
                }));
            }
        }
        true
    }

    fn expire_members(&mut self, now: Instant, initial_delay: Duration) {
        self.pending_ids.retain(|_, until| *until > now);
        let dead: Vec<String> = self
            .members
            .iter()
            .filter(|(_, m)| {
                // A member waiting for its join or sync answer cannot heartbeat meanwhile.
                let waiting = m.join_waiter.is_some() || m.sync_waiter.is_some();
                !waiting && now.duration_since(m.last_seen) > m.session_timeout
            })
            .map(|(id, _)| id.clone())
            .collect();
        if dead.is_empty() {
            return;
        }
        for id in &dead {
            tracing::info!(member = %id, "group member session expired");
            self.remove_member(id);
        }
        self.after_departure(now, initial_delay);
    }

    fn after_departure(&mut self, now: Instant, initial_delay: Duration) {
        if self.members.is_empty() {
            if self.state != GroupState::Empty {
                self.generation += 1;
            }
            self.state = GroupState::Empty;
            self.leader = None;
            self.rebalance_deadline = None;
        } else {
            self.prepare_rebalance(now, initial_delay);
        }
    }

    fn check_member(&self, member_id: &str, generation: i32) -> Result<(), GroupError> {
        if !self.members.contains_key(member_id) {
            return Err(GroupError::UnknownMemberId);
        }
        if generation != self.generation {
            return Err(GroupError::IllegalGeneration);
        }
        Ok(())
    }

    fn to_meta(&self, name: &str) -> GroupMeta {
        GroupMeta {
            name: name.to_string(),
            protocol_type: self.protocol_type.clone(),
            protocol: self.protocol.clone(),
            generation: self.generation,
        }
    }
}

pub struct GroupCoordinator {
    meta: Arc<dyn MetaStore>,
    config: CoordinatorConfig,
    groups: Mutex<HashMap<String, Group>>,
}

impl GroupCoordinator {
    pub fn new(meta: Arc<dyn MetaStore>, config: CoordinatorConfig) -> Result<Self, GroupError> {
        let mut groups = HashMap::new();
        for g in meta.groups()? {
            groups.insert(g.name.clone(), Group::new(Some(&g)));
        }
        // Groups that only committed offsets count towards `max_groups` too.
        for name in meta.group_names()? {
            groups.entry(name).or_insert_with(|| Group::new(None));
        }
        Ok(GroupCoordinator {
            meta,
            config,
            groups: Mutex::new(groups),
        })
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Group>> {
        self.groups.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The group `name`, created if there is room for one more.
    fn group_entry<'a>(
        &self,
        groups: &'a mut HashMap<String, Group>,
        name: &str,
    ) -> Result<&'a mut Group, GroupError> {
        if !groups.contains_key(name) && groups.len() >= self.config.max_groups {
            tracing::warn!(
                group = name,
                max = self.config.max_groups,
                "group refused: broker.max_groups reached"
            );
            return Err(GroupError::TooManyGroups(self.config.max_groups));
        }
        Ok(groups
            .entry(name.to_string())
            .or_insert_with(|| Group::new(None)))
    }

    /// Writes group states, called with no lock of the coordinator held (a synced meta write
    /// must not stall every other group). Each is a compare-and-set on the generation, so a
    /// state older than the stored one (two rebalances finishing at once, or another broker
    /// that moved the group on) is never written over it.
    fn store(&self, states: impl IntoIterator<Item = GroupMeta>) {
        for state in states {
            match self.meta.put_group_if_newer(&state) {
                Ok(true) => {}
                Ok(false) => tracing::debug!(
                    group = %state.name,
                    generation = state.generation,
                    "group state not written: meta holds a newer generation"
                ),
                Err(e) => {
                    tracing::error!(group = %state.name, error = %e, "could not persist group state")
                }
            }
        }
    }

    /// Every entry point takes the time it runs at (`now`), so tests drive session timeouts
    /// and rebalance delays without sleeping.
    pub fn join(
        &self,
        req: JoinRequest,
        now: Instant,
    ) -> Result<oneshot::Receiver<JoinResult>, GroupError> {
        if req.group.is_empty() {
            return Err(GroupError::InvalidGroupId);
        }
        if req.session_timeout_ms < self.config.min_session_timeout_ms
            || req.session_timeout_ms > self.config.max_session_timeout_ms
        {
            return Err(GroupError::InvalidSessionTimeout);
        }
        let mut groups = self.lock();
        let g = self.group_entry(&mut groups, &req.group)?;
        if !g.members.is_empty()
            && (g.protocol_type != req.protocol_type
                || !req.protocols.iter().any(|(p, _)| {
                    g.members
                        .values()
                        .all(|m| m.protocols.iter().any(|(q, _)| q == p))
                }))
        {
            return Err(GroupError::InconsistentGroupProtocol);
        }
        if req.member_id.is_empty() && g.members.len() + g.pending_ids.len() >= self.config.max_size
        {
            return Err(GroupError::GroupMaxSizeReached(self.config.max_size));
        }
        let member_id = if req.member_id.is_empty() {
            let id = format!("{}-{}", req.client_id, uuid::Uuid::new_v4());
            if req.require_known_member_id {
                let session = Duration::from_millis(req.session_timeout_ms.max(0) as u64);
                g.pending_ids.insert(id.clone(), now + session);
                return Err(GroupError::MemberIdRequired(id));
            }
            id
        } else if g.members.contains_key(&req.member_id)
            || g.pending_ids.remove(&req.member_id).is_some()
        {
            req.member_id.clone()
        } else {
            return Err(GroupError::UnknownMemberId);
        };
        // A static member that comes back under a new id replaces its old incarnation.
        if let Some(instance) = &req.instance_id {
            let old: Vec<String> = g
                .members
                .iter()
                .filter(|(id, m)| m.instance_id.as_ref() == Some(instance) && **id != member_id)
                .map(|(id, _)| id.clone())
                .collect();
            for id in old {
                g.remove_member(&id);
            }
        }
        if g.members.is_empty() {
            g.protocol_type = req.protocol_type.clone();
        }
        let (tx, rx) = oneshot::channel();
        let member = g.members.entry(member_id).or_insert_with(|| Member {
            instance_id: req.instance_id.clone(),
            client_id: req.client_id.clone(),
            client_host: req.client_host.clone(),
            protocols: Vec::new(),
            session_timeout: Duration::ZERO,
            rebalance_timeout: Duration::ZERO,
            assignment: Bytes::new(),
            last_seen: now,
            join_waiter: None,
            sync_waiter: None,
        });
        member.protocols = req.protocols;
        member.session_timeout = Duration::from_millis(req.session_timeout_ms.max(0) as u64);
        member.rebalance_timeout = Duration::from_millis(
            req.rebalance_timeout_ms.max(req.session_timeout_ms).max(0) as u64,
        );
        member.last_seen = now;
        if let Some(old) = member.join_waiter.replace(tx) {
            let _ = old.send(Err(GroupError::UnknownMemberId));
        }
        g.prepare_rebalance(now, self.config.initial_rebalance_delay);
        let state = g.maybe_complete_join(now).then(|| g.to_meta(&req.group));
        drop(groups);
        self.store(state);
        Ok(rx)
    }

    pub fn sync(
        &self,
        group: &str,
        member_id: &str,
        generation: i32,
        assignments: Vec<(String, Bytes)>,
        now: Instant,
    ) -> Result<oneshot::Receiver<SyncResult>, GroupError> {
        let mut groups = self.lock();
        let g = groups.get_mut(group).ok_or(GroupError::UnknownMemberId)?;
        g.check_member(member_id, generation)?;
        let (tx, rx) = oneshot::channel();
        let reply = |g: &Group, a: Bytes| SyncResponse {
            protocol_type: g.protocol_type.clone(),
            protocol: g.protocol.clone(),
            assignment: a,
        };
        match g.state {
            GroupState::Empty => return Err(GroupError::UnknownMemberId),
            GroupState::PreparingRebalance => return Err(GroupError::RebalanceInProgress),
            GroupState::Stable => {
                let a = g
                    .members
                    .get(member_id)
                    .map(|m| m.assignment.clone())
                    .unwrap_or_default();
                let _ = tx.send(Ok(reply(g, a)));
            }
            GroupState::CompletingRebalance => {
                if let Some(m) = g.members.get_mut(member_id) {
                    m.sync_waiter = Some(tx);
                    m.last_seen = now;
                }
                if g.leader.as_deref() == Some(member_id) {
                    let mut by_member: HashMap<String, Bytes> = assignments.into_iter().collect();
                    for m in g.members.values_mut() {
                        m.assignment = Bytes::new();
                    }
                    let ids: Vec<String> = g.members.keys().cloned().collect();
                    for id in ids {
                        let a = by_member.remove(&id).unwrap_or_default();
                        let resp = reply(g, a.clone());
                        if let Some(m) = g.members.get_mut(&id) {
                            m.assignment = a;
                            if let Some(w) = m.sync_waiter.take() {
                                let _ = w.send(Ok(resp));
                            }
                        }
                    }
                    g.state = GroupState::Stable;
                    let state = g.to_meta(group);
                    drop(groups);
                    self.store([state]);
                    return Ok(rx);
                }
            }
        }
        Ok(rx)
    }

    pub fn heartbeat(
        &self,
        group: &str,
        member_id: &str,
        generation: i32,
        now: Instant,
    ) -> Result<(), GroupError> {
        let mut groups = self.lock();
        let g = groups.get_mut(group).ok_or(GroupError::UnknownMemberId)?;
        g.check_member(member_id, generation)?;
        if let Some(m) = g.members.get_mut(member_id) {
            m.last_seen = now;
        }
        match g.state {
            GroupState::PreparingRebalance => Err(GroupError::RebalanceInProgress),
            _ => Ok(()),
        }
    }

    /// Removes members by member id, or by group instance id when the member id is empty.
    /// Returns one result per departing member.
    pub fn leave(
        &self,
        group: &str,
        members: &[(String, Option<String>)],
        now: Instant,
    ) -> Vec<Result<String, GroupError>> {
        let mut groups = self.lock();
        let Some(g) = groups.get_mut(group) else {
            return members
                .iter()
                .map(|_| Err(GroupError::UnknownMemberId))
                .collect();
        };
        let mut out = Vec::new();
        let mut any = false;
        for (member_id, instance_id) in members {
            let found = if !member_id.is_empty() {
                g.members.contains_key(member_id).then(|| member_id.clone())
            } else {
                g.members
                    .iter()
                    .find(|(_, m)| m.instance_id.is_some() && m.instance_id == *instance_id)
                    .map(|(id, _)| id.clone())
            };
            match found {
                Some(id) => {
                    g.remove_member(&id);
                    any = true;
                    out.push(Ok(id));
                }
                None => out.push(Err(GroupError::UnknownMemberId)),
            }
        }
        if any {
            g.after_departure(now, self.config.initial_rebalance_delay);
            g.maybe_complete_join(now);
            let state = g.to_meta(group);
            drop(groups);
            self.store([state]);
        }
        out
    }

    /// Completes timed-out rebalances and expires members that stopped heartbeating.
    pub fn tick(&self, now: Instant) {
        let mut groups = self.lock();
        let mut changed = Vec::new();
        for (name, g) in groups.iter_mut() {
            g.expire_members(now, self.config.initial_rebalance_delay);
            if g.maybe_complete_join(now) {
                changed.push(name.clone());
            }
        }
        let states: Vec<GroupMeta> = changed
            .iter()
            .filter_map(|name| groups.get(name).map(|g| g.to_meta(name)))
            .collect();
        drop(groups);
        self.store(states);
    }

    /// Stores offsets. A member of an active group must be current; a standalone client
    /// (generation -1, no member id) may commit only while the group has no members.
    pub fn commit_offsets(
        &self,
        group: &str,
        member_id: &str,
        generation: i32,
        offsets: &[GroupOffset],
    ) -> Result<(), GroupError> {
        if group.is_empty() {
            return Err(GroupError::InvalidGroupId);
        }
        {
            let mut groups = self.lock();
            let g = self.group_entry(&mut groups, group)?;
            if generation >= 0 || !member_id.is_empty() || !g.members.is_empty() {
                g.check_member(member_id, generation)?;
                // As in Kafka: members still commit while the group prepares a rebalance (their
                // last commit before rejoining); only between join and sync is it refused.
                if g.state == GroupState::CompletingRebalance {
                    return Err(GroupError::RebalanceInProgress);
                }
            }
        }
        self.meta.commit_offsets(group, offsets)?;
        Ok(())
    }

    /// Whether `member_id` at `generation` is a current member of `group`: what a commit inside
    /// a transaction checks (KIP-447). A commit that names no member (generation -1) passes.
    pub fn check_member(
        &self,
        group: &str,
        member_id: &str,
        generation: i32,
    ) -> Result<(), GroupError> {
        if generation < 0 && member_id.is_empty() {
            return Ok(());
        }
        match self.lock().get(group) {
            Some(g) => g.check_member(member_id, generation),
            None => Err(GroupError::UnknownMemberId),
        }
    }

    pub fn committed_offsets(&self, group: &str) -> Result<Vec<GroupOffset>, GroupError> {
        Ok(self.meta.committed_offsets(group)?)
    }

    pub fn committed(
        &self,
        group: &str,
        topic: &str,
        partition: i32,
    ) -> Result<Option<CommittedOffset>, GroupError> {
        Ok(self
            .committed_offsets(group)?
            .into_iter()
            .find(|(t, p, _)| t == topic && *p == partition)
            .map(|(_, _, c)| c))
    }

    pub fn delete_offsets(
        &self,
        group: &str,
        partitions: &[(String, i32)],
    ) -> Result<(), GroupError> {
        // Every group meta holds is in memory too (see `delete`).
        let exists = self.lock().contains_key(group);
        if !exists {
            return Err(GroupError::GroupIdNotFound);
        }
        self.meta.delete_offsets(group, partitions)?;
        Ok(())
    }

    pub fn describe(&self, group: &str) -> Option<GroupDescription> {
        let groups = self.lock();
        let g = groups.get(group)?;
        Some(GroupDescription {
            name: group.to_string(),
            state: g.state,
            protocol_type: g.protocol_type.clone(),
            protocol: g.protocol.clone(),
            generation: g.generation,
            members: g
                .members
                .iter()
                .map(|(id, m)| MemberDescription {
                    member_id: id.clone(),
                    instance_id: m.instance_id.clone(),
                    client_id: m.client_id.clone(),
                    client_host: m.client_host.clone(),
                    metadata: m
                        .protocols
                        .iter()
                        .find(|(p, _)| *p == g.protocol)
                        .map(|(_, b)| b.clone())
                        .unwrap_or_default(),
                    assignment: m.assignment.clone(),
                })
                .collect(),
        })
    }

    /// Every known group: live ones and those that only have committed offsets.
    pub fn list(&self) -> Result<Vec<(String, GroupState, String)>, GroupError> {
        let mut out: BTreeMap<String, (GroupState, String)> = BTreeMap::new();
        for name in self.meta.group_names()? {
            out.insert(name, (GroupState::Empty, "consumer".to_string()));
        }
        for (name, g) in self.lock().iter() {
            let pt = if g.protocol_type.is_empty() {
                "consumer".to_string()
            } else {
                g.protocol_type.clone()
            };
            out.insert(name.clone(), (g.state, pt));
        }
        Ok(out.into_iter().map(|(n, (s, p))| (n, s, p)).collect())
    }

    /// Every group meta holds is in memory too (loaded at start, created in memory before
    /// anything is written), so the check needs no meta read, and the meta delete runs after
    /// the lock is released.
    pub fn delete(&self, group: &str) -> Result<(), GroupError> {
        {
            let mut groups = self.lock();
            match groups.get(group) {
                None => return Err(GroupError::GroupIdNotFound),
                Some(g) if !g.members.is_empty() => return Err(GroupError::NonEmptyGroup),
                Some(_) => {}
            }
            groups.remove(group);
        }
        self.meta.delete_group(group)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use robustmq_meta::RocksMeta;

    fn coordinator() -> (tempfile::TempDir, GroupCoordinator) {
        let dir = tempfile::tempdir().unwrap();
        let meta: Arc<dyn MetaStore> = Arc::new(RocksMeta::open(dir.path()).unwrap());
        let c = GroupCoordinator::new(
            meta,
            CoordinatorConfig {
                initial_rebalance_delay: Duration::ZERO,
                ..Default::default()
            },
        )
        .unwrap();
        (dir, c)
    }

    #[test]
    fn a_group_refuses_members_past_its_maximum_size() {
        let dir = tempfile::tempdir().unwrap();
        let meta: Arc<dyn MetaStore> = Arc::new(RocksMeta::open(dir.path()).unwrap());
        let config = CoordinatorConfig {
            initial_rebalance_delay: Duration::ZERO,
            max_size: 2,
            ..Default::default()
        };
        let c = GroupCoordinator::new(meta, config).unwrap();
        let start = Instant::now();
        let ask = |c: &GroupCoordinator, now: Instant| {
            c.join(
                JoinRequest {
                    group: "g".into(),
                    member_id: String::new(),
                    instance_id: None,
                    client_id: "c".into(),
                    client_host: "h".into(),
                    protocol_type: "consumer".into(),
                    protocols: vec![("range".into(), Bytes::new())],
                    session_timeout_ms: 1000,
                    rebalance_timeout_ms: 1000,
                    require_known_member_id: true,
                },
                now,
            )
        };
        // Ids handed out but not used yet count too.
        assert!(matches!(
            ask(&c, start),
            Err(GroupError::MemberIdRequired(_))
        ));
        assert!(matches!(
            ask(&c, start),
            Err(GroupError::MemberIdRequired(_))
        ));
        assert!(matches!(
            ask(&c, start),
            Err(GroupError::GroupMaxSizeReached(2))
        ));
        // Unused ids lapse after their session timeout and free their places: a tick 1.5 s
        // later, with no sleep.
        let later = start + Duration::from_millis(1500);
        c.tick(later);
        assert!(c.lock()["g"].pending_ids.is_empty());
        assert!(matches!(
            ask(&c, later),
            Err(GroupError::MemberIdRequired(_))
        ));
    }

    fn join(
        c: &GroupCoordinator,
        member: &str,
    ) -> Result<oneshot::Receiver<JoinResult>, GroupError> {
        c.join(
            JoinRequest {
                group: "g".into(),
                member_id: member.into(),
                instance_id: None,
                client_id: "c".into(),
                client_host: "h".into(),
                protocol_type: "consumer".into(),
                protocols: vec![("range".into(), Bytes::from_static(b"m"))],
                session_timeout_ms: 10_000,
                rebalance_timeout_ms: 10_000,
                require_known_member_id: true,
            },
            Instant::now(),
        )
    }

    #[tokio::test]
    async fn two_members_join_sync_and_one_leaves() {
        let (_d, c) = coordinator();
        let Err(GroupError::MemberIdRequired(a)) = join(&c, "") else {
            panic!("expected an id")
        };
        let ra = join(&c, &a).unwrap().await.unwrap().unwrap();
        assert_eq!(
            (ra.generation, ra.leader.as_str(), ra.members.len()),
            (1, a.as_str(), 1)
        );
        let sa = c
            .sync(
                "g",
                &a,
                1,
                vec![(a.clone(), Bytes::from_static(b"all"))],
                Instant::now(),
            )
            .unwrap()
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&sa.assignment[..], b"all");

        let Err(GroupError::MemberIdRequired(b)) = join(&c, "") else {
            panic!()
        };
        let wb = join(&c, &b).unwrap();
        assert_eq!(
            c.heartbeat("g", &a, 1, Instant::now()),
            Err(GroupError::RebalanceInProgress)
        );
        let wa = join(&c, &a).unwrap();
        let (ra, rb) = (wa.await.unwrap().unwrap(), wb.await.unwrap().unwrap());
        assert_eq!((ra.generation, rb.generation), (2, 2));
        assert_eq!(
            ra.members.len() + rb.members.len(),
            2,
            "only the leader sees the members"
        );
        let leader = ra.leader.clone();
        let follower = if leader == a { b.clone() } else { a.clone() };
        let fw = c.sync("g", &follower, 2, vec![], Instant::now()).unwrap();
        let lw = c
            .sync(
                "g",
                &leader,
                2,
                vec![
                    (a.clone(), Bytes::from_static(b"A")),
                    (b.clone(), Bytes::from_static(b"B")),
                ],
                Instant::now(),
            )
            .unwrap();
        assert!(!fw.await.unwrap().unwrap().assignment.is_empty());
        assert!(!lw.await.unwrap().unwrap().assignment.is_empty());
        assert!(c.heartbeat("g", &a, 2, Instant::now()).is_ok());

        // A member's last commit while the group prepares a rebalance is accepted (Kafka does).
        let Err(GroupError::MemberIdRequired(x)) = join(&c, "") else {
            panic!()
        };
        let wx = join(&c, &x).unwrap();
        let off = vec![(
            "t".to_string(),
            0,
            CommittedOffset {
                offset: 9,
                leader_epoch: -1,
                metadata: String::new(),
                commit_ms: 0,
            },
        )];
        assert_eq!(c.commit_offsets("g", &a, 2, &off), Ok(()));
        assert!(c.leave("g", &[(x.clone(), None)], Instant::now())[0].is_ok());
        drop(wx);
        assert!(c.leave("g", &[(b.clone(), None)], Instant::now())[0].is_ok());
        let ra = join(&c, &a).unwrap().await.unwrap().unwrap();
        assert_eq!((ra.generation, ra.members.len()), (3, 1));
        assert_eq!(c.delete("g"), Err(GroupError::NonEmptyGroup));
    }

    #[tokio::test]
    async fn a_member_that_stops_heartbeating_expires_at_its_session_timeout() {
        let (_d, c) = coordinator();
        let Err(GroupError::MemberIdRequired(a)) = join(&c, "") else {
            panic!("expected an id")
        };
        let start = Instant::now();
        join(&c, &a).unwrap().await.unwrap().unwrap();
        // Heartbeats keep it; a tick past its 10 s session timeout after the last one ends it.
        c.tick(start + Duration::from_secs(9));
        assert!(c
            .heartbeat("g", &a, 1, start + Duration::from_secs(9))
            .is_ok());
        c.tick(start + Duration::from_secs(18));
        assert_eq!(c.lock()["g"].members.len(), 1);
        c.tick(start + Duration::from_secs(20));
        assert!(c.lock()["g"].members.is_empty());
        assert_eq!(
            c.heartbeat("g", &a, 1, start + Duration::from_secs(20)),
            Err(GroupError::UnknownMemberId)
        );
    }

    #[test]
    fn an_older_group_state_never_overwrites_a_newer_one() {
        let (_d, c) = coordinator();
        let state = |generation| GroupMeta {
            name: "g".into(),
            protocol_type: "consumer".into(),
            protocol: "range".into(),
            generation,
        };
        c.store([state(6), state(5)]);
        assert_eq!(c.meta.groups().unwrap(), vec![state(6)]);
        c.store([state(7)]);
        assert_eq!(c.meta.groups().unwrap(), vec![state(7)]);
    }

    #[test]
    fn commits_need_a_current_generation() {
        let (_d, c) = coordinator();
        let off = |o| {
            vec![(
                "t".to_string(),
                0,
                CommittedOffset {
                    offset: o,
                    leader_epoch: -1,
                    metadata: String::new(),
                    commit_ms: 0,
                },
            )]
        };
        c.commit_offsets("solo", "", -1, &off(5)).unwrap();
        assert_eq!(c.committed("solo", "t", 0).unwrap().unwrap().offset, 5);
        assert_eq!(
            c.commit_offsets("solo", "nobody", 3, &off(6)),
            Err(GroupError::UnknownMemberId)
        );
        assert_eq!(c.list().unwrap().len(), 1);
        c.delete("solo").unwrap();
        assert!(c.committed("solo", "t", 0).unwrap().is_none());
    }

    #[test]
    fn groups_past_max_groups_are_refused_and_counted_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let meta: Arc<dyn MetaStore> = Arc::new(RocksMeta::open(dir.path()).unwrap());
        let config = CoordinatorConfig {
            max_groups: 2,
            ..Default::default()
        };
        let off = vec![(
            "t".to_string(),
            0,
            CommittedOffset {
                offset: 1,
                leader_epoch: -1,
                metadata: String::new(),
                commit_ms: 0,
            },
        )];
        let c = GroupCoordinator::new(Arc::clone(&meta), config.clone()).unwrap();
        c.commit_offsets("a", "", -1, &off).unwrap();
        c.commit_offsets("b", "", -1, &off).unwrap();
        assert_eq!(
            c.commit_offsets("c", "", -1, &off),
            Err(GroupError::TooManyGroups(2))
        );
        c.commit_offsets("a", "", -1, &off).unwrap();
        drop(c);
        let c = GroupCoordinator::new(meta, config).unwrap();
        assert_eq!(
            c.commit_offsets("c", "", -1, &off),
            Err(GroupError::TooManyGroups(2))
        );
        c.delete("b").unwrap();
        c.commit_offsets("c", "", -1, &off).unwrap();
    }
}
