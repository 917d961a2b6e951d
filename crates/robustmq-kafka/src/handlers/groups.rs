//! The classic consumer-group APIs over the broker core's coordinator. This node coordinates
//! every group.

use std::time::Instant;

use bytes::Bytes;
use kafka_protocol::messages::delete_groups_response::DeletableGroupResult;
use kafka_protocol::messages::describe_groups_response::{DescribedGroup, DescribedGroupMember};
use kafka_protocol::messages::find_coordinator_response::Coordinator;
use kafka_protocol::messages::join_group_response::JoinGroupResponseMember;
use kafka_protocol::messages::leave_group_response::MemberResponse;
use kafka_protocol::messages::list_groups_response::ListedGroup;
use kafka_protocol::messages::*;
use kafka_protocol::ResponseError;
use robustmq_broker::acl::{Operation, ResourceType};
use robustmq_broker::groups::{GroupError, JoinRequest};

use super::{str, Ctx};
use crate::errors::group_code;

const KEY_TYPE_GROUP: i8 = 0;
const KEY_TYPE_TRANSACTION: i8 = 1;
/// KIP-932 share groups (FindCoordinator v6).
const KEY_TYPE_SHARE: i8 = 2;

pub async fn find_coordinator(
    ctx: &Ctx,
    req: FindCoordinatorRequest,
    v: i16,
) -> FindCoordinatorResponse {
    let mut resp = FindCoordinatorResponse::default();
    // A group lookup needs DESCRIBE on the group, a transaction lookup DESCRIBE on the
    // transactional id.
    let denied = |key: &str| match req.key_type {
        KEY_TYPE_GROUP => (!ctx.allowed(Operation::Describe, ResourceType::Group, key))
            .then(|| ResponseError::GroupAuthorizationFailed.code()),
        KEY_TYPE_TRANSACTION => {
            (!ctx.allowed(Operation::Describe, ResourceType::TransactionalId, key))
                .then(|| ResponseError::TransactionalIdAuthorizationFailed.code())
        }
        _ => None,
    };
    let (error, message) = if req.key_type == KEY_TYPE_GROUP || req.key_type == KEY_TYPE_TRANSACTION
    {
        (0, None)
    } else if req.key_type == KEY_TYPE_SHARE {
        tracing::info!(peer = %ctx.peer, "coordinator lookup refused: share groups are not supported");
        (
            ResponseError::InvalidRequest.code(),
            Some(str("share groups are not supported")),
        )
    } else {
        tracing::info!(peer = %ctx.peer, key_type = req.key_type, "coordinator lookup refused: unknown key type");
        (
            ResponseError::InvalidRequest.code(),
            Some(str("unknown coordinator key type")),
        )
    };
    if v >= 4 {
        resp.coordinators = req
            .coordinator_keys
            .iter()
            .map(|k| {
                let mut c = Coordinator::default();
                c.key = k.clone();
                c.error_code = error;
                c.error_message = message.clone();
                if let Some(code) = denied(k) {
                    c.error_code = code;
                    c.error_message = None;
                }
                let error = c.error_code;
                if error == 0 {
                    c.node_id = BrokerId(ctx.node.id);
                    c.host = str(&ctx.node.host);
                    c.port = ctx.node.port;
                } else {
                    c.node_id = BrokerId(-1);
                    c.port = -1;
                }
                c
            })
            .collect();
    } else {
        let (error, message) = match denied(&req.key) {
            Some(code) => (code, None),
            None => (error, message),
        };
        resp.error_code = error;
        if v >= 1 {
            resp.error_message = message;
        }
        if error == 0 {
            resp.node_id = BrokerId(ctx.node.id);
            resp.host = str(&ctx.node.host);
            resp.port = ctx.node.port;
        } else {
            resp.node_id = BrokerId(-1);
            resp.port = -1;
        }
    }
    resp
}

/// Whether the client may do `op` on group `name`.
pub(super) fn group_allowed(ctx: &Ctx, op: Operation, name: &str) -> bool {
    ctx.allowed(op, ResourceType::Group, name)
}

fn client_host(ctx: &Ctx) -> String {
    format!("/{}", ctx.peer.ip())
}

