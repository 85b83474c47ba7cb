# Sourced by count-calls.sh and count-instructions.sh: reads their arguments,
# [--resumed | --nio tlskit|niossl] [--boringssl] [--side server|client] [BENCH_BINARY], into
#   mode      the bench's profiling options (--profile-resumptions, --profile-nio, --profile-boringssl)
#   function  the bench function whose calls are counted: the profiled iterations, or one
#             side's calls within them
#   what      what one iteration is, for the output
#   bench     the bench binary, built in release when none is given
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=()
function="profileFullHandshakes"
what="handshake pair"
side=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --resumed)
            mode+=(--profile-resumptions)
            function="profileResumptions"
            what="resumption pair"
            ;;
        # Full handshakes over EmbeddedChannels with TLSKit's handlers or swift-nio-ssl's.
        --nio)
            [[ "${2:-}" == tlskit || "${2:-}" == niossl ]] || { echo "--nio takes tlskit or niossl" >&2; exit 64; }
            mode+=(--profile-nio "$2")
            function="profileNIOHandshakes"
            what="handshake pair through NIO ($2)"
            shift
            ;;
        # On the opt-in BoringSSL crypto provider rather than the default one.
        --boringssl) mode+=(--profile-boringssl) ;;
        # Only the calls the _server_side or _client_side figures time.
        --side)
            [[ "${2:-}" == server || "${2:-}" == client ]] || { echo "--side takes server or client" >&2; exit 64; }
            side="$2"
            shift
            ;;
        -*) echo "unknown option $1" >&2; exit 64 ;;
        *) bench="$1" ;;
    esac
    shift
done
if [[ -n "$side" ]]; then
    function="profiled${side^}Side"
    what="$what, $side side"
fi
bench="${bench:-}"
if [[ -z "$bench" ]]; then
    swift build -c release --package-path "$here" >&2
    bench="$(swift build -c release --package-path "$here" --show-bin-path)/tlskit-bench"
fi
bench="$(readlink -f "$bench")"
