//! `robustmq topic ...`.

use std::collections::HashMap;
use std::io::IsTerminal;

use robustmq_api::admin::{
    AddPartitionsRequest, AlterTopicConfigsRequest, CreateTopicRequest, DeleteTopicRequest,
    DescribeTopicRequest, ListTopicsRequest, ListTopicsResponse, TopicDescription,
};
use serde_json::{json, Value};

use super::{io_err, Ctx};
use crate::args::topic::{AlterArgs, CreateArgs, DeleteArgs, TopicCommand};
use crate::client::{CliError, Client};
use crate::output::human_bytes;
use crate::prompt;

pub async fn run(ctx: &Ctx, client: &mut Client, cmd: TopicCommand) -> Result<(), CliError> {
    match cmd {
        TopicCommand::List => {
            let r = ctx.rpc(client.list_topics(ListTopicsRequest {}).await)?;
            print_list(ctx, &r).map_err(io_err)
        }
        TopicCommand::Describe { name } => {
            let d = ctx.rpc(client.describe_topic(DescribeTopicRequest { name }).await)?;
            print_description(ctx, &d).map_err(io_err)
        }
        TopicCommand::Create(a) => create(ctx, client, a).await,
        TopicCommand::Alter(a) => alter(ctx, client, a).await,
        TopicCommand::AddPartitions(a) => {
            let req = AddPartitionsRequest {
                name: a.name,
                total: a.total,
            };
            let d = ctx.rpc(client.add_partitions(req).await)?;
            if ctx.out.json() {
                return ctx.out.print_json(&description_json(&d)).map_err(io_err);
            }
            ctx.out
                .line(&format!(
                    "topic {} now has {} partitions",
                    d.name,
                    d.partitions.len()
                ))
                .map_err(io_err)
        }
        TopicCommand::Delete(a) => delete(ctx, client, a).await,
    }
}

async fn create(ctx: &Ctx, client: &mut Client, a: CreateArgs) -> Result<(), CliError> {
    let req = CreateTopicRequest {
        name: a.name,
        partitions: a.partitions.unwrap_or(0),
        configs: a.configs.into_iter().collect(),
    };
    let d = ctx.rpc(client.create_topic(req).await)?;
    if ctx.out.json() {
        return ctx.out.print_json(&description_json(&d)).map_err(io_err);
    }
    ctx.out
        .line(&format!(
            "created topic {} with {} partitions",
            d.name,
            d.partitions.len()
        ))
        .map_err(io_err)
}

/// `--config` sets, `--delete-config` removes.
fn alter_request(a: AlterArgs) -> Result<AlterTopicConfigsRequest, CliError> {
    let mut set = HashMap::new();
    for (k, v) in a.configs {
        if v.is_empty() {
            return Err(CliError::Invalid(format!(
                "--config {k}= has an empty value; use --delete-config {k} to remove the override"
            )));
        }
        set.insert(k, v);
    }
    for k in &a.delete_configs {
        if set.contains_key(k) {
            return Err(CliError::Invalid(format!(
                "{k} is both set with --config and removed with --delete-config"
            )));
        }
    }
    Ok(AlterTopicConfigsRequest {
        name: a.name,
        set,
        delete: a.delete_configs,
    })
}

async fn alter(ctx: &Ctx, client: &mut Client, a: AlterArgs) -> Result<(), CliError> {
    let req = alter_request(a)?;
    let mut changed: Vec<String> = req.set.keys().chain(&req.delete).cloned().collect();
    changed.sort();
    let d = ctx.rpc(client.alter_topic_configs(req).await)?;
    if ctx.out.json() {
        return ctx.out.print_json(&description_json(&d)).map_err(io_err);
    }
    let mut t = ctx.out.table(["CONFIG", "VALUE", "SOURCE"]);
    for c in d.configs.iter().filter(|c| changed.contains(&c.name)) {
        t.add_row(vec![
            c.name.clone(),
            c.value.clone(),
            source(c.is_default, c.read_only),
        ]);
    }
    ctx.out
        .line(&format!("altered topic {}", d.name))
        .map_err(io_err)?;
    ctx.out.print_table(t).map_err(io_err)
}

