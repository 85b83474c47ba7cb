#!/usr/bin/env python3
"""Medians of several tlskit-bench runs, and how they stand against the performance targets.

    Benchmarks/report.py --runs 3 [-- BENCH-ARGUMENTS...]   runs the release bench 3 times
    Benchmarks/report.py --from run1.txt run2.txt ...        reads saved outputs instead

Prints a Markdown table: each figure's median and its runs, then each target with the
figures it compares, measured in the same runs. A figure missing from a run is an error.
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# (description, numerator, denominator, required ratio, how the ratio reads)
TARGETS = [
    ("full handshakes ≥ 0.8 of the public-key floor", "tlskit_full_hs_x25519", "limit_full_hs", 0.8),
    ("full handshakes through NIO ≥ 1.1 × swift-nio-ssl", "tlskitnio_full_hs_x25519", "niossl_full_hs_x25519", 1.1),
    ("server side through NIO ≥ 1.0 × swift-nio-ssl server side",
     "tlskitnio_full_hs_x25519_server_side", "niossl_full_hs_x25519_server_side", 1.0),
    ("client side through NIO vs swift-nio-ssl client side (reference)",
     "tlskitnio_full_hs_x25519_client_side", "niossl_full_hs_x25519_client_side", None),
    ("full handshakes vs OpenSSL (reference)", "tlskit_full_hs_x25519", "openssl_full_hs_x25519", None),
    ("resumed handshakes ≥ 0.75 of the resumed floor", "tlskit_resumed_hs_psk_dhe", "limit_resumed_hs", 0.75),
    ("resumed handshakes vs OpenSSL (reference)", "tlskit_resumed_hs_psk_dhe", "openssl_resumed_hs_psk_dhe", None),
    ("bulk ≥ 0.9 of one-shot AES-GCM", "tlskit_bulk_aes128gcm_16k", "limit_bulk_aes128gcm_16k", 0.9),
    ("bulk vs swift-nio-ssl (reference, through NIO)", "tlskitnio_bulk_aes128gcm_16k", "niossl_bulk_aes128gcm_16k", None),
    ("bulk vs OpenSSL (reference)", "tlskit_bulk_aes128gcm_16k", "openssl_bulk_aes128gcm_16k", None),
    # The NIO handler adds at most 10% of time: rate through NIO ≥ 1/1.1 of the core's.
    ("NIO handler adds ≤ 10% (handshakes)", "tlskitnio_full_hs_x25519", "tlskit_full_hs_x25519", 1 / 1.1),
    ("NIO handler adds ≤ 10% (bulk)", "tlskitnio_bulk_aes128gcm_16k", "tlskit_bulk_aes128gcm_16k", 1 / 1.1),
]
MEMORY_LIMIT = ("tlskit_mem_server_rss_per_conn", 8192)


def parse(text):
    figures, units = {}, {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, value, unit = line.split()
        figures[name] = float(value)
        units[name] = unit
    return figures, units


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
    for index, (figures, _) in enumerate(parsed):
        missing = [name for name in names if name not in figures]
        if missing:
            sys.exit(f"report.py: run {index + 1} lacks {', '.join(missing)}")

    median = {name: statistics.median(figures[name] for figures, _ in parsed) for name in names}
    print(f"Medians of {len(parsed)} runs.\n")
    print("| figure | median | unit | runs |")
    print("| --- | ---: | --- | --- |")
    for name in names:
        runs = ", ".join(f"{figures[name]:,.0f}" for figures, _ in parsed)
        print(f"| {name} | {median[name]:,.0f} | {units[name]} | {runs} |")

    print("\n| target | figures (medians) | ratio | required | met |")
    print("| --- | --- | ---: | ---: | --- |")
    for description, numerator, denominator, required in TARGETS:
        if numerator not in median or denominator not in median:
            continue
        ratio = median[numerator] / median[denominator]
        met = "" if required is None else ("yes" if ratio >= required else "no")
        needed = "" if required is None else f"{required:.2f}"
        print(f"| {description} | {numerator} {median[numerator]:,.0f} / {denominator} {median[denominator]:,.0f} "
              f"| {ratio:.2f} | {needed} | {met} |")
    name, limit = MEMORY_LIMIT
    if name in median:
        print(f"| idle server connection ≤ {limit:,} bytes resident | {name} {median[name]:,.0f} | | | "
              f"{'yes' if median[name] <= limit else 'no'} |")


if __name__ == "__main__":
    main()
