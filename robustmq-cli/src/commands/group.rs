//! `robustmq group ...`.

use robustmq_api::admin::reset_group_offsets_request::To;
use robustmq_api::admin::{
    DeleteGroupRequest, DescribeGroupRequest, GroupDescription, ListGroupsRequest,
    ListGroupsResponse, PartitionLag, ResetGroupOffsetsRequest,
};
use serde_json::{json, Value};

use super::{io_err, progress, Ctx};
use crate::args::group::{GroupCommand, ResetArgs, ResetTo};
use crate::client::{CliError, Client};

pub async fn run(ctx: &Ctx, client: &mut Client, cmd: GroupCommand) -> Result<(), CliError> {
    match cmd {
        GroupCommand::List => {
            let r = ctx.rpc(client.list_groups(ListGroupsRequest {}).await)?;
            print_list(ctx, &r).map_err(io_err)
        }
        GroupCommand::Describe { name } => {
            let d = ctx.rpc(client.describe_group(DescribeGroupRequest { name }).await)?;
            print_description(ctx, &d).map_err(io_err)
        }
        GroupCommand::ResetOffsets(a) => reset(ctx, client, a).await,
        GroupCommand::Delete { name } => {
            ctx.rpc(
                client
                    .delete_group(DeleteGroupRequest { name: name.clone() })
                    .await,
            )?;
            ctx.deleted("group", &name)
        }
    }
}

/// The `oneof to` for the chosen flag (clap guarantees exactly one is given).
fn target(to: &ResetTo) -> Result<To, CliError> {
    match to {
        ResetTo {
            to_earliest: true, ..
        } => Ok(To::Earliest(true)),
        ResetTo {
            to_latest: true, ..
        } => Ok(To::Latest(true)),
        ResetTo {
            to_datetime: Some(ms),
            ..
        } => Ok(To::TimestampMs(*ms)),
        ResetTo {
            to_offset: Some(o), ..
        } => Ok(To::Offset(*o)),
        _ => Err(CliError::Invalid(
            "choose one of --to-earliest, --to-latest, --to-datetime, --to-offset".into(),
        )),
    }
}

async fn reset(ctx: &Ctx, client: &mut Client, a: ResetArgs) -> Result<(), CliError> {
    let req = ResetGroupOffsetsRequest {
        group: a.name.clone(),
        topic: a.topic.clone(),
        partitions: a.partitions.clone(),
        to: Some(target(&a.to)?),
        dry_run: a.dry_run,
    };
    // One call however many partitions; a spinner says we are waiting on the daemon.
    let pb = progress(None, "{spinner} resetting offsets of {msg}");
    pb.set_message(format!("group {} on topic {}", a.name, a.topic));
    let r = client.reset_group_offsets(req).await;
    pb.finish_and_clear();
    let r = ctx.rpc(r)?;
    if ctx.out.json() {
        let v = json!({
            "group": a.name,
            "dry_run": a.dry_run,
            "offsets": r.offsets.iter().map(lag_json).collect::<Vec<_>>(),
        });
        return ctx.out.print_json(&v).map_err(io_err);
    }
    let mut t = ctx
        .out
        .table(["TOPIC", "PARTITION", "NEW OFFSET", "LOG END", "LAG"]);
    for o in &r.offsets {
        t.add_row(vec![
            o.topic.clone(),
            o.partition.to_string(),
            o.committed_offset.to_string(),
            o.log_end_offset.to_string(),
            o.lag.to_string(),
        ]);
    }
    ctx.out.print_table(t).map_err(io_err)?;
    if a.dry_run {
        eprintln!("dry run: nothing was committed");
    }
    Ok(())
}

fn lag_json(o: &PartitionLag) -> Value {
    json!({
        "topic": o.topic,
        "partition": o.partition,
        "committed_offset": o.committed_offset,
        "log_end_offset": o.log_end_offset,
        "lag": o.lag,
        "metadata": o.metadata,
        "member_id": o.member_id,
    })
}

