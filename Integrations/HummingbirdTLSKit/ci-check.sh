#!/usr/bin/env bash
# End-to-end check of the Hummingbird integration with a real client: builds the example,
# serves it with an openssl-made certificate, and has curl fetch over HTTP/1.1 and over HTTP/2
# (ALPN), then fetch twice in one run over two connections, the second resuming the first's
# TLS session, which the server's statistics must count. Prints each result; exits non-zero on
# the first failure. Every wait is bounded and the server is killed on exit.
#
# Usage: ci-check.sh [--scratch-path DIR]   (or SCRATCH_PATH=DIR): the build folder, so CI can
# share the main package's. CONFIGURATION=release builds in release (default debug).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

scratch_path="${SCRATCH_PATH:-}"
while [ $# -gt 0 ]; do
    case "$1" in
        --scratch-path) scratch_path="$2"; shift 2 ;;
        --scratch-path=*) scratch_path="${1#*=}"; shift ;;
        *) echo "usage: $0 [--scratch-path DIR]" >&2; exit 2 ;;
    esac
done
scratch=()
if [ -n "$scratch_path" ]; then scratch=(--scratch-path "$scratch_path"); fi
configuration="${CONFIGURATION:-debug}"

for tool in curl openssl; do
    command -v "$tool" >/dev/null 2>&1 || { echo "FAIL: $tool is not installed"; exit 1; }
done
curl --version | sed -n 1p

swift build -c "$configuration" --package-path "$here" "${scratch[@]}" --product HummingbirdExample
bin="$(swift build -c "$configuration" --package-path "$here" "${scratch[@]}" --show-bin-path)/HummingbirdExample"

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        # Graceful shutdown is quick; a server that hangs in it is killed outright.
        for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    if [ -s "$work/server.err" ]; then
        echo "--- server stderr (last lines)"
        tail -n 20 "$work/server.err"
    fi
    exit 1
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null || fail "openssl could not make a certificate"

"$bin" --port 0 --cert "$work/cert.pem" --key "$work/key.pem" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!

port=""
for _ in $(seq 300); do
    if line="$(grep -m1 '^listening: ' "$work/server.out" 2>/dev/null)"; then
        port="${line##*:}"
        break
    fi
    kill -0 "$server_pid" 2>/dev/null || fail "the server exited before listening"
    sleep 0.1
done
[ -n "$port" ] || fail "no 'listening:' line within 30 s"
echo "server: ${line}"

base="https://localhost:$port"
curl_common=(--silent --show-error --max-time 20 --cacert "$work/cert.pem" --resolve "localhost:$port:127.0.0.1")

# (a) HTTP/1.1.
out="$(curl "${curl_common[@]}" --http1.1 --write-out '\n%{http_version}' "$base/")" || fail "HTTP/1.1 request failed"
body="$(sed -n 1p <<<"$out")"; version="$(sed -n 2p <<<"$out")"
echo "HTTP/1.1: body '$body', http_version $version"
[ "$body" = hello ] && [ "$version" = 1.1 ] || fail "HTTP/1.1: expected body 'hello' and http_version 1.1"

# (b) HTTP/2, negotiated with ALPN.
out="$(curl "${curl_common[@]}" --http2 --write-out '\n%{http_version}' "$base/")" || fail "HTTP/2 request failed"
body="$(sed -n 1p <<<"$out")"; version="$(sed -n 2p <<<"$out")"
echo "HTTP/2: body '$body', http_version $version"
[ "$body" = hello ] && [ "$version" = 2 ] || fail "HTTP/2: expected body 'hello' and http_version 2"

counter() { grep "^$1: " <<<"$2" | awk '{print $2}'; }

# (c) Resumption by a real client. One curl run keeps a TLS session cache across its transfers;
# `Connection: close` makes the server end the first connection, so the second URL needs a new
# one, which offers the ticket the first connection received.
before="$(curl "${curl_common[@]}" "$base/stats")" || fail "/stats request failed"
resumptions_before="$(counter resumptions "$before")"
echo "stats before: $(tr '\n' ' ' <<<"$before")"
[ "$resumptions_before" = 0 ] || fail "expected no resumption yet, got '$resumptions_before'"

curl "${curl_common[@]}" --verbose --http1.1 -H 'Connection: close' \
    --output "$work/first" "$base/" --output "$work/second" "$base/" 2>"$work/curl-resume.err" \
    || { cat "$work/curl-resume.err"; fail "the two-connection curl run failed"; }
[ "$(cat "$work/first")" = hello ] && [ "$(cat "$work/second")" = hello ] || fail "resumption run: expected 'hello' twice"
connections="$(grep -c '^\* Connected to ' "$work/curl-resume.err" || true)"
reuse_line="$(grep -i -m1 'reusing session\|re-using session' "$work/curl-resume.err" || true)"
echo "resumption run: $connections connection(s); curl says: ${reuse_line:-nothing about reuse}"
[ "$connections" = 2 ] || { cat "$work/curl-resume.err"; fail "expected curl to open two connections"; }
[ -n "$reuse_line" ] || { cat "$work/curl-resume.err"; fail "curl did not reuse its TLS session"; }

after="$(curl "${curl_common[@]}" "$base/stats")" || fail "/stats request failed"
resumptions_after="$(counter resumptions "$after")"
echo "stats after: $(tr '\n' ' ' <<<"$after")"
[ "$resumptions_after" = 1 ] || fail "expected the server to count 1 resumption, got '$resumptions_after'"

echo "hummingbird integration: HTTP/1.1, HTTP/2 and resumption OK"
