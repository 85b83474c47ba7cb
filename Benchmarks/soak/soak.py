#!/usr/bin/env python3
"""Soak test for the `tlskit server`: a bounded load run on loopback.

Starts `tlskit server --port 0 --handshake-timeout T --num-tickets K`, samples its resident
memory (VmRSS) and open file descriptors every second, and runs N connections from several
concurrent workers with a mix of

  full     full handshake, echo, close_notify
  resume   resumption with a session from an earlier connection of the same worker, echo
  abort    a real ClientHello (or half of one), then close (FIN or RST), sometimes after
           reading the server's first flight
  garbage  random bytes, an HTTP request, or a ClientHello followed by junk
  silent   connect and send nothing (or a few bytes of a record header) until the server
           drops the connection or the hold time ends

while a canary checks every 2 s that a fresh full handshake + echo still succeeds.
After the load it waits past the handshake timeout, samples an idle period and checks that
nothing grew: fds back to the level before the load, RSS compared with the idle level after
a warm-up. It parses the server's stderr (`accepted: ... resumed=yes|no`, `connection error:
<reason>`) and prints a report. Exit status: 0 pass, 1 fd leak / canary failure / server
died or stopped serving, 2 usage or start-up error.

Python 3 standard library only. See README.md next to this file.
"""

import argparse
import collections
import os
import queue
import random
import re
import selectors
import signal
import socket
import ssl
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

KINDS = ("full", "resume", "abort", "garbage", "silent")
DEFAULT_MIX = "full=40,resume=30,abort=10,garbage=10,silent=10"
ALERTS = {
    0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
    40: "handshake_failure", 42: "bad_certificate", 47: "illegal_parameter", 50: "decode_error",
    51: "decrypt_error", 70: "protocol_version", 80: "internal_error", 86: "inappropriate_fallback",
    90: "user_canceled", 109: "missing_extension", 110: "unsupported_extension", 112: "unrecognized_name",
}


# --------------------------------------------------------------------------------------------
# Helpers


def default_binary():
    for candidate in (".build/release/tlskit", ".build/debug/tlskit"):
        if os.path.exists(candidate):
            return candidate
    return ".build/release/tlskit"


def parse_mix(text):
    weights = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        name = name.strip()
        if name not in KINDS:
            raise argparse.ArgumentTypeError(f"unknown kind {name!r} (kinds: {', '.join(KINDS)})")
        weights[name] = float(value)
    if sum(weights.values()) <= 0:
        raise argparse.ArgumentTypeError("the mix needs a positive weight")
    return weights


def schedule(mix, count, seed):
    """Exactly proportioned, shuffled list of connection kinds."""
    total = sum(mix.values())
    kinds = []
    for name in KINDS:
        kinds += [name] * int(round(count * mix.get(name, 0) / total))
    while len(kinds) < count:
        kinds.append(max(mix, key=mix.get))
    kinds = kinds[:count]
    random.Random(seed).shuffle(kinds)
    return kinds


def client_context():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the server's certificate is an ephemeral self-signed one
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    return context


