//! DescribeConfigs, AlterConfigs and IncrementalAlterConfigs for topics. Broker resources are
//! described with no entries: this node's settings come from its own config file.

use std::collections::BTreeMap;

use kafka_protocol::messages::alter_configs_response::AlterConfigsResourceResponse;
use kafka_protocol::messages::describe_configs_response::{
    DescribeConfigsResourceResult, DescribeConfigsResult, DescribeConfigsSynonym,
};
use kafka_protocol::messages::incremental_alter_configs_response::AlterConfigsResourceResponse as IncrementalResult;
use kafka_protocol::messages::*;
use kafka_protocol::protocol::StrBytes;
use kafka_protocol::ResponseError;
use robustmq_broker::acl::Operation;
use robustmq_broker::topic_config::{self, AlterOp, ConfigEntry, ConfigSource};
use robustmq_broker::BrokerError;

use super::{str, Ctx};
use crate::errors::broker_code;

const TOPIC: i8 = 2;
const BROKER: i8 = 4;

/// One config as DescribeConfigs shows it, with Kafka's synonyms: the topic's override, this
/// node's setting when it changed the default, and Kafka's default under the broker-wide name.
fn describe_entry(
    e: &ConfigEntry,
    synonyms: bool,
    documentation: bool,
) -> DescribeConfigsResourceResult {
    let mut c = DescribeConfigsResourceResult::default();
    c.name = str(e.name);
    c.value = Some(str(&e.value));
    c.read_only = e.read_only;
    c.config_source = e.source.kafka_code();
    c.config_type = e.ty.kafka_code();
    if documentation {
        c.documentation = Some(str(e.doc));
    }
    if synonyms {
        let mut add = |name: &str, value: &str, source: ConfigSource| {
            let mut s = DescribeConfigsSynonym::default();
            s.name = str(name);
            s.value = Some(str(value));
            s.source = source.kafka_code();
            c.synonyms.push(s);
        };
        if e.source == ConfigSource::Topic {
            add(e.name, &e.value, ConfigSource::Topic);
        }
        if let Some(broker_name) = e.synonym {
            if e.default_source == ConfigSource::Node {
                add(broker_name, &e.default_value, ConfigSource::Node);
            }
            let kafka_default = topic_config::def(e.name).map_or("", |d| d.kafka_default);
            add(broker_name, kafka_default, ConfigSource::Default);
        }
    }
    c
}

pub async fn describe(ctx: &Ctx, req: DescribeConfigsRequest, _v: i16) -> DescribeConfigsResponse {
    let mut resp = DescribeConfigsResponse::default();
    for r in req.resources {
        let mut out = DescribeConfigsResult::default();
        out.resource_type = r.resource_type;
        out.resource_name = r.resource_name.clone();
        if let Some((code, message)) = denied(ctx, r.resource_type, &r.resource_name, false) {
            out.error_code = code;
            out.error_message = Some(str(message));
            resp.results.push(out);
            continue;
        }
        match r.resource_type {
            TOPIC => match ctx.broker.topics.get(&r.resource_name) {
                None => {
                    out.error_code = ResponseError::UnknownTopicOrPartition.code();
                    out.error_message = Some(str(&format!(
                        "topic '{}' does not exist",
                        &*r.resource_name
                    )));
                }
                Some(t) => {
                    let entries = topic_config::describe(ctx.broker.topics.defaults(), &t.configs);
                    for e in entries {
                        if let Some(keys) = &r.configuration_keys {
                            if !keys.iter().any(|k| k.as_str() == e.name) {
                                continue;
                            }
                        }
                        out.configs.push(describe_entry(
                            &e,
                            req.include_synonyms,
                            req.include_documentation,
                        ));
                    }
                }
            },
            BROKER => {}
            other => {
                out.error_code = ResponseError::InvalidRequest.code();
                out.error_message = Some(str(&format!("resource type {other} is not supported")));
            }
        }
        resp.results.push(out);
    }
    resp
}

/// The configs of a request that carry a value (a null value means "not set").
pub(super) fn set_values<'a>(
    configs: impl Iterator<Item = (&'a StrBytes, &'a Option<StrBytes>)>,
) -> BTreeMap<String, String> {
    configs
        .filter_map(|(name, value)| value.as_ref().map(|v| (name.to_string(), v.to_string())))
        .collect()
}

