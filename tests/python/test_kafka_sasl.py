"""Kafka SASL and TLS listeners: confluent-kafka and kcat authenticate with SASL/PLAIN and
SASL/SCRAM-SHA-256/512 against the users made with `robustmq user add`, over SASL_PLAINTEXT and
SASL_SSL; SSL alone encrypts without authenticating. Wrong passwords and unknown users are
refused with SASL_AUTHENTICATION_FAILED; a request before authentication closes the connection
unanswered; SaslHandshake on the PLAINTEXT listener answers ILLEGAL_SASL_STATE, as in Kafka.
"""

from __future__ import annotations

import shutil
import socket
import struct
import subprocess

import pytest
from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import free_ports
from support import (assert_messages_match, consumer, create_topic, poll_messages,
                     produce_records, sample_records, unique, wait_until)
from test_mqtt_auth import cli
from test_mqtt_tls_routes import make_cert

pytestmark = pytest.mark.timeout(120)
T = 20


class Secured:
    """robustmqd with a SASL_PLAINTEXT, an SSL and a SASL_SSL Kafka listener and users alice
    and b\u00f6b."""

    def __init__(self, daemon_factory, tmp_path):
        self.cert, key = make_cert(tmp_path)
        self.sasl_port, self.ssl_port, self.sasl_ssl_port = free_ports(3)
        self.d = daemon_factory(
            args=["--kafka-sasl-listen", f"127.0.0.1:{self.sasl_port}",
                  "--kafka-ssl-listen", f"127.0.0.1:{self.ssl_port}",
                  "--kafka-sasl-ssl-listen", f"127.0.0.1:{self.sasl_ssl_port}"],
            env={"ROBUSTMQ_KAFKA__TLS_CERT": str(self.cert), "ROBUSTMQ_KAFKA__TLS_KEY": str(key)})
        cli(self.d, "user", "add", "alice", "--password", "alice-pw")
        cli(self.d, "user", "add", "b\u00f6b", "--password", "p\u00e4ss w\u00f6rd")

    def conf(self, protocol: str, mechanism: str | None = None, user: str = "alice",
             password: str = "alice-pw") -> dict:
        port = {"SASL_PLAINTEXT": self.sasl_port, "SSL": self.ssl_port,
                "SASL_SSL": self.sasl_ssl_port}[protocol]
        c = {"bootstrap.servers": f"127.0.0.1:{port}", "security.protocol": protocol}
        if mechanism:
            c.update({"sasl.mechanism": mechanism, "sasl.username": user, "sasl.password": password})
        if "SSL" in protocol:
            c["ssl.ca.location"] = str(self.cert)
        return c


@pytest.fixture
def secured(daemon_factory, tmp_path) -> Secured:
    return Secured(daemon_factory, tmp_path)


def roundtrip(secured: Secured, conf: dict) -> None:
    """Creates a topic, produces and reads back records, all through `conf`'s listener."""
    topic = unique("sasl")
    adm = AdminClient(dict(conf))
    fs = adm.create_topics([NewTopic(topic, 1)], request_timeout=T)
    fs[topic].result(timeout=T)
    recs = sample_records(10)
    produce_records(conf["bootstrap.servers"], topic, recs,
                    **{k.replace(".", "_"): v for k, v in conf.items() if k != "bootstrap.servers"})
    c = consumer(conf["bootstrap.servers"], **{k: v for k, v in conf.items()
                                               if k != "bootstrap.servers"})
    try:
        c.subscribe([topic])
        assert_messages_match(poll_messages(c, len(recs)), recs)
    finally:
        c.close()


@pytest.mark.parametrize("protocol,mechanism", [
    ("SASL_PLAINTEXT", "PLAIN"), ("SASL_PLAINTEXT", "SCRAM-SHA-256"),
    ("SASL_PLAINTEXT", "SCRAM-SHA-512"), ("SASL_SSL", "SCRAM-SHA-512"), ("SASL_SSL", "PLAIN"),
    ("SSL", None)])
