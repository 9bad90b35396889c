#!/usr/bin/python3
"""Runs the side-by-side RPC benchmarks and writes their report.

bench/run.sh installs and builds what is needed, then runs this. It drives
every framework's echo server and load generator (bench/load/load_run.h:
the same flags and the same JSON line for all of them), each point several
times, the frameworks interleaved within each round so that a noisy moment
on a shared machine hits all of them alike, and takes the median of each.

Servers run pinned to one core and load generators to another (taskset),
the same for every framework. The floor is vireo_transport_bench's
blocking-socket echo of the same number of bytes as a framed binary echo
call, with its server and client threads pinned the same way.

Writes the RPC section of docs/benchmarks.md (between the markers
`<!-- rpc-bench:begin -->` and `<!-- rpc-bench:end -->`, the rest of the
page is kept), PNG charts beside it (gnuplot), and the raw JSON lines of
every run to <out>/runs.jsonl.

Usage: rpc_bench.py --build DIR --doc docs/benchmarks.md [--runs 3]
                    [--duration 2] [--warmup 0.5] [--codegen-md FILE]
Exit status: 0 when every target is met, 1 when one is missed, 2 on error.
"""

import argparse
import datetime
import json
import os
import platform
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from doc_section import write_section

# (payload bytes, concurrency) points; the first four are the 1 KiB curve.
POINTS = [(1024, 1), (1024, 16), (1024, 100), (1024, 400), (16384, 16), (1048576, 16)]
CURVE = [p for p in POINTS if p[0] == 1024]
# Bytes a framed binary echo call adds to its message: the frame length (4),
# the message header (16 for "echo"), the argument and Request fields (21)
# and two stops (2). The floor moves the same number of bytes.
CALL_OVERHEAD = 43
IDLE_CONNS = 10000
# Busy-poll window of the "vireo-busy" configuration (concurrency 1 only).
BUSY_POLL_US = 50
# Target 8: QPS with this many connections, one call in flight on each,
# against FEW_CONNS.
MANY_CONNS = 10000
FEW_CONNS = 100
BIG_PAYLOAD = 64 << 20
BEGIN = "<!-- rpc-bench:begin -->"
END = "<!-- rpc-bench:end -->"
CLK_TCK = os.sysconf("SC_CLK_TCK")
# glibc's malloc by default returns large freed blocks to the kernel and
# page-faults them back on the next call; on virtual machines where a fault
# is expensive that, not the framework, dominates large-payload runs. Every
# framework's server and client run with these same settings in the
# throughput runs (not in the memory runs).
MALLOC_TUNABLES = "glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456"


def log(*args):
    print("rpc_bench:", *args, file=sys.stderr, flush=True)


class Server:
    """An echo server process that prints `listening <port>` when ready."""

    def __init__(self, argv, pin, env=None):
        self.argv = argv
        self.proc = subprocess.Popen(pin + argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=env)
        line = self.proc.stdout.readline()
        if not line.startswith("listening "):
            self.stop()
            raise RuntimeError(f"{argv[0]} did not start: {line!r}")
        self.port = int(line.split()[1])

    def cpu_seconds(self):
        # Every thread's user + system time: fields 14 and 15 of /proc/pid/stat
        # (counted after the ")" that ends the command name).
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def allocations(self):
        """The server's heap allocations so far: SIGUSR1 makes it write
        `allocations <N>` (bench/load/alloc_count.h); None if it does not."""
        if self.proc.poll() is not None:
            return None
        self.proc.send_signal(signal.SIGUSR1)
        ready, _, _ = select.select([self.proc.stdout], [], [], 5)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        if not line.startswith("allocations "):
            return None
        return int(line.split()[1])

    def status_kib(self, key):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        raise RuntimeError(f"no {key} in /proc/{self.proc.pid}/status")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Framework:
    """One configuration of one framework: a server and a client command."""

    def __init__(self, name, label, server_argv, client_argv, conns, points=None):
        self.name = name            # key in the results, e.g. "vireo-mux"
        self.label = label          # how the report names it
        self.server_argv = server_argv
        self.client_argv = client_argv
        self.conns = conns          # concurrency -> connections
        self.points = points        # the (payload, concurrency) points it runs; None: all
        self.server = None


def run_client(argv, timeout, env=None):
    out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         timeout=timeout, env=env)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(argv)} exited {out.returncode}: {out.stderr.strip()[-500:]}")
    return json.loads(lines[-1])