/// Validates and, unless `validate_only`, stores a topic's new override set.
fn apply(
    ctx: &Ctx,
    topic: &str,
    configs: BTreeMap<String, String>,
    validate_only: bool,
) -> Result<(), BrokerError> {
    if ctx.broker.topics.get(topic).is_none() {
        return Err(BrokerError::UnknownTopic(topic.to_string()));
    }
    for (k, v) in &configs {
        ctx.broker.topics.validate_config(k, v)?;
    }
    if validate_only {
        return Ok(());
    }
    ctx.broker.topics.set_configs(topic, configs)
}

/// The refusal when the client may not describe (or, with `alter`, alter) the configs of a
/// topic or of the cluster (broker resources are the cluster's, as in Kafka).
fn denied(ctx: &Ctx, resource_type: i8, name: &str, alter: bool) -> Option<(i16, &'static str)> {
    let op = if alter {
        Operation::AlterConfigs
    } else {
        Operation::DescribeConfigs
    };
    match resource_type {
        TOPIC if !ctx.topic_allowed(op, name) => Some((
            ResponseError::TopicAuthorizationFailed.code(),
            "Topic authorization failed.",
        )),
        BROKER if !ctx.cluster_allowed(op) => Some((
            ResponseError::ClusterAuthorizationFailed.code(),
            "Cluster authorization failed.",
        )),
        _ => None,
    }
}

fn resource_error(resource_type: i8) -> Option<(i16, String)> {
    (resource_type != TOPIC).then(|| {
        (
            ResponseError::InvalidRequest.code(),
            format!("altering resource type {resource_type} is not supported"),
        )
    })
}

pub async fn alter(ctx: &Ctx, req: AlterConfigsRequest, _v: i16) -> AlterConfigsResponse {
    let mut resp = AlterConfigsResponse::default();
    for r in req.resources {
        let mut out = AlterConfigsResourceResponse::default();
        out.resource_type = r.resource_type;
        out.resource_name = r.resource_name.clone();
        let refused = denied(ctx, r.resource_type, &r.resource_name, true)
            .map(|(code, why)| (code, why.to_string()));
        let result = match refused.or_else(|| resource_error(r.resource_type)) {
            Some(e) => Err(e),
            None => {
                // AlterConfigs replaces the whole set of overrides.
                let configs = set_values(r.configs.iter().map(|c| (&c.name, &c.value)));
                apply(ctx, &r.resource_name, configs, req.validate_only)
                    .map_err(|e| (broker_code(&e), e.to_string()))
            }
        };
        if let Err((code, msg)) = result {
            out.error_code = code;
            out.error_message = Some(str(&msg));
        }
        resp.responses.push(out);
    }
    resp
}

pub async fn incremental_alter(
    ctx: &Ctx,
    req: IncrementalAlterConfigsRequest,
    _v: i16,
) -> IncrementalAlterConfigsResponse {
    let mut resp = IncrementalAlterConfigsResponse::default();
    for r in req.resources {
        let mut out = IncrementalResult::default();
        out.resource_type = r.resource_type;
        out.resource_name = r.resource_name.clone();
        let refused = denied(ctx, r.resource_type, &r.resource_name, true)
            .map(|(code, why)| (code, why.to_string()));
        let result = match refused.or_else(|| resource_error(r.resource_type)) {
            Some(e) => Err(e),
            None => match ctx.broker.topics.get(&r.resource_name) {
                None => Err((
                    ResponseError::UnknownTopicOrPartition.code(),
                    format!("topic '{}' does not exist", &*r.resource_name),
                )),
                Some(t) => {
                    let mut configs = t.configs.clone();
                    let defaults = ctx.broker.topics.defaults();
                    let altered = r.configs.iter().try_for_each(|c| {
                        let op = AlterOp::from_kafka(c.config_operation).ok_or_else(|| {
                            BrokerError::InvalidArgument(format!(
                                "unknown config operation {} on '{}'",
                                c.config_operation,
                                c.name.as_str()
                            ))
                        })?;
                        let value = c.value.as_ref().map(|v| v.as_str());
                        topic_config::alter(&mut configs, defaults, c.name.as_str(), op, value)
                    });
                    altered
                        .and_then(|()| apply(ctx, &r.resource_name, configs, req.validate_only))
                        .map_err(|e| (broker_code(&e), e.to_string()))
                }
            },
        };
        if let Err((code, msg)) = result {
            out.error_code = code;
            out.error_message = Some(str(&msg));
        }
        resp.responses.push(out);
    }
    resp
}