async fn delete(ctx: &Ctx, client: &mut Client, a: DeleteArgs) -> Result<(), CliError> {
    if !a.yes {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::Invalid(format!(
                "refusing to delete topic {} without confirmation: pass --yes",
                a.name
            )));
        }
        let question = format!("Delete topic {} and all its records?", a.name);
        if !prompt::confirm(&question).await? {
            return Err(CliError::Other(anyhow::anyhow!(
                "aborted; topic {} kept",
                a.name
            )));
        }
    }
    ctx.rpc(
        client
            .delete_topic(DeleteTopicRequest {
                name: a.name.clone(),
            })
            .await,
    )?;
    ctx.deleted("topic", &a.name)
}

fn source(is_default: bool, read_only: bool) -> String {
    let s = if is_default { "default" } else { "topic" };
    if read_only {
        format!("{s},read-only")
    } else {
        s.to_string()
    }
}

pub fn list_json(r: &ListTopicsResponse) -> Value {
    json!({
        "topics": r.topics.iter().map(|t| json!({
            "name": t.name,
            "partitions": t.partitions,
            "size_bytes": t.size_bytes,
            "records": t.records,
        })).collect::<Vec<_>>(),
    })
}

fn print_list(ctx: &Ctx, r: &ListTopicsResponse) -> std::io::Result<()> {
    if ctx.out.json() {
        return ctx.out.print_json(&list_json(r));
    }
    let mut t = ctx.out.table(["NAME", "PARTITIONS", "RECORDS", "SIZE"]);
    for s in &r.topics {
        t.add_row(vec![
            s.name.clone(),
            s.partitions.to_string(),
            s.records.to_string(),
            human_bytes(s.size_bytes),
        ]);
    }
    ctx.out.print_table(t)
}

pub fn description_json(d: &TopicDescription) -> Value {
    json!({
        "name": d.name,
        "id": d.id,
        "partitions": d.partitions.iter().map(|p| json!({
            "partition": p.partition,
            "log_start_offset": p.log_start_offset,
            "log_end_offset": p.log_end_offset,
            "size_bytes": p.size_bytes,
            "segments": p.segments,
        })).collect::<Vec<_>>(),
        "configs": d.configs.iter().map(|c| json!({
            "name": c.name,
            "value": c.value,
            "is_default": c.is_default,
            "read_only": c.read_only,
        })).collect::<Vec<_>>(),
    })
}

fn print_description(ctx: &Ctx, d: &TopicDescription) -> std::io::Result<()> {
    if ctx.out.json() {
        return ctx.out.print_json(&description_json(d));
    }
    ctx.out.line(&format!("topic {} (id {})", d.name, d.id))?;
    let mut t = ctx.out.table([
        "PARTITION",
        "LOG START",
        "LOG END",
        "RECORDS",
        "SEGMENTS",
        "SIZE",
    ]);
    for p in &d.partitions {
        t.add_row(vec![
            p.partition.to_string(),
            p.log_start_offset.to_string(),
            p.log_end_offset.to_string(),
            (p.log_end_offset - p.log_start_offset).to_string(),
            p.segments.to_string(),
            human_bytes(p.size_bytes),
        ]);
    }
    ctx.out.print_table(t)?;
    ctx.out.line("")?;
    let mut t = ctx.out.table(["CONFIG", "VALUE", "SOURCE"]);
    for c in &d.configs {
        t.add_row(vec![
            c.name.clone(),
            c.value.clone(),
            source(c.is_default, c.read_only),
        ]);
    }
    ctx.out.print_table(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alter_sets_and_deletes() {
        let a = AlterArgs {
            name: "t".into(),
            configs: vec![("retention.ms".into(), "1000".into())],
            delete_configs: vec!["cleanup.policy".into()],
        };
        let req = alter_request(a).expect("valid");
        assert_eq!(
            req.set.get("retention.ms").map(String::as_str),
            Some("1000")
        );
        assert_eq!(req.delete, ["cleanup.policy"]);
    }

    #[test]
    fn alter_refuses_empty_values_and_contradictions() {
        let empty = AlterArgs {
            name: "t".into(),
            configs: vec![("retention.ms".into(), "".into())],
            delete_configs: vec![],
        };
        assert!(matches!(alter_request(empty), Err(CliError::Invalid(_))));
        let both = AlterArgs {
            name: "t".into(),
            configs: vec![("retention.ms".into(), "1".into())],
            delete_configs: vec!["retention.ms".into()],
        };
        assert!(matches!(alter_request(both), Err(CliError::Invalid(_))));
    }
}
