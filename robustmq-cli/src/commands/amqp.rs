//! `robustmq vhost|exchange|queue|binding ...`: AMQP objects. Arguments travel as one JSON
//! object; `--arg KEY=VALUE` pairs are merged into it.

use robustmq_api::admin::*;
use serde_json::{json, Map, Value};

use super::{io_err, Ctx};
use crate::args::amqp::{
    ArgumentOpts, BindingArgs, BindingCommand, ExchangeCommand, QueueCommand, VhostCommand,
};
use crate::client::{CliError, Client};

/// The arguments as one JSON object text ("" for none).
fn arguments(a: &ArgumentOpts) -> Result<String, CliError> {
    let mut map = match &a.arguments {
        None => Map::new(),
        Some(text) => match serde_json::from_str(text) {
            Ok(Value::Object(m)) => m,
            _ => {
                return Err(CliError::Invalid(
                    "--arguments must be a JSON object".into(),
                ))
            }
        },
    };
    for pair in &a.args {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(CliError::Invalid(format!(
                "--arg '{pair}' is not KEY=VALUE"
            )));
        };
        let value = serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_string()));
        map.insert(k.to_string(), value);
    }
    Ok(if map.is_empty() {
        String::new()
    } else {
        Value::Object(map).to_string()
    })
}

/// An arguments column: `{}` shown as empty.
fn args_cell(json: &str) -> String {
    if json == "{}" {
        String::new()
    } else {
        json.to_string()
    }
}

fn args_value(json: &str) -> Value {
    serde_json::from_str(json).unwrap_or(Value::Null)
}

fn flags(pairs: &[(bool, &str)]) -> String {
    pairs
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(",")
}

pub async fn vhost(ctx: &Ctx, client: &mut Client, cmd: VhostCommand) -> Result<(), CliError> {
    match cmd {
        VhostCommand::List => {
            let r = ctx.rpc(client.list_vhosts(ListVhostsRequest {}).await)?;
            if ctx.out.json() {
                let v: Vec<_> = r
                    .vhosts
                    .iter()
                    .map(|v| json!({"name": v.name, "exchanges": v.exchanges, "queues": v.queues, "messages": v.messages}))
                    .collect();
                return ctx.out.print_json(&json!({ "vhosts": v })).map_err(io_err);
            }
            let mut t = ctx.out.table(["NAME", "EXCHANGES", "QUEUES", "MESSAGES"]);
            for v in &r.vhosts {
                t.add_row(vec![
                    v.name.clone(),
                    v.exchanges.to_string(),
                    v.queues.to_string(),
                    v.messages.to_string(),
                ]);
            }
            ctx.out.print_table(t).map_err(io_err)
        }
        VhostCommand::Add { name } => {
            let r = ctx.rpc(
                client
                    .create_vhost(CreateVhostRequest { name: name.clone() })
                    .await,
            )?;
            if ctx.out.json() {
                return ctx
                    .out
                    .print_json(&json!({ "name": name, "created": r.created }))
                    .map_err(io_err);
            }
            let msg = if r.created {
                format!("created vhost {name}")
            } else {
                format!("vhost {name} exists already")
            };
            ctx.out.line(&msg).map_err(io_err)
        }
        VhostCommand::Delete { name } => {
            ctx.rpc(
                client
                    .delete_vhost(DeleteVhostRequest { name: name.clone() })
                    .await,
            )?;
            ctx.deleted("vhost", &name)
        }
    }
}

