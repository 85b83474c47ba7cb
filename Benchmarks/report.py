#!/usr/bin/env python3
"""Medians of several tlskit-bench runs, and how they stand against the performance targets.

    Benchmarks/report.py --runs 3 [-- BENCH-ARGUMENTS...]   runs the release bench 3 times
    Benchmarks/report.py --from run1.txt run2.txt ...        reads saved outputs instead

Prints a Markdown table: each figure's median and its runs, then each target: the figures it
compares (their medians), and its value, the median of its value in each run, with those values;
a run's value is the median of the target computed on each of its interleaved rounds.
A figure missing from a run is an error.
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Each TLSKit figure comes under two crypto providers: the default (swift-crypto's public API,
# `tlskit`/`tlskitnio`) and the opt-in BoringSSL one (`tlskitbssl`/`tlskitbsslnio`).
PROVIDERS = [("default", "tlskit", "tlskitnio"), ("BoringSSL", "tlskitbssl", "tlskitbsslnio")]


def ratio(numerator, denominator):
    """A target that compares two figures of the same run: numerator / denominator."""
    def compute(median):
        return median[numerator] / median[denominator], f"{numerator} {median[numerator]:,.0f} / {denominator} {median[denominator]:,.0f}"
    return compute, [numerator, denominator]


def handler_share(core, nio, harness="nio_harness_bulk_16k"):
    """The share of the NIO bulk figure's time that the TLS handler adds: the time per byte
    through NIO less the core's and less the harness's (channels moving buffers, no TLS)."""
    def compute(median):
        through_nio = 1 / median[nio]
        share = (through_nio - 1 / median[core] - 1 / median[harness]) / through_nio
        return share, f"{nio} {median[nio]:,.0f}, {core} {median[core]:,.0f}, {harness} {median[harness]:,.0f}"
    return compute, [core, nio, harness]


def handler_time(core, nio, harness):
    """Microseconds per handshake side that the TLS handler adds of its own: the side's time
    through NIO less the core's for the same calls and less the harness's (the same channels
    and flights, no TLS)."""
    def compute(median):
        own = 1e6 / median[nio] - 1e6 / median[core] - 1e6 / median[harness]
        return own, f"{nio} {median[nio]:,.0f}, {core} {median[core]:,.0f}, {harness} {median[harness]:,.0f}"
    return compute, [core, nio, harness]


def non_public_key_time(full, full_floor, resumed, resumed_floor):
    """Full handshake's time outside public-key work over a resumption's: each is the time
    per pair less the time of the public-key operations it really performs, measured alone."""
    def compute(median):
        full_rest = 1e6 / median[full] - 1e6 / median[full_floor]
        resumed_rest = 1e6 / median[resumed] - 1e6 / median[resumed_floor]
        return full_rest / resumed_rest, f"full {full_rest:.1f} µs, resumed {resumed_rest:.1f} µs per pair"
    return compute, [full, full_floor, resumed, resumed_floor]


def targets():
    """(description, computation, required, at least) rows; `at least` False means at most."""
    rows = []
    required = {
        "default": {"full": 1.0, "server": 1.0, "bulk": None, "openssl": 2.0, "own": 2.0, "limit": 0.75},
        "BoringSSL": {"full": 1.15, "server": 1.2, "bulk": 1.1, "openssl": 2.7, "own": 2.0, "limit": None},
    }
    for provider, core, nio in PROVIDERS:
        need = required[provider]
        rows += [
            (f"{provider}: full hs through NIO / swift-nio-ssl",
             *ratio(f"{nio}_full_hs_x25519", "niossl_full_hs_x25519"), need["full"], True),
            (f"{provider}: server side through NIO / swift-nio-ssl server side",
             *ratio(f"{nio}_full_hs_x25519_server_side", "niossl_full_hs_x25519_server_side"), need["server"], True),
            (f"{provider}: server side, µs the TLS handler adds per handshake, net of core and harness (reference)",
             *handler_time(f"{core}_full_hs_x25519_server_side", f"{nio}_full_hs_x25519_server_side",
                           "nio_harness_hs_server_side"), None, True),
            (f"{provider}: client side through NIO / swift-nio-ssl client side (reference)",
             *ratio(f"{nio}_full_hs_x25519_client_side", "niossl_full_hs_x25519_client_side"), None, True),
            (f"{provider}: X25519MLKEM768 full hs through NIO / swift-nio-ssl (reference: no worse than X25519's)",
             *ratio(f"{nio}_full_hs_x25519mlkem768", "niossl_full_hs_x25519mlkem768"), None, True),
            (f"{provider}: bulk through NIO / swift-nio-ssl",
             *ratio(f"{nio}_bulk_aes128gcm_16k", "niossl_bulk_aes128gcm_16k"), need["bulk"], True),
            (f"{provider}: resumed / OpenSSL resumed",
             *ratio(f"{core}_resumed_hs_psk_dhe", "openssl_resumed_hs_psk_dhe"), need["openssl"], True),
            (f"{provider}: resumed / own full handshake",
             *ratio(f"{core}_resumed_hs_psk_dhe", f"{core}_full_hs_x25519"), need["own"], True),
            (f"{provider}: resumed with 1 KiB of 0-RTT data / resumed (reference)",
             *ratio(f"{core}_resumed_hs_0rtt", f"{core}_resumed_hs_psk_dhe"), None, True),
            (f"{provider}: full handshake's non-public-key time / a resumption's",
             *non_public_key_time(f"{core}_full_hs_x25519", "limit_full_hs_cached_chain",
                                  f"{core}_resumed_hs_psk_dhe", "limit_resumed_hs"), 1.0, True),
            (f"{provider}: core bulk / one-shot AES-GCM (limit_bulk_aes128gcm_16k)",
             *ratio(f"{core}_bulk_aes128gcm_16k", "limit_bulk_aes128gcm_16k"), need["limit"], True),
            (f"{provider}: NIO handler's share of bulk time, net of the harness",
             *handler_share(f"{core}_bulk_aes128gcm_16k", f"{nio}_bulk_aes128gcm_16k"), 0.10, False),
            (f"{provider}: idle server connection, heap bytes",
             *value(f"{core}_mem_server_heap_per_conn"), 8192, False),
            (f"{provider}: idle server connection, resident bytes",
             *value(f"{core}_mem_server_rss_per_conn"), None, False),
        ]
    rows += [
        ("full hs vs OpenSSL (reference)", *ratio("tlskit_full_hs_x25519", "openssl_full_hs_x25519"), None, True),
        ("bulk vs OpenSSL (reference)", *ratio("tlskit_bulk_aes128gcm_16k", "openssl_bulk_aes128gcm_16k"), None, True),
    ]
    return rows


def value(name):
    """A target on one figure's own value."""
    def compute(median):
        return median[name], name
    return compute, [name]