pub fn list_json(r: &ListGroupsResponse) -> Value {
    json!({
        "groups": r.groups.iter().map(|g| json!({
            "name": g.name,
            "state": g.state,
            "protocol_type": g.protocol_type,
            "members": g.members,
            "lag": g.lag,
        })).collect::<Vec<_>>(),
    })
}

fn print_list(ctx: &Ctx, r: &ListGroupsResponse) -> std::io::Result<()> {
    if ctx.out.json() {
        return ctx.out.print_json(&list_json(r));
    }
    let mut t = ctx
        .out
        .table(["NAME", "STATE", "PROTOCOL TYPE", "MEMBERS", "LAG"]);
    for g in &r.groups {
        t.add_row(vec![
            g.name.clone(),
            g.state.clone(),
            g.protocol_type.clone(),
            g.members.to_string(),
            g.lag.to_string(),
        ]);
    }
    ctx.out.print_table(t)
}

pub fn description_json(d: &GroupDescription) -> Value {
    json!({
        "name": d.name,
        "state": d.state,
        "protocol_type": d.protocol_type,
        "protocol": d.protocol,
        "generation": d.generation,
        "members": d.members.iter().map(|m| json!({
            "member_id": m.member_id,
            "instance_id": m.instance_id,
            "client_id": m.client_id,
            "client_host": m.client_host,
            "assignment": m.assignment.iter().map(|tp| json!({
                "topic": tp.topic,
                "partition": tp.partition,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "offsets": d.offsets.iter().map(lag_json).collect::<Vec<_>>(),
    })
}

/// `orders:0,1 payments:2`: a member's assignment grouped by topic.
fn assignment(m: &robustmq_api::admin::GroupMember) -> String {
    let mut by_topic: Vec<(&str, Vec<i32>)> = Vec::new();
    for tp in &m.assignment {
        match by_topic.iter_mut().find(|(t, _)| *t == tp.topic) {
            Some((_, ps)) => ps.push(tp.partition),
            None => by_topic.push((&tp.topic, vec![tp.partition])),
        }
    }
    by_topic
        .into_iter()
        .map(|(t, mut ps)| {
            ps.sort_unstable();
            let ps: Vec<String> = ps.iter().map(i32::to_string).collect();
            format!("{t}:{}", ps.join(","))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn print_description(ctx: &Ctx, d: &GroupDescription) -> std::io::Result<()> {
    if ctx.out.json() {
        return ctx.out.print_json(&description_json(d));
    }
    let protocol = if d.protocol.is_empty() {
        d.protocol_type.clone()
    } else {
        format!("{}/{}", d.protocol_type, d.protocol)
    };
    ctx.out.line(&format!(
        "group {} state {} protocol {} generation {}",
        d.name,
        d.state,
        if protocol.is_empty() { "-" } else { &protocol },
        d.generation
    ))?;
    if !d.members.is_empty() {
        ctx.out.line("")?;
        let mut t = ctx.out.table(["MEMBER", "CLIENT ID", "HOST", "ASSIGNMENT"]);
        for m in &d.members {
            t.add_row(vec![
                m.member_id.clone(),
                m.client_id.clone(),
                m.client_host.clone(),
                assignment(m),
            ]);
        }
        ctx.out.print_table(t)?;
    }
    ctx.out.line("")?;
    let mut t = ctx.out.table([
        "TOPIC",
        "PARTITION",
        "COMMITTED",
        "LOG END",
        "LAG",
        "MEMBER",
    ]);
    for o in &d.offsets {
        t.add_row(vec![
            o.topic.clone(),
            o.partition.to_string(),
            o.committed_offset.to_string(),
            o.log_end_offset.to_string(),
            o.lag.to_string(),
            if o.member_id.is_empty() {
                "-".to_string()
            } else {
                o.member_id.clone()
            },
        ]);
    }
    ctx.out.print_table(t)
}
