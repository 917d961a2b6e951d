//! The one error type of this crate, so servers can log a failed accept
//! without knowing which transport layer produced it.

use std::io;
use std::path::PathBuf;

/// Why a transport could not be set up or a handshake was refused.
///
/// File errors carry the path: an operator reading the log must be able to
/// tell which of the configured files to fix.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The file could not be read (missing, unreadable, a directory...).
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file that was asked for.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },

    /// The client CA file cannot make a certificate verifier (no usable CA certificate).
    #[error("cannot verify client certificates with {}: {reason}", path.display())]
    ClientCa {
        /// The CA file.
        path: PathBuf,
        /// Why the verifier could not be built.
        reason: String,
    },

    /// The file is not well-formed PEM.
    #[error("{} is not valid PEM: {reason}", path.display())]
    Pem {
        /// The offending file.
        path: PathBuf,
        /// What the PEM parser objected to.
        reason: String,
    },

    /// The certificate file holds no `CERTIFICATE` section.
    #[error("no certificate found in {}", path.display())]
    NoCertificate {
        /// The certificate file.
        path: PathBuf,
    },

    /// The key file holds no PKCS#8, PKCS#1 (RSA) or SEC1 (EC) private key.
    #[error("no private key (PKCS#8, PKCS#1 RSA or SEC1 EC) found in {}", path.display())]
    NoPrivateKey {
        /// The key file.
        path: PathBuf,
    },

    /// The key parsed as PEM but the crypto provider cannot use it
    /// (unsupported algorithm or corrupt key material).
    #[error("private key in {} is not usable: {source}", path.display())]
    UnusableKey {
        /// The key file.
        path: PathBuf,
        /// The provider's reason.
        source: rustls::Error,
    },

    /// The private key is not the one of the first (end-entity) certificate.
    #[error("private key in {} does not match the certificate in {}", key.display(), cert.display())]
    KeyMismatch {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
    },

    /// Any other TLS configuration failure (for example an unparsable
    /// end-entity certificate).
    #[error("TLS configuration with {}: {source}", cert.display())]
    TlsConfig {
        /// The certificate file the configuration was built from.
        cert: PathBuf,
        /// What rustls reported.
        source: rustls::Error,
    },

    /// The WebSocket handshake was answered with an HTTP error status
    /// (wrong path, no acceptable subprotocol, malformed upgrade).
    #[error("WebSocket handshake refused with HTTP {status}: {reason}")]
    WsRefused {
        /// The status sent to the peer.
        status: u16,
        /// The reason sent to the peer in the response body.
        reason: String,
    },

    /// The WebSocket handshake failed for another reason (I/O error,
    /// malformed HTTP request, peer went away).
    #[error("WebSocket handshake failed: {0}")]
    WsHandshake(#[source] tokio_tungstenite::tungstenite::Error),
}
