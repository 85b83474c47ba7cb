#!/usr/bin/env python3
"""Records real TLS 1.3 handshakes between `openssl s_client` and `openssl s_server` and
writes seed inputs for the fuzz targets into Fuzz/Corpus/<target>/.

    python3 Fuzz/Seeds/record.py            # needs openssl 3 on PATH

`-msg` makes openssl print every handshake message in hex, the encrypted ones decrypted, so
the seeds hold real messages of each type: ClientHello, HelloRetryRequest, ServerHello,
EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished,
NewSessionTicket and KeyUpdate. Each seed is written in the input format of its target
(see the doc comment of each target in Fuzz/Targets/). Seed files are named
`recorded-<SHA-1>`; a run replaces the recorded seeds of the last one. Other files stay:
inputs merged in from long fuzzing runs (named by libFuzzer, by their SHA-1) and
regression inputs (`regression-*`).
"""
import base64
import hashlib
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(os.path.dirname(HERE), "Corpus")

HANDSHAKE, ALERT, APPLICATION_DATA, CHANGE_CIPHER_SPEC = 22, 21, 23, 20


def run(args, **kwargs):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_msg_log(text):
    """[(direction, kind, bytes)] for each `-msg` block: direction '>>>' (sent) or '<<<'."""
    blocks = []
    current = None
    for line in text.splitlines():
        match = re.match(r"^(>>>|<<<) (.*)$", line)
        if match:
            current = [match.group(1), match.group(2), bytearray()]
            blocks.append(current)
        elif current is not None and re.match(r"^    ([0-9a-f]{2} ?)+$", line):
            current[2] += bytes.fromhex(line.strip())
        else:
            current = None
    return [(d, k, bytes(b)) for d, k, b in blocks if "RecordHeader" not in k and "Inner Content" not in k]


def handshake_messages(blocks, direction):
    return [b for d, k, b in blocks if d == direction and ", Handshake " in k]


