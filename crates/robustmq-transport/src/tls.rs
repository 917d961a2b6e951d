//! Server-side TLS from PEM files, using rustls with the `ring` provider.
//!
//! `ring` rather than the rustls default (aws-lc-rs) because aws-lc-rs needs
//! cmake and a longer C build; ring covers every algorithm a broker needs.

use std::path::Path;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::{InconsistentKeys, RootCertStore, ServerConfig};
use tokio_rustls::TlsAcceptor;

use crate::TransportError;

/// Builds a TLS acceptor (TLS 1.2 and 1.3, no client authentication) from a
/// PEM certificate chain and a PEM private key.
///
/// The chain starts with the server's own certificate, followed by any
/// intermediates. The key may be PKCS#8, PKCS#1 (RSA) or SEC1 (EC); the first
/// key found in the file is used. The key is checked against the certificate
/// here, so a misconfiguration fails at startup rather than on every
/// handshake.
///
/// Reads the files synchronously: call it at startup or from
/// `spawn_blocking`, not on a hot async path.
pub fn acceptor(cert_pem: &Path, key_pem: &Path) -> Result<TlsAcceptor, TransportError> {
    acceptor_with_clients(cert_pem, key_pem, ClientAuth::None)
}

/// Whether the server asks clients for a certificate (Kafka's `ssl.client.auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth<'a> {
    /// No client certificate is asked for.
    None,
    /// Asked for; a client without one is let in, one with a certificate not issued by the
    /// CAs in this PEM file is refused.
    Requested(&'a Path),
    /// A client must present a certificate issued by the CAs in this PEM file.
    Required(&'a Path),
}

/// [`acceptor`], verifying client certificates as `clients` says.
pub fn acceptor_with_clients(
    cert_pem: &Path,
    key_pem: &Path,
    clients: ClientAuth<'_>,
) -> Result<TlsAcceptor, TransportError> {
    let chain = load_certs(cert_pem)?;
    let key = load_key(key_pem)?;

    // An explicit provider rather than the process default: another crate in
    // the binary may install a different default, and we must not panic or
    // silently change algorithms if it does.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certified = certified_key(&provider, chain, key, cert_pem, key_pem)?;

    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|source| TransportError::TlsConfig {
            cert: cert_pem.to_path_buf(),
            source,
        })?;
    let builder = match clients {
        ClientAuth::None => builder.with_no_client_auth(),
        ClientAuth::Requested(ca) | ClientAuth::Required(ca) => {
            let mut roots = RootCertStore::empty();
            for cert in load_certs(ca)? {
                roots.add(cert).map_err(|e| TransportError::ClientCa {
                    path: ca.to_path_buf(),
                    reason: e.to_string(),
                })?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            let verifier = match clients {
                ClientAuth::Requested(_) => verifier.allow_unauthenticated(),
                _ => verifier,
            };
            let verifier = verifier.build().map_err(|e| TransportError::ClientCa {
                path: ca.to_path_buf(),
                reason: e.to_string(),
            })?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder.with_cert_resolver(Arc::new(SingleCertAndKey::from(certified)));
    tracing::debug!(cert = %cert_pem.display(), key = %key_pem.display(), "TLS acceptor ready");
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Reads the file ourselves so a missing file is reported as such, with its
/// path, instead of as a generic PEM error.
fn read(path: &Path) -> Result<Vec<u8>, TransportError> {
    std::fs::read(path).map_err(|source| TransportError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn pem_error(path: &Path, err: pem::Error) -> TransportError {
    TransportError::Pem {
        path: path.to_path_buf(),
        reason: err.to_string(),
    }
}

fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TransportError> {
    let bytes = read(path)?;
    let chain = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem_error(path, e))?;
    if chain.is_empty() {
        return Err(TransportError::NoCertificate {
            path: path.to_path_buf(),
        });
    }
    Ok(chain)
}

fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, TransportError> {
    let bytes = read(path)?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| match e {
        pem::Error::NoItemsFound => TransportError::NoPrivateKey {
            path: path.to_path_buf(),
        },
        other => pem_error(path, other),
    })
}

/// Pairs chain and key, separating "key unusable" from "key is someone
/// else's" so the error tells the operator which file is wrong.
fn certified_key(
    provider: &CryptoProvider,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    cert_path: &Path,
    key_path: &Path,
) -> Result<CertifiedKey, TransportError> {
    let signing_key = provider
        .key_provider
        .load_private_key(key)
        .map_err(|source| TransportError::UnusableKey {
            path: key_path.to_path_buf(),
            source,
        })?;
    let certified = CertifiedKey::new(chain, signing_key);
    match certified.keys_match() {
        // `Unknown`: the provider cannot derive the public key, so the pair
        // cannot be checked here; the handshake will reveal a mismatch.
        Ok(()) | Err(rustls::Error::InconsistentKeys(InconsistentKeys::Unknown)) => Ok(certified),
        Err(rustls::Error::InconsistentKeys(InconsistentKeys::KeyMismatch)) => {
            Err(TransportError::KeyMismatch {
                cert: cert_path.to_path_buf(),
                key: key_path.to_path_buf(),
            })
        }
        Err(source) => Err(TransportError::TlsConfig {
            cert: cert_path.to_path_buf(),
            source,
        }),
    }
}
