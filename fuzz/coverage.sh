#!/usr/bin/env bash
# How much of kp-triage's own code a fuzz corpus reaches: libFuzzer replays the corpus once
# (-runs=0, no mutation) and prints per-function edge coverage; the functions from src/ are
# summed. The fuzzer's own `cov:` figure also counts the dependencies (the TOML parser, the
# regex compiler), which can keep growing long after kp-triage's code has stopped: compare this
# figure between a round's starting corpus and its end to see whether a target has plateaued.
#
#   fuzz/coverage.sh TARGET [CORPUS_DIR...]    # default: fuzz/corpus/TARGET
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
t=$1
shift
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=("fuzz/corpus/$t")

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
cargo fuzz build "$t" >/dev/null 2>&1 || cargo fuzz build "$t"
bin="fuzz/target/x86_64-unknown-linux-gnu/release/$t"
src="$(pwd)/src/"

for d in "${dirs[@]}"; do
    out=$(mktemp)
    "$bin" -runs=0 -print_coverage=1 -rss_limit_mb=4096 -max_len=8192 "$d" >"$out" 2>&1 || true
    all=$(grep -E '^#[0-9]+.*(INITED|DONE)' "$out" | tail -n 1 | sed -E 's/.*cov: ([0-9]+).*/\1/')
    grep -E '^(UN)?COVERED_FUNC' "$out" | grep -F "$src" |
        awk -v dir="$d" -v all="$all" -v n="$(find "$d" -type f | wc -l)" '
            { split($5, e, "/"); cov += e[1]; tot += e[2]; if (e[1] > 0) fns++ ; nf++ }
            END { printf "%s: %d inputs; kp-triage edges %d of %d (%d of %d functions); all edges %s\n",
                  dir, n, cov, tot, fns, nf, all }'
    rm -f "$out"
done
