//! Kafka framing: a 4-byte big-endian size, then a request header and body. Pure functions over
//! bytes; the connection owns the socket.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use kafka_protocol::messages::{ApiKey, RequestHeader};
use kafka_protocol::protocol::{Decodable, Encodable};

/// Why a frame could not be read. Each closes the connection.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("frame size {size} exceeds the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("negative frame size {0}")]
    NegativeSize(i32),
    #[error("malformed request header: {0}")]
    BadHeader(String),
    #[error("malformed {api} v{version} request body: {reason}")]
    BadBody {
        api: String,
        version: i16,
        reason: String,
    },
    #[error("unsupported request: {0}")]
    Unsupported(String),
    /// A request a SASL listener does not take before the client has authenticated.
    #[error("unauthenticated request: {0}")]
    Unauthenticated(String),
    #[error("could not encode a response (a robustmq bug): {0}")]
    Encode(String),
}

/// Splits one complete frame off `buf`, or `Ok(None)` when more bytes are needed.
pub fn take_frame(buf: &mut BytesMut, max_size: usize) -> Result<Option<Bytes>, FrameError> {
    if buf.len() < 4 {
        return Ok(None);
    }
    let size = i32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
    if size < 0 {
        return Err(FrameError::NegativeSize(size));
    }
    let size = size as usize;
    if size > max_size {
        return Err(FrameError::TooLarge {
            size,
            limit: max_size,
        });
    }
    if buf.len() < 4 + size {
        buf.reserve(4 + size - buf.len());
        return Ok(None);
    }
    buf.advance(4);
    Ok(Some(buf.split_to(size).freeze()))
}

/// A request whose header is parsed and whose body is still bytes.
#[derive(Debug)]
pub struct RawRequest {
    pub header: RequestHeader,
    /// `None` for an API key this library does not know at all.
    pub api_key: Option<ApiKey>,
    pub body: Bytes,
}

/// Parses the request header. An unknown API key still yields the correlation id, so the
/// server can answer it (with ApiVersions' UNSUPPORTED_VERSION or by closing).
pub fn parse_request(mut frame: Bytes) -> Result<RawRequest, FrameError> {
    if frame.len() < 8 {
        return Err(FrameError::BadHeader(format!(
            "{} bytes is too short for a request header",
            frame.len()
        )));
    }
    let key = i16::from_be_bytes([frame[0], frame[1]]);
    let version = i16::from_be_bytes([frame[2], frame[3]]);
    let api_key = ApiKey::try_from(key).ok();
    let header_version = match api_key {
        Some(k) => k.request_header_version(version),
        None => 1,
    };
    let header = RequestHeader::decode(&mut frame, header_version)
        .map_err(|e| FrameError::BadHeader(e.to_string()))?;
    Ok(RawRequest {
        header,
        api_key,
        body: frame,
    })
}

/// Decodes a request body at the version its header names.
pub fn decode_body<T: Decodable>(body: &mut Bytes, version: i16) -> Result<T, FrameError> {
    T::decode(body, version).map_err(|e| FrameError::BadBody {
        api: std::any::type_name::<T>()
            .rsplit("::")
            .next()
            .unwrap_or("request")
            .to_string(),
        version,
        reason: e.to_string(),
    })
}

/// Encodes a size-prefixed response: header (correlation id, tagged fields when flexible) + body.
pub fn encode_response<R: Encodable>(
    correlation_id: i32,
    header_version: i16,
    body: &R,
    version: i16,
) -> Result<Bytes, String> {
    let mut buf = BytesMut::with_capacity(64);
    buf.put_i32(0);
    buf.put_i32(correlation_id);
    if header_version >= 1 {
        buf.put_u8(0); // no tagged fields
    }
    body.encode(&mut buf, version).map_err(|e| e.to_string())?;
    let size = (buf.len() - 4) as i32;
    buf[0..4].copy_from_slice(&size.to_be_bytes());
    Ok(buf.freeze())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::messages::ApiVersionsRequest;
    use kafka_protocol::protocol::StrBytes;
    use proptest::prelude::*;

    #[test]
    fn frames_split_and_wait_for_more() {
        let mut b = BytesMut::from(&[0, 0, 0, 3, 1, 2][..]);
        assert_eq!(take_frame(&mut b, 100).unwrap(), None);
        b.extend_from_slice(&[3, 0, 0]);
        assert_eq!(
            take_frame(&mut b, 100).unwrap().unwrap(),
            Bytes::from_static(&[1, 2, 3])
        );
        assert_eq!(&b[..], &[0, 0]);
        let mut big = BytesMut::from(&[0, 0, 1, 0][..]);
        assert_eq!(
            take_frame(&mut big, 100),
            Err(FrameError::TooLarge {
                size: 256,
                limit: 100
            })
        );
        let mut neg = BytesMut::from(&[0xff, 0, 0, 0][..]);
        assert!(matches!(
            take_frame(&mut neg, 100),
            Err(FrameError::NegativeSize(_))
        ));
    }

    #[test]
    fn parses_a_flexible_api_versions_header() {
        let mut h = RequestHeader::default();
        h.request_api_key = ApiKey::ApiVersions as i16;
        h.request_api_version = 3;
        h.correlation_id = 42;
        h.client_id = Some(StrBytes::from_static_str("c"));
        let mut buf = BytesMut::new();
        h.encode(&mut buf, 2).unwrap();
        let mut req = ApiVersionsRequest::default();
        req.client_software_name = StrBytes::from_static_str("x");
        req.encode(&mut buf, 3).unwrap();
        let raw = parse_request(buf.freeze()).unwrap();
        assert_eq!(raw.header.correlation_id, 42);
        assert_eq!(raw.api_key, Some(ApiKey::ApiVersions));
        let mut body = raw.body;
        let decoded: ApiVersionsRequest = decode_body(&mut body, 3).unwrap();
        assert_eq!(decoded.client_software_name.as_str(), "x");
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            crate::apis::fuzz_check(&data);
        }
    }
}
