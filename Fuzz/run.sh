#!/usr/bin/env bash
# Builds and runs TLSKit's libFuzzer targets (see README.md in this folder).
#
#   Fuzz/run.sh --list              the target names, one a line
#   Fuzz/run.sh --build             builds every target
#   Fuzz/run.sh TARGET SECONDS      builds if needed, then fuzzes TARGET for SECONDS
#   Fuzz/run.sh --all SECONDS       builds once, then fuzzes every target for SECONDS each
#
# A run exits non-zero on a crash, a failed check, a leak, a timeout (10 s for one input) or
# running out of memory (2 GiB); the input that did it is saved under Fuzz/.build/artifacts/.
# libFuzzer's final statistics (executions, executions per second) close each run.
# New interesting inputs go to Fuzz/.build/corpus/TARGET; the committed seeds in
# Fuzz/Corpus/TARGET are only read.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

configuration=release
build_flags=(-c "$configuration" -Xswiftc -sanitize=fuzzer,address -Xswiftc -g)

targets() {
    # The names are declared once, in Package.swift.
    sed -n '/^let targetNames = \[/,/^\]/p' Package.swift | grep -o '"[a-z-]*"' | tr -d '"'
}

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

build() {
    swift build "${build_flags[@]}" >&2
}

max_len() {
    case "$1" in
        record-deframer|server-*|client-handshake|client-post-handshake) echo 20000 ;;
        *) echo 8192 ;;
    esac
}

# Targets that run a whole handshake per input. libFuzzer starts a full LeakSanitizer scan
# after every input that allocated more than it freed, which swift-crypto's buffers and
# BoringSSL's error queue make common, and that costs these targets most of their speed.
# They fuzz without it, then replay their whole corpus (every input that found something
# new) under the leak check.
replays_for_leaks() {
    case "$1" in
        server-*|client-handshake|client-post-handshake) return 0 ;;
        *) return 1 ;;
    esac
}

fuzz() {
    local target="$1" seconds="$2"
    local binary="$here/.build/$configuration/$target"
    [ -x "$binary" ] || { echo "run.sh: no binary for $target at $binary" >&2; exit 1; }
    local corpus="$here/.build/corpus/$target" artifacts="$here/.build/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    local seeds=()
    [ -d "$here/Corpus/$target" ] && seeds=("$here/Corpus/$target")
    local leaks=1
    replays_for_leaks "$target" && leaks=0
    echo "== $target: ${seconds}s" >&2
    # Statuses are checked by hand: callers may run this where `set -e` does not apply.
    run_fuzzer "$binary" "$corpus" "${seeds[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$target")" \
        -detect_leaks="$leaks" -print_final_stats=1 -artifact_prefix="$artifacts/" || return 1
    if [ "$leaks" = 0 ]; then
        echo "== $target: replaying the corpus with the leak check" >&2
        run_fuzzer "$binary" "$corpus" "${seeds[@]}" -runs=0 -timeout=10 -rss_limit_mb=2048 \
            -max_len="$(max_len "$target")" -detect_leaks=1 -artifact_prefix="$artifacts/" || return 1
    fi
    return 0
}

run_fuzzer() {
    # Swift's own crash backtracer would race libFuzzer's handler; libFuzzer reports instead.
    SWIFT_BACKTRACE=enable=no \
    LSAN_OPTIONS="suppressions=$here/lsan.supp:${LSAN_OPTIONS:-}" \
    ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0:${ASAN_OPTIONS:-}" \
        "$@"
}

known() {
    targets | grep -qx -- "$1"
}

case "${1:-}" in
    --list)
        targets
        ;;
    --build)
        build
        ;;
    --all)
        [ $# -eq 2 ] || usage
        build
        failed=()
        for target in $(targets); do
            fuzz "$target" "$2" || failed+=("$target")
        done
        if [ ${#failed[@]} -gt 0 ]; then
            echo "run.sh: failed: ${failed[*]} (inputs in $here/.build/artifacts/)" >&2
            exit 1
        fi
        echo "run.sh: every target ran ${2}s without a finding" >&2
        ;;
    ""|-h|--help)
        usage
        ;;
    *)
        [ $# -eq 2 ] || usage
        known "$1" || { echo "run.sh: unknown target $1 (see --list)" >&2; exit 2; }
        build
        fuzz "$1" "$2"
        ;;
esac
