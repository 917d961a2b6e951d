//! The full stack a listener may configure: TCP, then TLS, then WebSocket,
//! served by a loop that only knows `BoxStream`.

mod common;

use std::sync::Arc;

use common::{make_cert, within};
use futures_util::{SinkExt, StreamExt};
use robustmq_transport::{tls_acceptor, ws_accept, BoxStream};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::header::SEC_WEBSOCKET_PROTOCOL;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Bytes, Message};

/// Stands in for a protocol loop: echoes until end of stream.
async fn echo(mut conn: BoxStream) {
    let mut buf = [0u8; 256];
    loop {
        match conn.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if conn.write_all(&buf[..n]).await.is_err() || conn.flush().await.is_err() {
                    return;
                }
            }
        }
    }
}

#[tokio::test]
async fn websocket_over_tls_into_a_boxed_connection_loop() {
    within(async {
        let dir = tempfile::tempdir().expect("tempdir");
        let cert = make_cert(dir.path(), "server");
        let acceptor = tls_acceptor(&cert.cert_path, &cert.key_path).expect("acceptor");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.expect("accept");
            let tls = acceptor.accept(tcp).await.expect("tls");
            let ws = ws_accept(tls, "/mqtt", &["mqtt"]).await.expect("ws");
            echo(Box::new(ws)).await;
        });

        let mut roots = rustls::RootCertStore::empty();
        roots.add(cert.der.clone()).expect("trust");
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
        let tcp = TcpStream::connect(addr).await.expect("connect");
        let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(ServerName::try_from("localhost").expect("name"), tcp)
            .await
            .expect("tls handshake");
        let mut request = "wss://localhost/mqtt"
            .into_client_request()
            .expect("request");
        request
            .headers_mut()
            .insert(SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static("mqtt"));
        let (mut client, _) = tokio_tungstenite::client_async(request, tls)
            .await
            .expect("ws handshake");

        client
            .send(Message::Binary(Bytes::from_static(b"ping over wss")))
            .await
            .expect("send");
        assert_eq!(
            client.next().await.expect("message").expect("ok"),
            Message::Binary(Bytes::from_static(b"ping over wss"))
        );
        client.close(None).await.expect("close");
        server.await.expect("server task");
    })
    .await;
}
