# Sourced by count-calls.sh and count-instructions.sh: reads their arguments,
# [--resumed] [--boringssl] [BENCH_BINARY], into
#   mode      the bench's profiling options (--profile-resumptions, --profile-boringssl)
#   function  the bench function the profiled iterations run in
#   what      what one iteration is, for the output
#   bench     the bench binary, built in release when none is given
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=()
function="profileFullHandshakes"
what="handshake pair"
if [[ "${1:-}" == "--resumed" ]]; then
    mode=(--profile-resumptions)
    function="profileResumptions"
    what="resumption pair"
    shift
fi
# --boringssl: on the opt-in BoringSSL crypto provider rather than the default one.
if [[ "${1:-}" == "--boringssl" ]]; then
    mode+=(--profile-boringssl)
    shift
fi
bench="${1:-}"
if [[ -z "$bench" ]]; then
    swift build -c release --package-path "$here" >&2
    bench="$(swift build -c release --package-path "$here" --show-bin-path)/tlskit-bench"
fi
bench="$(readlink -f "$bench")"
