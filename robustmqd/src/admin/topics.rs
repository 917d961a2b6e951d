//! Topics: list, describe, create, alter configs, add partitions, delete.

use std::sync::Arc;

use robustmq_api::admin::*;
use robustmq_broker::topic_config;

use super::{blocking, status, AdminService};

impl AdminService {
    pub(super) fn list_topics(&self) -> ListTopicsResponse {
        let topics = &self.broker.topics;
        let topics = topics
            .list()
            .into_iter()
            .map(|t| {
                let stats: Vec<_> = (0..t.partitions)
                    .filter_map(|p| topics.partition(&t.name, p))
                    .filter_map(|p| p.stats().ok())
                    .collect();
                TopicSummary {
                    partitions: t.partitions,
                    size_bytes: stats.iter().map(|s| s.size_bytes).sum(),
                    records: stats
                        .iter()
                        .map(|s| s.log_end_offset - s.log_start_offset)
                        .sum(),
                    name: t.name,
                }
            })
            .collect();
        ListTopicsResponse { topics }
    }

    pub(super) fn describe_topic(&self, name: &str) -> Result<TopicDescription, tonic::Status> {
        let topics = &self.broker.topics;
        let t = topics
            .get(name)
            .ok_or_else(|| tonic::Status::not_found(format!("topic '{name}' does not exist")))?;
        let mut partitions = Vec::new();
        for p in 0..t.partitions {
            let Some(part) = topics.partition(name, p) else {
                continue;
            };
            let s = part
                .stats()
                .map_err(|e| tonic::Status::internal(e.to_string()))?;
            partitions.push(PartitionInfo {
                partition: p,
                log_start_offset: s.log_start_offset,
                log_end_offset: s.log_end_offset,
                size_bytes: s.size_bytes,
                segments: s.segments as u32,
            });
        }
        let configs = topic_config::describe(topics.defaults(), &t.configs)
            .into_iter()
            .map(|c| ConfigEntry {
                name: c.name.to_string(),
                value: c.value,
                is_default: c.is_default,
                read_only: c.read_only,
            })
            .collect();
        Ok(TopicDescription {
            name: t.name,
            id: t.id,
            partitions,
            configs,
        })
    }

    pub(super) async fn create_topic(
        &self,
        req: CreateTopicRequest,
    ) -> Result<TopicDescription, tonic::Status> {
        let partitions = if req.partitions == 0 {
            self.broker.config.default_partitions
        } else {
            req.partitions
        };
        let broker = Arc::clone(&self.broker);
        let name = req.name.clone();
        let configs = req.configs.into_iter().collect();
        blocking(move || {
            broker
                .topics
                .create(&name, partitions, configs)
                .map_err(status)
        })
        .await?;
        self.describe_topic(&req.name)
    }

    pub(super) async fn alter_topic_configs(
        &self,
        req: AlterTopicConfigsRequest,
    ) -> Result<TopicDescription, tonic::Status> {
        let broker = Arc::clone(&self.broker);
        let name = req.name.clone();
        blocking(move || {
            let Some(t) = broker.topics.get(&name) else {
                return Err(tonic::Status::not_found(format!(
                    "topic '{name}' does not exist"
                )));
            };
            let mut configs = t.configs;
            for k in &req.delete {
                if req.set.contains_key(k) {
                    return Err(tonic::Status::invalid_argument(format!(
                        "config '{k}' is both set and removed"
                    )));
                }
                if !topic_config::is_known(k) {
                    return Err(tonic::Status::invalid_argument(format!(
                        "unknown topic config '{k}'"
                    )));
                }
                configs.remove(k);
            }
            configs.extend(req.set);
            broker.topics.set_configs(&name, configs).map_err(status)
        })
        .await?;
        self.describe_topic(&req.name)
    }

    pub(super) async fn add_partitions(
        &self,
        req: AddPartitionsRequest,
    ) -> Result<TopicDescription, tonic::Status> {
        let broker = Arc::clone(&self.broker);
        let name = req.name.clone();
        blocking(move || {
            broker
                .topics
                .add_partitions(&name, req.total, false)
                .map_err(status)
        })
        .await?;
        self.describe_topic(&req.name)
    }

    pub(super) async fn delete_topic(&self, name: String) -> Result<(), tonic::Status> {
        let broker = Arc::clone(&self.broker);
        blocking(move || broker.topics.delete(&name).map_err(status)).await
    }
}
