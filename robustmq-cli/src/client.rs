//! Connecting to robustmqd's admin API, with the bearer token and errors that say what to do.

use std::time::Duration;

use robustmq_api::admin::admin_client::AdminClient;
use tonic::metadata::AsciiMetadataValue;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request, Status};

/// The largest admin response the client accepts.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// Adds `authorization: Bearer <token>` to every call when a token is given.
#[derive(Clone)]
pub struct TokenInterceptor(Option<AsciiMetadataValue>);

impl tonic::service::Interceptor for TokenInterceptor {
    fn call(&mut self, mut req: Request<()>) -> Result<Request<()>, Status> {
        if let Some(v) = &self.0 {
            req.metadata_mut().insert("authorization", v.clone());
        }
        Ok(req)
    }
}

pub type Client = AdminClient<InterceptedService<Channel, TokenInterceptor>>;

/// Why a command failed; each kind has its own exit code (see [`CliError::exit_code`]).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot reach robustmqd at {server}: {reason}; is it running? (set --server or ROBUSTMQ_SERVER)")]
    Unreachable { server: String, reason: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    AlreadyExists(String),
    #[error("{0}")]
    Invalid(String),
    #[error("robustmqd refused the request: {0} (pass --token or set ROBUSTMQ_TOKEN)")]
    Unauthenticated(String),
    #[error("robustmqd failed: {0}")]
    Server(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl CliError {
    /// 1 server or other error, 2 usage (clap), 3 unreachable, 4 not found, 5 already exists,
    /// 6 invalid argument or precondition, 7 unauthenticated.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Server(_) | CliError::Other(_) => 1,
            CliError::Unreachable { .. } => 3,
            CliError::NotFound(_) => 4,
            CliError::AlreadyExists(_) => 5,
            CliError::Invalid(_) => 6,
            CliError::Unauthenticated(_) => 7,
        }
    }

    /// Maps a gRPC status; `server` names the address for connection failures.
    pub fn from_status(server: &str, s: Status) -> Self {
        let msg = s.message().to_string();
        match s.code() {
            Code::NotFound => CliError::NotFound(msg),
            Code::AlreadyExists => CliError::AlreadyExists(msg),
            Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
                CliError::Invalid(msg)
            }
            Code::Unauthenticated | Code::PermissionDenied => CliError::Unauthenticated(msg),
            Code::Unavailable => CliError::Unreachable {
                server: server.to_string(),
                reason: msg,
            },
            // A daemon older than this CLI: say so rather than print an empty message.
            Code::Unimplemented => {
                CliError::Server(format!(
                "this robustmqd at {server} does not support the call; is it older than the CLI?{}",
                if msg.is_empty() { String::new() } else { format!(" ({msg})") }
            ))
            }
            _ => CliError::Server(msg),
        }
    }
}

/// Connects to `server` (`host:port` or a URL). Fails fast with [`CliError::Unreachable`].
pub async fn connect(server: &str, token: Option<&str>) -> Result<Client, CliError> {
    let url = if server.contains("://") {
        server.to_string()
    } else {
        format!("http://{server}")
    };
    let unreachable = |reason: String| CliError::Unreachable {
        server: server.to_string(),
        reason,
    };
    let endpoint = Endpoint::from_shared(url)
        .map_err(|e| unreachable(format!("invalid address ({e})")))?
        .connect_timeout(Duration::from_secs(5));
    let channel = endpoint.connect().await.map_err(|e| {
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            reason = s.to_string();
            source = s.source();
        }
        unreachable(reason)
    })?;
    let token = match token {
        Some(t) => Some(
            format!("Bearer {t}")
                .parse::<AsciiMetadataValue>()
                .map_err(|_| CliError::Invalid("the token must be printable ASCII".into()))?,
        ),
        None => None,
    };
    // Consume answers carry up to a few MiB of records (more with large records); tonic's
    // 4 MiB default would turn a big record into an error.
    Ok(
        AdminClient::with_interceptor(channel, TokenInterceptor(token))
            .max_decoding_message_size(MAX_MESSAGE_BYTES),
    )
}
