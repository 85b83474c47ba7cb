#!/usr/bin/env bash
# Builds the benchmarks in release and runs every figure briefly (--seconds 0.05), failing
# if the bench fails or if any figure line is missing or malformed; then --primitives and the
# profile modes, briefly. CI runs this so the
# bench never rots; the numbers it prints mean nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=()
if [ -n "${BENCH_SCRATCH_PATH:-}" ]; then scratch=(--scratch-path "$BENCH_SCRATCH_PATH"); fi
# CI builds in debug with the main package's build folder, reusing its dependencies: the
# smoke run checks that every figure works, not how fast.
configuration="${BENCH_CONFIGURATION:-release}"

swift build -c "$configuration" --package-path Benchmarks "${scratch[@]}"
bin="$(swift build -c "$configuration" --package-path Benchmarks "${scratch[@]}" --show-bin-path)/tlskit-bench"

# The figures the project promises (names and units), whatever the bench's own list says:
# TLSKit's under both crypto providers (tlskitbssl* on the opt-in BoringSSL one).
expected="tlskit_full_hs_notickets hs/s
tlskit_full_hs_x25519 hs/s
tlskit_full_hs_x25519mlkem768 hs/s
tlskit_full_hs_x25519_server_side hs/s
tlskit_full_hs_x25519_client_side hs/s
tlskit_resumed_hs_psk_dhe hs/s
tlskit_resumed_hs_0rtt hs/s
tlskit_bulk_aes128gcm_16k MB/s
tlskit_bulk_chacha20poly1305_16k MB/s
tlskit_mem_server_rss_per_conn bytes
tlskit_mem_server_heap_per_conn bytes
tlskit_mem_pair_rss_per_conn bytes
tlskit_mem_pair_heap_per_conn bytes
tlskitnio_full_hs_x25519 hs/s
tlskitnio_full_hs_x25519mlkem768 hs/s
tlskitnio_full_hs_x25519_server_side hs/s
tlskitnio_full_hs_x25519_client_side hs/s
niossl_full_hs_x25519 hs/s
niossl_full_hs_x25519mlkem768 hs/s
niossl_full_hs_x25519_server_side hs/s
niossl_full_hs_x25519_client_side hs/s
tlskitnio_bulk_aes128gcm_16k MB/s
niossl_bulk_aes128gcm_16k MB/s
nio_harness_bulk_16k MB/s
nio_harness_hs_server_side hs/s
nio_harness_hs_client_side hs/s
tlskit_wire_full_hs_x25519_client_bytes bytes
tlskit_wire_full_hs_x25519_server_bytes bytes
tlskit_wire_full_hs_x25519mlkem768_client_bytes bytes
tlskit_wire_full_hs_x25519mlkem768_server_bytes bytes
openssl_full_hs_notickets hs/s
openssl_full_hs_x25519 hs/s
openssl_resumed_hs_psk_dhe hs/s
openssl_bulk_aes128gcm_16k MB/s
limit_full_hs hs/s
limit_full_hs_cached_chain hs/s
limit_resumed_hs hs/s
limit_bulk_aes128gcm_16k MB/s
tlskitbssl_full_hs_notickets hs/s
tlskitbssl_full_hs_x25519 hs/s
tlskitbssl_full_hs_x25519mlkem768 hs/s
tlskitbssl_full_hs_x25519_server_side hs/s
tlskitbssl_full_hs_x25519_client_side hs/s
tlskitbssl_resumed_hs_psk_dhe hs/s
tlskitbssl_resumed_hs_0rtt hs/s
tlskitbssl_bulk_aes128gcm_16k MB/s
tlskitbssl_bulk_chacha20poly1305_16k MB/s
tlskitbssl_mem_server_rss_per_conn bytes
tlskitbssl_mem_server_heap_per_conn bytes
tlskitbssl_mem_pair_rss_per_conn bytes
tlskitbssl_mem_pair_heap_per_conn bytes
tlskitbsslnio_full_hs_x25519 hs/s
tlskitbsslnio_full_hs_x25519mlkem768 hs/s
tlskitbsslnio_full_hs_x25519_server_side hs/s
tlskitbsslnio_full_hs_x25519_client_side hs/s
tlskitbsslnio_bulk_aes128gcm_16k MB/s"

output="$("$bin" --seconds 0.05 --connections 1000)"
echo "$output"

status=0
# Every line on stdout is a comment or `NAME VALUE UNIT`.
while IFS= read -r line; do
    case "$line" in
        '#'*) continue ;;
    esac
    if ! [[ "$line" =~ ^[a-z0-9_]+\ -?[0-9]+(\.[0-9]+)?\ (hs/s|MB/s|bytes)$ ]]; then
        echo "bench-smoke: malformed line: $line" >&2
        status=1
    fi
done <<<"$output"

# Every promised figure is there once, with its unit.
while read -r name unit; do
    count="$(grep -c "^$name [0-9.]* $unit\$" <<<"$output" || true)"
    if [ "$count" != 1 ]; then
        echo "bench-smoke: figure $name ($unit) printed $count times" >&2
        status=1
    fi
done <<<"$expected"

# The other modes, briefly: the unit costs and both profile runs (what count-calls.sh drives).
"$bin" --primitives --seconds 0.01 >/dev/null || { echo "bench-smoke: --primitives failed" >&2; status=1; }
"$bin" --profile-iterations 3 >/dev/null || { echo "bench-smoke: --profile-iterations failed" >&2; status=1; }
"$bin" --profile-iterations 3 --profile-resumptions >/dev/null || {
    echo "bench-smoke: --profile-resumptions failed" >&2
    status=1
}
for library in tlskit niossl; do
    "$bin" --profile-iterations 3 --profile-nio "$library" >/dev/null || {
        echo "bench-smoke: --profile-nio $library failed" >&2
        status=1
    }
done

if [ "$status" = 0 ]; then
    echo "bench-smoke: $(wc -l <<<"$expected") figures present"
    # The report over this one run, so the script that makes the results table never rots.
    smoke_output="$(mktemp)"
    echo "$output" >"$smoke_output"
    python3 Benchmarks/report.py --from "$smoke_output" >/dev/null || status=1
    rm -f "$smoke_output"
fi
exit "$status"
