#!/usr/bin/env bash
# Counts instructions per TLSKit full handshake pair (no tickets), or per resumption pair with
# --resumed, under callgrind: all of them, those of the public-key operations (X25519 key
# generation and agreement, the ECDSA signature and its verification), and the rest, which is
# what TLSKit's own code and the symmetric cryptography cost. Exact and repeatable where
# timings on a shared machine are not; needs valgrind.
#
#   Benchmarks/count-instructions.sh [--resumed] [--boringssl] [BENCH_BINARY]
#
# Each count is taken over `--profile-iterations 400` and `100` inside the profiled function;
# the difference, divided by 300, leaves the set-up out (the configurations' trust roots are read
# inside it). Under valgrind BoringSSL takes its plain x86-64 paths (no ADX, no SHA extensions):
# the public-key and SHA-256 counts are higher than natively, the rest is what runs.
set -euo pipefail
source "$(dirname "$0")/profile-arguments.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read the toolchain's DWARF; the symbols stay.
strip --strip-debug "$bench" -o "$work/bench"

# Prints the instructions of N iterations: all, then those under the public-key entry points.
count() {
    valgrind --tool=callgrind --callgrind-out-file="$work/out" --toggle-collect="*${function}*" \
        "$work/bench" --profile-iterations "$1" "${mode[@]}" >/dev/null 2>&1
    callgrind_annotate --inclusive=yes --threshold=100 "$work/out" 2>/dev/null | awk '
        /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
        /\?\?\?:(CCryptoBoringSSL_X25519|CCryptoBoringSSL_X25519_keypair|CCryptoBoringSSL_ECDSA_do_verify) \[/ { gsub(",", "", $1); pk += $1 }
        /\?\?\?:ecdsa_sign_impl\(/ { gsub(",", "", $1); pk += $1 }
        END { print total, pk + 0 }'
}
read -r total100 pk100 < <(count 100)
read -r total400 pk400 < <(count 400)
all=$(((total400 - total100) / 300))
pk=$(((pk400 - pk100) / 300))
printf '%-12s %9d per %s\n' all "$all" "$what" public-key "$pk" "$what" other $((all - pk)) "$what"