def frameworks(build, grpc_conns):
    b = os.path.join(build, "bench")
    peers = os.path.join(b, "peers")
    found = []

    def have(*paths):
        return all(os.access(p, os.X_OK) for p in paths)

    if have(os.path.join(b, "vireo_rpc_bench_server"), os.path.join(b, "vireo_rpc_bench_client")):
        server = [os.path.join(b, "vireo_rpc_bench_server"), "--loops=1"]
        client = [os.path.join(b, "vireo_rpc_bench_client"), "--loops=1", "--framing=framed"]
        found.append(Framework("vireo-mux", "Vireo, 1 mux connection", server,
                               client + ["--mode=mux"], lambda c: 1))
        found.append(Framework("vireo-pool", "Vireo, pooled (1 conn per caller)", server,
                               client + ["--mode=pool"], lambda c: c))
        # Busy-polling (off by default) at concurrency 1: both sides spin
        # BUSY_POLL_US before their loop sleeps.
        busy = [f"--busy_poll_us={BUSY_POLL_US}"]
        found.append(Framework("vireo-busy", f"Vireo, pooled, busy-poll {BUSY_POLL_US} µs",
                               server + busy, client + ["--mode=pool"] + busy, lambda c: c,
                               points=[(1024, 1)]))
        # io_uring loops (off by default) on both sides, at the points of
        # the targets it could move: mux at 100, pooled at 1.
        uring = ["--io_uring"]
        found.append(Framework("vireo-mux-uring", "Vireo, 1 mux connection, io_uring",
                               server + uring, client + ["--mode=mux"] + uring, lambda c: 1,
                               points=[(1024, 100)]))
        found.append(Framework("vireo-pool-uring", "Vireo, pooled, io_uring", server + uring,
                               client + ["--mode=pool"] + uring, lambda c: c,
                               points=[(1024, 1)]))
    if have(os.path.join(peers, "apache_bench_server"), os.path.join(peers, "apache_bench_client")):
        client = [os.path.join(peers, "apache_bench_client")]
        found.append(Framework("apache-nonblocking", "Apache TNonblockingServer",
                               [os.path.join(peers, "apache_bench_server"), "--server=nonblocking",
                                "--io_threads=2"], client, lambda c: c))
        found.append(Framework("apache-threaded", "Apache TThreadedServer",
                               [os.path.join(peers, "apache_bench_server"), "--server=threaded"],
                               client, lambda c: c))
        if have(os.path.join(b, "vireo_rpc_bench_server")):
            # The same Apache client (a framed connection per caller) against
            # the Vireo server: server CPU per call, like for like.
            found.append(Framework("vireo-server-apache-client",
                                   "Vireo server, Apache client",
                                   [os.path.join(b, "vireo_rpc_bench_server"), "--loops=1"],
                                   client, lambda c: c, points=[(1024, 16)]))
            found.append(Framework("vireo-uring-server-apache-client",
                                   "Vireo server on io_uring, Apache client",
                                   [os.path.join(b, "vireo_rpc_bench_server"), "--loops=1",
                                    "--io_uring"],
                                   client, lambda c: c, points=[(1024, 16)]))
    if have(os.path.join(peers, "grpc_bench_server"), os.path.join(peers, "grpc_bench_client")):
        found.append(Framework("grpc", "gRPC C++ (callback API)",
                               [os.path.join(peers, "grpc_bench_server")],
                               [os.path.join(peers, "grpc_bench_client")],
                               lambda c: min(c, grpc_conns)))
    return found


def pins():
    if (os.cpu_count() or 1) >= 2 and shutil.which("taskset"):
        return ["taskset", "-c", "0"], ["taskset", "-c", "1"], (0, 1)
    return [], [], (-1, -1)


