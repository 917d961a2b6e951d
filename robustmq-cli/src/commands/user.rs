//! `robustmq user ...`: SCRAM users. Passwords never go through argv unless the user insists
//! (`--password`), and are never echoed.

use std::io::IsTerminal;

use robustmq_api::admin::{DeleteUserRequest, ListUsersRequest, UpsertUserRequest};
use serde_json::json;

use super::{io_err, Ctx};
use crate::args::user::{AddArgs, UserCommand};
use crate::client::{CliError, Client};
use crate::prompt;

pub async fn run(ctx: &Ctx, client: &mut Client, cmd: UserCommand) -> Result<(), CliError> {
    match cmd {
        UserCommand::List => {
            let r = ctx.rpc(client.list_users(ListUsersRequest {}).await)?;
            if ctx.out.json() {
                let users: Vec<_> = r
                    .users
                    .iter()
                    .map(|u| json!({"name": u.name, "mechanism": u.mechanism, "iterations": u.iterations}))
                    .collect();
                return ctx
                    .out
                    .print_json(&json!({ "users": users }))
                    .map_err(io_err);
            }
            let mut t = ctx.out.table(["NAME", "MECHANISM", "ITERATIONS"]);
            for u in &r.users {
                t.add_row(vec![
                    u.name.clone(),
                    u.mechanism.clone(),
                    u.iterations.to_string(),
                ]);
            }
            ctx.out.print_table(t).map_err(io_err)
        }
        UserCommand::Add(a) => add(ctx, client, a).await,
        UserCommand::Delete { name } => {
            ctx.rpc(
                client
                    .delete_user(DeleteUserRequest { name: name.clone() })
                    .await,
            )?;
            ctx.deleted("user", &name)
        }
    }
}

/// The password from --password, else stdin: prompted twice on a terminal, else one line.
async fn password(a: &AddArgs) -> Result<String, CliError> {
    if let Some(p) = &a.password {
        return Ok(p.clone());
    }
    if a.password_stdin || !std::io::stdin().is_terminal() {
        return prompt::read_line().await;
    }
    let first = prompt::password(&format!("Password for {}: ", a.name)).await?;
    let again = prompt::password("Retype the password: ").await?;
    if first != again {
        return Err(CliError::Invalid("the passwords do not match".into()));
    }
    Ok(first)
}

async fn add(ctx: &Ctx, client: &mut Client, a: AddArgs) -> Result<(), CliError> {
    let password = password(&a).await?;
    if password.is_empty() {
        return Err(CliError::Invalid("the password must not be empty".into()));
    }
    let req = UpsertUserRequest {
        name: a.name.clone(),
        password,
    };
    let r = ctx.rpc(client.upsert_user(req).await)?;
    if ctx.out.json() {
        return ctx
            .out
            .print_json(&json!({ "name": a.name, "created": r.created }))
            .map_err(io_err);
    }
    let msg = if r.created {
        format!("created user {}", a.name)
    } else {
        format!("replaced the password of user {}", a.name)
    };
    ctx.out.line(&msg).map_err(io_err)
}
