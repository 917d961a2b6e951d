//! WebSocket accept and the byte-stream adapter, driven by a real
//! tokio-tungstenite client over loopback TCP.

mod common;

use common::within;
use futures_util::{SinkExt, StreamExt};
use robustmq_transport::{ws_accept, TransportError, WsStream};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::header::SEC_WEBSOCKET_PROTOCOL;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Bytes, Message};
use tokio_tungstenite::WebSocketStream;

const PROTOCOLS: &[&str] = &["mqtt", "mqttv3.1"];

type ServerResult = Result<WsStream<TcpStream>, TransportError>;

/// Listens once; the spawned task yields the server side of the handshake.
async fn serve_once() -> (std::net::SocketAddr, JoinHandle<ServerResult>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        ws_accept(tcp, "/mqtt", PROTOCOLS).await
    });
    (addr, task)
}

async fn connect(
    addr: std::net::SocketAddr,
    path: &str,
    offered: Option<&str>,
) -> Result<
    (
        WebSocketStream<TcpStream>,
        tungstenite::handshake::client::Response,
    ),
    tungstenite::Error,
> {
    let mut request = format!("ws://{addr}{path}")
        .into_client_request()
        .expect("request");
    if let Some(offered) = offered {
        request.headers_mut().insert(
            SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_str(offered).expect("header"),
        );
    }
    let tcp = TcpStream::connect(addr).await.expect("connect");
    tokio_tungstenite::client_async(request, tcp).await
}

