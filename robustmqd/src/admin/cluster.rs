//! Node status: roles, version, uptime, listeners, data-dir usage.

use std::path::Path;

use robustmq_api::admin::{Listener, NodeStatus};

use super::AdminService;

/// Bytes used under a directory (files only; links are not followed).
fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_bytes(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum()
}

impl AdminService {
    pub(super) async fn node_status(&self) -> NodeStatus {
        let dir = self.data_dir.clone();
        let data_dir_bytes = tokio::task::spawn_blocking(move || dir_bytes(&dir))
            .await
            .unwrap_or(0);
        NodeStatus {
            node_id: self.broker.config.node_id,
            roles: self.roles.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            uptime_seconds: self.started.elapsed().as_secs(),
            listeners: self
                .listeners
                .iter()
                .map(|(p, a)| Listener {
                    protocol: p.clone(),
                    address: a.clone(),
                })
                .collect(),
            data_dir: self.data_dir.display().to_string(),
            data_dir_bytes,
        }
    }
}