pub async fn join(ctx: &Ctx, req: JoinGroupRequest, v: i16) -> JoinGroupResponse {
    let mut resp = JoinGroupResponse::default();
    resp.protocol_name = Some(str(""));
    if !group_allowed(ctx, Operation::Read, &req.group_id) {
        resp.error_code = ResponseError::GroupAuthorizationFailed.code();
        resp.member_id = req.member_id.clone();
        return resp;
    }
    let join = JoinRequest {
        group: req.group_id.0.to_string(),
        member_id: req.member_id.to_string(),
        instance_id: req.group_instance_id.as_ref().map(|s| s.to_string()),
        client_id: ctx.client_id.clone(),
        client_host: client_host(ctx),
        protocol_type: req.protocol_type.to_string(),
        protocols: req
            .protocols
            .iter()
            .map(|p| (p.name.to_string(), p.metadata.clone()))
            .collect(),
        session_timeout_ms: req.session_timeout_ms,
        rebalance_timeout_ms: if v >= 1 {
            req.rebalance_timeout_ms
        } else {
            req.session_timeout_ms
        },
        require_known_member_id: v >= 4,
    };
    let waiter = ctx
        .broker
        .off_runtime(move |b| b.groups.join(join, Instant::now()))
        .await;
    let outcome = match waiter {
        Ok(rx) => rx.await.unwrap_or(Err(GroupError::RebalanceInProgress)),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(j) => {
            resp.generation_id = j.generation;
            resp.protocol_type = Some(str(&j.protocol_type));
            resp.protocol_name = Some(str(&j.protocol));
            resp.leader = str(&j.leader);
            resp.member_id = str(&j.member_id);
            resp.members = j
                .members
                .into_iter()
                .map(|m| {
                    let mut jm = JoinGroupResponseMember::default();
                    jm.member_id = str(&m.member_id);
                    if v >= 5 {
                        jm.group_instance_id = m.instance_id.map(|s| str(&s));
                    }
                    jm.metadata = m.metadata;
                    jm
                })
                .collect();
        }
        Err(e) => {
            resp.error_code = group_code(&e);
            if let GroupError::MemberIdRequired(id) = e {
                resp.member_id = str(&id);
            } else {
                resp.member_id = req.member_id.clone();
            }
        }
    }
    resp
}

pub async fn sync(ctx: &Ctx, req: SyncGroupRequest, _v: i16) -> SyncGroupResponse {
    let mut resp = SyncGroupResponse::default();
    if !group_allowed(ctx, Operation::Read, &req.group_id) {
        resp.error_code = ResponseError::GroupAuthorizationFailed.code();
        return resp;
    }
    let assignments: Vec<(String, Bytes)> = req
        .assignments
        .iter()
        .map(|a| (a.member_id.to_string(), a.assignment.clone()))
        .collect();
    let (group, member, generation) = (
        req.group_id.to_string(),
        req.member_id.to_string(),
        req.generation_id,
    );
    let waiter = ctx
        .broker
        .off_runtime(move |b| {
            b.groups
                .sync(&group, &member, generation, assignments, Instant::now())
        })
        .await;
    let outcome = match waiter {
        Ok(rx) => rx.await.unwrap_or(Err(GroupError::RebalanceInProgress)),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(s) => {
            resp.protocol_type = Some(str(&s.protocol_type));
            resp.protocol_name = Some(str(&s.protocol));
            resp.assignment = s.assignment;
        }
        Err(e) => resp.error_code = group_code(&e),
    }
    resp
}

pub async fn heartbeat(ctx: &Ctx, req: HeartbeatRequest, _v: i16) -> HeartbeatResponse {
    let mut resp = HeartbeatResponse::default();
    if !group_allowed(ctx, Operation::Read, &req.group_id) {
        resp.error_code = ResponseError::GroupAuthorizationFailed.code();
        return resp;
    }
    if let Err(e) = ctx.broker.groups.heartbeat(
        &req.group_id,
        &req.member_id,
        req.generation_id,
        Instant::now(),
    ) {
        resp.error_code = group_code(&e);
    }
    resp
}

pub async fn leave(ctx: &Ctx, req: LeaveGroupRequest, v: i16) -> LeaveGroupResponse {
    let mut resp = LeaveGroupResponse::default();
    if !group_allowed(ctx, Operation::Read, &req.group_id) {
        resp.error_code = ResponseError::GroupAuthorizationFailed.code();
        return resp;
    }
    let members: Vec<(String, Option<String>)> = if v >= 3 {
        req.members
            .iter()
            .map(|m| {
                (
                    m.member_id.to_string(),
                    m.group_instance_id.as_ref().map(|s| s.to_string()),
                )
            })
            .collect()
    } else {
        vec![(req.member_id.to_string(), None)]
    };
    let (group, leaving) = (req.group_id.to_string(), members.clone());
    let results = ctx
        .broker
        .off_runtime(move |b| Ok::<_, GroupError>(b.groups.leave(&group, &leaving, Instant::now())))
        .await
        .unwrap_or_else(|e| members.iter().map(|_| Err(e.clone())).collect());
    if v >= 3 {
        resp.members = members
            .iter()
            .zip(&results)
            .map(|((id, instance), r)| {
                let mut m = MemberResponse::default();
                m.member_id = str(id);
                m.group_instance_id = instance.as_ref().map(|s| str(s));
                m.error_code = r.as_ref().err().map(group_code).unwrap_or(0);
                m
            })
            .collect();
    } else if let Some(Err(e)) = results.first() {
        resp.error_code = group_code(e);
    }
    resp
}