def run_points(build, fws, args, runs_log):
    """Returns {(name, payload, concurrency): [result, ...]}."""
    server_pin, client_pin, (server_cpu, client_cpu) = pins()
    results = {}
    floor = os.path.join(build, "bench", "vireo_transport_bench")
    started = {}
    env = dict(os.environ)
    if args.malloc_tunables:
        env["GLIBC_TUNABLES"] = MALLOC_TUNABLES
    try:
        for fw in fws:
            key = tuple(fw.server_argv)
            if key not in started:
                started[key] = Server(fw.server_argv + ["--port=0"], server_pin, env)
            fw.server = started[key]
        for rnd in range(args.runs):
            for payload, conc in POINTS:
                for fw in fws:
                    if fw.points is not None and (payload, conc) not in fw.points:
                        continue
                    before = fw.server.cpu_seconds()
                    allocs_before = fw.server.allocations()
                    argv = client_pin + fw.client_argv + [
                        f"--port={fw.server.port}", f"--conns={fw.conns(conc)}",
                        f"--concurrency={conc}", f"--payload={payload}",
                        f"--duration={args.duration}", f"--warmup={args.warmup}"]
                    try:
                        r = run_client(argv, timeout=args.duration + args.warmup + 60, env=env)
                    except (RuntimeError, subprocess.TimeoutExpired) as e:
                        log(f"{fw.name} payload {payload} concurrency {conc}: {e}")
                        r = None
                    if r is not None:
                        cpu = fw.server.cpu_seconds() - before
                        r["server_cpu_per_100k"] = cpu / max(r["total_calls"], 1) * 1e5
                        allocs_after = fw.server.allocations()
                        if allocs_before is not None and allocs_after is not None:
                            r["server_allocs_per_call"] = ((allocs_after - allocs_before) /
                                                           max(r["total_calls"], 1))
                        r["name"] = fw.name
                        results.setdefault((fw.name, payload, conc), []).append(r)
                        runs_log.write(json.dumps(r) + "\n")
                        log(f"round {rnd + 1}: {fw.name:<18} {payload:>8} B x{conc:<4}"
                            f" {r['qps']:>9.0f} qps  p50 {r['p50_us']:>8.1f}"
                            f"  p99 {r['p99_us']:>9.1f} us  errors {r['errors']}")
                if os.access(floor, os.X_OK):
                    # The blocking-socket floor: a connection per caller.
                    floors = [("floor", "floor", ["--mode=floor", f"--conns={conc}"])]
                    if conc > 1:
                        # The pipelined floor: one connection, `conc` frames
                        # of a framed echo call's size in flight (mux's limit).
                        floors.append(("pipelined", "pipelined floor",
                                       ["--mode=pipelined", f"--depth={conc}"]))
                    for name, label, mode_args in floors:
                        argv = [floor] + mode_args + [
                            f"--payload={payload + CALL_OVERHEAD}",
                            f"--duration={args.duration}", f"--warmup={args.warmup}",
                            f"--server_cpu={server_cpu}", f"--client_cpu={client_cpu}"]
                        try:
                            r = run_client(argv, timeout=args.duration + args.warmup + 60,
                                           env=env)
                        except (RuntimeError, subprocess.TimeoutExpired) as e:
                            log(f"{label} payload {payload} concurrency {conc}: {e}")
                            continue
                        r.update(name=name, framework=name, concurrency=conc,
                                 payload=payload, errors=0)
                        results.setdefault((name, payload, conc), []).append(r)
                        runs_log.write(json.dumps(r) + "\n")
                        log(f"round {rnd + 1}: {label:<18} {payload:>8} B x{conc:<4}"
                            f" {r['qps']:>9.0f} qps  p50 {r['p50_us']:>8.1f}"
                            f"  p99 {r['p99_us']:>9.1f} us")
    finally:
        for s in started.values():
            s.stop()
    return results