pub async fn exchange(
    ctx: &Ctx,
    client: &mut Client,
    cmd: ExchangeCommand,
) -> Result<(), CliError> {
    match cmd {
        ExchangeCommand::List(f) => {
            let vhost = f.vhost.unwrap_or_default();
            let r = ctx.rpc(client.list_exchanges(ListExchangesRequest { vhost }).await)?;
            if ctx.out.json() {
                let v: Vec<_> = r
                    .exchanges
                    .iter()
                    .map(|e| {
                        json!({"vhost": e.vhost, "name": e.name, "type": e.r#type,
                            "durable": e.durable, "auto_delete": e.auto_delete,
                            "internal": e.internal, "arguments": args_value(&e.arguments_json)})
                    })
                    .collect();
                return ctx
                    .out
                    .print_json(&json!({ "exchanges": v }))
                    .map_err(io_err);
            }
            let mut t = ctx
                .out
                .table(["VHOST", "NAME", "TYPE", "FLAGS", "ARGUMENTS"]);
            for e in &r.exchanges {
                t.add_row(vec![
                    e.vhost.clone(),
                    e.name.clone(),
                    e.r#type.clone(),
                    flags(&[
                        (e.durable, "durable"),
                        (e.auto_delete, "auto-delete"),
                        (e.internal, "internal"),
                    ]),
                    args_cell(&e.arguments_json),
                ]);
            }
            ctx.out.print_table(t).map_err(io_err)
        }
        ExchangeCommand::Declare(a) => {
            let req = DeclareExchangeRequest {
                vhost: a.vhost.vhost.clone(),
                name: a.name.clone(),
                r#type: a.kind.clone(),
                durable: !a.transient,
                auto_delete: a.auto_delete,
                internal: a.internal,
                arguments_json: arguments(&a.arguments)?,
            };
            ctx.rpc(client.declare_exchange(req).await)?;
            if ctx.out.json() {
                return ctx
                    .out
                    .print_json(&json!({ "declared": a.name, "vhost": a.vhost.vhost }))
                    .map_err(io_err);
            }
            ctx.out
                .line(&format!("declared exchange {} ({})", a.name, a.kind))
                .map_err(io_err)
        }
        ExchangeCommand::Delete {
            vhost,
            name,
            if_unused,
        } => {
            let req = DeleteExchangeRequest {
                vhost: vhost.vhost,
                name: name.clone(),
                if_unused,
            };
            ctx.rpc(client.delete_exchange(req).await)?;
            ctx.deleted("exchange", &name)
        }
    }
}

pub async fn queue(ctx: &Ctx, client: &mut Client, cmd: QueueCommand) -> Result<(), CliError> {
    match cmd {
        QueueCommand::List(f) => {
            let vhost = f.vhost.unwrap_or_default();
            let r = ctx.rpc(client.list_queues(ListQueuesRequest { vhost }).await)?;
            if ctx.out.json() {
                let v: Vec<_> = r
                    .queues
                    .iter()
                    .map(|q| {
                        json!({"vhost": q.vhost, "name": q.name, "durable": q.durable,
                            "exclusive": q.exclusive, "auto_delete": q.auto_delete,
                            "arguments": args_value(&q.arguments_json),
                            "messages_ready": q.messages_ready,
                            "messages_unacked": q.messages_unacked,
                            "consumers": q.consumers, "topic": q.topic})
                    })
                    .collect();
                return ctx.out.print_json(&json!({ "queues": v })).map_err(io_err);
            }
            let mut t = ctx.out.table([
                "VHOST",
                "NAME",
                "READY",
                "UNACKED",
                "CONSUMERS",
                "FLAGS",
                "TOPIC",
                "ARGUMENTS",
            ]);
            for q in &r.queues {
                t.add_row(vec![
                    q.vhost.clone(),
                    q.name.clone(),
                    q.messages_ready.to_string(),
                    q.messages_unacked.to_string(),
                    q.consumers.to_string(),
                    flags(&[
                        (q.durable, "durable"),
                        (q.exclusive, "exclusive"),
                        (q.auto_delete, "auto-delete"),
                    ]),
                    q.topic.clone(),
                    args_cell(&q.arguments_json),
                ]);
            }
            ctx.out.print_table(t).map_err(io_err)
        }
        QueueCommand::Declare(a) => {
            let req = DeclareQueueRequest {
                vhost: a.vhost.vhost.clone(),
                name: a.name.clone(),
                durable: !a.transient,
                auto_delete: a.auto_delete,
                arguments_json: arguments(&a.arguments)?,
            };
            let r = ctx.rpc(client.declare_queue(req).await)?;
            if ctx.out.json() {
                return ctx
                    .out
                    .print_json(&json!({ "declared": r.name, "vhost": a.vhost.vhost }))
                    .map_err(io_err);
            }
            ctx.out
                .line(&format!("declared queue {}", r.name))
                .map_err(io_err)
        }
        QueueCommand::Delete {
            vhost,
            name,
            if_unused,
            if_empty,
        } => {
            let req = DeleteQueueRequest {
                vhost: vhost.vhost,
                name: name.clone(),
                if_unused,
                if_empty,
            };
            let r = ctx.rpc(client.delete_queue(req).await)?;
            if ctx.out.json() {
                return ctx
                    .out
                    .print_json(&json!({ "deleted": name, "messages": r.messages }))
                    .map_err(io_err);
            }
            ctx.out
                .line(&format!("deleted queue {name} ({} messages)", r.messages))
                .map_err(io_err)
        }
        QueueCommand::Purge { vhost, name } => {
            let req = PurgeQueueRequest {
                vhost: vhost.vhost,
                name: name.clone(),
            };
            let r = ctx.rpc(client.purge_queue(req).await)?;
            if ctx.out.json() {
                return ctx
                    .out
                    .print_json(&json!({ "purged": name, "messages": r.messages }))
                    .map_err(io_err);
            }
            ctx.out
                .line(&format!("purged {} messages from queue {name}", r.messages))
                .map_err(io_err)
        }
    }
}

