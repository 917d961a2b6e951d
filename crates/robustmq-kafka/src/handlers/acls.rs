//! CreateAcls, DescribeAcls and DeleteAcls over the broker core's bindings
//! ([`robustmq_broker::acl`]). As in Kafka: with no authorizer (here `[broker.acl]` off) they
//! answer SECURITY_DISABLED; creating and deleting needs ALTER on the cluster, describing
//! needs DESCRIBE on it.

use kafka_protocol::messages::create_acls_response::AclCreationResult;
use kafka_protocol::messages::delete_acls_response::{
    DeleteAclsFilterResult, DeleteAclsMatchingAcl,
};
use kafka_protocol::messages::describe_acls_response::{AclDescription, DescribeAclsResource};
use kafka_protocol::messages::*;
use kafka_protocol::protocol::StrBytes;
use kafka_protocol::ResponseError;
use robustmq_broker::acl::{
    AclBinding, AclFilter, Operation, PatternType, Permission, ResourceType,
};

use super::{str, Ctx};
use crate::errors::broker_code;

const DISABLED: &str = "No Authorizer is configured on the broker ([broker.acl] enabled = false)";

/// Why a request is refused as a whole, if it is: ACLs off, or the client may not.
fn refused(ctx: &Ctx, op: Operation) -> Option<(i16, &'static str)> {
    if !ctx.broker.acls.enabled() {
        return Some((ResponseError::SecurityDisabled.code(), DISABLED));
    }
    (!ctx.cluster_allowed(op)).then_some((
        ResponseError::ClusterAuthorizationFailed.code(),
        "Cluster authorization failed.",
    ))
}

fn code<T>(what: &str, value: i8, parse: fn(i8) -> Option<T>) -> Result<T, String> {
    parse(value).ok_or_else(|| format!("unknown {what} code {value}"))
}

/// A filter as the wire gives it; `ANY` (1) of an enum matches everything.
#[allow(clippy::too_many_arguments)]
fn filter(
    resource_type: i8,
    name: &Option<StrBytes>,
    pattern_type: i8,
    principal: &Option<StrBytes>,
    host: &Option<StrBytes>,
    operation: i8,
    permission: i8,
) -> Result<AclFilter, String> {
    let kind = code("resource type", resource_type, ResourceType::from_code)?;
    let pattern = code("pattern type", pattern_type, PatternType::from_code)?;
    let op = code("operation", operation, Operation::from_code)?;
    let perm = code("permission type", permission, Permission::from_code)?;
    Ok(AclFilter {
        resource_type: (kind != ResourceType::Any).then_some(kind),
        resource_name: name.as_ref().map(|s| s.to_string()),
        pattern_type: Some(pattern),
        principal: principal.as_ref().map(|s| s.to_string()),
        host: host.as_ref().map(|s| s.to_string()),
        operation: (op != Operation::Any).then_some(op),
        permission: (perm != Permission::Any).then_some(perm),
    })
}

pub async fn create(ctx: &Ctx, req: CreateAclsRequest, _v: i16) -> CreateAclsResponse {
    let mut resp = CreateAclsResponse::default();
    let refusal = refused(ctx, Operation::Alter);
    for c in req.creations {
        let mut r = AclCreationResult::default();
        let outcome = match refusal {
            Some((code, why)) => Err((code, why.to_string())),
            None => binding(&c).map_err(|e| (ResponseError::InvalidRequest.code(), e)),
        };
        let outcome = match outcome {
            Ok(b) => {
                let shown = format!("{b:?}");
                let created = ctx
                    .broker
                    .off_runtime(move |broker| broker.acls.create(b))
                    .await;
                match created {
                    Ok(()) => {
                        tracing::info!(peer = %ctx.peer, principal = %ctx.principal, binding = %shown, "ACL created");
                        Ok(())
                    }
                    Err(e) => Err((broker_code(&e), e.to_string())),
                }
            }
            Err(e) => Err(e),
        };
        if let Err((code, message)) = outcome {
            r.error_code = code;
            r.error_message = Some(str(&message));
        }
        resp.results.push(r);
    }
    resp
}