def test_clients_authenticate_and_round_trip(secured, protocol, mechanism):
    roundtrip(secured, secured.conf(protocol, mechanism))


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_a_non_ascii_user_and_password(secured, mechanism):
    conf = secured.conf("SASL_PLAINTEXT", mechanism, user="b\u00f6b", password="p\u00e4ss w\u00f6rd")
    md = AdminClient(conf).list_topics(timeout=T)
    assert md.brokers


def auth_errors(conf: dict) -> list[KafkaError]:
    """Errors librdkafka reports while it tries to connect with `conf`."""
    errors: list[KafkaError] = []
    adm = AdminClient({**conf, "error_cb": errors.append, "reconnect.backoff.ms": 200})
    with pytest.raises(KafkaException):
        adm.list_topics(timeout=3)
    adm.poll(0.5)
    return errors


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
@pytest.mark.parametrize("user,password", [("alice", "wrong"), ("mallory", "alice-pw")])
def test_wrong_passwords_and_unknown_users_are_refused(secured, mechanism, user, password):
    errors = auth_errors(secured.conf("SASL_PLAINTEXT", mechanism, user=user, password=password))
    auth = [e for e in errors if e.code() == KafkaError._AUTHENTICATION]
    assert auth, errors
    assert "Invalid username or password" in auth[0].str(), auth[0]
    log = secured.d.log_text()
    assert "kafka connection closed: authentication failed" in log


def test_the_plaintext_listener_takes_no_credentials_and_sasl_needs_them(secured):
    # The PLAINTEXT listener serves without SASL, as Kafka's does.
    assert AdminClient({"bootstrap.servers": secured.d.bootstrap}).list_topics(timeout=T).brokers
    # A client that does not speak SASL is cut off by the SASL listener.
    errors = auth_errors({"bootstrap.servers": f"127.0.0.1:{secured.sasl_port}"})
    assert errors
    assert "before SASL authentication completed" in secured.d.log_text()


# --- raw protocol -----------------------------------------------------------------------------

def frame(api_key: int, version: int, body: bytes, flexible: bool = False) -> bytes:
    header = struct.pack(">hhih", api_key, version, 1, 3) + b"raw" + (b"\x00" if flexible else b"")
    return struct.pack(">i", len(header) + len(body)) + header + body


def exchange(port: int, *frames: bytes) -> tuple[list[bytes], bool]:
    """Sends the frames; returns the response bodies read and whether the server closed."""
    out = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"".join(frames))
        buf = b""
        while True:
            try:
                data = s.recv(65536)
            except socket.timeout:
                return out, False
            if not data:
                return out, True
            buf += data
            while len(buf) >= 4 and len(buf) - 4 >= struct.unpack(">i", buf[:4])[0]:
                n = struct.unpack(">i", buf[:4])[0]
                out.append(buf[4:4 + n])
                buf = buf[4 + n:]
            if len(out) == len(frames):
                s.settimeout(1)


def handshake(mechanism: str) -> bytes:
    return frame(17, 1, struct.pack(">h", len(mechanism)) + mechanism.encode())


