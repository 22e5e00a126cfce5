"""Helpers for bench/run.sh (standard library only).

    python bench.py record OUT.jsonl TOOL INPUT RUN TIME_V_FILE STDOUT_FILE TEXT_BYTES [EXTRA_JSON]
        appends one result: throughput from the tool's own JSON line when it printed one (the
        library drivers time the repair loop only), else TEXT_BYTES over the wall time of
        /usr/bin/time -v (the CLI: start-up, JSON parsing and output included); peak RSS always
        from /usr/bin/time -v
    python bench.py text-bytes FILE.jsonl
        prints the UTF-8 bytes of the `text` fields
    python bench.py clean-rate EVAL.json
        prints the exact false-change rates of a hanfix-eval --json report
    python bench.py report RESULTS.jsonl
        prints Markdown tables of medians (MB/s per core, peak RSS) and the ratios
"""

import json
import statistics
import sys


def parse_time_v(path):
    wall = rss = cpu = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("Elapsed (wall clock) time"):
                v = line.rsplit(" ", 1)[-1]
                parts = [float(p) for p in v.split(":")]
                wall = 0.0
                for p in parts:
                    wall = wall * 60 + p
            elif line.startswith("Maximum resident set size"):
                rss = int(line.rsplit(" ", 1)[-1])
            elif line.startswith(("User time", "System time")):
                cpu = (cpu or 0.0) + float(line.rsplit(" ", 1)[-1])
    return wall, rss, cpu


def record(args):
    out, tool, inp, run, time_v, stdout_file, text_bytes = args[:7]
    extra = json.loads(args[7]) if len(args) > 7 else {}
    wall, rss_kb, cpu = parse_time_v(time_v)
    # run.sh's own clock (nanosecond resolution) is preferred to time -v's centiseconds.
    wall = extra.pop("wall_ns", None) or wall
    own = None
    try:
        with open(stdout_file, encoding="utf-8") as f:
            first = f.readline()
        if first.startswith("{"):
            obj = json.loads(first)
            if "seconds" in obj and "bytes" in obj:
                own = obj
    except (OSError, ValueError):
        own = None
    if own is not None:
        nbytes, secs = own["bytes"], own["seconds"]
    else:
        nbytes, secs = int(text_bytes), wall
    row = {
        "tool": tool,
        "input": inp,
        "run": int(run),
        "bytes": nbytes,
        "seconds": secs,
        "mb_s": nbytes / secs / 1e6 if secs else None,
        "wall": wall,
        "rss_mb": rss_kb / 1024 if rss_kb else None,
        "cpu_s": cpu,
    }
    for k in ("docs", "passes", "changed_docs", "fast_path_docs", "fast_path_bytes", "version"):
        if own is not None and k in own:
            row[k] = own[k]
    row.update(extra)
    with open(out, "a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")
    print(f"  {tool:<12} {inp:<14} run {run}: {row['mb_s'] or 0:10.3f} MB/s  "
          f"peak RSS {row['rss_mb'] or 0:7.1f} MB  (wall {wall:.2f} s)", flush=True)


def text_bytes(path):
    n = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                n += len(json.loads(line).get("text", "").encode("utf-8"))
    print(n)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=2):
    if x is None:
        return "-"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 0.1:
        return f"{x:.{nd}f}"
    return f"{x:.4f}"


def report(path):
    rows = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    tp = [r for r in rows if r.get("kind", "tools") == "tools"]
    inputs = list(dict.fromkeys(r["input"] for r in tp))
    tools = list(dict.fromkeys(r["tool"] for r in tp))
    if tp:
        print("Throughput, MB/s of text per core (median of runs; peak RSS MB in brackets)\n")
        print("| tool | " + " | ".join(inputs) + " |")
        print("|---|" + "---|" * len(inputs))
        cell = {}
        for t in tools:
            out = []
            for i in inputs:
                sel = [r for r in tp if r["tool"] == t and r["input"] == i]
                m, rss = med([r["mb_s"] for r in sel]), med([r["rss_mb"] for r in sel])
                cell[(t, i)] = m
                out.append(f"{fmt(m)} ({fmt(rss, 0)} MB, n={len(sel)})" if sel else "-")
            print(f"| {t} | " + " | ".join(out) + " |")
        print("\nRatios of medians (hanfix library / peer; CLI in brackets)\n")
        print("| ratio | " + " | ".join(inputs) + " |")
        print("|---|" + "---|" * len(inputs))
        for peer in ("ftfy", "opencc", "zhconv"):
            if peer not in tools:
                continue
            out = []
            for i in inputs:
                p = cell.get((peer, i))
                a, c = cell.get(("hanfix-lib", i)), cell.get(("hanfix-cli", i))
                r1 = f"{a / p:.3g}×" if a and p else "-"
                r2 = f" ({c / p:.3g}×)" if c and p else ""
                out.append(r1 + r2)
            print(f"| hanfix / {peer} | " + " | ".join(out) + " |")
    th = [r for r in rows if r.get("kind") == "threads"]
    if th:
        print("\nCLI on a large JSON Lines file (median of runs)\n")
        print("| threads | file MB | wall s | MB/s | CPU s (user+sys) | peak RSS MB | runs |")
        print("|---|---|---|---|---|---|---|")
        for t in sorted({r["threads"] for r in th}):
            sel = [r for r in th if r["threads"] == t]
            w = med([r["wall"] for r in sel])
            fb = sel[0]["file_bytes"]
            print(f"| {t} | {fb / 1e6:.0f} | {fmt(w)} | {fmt(fb / w / 1e6)} | "
                  f"{fmt(med([r.get('cpu_s') for r in sel]))} | "
                  f"{fmt(med([r['rss_mb'] for r in sel]), 0)} | {len(sel)} |")
    sc = [r for r in rows if r.get("kind") == "scaling"]
    if sc:
        print("\nCLI --threads 1, growing input (median of runs)\n")
        print("| input bytes | wall s | µs per KB | MB/s | peak RSS MB |")
        print("|---|---|---|---|---|")
        for b in sorted({r["file_bytes"] for r in sc}):
            sel = [r for r in sc if r["file_bytes"] == b]
            w = max(med([r["wall"] for r in sel]), 1e-9)
            print(f"| {b:,} | {w:.3f} | {w / (b / 1024) * 1e6:.1f} | {b / w / 1e6:.1f} | "
                  f"{fmt(med([r['rss_mb'] for r in sel]), 0)} |")


def clean_rate(path):
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    for c in report["clean"]:
        print(f"  exact false-change rate ({c['options']}): {c['false_change_rate']:.3e} "
              f"({c['changed_chars']} of {c['chars']} characters, {c['edits']} edits)")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "record":
        record(args)
    elif cmd == "text-bytes":
        text_bytes(args[0])
    elif cmd == "clean-rate":
        clean_rate(args[0])
    elif cmd == "report":
        report(args[0])
    else:
        sys.exit(f"unknown command {cmd!r}")


if __name__ == "__main__":
    main()
