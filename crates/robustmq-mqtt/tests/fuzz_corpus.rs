//! Replays the fuzz corpus (`fuzz/corpus/decode/`) with the same checks as the fuzz target, so
//! inputs the fuzzer found stay covered by `cargo test` without cargo-fuzz installed.

use std::fs;
use std::path::Path;

use bytes::BytesMut;
use robustmq_mqtt::codec::{decode, encode, Packet, ProtocolVersion};

/// The fuzz target's checks; returns whether some version decoded a packet.
fn check(data: &[u8]) -> bool {
    let mut decoded_any = false;
    for version in [
        None,
        Some(ProtocolVersion::V3_1),
        Some(ProtocolVersion::V3_1_1),
        Some(ProtocolVersion::V5),
    ] {
        if let Ok(Some((packet, consumed))) = decode(data, version, usize::MAX) {
            decoded_any = true;
            assert!(consumed <= data.len());
            let v = match (&packet, version) {
                (Packet::Connect(c), _) => c.protocol,
                (_, Some(v)) => v,
                (_, None) => panic!("only CONNECT decodes without a version"),
            };
            let mut out = BytesMut::new();
            encode(&packet, v, &mut out).expect("a decoded packet encodes");
            let again = decode(&out, Some(v), usize::MAX).expect("re-decodes");
            assert_eq!(again, Some((packet, out.len())));
        }
    }
    decoded_any
}

#[test]
fn replay_fuzz_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/decode");
    let mut seen = 0;
    for entry in fs::read_dir(&dir).expect("corpus directory") {
        let path = entry.expect("corpus entry").path();
        let data = fs::read(&path).expect("corpus file");
        let decoded = check(&data);
        // The hand-written seeds are all valid packets.
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.chars().all(|c| c.is_ascii_hexdigit()) {
            assert!(decoded, "seed {name} does not decode");
        }
        seen += 1;
    }
    assert!(seen > 0, "no corpus files in {}", dir.display());
}
