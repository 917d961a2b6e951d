//! Which Kafka APIs and versions robustmq implements, and the decoding of their request bodies.
//! Pure (only `kafka-protocol` and [`crate::codec`]), so the fuzz target compiles this very file.

use bytes::{Bytes, BytesMut};
use kafka_protocol::messages::*;

use crate::codec::{decode_body, parse_request, take_frame, FrameError};

/// The versions robustmq implements, intersected at run time with what the codec knows.
pub const SUPPORTED: &[(ApiKey, i16, i16)] = &[
    (ApiKey::Produce, 3, 13),
    (ApiKey::Fetch, 4, 18),
    (ApiKey::ListOffsets, 1, 10),
    (ApiKey::Metadata, 0, 13),
    (ApiKey::OffsetCommit, 2, 9),
    (ApiKey::OffsetFetch, 1, 9),
    (ApiKey::FindCoordinator, 0, 6),
    (ApiKey::JoinGroup, 0, 9),
    (ApiKey::Heartbeat, 0, 4),
    (ApiKey::LeaveGroup, 0, 5),
    (ApiKey::SyncGroup, 0, 5),
    (ApiKey::DescribeGroups, 0, 6),
    (ApiKey::ListGroups, 0, 5),
    (ApiKey::ApiVersions, 0, 4),
    (ApiKey::CreateTopics, 0, 7),
    (ApiKey::DeleteTopics, 0, 6),
    (ApiKey::DeleteRecords, 0, 2),
    (ApiKey::InitProducerId, 0, 5),
    (ApiKey::DescribeConfigs, 0, 4),
    (ApiKey::AlterConfigs, 0, 2),
    (ApiKey::CreatePartitions, 0, 3),
    (ApiKey::DeleteGroups, 0, 2),
    (ApiKey::IncrementalAlterConfigs, 0, 1),
    (ApiKey::OffsetDelete, 0, 0),
    // After v0 the SASL tokens come as bare size-prefixed frames (before KIP-152).
    (ApiKey::SaslHandshake, 0, 1),
    (ApiKey::SaslAuthenticate, 0, 2),
    (ApiKey::DescribeCluster, 0, 2),
    (ApiKey::DescribeAcls, 1, 3),
    (ApiKey::CreateAcls, 1, 3),
    (ApiKey::DeleteAcls, 1, 3),
    // Transactions as before KIP-890's second part (no `transaction.version` 2 feature is
    // advertised, so clients add partitions explicitly): AddPartitionsToTxn v4+ is the
    // brokers' batched form, EndTxn v5 returns a bumped epoch.
    (ApiKey::AddPartitionsToTxn, 0, 3),
    (ApiKey::AddOffsetsToTxn, 0, 4),
    (ApiKey::TxnOffsetCommit, 0, 4),
    (ApiKey::EndTxn, 0, 4),
    (ApiKey::DescribeTransactions, 0, 0),
    (ApiKey::ListTransactions, 0, 2),
];

/// The supported version range of an API, if any.
pub fn supported(key: ApiKey) -> Option<(i16, i16)> {
    let (_, min, max) = SUPPORTED.iter().find(|(k, _, _)| *k == key)?;
    let codec = key.valid_versions();
    let (min, max) = ((*min).max(codec.min), (*max).min(codec.max));
    (min <= max).then_some((min, max))
}

/// Decodes the body of any supported request, as the daemon does before handling it; a
/// request the daemon would refuse as unsupported is not decoded. For fuzzing and property
/// tests of the decoders.
pub fn decode_any(key: ApiKey, body: &mut Bytes, v: i16) -> Result<(), FrameError> {
    macro_rules! d {
        ($ty:ty) => {
            decode_body::<$ty>(body, v).map(|_| ())
        };
    }
    if !supported(key).is_some_and(|(min, max)| v >= min && v <= max) {
        return Ok(());
    }
    match key {
        ApiKey::Produce => d!(ProduceRequest),
        ApiKey::Fetch => d!(FetchRequest),
        ApiKey::ListOffsets => d!(ListOffsetsRequest),
        ApiKey::Metadata => d!(MetadataRequest),
        ApiKey::OffsetCommit => d!(OffsetCommitRequest),
        ApiKey::OffsetFetch => d!(OffsetFetchRequest),
        ApiKey::FindCoordinator => d!(FindCoordinatorRequest),
        ApiKey::JoinGroup => d!(JoinGroupRequest),
        ApiKey::Heartbeat => d!(HeartbeatRequest),
        ApiKey::LeaveGroup => d!(LeaveGroupRequest),
        ApiKey::SyncGroup => d!(SyncGroupRequest),
        ApiKey::DescribeGroups => d!(DescribeGroupsRequest),
        ApiKey::ListGroups => d!(ListGroupsRequest),
        ApiKey::ApiVersions => d!(ApiVersionsRequest),
        ApiKey::CreateTopics => d!(CreateTopicsRequest),
        ApiKey::DeleteTopics => d!(DeleteTopicsRequest),
        ApiKey::DeleteRecords => d!(DeleteRecordsRequest),
        ApiKey::InitProducerId => d!(InitProducerIdRequest),
        ApiKey::DescribeConfigs => d!(DescribeConfigsRequest),
        ApiKey::AlterConfigs => d!(AlterConfigsRequest),
        ApiKey::CreatePartitions => d!(CreatePartitionsRequest),
        ApiKey::DeleteGroups => d!(DeleteGroupsRequest),
        ApiKey::IncrementalAlterConfigs => d!(IncrementalAlterConfigsRequest),
        ApiKey::OffsetDelete => d!(OffsetDeleteRequest),
        ApiKey::SaslHandshake => d!(SaslHandshakeRequest),
        ApiKey::SaslAuthenticate => d!(SaslAuthenticateRequest),
        ApiKey::DescribeCluster => d!(DescribeClusterRequest),
        ApiKey::DescribeAcls => d!(DescribeAclsRequest),
        ApiKey::CreateAcls => d!(CreateAclsRequest),
        ApiKey::DeleteAcls => d!(DeleteAclsRequest),
        ApiKey::AddPartitionsToTxn => d!(AddPartitionsToTxnRequest),
        ApiKey::AddOffsetsToTxn => d!(AddOffsetsToTxnRequest),
        ApiKey::TxnOffsetCommit => d!(TxnOffsetCommitRequest),
        ApiKey::EndTxn => d!(EndTxnRequest),
        ApiKey::DescribeTransactions => d!(DescribeTransactionsRequest),
        ApiKey::ListTransactions => d!(ListTransactionsRequest),
        _ => Ok(()),
    }
}

/// What the fuzz target and its corpus replay check on arbitrary bytes: framing, the request
/// header and every supported body decoder return errors, never panic. Run under
/// [`crate::lazy_alloc::LazyHugeAlloc`], as the daemon is, since kafka-protocol reserves
/// capacity from counts on the wire.
pub fn fuzz_check(data: &[u8]) {
    let decode = |frame: Bytes| {
        if let Ok(raw) = parse_request(frame) {
            if let Some(key) = raw.api_key {
                let mut body = raw.body;
                let _ = decode_any(key, &mut body, raw.header.request_api_version);
            }
        }
    };
    // The bytes as one frame's contents, and as a stream of size-prefixed frames.
    decode(Bytes::copy_from_slice(data));
    let mut stream = BytesMut::from(data);
    while let Ok(Some(frame)) = take_frame(&mut stream, 1 << 20) {
        decode(frame);
    }
}
