//! Byte-stream transports shared by the protocol servers (TLS, WebSocket).