fn to_binding(a: &BindingArgs) -> Result<Binding, CliError> {
    Ok(Binding {
        vhost: a.vhost.vhost.clone(),
        source: a.source.clone(),
        destination: a.destination.clone(),
        destination_type: if a.to_exchange { "exchange" } else { "queue" }.into(),
        routing_key: a.routing_key.clone(),
        arguments_json: arguments(&a.arguments)?,
    })
}

pub async fn binding(ctx: &Ctx, client: &mut Client, cmd: BindingCommand) -> Result<(), CliError> {
    match cmd {
        BindingCommand::List(f) => {
            let vhost = f.vhost.unwrap_or_default();
            let r = ctx.rpc(client.list_bindings(ListBindingsRequest { vhost }).await)?;
            if ctx.out.json() {
                let v: Vec<_> = r
                    .bindings
                    .iter()
                    .map(|b| {
                        json!({"vhost": b.vhost, "source": b.source,
                            "destination": b.destination, "destination_type": b.destination_type,
                            "routing_key": b.routing_key, "arguments": args_value(&b.arguments_json)})
                    })
                    .collect();
                return ctx
                    .out
                    .print_json(&json!({ "bindings": v }))
                    .map_err(io_err);
            }
            let mut t = ctx.out.table([
                "VHOST",
                "SOURCE",
                "DESTINATION",
                "TYPE",
                "ROUTING KEY",
                "ARGUMENTS",
            ]);
            for b in &r.bindings {
                t.add_row(vec![
                    b.vhost.clone(),
                    b.source.clone(),
                    b.destination.clone(),
                    b.destination_type.clone(),
                    b.routing_key.clone(),
                    args_cell(&b.arguments_json),
                ]);
            }
            ctx.out.print_table(t).map_err(io_err)
        }
        BindingCommand::Add(a) => {
            let b = to_binding(&a)?;
            ctx.rpc(
                client
                    .create_binding(CreateBindingRequest { binding: Some(b) })
                    .await,
            )?;
            if ctx.out.json() {
                return ctx
                    .out
                    .print_json(&json!({ "bound": a.destination, "source": a.source, "routing_key": a.routing_key }))
                    .map_err(io_err);
            }
            ctx.out
                .line(&format!(
                    "bound {} to exchange {} with key '{}'",
                    a.destination, a.source, a.routing_key
                ))
                .map_err(io_err)
        }
        BindingCommand::Delete(a) => {
            let b = to_binding(&a)?;
            ctx.rpc(
                client
                    .delete_binding(DeleteBindingRequest { binding: Some(b) })
                    .await,
            )?;
            if ctx.out.json() {
                return ctx
                    .out
                    .print_json(&json!({ "unbound": a.destination, "source": a.source, "routing_key": a.routing_key }))
                    .map_err(io_err);
            }
            ctx.out
                .line(&format!(
                    "unbound {} from exchange {} (key '{}')",
                    a.destination, a.source, a.routing_key
                ))
                .map_err(io_err)
        }
    }
}
