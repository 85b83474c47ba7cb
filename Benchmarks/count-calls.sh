#!/usr/bin/env bash
# Counts calls per TLSKit full handshake pair (no tickets), or per resumption pair with
# --resumed: retains, releases, allocations, dynamic exclusivity checks (swift_beginAccess),
# HMAC set-ups, AES-GCM seals and opens. Exact and independent of the machine's load, unlike
# timings. Needs perf with uprobes (Debian's linux-perf) and the rights to add probes.
#
#   Benchmarks/count-calls.sh [--resumed | --nio tlskit|niossl] [--boringssl] [BENCH_BINARY]
#
# Each probe counts the calls of `--profile-iterations 600` and of `100`; the difference,
# divided by 500, leaves the set-up out. The probes are removed afterwards.
set -euo pipefail
source "$(dirname "$0")/profile-arguments.sh"
# The probes count the whole process: one side alone is count-instructions.sh's.
[[ -z "$side" ]] || { echo "count-calls.sh counts both sides; --side is count-instructions.sh's" >&2; exit 64; }
swift_core="$(ldd "$bench" | awk '$1 ~ /^libswiftCore[.]so/ {print $3}')"
libc="$(ldd "$bench" | awk '$1 ~ /^libc[.]so/ {print $3}')"

# Swift symbols hold '$', which perf probe does not take as a name: probe their addresses.
address() { nm "$bench" | awk -v name="$1" '$3 == name {print "0x" $1}' | head -1; }
declare -A swift_symbols=(
    [hmac_init]='$s6Crypto4HMACV3keyACyxGAA12SymmetricKeyV_tcfC'
    [aes_gcm_seal]='$s6Crypto3AESO3GCMO4seal_5using5nonce14authenticatingAE9SealedBoxVx_AA12SymmetricKeyVAE5NonceVSgq_tK20FoundationEssentials12DataProtocolRzAqRR_r0_lFZ'
    [aes_gcm_open]='$s6Crypto3AESO3GCMO4open_5using14authenticating20FoundationEssentials4DataVAE9SealedBoxV_AA12SymmetricKeyVxtKAI0I8ProtocolRzlFZ'
)

cleanup() { perf probe -q -d 'probe_tlskitcount:*' >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
perf probe -q -x "$swift_core" -a 'probe_tlskitcount:swift_retain=swift_retain' >/dev/null
perf probe -q -x "$swift_core" -a 'probe_tlskitcount:swift_release=swift_release' >/dev/null
perf probe -q -x "$swift_core" -a 'probe_tlskitcount:swift_beginAccess=swift_beginAccess' >/dev/null
perf probe -q -x "$libc" -a 'probe_tlskitcount:malloc=malloc' >/dev/null
for name in "${!swift_symbols[@]}"; do
    at="$(address "${swift_symbols[$name]}")"
    if [[ -n "$at" ]]; then perf probe -q -x "$bench" -a "probe_tlskitcount:$name=$at" >/dev/null; fi
done
events="$(perf probe -l 2>/dev/null | awk '/probe_tlskitcount:/ {print $1}' | paste -sd, -)"

count() {
    perf stat -x, -e "$events" "$bench" --profile-iterations "$1" "${mode[@]}" 2>&1 >/dev/null |
        awk -F, '/probe_tlskitcount:/ {sub("probe_tlskitcount:", "", $3); print $3, $1}' | sort
}
join <(count 100) <(count 600) | awk -v what="$what" '{printf "%-18s %8.1f per %s\n", $1, ($3 - $2) / 500, what}'
