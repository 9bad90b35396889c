#!/usr/bin/env python3
"""Runs the service-governance scenarios on loopback, several processes each,
and writes their figures into docs/benchmarks.md (between the markers
`<!-- governance-bench:begin -->` and `<!-- governance-bench:end -->`).

  1. kill: three servers, mux c=100, retries and breakers on; one server is
     SIGKILLed mid-run and restarted later on its port. Failed calls, how
     soon its breaker opened, how soon it took calls again.
  2. backup: three servers, one answering after 50 ms. The fast
     instances' p99, the client's p99 without and with backup requests.
  3. weights: 1:2:3 over 100k+ calls, the shares per target.
  4. qps_limit: one server limited to 10,000 QPS under c=100: accepted
     QPS, how fast refusals come back, the server's RSS before and after.
  5. cost: one target, mux c=100: QPS of today's client (a baseline binary,
     when given), with the default policies, and with retries and breakers
     on while nothing fails.

Each scenario runs RUNS times; the page reports medians and every run.

Usage: bench/governance.py --build DIR [--baseline-build DIR] [--doc PATH]
           [--runs 3] [--only kill,backup,...]
"""
import argparse
import json
import math
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

from doc_section import write_section

BEGIN = "<!-- governance-bench:begin -->"
END = "<!-- governance-bench:end -->"


def log(*args):
    print("governance:", *args, file=sys.stderr, flush=True)


class Server:
    """A vireo_rpc_bench_server process that prints `listening <port>`."""

    def __init__(self, build, port=0, extra=(), pin=()):
        argv = [*pin, os.path.join(build, "bench", "vireo_rpc_bench_server"), f"--port={port}",
                *extra]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening "):
            self.stop()
            raise RuntimeError(f"{argv} did not start: {line!r}")
        self.port = int(line.split()[1])
        self.target = f"127.0.0.1:{self.port}"

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Client:
    """A vireo_rpc_bench_client run; its JSON line and timeline."""

    def __init__(self, build, args, pin=()):
        argv = [*pin, os.path.join(build, "bench", "vireo_rpc_bench_client"), "--framing=ttheader",
                "--payload=64", "--mode=mux", *args]
        self.argv = argv
        self.started = time.monotonic()
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.timeline = []
        self.stderr = []
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()

    def _read_stderr(self):
        for line in self.proc.stderr:
            if line.startswith("{"):
                self.timeline.append(json.loads(line))
            else:
                self.stderr.append(line)

    def elapsed_ms(self):
        return (time.monotonic() - self.started) * 1000

    def result(self, timeout=120):
        out, _ = self.proc.communicate(timeout=timeout)
        self._reader.join(5)
        lines = [l for l in out.splitlines() if l.startswith("{")]
        if self.proc.returncode != 0 or not lines:
            raise RuntimeError(f"{' '.join(self.argv)} exited {self.proc.returncode}: "
                               f"{''.join(self.stderr)[-500:]}")
        return json.loads(lines[-1])


def run_client(build, args, pin=()):
    return Client(build, args, pin).result()


def pins():
    """Server on CPU 0, client on CPU 1, as bench/rpc_bench.py runs them."""
    if (os.cpu_count() or 1) >= 2 and shutil.which("taskset"):
        return ["taskset", "-c", "0"], ["taskset", "-c", "1"]
    return [], []


def median(values):
    return statistics.median(values) if values else float("nan")


def fmt(v, digits=0):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return f"{v:,.{digits}f}"


# ---- 1. kill ----

def scenario_kill(build, runs, idempotent):
    rows = []
    for run in range(runs):
        servers = [Server(build) for _ in range(3)]
        victim = servers[0]
        args = ["--targets=" + ",".join(s.target for s in servers), "--concurrency=100",
                "--duration=14", "--warmup=0", "--retries=2", "--breaker", "--timeline_ms=50"]
        if idempotent:
            args.append("--idempotent")
        c = Client(build, args)
        time.sleep(3)
        kill_ms = c.elapsed_ms()
        victim.kill()
        time.sleep(3)
        restart_ms = c.elapsed_ms()
        servers[0] = Server(build, port=victim.port)
        r = c.result()
        for s in servers:
            s.stop()
        # The client's timeline counts from its run's start, a few ms after
        # its launch (from which kill_ms and restart_ms count): the times
        # read off it are that much early at most.
        tl = c.timeline
        offset = 0.0
        t_open = next((p["t_ms"] + offset for p in tl
                       if p["t_ms"] + offset >= kill_ms and p["breaker_skips"] > 0), None)
        before = next((p["per_target"].get(victim.target, 0) for p in reversed(tl)
                       if p["t_ms"] + offset <= restart_ms), 0)
        t_back = next((p["t_ms"] + offset for p in tl if p["t_ms"] + offset >= restart_ms
                       and p["per_target"].get(victim.target, 0) > before), None)
        row = {
            "failed": r["errors"],
            "retries": r["retries"],
            "open_ms": None if t_open is None else t_open - kill_ms,
            "back_ms": None if t_back is None else t_back - restart_ms,
            "qps": r["qps"],
            "errors_by_code": r["errors_by_code"],
        }
        log("kill", "idempotent" if idempotent else "not idempotent", row)
        rows.append(row)
    return rows


