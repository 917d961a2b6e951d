//! `robustmq cluster status`.

use robustmq_api::admin::{ClusterStatusRequest, ClusterStatusResponse};
use serde_json::{json, Value};

use super::{io_err, Ctx};
use crate::args::cluster::ClusterCommand;
use crate::client::{CliError, Client};
use crate::output::{human_bytes, human_duration};

pub async fn run(ctx: &Ctx, client: &mut Client, cmd: ClusterCommand) -> Result<(), CliError> {
    match cmd {
        ClusterCommand::Status => {
            let r = ctx.rpc(client.cluster_status(ClusterStatusRequest {}).await)?;
            print(ctx, &r).map_err(io_err)
        }
    }
}

pub fn to_json(r: &ClusterStatusResponse) -> Value {
    json!({
        "cluster_id": r.cluster_id,
        "nodes": r.nodes.iter().map(|n| json!({
            "node_id": n.node_id,
            "roles": n.roles,
            "version": n.version,
            "uptime_seconds": n.uptime_seconds,
            "listeners": n.listeners.iter().map(|l| json!({
                "protocol": l.protocol,
                "address": l.address,
            })).collect::<Vec<_>>(),
            "data_dir": n.data_dir,
            "data_dir_bytes": n.data_dir_bytes,
        })).collect::<Vec<_>>(),
    })
}

fn print(ctx: &Ctx, r: &ClusterStatusResponse) -> std::io::Result<()> {
    if ctx.out.json() {
        return ctx.out.print_json(&to_json(r));
    }
    ctx.out.line(&format!("cluster {}", r.cluster_id))?;
    // One FIELD/VALUE table per node: a row per node would be too wide for a terminal.
    for n in &r.nodes {
        let listeners: Vec<String> = n
            .listeners
            .iter()
            .map(|l| format!("{}={}", l.protocol, l.address))
            .collect();
        let mut t = ctx.out.table(["FIELD", "VALUE"]);
        t.add_row(vec!["node".to_string(), n.node_id.to_string()]);
        t.add_row(vec!["roles".to_string(), n.roles.join(",")]);
        t.add_row(vec!["version".to_string(), n.version.clone()]);
        t.add_row(vec!["uptime".to_string(), human_duration(n.uptime_seconds)]);
        t.add_row(vec![
            "listeners".to_string(),
            listeners.join(ctx.out.list_separator()),
        ]);
        t.add_row(vec!["data_dir".to_string(), n.data_dir.clone()]);
        t.add_row(vec!["data_size".to_string(), human_bytes(n.data_dir_bytes)]);
        ctx.out.print_table(t)?;
    }
    Ok(())
}
