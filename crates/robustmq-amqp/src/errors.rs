//! AMQP reply codes and the error every handler returns: a channel exception closes the
//! channel it happened on, a connection exception the whole connection (spec 1.2.x).

pub const REPLY_SUCCESS: u16 = 200;
pub const CONTENT_TOO_LARGE: u16 = 311;
pub const NO_ROUTE: u16 = 312;
pub const CONNECTION_FORCED: u16 = 320;
pub const ACCESS_REFUSED: u16 = 403;
pub const NOT_FOUND: u16 = 404;
pub const RESOURCE_LOCKED: u16 = 405;
pub const PRECONDITION_FAILED: u16 = 406;
pub const FRAME_ERROR: u16 = 501;
pub const SYNTAX_ERROR: u16 = 502;
pub const COMMAND_INVALID: u16 = 503;
pub const CHANNEL_ERROR: u16 = 504;
pub const UNEXPECTED_FRAME: u16 = 505;
pub const RESOURCE_ERROR: u16 = 506;
pub const NOT_ALLOWED: u16 = 530;
pub const NOT_IMPLEMENTED: u16 = 540;
pub const INTERNAL_ERROR: u16 = 541;

/// What went wrong, with the code and text the peer is told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code} {text}")]
pub struct AmqpError {
    pub code: u16,
    pub text: String,
    /// Closes the connection rather than the channel.
    pub connection: bool,
    /// The method that failed (0, 0 when none).
    pub class_id: u16,
    pub method_id: u16,
}

impl AmqpError {
    /// A channel exception; the text is prefixed with the code's name, as RabbitMQ does.
    pub fn channel(code: u16, text: impl AsRef<str>) -> Self {
        AmqpError {
            code,
            text: format!("{} - {}", name(code), text.as_ref()),
            connection: false,
            class_id: 0,
            method_id: 0,
        }
    }

    pub fn connection(code: u16, text: impl AsRef<str>) -> Self {
        AmqpError {
            connection: true,
            ..Self::channel(code, text)
        }
    }

    pub fn at(mut self, class_id: u16, method_id: u16) -> Self {
        self.class_id = class_id;
        self.method_id = method_id;
        self
    }

    pub fn not_found(what: impl AsRef<str>) -> Self {
        Self::channel(NOT_FOUND, what)
    }

    pub fn precondition(what: impl AsRef<str>) -> Self {
        Self::channel(PRECONDITION_FAILED, what)
    }

    pub fn internal(what: impl std::fmt::Display) -> Self {
        Self::connection(INTERNAL_ERROR, what.to_string())
    }
}

pub type Result<T> = std::result::Result<T, AmqpError>;

/// The spec's name of a reply code.
pub fn name(code: u16) -> &'static str {
    match code {
        REPLY_SUCCESS => "REPLY_SUCCESS",
        CONTENT_TOO_LARGE => "CONTENT_TOO_LARGE",
        NO_ROUTE => "NO_ROUTE",
        CONNECTION_FORCED => "CONNECTION_FORCED",
        ACCESS_REFUSED => "ACCESS_REFUSED",
        NOT_FOUND => "NOT_FOUND",
        RESOURCE_LOCKED => "RESOURCE_LOCKED",
        PRECONDITION_FAILED => "PRECONDITION_FAILED",
        FRAME_ERROR => "FRAME_ERROR",
        SYNTAX_ERROR => "SYNTAX_ERROR",
        COMMAND_INVALID => "COMMAND_INVALID",
        CHANNEL_ERROR => "CHANNEL_ERROR",
        UNEXPECTED_FRAME => "UNEXPECTED_FRAME",
        RESOURCE_ERROR => "RESOURCE_ERROR",
        NOT_ALLOWED => "NOT_ALLOWED",
        NOT_IMPLEMENTED => "NOT_IMPLEMENTED",
        INTERNAL_ERROR => "INTERNAL_ERROR",
        _ => "ERROR",
    }
}

impl From<robustmq_journal::JournalError> for AmqpError {
    fn from(e: robustmq_journal::JournalError) -> Self {
        AmqpError::internal(format!("storage: {e}"))
    }
}

impl From<robustmq_meta::MetaError> for AmqpError {
    fn from(e: robustmq_meta::MetaError) -> Self {
        AmqpError::internal(format!("metadata: {e}"))
    }
}

impl From<robustmq_broker::BrokerError> for AmqpError {
    fn from(e: robustmq_broker::BrokerError) -> Self {
        AmqpError::internal(e)
    }
}