def median_result(rs):
    """Medians of every figure over the runs of one point; the CDF is the
    median-QPS run's."""
    ordered = sorted(rs, key=lambda r: r["qps"])
    m = dict(ordered[len(ordered) // 2])
    for k in ("qps", "p50_us", "p99_us", "p999_us", "server_cpu_per_100k", "allocs_per_call",
              "server_allocs_per_call"):
        vals = [r[k] for r in rs if k in r]
        if vals:
            m[k] = statistics.median(vals)
    m["errors"] = sum(r.get("errors", 0) for r in rs)
    m["runs"] = len(rs)
    return m


def run_memory(build):
    """Idle-connection RSS and 64 MiB echo peak RSS of a Vireo server."""
    b = os.path.join(build, "bench")
    server_pin, client_pin, _ = pins()
    server_argv = [os.path.join(b, "vireo_rpc_bench_server"), "--loops=1", "--port=0"]
    client = os.path.join(b, "vireo_rpc_bench_client")
    mem = {}

    s = Server(server_argv, server_pin)
    try:
        time.sleep(0.3)
        before = s.status_kib("VmRSS")
        hold = subprocess.Popen(client_pin + [client, f"--port={s.port}",
                                              f"--idle_conns={IDLE_CONNS}", "--hold=60"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = hold.stdout.readline()
        if not line.startswith("held"):
            hold.kill()
            raise RuntimeError(f"idle connections: {line!r} {hold.stderr.read()}")
        time.sleep(1.0)
        after = s.status_kib("VmRSS")
        hold.send_signal(signal.SIGKILL)
        hold.wait()
        mem["idle_rss_before_kib"] = before
        mem["idle_rss_after_kib"] = after
        mem["idle_bytes_per_conn"] = (after - before) * 1024 / IDLE_CONNS
    finally:
        s.stop()

    s = Server(server_argv, server_pin)
    try:
        time.sleep(0.3)
        base = s.status_kib("VmRSS")
        r = run_client(client_pin + [client, f"--port={s.port}", "--mode=mux",
                                     "--concurrency=1", f"--payload={BIG_PAYLOAD}",
                                     "--duration=2", "--warmup=0"], timeout=120)
        mem["big_base_kib"] = base
        mem["big_peak_kib"] = s.status_kib("VmHWM")
        mem["big_calls"] = r["total_calls"]
        mem["big_errors"] = r["errors"]
        mem["big_ratio"] = mem["big_peak_kib"] * 1024 / BIG_PAYLOAD
    finally:
        s.stop()
    return mem


def run_many_conns(build, runs, duration):
    """QPS of the Vireo server at MANY_CONNS pooled connections (one call in
    flight each) and at FEW_CONNS, interleaved; medians."""
    b = os.path.join(build, "bench")
    server_pin, client_pin, _ = pins()
    server_argv = [os.path.join(b, "vireo_rpc_bench_server"), "--loops=1", "--port=0"]
    client = os.path.join(b, "vireo_rpc_bench_client")
    qps = {FEW_CONNS: [], MANY_CONNS: []}
    s = Server(server_argv, server_pin)
    try:
        for _ in range(runs):
            for conns in (FEW_CONNS, MANY_CONNS):
                r = run_client(client_pin + [
                    client, f"--port={s.port}", "--loops=1", "--framing=framed", "--mode=pool",
                    f"--conns={conns}", f"--concurrency={conns}", "--payload=1024",
                    f"--duration={duration}", "--warmup=2"], timeout=duration + 120)
                if r["errors"]:
                    raise RuntimeError(f"{conns} connections: {r['errors']} errors")
                qps[conns].append(r["qps"])
                log(f"{conns:>6} pooled connections: {r['qps']:>9.0f} qps  p50 "
                    f"{r['p50_us']:>9.1f} us")
    finally:
        s.stop()
    return {n: statistics.median(v) for n, v in qps.items()}


def fmt(v, digits=0):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}".replace(",", " ")


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "–"


def charts(results, fws, img_dir, rel_dir):
    """Writes the PNG charts; returns Markdown image lines (or a note)."""
    if not shutil.which("gnuplot"):
        return ["(gnuplot is not installed: no charts.)"]
    os.makedirs(img_dir, exist_ok=True)
    names = [(fw.name, fw.label) for fw in fws if fw.points is None] + [
        ("floor", "blocking-socket floor")]
    names = [(n, l) for n, l in names if any((n, p, c) in results for p, c in CURVE)]
    tmp = tempfile.mkdtemp()
    for n, _ in names:
        with open(os.path.join(tmp, f"{n}.dat"), "w") as f:
            for p, c in CURVE:
                if (n, p, c) in results:
                    m = results[(n, p, c)]
                    f.write(f"{c} {m['qps']} {m['p99_us']}\n")
        m = results.get((n, 1024, 100))
        if m and m.get("cdf_us"):
            with open(os.path.join(tmp, f"{n}.cdf"), "w") as f:
                for q, us in m["cdf_us"]:
                    f.write(f"{us} {q}\n")

    def plot(png, title, ylabel, col, logy, ext="dat", xlabel="concurrency (calls in flight)",
             logx=True):
        series = [(n, l) for n, l in names if os.path.exists(os.path.join(tmp, f"{n}.{ext}"))]
        lines = [
            "set terminal pngcairo size 900,520 font 'Sans,10'",
            f"set output '{os.path.join(img_dir, png)}'",
            f"set title '{title}'", f"set xlabel '{xlabel}'", f"set ylabel '{ylabel}'",
            "set grid", "set key outside right top",
        ]
        if logx:
            lines.append("set logscale x")
        if ext == "dat":
            lines.append("set xtics (1, 16, 100, 400)")
        if logy:
            lines.append("set logscale y")
        plots = [f"'{os.path.join(tmp, n + '.' + ext)}' using 1:{col} with linespoints "
                 f"title '{l}'" for n, l in series]
        lines.append("plot " + ", ".join(plots))
        script = os.path.join(tmp, png + ".gp")
        with open(script, "w") as f:
            f.write("\n".join(lines) + "\n")
        subprocess.run(["gnuplot", script], check=True)
        return f"![{title}]({rel_dir}/{png})"

    out = [
        plot("rpc_qps.png", "1 KiB echo: QPS against concurrency", "calls per second", 2, False),
        plot("rpc_p99.png", "1 KiB echo: p99 latency against concurrency", "p99 (us)", 3, True),
        plot("rpc_cdf_c100.png", "1 KiB echo at concurrency 100: latency CDF",
             "fraction of calls", 2, False, ext="cdf", xlabel="latency (us)"),
    ]
    shutil.rmtree(tmp)
    return out


def report(results, fws, mem, args, img_lines, codegen_md):
    """Returns (markdown lines, every target met)."""
    get = results.get
    L = []
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=args.root,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True).stdout.strip() or "unknown"
    cpu_model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    L += [
        "## RPC: Vireo against Apache Thrift C++ and gRPC C++", "",
        "Written by `bench/run.sh` (which runs `bench/rpc_bench.py`); run it again to "
        "refresh this section and its charts.", "",
        f"- Run: {datetime.date.today().isoformat()}, commit `{commit}`, "
        f"{os.cpu_count()} CPUs ({cpu_model}), Linux {platform.release()}.",
        f"- Each point ran {args.runs} times ({args.warmup} s warm-up, {args.duration} s "
        "measured), the frameworks interleaved within each round; the tables show medians.",
        "- Echo of `bench/idl/echo.thrift` (`Request{action, msg}`, the payload in `msg`) over "
        "loopback TCP. Servers run their handlers inline, pinned to CPU 0 (`taskset -c 0`); "
        "load generators are pinned to CPU 1. Every reply is checked against its request.",
        "- Vireo: `vireo_rpc_bench_server --loops=1`, `vireo_rpc_bench_client --loops=1 "
        "--framing=framed` (Framed Binary, the same bytes as Apache's), callback calls. "
        "Apache Thrift 0.17 (Debian): Framed Binary, `TNonblockingServer` with 2 IO threads, "
        "and `TThreadedServer`; synchronous clients, one thread and one connection per caller. "
        "gRPC 1.51 (Debian): callback API on both sides.",
        "- Floor: `vireo_transport_bench --mode=floor`, blocking sockets echoing the same "
        f"number of bytes as a framed echo call (payload + {CALL_OVERHEAD}), one thread per "
        "connection per side, pinned like the servers and clients.",
        "- Pipelined floor: `vireo_transport_bench --mode=pipelined --depth=<concurrency>`, "
        "one connection carrying that many frames of a framed echo call's size in flight, a "
        "new frame sent per frame read back (batched per read), the server writing back every "
        "complete frame untouched (batched per read), no parsing and no allocation per frame, "
        "a thread per side pinned like the servers and clients: the least work any framework "
        "can do for a multiplexed echo at that concurrency.",
        f"- Vireo, pooled, busy-poll: as Vireo pooled, with `--busy_poll_us={BUSY_POLL_US}` "
        "on server and client (ServerOptions/ClientOptions `busy_poll`, off by default): each "
        "loop spins on a non-blocking epoll that long before it sleeps, so a call at "
        "concurrency 1 costs no sleep and wake-up on either side, at the price of a CPU per "
        "loop kept busy (the server's CPU column shows it). Concurrency 1 only.",
        "- Vireo server, Apache client: the Apache client above against the Vireo server, at "
        "1 KiB and concurrency 16 only (16 framed connections): the server CPU per call of "
        "both servers under the same client.",
        f"- Connections: `vireo_rpc_bench_client --mode=pool` with {MANY_CONNS:,} and with "
        f"{FEW_CONNS} connections, one call in flight on each, against one Vireo server "
        "(medians of interleaved runs, after the memory runs).",
        "- Server CPU: seconds of the server process's CPU time per 100k calls "
        "(warm-up included in both).",
        "- Allocations: heap allocations per call counted by a replaced malloc in the load "
        "generator (`allocs_per_call`) and in the server (`server_allocs_per_call`, read with "
        "SIGUSR1 before and after each run): bench/load/alloc_count.h.",
        (f"- Every server and client in the throughput runs had `GLIBC_TUNABLES={MALLOC_TUNABLES}`: "
         "glibc otherwise hands large freed blocks back to the kernel and faults them in again "
         "on the next call, which on this kind of VM costs more than the call itself at 1 MiB. "
         "The memory runs use glibc's defaults." if args.malloc_tunables else
         "- glibc's malloc ran with its default settings."), "",
    ]

    # Targets.
    def best(names, p, c):
        cands = [get((n, p, c)) for n in names if get((n, p, c))]
        return max(cands, key=lambda m: m["qps"]) if cands else None

    vireo = best(["vireo-mux", "vireo-pool"], 1024, 100)
    apache = best(["apache-nonblocking", "apache-threaded"], 1024, 100)
    grpc = get(("grpc", 1024, 100))
    floor1 = get(("floor", 1024, 1))
    vireo1 = min((m for m in (get(("vireo-mux", 1024, 1)), get(("vireo-pool", 1024, 1))) if m),
                 key=lambda m: m["p50_us"], default=None)
    mux100, pool100 = get(("vireo-mux", 1024, 100)), get(("vireo-pool", 1024, 100))
    targets = []

    def target(what, value, goal, at_least, unit="x", ok=True):
        """A row: `value` against `goal`, which it must reach (at_least) or
        stay under. A miss says by how much."""
        met = ok and (value >= goal if at_least else value <= goal)
        if unit == "KiB":
            shown, goal_shown = f"{value / 1024:.2f} KiB", f"{goal / 1024:g} KiB"
        elif unit == "x":
            shown, goal_shown = f"{value:.2f}x", f"{goal:.3g}x"
        else:  # a count
            shown, goal_shown = f"{value:.2f}", f"{goal:g}"
        if met:
            verdict = "met"
        elif not ok:
            verdict = "**missed** (errors)"
        else:
            off = (goal / value - 1) if at_least else (value / goal - 1)
            verdict = f"**missed** by {off * 100:.0f}%"
        targets.append((what, shown, (">= " if at_least else "<= ") + goal_shown, verdict, met))

    if vireo and apache:
        target(f"1 KiB, concurrency 100: QPS of Vireo ({vireo['name']}) / best Apache "
               f"({apache['name']})", vireo["qps"] / apache["qps"], 3, True)
        target("1 KiB, concurrency 100: p99 of Vireo / that Apache configuration",
               vireo["p99_us"] / apache["p99_us"], 1 / 3, False)
    if vireo and grpc:
        target("1 KiB, concurrency 100: QPS of Vireo / gRPC", vireo["qps"] / grpc["qps"], 4, True)
    if vireo1 and floor1:
        target(f"concurrency 1: p50 of Vireo ({vireo1['name']}) / floor",
               vireo1["p50_us"] / floor1["p50_us"], 1.05, False)
    threaded1 = get(("apache-threaded", 1024, 1))
    if vireo1 and threaded1:
        target(f"concurrency 1: QPS of Vireo ({vireo1['name']}) / Apache TThreadedServer",
               vireo1["qps"] / threaded1["qps"], 1, True)
    busy1 = get(("vireo-busy", 1024, 1))
    if busy1 and floor1:
        target(f"concurrency 1, busy-poll {BUSY_POLL_US} µs: p50 of Vireo / floor",
               busy1["p50_us"] / floor1["p50_us"], 1.05, False)
    if busy1 and threaded1:
        target(f"concurrency 1, busy-poll {BUSY_POLL_US} µs: QPS of Vireo / Apache "
               "TThreadedServer", busy1["qps"] / threaded1["qps"], 1, True)
    pipe100 = get(("pipelined", 1024, 100))
    if mux100 and pipe100:
        target("mux, 1 connection, concurrency 100, 1 KiB: QPS / pipelined floor at depth 100",
               mux100["qps"] / pipe100["qps"], 0.6, True)
    if mux100 and "allocs_per_call" in mux100:
        target("mux, concurrency 100, 1 KiB: heap allocations per call, client",
               mux100["allocs_per_call"], 1, False, unit="")
    if mux100 and "server_allocs_per_call" in mux100:
        target("mux, concurrency 100, 1 KiB: heap allocations per call, server",
               mux100["server_allocs_per_call"], 1, False, unit="")
    vireo_apache = get(("vireo-server-apache-client", 1024, 16))
    threaded16 = get(("apache-threaded", 1024, 16))
    if vireo_apache and threaded16:
        target("Apache client, 16 framed connections, 1 KiB: server CPU per call, "
               "Vireo / Apache TThreadedServer",
               vireo_apache["server_cpu_per_100k"] / threaded16["server_cpu_per_100k"], 0.6,
               False)
        target("Apache client, 16 framed connections, 1 KiB: QPS, "
               "Vireo server / Apache TThreadedServer",
               vireo_apache["qps"] / threaded16["qps"], 1, True)
    pool_big = get(("vireo-pool", 1048576, 16))
    apache_big = best(["apache-nonblocking", "apache-threaded"], 1048576, 16)
    if pool_big and apache_big:
        target(f"pooled, 1 MiB, concurrency 16: QPS of Vireo / best Apache "
               f"({apache_big['name']})", pool_big["qps"] / apache_big["qps"], 1, True)
    if mux100 and pool100:
        target("concurrency 100: QPS of 1 mux connection / 100 pooled connections",
               mux100["qps"] / pool100["qps"], 1, True)
    if mem:
        target(f"RSS per idle connection ({IDLE_CONNS} connections)",
               mem["idle_bytes_per_conn"], 8192, False, unit="KiB")
        target("64 MiB echo: server peak RSS / payload", mem["big_ratio"], 2, False,
               ok=mem["big_errors"] == 0)
        target(f"QPS at {MANY_CONNS:,} pooled connections (one call in flight each) / "
               f"at {FEW_CONNS}", mem["many_conns_qps"] / mem["few_conns_qps"], 0.8, True)
    all_met = bool(targets) and all(t[4] for t in targets)
    L += ["### Targets", "", "| target | measured | goal | |", "|---|---:|---:|---|"]
    for what, shown, goal, verdict, _ in targets:
        L.append(f"| {what} | {shown} | {goal} | {verdict} |")
    L.append("")

    # io_uring against epoll, on the targets io_uring could move (1, 3, 6).
    uring_rows = []
    mux_uring = get(("vireo-mux-uring", 1024, 100))
    if mux_uring and mux100:
        uring_rows.append(("mux, 1 connection, concurrency 100, 1 KiB: QPS",
                           mux_uring["qps"], mux100["qps"]))
        if pipe100:
            uring_rows.append(("the same, QPS / pipelined floor", mux_uring["qps"] / pipe100["qps"],
                               mux100["qps"] / pipe100["qps"]))
    uring_apache = get(("vireo-uring-server-apache-client", 1024, 16))
    if uring_apache and vireo_apache:
        uring_rows.append(("Apache client, 16 connections, 1 KiB: server CPU s / 100k calls",
                           uring_apache["server_cpu_per_100k"],
                           vireo_apache["server_cpu_per_100k"]))
        uring_rows.append(("the same, QPS", uring_apache["qps"], vireo_apache["qps"]))
    pool_uring1 = get(("vireo-pool-uring", 1024, 1))
    pool1 = get(("vireo-pool", 1024, 1))
    if pool_uring1 and pool1:
        uring_rows.append(("pooled, concurrency 1, 1 KiB: p50 µs", pool_uring1["p50_us"],
                           pool1["p50_us"]))
        uring_rows.append(("the same, QPS", pool_uring1["qps"], pool1["qps"]))
    if uring_rows:
        L += ["### io_uring against epoll", "",
              "Both sides' loops on io_uring (`--io_uring`; the Vireo server alone with the "
              "Apache client) against the default epoll loops, in the same run.", "",
              "| measure | io_uring | epoll | io_uring / epoll |", "|---|---:|---:|---:|"]
        for what, u, e in uring_rows:
            digits = 2 if max(u, e) < 100 else 0
            L.append(f"| {what} | {fmt(u, digits)} | {fmt(e, digits)} | {u / e:.2f}x |")
        L.append("")

    # Tables per point.
    order = [fw.name for fw in fws] + ["floor", "pipelined"]
    labels = {fw.name: fw.label for fw in fws}
    labels["floor"] = "blocking-socket floor"
    labels["pipelined"] = "pipelined floor (1 conn)"
    L += ["### Throughput and latency", "",
          "Ratios: this row's QPS over the best Apache configuration's and over gRPC's, at "
          "the same point.", ""]
    for p, c in POINTS:
        rows = [n for n in order if get((n, p, c))]
        if not rows:
            continue
        ap = best(["apache-nonblocking", "apache-threaded"], p, c)
        gr = get(("grpc", p, c))
        size = f"{p // 1024} KiB" if p < (1 << 20) else f"{p >> 20} MiB"
        L += [f"#### {size}, concurrency {c}", "",
              "| framework | conns | QPS | p50 µs | p99 µs | p999 µs | errors | server CPU s "
              "/ 100k calls | allocs/call client | allocs/call server | QPS / Apache | "
              "QPS / gRPC |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for n in rows:
            m = get((n, p, c))
            cpu = m.get("server_cpu_per_100k")
            L.append(f"| {labels[n]} | {m.get('conns', c)} | {fmt(m['qps'])} | "
                     f"{fmt(m['p50_us'], 1)} | {fmt(m['p99_us'], 1)} | "
                     f"{fmt(m['p999_us'], 1)} | {m['errors']} | "
                     f"{fmt(cpu, 2) if cpu is not None else '–'} | "
                     f"{fmt(m['allocs_per_call'], 2) if 'allocs_per_call' in m else '–'} | "
                     f"{fmt(m['server_allocs_per_call'], 2) if 'server_allocs_per_call' in m else '–'} | "
                     f"{ratio(m['qps'], ap['qps'] if ap else None)} | "
                     f"{ratio(m['qps'], gr['qps'] if gr else None)} |")
        L.append("")
    missing = {"apache": "apache-threaded", "grpc": "grpc"}
    for peer, name in missing.items():
        if not any(fw.name == name for fw in fws):
            L += [f"({peer} was not built: its Debian packages are missing.)", ""]

    L += ["### Charts", ""] + [l + "\n" for l in img_lines]

    if mem:
        L += ["### Memory", "",
              f"- Idle connections: a Vireo server (1 loop) held {IDLE_CONNS} connections, "
              "each of which had made one framed echo call and then stayed open and idle. "
              f"Its RSS went from {fmt(mem['idle_rss_before_kib'])} KiB to "
              f"{fmt(mem['idle_rss_after_kib'])} KiB: "
              f"**{mem['idle_bytes_per_conn'] / 1024:.2f} KiB per connection**.",
              f"- 64 MiB echo: the server's peak RSS (VmHWM) over {mem['big_calls']} echo calls "
              f"of a 64 MiB message, one at a time, was {fmt(mem['big_peak_kib'])} KiB "
              f"(**{mem['big_ratio']:.2f}x the payload**; {fmt(mem['big_base_kib'])} KiB "
              f"before the first call; {mem['big_errors']} errors).",
              f"- Connections: the same server at {MANY_CONNS:,} pooled connections, one 1 KiB "
              f"call in flight on each, did {fmt(mem['many_conns_qps'])} QPS; at {FEW_CONNS}, "
              f"{fmt(mem['few_conns_qps'])} QPS (medians of {args.runs} interleaved runs; "
              f"**{mem['many_conns_qps'] / mem['few_conns_qps']:.2f}x**).", ""]
    if codegen_md:
        L += ["### Generated code (vireo-gen) against Apache's generated code", "",
              "`bench/run_codegen_bench.sh`, run by `bench/run.sh` in the same session "
              "(medians of its runs; ns per operation):", "", codegen_md.strip(), ""]
    return L, all_met


def write_doc(path, lines):
    # Before the first second-level heading, after the page's introduction.
    write_section(path, BEGIN, END, lines, before="\n## ")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--doc", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duration", type=float, default=2)
    ap.add_argument("--warmup", type=float, default=0.5)
    ap.add_argument("--grpc-conns", type=int, default=1,
                    help="gRPC connections (channels), at most one per caller")
    ap.add_argument("--codegen-md", default="")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--default-malloc", dest="malloc_tunables", action="store_false",
                    help="run the throughput runs without MALLOC_TUNABLES")
    args = ap.parse_args()
    args.root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    fws = frameworks(args.build, args.grpc_conns)
    if not fws:
        log("no load generator was built")
        return 2
    out_dir = os.path.join(args.build, "rpc_bench")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "runs.jsonl"), "w") as runs_log:
        raw = run_points(args.build, fws, args, runs_log)
    results = {k: median_result(v) for k, v in raw.items()}
    mem = None if args.skip_memory else run_memory(args.build)
    if mem is not None:
        conns_qps = run_many_conns(args.build, args.runs, args.duration)
        mem["few_conns_qps"] = conns_qps[FEW_CONNS]
        mem["many_conns_qps"] = conns_qps[MANY_CONNS]
    doc_dir = os.path.dirname(os.path.abspath(args.doc))
    img_lines = charts(results, fws, os.path.join(doc_dir, "img"), "img")
    codegen_md = open(args.codegen_md).read() if args.codegen_md and os.path.exists(
        args.codegen_md) else ""
    lines, met = report(results, fws, mem, args, img_lines, codegen_md)
    write_doc(args.doc, lines)
    print("\n".join(lines))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
