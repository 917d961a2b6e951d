//! The connection limit every listener applies at accept: at most `max_total` connections at
//! once (across the listeners sharing one limit) and at most `max_per_ip` from one source
//! address, so one host cannot take every slot (Kafka's `max.connections.per.ip`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Why a connection was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("too many connections (limit {0})")]
    Total(usize),
    #[error("too many connections from this address (limit {0})")]
    PerIp(usize),
}

#[derive(Debug)]
pub struct ConnectionLimit {
    total: Arc<Semaphore>,
    max_total: usize,
    max_per_ip: usize,
    /// Open connections per address; an address leaves the map with its last connection,
    /// so the map holds at most `max_total` entries.
    per_ip: Mutex<HashMap<IpAddr, usize>>,
}

/// One admitted connection: holds its slots until dropped.
#[derive(Debug)]
pub struct Admitted {
    _permit: OwnedSemaphorePermit,
    limit: Arc<ConnectionLimit>,
    ip: IpAddr,
}

impl ConnectionLimit {
    /// `max_per_ip` of 0 means no per-address limit.
    pub fn new(max_total: usize, max_per_ip: usize) -> Arc<Self> {
        Arc::new(ConnectionLimit {
            total: Arc::new(Semaphore::new(max_total)),
            max_total,
            max_per_ip: if max_per_ip == 0 {
                usize::MAX
            } else {
                max_per_ip
            },
            per_ip: Mutex::new(HashMap::new()),
        })
    }

    pub fn try_admit(self: &Arc<Self>, ip: IpAddr) -> Result<Admitted, Refused> {
        let permit = Arc::clone(&self.total)
            .try_acquire_owned()
            .map_err(|_| Refused::Total(self.max_total))?;
        let mut per_ip = self.per_ip.lock().unwrap_or_else(|p| p.into_inner());
        let n = per_ip.entry(ip).or_insert(0);
        if *n >= self.max_per_ip {
            return Err(Refused::PerIp(self.max_per_ip));
        }
        *n += 1;
        Ok(Admitted {
            _permit: permit,
            limit: Arc::clone(self),
            ip,
        })
    }

    /// Open connections from `ip`.
    pub fn open_from(&self, ip: IpAddr) -> usize {
        let per_ip = self.per_ip.lock().unwrap_or_else(|p| p.into_inner());
        per_ip.get(&ip).copied().unwrap_or(0)
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut per_ip = self.limit.per_ip.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = per_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                per_ip.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_address_and_in_total_and_frees_on_drop() {
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let limit = ConnectionLimit::new(3, 2);
        let a1 = limit.try_admit(a).unwrap();
        let _a2 = limit.try_admit(a).unwrap();
        assert_eq!(limit.try_admit(a).unwrap_err(), Refused::PerIp(2));
        let _b1 = limit.try_admit(b).unwrap();
        assert_eq!(limit.try_admit(b).unwrap_err(), Refused::Total(3));
        drop(a1);
        assert_eq!(limit.open_from(a), 1);
        let _a3 = limit.try_admit(a).unwrap();
        assert_eq!(limit.try_admit(b).unwrap_err(), Refused::Total(3));
    }

    #[test]
    fn zero_means_no_per_address_limit() {
        let a: IpAddr = "::1".parse().unwrap();
        let limit = ConnectionLimit::new(5, 0);
        let held: Vec<_> = (0..5).map(|_| limit.try_admit(a).unwrap()).collect();
        assert_eq!(held.len(), 5);
        drop(held);
        assert_eq!(limit.open_from(a), 0);
    }
}