# ---- 2. backup ----

def scenario_backup(build, runs, concurrency):
    rows = []
    for run in range(runs):
        fast = [Server(build), Server(build)]
        slow = Server(build, extra=["--delay_us=50000"])
        base = [f"--concurrency={concurrency}", "--duration=4", "--warmup=1"]
        fast_only = run_client(build, base + ["--targets=" + ",".join(s.target for s in fast)])
        everyone = "--targets=" + ",".join([fast[0].target, fast[1].target, slow.target])
        no_backup = run_client(build, base + [everyone])
        # The fast instances' p99, rounded up to 10 us.
        delay_ms = max(0.01, math.ceil(fast_only["p99_us"] / 10) / 100)
        backup = run_client(build, base + [everyone, f"--backup_delay_ms={delay_ms}"])
        backup_wide = run_client(build, base + [everyone, f"--backup_delay_ms={delay_ms}",
                                                "--retry_budget=1"])
        for s in fast + [slow]:
            s.stop()
        row = {
            "fast_p99_us": fast_only["p99_us"], "delay_ms": delay_ms,
            "no_backup_p99_us": no_backup["p99_us"],
            "backup_p99_us": backup["p99_us"], "backups": backup["backups"],
            "backup_calls": backup["total_calls"],
            "wide_p99_us": backup_wide["p99_us"], "wide_backups": backup_wide["backups"],
            "wide_calls": backup_wide["total_calls"],
            "abandoned": backup_wide["abandoned_replies"],
            "concurrency": concurrency,
        }
        log("backup", row)
        rows.append(row)
    return rows


# ---- 3. weights ----

def scenario_weights(build, runs):
    rows = []
    for run in range(runs):
        servers = [Server(build) for _ in range(3)]
        r = run_client(build, ["--targets=" + ",".join(s.target for s in servers),
                               "--lb=weighted_round_robin", "--weights=1,2,3",
                               "--concurrency=100", "--duration=1.5", "--warmup=0.2"])
        for s in servers:
            s.stop()
        counts = [r["per_target"].get(s.target, 0) for s in servers]
        total = sum(counts)
        row = {"calls": total, "shares": [c / total for c in counts]}
        log("weights", row)
        rows.append(row)
    return rows


# ---- 4. qps_limit ----

def scenario_qps_limit(build, runs):
    rows = []
    for run in range(runs):
        server = Server(build, extra=["--qps_limit=10000"])
        rss_before = server.rss_kib()
        r = run_client(build, ["--targets=" + server.target, "--concurrency=100",
                               "--duration=5", "--warmup=1"])
        rss_after = server.rss_kib()
        # And again: RSS must not grow with the refusals.
        run_client(build, ["--targets=" + server.target, "--concurrency=100",
                           "--duration=5", "--warmup=0"])
        rss_again = server.rss_kib()
        server.stop()
        row = {
            "accepted_qps": r["qps"],
            "refused": r["errors_by_code"].get("RESOURCE_EXHAUSTED", 0),
            "other_errors": r["errors"] - r["errors_by_code"].get("RESOURCE_EXHAUSTED", 0),
            "refused_p50_us": r.get("error_p50_us"), "refused_p99_us": r.get("error_p99_us"),
            "rss_kib": [rss_before, rss_after, rss_again],
        }
        log("qps_limit", row)
        rows.append(row)
    return rows


# ---- 5. cost ----

def scenario_cost(build, baseline, runs):
    rows = []
    server_pin, client_pin = pins()
    server = Server(build, extra=["--loops=1"], pin=server_pin)
    base = ["--concurrency=100", "--duration=3", "--warmup=0.5", "--port=%d" % server.port]
    variants = [("default", build, [])]
    if baseline:
        variants.insert(0, ("baseline", baseline, []))
    variants.append(("governed", build, ["--retries=2", "--breaker"]))
    for run in range(runs):
        row = {}
        # Interleaved, so that drift in the machine hits every variant.
        for name, b, extra in variants:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            r = run_client(b, base + extra, client_pin)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if r["errors"]:
                raise RuntimeError(f"cost: {name} had {r['errors']} errors")
            cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            row[name] = r["qps"]
            row[name + "_cpu_us"] = cpu_s * 1e6 / r["total_calls"]
        log("cost", row)
        rows.append(row)
    server.stop()
    return rows