pub async fn list(ctx: &Ctx, req: ListGroupsRequest, _v: i16) -> ListGroupsResponse {
    let mut resp = ListGroupsResponse::default();
    // v5's type filter: every group here is a classic one.
    if !req.types_filter.is_empty()
        && !req
            .types_filter
            .iter()
            .any(|t| t.as_str().eq_ignore_ascii_case("classic"))
    {
        return resp;
    }
    // DESCRIBE on the cluster lists every group; otherwise those the client may describe.
    let all = ctx.cluster_allowed(Operation::Describe);
    match ctx.broker.groups.list() {
        Ok(groups) => {
            for (name, state, protocol_type) in groups {
                if !all && !group_allowed(ctx, Operation::Describe, &name) {
                    continue;
                }
                if !req.states_filter.is_empty()
                    && !req
                        .states_filter
                        .iter()
                        .any(|s| s.as_str().eq_ignore_ascii_case(state.as_str()))
                {
                    continue;
                }
                let mut g = ListedGroup::default();
                g.group_id = GroupId(str(&name));
                g.protocol_type = str(&protocol_type);
                g.group_state = str(state.as_str());
                g.group_type = str("classic");
                resp.groups.push(g);
            }
        }
        Err(e) => resp.error_code = group_code(&e),
    }
    resp
}

pub async fn describe(ctx: &Ctx, req: DescribeGroupsRequest, v: i16) -> DescribeGroupsResponse {
    let mut resp = DescribeGroupsResponse::default();
    let listed = ctx.broker.groups.list().unwrap_or_default();
    for name in req.groups {
        let mut g = DescribedGroup::default();
        g.group_id = name.clone();
        if !group_allowed(ctx, Operation::Describe, &name) {
            g.error_code = ResponseError::GroupAuthorizationFailed.code();
            resp.groups.push(g);
            continue;
        }
        if req.include_authorized_operations {
            g.authorized_operations = ctx.authorized_operations(ResourceType::Group, &name);
        }
        match ctx.broker.groups.describe(&name) {
            Some(d) => {
                g.group_state = str(d.state.as_str());
                g.protocol_type = str(&d.protocol_type);
                g.protocol_data = str(&d.protocol);
                g.members = d
                    .members
                    .into_iter()
                    .map(|m| {
                        let mut dm = DescribedGroupMember::default();
                        dm.member_id = str(&m.member_id);
                        dm.group_instance_id = m.instance_id.map(|s| str(&s));
                        dm.client_id = str(&m.client_id);
                        dm.client_host = str(&m.client_host);
                        dm.member_metadata = m.metadata;
                        dm.member_assignment = m.assignment;
                        dm
                    })
                    .collect();
            }
            None if listed.iter().any(|(n, _, _)| n.as_str() == name.as_str()) => {
                g.group_state = str("Empty");
                g.protocol_type = str("consumer");
            }
            None => {
                g.group_state = str("Dead");
                // v6 (KIP-1043) says so with an error, as Kafka 4 does.
                if v >= 6 {
                    g.error_code = ResponseError::GroupIdNotFound.code();
                    g.error_message = Some(str(&format!("Group {} not found.", name.as_str())));
                }
            }
        }
        resp.groups.push(g);
    }
    resp
}

pub async fn delete(ctx: &Ctx, req: DeleteGroupsRequest, _v: i16) -> DeleteGroupsResponse {
    let mut resp = DeleteGroupsResponse::default();
    for name in req.groups_names {
        let mut r = DeletableGroupResult::default();
        if !group_allowed(ctx, Operation::Delete, &name) {
            r.error_code = ResponseError::GroupAuthorizationFailed.code();
            r.group_id = name;
            resp.results.push(r);
            continue;
        }
        let group = name.to_string();
        let deleted = ctx
            .broker
            .off_runtime(move |b| b.groups.delete(&group))
            .await;
        if let Err(e) = deleted {
            r.error_code = group_code(&e);
        }
        r.group_id = name;
        resp.results.push(r);
    }
    resp
}