fn negotiated(response: &tungstenite::handshake::client::Response) -> Option<&str> {
    response
        .headers()
        .get(SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn binary_messages_form_one_byte_stream_both_ways() {
    within(async {
        let (addr, server) = serve_once().await;
        let (mut client, response) = connect(addr, "/mqtt", Some("mqtt")).await.expect("client");
        assert_eq!(negotiated(&response), Some("mqtt"));
        let mut server = server.await.expect("task").expect("server accept");
        assert_eq!(server.subprotocol(), Some("mqtt"));

        // An MQTT CONNECT-like packet split mid-packet across three messages,
        // with an empty message in between for good measure.
        let packet: Vec<u8> = (0u8..40).collect();
        for part in [&packet[..3], &[][..], &packet[3..17], &packet[17..]] {
            client
                .send(Message::Binary(Bytes::copy_from_slice(part)))
                .await
                .expect("send");
        }
        let mut got = vec![0u8; packet.len()];
        server.read_exact(&mut got).await.expect("server read");
        assert_eq!(got, packet);

        // Each server write arrives as one binary message.
        server
            .write_all(&[0x20, 0x02, 0x00, 0x00])
            .await
            .expect("write");
        server.flush().await.expect("flush");
        server.write_all(b"second").await.expect("write");
        server.flush().await.expect("flush");
        assert_eq!(
            client.next().await.expect("message").expect("ok"),
            Message::Binary(Bytes::from_static(&[0x20, 0x02, 0x00, 0x00]))
        );
        assert_eq!(
            client.next().await.expect("message").expect("ok"),
            Message::Binary(Bytes::from_static(b"second"))
        );

        // Ping is answered while the server reads; Close ends its stream.
        let reader = tokio::spawn(async move {
            let mut buf = [0u8; 8];
            let n = server.read(&mut buf).await.expect("read after close");
            (n, server)
        });
        client
            .send(Message::Ping(Bytes::from_static(b"are you there")))
            .await
            .expect("ping");
        assert_eq!(
            client.next().await.expect("message").expect("ok"),
            Message::Pong(Bytes::from_static(b"are you there"))
        );
        client.close(None).await.expect("close");
        let (n, _server) = reader.await.expect("reader");
        assert_eq!(n, 0, "close must end the server's byte stream");
        // The server answered the close handshake.
        assert!(matches!(
            client.next().await,
            Some(Ok(Message::Close(_))) | None
        ));
    })
    .await;
}

#[tokio::test]
async fn client_preference_picks_first_acceptable_subprotocol() {
    within(async {
        let (addr, server) = serve_once().await;
        let (_client, response) = connect(addr, "/mqtt", Some("wamp, mqttv3.1, mqtt"))
            .await
            .expect("client");
        assert_eq!(negotiated(&response), Some("mqttv3.1"));
        let server = server.await.expect("task").expect("server accept");
        assert_eq!(server.subprotocol(), Some("mqttv3.1"));
    })
    .await;
}

#[tokio::test]
async fn client_without_subprotocol_is_accepted() {
    within(async {
        let (addr, server) = serve_once().await;
        let (_client, response) = connect(addr, "/mqtt", None).await.expect("client");
        assert_eq!(negotiated(&response), None);
        let server = server.await.expect("task").expect("server accept");
        assert_eq!(server.subprotocol(), None);
    })
    .await;
}

#[tokio::test]
async fn unknown_subprotocol_is_refused() {
    within(async {
        let (addr, server) = serve_once().await;
        match connect(addr, "/mqtt", Some("wamp")).await {
            Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 400),
            other => panic!("expected HTTP 400, got {other:?}"),
        }
        match server.await.expect("task") {
            Err(TransportError::WsRefused { status: 400, .. }) => {}
            other => panic!("expected refusal, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn wrong_path_is_refused() {
    within(async {
        let (addr, server) = serve_once().await;
        match connect(addr, "/other", Some("mqtt")).await {
            Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 404),
            other => panic!("expected HTTP 404, got {other:?}"),
        }
        match server.await.expect("task") {
            Err(TransportError::WsRefused {
                status: 404,
                reason,
            }) => {
                assert!(reason.contains("/other"), "{reason}");
            }
            other => panic!("expected refusal, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn plain_http_request_is_not_a_websocket() {
    within(async {
        let (addr, server) = serve_once().await;
        let mut tcp = TcpStream::connect(addr).await.expect("connect");
        tcp.write_all(b"GET /mqtt HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .expect("write");
        let result = server.await.expect("task");
        assert!(
            result.is_err(),
            "a non-upgrade request must not be accepted"
        );
    })
    .await;
}

#[tokio::test]
async fn text_message_fails_the_stream_and_closes_with_1003() {
    within(async {
        let (addr, server) = serve_once().await;
        let (mut client, _) = connect(addr, "/mqtt", Some("mqtt")).await.expect("client");
        let mut server = server.await.expect("task").expect("server accept");

        client
            .send(Message::Binary(Bytes::from_static(b"ok")))
            .await
            .expect("send");
        client.send(Message::text("not mqtt")).await.expect("send");

        let mut buf = [0u8; 2];
        server
            .read_exact(&mut buf)
            .await
            .expect("binary data first");
        assert_eq!(&buf, b"ok");
        let err = server
            .read(&mut buf)
            .await
            .expect_err("text must fail the read");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        let again = server.read(&mut buf).await.expect_err("stays failed");
        assert_eq!(again.kind(), std::io::ErrorKind::InvalidData);

        match client.next().await {
            Some(Ok(Message::Close(Some(frame)))) => assert_eq!(frame.code, CloseCode::Unsupported),
            other => panic!("expected close 1003, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn dropped_tcp_without_close_is_end_of_stream() {
    within(async {
        let (addr, server) = serve_once().await;
        let (client, _) = connect(addr, "/mqtt", Some("mqtt")).await.expect("client");
        let mut server = server.await.expect("task").expect("server accept");
        drop(client);
        let mut buf = [0u8; 4];
        assert_eq!(server.read(&mut buf).await.expect("eof"), 0);
    })
    .await;
}

#[tokio::test]
async fn server_shutdown_sends_close() {
    within(async {
        let (addr, server) = serve_once().await;
        let (mut client, _) = connect(addr, "/mqtt", Some("mqtt")).await.expect("client");
        let mut server = server.await.expect("task").expect("server accept");
        server.write_all(b"bye").await.expect("write");
        server.shutdown().await.expect("shutdown");
        assert_eq!(
            client.next().await.expect("message").expect("ok"),
            Message::Binary(Bytes::from_static(b"bye"))
        );
        assert!(matches!(client.next().await, Some(Ok(Message::Close(_)))));
    })
    .await;
}
