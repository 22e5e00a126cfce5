#!/usr/bin/env bash
# Side-by-side throughput of hanfix and its peers, one core each, in one run on the same input.
# See BENCHMARKS.md for what it measures and the last results.
#
#   bench/run.sh [all|tools|threads|scaling|accuracy]      (default: all)
#
# Environment:
#   BENCH_RUNS=3             repetitions of every measurement (medians are reported)
#   BENCH_CORPUS=DIR         clean eval slices (hans_eval.jsonl, hant_eval.jsonl); default: the
#                            first of ../shared/corpus and /work/shared/corpus that exists, else
#                            the simulator's built-in sentences
#   BENCH_DAMAGED_BYTES=N    size of the seed-style damaged input (default 131072)
#   BENCH_BIG_BYTES=N        size of the large JSON Lines file for the threads test
#                            (default 1100000000)
#   BENCH_SCALING_MAX=N      largest input of the growth test (default 100000000)
#   BENCH_CPU=N              core the single-core measurements are pinned to (default 0)
#   BENCH_TIMEOUT=SECS       give up one measurement after SECS seconds (default 900)
#   BENCH_OUT=DIR            results and scratch files (default bench/out)
#
# Setup (first run): a virtualenv in bench/.venv with the PyPI packages ftfy and opencc, the
# hanfix release build, the throughput driver (crates/hanfix/benches/throughput.rs) and the
# standalone zhconv timing program in bench/anchors/zhconv (never a hanfix dependency).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
WHAT=${1:-all}
RUNS=${BENCH_RUNS:-3}
OUT=${BENCH_OUT:-bench/out}
DAMAGED_BYTES=${BENCH_DAMAGED_BYTES:-131072}
BIG_BYTES=${BENCH_BIG_BYTES:-1100000000}
SCALING_MAX=${BENCH_SCALING_MAX:-100000000}
CPU=${BENCH_CPU:-0}
TIMEOUT=${BENCH_TIMEOUT:-900}
if [[ -z ${BENCH_CORPUS:-} ]]; then
    for d in ../shared/corpus /work/shared/corpus; do
        if [[ -f $d/hans_eval.jsonl ]]; then BENCH_CORPUS=$d; break; fi
    done
fi
CORPUS=${BENCH_CORPUS:-}
mkdir -p "$OUT/inputs"
RESULTS=$OUT/results.jsonl
PY=bench/.venv/bin/python
PIN=()
if command -v taskset > /dev/null; then PIN=(taskset -c "$CPU"); fi

log() { printf '== %s\n' "$*" >&2; }

setup() {
    if [[ ! -x $PY ]] || ! "$PY" -c 'import ftfy, opencc' 2> /dev/null; then
        log "virtualenv bench/.venv with ftfy and opencc"
        python3 -m venv bench/.venv
        "$PY" -m pip install --quiet --upgrade pip
        "$PY" -m pip install --quiet ftfy opencc
    fi
    log "building hanfix (release), the throughput driver and the zhconv anchor"
    cargo build --release --quiet -p hanfix-cli -p hanfix-sim
    HANFIX=$ROOT/target/release/hanfix
    EVAL=$ROOT/target/release/hanfix-eval
    DRIVER=$(cargo bench -p hanfix --bench throughput --no-run --message-format=json 2> /dev/null |
        "$PY" -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "throughput" and m.get("executable"):
        print(m["executable"])')
    (cd bench/anchors/zhconv && cargo build --release --quiet)
    ZHCONV=$ROOT/bench/anchors/zhconv/target/release/zhconv-anchor
    # Copies, so that a rebuild in the work tree during a long run cannot swap binaries.
    mkdir -p "$OUT/bin"
    cp "$HANFIX" "$EVAL" "$DRIVER" "$ZHCONV" "$OUT/bin/"
    HANFIX=$OUT/bin/hanfix
    EVAL=$OUT/bin/hanfix-eval
    DRIVER=$OUT/bin/$(basename "$DRIVER")
    ZHCONV=$OUT/bin/zhconv-anchor
    export HANFIX EVAL DRIVER ZHCONV
}

machine() {
    {
        echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates || echo ' (crates/ has uncommitted changes)')"
        echo "nproc: $(nproc)"
        echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
        echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "rustc: $(rustc --version)"
        echo "python: $("$PY" --version 2>&1), $("$PY" -m pip list 2> /dev/null | grep -i -E '^(ftfy|opencc) ' | tr -s ' ' | paste -sd, -)"
        echo "zhconv: $(grep -A2 'name = "zhconv"' bench/anchors/zhconv/Cargo.lock | grep version | cut -d'"' -f2) (features: opencc only)"
    } | tee "$OUT/machine.txt"
}

prepare() {
    log "preparing inputs in $OUT/inputs"
    local args=("$OUT/inputs" --damaged-bytes "$DAMAGED_BYTES")
    if [[ -n $CORPUS ]]; then args+=(--corpus "$CORPUS"); fi
    "$DRIVER" prepare "${args[@]}" | tee "$OUT/inputs/README.txt"
}

