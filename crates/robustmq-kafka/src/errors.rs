//! Mapping of broker-core errors onto Kafka error codes.

use kafka_protocol::ResponseError as E;
use robustmq_broker::groups::GroupError;
use robustmq_broker::BrokerError;
use robustmq_journal::JournalError;

pub const NONE: i16 = 0;

pub fn journal_code(e: &JournalError) -> i16 {
    match e {
        JournalError::CrcMismatch { .. } | JournalError::Corrupt(_) => E::CorruptMessage.code(),
        JournalError::UnsupportedMagic(_) => E::UnsupportedForMessageFormat.code(),
        JournalError::BatchTooLarge { .. } | JournalError::DecompressedTooLarge { .. } => {
            E::MessageTooLarge.code()
        }
        JournalError::OffsetOutOfRange { .. } => E::OffsetOutOfRange.code(),
        JournalError::OutOfOrderSequence { .. } => E::OutOfOrderSequenceNumber.code(),
        JournalError::InvalidProducerEpoch { .. } => E::InvalidProducerEpoch.code(),
        JournalError::InvalidRecord(_) => E::InvalidRecord.code(),
        JournalError::InvalidTimestamp(_) => E::InvalidTimestamp.code(),
        JournalError::Deleted(_) => E::UnknownTopicOrPartition.code(),
        JournalError::Io(_) | JournalError::Offline { .. } | JournalError::UnknownPartitions(_) => {
            E::KafkaStorageError.code()
        }
    }
}

pub fn broker_code(e: &BrokerError) -> i16 {
    match e {
        BrokerError::TopicExists(_) => E::TopicAlreadyExists.code(),
        BrokerError::UnknownTopic(_) => E::UnknownTopicOrPartition.code(),
        BrokerError::InvalidTopic { .. } => E::InvalidTopicException.code(),
        BrokerError::InvalidPartitions(_) => E::InvalidPartitions.code(),
        BrokerError::InvalidConfig(_) => E::InvalidConfig.code(),
        BrokerError::InvalidArgument(_) => E::InvalidRequest.code(),
        BrokerError::UnknownUser(_) => E::ResourceNotFound.code(),
        BrokerError::Meta(_) => E::UnknownServerError.code(),
        BrokerError::Journal(j) => journal_code(j),
    }
}

pub fn group_code(e: &GroupError) -> i16 {
    match e {
        GroupError::UnknownMemberId => E::UnknownMemberId.code(),
        GroupError::IllegalGeneration => E::IllegalGeneration.code(),
        GroupError::RebalanceInProgress => E::RebalanceInProgress.code(),
        GroupError::InconsistentGroupProtocol => E::InconsistentGroupProtocol.code(),
        GroupError::InvalidSessionTimeout => E::InvalidSessionTimeout.code(),
        GroupError::MemberIdRequired(_) => E::MemberIdRequired.code(),
        GroupError::NonEmptyGroup => E::NonEmptyGroup.code(),
        GroupError::GroupIdNotFound => E::GroupIdNotFound.code(),
        GroupError::InvalidGroupId => E::InvalidGroupId.code(),
        GroupError::GroupMaxSizeReached(_) | GroupError::TooManyGroups(_) => {
            E::GroupMaxSizeReached.code()
        }
        GroupError::Storage(_) => E::CoordinatorNotAvailable.code(),
    }
}