# ---- the page ----

def report(results, args):
    lines = ["## Service governance scenarios", "",
             "`bench/governance.sh` (bench/governance.py): multi-process on loopback, the "
             "echo bench server and client (`--framing=ttheader --payload=64 --mode=mux`), "
             f"{args.runs} runs per scenario, medians (every run in brackets). The machine "
             "is the one under \"Machine\" below; all processes share its 2 cores.", ""]
    if "kill" in results:
        lines += ["### 1. A server killed mid-run", "",
                  "Three servers, c=100, `--retries=2 --breaker`; at 3 s one server gets "
                  "SIGKILL, at 6 s it is restarted on its port. About 33 calls are in flight "
                  "on it at the kill (round robin over three). Breaker and restart times are "
                  "read off the client's 50 ms timeline.", "",
                  "| retry policy | failed calls | retries | breaker open after kill | "
                  "traffic back after restart | QPS |",
                  "|---|---:|---:|---:|---:|---:|"]
        for key, label in (("kill_idem", "`--idempotent` (echo may run twice)"),
                           ("kill", "default (only unsent calls retry)")):
            rows = results.get(key)
            if not rows:
                continue
            def col(k, digits=0, unit=""):
                vals = [r[k] for r in rows if r[k] is not None]
                return (f"{fmt(median(vals), digits)}{unit} "
                        f"[{', '.join(fmt(v, digits) for v in vals)}]")
            lines.append(f"| {label} | {col('failed')} | {col('retries')} | "
                         f"{col('open_ms', 0, ' ms')} | {col('back_ms', 0, ' ms')} | "
                         f"{col('qps')} |")
        lines += ["", "The breaker opens on 20 connection failures in a row; it stays open "
                  "for its 5 s cool-down, so the restarted server takes calls again once "
                  "the first probe after the cool-down succeeds (two successes close it).",
                  ""]
    if "backup" in results:
        lines += ["### 2. Backup requests around a slow instance", "",
                  "Three servers, one answering after 50 ms (`--delay_us=50000`), round "
                  "robin, at concurrency 10 and 100. The backup delay is the fast instances' "
                  "p99 (measured first, alone, rounded up to 10 us).", ""]
    for rows in ([results[k] for k in ("backup10", "backup") if k in results]):
        m = lambda k: median([r[k] for r in rows])
        lines += [f"Concurrency {rows[0]['concurrency']}:", "",
                  "| run | p99 | vs fast instances' p99 | backups per call |",
                  "|---|---:|---:|---:|",
                  f"| fast instances alone | {fmt(m('fast_p99_us'))} us | 1.00x | - |",
                  f"| all three, no backup | {fmt(m('no_backup_p99_us'))} us | "
                  f"{m('no_backup_p99_us') / m('fast_p99_us'):.2f}x | - |",
                  f"| backup after {fmt(m('delay_ms'), 2)} ms, default budget (10%) | "
                  f"{fmt(m('backup_p99_us'))} us | {m('backup_p99_us') / m('fast_p99_us'):.2f}x | "
                  f"{median([r['backups'] / r['backup_calls'] for r in rows]):.3f} |",
                  f"| backup after {fmt(m('delay_ms'), 2)} ms, `--retry_budget=1` | "
                  f"{fmt(m('wide_p99_us'))} us | {m('wide_p99_us') / m('fast_p99_us'):.2f}x | "
                  f"{median([r['wide_backups'] / r['wide_calls'] for r in rows]):.3f} |",
                  "",
                  "Every p99 run: fast " + ", ".join(fmt(r['fast_p99_us']) for r in rows) +
                  "; no backup " + ", ".join(fmt(r['no_backup_p99_us']) for r in rows) +
                  "; default budget " + ", ".join(fmt(r['backup_p99_us']) for r in rows) +
                  "; budget 1 " + ", ".join(fmt(r['wide_p99_us']) for r in rows) + " (us). "
                  "Late replies dropped and counted (`abandoned_replies`): median "
                  f"{fmt(m('abandoned'))} per run.", ""]
    if "backup" in results:
        lines += ["A third of the calls go to the slow instance, so they need a backup "
                  "each; the default retry budget allows backups for a tenth of the calls "
                  "and the rest wait the 50 ms out. With room in the budget the backup "
                  "wins, but a hedged call costs the delay plus a fast call, and on these "
                  "2 cores (four processes) the extra calls slow the fast servers too: "
                  "the p99 lands at 3-4x the fast instances' alone, not 2x.", ""]
    if "weights" in results:
        rows = results["weights"]
        lines += ["### 3. Weights 1:2:3", "",
                  "Smooth weighted round robin over three servers, c=100; calls answered per "
                  "target (warm-up included).", "",
                  "| calls | share 1 (1/6 = 0.1667) | share 2 (2/6 = 0.3333) | "
                  "share 3 (3/6 = 0.5000) |", "|---:|---:|---:|---:|"]
        for r in rows:
            lines.append(f"| {fmt(r['calls'])} | " +
                         " | ".join(f"{s:.4f}" for s in r["shares"]) + " |")
        lines += ["", "Consistent hashing's key movement (adding a 4th instance moves at "
                  "most 30% of 10,000 keys) is checked by `RpcBalance.WeightsAndConsistent"
                  "HashAcrossServerProcesses` in CI.", ""]
    if "qps_limit" in results:
        rows = results["qps_limit"]
        lines += ["### 4. A QPS limit of 10,000", "",
                  "One server with `--qps_limit=10000`, c=100 for 5 s, then another 5 s; "
                  "refused calls are answered RESOURCE_EXHAUSTED at once.", "",
                  "| accepted QPS | vs limit | refused calls | refusal p50 / p99 | "
                  "other errors | server RSS start / after 5 s / after 10 s |",
                  "|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            rss = " / ".join(f"{v / 1024:.1f} MiB" for v in r["rss_kib"])
            lines.append(f"| {fmt(r['accepted_qps'])} | {r['accepted_qps'] / 10000:.3f}x | "
                         f"{fmt(r['refused'])} | {fmt(r['refused_p50_us'])} / "
                         f"{fmt(r['refused_p99_us'])} us | {r['other_errors']} | {rss} |")
        lines.append("")
    if "cost" in results:
        rows = results["cost"]
        names = [n for n in rows[0].keys() if not n.endswith("_cpu_us")]
        med = {n: median([r[n] for r in rows]) for n in names}
        cpu = {n: median([r[n + "_cpu_us"] for r in rows]) for n in names}
        ref = "baseline" if "baseline" in med else "default"
        lines += ["### 5. What governance costs when nothing fails", "",
                  "One server (`--loops=1`, on CPU 0), one target, mux c=100 (the client "
                  "on CPU 1), 3 s per run, the variants interleaved. `baseline` is the client before this work "
                  f"({args.baseline_label}); `default` is today's client with default "
                  "policies (no retry, no breaker); `governed` has `--retries=2 --breaker`.",
                  "The client's CPU time per call (user + system, from its rusage) is the "
                  "steadier figure: the client is the busier side, and QPS on this shared "
                  "machine swings by a quarter between runs.",
                  "", "| client | QPS (median) | runs | QPS vs " + ref + " | client CPU per call "
                  "| CPU vs " + ref + " |",
                  "|---|---:|---|---:|---:|---:|"]
        for n in names:
            lines.append(f"| {n} | {fmt(med[n])} | {', '.join(fmt(r[n]) for r in rows)} | "
                         f"{med[n] / med[ref]:.3f}x | {cpu[n]:.2f} us | "
                         f"{cpu[n] / cpu[ref]:.3f}x |")
        if ref == "baseline":
            lines.append("")
            lines.append(f"governed vs default: QPS {med['governed'] / med['default']:.3f}x, "
                         f"CPU per call {cpu['governed'] / cpu['default']:.3f}x.")
        lines.append("")
    return lines


def write_doc(path, lines):
    # After the RPC section, before "## Machine".
    write_section(path, BEGIN, END, lines, before="\n## Machine")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("--baseline-build", default="")
    p.add_argument("--baseline-label", default="the commit before the governance work")
    p.add_argument("--doc", default="docs/benchmarks.md")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--only", default="kill,backup,weights,qps_limit,cost")
    args = p.parse_args()
    only = set(args.only.split(","))
    results = {}
    if "kill" in only:
        results["kill_idem"] = scenario_kill(args.build, args.runs, True)
        results["kill"] = scenario_kill(args.build, args.runs, False)
    if "backup" in only:
        results["backup10"] = scenario_backup(args.build, args.runs, 10)
        results["backup"] = scenario_backup(args.build, args.runs, 100)
    if "weights" in only:
        results["weights"] = scenario_weights(args.build, args.runs)
    if "qps_limit" in only:
        results["qps_limit"] = scenario_qps_limit(args.build, args.runs)
    if "cost" in only:
        results["cost"] = scenario_cost(args.build, args.baseline_build, args.runs)
    lines = report(results, args)
    print("\n".join(lines))
    write_doc(args.doc, lines)
    log("wrote", args.doc)


if __name__ == "__main__":
    main()
