"""Times a Python peer over the `text` fields of a JSON Lines file on one thread.

    python peers.py ftfy|opencc FILE.jsonl [--min-secs S]

ftfy: `ftfy.fix_text` with its defaults. opencc: `opencc.OpenCC("t2s").convert`.
Whole passes repeat until S seconds (default 1) have passed; prints one JSON line in the format
of hanfix's throughput driver (`bytes` counts UTF-8 text bytes over all passes).
"""

import json
import sys
import time


def main() -> None:
    tool, path = sys.argv[1], sys.argv[2]
    min_secs = 1.0
    if "--min-secs" in sys.argv:
        min_secs = float(sys.argv[sys.argv.index("--min-secs") + 1])
    with open(path, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    if tool == "ftfy":
        import ftfy

        fn = ftfy.fix_text
        version = ftfy.__version__
    elif tool == "opencc":
        import opencc

        try:
            conv = opencc.OpenCC("t2s")
        except Exception:
            conv = opencc.OpenCC("t2s.json")
        fn = conv.convert
        version = getattr(opencc, "__version__", "?")
    else:
        sys.exit(f"unknown tool {tool!r}")
    fn("學習")  # load tables outside the timing
    passes = 0
    start = time.perf_counter()
    while True:
        changed = sum(1 for t in texts if fn(t) != t)
        passes += 1
        secs = time.perf_counter() - start
        if secs >= min_secs:
            break
    print(
        json.dumps(
            {
                "tool": tool,
                "version": version,
                "input": path,
                "docs": len(texts),
                "bytes": nbytes * passes,
                "seconds": secs,
                "passes": passes,
                "changed_docs": changed,
            }
        )
    )


if __name__ == "__main__":
    main()
