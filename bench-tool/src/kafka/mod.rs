//! Kafka modes over librdkafka (the `rdkafka` crate, bundled static build).

pub mod consume;
pub mod e2e;
pub mod produce;

use std::time::Duration;

use anyhow::{bail, Context};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::ClientConfig;

use crate::args::KafkaArgs;

pub const DEFAULT_TARGET: &str = "127.0.0.1:9092";

/// Settings every client gets: the target, and the user's -X overrides.
pub fn base_config(a: &KafkaArgs) -> anyhow::Result<ClientConfig> {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", a.common.target_or(DEFAULT_TARGET));
    c.set("client.id", "robustmq-bench");
    for kv in &a.config {
        let (k, v) = kv
            .split_once('=')
            .with_context(|| format!("-X {kv:?}: expected KEY=VALUE"))?;
        c.set(k, v);
    }
    Ok(c)
}

/// Creates the topics; an existing topic is fine.
pub async fn create_topics(a: &KafkaArgs, topics: &[String]) -> anyhow::Result<()> {
    let admin: AdminClient<DefaultClientContext> = base_config(a)?
        .create()
        .context("creating the admin client")?;
    let new: Vec<NewTopic<'_>> = topics
        .iter()
        .map(|t| NewTopic::new(t, a.partitions, TopicReplication::Fixed(1)))
        .collect();
    let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
    let results = tokio::time::timeout(Duration::from_secs(20), admin.create_topics(&new, &opts))
        .await
        .context("creating topics: timed out")?
        .context("creating topics")?;
    for r in results {
        match r {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((t, code)) => bail!("creating topic {t}: {code}"),
        }
    }
    Ok(())
}
