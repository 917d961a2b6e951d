//! Helpers shared by the integration tests: certificates made at test time,
//! a TLS client that trusts them, and a time limit so a broken transport
//! fails the test instead of hanging it.

#![allow(dead_code)] // each test binary uses a different subset

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore, SupportedProtocolVersion};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// A self-signed certificate for `localhost` written as PEM files.
pub struct TestCert {
    pub cert_path: PathBuf,
    pub key_path: PathBuf,
    pub der: CertificateDer<'static>,
    pub key_pkcs8_der: Vec<u8>,
}

pub fn make_cert(dir: &Path, name: &str) -> TestCert {
    let generated =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("rcgen");
    let cert_path = dir.join(format!("{name}.crt"));
    let key_path = dir.join(format!("{name}.key"));
    std::fs::write(&cert_path, generated.cert.pem()).expect("write cert");
    std::fs::write(&key_path, generated.signing_key.serialize_pem()).expect("write key");
    TestCert {
        cert_path,
        key_path,
        der: generated.cert.der().clone(),
        key_pkcs8_der: generated.signing_key.serialize_der(),
    }
}

/// Connects a TLS client that trusts only `cert`, restricted to `versions`.
pub async fn tls_connect(
    addr: std::net::SocketAddr,
    cert: &CertificateDer<'static>,
    versions: &[&'static SupportedProtocolVersion],
) -> std::io::Result<TlsStream<TcpStream>> {
    let mut roots = RootCertStore::empty();
    roots.add(cert.clone()).expect("trust test cert");
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_protocol_versions(versions)
            .expect("protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from("localhost").expect("server name");
    TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
}

/// Fails the test if `fut` takes longer than a few seconds.
pub async fn within<F: Future>(fut: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), fut)
        .await
        .expect("timed out")
}
