//! Virtual hosts: each its own namespace of exchanges, queues and bindings, with its own
//! `amq.*` exchanges. `/` always exists; others are created and deleted by the operator
//! (`robustmq vhost`, through the admin API) and kept in meta (namespace `amqp.vhosts`).
//! Any authenticated user may open any virtual host: there are no per-vhost permissions.

use std::sync::atomic::{AtomicU64, Ordering};

use robustmq_meta::off_worker;

use super::{predeclared, AmqpCore, Vhost, DEFAULT_VHOST};
use crate::broker::exchange::Exchange;
use crate::errors::{AmqpError, Result, ACCESS_REFUSED};

pub(super) const NS_VHOSTS: &str = "amqp.vhosts";
/// A vhost name travels in connection.open as a short string.
const MAX_NAME: usize = 255;
/// Virtual hosts a node holds at once (each costs a map and five exchanges).
const MAX_VHOSTS: usize = 1_000;

/// Vhost ids: a deleted vhost made again is another one.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A new virtual host with its predeclared exchanges.
pub(super) fn new_vhost() -> Vhost {
    let mut vh = Vhost {
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        exchanges: Default::default(),
        queues: Default::default(),
    };
    for d in predeclared() {
        vh.exchanges.insert(d.name.clone(), Exchange::new(d));
    }
    vh
}

/// One virtual host as the admin API lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VhostInfo {
    pub name: String,
    pub exchanges: usize,
    pub queues: usize,
    /// Messages ready in its queues.
    pub messages: u64,
}

impl AmqpCore {
    /// Every virtual host, by name.
    pub fn vhosts(&self) -> Vec<VhostInfo> {
        // Queue handles copied out first: counting takes each queue's lock, not under ours.
        let listed: Vec<(String, usize, Vec<_>)> = self
            .read()
            .iter()
            .map(|(name, v)| {
                let queues = v.queues.values().cloned().collect();
                (name.clone(), v.exchanges.len(), queues)
            })
            .collect();
        let mut out: Vec<VhostInfo> = listed
            .into_iter()
            .map(|(name, exchanges, queues)| VhostInfo {
                name,
                exchanges,
                queues: queues.len(),
                messages: queues.iter().map(|q| q.ready()).sum(),
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Creates a virtual host; false when it already exists (as RabbitMQ's PUT, not an error).
    pub fn create_vhost(&self, name: &str) -> Result<bool> {
        if name.is_empty() || name.len() > MAX_NAME {
            return Err(AmqpError::precondition(format!(
                "a vhost name has 1 to {MAX_NAME} bytes"
            )));
        }
        let _g = self.lock_declare();
        if self.vhost_exists(name) {
            return Ok(false);
        }
        if self.read().len() >= MAX_VHOSTS {
            return Err(AmqpError::precondition(format!(
                "vhost limit reached ({MAX_VHOSTS})"
            )));
        }
        let meta = &self.broker.meta;
        off_worker(|| meta.put_entry(NS_VHOSTS, name, b"{}", true))?;
        self.write().insert(name.to_string(), new_vhost());
        tracing::info!(vhost = %name, "amqp vhost created");
        Ok(true)
    }

    /// Deletes a virtual host with its queues (and their logs), exchanges and bindings; its
    /// connections are closed with 320 (CONNECTION_FORCED), as in RabbitMQ.
    pub fn delete_vhost(&self, name: &str) -> Result<()> {
        if name == DEFAULT_VHOST {
            return Err(AmqpError::channel(
                ACCESS_REFUSED,
                "the default vhost '/' cannot be deleted",
            ));
        }
        let _g = self.lock_declare();
        let (queues, exchanges) = {
            let r = self.read();
            let v = r
                .get(name)
                .ok_or_else(|| AmqpError::not_found(format!("no vhost '{name}'")))?;
            let queues: Vec<_> = v.queues.values().cloned().collect();
            let exchanges: Vec<_> = v
                .exchanges
                .iter()
                .map(|(n, e)| (n.clone(), e.bindings().cloned().collect::<Vec<_>>()))
                .collect();
            (queues, exchanges)
        };
        for q in queues {
            self.remove_queue(&q)?;
        }
        for (ex, bindings) in exchanges {
            self.forget_exchange(name, &ex, &bindings)?;
        }
        let meta = &self.broker.meta;
        off_worker(|| meta.delete_entry(NS_VHOSTS, name))?;
        self.write().remove(name);
        self.vhosts_changed.send_modify(|n| *n += 1);
        tracing::info!(vhost = %name, "amqp vhost deleted");
        Ok(())
    }

    /// Which incarnation of vhost `name` exists now, if any: a connection keeps the one it
    /// opened and closes when that is gone.
    pub fn vhost_id(&self, name: &str) -> Option<u64> {
        self.read().get(name).map(|v| v.id)
    }

    /// A declaration in a vhost that is gone (deleted while the connection was open) fails.
    pub(super) fn check_vhost(&self, vhost: &str) -> Result<()> {
        if self.vhost_exists(vhost) {
            Ok(())
        } else {
            Err(AmqpError::not_found(format!("no vhost '{vhost}'")))
        }
    }
}
