#!/usr/bin/env bash
# Counts instructions per TLSKit full handshake pair (no tickets), per resumption pair with
# --resumed, or per full handshake pair through NIO with --nio tlskit|niossl (TLSKit's handlers
# or swift-nio-ssl's, harness included), under callgrind: all of them, those of the public-key
# operations (X25519 key generation and agreement, the ECDSA signatures and their
# verification, in either library's BoringSSL), and the rest, which is what the TLS code, the
# symmetric cryptography and the channels cost. With --side server|client, only the calls
# that side's `_server_side` or `_client_side` figure times. With --cache-misses, also the
# level-1 misses callgrind's cache model counts (instruction fetches, data reads, data
# writes). Exact and repeatable where timings on a shared machine are not; needs valgrind.
#
#   Benchmarks/count-instructions.sh [--resumed | --nio tlskit|niossl] [--boringssl]
#                                    [--side server|client] [--cache-misses] [BENCH_BINARY]
#
# Each count is taken over `--profile-iterations 400` and `100` inside the profiled function;
# the difference, divided by 300, leaves the set-up out (the configurations' trust roots are read
# inside it). Under valgrind BoringSSL takes its plain x86-64 paths (no ADX, no SHA extensions):
# the public-key and SHA-256 counts are higher than natively, the rest is what runs.
set -euo pipefail
cache=()
arguments=()
for argument in "$@"; do
    if [[ "$argument" == --cache-misses ]]; then cache=(--cache-sim=yes); else arguments+=("$argument"); fi
done
set -- "${arguments[@]}"
source "$(dirname "$0")/profile-arguments.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read the toolchain's DWARF; the symbols stay.
strip --strip-debug "$bench" -o "$work/bench"

# Prints the instructions of N iterations, then those under the public-key entry points, then
# the level-1 misses when they are simulated (0 otherwise).
count() {
    valgrind --tool=callgrind "${cache[@]}" --callgrind-out-file="$work/out" --toggle-collect="*${function}*" \
        "$work/bench" --profile-iterations "$1" "${mode[@]}" >/dev/null 2>&1
    local pk
    pk=$(callgrind_annotate --inclusive=yes --show=Ir --threshold=100 "$work/out" 2>/dev/null | awk '
        /\?\?\?:C(Crypto|NIO)BoringSSL_(X25519|X25519_keypair|ECDSA_do_verify) \[/ { gsub(",", "", $1); pk += $1 }
        /\?\?\?:ecdsa_sign_impl\(/ { gsub(",", "", $1); pk += $1 }
        END { print pk + 0 }')
    awk -v pk="$pk" '
        /^events:/ { for (i = 2; i <= NF; i++) column[$i] = i }
        /^summary:/ { print $column["Ir"], pk, ("I1mr" in column) ? $column["I1mr"] " " $column["D1mr"] " " $column["D1mw"] : "0 0 0" }' "$work/out"
}
read -r total100 pk100 i100 dr100 dw100 < <(count 100)
read -r total400 pk400 i400 dr400 dw400 < <(count 400)
per() { echo $((($2 - $1) / 300)); }
all=$(per "$total100" "$total400")
pk=$(per "$pk100" "$pk400")
printf '%-12s %9d per %s\n' all "$all" "$what" public-key "$pk" "$what" other $((all - pk)) "$what"
if [[ ${#cache[@]} -gt 0 ]]; then
    printf '%-12s %9d per %s\n' "L1i misses" "$(per "$i100" "$i400")" "$what" "L1d reads" "$(per "$dr100" "$dr400")" "$what" \
        "L1d writes" "$(per "$dw100" "$dw400")" "$what"
fi
