//! DescribeConfigs, AlterConfigs and IncrementalAlterConfigs for topics. Broker resources are
//! described with no entries: this node's settings come from its own config file.

use std::collections::BTreeMap;

use kafka_protocol::messages::alter_configs_response::AlterConfigsResourceResponse;
use kafka_protocol::messages::describe_configs_response::{
    DescribeConfigsResourceResult, DescribeConfigsResult,
};
use kafka_protocol::messages::incremental_alter_configs_response::AlterConfigsResourceResponse as IncrementalResult;
use kafka_protocol::messages::*;
use kafka_protocol::protocol::StrBytes;
use kafka_protocol::ResponseError;
use robustmq_broker::{topic_config, BrokerError};

use super::{str, Ctx};
use crate::errors::broker_code;

const TOPIC: i8 = 2;
const BROKER: i8 = 4;
const SOURCE_TOPIC: i8 = 1;
const SOURCE_DEFAULT: i8 = 5;
const TYPE_STRING: i8 = 2;
const TYPE_LONG: i8 = 5;

pub async fn describe(ctx: &Ctx, req: DescribeConfigsRequest, _v: i16) -> DescribeConfigsResponse {
    let mut resp = DescribeConfigsResponse::default();
    for r in req.resources {
        let mut out = DescribeConfigsResult::default();
        out.resource_type = r.resource_type;
        out.resource_name = r.resource_name.clone();
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
                    for e in topic_config::describe(ctx.broker.topics.defaults(), &t.configs) {
                        if let Some(keys) = &r.configuration_keys {
                            if !keys.iter().any(|k| k.as_str() == e.name) {
                                continue;
                            }
                        }
                        let mut c = DescribeConfigsResourceResult::default();
                        c.name = str(e.name);
                        c.config_type = if e.value.parse::<i64>().is_ok() {
                            TYPE_LONG
                        } else {
                            TYPE_STRING
                        };
                        c.value = Some(str(&e.value));
                        c.read_only = e.read_only;
                        c.config_source = if e.is_default {
                            SOURCE_DEFAULT
                        } else {
                            SOURCE_TOPIC
                        };
                        out.configs.push(c);
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
        let result = match resource_error(r.resource_type) {
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
        let result = match resource_error(r.resource_type) {
            Some(e) => Err(e),
            None => match ctx.broker.topics.get(&r.resource_name) {
                None => Err((
                    ResponseError::UnknownTopicOrPartition.code(),
                    format!("topic '{}' does not exist", &*r.resource_name),
                )),
                Some(t) => {
                    let mut configs = t.configs.clone();
                    let mut bad = None;
                    for c in &r.configs {
                        match (c.config_operation, &c.value) {
                            (0, Some(v)) => {
                                configs.insert(c.name.to_string(), v.to_string());
                            }
                            (1, _) => {
                                configs.remove(c.name.as_str());
                            }
                            (op, _) => {
                                bad = Some(format!(
                                    "operation {op} on '{}' is not supported",
                                    c.name.as_str()
                                ))
                            }
                        }
                    }
                    match bad {
                        Some(msg) => Err((ResponseError::InvalidConfig.code(), msg)),
                        None => apply(ctx, &r.resource_name, configs, req.validate_only)
                            .map_err(|e| (broker_code(&e), e.to_string())),
                    }
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
