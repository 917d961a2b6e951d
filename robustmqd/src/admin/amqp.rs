//! AMQP vhosts, exchanges, queues and bindings, over the AMQP core the protocol started.

use std::sync::Arc;

use robustmq_amqp::broker::inventory::{BindingInfo, Declare};
use robustmq_amqp::broker::AmqpCore;
use robustmq_amqp::errors::{self, AmqpError};
use robustmq_api::admin::*;
use tonic::Status;

use super::{blocking, AdminService};

/// An AMQP reply code as a gRPC status.
fn amqp_status(e: AmqpError) -> Status {
    let text = e.text.to_string();
    match e.code {
        errors::NOT_FOUND => Status::not_found(text),
        errors::ACCESS_REFUSED | errors::PRECONDITION_FAILED | errors::RESOURCE_LOCKED => {
            Status::failed_precondition(text)
        }
        errors::COMMAND_INVALID | errors::NOT_ALLOWED => Status::invalid_argument(text),
        // What a stream queue does not do (purge).
        errors::NOT_IMPLEMENTED => Status::failed_precondition(text),
        _ => Status::internal(text),
    }
}

fn binding_info(b: Option<Binding>) -> Result<(BindingInfo, String), Status> {
    let b = b.ok_or_else(|| Status::invalid_argument("binding is required"))?;
    let to_exchange = match b.destination_type.as_str() {
        "queue" | "" => false,
        "exchange" => true,
        other => {
            return Err(Status::invalid_argument(format!(
                "destination_type is queue or exchange, not '{other}'"
            )))
        }
    };
    Ok((
        BindingInfo {
            vhost: b.vhost,
            source: b.source,
            destination: b.destination,
            to_exchange,
            routing_key: b.routing_key,
            arguments: serde_json::Value::Null,
        },
        b.arguments_json,
    ))
}

impl AdminService {
    fn amqp_core(&self) -> Result<Arc<AmqpCore>, Status> {
        self.amqp
            .clone()
            .ok_or_else(|| Status::failed_precondition("this node does not run AMQP"))
    }

    /// The core, for a listing of `vhost` (empty: every vhost; one that does not exist is
    /// NOT_FOUND, as for the other nouns).
    fn amqp_listing(&self, vhost: &str) -> Result<Arc<AmqpCore>, Status> {
        let core = self.amqp_core()?;
        if !vhost.is_empty() && !core.vhost_exists(vhost) {
            return Err(Status::not_found(format!("no vhost '{vhost}'")));
        }
        Ok(core)
    }

    /// Runs `f` on the AMQP core off the runtime (declarations write to meta).
    async fn on_amqp<T, F>(&self, f: F) -> Result<T, Status>
    where
        T: Send + 'static,
        F: FnOnce(&AmqpCore) -> Result<T, AmqpError> + Send + 'static,
    {
        let core = self.amqp_core()?;
        blocking(move || f(&core).map_err(amqp_status)).await
    }

    pub(super) async fn list_vhosts(&self) -> Result<ListVhostsResponse, Status> {
        let core = self.amqp_core()?;
        Ok(ListVhostsResponse {
            vhosts: core
                .vhosts()
                .into_iter()
                .map(|v| Vhost {
                    name: v.name,
                    exchanges: v.exchanges as u64,
                    queues: v.queues as u64,
                    messages: v.messages,
                })
                .collect(),
        })
    }

    pub(super) async fn create_vhost(&self, name: String) -> Result<CreateVhostResponse, Status> {
        let created = self.on_amqp(move |c| c.create_vhost(&name)).await?;
        Ok(CreateVhostResponse { created })
    }

    pub(super) async fn delete_vhost(&self, name: String) -> Result<DeleteVhostResponse, Status> {
        self.on_amqp(move |c| c.delete_vhost(&name)).await?;
        Ok(DeleteVhostResponse {})
    }

    pub(super) async fn list_exchanges(
        &self,
        vhost: String,
    ) -> Result<ListExchangesResponse, Status> {
        let core = self.amqp_listing(&vhost)?;
        Ok(ListExchangesResponse {
            exchanges: core
                .list_exchanges(&vhost)
                .into_iter()
                .map(|e| Exchange {
                    vhost: e.vhost,
                    name: e.name,
                    r#type: e.kind,
                    durable: e.durable,
                    auto_delete: e.auto_delete,
                    internal: e.internal,
                    arguments_json: e.arguments.to_string(),
                })
                .collect(),
        })
    }

    pub(super) async fn declare_exchange(&self, r: DeclareExchangeRequest) -> Result<(), Status> {
        let d = Declare {
            vhost: r.vhost,
            name: r.name,
            kind: r.r#type,
            durable: r.durable,
            auto_delete: r.auto_delete,
            internal: r.internal,
            arguments: r.arguments_json,
        };
        self.on_amqp(move |c| c.admin_declare_exchange(d)).await
    }

    pub(super) async fn delete_exchange(&self, r: DeleteExchangeRequest) -> Result<(), Status> {
        self.on_amqp(move |c| c.admin_delete_exchange(&r.vhost, &r.name, r.if_unused))
            .await
    }

    pub(super) async fn list_queues(&self, vhost: String) -> Result<ListQueuesResponse, Status> {
        let core = self.amqp_listing(&vhost)?;
        Ok(ListQueuesResponse {
            queues: core
                .list_queues(&vhost)
                .into_iter()
                .map(|q| Queue {
                    vhost: q.vhost,
                    name: q.name,
                    durable: q.durable,
                    exclusive: q.exclusive,
                    auto_delete: q.auto_delete,
                    arguments_json: q.arguments.to_string(),
                    messages_ready: q.ready,
                    messages_unacked: q.unacked,
                    consumers: q.consumers,
                    topic: q.topic,
                })
                .collect(),
        })
    }

    pub(super) async fn declare_queue(&self, r: DeclareQueueRequest) -> Result<String, Status> {
        let d = Declare {
            vhost: r.vhost,
            name: r.name,
            durable: r.durable,
            auto_delete: r.auto_delete,
            arguments: r.arguments_json,
            ..Declare::default()
        };
        self.on_amqp(move |c| c.admin_declare_queue(d)).await
    }

    pub(super) async fn delete_queue(&self, r: DeleteQueueRequest) -> Result<u64, Status> {
        let n = self
            .on_amqp(move |c| c.admin_delete_queue(&r.vhost, &r.name, r.if_unused, r.if_empty))
            .await?;
        Ok(u64::from(n))
    }

    pub(super) async fn purge_queue(&self, r: PurgeQueueRequest) -> Result<u64, Status> {
        let n = self
            .on_amqp(move |c| c.admin_purge_queue(&r.vhost, &r.name))
            .await?;
        Ok(u64::from(n))
    }

    pub(super) async fn list_bindings(
        &self,
        vhost: String,
    ) -> Result<ListBindingsResponse, Status> {
        let core = self.amqp_listing(&vhost)?;
        Ok(ListBindingsResponse {
            bindings: core
                .list_bindings(&vhost)
                .into_iter()
                .map(|b| Binding {
                    vhost: b.vhost,
                    source: b.source,
                    destination: b.destination,
                    destination_type: if b.to_exchange { "exchange" } else { "queue" }.into(),
                    routing_key: b.routing_key,
                    arguments_json: b.arguments.to_string(),
                })
                .collect(),
        })
    }

    pub(super) async fn change_binding(
        &self,
        b: Option<Binding>,
        bind: bool,
    ) -> Result<(), Status> {
        let (info, args) = binding_info(b)?;
        self.on_amqp(move |c| c.admin_binding(&info, &args, bind))
            .await
    }
}