def parse(text):
    """A run's figures, their units, and its rounds: round number -> {figure: value}, from the
    `# round R NAME VALUE UNIT` comments (absent in outputs of older benches)."""
    figures, units, rounds = {}, {}, {}
    for line in text.splitlines():
        if line.startswith("# round "):
            number, name, value, _ = line[len("# round "):].split()
            rounds.setdefault(int(number), {})[name] = float(value)
            continue
        if not line.strip() or line.startswith("#"):
            continue
        name, value, unit = line.split()
        figures[name] = float(value)
        units[name] = unit
    return figures, units, rounds


def run_value(compute, needs, figures, rounds):
    """A target's value in one run. The bench interleaves the rounds of all figures, so the
    figures of one round were measured within the same stretch of time: the value is the median
    of the target computed round by round, which cancels the machine's drift within the run.
    Without rounds, it is computed from the run's figures."""
    paired = [values for values in rounds.values() if all(name in values for name in needs)]
    if not paired:
        return compute(figures)[0]
    return statistics.median(compute(values)[0] for values in paired)


def run_bench(runs, arguments):
    subprocess.run(["swift", "build", "-c", "release", "--package-path", HERE], check=True, stdout=sys.stderr)
    binary = subprocess.run(
        ["swift", "build", "-c", "release", "--package-path", HERE, "--show-bin-path"],
        check=True, capture_output=True, text=True).stdout.strip() + "/tlskit-bench"
    outputs = []
    for index in range(runs):
        print(f"# run {index + 1} of {runs}", file=sys.stderr)
        outputs.append(subprocess.run([binary, *arguments], check=True, capture_output=True, text=True).stdout)
    return outputs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--from", dest="files", nargs="+", help="saved tlskit-bench outputs")
    parser.add_argument("bench_arguments", nargs="*", help="passed to tlskit-bench (after --)")
    options = parser.parse_args()

    if options.files:
        outputs = [open(path).read() for path in options.files]
    else:
        outputs = run_bench(options.runs, options.bench_arguments)
    parsed = [parse(text) for text in outputs]
    names = list(parsed[0][0])
    units = parsed[0][1]
    for index, (figures, _, _) in enumerate(parsed):
        missing = [name for name in names if name not in figures]
        if missing:
            sys.exit(f"report.py: run {index + 1} lacks {', '.join(missing)}")

    median = {name: statistics.median(figures[name] for figures, _, _ in parsed) for name in names}
    print(f"Medians of {len(parsed)} runs.\n")
    print("| figure | median | unit | runs |")
    print("| --- | ---: | --- | --- |")
    for name in names:
        runs = ", ".join(f"{figures[name]:,.0f}" for figures, _, _ in parsed)
        print(f"| {name} | {median[name]:,.0f} | {units[name]} | {runs} |")

    # Each target's value is the median of its value in each run (see run_value): the machine's
    # drift between runs then cancels out of each ratio.
    print("\n| target | figures (medians) | value | runs | required | met |")
    print("| --- | --- | ---: | --- | ---: | --- |")
    for description, compute, needs, required, at_least in targets():
        if any(name not in median for name in needs):
            continue
        _, figures = compute(median)
        per_run = [run_value(compute, needs, run, rounds) for run, _, rounds in parsed]
        result = statistics.median(per_run)

        def show(value):
            return f"{value:,.0f}" if value >= 100 else (f"{value:.1%}" if "share" in description else f"{value:.2f}")

        shown = show(result)
        runs = ", ".join(show(value) for value in per_run)
        if required is None:
            met, needed = "", ""
        else:
            met = "yes" if (result >= required if at_least else result <= required) else "no"
            needed = ("≥ " if at_least else "≤ ") + (f"{required:.0%}" if "share" in description else
                                                     f"{required:,.0f}" if required >= 100 else f"{required:.2f}")
        print(f"| {description} | {figures} | {shown} | {runs} | {needed} | {met} |")

if __name__ == "__main__":
    main()
