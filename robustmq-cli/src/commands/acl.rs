//! `robustmq acl ...`: the access control lists the daemon enforces on Kafka and MQTT.

use clap::ValueEnum;
use robustmq_api::admin::{
    AclBinding, AclFilter, CreateAclsRequest, DeleteAclsRequest, ListAclsRequest,
};
use serde_json::json;

use super::{io_err, Ctx};
use crate::args::acl::{AclCommand, AddArgs, FilterArgs, Op, Pattern, Resource};
use crate::client::{CliError, Client};

/// The name the daemon gives the cluster resource.
const CLUSTER: &str = "kafka-cluster";

fn value_name<T: ValueEnum>(v: &T) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}

/// The resource's type and name, if one was chosen.
fn resource(r: &Resource) -> Option<(&'static str, String)> {
    if let Some(t) = &r.topic {
        Some(("topic", t.clone()))
    } else if let Some(g) = &r.group {
        Some(("group", g.clone()))
    } else if let Some(t) = &r.transactional_id {
        Some(("transactional-id", t.clone()))
    } else if r.cluster {
        Some(("cluster", CLUSTER.to_string()))
    } else {
        None
    }
}

fn filter(a: &FilterArgs) -> AclFilter {
    let (resource_type, resource_name) = resource(&a.resource).unzip();
    AclFilter {
        resource_type: resource_type.map(str::to_string),
        resource_name,
        pattern_type: a.pattern.map(|p| value_name(&p)),
        principal: a.principal.clone(),
        host: a.host.clone(),
        operation: a.operation.map(|o| value_name(&o)),
        permission: a.permission.clone(),
    }
}

fn print(
    ctx: &Ctx,
    acls: &[AclBinding],
    key: &str,
    extra: Option<(&str, bool)>,
) -> Result<(), CliError> {
    if ctx.out.json() {
        let list: Vec<_> = acls
            .iter()
            .map(|b| {
                json!({
                    "resource_type": b.resource_type, "resource_name": b.resource_name,
                    "pattern_type": b.pattern_type, "principal": b.principal, "host": b.host,
                    "operation": b.operation, "permission": b.permission,
                })
            })
            .collect();
        let mut doc = json!({ key: list });
        if let Some((k, v)) = extra {
            doc[k] = json!(v);
        }
        return ctx.out.print_json(&doc).map_err(io_err);
    }
    let mut t = ctx.out.table([
        "RESOURCE TYPE",
        "NAME",
        "PATTERN",
        "PRINCIPAL",
        "HOST",
        "OPERATION",
        "PERMISSION",
    ]);
    for b in acls {
        t.add_row(vec![
            b.resource_type.clone(),
            b.resource_name.clone(),
            b.pattern_type.clone(),
            b.principal.clone(),
            b.host.clone(),
            b.operation.clone(),
            b.permission.clone(),
        ]);
    }
    ctx.out.print_table(t).map_err(io_err)
}

pub async fn run(ctx: &Ctx, client: &mut Client, cmd: AclCommand) -> Result<(), CliError> {
    match cmd {
        AclCommand::List(a) => {
            let req = ListAclsRequest {
                filter: Some(filter(&a)),
            };
            let r = ctx.rpc(client.list_acls(req).await)?;
            if !r.enabled && !ctx.out.json() {
                eprintln!(
                    "note: ACLs are not enforced on this node ([broker.acl] enabled = false)"
                );
            }
            print(ctx, &r.acls, "acls", Some(("enabled", r.enabled)))
        }
        AclCommand::Add(a) => add(ctx, client, a).await,
        AclCommand::Delete(a) => {
            let f = filter(&a);
            let empty = AclFilter::default();
            if f == empty {
                return Err(CliError::Invalid(
                    "give at least one filter (--topic, --group, --principal, ...); \
                     to delete every binding, list them and delete by principal"
                        .into(),
                ));
            }
            let r = ctx.rpc(
                client
                    .delete_acls(DeleteAclsRequest { filter: Some(f) })
                    .await,
            )?;
            print(ctx, &r.deleted, "deleted", None)
        }
    }
}

async fn add(ctx: &Ctx, client: &mut Client, a: AddArgs) -> Result<(), CliError> {
    let Some((kind, name)) = resource(&a.resource) else {
        return Err(CliError::Invalid(
            "choose the resource: --topic, --group, --transactional-id or --cluster".into(),
        ));
    };
    if a.prefixed && kind == "cluster" {
        return Err(CliError::Invalid(
            "--prefixed does not apply to --cluster".into(),
        ));
    }
    let pattern = if a.prefixed {
        Pattern::Prefixed
    } else {
        Pattern::Literal
    };
    let mut acls = Vec::new();
    for principal in &a.principal {
        for op in &a.operation {
            acls.push(AclBinding {
                resource_type: kind.to_string(),
                resource_name: name.clone(),
                pattern_type: value_name(&pattern),
                principal: principal.clone(),
                host: a.host.clone(),
                operation: value_name::<Op>(op),
                permission: if a.deny { "deny" } else { "allow" }.to_string(),
            });
        }
    }
    ctx.rpc(
        client
            .create_acls(CreateAclsRequest { acls: acls.clone() })
            .await,
    )?;
    print(ctx, &acls, "created", None)
}