def test_raw_handshake_answers(secured):
    # Metadata v1 before authenticating: closed, unanswered.
    answers, closed = exchange(secured.sasl_port, frame(3, 1, struct.pack(">i", -1)))
    assert (answers, closed) == ([], True)
    # An unknown mechanism: UNSUPPORTED_SASL_MECHANISM (33) with the enabled ones, then closed.
    answers, closed = exchange(secured.sasl_port, handshake("GSSAPI"))
    code, count = struct.unpack(">hi", answers[0][4:10])
    assert (code, count, closed) == (33, 3, True)
    assert b"PLAIN" in answers[0] and b"SCRAM-SHA-256" in answers[0]
    # On the PLAINTEXT listener: ILLEGAL_SASL_STATE (34), and the connection stays usable.
    answers, closed = exchange(secured.d.kafka_port, handshake("PLAIN"),
                               frame(3, 1, struct.pack(">i", -1)))
    assert struct.unpack(">h", answers[0][4:6])[0] == 34
    assert len(answers) == 2 and not closed
    # PLAIN with a bad password: SASL_AUTHENTICATION_FAILED (58), then closed.
    token = b"\x00alice\x00nope"
    auth = frame(36, 0, struct.pack(">i", len(token)) + token)
    answers, closed = exchange(secured.sasl_port, handshake("PLAIN"), auth)
    assert struct.unpack(">h", answers[1][4:6])[0] == 58 and closed
    assert b"Invalid username or password" in answers[1]


def test_handshake_v0_then_bare_tokens(secured):
    """Before KIP-152 (SaslHandshake v0) the tokens travel as bare size-prefixed frames."""
    v0 = frame(17, 0, struct.pack(">h", 5) + b"PLAIN")
    token = b"\x00alice\x00alice-pw"
    answers, closed = exchange(secured.sasl_port, v0, struct.pack(">i", len(token)) + token,
                               frame(3, 1, struct.pack(">i", -1)))
    assert struct.unpack(">h", answers[0][4:6])[0] == 0
    assert answers[1] == b"", "PLAIN's empty server token"
    assert len(answers) == 3 and not closed, "Metadata answered after authenticating"
    bad = b"\x00alice\x00nope"
    answers, closed = exchange(secured.sasl_port, v0, struct.pack(">i", len(bad)) + bad)
    assert len(answers) == 1 and closed


def test_only_enabled_mechanisms_are_offered(daemon_factory):
    port, = free_ports(1)
    d = daemon_factory(args=["--kafka-sasl-listen", f"127.0.0.1:{port}"],
                       config_text='[kafka]\nsasl_enabled_mechanisms = ["SCRAM-SHA-256"]\n')
    cli(d, "user", "add", "alice", "--password", "alice-pw")
    answers, closed = exchange(port, handshake("PLAIN"))
    assert struct.unpack(">h", answers[0][4:6])[0] == 33 and closed
    conf = {"bootstrap.servers": f"127.0.0.1:{port}", "security.protocol": "SASL_PLAINTEXT",
            "sasl.mechanism": "SCRAM-SHA-256", "sasl.username": "alice", "sasl.password": "alice-pw"}
    assert AdminClient(conf).list_topics(timeout=T).brokers


@pytest.mark.parametrize("args,config,message", [
    (["--kafka-ssl-listen"], "", "kafka.tls_cert and kafka.tls_key"),
    (["--kafka-sasl-listen"], '[kafka]\nsasl_enabled_mechanisms = ["GSSAPI"]\n',
     'unknown mechanism "GSSAPI"'),
])
def test_bad_security_config_stops_the_daemon(daemon_factory, args, config, message):
    port, = free_ports(1)
    d = daemon_factory(start=False, args=[*args, f"127.0.0.1:{port}"], config_text=config or None)
    d.spawn()
    assert d.proc.wait(30) != 0
    assert message in d.last_run_output()


def test_kcat_authenticates_with_scram(secured):
    exe = shutil.which("kcat") or shutil.which("kafkacat")
    assert exe, "kcat is not installed (scripts/test installs the Debian package 'kcat')"
    topic = unique("kcat-sasl")
    create_topic(secured.d.bootstrap, topic)
    base = [exe, "-b", f"127.0.0.1:{secured.sasl_port}", "-X", "security.protocol=SASL_PLAINTEXT",
            "-X", "sasl.mechanisms=SCRAM-SHA-256", "-X", "sasl.username=alice"]
    run = lambda *a, pw="alice-pw", stdin=None: subprocess.run(  # noqa: E731
        [*base, "-X", f"sasl.password={pw}", *a], input=stdin, capture_output=True, timeout=60)
    r = run("-P", "-t", topic, "-p", "0", stdin=b"one\ntwo\n")
    assert r.returncode == 0, r.stderr
    r = run("-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q")
    assert r.returncode == 0 and r.stdout.split() == [b"one", b"two"], r
    r = run("-L", "-m", "5", pw="wrong")
    assert r.returncode != 0
    assert b"Invalid username or password" in r.stderr, r.stderr