def client_hello(context):
    """The first flight a Python TLS client sends: a real ClientHello (fresh key shares)."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_side=False, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def error_name(error):
    if isinstance(error, ssl.SSLError):
        return f"ssl:{error.reason or error.__class__.__name__}"
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "timeout"
    return error.__class__.__name__


def mb(kib):
    return kib / 1024.0


def median(values):
    return statistics.median(values) if values else float("nan")


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# --------------------------------------------------------------------------------------------
# The server under test


class Server:
    def __init__(self, binary, handshake_timeout, num_tickets, log_path):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        command = [binary, "server", "--port", "0", "--handshake-timeout", str(handshake_timeout),
                   "--num-tickets", str(num_tickets)]
        self.command = command
        # stderr goes to a file: the server logs several lines per connection and a pipe
        # nobody drains would stall it.
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=self.log)
        self.pid = self.process.pid
        self.port = None
        ready = threading.Event()

        def read_stdout():
            for raw in self.process.stdout:
                line = raw.decode(errors="replace").strip()
                match = re.match(r"listening: (.+):(\d+)$", line)
                if match and self.port is None:
                    self.port = int(match.group(2))
                    ready.set()
            ready.set()

        threading.Thread(target=read_stdout, daemon=True).start()
        if not ready.wait(30) or self.port is None:
            self.stop()
            raise RuntimeError(f"the server did not print its port; stderr: {self.stderr_tail()}")

    def alive(self):
        return self.process.poll() is None

    def sample(self):
        """(rss KiB, open fds, threads), or None when the process is gone."""
        try:
            rss = threads = 0
            with open(f"/proc/{self.pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        rss = int(line.split()[1])
                    elif line.startswith("Threads:"):
                        threads = int(line.split()[1])
            fds = len(os.listdir(f"/proc/{self.pid}/fd"))
            return rss, fds, threads
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            return None

    def stop(self):
        """Stops this server by its pid (SIGTERM, then SIGKILL)."""
        if self.alive():
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.process.wait(5)
        self.log.close()

    def stderr_tail(self, count=10):
        self.log.flush()
        with open(self.log_path, "rb") as log:
            return b"".join(log.readlines()[-count:]).decode(errors="replace")


# --------------------------------------------------------------------------------------------
# Measurements


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.outcomes = {kind: collections.Counter() for kind in KINDS}
        self.latency = collections.defaultdict(list)  # kind -> seconds to handshake
        self.server_close_after = collections.defaultdict(list)  # kind -> seconds until the server closed
        self.completed = 0
        self.session_reused = 0
        self.resume_attempts = 0

    def record(self, kind, outcome, latency=None):
        with self.lock:
            self.outcomes[kind][outcome] += 1
            self.completed += 1
            if latency is not None:
                self.latency[kind].append(latency)

    def completed_count(self):
        with self.lock:
            return self.completed


class Sampler(threading.Thread):
    """Samples the server every second: (t, phase, completed connections, rss KiB, fds, threads)."""

    def __init__(self, server, stats, start):
        super().__init__(daemon=True)
        self.server, self.stats, self.start_time = server, stats, start
        self.phase = "baseline"
        self.series = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            self.take()
            self.stopping.wait(1.0)

    def take(self):
        sample = self.server.sample()
        if sample is None:
            return None
        row = (round(time.monotonic() - self.start_time, 2), self.phase, self.stats.completed_count()) + sample
        with self.lock:
            self.series.append(row)
        return row

    def rows(self, phase=None):
        with self.lock:
            return [row for row in self.series if phase is None or row[1] == phase]


class Canary(threading.Thread):
    """Every `interval` seconds, a fresh full handshake + echo must succeed."""

    def __init__(self, port, timeout, interval, start):
        super().__init__(daemon=True)
        self.port, self.timeout, self.interval, self.start_time = port, timeout, interval, start
        self.context = client_context()
        self.ok = 0
        self.failures = []  # (t, error)
        self.latencies = []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            began = time.monotonic()
            try:
                full_handshake(self.context, self.port, self.timeout, None, b"canary\n")
                self.ok += 1
                self.latencies.append(time.monotonic() - began)
            except Exception as error:  # noqa: BLE001 - every failure counts
                self.failures.append((round(began - self.start_time, 1), f"{error_name(error)}: {error}"))
            self.stopping.wait(max(0.0, self.interval - (time.monotonic() - began)))


# --------------------------------------------------------------------------------------------
# Client behaviours


def connect(port, timeout):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.settimeout(timeout)
    return sock


def full_handshake(context, port, timeout, session, payload):
    """Handshake (resuming `session` if given), echo `payload`, close_notify.
    Returns (handshake seconds, session_reused, the newest session)."""
    sock = connect(port, timeout)
    try:
        began = time.monotonic()
        tls = context.wrap_socket(sock, server_hostname="localhost", session=session,
                                  do_handshake_on_connect=False)
        tls.settimeout(timeout)
        tls.do_handshake()
        elapsed = time.monotonic() - began
        tls.sendall(payload)
        echoed = b""
        while len(echoed) < len(payload):
            chunk = tls.recv(len(payload) - len(echoed))
            if not chunk:
                raise ConnectionError("server closed before echoing")
            echoed += chunk
        if echoed != payload:
            raise ValueError("echo mismatch")
        reused = tls.session_reused
        newest = tls.session  # read after the echo, so the tickets have been processed
        try:
            tls.unwrap()  # close_notify, and wait for the server's
        except (ssl.SSLError, OSError):
            pass
        return elapsed, reused, newest
    finally:
        sock.close()


class Watcher(threading.Thread):
    """Holds sockets that wait for the server to react (silent and garbage clients) without
    tying up a worker: records whether the server closed them (and with which alert) or they
    reached their hold time and were closed by us."""

    def __init__(self, stats, handshake_timeout):
        super().__init__(daemon=True)
        self.stats = stats
        self.handshake_timeout = handshake_timeout
        self.incoming = queue.Queue()
        self.selector = selectors.DefaultSelector()
        self.stopping = threading.Event()
        self.held = 0
        self.peak_held = 0

    def add(self, sock, kind, variant, hold):
        sock.setblocking(False)
        self.incoming.put((sock, kind, variant, time.monotonic(), time.monotonic() + hold))

    def run(self):
        entries = {}
        while not (self.stopping.is_set() and not entries and self.incoming.empty()):
            while True:
                try:
                    sock, kind, variant, began, deadline = self.incoming.get_nowait()
                except queue.Empty:
                    break
                entry = {"sock": sock, "kind": kind, "variant": variant, "began": began,
                         "deadline": deadline, "bytes": b""}
                entries[sock.fileno()] = entry
                self.selector.register(sock, selectors.EVENT_READ, entry)
            self.held = len(entries)
            self.peak_held = max(self.peak_held, self.held)
            for key, _ in (self.selector.select(0.05) if entries else []):
                entry = key.data
                try:
                    data = entry["sock"].recv(4096)
                except BlockingIOError:
                    continue
                except OSError as error:
                    self.finish(entries, entry, f"server reset ({error.__class__.__name__})")
                    continue
                if data:
                    entry["bytes"] = (entry["bytes"] + data)[:16384]
                    continue
                self.finish(entries, entry, "server closed")
            if not entries:
                time.sleep(0.02)
            now = time.monotonic()
            for entry in [e for e in entries.values() if now >= e["deadline"]]:
                self.finish(entries, entry, "still open at hold time; client closed")

    def finish(self, entries, entry, how):
        sock = entry["sock"]
        del entries[sock.fileno()]
        self.selector.unregister(sock)
        sock.close()
        elapsed = time.monotonic() - entry["began"]
        if how.startswith("server"):
            # Promptly (a reaction to what was sent) or by the server's handshake timeout.
            when = "promptly" if elapsed < self.handshake_timeout - 0.5 else "at handshake timeout"
            how = f"{how} {when}"
            with self.stats.lock:
                self.stats.server_close_after[entry["kind"]].append(elapsed)
        self.stats.record(entry["kind"], f"{entry['variant']}: {how}, {describe_records(entry['bytes'])}")


def describe_records(received):
    """What the server sent, as far as it can be read without keys: its plaintext records."""
    if not received:
        return "no bytes"
    parts = []
    offset = 0
    while offset + 5 <= len(received):
        kind, length = received[offset], struct.unpack("!H", received[offset + 3:offset + 5])[0]
        body = received[offset + 5:offset + 5 + length]
        if kind == 0x15 and len(body) == 2:
            parts.append(f"alert {ALERTS.get(body[1], body[1])}")
        elif kind == 0x16:
            parts.append("server flight")
        elif kind == 0x14:
            pass  # compatibility change_cipher_spec
        elif kind == 0x17:
            parts.append("encrypted records")
            break
        else:
            parts.append("other bytes")
            break
        offset += 5 + length
    deduplicated = [p for i, p in enumerate(parts) if i == 0 or parts[i - 1] != p]
    return " + ".join(deduplicated) or "partial record"


class Worker(threading.Thread):
    def __init__(self, index, run):
        super().__init__(daemon=True, name=f"worker-{index}")
        self.index, self.run_state = index, run
        self.rng = random.Random(run.args.seed * 1000 + index)
        # Sessions and counters carry over from the warm-up to the main load.
        self.session, self.counter = run.carried.get(index, (None, 0))

    def run(self):
        state = self.run_state
        while True:
            slot = state.next_slot()
            if slot is None:
                state.carried[self.index] = (self.session, self.counter)
                return
            kind = state.kinds[slot]
            self.counter += 1
            try:
                getattr(self, f"do_{kind}")()
            except Exception as error:  # noqa: BLE001 - every failure is an outcome
                state.stats.record(kind, f"error {error_name(error)}")

    def payload(self):
        return b"soak %d %d " % (self.index, self.counter) + os.urandom(self.rng.randrange(16, 200)).hex().encode() + b"\n"

    def do_full(self):
        state = self.run_state
        elapsed, reused, session = full_handshake(state.context, state.port, state.args.io_timeout, None, self.payload())
        self.session = session
        state.stats.record("full", "ok, resumed" if reused else "ok", elapsed)

    def do_resume(self):
        state = self.run_state
        offered = self.session
        if offered is None:
            elapsed, reused, session = full_handshake(state.context, state.port, state.args.io_timeout, None, self.payload())
            self.session = session
            state.stats.record("resume", "ok, no session yet (full handshake)", elapsed)
            return
        # One use per session: the next resumption uses the ticket this connection brings.
        self.session = None
        elapsed, reused, session = full_handshake(state.context, state.port, state.args.io_timeout, offered, self.payload())
        self.session = session
        with state.stats.lock:
            state.stats.resume_attempts += 1
            state.stats.session_reused += 1 if reused else 0
        state.stats.record("resume", "ok, session_reused" if reused else "ok, NOT resumed (full handshake)", elapsed)

    def do_abort(self):
        state = self.run_state
        hello = client_hello(state.context)
        variant = ("hello+close", "hello+rst", "half-hello+close", "hello+read-flight+close")[self.counter % 4]
        sock = connect(state.port, state.args.io_timeout)
        try:
            if variant == "half-hello+close":
                sock.sendall(hello[: len(hello) // 2])
            else:
                sock.sendall(hello)
            if variant == "hello+read-flight+close":
                first = sock.recv(5)
                variant += " (got server bytes)" if first[:1] == b"\x16" else " (no server flight)"
            if variant == "hello+rst":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        finally:
            sock.close()
        state.stats.record("abort", variant)

    def do_garbage(self):
        state = self.run_state
        variant = ("random", "http", "hello+junk")[self.counter % 3]
        if variant == "random":
            data = os.urandom(self.rng.randrange(1, 600))
        elif variant == "http":
            data = b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: soak\r\n\r\n"
        else:
            data = client_hello(state.context) + os.urandom(self.rng.randrange(1, 300))
        sock = connect(state.port, state.args.io_timeout)
        try:
            sock.sendall(data)
        except OSError:
            sock.close()
            raise
        state.watcher.add(sock, "garbage", variant, state.args.handshake_timeout + 3)

    def do_silent(self):
        state = self.run_state
        variant = ("silent", "record-header-then-silent")[self.counter % 2]
        sock = connect(state.port, state.args.io_timeout)
        if variant == "record-header-then-silent":
            try:
                sock.sendall(client_hello(state.context)[:5])
            except OSError:
                sock.close()
                raise
        state.watcher.add(sock, "silent", variant, state.args.silent_hold)


class Run:
    def __init__(self, args, port, stats, watcher):
        self.args, self.port, self.stats, self.watcher = args, port, stats, watcher
        self.context = client_context()
        self.kinds = schedule(args.mix, args.connections, args.seed)
        self.lock = threading.Lock()
        self.next = 0
        self.limit = 0
        self.deadline = float("inf")
        self.capped = False
        self.carried = {}  # worker index -> (session, counter)

    def next_slot(self):
        with self.lock:
            if self.next >= self.limit:
                return None
            if time.monotonic() >= self.deadline:
                self.capped = True
                return None
            slot = self.next
            self.next += 1
            return slot

    def run_until(self, limit):
        """Runs connections [next, limit) with the workers; returns when they are done."""
        with self.lock:
            self.limit = min(limit, len(self.kinds))
        workers = [Worker(i, self) for i in range(self.args.workers)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()


# --------------------------------------------------------------------------------------------
# Server log


def normalize(reason):
    reason = re.sub(r"\[?[0-9a-fA-F:.]*\d[0-9a-fA-F:.]*\]?(:\d+)?", "#", reason)  # addresses, numbers
    reason = re.sub(r"0x[0-9a-fA-F]+", "#", reason)
    return re.sub(r"(#[\s,/#]*)+", "# ", reason).strip()


def parse_server_log(path):
    accepted = collections.Counter()
    errors = collections.Counter()
    other = collections.Counter()
    tickets = 0
    with open(path, "rb") as log:
        for raw in log:
            line = raw.decode(errors="replace").rstrip("\n")
            if line.startswith("accepted:"):
                match = re.search(r"resumed=(yes|no)", line)
                accepted[match.group(1) if match else "?"] += 1
            elif line.startswith("connection error:"):
                errors[normalize(line[len("connection error:"):].strip())] += 1
            elif line.startswith("ticket-issued"):
                tickets += 1
            elif line.strip():
                other[normalize(line)] += 1
    return accepted, errors, tickets, other


# --------------------------------------------------------------------------------------------
# Main


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--tlskit", default=default_binary(), help="path of the tlskit binary")
    parser.add_argument("--connections", type=int, default=20_000, help="connections in all (warm-up included)")
    parser.add_argument("--duration", type=float, default=240, help="cap in seconds on the load (warm-up included)")
    parser.add_argument("--workers", type=int, default=8, help="concurrent client workers")
    parser.add_argument("--mix", type=parse_mix, default=parse_mix(DEFAULT_MIX), help="kind=weight,...")
    parser.add_argument("--warmup", type=int, default=1000, help="connections before the reference idle level")
    parser.add_argument("--handshake-timeout", type=int, default=2, help="the server's --handshake-timeout")
    parser.add_argument("--num-tickets", type=int, default=2, help="the server's --num-tickets")
    parser.add_argument("--silent-hold", type=float, default=3.0, help="seconds a silent client holds its connection")
    parser.add_argument("--io-timeout", type=float, default=5.0, help="timeout of every socket operation")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle sampling after the settle wait")
    parser.add_argument("--fd-slack", type=int, default=10, help="fds allowed above the level before the load")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out-dir", help="where the time series and the server log go (default: a new temp dir)")
    args = parser.parse_args()
    if not os.access(args.tlskit, os.X_OK):
        parser.error(f"no tlskit binary at {args.tlskit} (build it: swift build -c release --product tlskit)")
    args.warmup = max(0, min(args.warmup, args.connections // 5))
    out_dir = args.out_dir or tempfile.mkdtemp(prefix="tlskit-soak-")
    os.makedirs(out_dir, exist_ok=True)
    log_path = os.path.join(out_dir, "server-stderr.log")
    series_path = os.path.join(out_dir, "series.csv")

    start = time.monotonic()
    try:
        server = Server(args.tlskit, args.handshake_timeout, args.num_tickets, log_path)
    except (OSError, RuntimeError) as error:
        print(f"error: cannot start the server: {error}", file=sys.stderr)
        return 2
    # A last resort so that the run always ends, whatever hangs.
    watchdog = threading.Timer(args.duration + 4 * args.handshake_timeout + args.idle + 120, lambda: (
        print("error: watchdog expired; stopping", file=sys.stderr), server.stop(), os._exit(1)))
    watchdog.daemon = True
    watchdog.start()

    stats = Stats()
    sampler = Sampler(server, stats, start)
    watcher = Watcher(stats, args.handshake_timeout)
    canary = Canary(server.port, args.io_timeout, 2.0, start)
    run = Run(args, server.port, stats, watcher)
    settle = max(5.0, args.handshake_timeout + 3.0)
    progress = print_progress(sampler, stats, run, args)
    try:
        print(f"server pid {server.pid} on 127.0.0.1:{server.port}: {' '.join(server.command)}", flush=True)
        print(f"output in {out_dir}", flush=True)
        sampler.start()
        time.sleep(3)
        canary.start()
        watcher.start()
        run.deadline = time.monotonic() + args.duration
        load_began = time.monotonic()
        sampler.phase = "warmup"
        progress.start()
        run.run_until(args.warmup)
        sampler.phase = "warmup-settle"
        wait_for_watcher(watcher, settle)
        sampler.phase = "load"
        main_began = time.monotonic()
        run.run_until(args.connections)
        main_ended = time.monotonic()
        sampler.phase = "settle"
        wait_for_watcher(watcher, settle)
        load_ended = time.monotonic()
        sampler.phase = "idle"
        time.sleep(args.idle)
        sampler.stopping.set()
        sampler.join()
        sampler.phase = "end"
        sampler.take()
        canary.stopping.set()
        canary.join(args.io_timeout + 5)
        watcher.stopping.set()
        watcher.join(args.handshake_timeout + 10)
    except KeyboardInterrupt:
        server.stop()
        return 1
    finally:
        progress.stopping.set()
    alive = server.alive()
    server.stop()
    watchdog.cancel()
    with open(series_path, "w") as series:
        series.write("t,phase,completed,rss_kib,fds,threads\n")
        for row in sampler.rows():
            series.write(",".join(map(str, row)) + "\n")

    return report(args, server, alive, stats, sampler, canary, watcher, run, log_path, series_path,
                  load_began, main_began, main_ended, load_ended)


def wait_for_watcher(watcher, settle):
    """Waits `settle` seconds and until held silent/garbage connections are resolved."""
    time.sleep(settle)
    limit = time.monotonic() + 30
    while watcher.held and time.monotonic() < limit:
        time.sleep(0.2)


def print_progress(sampler, stats, run, args):
    class Progress(threading.Thread):
        def __init__(self):
            super().__init__(daemon=True)
            self.stopping = threading.Event()

        def run(self):
            while not self.stopping.wait(10):
                rows = sampler.rows()
                if rows:
                    t, phase, done, rss, fds, threads = rows[-1]
                    print(f"  t={t:6.1f}s {phase:13s} {done:6d}/{args.connections} connections  "
                          f"rss {mb(rss):6.1f} MiB  fds {fds:4d}  held {run.watcher.held}", flush=True)

    return Progress()


def report(args, server, alive, stats, sampler, canary, watcher, run, log_path, series_path,
           load_began, main_began, main_ended, load_ended):
    rows = sampler.rows()
    baseline = [r for r in rows if r[1] == "baseline"]
    warm = [r for r in rows if r[1] == "warmup-settle"][-3:]
    during = [r for r in rows if r[1] in ("warmup", "warmup-settle", "load", "settle")]
    idle = [r for r in rows if r[1] in ("idle", "end")]
    last = idle[-5:]
    failures = []
    out = []
    p = out.append

    p("")
    p("=" * 78)
    p("TLSKit soak report")
    p("=" * 78)
    p(f"server: {' '.join(server.command)} (pid {server.pid})")
    p(f"clients: {args.workers} workers, mix {', '.join(f'{k}={v:g}' for k, v in args.mix.items())}, "
      f"io timeout {args.io_timeout:g} s, silent hold {args.silent_hold:g} s, seed {args.seed}")
    started = run.next
    p(f"connections: {started} started of {args.connections} requested"
      + (f" (stopped by the {args.duration:g} s cap)" if run.capped else "")
      + f", {stats.completed} finished; warm-up {min(args.warmup, started)}")
    load_time = main_ended - main_began
    main_count = max(0, started - args.warmup)
    total_time = main_ended - load_began
    p(f"throughput: {main_count} connections in {load_time:.1f} s after warm-up = {main_count / load_time:.1f}/s "
      f"(all {started} in {total_time:.1f} s incl. warm-up settle)" if load_time > 0 else "throughput: n/a")
    p("")
    p("connections by kind and outcome (client side):")
    for kind in KINDS:
        counter = stats.outcomes[kind]
        if not counter:
            continue
        p(f"  {kind:8s} {sum(counter.values()):6d}")
        for outcome, count in sorted(counter.items(), key=lambda item: -item[1]):
            p(f"      {count:6d}  {outcome}")
    for kind in ("full", "resume"):
        values = stats.latency.get(kind)
        if values:
            p(f"  {kind} handshake time: p50 {percentile(values, .5) * 1000:.1f} ms, p99 "
              f"{percentile(values, .99) * 1000:.1f} ms, max {max(values) * 1000:.1f} ms")
    for kind in ("garbage", "silent"):
        values = stats.server_close_after.get(kind)
        if values:
            p(f"  {kind}: server closed after min {min(values):.2f} s, median {median(values):.2f} s, "
              f"max {max(values):.2f} s; peak held by the client at once {watcher.peak_held}")
    rate = stats.session_reused / stats.resume_attempts if stats.resume_attempts else float("nan")
    p(f"resumption: {stats.session_reused} session_reused of {stats.resume_attempts} attempts = {rate:.1%}")
    p("")

    accepted, errors, tickets, other = parse_server_log(log_path)
    p(f"server log: accepted resumed=no {accepted['no']}, resumed=yes {accepted['yes']} "
      f"(total {sum(accepted.values())}), ticket-issued {tickets}")
    client_ok = sum(c for k in ("full", "resume") for o, c in stats.outcomes[k].items() if o.startswith("ok"))
    p(f"  client-side successful handshakes {client_ok} + canary {canary.ok} = {client_ok + canary.ok}")
    p(f"server handshake/connection errors by reason ({sum(errors.values())}):")
    for reason, count in errors.most_common():
        p(f"  {count:6d}  {reason}")
    if other:
        p("other server output:")
        for line, count in other.most_common(10):
            p(f"  {count:6d}  {line[:120]}")
    p("")

    def level(sample_rows, column):
        return median([r[column] for r in sample_rows]) if sample_rows else float("nan")

    rss_before, fds_before = level(baseline, 3), level(baseline, 4)
    rss_warm, fds_warm = level(warm, 3), level(warm, 4)
    rss_after, fds_after = level(last, 3), level(last, 4)
    rss_peak = max((r[3] for r in during), default=float("nan"))
    fds_peak = max((r[4] for r in during), default=float("nan"))
    threads = sorted({r[5] for r in rows})
    p("server resources (median of the samples in each window; series in " + series_path + "):")
    p(f"  {'':28s}{'RSS MiB':>10s}{'fds':>8s}")
    p(f"  {'before (idle, no clients)':28s}{mb(rss_before):10.1f}{fds_before:8.0f}")
    p(f"  {'after warm-up (idle)':28s}{mb(rss_warm):10.1f}{fds_warm:8.0f}")
    p(f"  {'peak during load':28s}{mb(rss_peak):10.1f}{fds_peak:8.0f}")
    p(f"  {'after load (last idle)':28s}{mb(rss_after):10.1f}{fds_after:8.0f}")
    p(f"  threads seen: {threads}")
    p("  timeline (every ~15 s):")
    step = None
    for row in rows:
        if step is None or row[0] - step >= 15 or row is rows[-1]:
            step = row[0]
            p(f"    t={row[0]:6.1f}s {row[1]:13s} done {row[2]:6d}  rss {mb(row[3]):6.1f} MiB  fds {row[4]:4d}")
    if idle:
        first_idle, last_idle = idle[0], idle[-1]
        p(f"  during the idle period: rss {mb(first_idle[3]):.1f} -> {mb(last_idle[3]):.1f} MiB, "
          f"fds {first_idle[4]} -> {last_idle[4]}")
    p("")

    p("verdicts:")
    fd_growth = fds_after - fds_before
    if fd_growth > args.fd_slack:
        failures.append(f"fd leak: {fd_growth:+.0f} fds after the load (allowed {args.fd_slack})")
        p(f"  FAIL fds: {fds_before:.0f} before, {fds_after:.0f} after ({fd_growth:+.0f}, allowed +{args.fd_slack})")
    else:
        p(f"  ok   fds: {fds_before:.0f} before, {fds_after:.0f} after ({fd_growth:+.0f}, allowed +{args.fd_slack})")
    rss_growth = rss_after - rss_warm
    tolerance = max(2048, 0.05 * rss_warm)
    if rss_growth > tolerance:
        p(f"  WARN rss: {mb(rss_after):.1f} MiB after the load vs {mb(rss_warm):.1f} MiB after warm-up "
          f"({mb(rss_growth):+.1f} MiB over {main_count} connections, "
          f"{rss_growth * 1024 / max(1, main_count):.0f} B/connection; tolerance {mb(tolerance):.1f} MiB)")
    else:
        p(f"  ok   rss: {mb(rss_after):.1f} MiB after the load vs {mb(rss_warm):.1f} MiB after warm-up "
          f"({mb(rss_growth):+.1f} MiB, tolerance {mb(tolerance):.1f} MiB)")
    if idle and idle[-1][3] > idle[0][3] + 1024:
        p(f"  WARN rss still rising while idle: {mb(idle[0][3]):.1f} -> {mb(idle[-1][3]):.1f} MiB")
    if canary.failures:
        failures.append(f"canary: {len(canary.failures)} failures")
        p(f"  FAIL canary: {canary.ok} ok, {len(canary.failures)} failed:")
        for when, error in canary.failures[:10]:
            p(f"         t={when}s {error}")
    else:
        latency = f"p50 {percentile(canary.latencies, .5) * 1000:.0f} ms, max {max(canary.latencies, default=0) * 1000:.0f} ms"
        p(f"  ok   canary: {canary.ok} fresh full handshakes + echo, all succeeded ({latency})")
    if not alive:
        failures.append(f"server exited with status {server.process.returncode}")
        p(f"  FAIL server exited during the run with status {server.process.returncode}; tail of its stderr:")
        for line in server.stderr_tail().splitlines():
            p(f"         {line}")
    else:
        p("  ok   server alive until stopped")
    client_errors = sum(c for k in ("full", "resume") for o, c in stats.outcomes[k].items() if o.startswith("error"))
    if client_errors:
        p(f"  note {client_errors} full/resume connections failed on the client side (see outcomes)")
    p("")
    p("RESULT: " + ("FAIL - " + "; ".join(failures) if failures else "PASS"))
    print("\n".join(out), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