fn binding(c: &create_acls_request::AclCreation) -> Result<AclBinding, String> {
    let b = AclBinding {
        resource_type: code("resource type", c.resource_type, ResourceType::from_code)?,
        resource_name: c.resource_name.to_string(),
        pattern_type: code(
            "pattern type",
            c.resource_pattern_type,
            PatternType::from_code,
        )?,
        principal: c.principal.to_string(),
        host: c.host.to_string(),
        operation: code("operation", c.operation, Operation::from_code)?,
        permission: code("permission type", c.permission_type, Permission::from_code)?,
    };
    b.validate()?;
    Ok(b)
}

pub async fn describe(ctx: &Ctx, req: DescribeAclsRequest, _v: i16) -> DescribeAclsResponse {
    let mut resp = DescribeAclsResponse::default();
    if let Some((code, why)) = refused(ctx, Operation::Describe) {
        resp.error_code = code;
        resp.error_message = Some(str(why));
        return resp;
    }
    let f = match filter(
        req.resource_type_filter,
        &req.resource_name_filter,
        req.pattern_type_filter,
        &req.principal_filter,
        &req.host_filter,
        req.operation,
        req.permission_type,
    ) {
        Ok(f) => f,
        Err(e) => {
            resp.error_code = ResponseError::InvalidRequest.code();
            resp.error_message = Some(str(&e));
            return resp;
        }
    };
    // The bindings come sorted by resource first, so each resource is one run.
    for b in ctx.broker.acls.describe(&f) {
        let same = resp
            .resources
            .last()
            .is_some_and(|r: &DescribeAclsResource| {
                r.resource_type == b.resource_type.code()
                    && r.resource_name.as_str() == b.resource_name
                    && r.pattern_type == b.pattern_type.code()
            });
        if !same {
            let mut r = DescribeAclsResource::default();
            r.resource_type = b.resource_type.code();
            r.resource_name = str(&b.resource_name);
            r.pattern_type = b.pattern_type.code();
            resp.resources.push(r);
        }
        let mut a = AclDescription::default();
        a.principal = str(&b.principal);
        a.host = str(&b.host);
        a.operation = b.operation.code();
        a.permission_type = b.permission.code();
        if let Some(r) = resp.resources.last_mut() {
            r.acls.push(a);
        }
    }
    resp
}

pub async fn delete(ctx: &Ctx, req: DeleteAclsRequest, _v: i16) -> DeleteAclsResponse {
    let mut resp = DeleteAclsResponse::default();
    let refusal = refused(ctx, Operation::Alter);
    for f in req.filters {
        let mut out = DeleteAclsFilterResult::default();
        let parsed = match refusal {
            Some((code, why)) => Err((code, why.to_string())),
            None => filter(
                f.resource_type_filter,
                &f.resource_name_filter,
                f.pattern_type_filter,
                &f.principal_filter,
                &f.host_filter,
                f.operation,
                f.permission_type,
            )
            .map_err(|e| (ResponseError::InvalidRequest.code(), e)),
        };
        let deleted = match parsed {
            Ok(filter) => ctx
                .broker
                .off_runtime(move |broker| broker.acls.delete(&filter))
                .await
                .map_err(|e| (broker_code(&e), e.to_string())),
            Err(e) => Err(e),
        };
        match deleted {
            Ok(gone) => {
                if !gone.is_empty() {
                    tracing::info!(peer = %ctx.peer, principal = %ctx.principal, count = gone.len(), "ACLs deleted");
                }
                out.matching_acls = gone.iter().map(matching).collect();
            }
            Err((code, message)) => {
                out.error_code = code;
                out.error_message = Some(str(&message));
            }
        }
        resp.filter_results.push(out);
    }
    resp
}

fn matching(b: &AclBinding) -> DeleteAclsMatchingAcl {
    let mut m = DeleteAclsMatchingAcl::default();
    m.resource_type = b.resource_type.code();
    m.resource_name = str(&b.resource_name);
    m.pattern_type = b.pattern_type.code();
    m.principal = str(&b.principal);
    m.host = str(&b.host);
    m.operation = b.operation.code();
    m.permission_type = b.permission.code();
    m
}