# --- client certificates ----------------------------------------------------------------------

def make_client_ca(dir_path):
    """A CA and a client certificate it issued (and a stranger's self-signed one), with openssl."""
    run = lambda *a: subprocess.run(["openssl", *a], check=True, capture_output=True)  # noqa: E731
    ca, ca_key = dir_path / "ca.pem", dir_path / "ca.key"
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
        "2", "-subj", "/CN=robustmq-test-client-ca", "-keyout", str(ca_key), "-out", str(ca))
    ext = dir_path / "client.ext"
    ext.write_text("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n")
    out = {}
    for name, signer in [("client", ca), ("stranger", None)]:
        key, csr, cert = (dir_path / f"{name}.{x}" for x in ("key", "csr", "pem"))
        run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(csr))
        signing = ["-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial"] if signer else \
            ["-signkey", str(key)]
        run("x509", "-req", "-in", str(csr), *signing, "-days", "2", "-extfile", str(ext),
            "-out", str(cert))
        out[name] = (cert, key)
    return ca, out


@pytest.mark.parametrize("mode", ["required", "requested"])
def test_client_certificates(daemon_factory, tmp_path, mode):
    """kafka.tls_client_auth (Kafka's ssl.client.auth): a certificate from the client CA gets
    in; with `required`, a stranger's certificate and no certificate do not; with `requested`,
    no certificate does, and a stranger's certificate that is offered is still refused
    (librdkafka does not offer one the server's CA list does not name; openssl does)."""
    cert, key = make_cert(tmp_path)
    ca, clients = make_client_ca(tmp_path)
    port, = free_ports(1)
    d = daemon_factory(args=["--kafka-ssl-listen", f"127.0.0.1:{port}"],
                       env={"ROBUSTMQ_KAFKA__TLS_CERT": str(cert), "ROBUSTMQ_KAFKA__TLS_KEY": str(key),
                            "ROBUSTMQ_KAFKA__TLS_CLIENT_AUTH": mode,
                            "ROBUSTMQ_KAFKA__TLS_CLIENT_CA": str(ca)})
    base = {"bootstrap.servers": f"127.0.0.1:{port}", "security.protocol": "SSL",
            "ssl.ca.location": str(cert)}

    def with_cert(name):
        c, k = clients[name]
        return {**base, "ssl.certificate.location": str(c), "ssl.key.location": str(k)}

    assert AdminClient(with_cert("client")).list_topics(timeout=T).brokers
    if mode == "required":
        assert auth_errors(with_cert("stranger"))
        assert auth_errors(base)
    else:
        assert AdminClient(base).list_topics(timeout=T).brokers
        # openssl offers the stranger's certificate anyway; the server refuses it.
        c, k = clients["stranger"]
        subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile",
                        str(cert), "-cert", str(c), "-key", str(k)], input=b"",
                       capture_output=True, timeout=20)
        wait_until(lambda: "invalid peer certificate: UnknownIssuer" in d.log_text(), 10,
                   "the daemon refused the stranger's certificate")


def test_client_auth_needs_a_ca(daemon_factory):
    d = daemon_factory(start=False, env={"ROBUSTMQ_KAFKA__TLS_CLIENT_AUTH": "required"})
    d.spawn()
    assert d.proc.wait(30) != 0
    assert 'kafka.tls_client_auth = "required" needs kafka.tls_client_ca' in d.last_run_output()