# measure KIND TOOL INPUT RUN TEXT_BYTES EXTRA_JSON STDOUT -- COMMAND...
measure() {
    local kind=$1 tool=$2 input=$3 run=$4 tbytes=$5 extra=$6 stdout=$7
    shift 8
    local tv=$OUT/time-v.txt t0 t1
    t0=$(date +%s.%N)
    if ! timeout "$TIMEOUT" /usr/bin/time -v -o "$tv" "$@" > "$stdout"; then
        log "$tool on $input: failed or timed out after ${TIMEOUT}s"
        return 0
    fi
    t1=$(date +%s.%N)
    extra=$("$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); d["kind"]=sys.argv[2]; d["wall_ns"]=float(sys.argv[4])-float(sys.argv[3]); print(json.dumps(d))' "$extra" "$kind" "$t0" "$t1")
    "$PY" bench/bench.py record "$RESULTS" "$tool" "$input" "$run" "$tv" "$stdout" "$tbytes" "$extra"
}

tools() {
    prepare
    local inputs=(clean_hans clean_hant seed_hant)
    for r in $(seq 1 "$RUNS"); do
        log "tools, run $r of $RUNS (load $(cut -d' ' -f1 /proc/loadavg))"
        for i in "${inputs[@]}"; do
            local f=$OUT/inputs/$i.jsonl tb
            tb=$("$PY" bench/bench.py text-bytes "$f")
            measure tools hanfix-lib "$i" "$r" "$tb" '{}' "$OUT/stdout.txt" -- "${PIN[@]}" "$DRIVER" time "$f"
            # The CLI gets the file several times (about 10 MB of text in all for the clean
            # inputs) so that start-up does not dominate; it cannot loop by itself.
            local k=1 files=()
            if [[ $i != seed_hant ]]; then k=$(((10000000 + tb - 1) / tb)); fi
            for _ in $(seq 1 "$k"); do files+=("$f"); done
            measure tools hanfix-cli "$i" "$r" "$((tb * k))" "{\"copies\": $k}" "$OUT/cli-$i.jsonl" -- "${PIN[@]}" "$HANFIX" fix --threads 1 --quiet "${files[@]}"
            measure tools ftfy "$i" "$r" "$tb" '{}' "$OUT/stdout.txt" -- "${PIN[@]}" "$PY" bench/peers.py ftfy "$f"
            measure tools opencc "$i" "$r" "$tb" '{}' "$OUT/stdout.txt" -- "${PIN[@]}" "$PY" bench/peers.py opencc "$f"
            measure tools zhconv "$i" "$r" "$tb" '{}' "$OUT/stdout.txt" -- "${PIN[@]}" "$ZHCONV" "$f"
        done
    done
}

# The source lines repeated into large files: the eval slices as they are, else the prepared ones.
source_lines() {
    local src=$OUT/inputs/source.jsonl
    if [[ -n $CORPUS ]]; then
        cat "$CORPUS/hans_eval.jsonl" "$CORPUS/hant_eval.jsonl" > "$src"
    else
        [[ -f $OUT/inputs/clean_hans.jsonl ]] || prepare
        cat "$OUT/inputs/clean_hans.jsonl" "$OUT/inputs/clean_hant.jsonl" > "$src"
    fi
    echo "$src"
}

threads() {
    local src big=$OUT/big.jsonl
    src=$(source_lines)
    log "threads: building $big ($BIG_BYTES bytes)"
    "$DRIVER" repeat "$src" "$big" "$BIG_BYTES"
    local fb
    fb=$(stat -c %s "$big")
    for r in $(seq 1 "$RUNS"); do
        for t in 1 2; do
            log "threads: --threads $t, run $r of $RUNS (load $(cut -d' ' -f1 /proc/loadavg))"
            measure threads "hanfix-cli -j$t" big "$r" 0 "{\"threads\": $t, \"file_bytes\": $fb}" "$OUT/big-j$t.out" -- "$HANFIX" fix --threads "$t" --quiet "$big"
        done
        if cmp -s "$OUT/big-j1.out" "$OUT/big-j2.out"; then
            echo "run $r: --threads 1 and --threads 2 outputs are byte-identical ($(stat -c %s "$OUT/big-j1.out") bytes)" | tee -a "$OUT/threads.txt"
        else
            echo "run $r: OUTPUTS DIFFER between --threads 1 and --threads 2" | tee -a "$OUT/threads.txt"
        fi
    done
    rm -f "$big" "$OUT/big-j1.out" "$OUT/big-j2.out"
}

scaling() {
    local src
    src=$(source_lines)
    local size=1000
    while ((size <= SCALING_MAX)); do
        local f=$OUT/scale.jsonl
        "$DRIVER" repeat "$src" "$f" "$size"
        local fb
        fb=$(stat -c %s "$f")
        for r in $(seq 1 "$RUNS"); do
            measure scaling "hanfix-cli -j1" "scale-$size" "$r" 0 "{\"file_bytes\": $fb}" "$OUT/scale.out" -- "${PIN[@]}" "$HANFIX" fix --threads 1 --quiet "$f"
        done
        size=$((size * 10))
    done
    rm -f "$OUT/scale.jsonl" "$OUT/scale.out"
}

accuracy_clean() {
    if [[ -z $CORPUS ]]; then return 0; fi
    for s in hans hant; do
        log "false-change on clean $s (hanfix-eval with no damage families)"
        "$EVAL" --input "$CORPUS/${s}_eval.jsonl" --families '' --json "$OUT/clean-$s.json" | tee "$OUT/clean-$s.txt"
        "$PY" bench/bench.py clean-rate "$OUT/clean-$s.json" | tee -a "$OUT/clean-$s.txt"
    done
}

setup
machine
case $WHAT in
    all) rm -f "$RESULTS" "$OUT/threads.txt"; tools; threads; scaling; accuracy_clean ;;
    tools) tools ;;
    threads) threads ;;
    scaling) scaling ;;
    accuracy) accuracy_clean ;;
    *) echo "usage: bench/run.sh [all|tools|threads|scaling|accuracy]" >&2; exit 2 ;;
esac
"$PY" bench/bench.py report "$RESULTS" | tee "$OUT/report.md"