def session(server_args, client_args, client_input=b"", server_input=b"", pause=0.0, tmp="."):
    """Runs one s_server/s_client connection; returns the client's and the server's -msg blocks."""
    port = free_port()
    server_log = os.path.join(tmp, "server.log")
    with open(server_log, "wb") as log:
        server = subprocess.Popen(
            ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-tls1_3", "-msg", "-naccept", "1"] + server_args,
            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
    for _ in range(100):
        with open(server_log, "rb") as log:
            if b"ACCEPT" in log.read():
                break
        time.sleep(0.05)
    time.sleep(0.3)
    client = subprocess.Popen(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_3", "-msg", "-servername", "localhost"] + client_args,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp)
    time.sleep(0.5 + pause)
    if server_input:
        server.stdin.write(server_input)
        server.stdin.flush()
        time.sleep(0.5)
    client.stdin.write(client_input)
    client.stdin.flush()
    time.sleep(0.5)
    try:
        client_out = client.communicate(timeout=5)[0]
    except subprocess.TimeoutExpired:
        client.kill()
        client_out = client.communicate()[0]
    server.kill()
    server.wait()
    with open(server_log, "rb") as log:
        server_out = log.read()
    return parse_msg_log(client_out.decode(errors="replace")), parse_msg_log(server_out.decode(errors="replace"))


def write_seed(target, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "recorded-" + hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def chunk(content_type, content):
    """A record chunk of a connection target (FuzzInput.nextChunk)."""
    return bytes([content_type]) + struct.pack(">H", len(content)) + content


def call(number):
    return bytes([0xF0 | number])


def extension_block(message):
    """The extension block of a ClientHello, ServerHello or EncryptedExtensions message."""
    body = message[4:]
    if message[0] == 8:
        return body
    pos = 2 + 32
    pos += 1 + body[pos]  # session id
    if message[0] == 1:
        pos += 2 + struct.unpack(">H", body[pos:pos + 2])[0]  # cipher suites
        pos += 1 + body[pos]  # compression methods
    else:
        pos += 3  # cipher suite, compression method
    return body[pos:]


HRR_RANDOM = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")


def vector(length_bytes, data):
    return len(data).to_bytes(length_bytes, "big") + data


def optional(length_bytes, data):
    return b"\x00" if data is None else b"\x01" + vector(length_bytes, data)


def write_session_seeds():
    """Seeds for the session formats, written to their documented encodings
    (ServerSessionState and ClientSession+PEM)."""
    created = struct.pack(">Q", 4_102_444_800_000)  # 2100-01-01, so the state has not expired
    for suite, psk_length in ((0x1301, 32), (0x1302, 48), (0x1303, 32)):
        for name, alpn, chain in ((None, None, []), (b"localhost", b"h2", [b"\x30\x03\x02\x01\x01"])):
            state = (b"\x01" + struct.pack(">H", suite) + vector(1, bytes(range(psk_length))) + created
                     + struct.pack(">II", 7200, 0x01020304) + optional(2, name) + optional(1, alpn)
                     + vector(3, b"".join(vector(3, c) for c in chain)) + (b"\x01" if chain else b"\x00"))
            write_seed("session-ticket", b"\x01" + bytes(4) + state)
            write_seed("session-ticket", b"\x02" + bytes(4) + bytes(range(32)) + state)
            session = (b"\x01" + vector(2, name or b"") + struct.pack(">H", suite) + vector(1, bytes(psk_length))
                       + vector(2, bytes(range(60))) + struct.pack(">II", 7200, 0x01020304) + created
                       + struct.pack(">I", 0) + optional(1, alpn))
            write_seed("client-session", b"\x01" + session)
            pem = base64.encodebytes(session).decode().replace("\n", "")
            lines = "\n".join(pem[i:i + 64] for i in range(0, len(pem), 64))
            write_seed("client-session", b"\x00" + f"-----BEGIN TLSKIT SESSION-----\n{lines}\n-----END TLSKIT SESSION-----\n".encode())
    write_seed("session-ticket", b"\x00" + bytes(4) + bytes(range(60)))
    write_seed("session-ticket", b"\x02" + bytes(4) + bytes(31))


def remove_old_seeds():
    if not os.path.isdir(CORPUS):
        return
    for target in os.listdir(CORPUS):
        for name in os.listdir(os.path.join(CORPUS, target)):
            if name.startswith("recorded-"):
                os.remove(os.path.join(CORPUS, target, name))


def main():
    remove_old_seeds()
    with tempfile.TemporaryDirectory() as tmp:
        for name, cn in (("server", "localhost"), ("client", "client")):
            run(["openssl", "req", "-x509", "-newkey", "ed25519", "-keyout", f"{name}-key.pem", "-out", f"{name}.pem",
                 "-days", "3650", "-nodes", "-subj", f"/CN={cn}", "-addext", f"subjectAltName=DNS:{cn}"], cwd=tmp)
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-keyout", "p256-key.pem",
             "-out", "p256.pem", "-days", "3650", "-nodes", "-subj", "/CN=localhost"], cwd=tmp)
        server_cert = ["-cert", "server.pem", "-key", "server-key.pem"]
        client_cert = ["-cert", "client.pem", "-key", "client-key.pem"]
        recordings = [
            session(server_cert, [], b"hello\n", tmp=tmp),
            session(server_cert + ["-groups", "P-256"], ["-groups", "X25519:P-256"], b"hello\n", tmp=tmp),
            session(["-cert", "p256.pem", "-key", "p256-key.pem", "-alpn", "h2"], ["-alpn", "h2,http/1.1"], b"k\n", tmp=tmp),
            session(server_cert + ["-Verify", "1", "-CAfile", "client.pem"], client_cert, b"K\nhello\n", tmp=tmp),
            session(server_cert + ["-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"], ["-sess_out", "sess.pem"], b"x\n", tmp=tmp),
            session(server_cert + ["-ciphersuites", "TLS_AES_256_GCM_SHA384"], [], b"x\n", tmp=tmp),
            session(server_cert + ["-verify", "1", "-CAfile", "client.pem"], client_cert + ["-enable_pha"], b"x\n",
                    server_input=b"c\n", tmp=tmp),
        ]
        if os.path.exists(os.path.join(tmp, "sess.pem")):
            recordings.append(session(server_cert + ["-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"],
                                      ["-sess_in", "sess.pem"], b"x\n", tmp=tmp))

    count = 0
    for client_blocks, _ in recordings:
        sent = handshake_messages(client_blocks, ">>>")       # the client's messages
        received = handshake_messages(client_blocks, "<<<")   # the server's, decrypted
        for message in sent + received:
            write_seed("handshake-message", message[:1] + message[4:])
            count += 1
        for message in sent + received:
            if message[0] == 1:
                write_seed("extensions", bytes([0]) + extension_block(message))
            elif message[0] == 2:
                hrr = message[6:38] == HRR_RANDOM
                write_seed("extensions", bytes([2 if hrr else 1]) + extension_block(message))
            elif message[0] == 8:
                write_seed("extensions", bytes([3]) + extension_block(message))
        hellos = [m for m in sent if m[0] == 1]
        before_keys = [m for m in received if m[0] == 2]
        encrypted = [m for m in received if m[0] in (8, 13, 11, 15, 20)]
        after = [m for m in received if m[0] in (4, 24, 13)]
        client_flight = [m for m in sent if m[0] in (11, 15, 20)]
        for scenario in (0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80):
            # Servers: a whole ClientHello flight, or the client's second flight after a real start.
            write_seed("server-handshake", bytes([scenario, 0]) + b"".join(chunk(HANDSHAKE, m) for m in hellos[:1]))
            write_seed("server-handshake", bytes([scenario, 1]) + b"".join(chunk(HANDSHAKE, m) for m in client_flight))
            write_seed("server-post-handshake", bytes([scenario]) + chunk(APPLICATION_DATA, b"hello\n")
                       + chunk(HANDSHAKE, bytes.fromhex("1800000101")) + chunk(APPLICATION_DATA, b"again\n")
                       + call(6) + b"".join(chunk(HANDSHAKE, m) for m in client_flight) + chunk(ALERT, b"\x01\x00"))
            # Clients: the server's whole first flight in plaintext, or its encrypted part after a real start.
            write_seed("client-handshake", bytes([scenario, 0]) + b"".join(chunk(HANDSHAKE, m) for m in before_keys)
                       + chunk(CHANGE_CIPHER_SPEC, b"\x01") + chunk(HANDSHAKE, b"".join(encrypted)))
            write_seed("client-handshake", bytes([scenario, 1]) + b"".join(chunk(HANDSHAKE, m) for m in encrypted))
            write_seed("client-post-handshake", bytes([scenario]) + b"".join(chunk(HANDSHAKE, m) for m in after)
                       + chunk(APPLICATION_DATA, b"hello\n") + call(2) + chunk(ALERT, b"\x01\x00"))
        # The deframer: the client's view of the server's records, header and all.
        stream = b"".join(chunk(HANDSHAKE, m)[:1] + b"\x03\x03" + chunk(HANDSHAKE, m)[1:] for m in before_keys)
        write_seed("record-deframer", bytes([0]) + stream)
        write_seed("record-deframer", bytes([6]) + stream + bytes([23, 3, 3, 0, 17]) + bytes(17))
    write_session_seeds()
    print(f"{count} handshake messages recorded; seeds in {CORPUS}")


if __name__ == "__main__":
    sys.exit(main())
