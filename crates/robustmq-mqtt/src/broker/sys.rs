//! `$SYS/broker/...` statistics, with mosquitto's topic names so existing dashboards work.
//! They are retained in memory and sent to subscribers directly, never written to the log.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::Bytes;

use super::MqttCore;
use crate::codec::{Properties, QoS};
use crate::message::Message;

impl MqttCore {
    pub(super) fn publish_sys(&self) {
        let s = &self.stats;
        let load = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed).to_string();
        let values = [
            ("version", format!("robustmq {}", env!("CARGO_PKG_VERSION"))),
            (
                "uptime",
                format!("{} seconds", self.started.elapsed().as_secs()),
            ),
            (
                "clients/connected",
                s.connected.load(Ordering::Relaxed).to_string(),
            ),
            ("clients/total", self.session_count().to_string()),
            ("messages/received", load(&s.messages_received)),
            ("messages/sent", load(&s.messages_sent)),
            ("messages/dropped", load(&s.dropped)),
            ("bytes/received", load(&s.bytes_received)),
            ("bytes/sent", load(&s.bytes_sent)),
            ("subscriptions/count", self.subscription_count().to_string()),
            ("retained messages/count", self.retained.len().to_string()),
        ];
        let now = self.now_ms();
        for (name, value) in values {
            let msg = Message {
                topic: format!("$SYS/broker/{name}"),
                payload: Bytes::from(value),
                qos: QoS::AtMostOnce,
                retain: true,
                publisher: None,
                timestamp_ms: now,
                properties: Properties::default(),
            };
            self.retained.set_sys(msg.clone());
            self.dispatch(Arc::new(msg), None);
        }
    }
}
