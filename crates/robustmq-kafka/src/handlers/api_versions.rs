//! ApiVersions: exactly the APIs and versions robustmq implements.

use kafka_protocol::messages::api_versions_response::ApiVersion;
use kafka_protocol::messages::{ApiVersionsRequest, ApiVersionsResponse};
use kafka_protocol::ResponseError;

use super::{supported, Ctx, SUPPORTED};

fn api_list() -> Vec<ApiVersion> {
    SUPPORTED
        .iter()
        .filter_map(|(key, _, _)| {
            let (min, max) = supported(*key)?;
            let mut v = ApiVersion::default();
            v.api_key = *key as i16;
            v.min_version = min;
            v.max_version = max;
            Some(v)
        })
        .collect()
}

pub async fn handle(_ctx: &Ctx, _req: ApiVersionsRequest, _v: i16) -> ApiVersionsResponse {
    // Tagged fields (features) stay at their defaults, so none are written: librdkafka 2.0
    // rejects an ApiVersions response that carries defaulted tagged fields.
    let mut resp = ApiVersionsResponse::default();
    resp.api_keys = api_list();
    resp
}

/// The v0 answer to an ApiVersions request of a version we do not speak.
pub fn unsupported() -> ApiVersionsResponse {
    let mut resp = ApiVersionsResponse::default();
    resp.error_code = ResponseError::UnsupportedVersion.code();
    resp.api_keys = api_list();
    resp
}
