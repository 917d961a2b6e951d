//! ACLs: list, create, delete (the broker core's bindings, by Kafka's lower-case names).

use std::sync::Arc;

use robustmq_api::admin::{self as api, *};
use robustmq_broker::acl::{
    AclBinding, AclFilter, Operation, PatternType, Permission, ResourceType,
};

use super::{blocking, status, AdminService};

fn parse<T>(what: &str, value: &str, f: fn(&str) -> Option<T>) -> Result<T, tonic::Status> {
    f(value).ok_or_else(|| tonic::Status::invalid_argument(format!("unknown {what} '{value}'")))
}

fn binding(b: api::AclBinding) -> Result<AclBinding, tonic::Status> {
    let host = if b.host.is_empty() {
        "*".to_string()
    } else {
        b.host
    };
    let pattern = if b.pattern_type.is_empty() {
        "literal"
    } else {
        b.pattern_type.as_str()
    };
    Ok(AclBinding {
        resource_type: parse("resource type", &b.resource_type, ResourceType::parse)?,
        resource_name: b.resource_name,
        pattern_type: parse("pattern type", pattern, PatternType::parse)?,
        principal: b.principal,
        host,
        operation: parse("operation", &b.operation, Operation::parse)?,
        permission: parse("permission", &b.permission, Permission::parse)?,
    })
}

fn filter(f: Option<api::AclFilter>) -> Result<AclFilter, tonic::Status> {
    let f = f.unwrap_or_default();
    fn opt<T>(
        what: &str,
        v: Option<String>,
        p: fn(&str) -> Option<T>,
    ) -> Result<Option<T>, tonic::Status> {
        v.map(|v| parse(what, &v, p)).transpose()
    }
    Ok(AclFilter {
        resource_type: opt("resource type", f.resource_type, ResourceType::parse)?,
        resource_name: f.resource_name,
        pattern_type: opt("pattern type", f.pattern_type, PatternType::parse)?,
        principal: f.principal,
        host: f.host,
        operation: opt("operation", f.operation, Operation::parse)?,
        permission: opt("permission", f.permission, Permission::parse)?,
    })
}

fn shown(b: AclBinding) -> api::AclBinding {
    api::AclBinding {
        resource_type: b.resource_type.name().to_string(),
        resource_name: b.resource_name,
        pattern_type: b.pattern_type.name().to_string(),
        principal: b.principal,
        host: b.host,
        operation: b.operation.name().to_string(),
        permission: b.permission.name().to_string(),
    }
}

impl AdminService {
    pub(super) async fn list_acls(
        &self,
        req: ListAclsRequest,
    ) -> Result<ListAclsResponse, tonic::Status> {
        let f = filter(req.filter)?;
        Ok(ListAclsResponse {
            acls: self
                .broker
                .acls
                .describe(&f)
                .into_iter()
                .map(shown)
                .collect(),
            enabled: self.broker.acls.enabled(),
        })
    }

    pub(super) async fn create_acls(
        &self,
        req: CreateAclsRequest,
    ) -> Result<CreateAclsResponse, tonic::Status> {
        let bindings = req
            .acls
            .into_iter()
            .map(binding)
            .collect::<Result<Vec<_>, _>>()?;
        for b in &bindings {
            b.validate().map_err(tonic::Status::invalid_argument)?;
        }
        let broker = Arc::clone(&self.broker);
        blocking(move || {
            for b in bindings {
                let what = format!("{b:?}");
                broker.acls.create(b).map_err(status)?;
                tracing::info!(binding = %what, "ACL created");
            }
            Ok(CreateAclsResponse {})
        })
        .await
    }

    pub(super) async fn delete_acls(
        &self,
        req: DeleteAclsRequest,
    ) -> Result<DeleteAclsResponse, tonic::Status> {
        let f = filter(req.filter)?;
        let broker = Arc::clone(&self.broker);
        blocking(move || {
            let gone = broker.acls.delete(&f).map_err(status)?;
            tracing::info!(count = gone.len(), "ACLs deleted");
            Ok(DeleteAclsResponse {
                deleted: gone.into_iter().map(shown).collect(),
            })
        })
        .await
    }
}
