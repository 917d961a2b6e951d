//! TLS acceptor: loading PEM files and completing real handshakes.

mod common;

use std::path::Path;

use rustls::pki_types::pem::PemObject;

use common::{make_cert, tls_connect, within, TestCert};
use robustmq_transport::{tls_acceptor, TransportError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Runs a one-connection TLS echo server and checks a client round trip
/// with the given protocol versions; returns the negotiated version.
async fn echo_round_trip(
    cert: &TestCert,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> rustls::ProtocolVersion {
    let acceptor = tls_acceptor(&cert.cert_path, &cert.key_path).expect("acceptor");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        let mut tls = acceptor.accept(tcp).await.expect("server handshake");
        let mut buf = [0u8; 64];
        loop {
            let n = tls.read(&mut buf).await.expect("server read");
            if n == 0 {
                break;
            }
            tls.write_all(&buf[..n]).await.expect("server write");
            tls.flush().await.expect("server flush");
        }
    });

    let mut client = tls_connect(addr, &cert.der, versions)
        .await
        .expect("client handshake");
    client.write_all(b"hello over tls").await.expect("write");
    let mut back = [0u8; 14];
    client.read_exact(&mut back).await.expect("read echo");
    assert_eq!(&back, b"hello over tls");
    let version = client.get_ref().1.protocol_version().expect("version");
    client.shutdown().await.expect("shutdown");
    server.await.expect("server task");
    version
}

#[tokio::test]
async fn tls13_echo_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = make_cert(dir.path(), "server");
    let version = within(echo_round_trip(&cert, &[&rustls::version::TLS13])).await;
    assert_eq!(version, rustls::ProtocolVersion::TLSv1_3);
}

#[tokio::test]
async fn tls12_echo_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = make_cert(dir.path(), "server");
    let version = within(echo_round_trip(&cert, &[&rustls::version::TLS12])).await;
    assert_eq!(version, rustls::ProtocolVersion::TLSv1_2);
}

/// SEC1 (`BEGIN EC PRIVATE KEY`) is what `openssl ecparam -genkey` writes,
/// so operators will hand us that rather than PKCS#8.
#[tokio::test]
async fn sec1_ec_key_is_accepted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cert = make_cert(dir.path(), "server");
    let sec1 = sec1_from_pkcs8(&cert.key_pkcs8_der);
    let sec1_path = dir.path().join("server.sec1.key");
    std::fs::write(&sec1_path, pem_encode("EC PRIVATE KEY", &sec1)).expect("write");
    let parsed = std::fs::read(&sec1_path).expect("read back");
    assert!(matches!(
        rustls::pki_types::PrivateKeyDer::from_pem_slice(&parsed),
        Ok(rustls::pki_types::PrivateKeyDer::Sec1(_))
    ));
    cert.key_path = sec1_path;
    within(echo_round_trip(&cert, &[&rustls::version::TLS13])).await;
}

/// The error of a load that must fail (`TlsAcceptor` has no `Debug`).
fn load_err(cert: &Path, key: &Path) -> TransportError {
    match tls_acceptor(cert, key) {
        Ok(_) => panic!("loading {} / {} must fail", cert.display(), key.display()),
        Err(err) => err,
    }
}

fn assert_names(err: &TransportError, path: &Path) {
    let text = err.to_string();
    assert!(
        text.contains(&path.display().to_string()),
        "error {text:?} does not name {}",
        path.display()
    );
}

#[test]
fn missing_key_file_is_reported_with_its_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = make_cert(dir.path(), "server");
    let missing = dir.path().join("absent.key");
    let err = load_err(&cert.cert_path, &missing);
    match &err {
        TransportError::Read { path, source } => {
            assert_eq!(path, &missing);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("unexpected error {other:?}"),
    }
    assert_names(&err, &missing);
}

#[test]
fn key_file_without_a_key_is_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = make_cert(dir.path(), "server");
    let bad = dir.path().join("bad.key");
    std::fs::write(&bad, "this is not a key\n").expect("write");
    let err = load_err(&cert.cert_path, &bad);
    assert!(
        matches!(&err, TransportError::NoPrivateKey { path } if path == &bad),
        "{err:?}"
    );
    assert_names(&err, &bad);

    // A certificate is not a key either.
    let err = load_err(&cert.cert_path, &cert.cert_path);
    assert!(
        matches!(err, TransportError::NoPrivateKey { .. }),
        "{err:?}"
    );
}

#[test]
fn corrupt_key_material_is_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = make_cert(dir.path(), "server");
    let bad = dir.path().join("garbage.key");
    std::fs::write(&bad, pem_encode("PRIVATE KEY", b"not a DER private key")).expect("write");
    let err = load_err(&cert.cert_path, &bad);
    assert!(
        matches!(&err, TransportError::UnusableKey { path, .. } if path == &bad),
        "{err:?}"
    );
    assert_names(&err, &bad);
}

#[test]
fn key_of_another_certificate_is_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = make_cert(dir.path(), "first");
    let second = make_cert(dir.path(), "second");
    let err = load_err(&first.cert_path, &second.key_path);
    match &err {
        TransportError::KeyMismatch { cert, key } => {
            assert_eq!(cert, &first.cert_path);
            assert_eq!(key, &second.key_path);
        }
        other => panic!("unexpected error {other:?}"),
    }
    assert_names(&err, &second.key_path);
}

#[test]
fn certificate_file_without_a_certificate_is_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = make_cert(dir.path(), "server");
    let err = load_err(&cert.key_path, &cert.key_path);
    assert!(
        matches!(&err, TransportError::NoCertificate { path } if path == &cert.key_path),
        "{err:?}"
    );
    assert_names(&err, &cert.key_path);
}

#[test]
fn malformed_pem_is_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = make_cert(dir.path(), "server");
    let truncated = dir.path().join("truncated.crt");
    let pem = std::fs::read_to_string(&cert.cert_path).expect("read");
    std::fs::write(&truncated, &pem[..pem.len() / 2]).expect("write");
    let err = load_err(&truncated, &cert.key_path);
    assert!(
        matches!(&err, TransportError::Pem { path, .. } if path == &truncated),
        "{err:?}"
    );
}

/// Pulls the SEC1 `ECPrivateKey` out of a PKCS#8 `PrivateKeyInfo`:
/// SEQUENCE { INTEGER version, SEQUENCE algorithm, OCTET STRING key }.
fn sec1_from_pkcs8(pkcs8: &[u8]) -> Vec<u8> {
    let (tag, body, _) = der_tlv(pkcs8);
    assert_eq!(tag, 0x30);
    let (tag, _, rest) = der_tlv(body);
    assert_eq!(tag, 0x02);
    let (tag, _, rest) = der_tlv(rest);
    assert_eq!(tag, 0x30);
    let (tag, key, _) = der_tlv(rest);
    assert_eq!(tag, 0x04);
    key.to_vec()
}

/// Splits one DER element into (tag, contents, rest).
fn der_tlv(input: &[u8]) -> (u8, &[u8], &[u8]) {
    let tag = input[0];
    let (len, header) = match input[1] {
        n if n < 0x80 => (n as usize, 2),
        n => {
            let count = (n & 0x7f) as usize;
            let len = input[2..2 + count]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | *b as usize);
            (len, 2 + count)
        }
    };
    (tag, &input[header..header + len], &input[header + len..])
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in der.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (*b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(ALPHABET[(n >> (18 - 6 * i) & 0x3f) as usize] as char);
            } else {
                b64.push('=');
            }
        }
    }
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("ascii"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}
