//! The daemon's table of protocols: the one place a protocol is added. Each entry names the
//! protocol's config section and its crate's [`Protocol`]; the section, the listeners (their
//! `listeners.<name>` keys, defaults and `--<name>-listen` flags), validation, the open-file
//! budget and start-up all follow from the table.

use robustmq_broker::protocol::{
    ConfigError, ListenerAddrs, ListenerSpec, Protocol, StartContext, StartError, Started,
};
use serde::{Deserialize, Serialize};

macro_rules! protocols {
    ($($name:ident: $proto:ty),* $(,)?) => {
        /// Every protocol's config section, each as `[<name>]` at the top level. Read from the
        /// whole configuration, whose other keys it ignores.
        #[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
        #[serde(default)]
        pub struct ProtocolSections {
            $(pub $name: <$proto as Protocol>::Section,)*
        }

        impl ProtocolSections {
            pub fn validate(&self, listeners: &ListenerAddrs) -> Result<(), ConfigError> {
                $(<$proto as Protocol>::validate(&self.$name, listeners)?;)*
                Ok(())
            }

            /// Connections all protocols' listeners may hold together.
            pub fn max_connections(&self) -> usize {
                0 $(+ <$proto as Protocol>::max_connections(&self.$name))*
            }

            /// Starts every protocol in table order; the first failure stops start-up.
            pub async fn start(
                &self,
                listeners: &ListenerAddrs,
                ctx: &StartContext,
            ) -> Result<Vec<Started>, StartError> {
                Ok(vec![$(<$proto as Protocol>::start(&self.$name, listeners, ctx.clone()).await?),*])
            }
        }

        const PROTOCOL_LISTENERS: &[&[ListenerSpec]] = &[$(<$proto as Protocol>::LISTENERS),*];
    };
}

protocols! {
    kafka: robustmq_kafka::config::Kafka,
    mqtt: robustmq_mqtt::config::Mqtt,
    amqp: robustmq_amqp::config::Amqp,
}

/// The daemon's own listeners, after the protocols'.
const DAEMON_LISTENERS: &[ListenerSpec] = &[
    ListenerSpec {
        name: "http",
        default: "0.0.0.0:9081",
        flag: "http-listen",
        about: "HTTP listener (/healthz, /readyz, /metrics), or `off`",
    },
    // Loopback only unless configured: the admin API can delete topics.
    ListenerSpec {
        name: "admin",
        default: "127.0.0.1:9082",
        flag: "admin-listen",
        about: "Admin gRPC listener (the `robustmq` CLI talks to it), or `off`",
    },
];

/// Every listener this build serves, protocols' first, in table order.
pub fn listener_specs() -> impl Iterator<Item = &'static ListenerSpec> {
    PROTOCOL_LISTENERS
        .iter()
        .flat_map(|l| l.iter())
        .chain(DAEMON_LISTENERS)
}
