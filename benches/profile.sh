#!/usr/bin/env bash
# Where kp-triage's instructions go, stage by stage: callgrind on one thread, so the counts do
# not depend on the machine's load (unlike perf's samples or wall time).
#
#   benches/profile.sh FILE [FILE...]      # e.g. 20 MB cut from a kp_gen file: head -c 20000000
#
# Prints, per file, each pipeline stage's inclusive instruction count and its share of the run.
# Stages nest (the pre-pass holds the prefilter), so shares do not add up to 100%. Builds the
# `profiling` profile (the release build with line tables; see Cargo.toml) into
# $CARGO_TARGET_DIR (default target/bench); writes callgrind.out.* into $KP_BENCH_DATA (default
# /tmp/kp-bench-data). KP_BIN=PATH profiles that binary instead of building (a release binary
# keeps its symbols, so stages still show, minus what was inlined): before/after comparisons.
set -euo pipefail
[ $# -gt 0 ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/bench}"
OUT="${KP_BENCH_DATA:-/tmp/kp-bench-data}"
mkdir -p "$OUT"
if ! command -v valgrind >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq valgrind >/dev/null
fi
if [ -n "${KP_BIN:-}" ]; then
    KP="$KP_BIN"
else
    (cd "$ROOT" && cargo build --profile profiling --quiet --bin kp-triage)
    KP="$CARGO_TARGET_DIR/profiling/kp-triage"
fi

STAGES='
kp_triage::analyze::load_pack                         start-up: load and check the pattern pack
kp_triage::source::lines::LineReader<R>::next_line    source: split lines
kp_triage::scan::pipeline::sequential                 scan loop (lines, pre-pass, records)
kp_triage::scan::pre::pre                             pre-pass (per line, parallel when threaded)
kp_triage::envelope::text::unwrap_for                 - kubectl/stern wrapper
kp_triage::envelope::open                             - JSON envelope (LogDNA, Cloud Logs)
kp_triage::classify::Classifier::is_candidate         - keyword prefilter
kp_triage::scan::State::count_by_shape                non-candidates: counted by shape
kp_triage::scan::State::flush                         record builder: candidates in full
kp_triage::decode::decode                             - decode the record
kp_triage::classify::Classifier::classify             - pattern rules
kp_triage::scan::text::read                           - words, rules and ids of a candidate
kp_triage::classify::words::Vocabulary::read          - the word layer
kp_triage::classify::attribution::attribute           - cluster and correlation id
kp_triage::redact::Redactor::redact                   - redaction
kp_triage::attempts::rebuild                          attempts
kp_triage::verdict::decide                            verdict
kp_triage::report::render                             report (JSON)
'

for file in "$@"; do
    cg="$OUT/callgrind.out.$(basename "$KP").$(basename "$file")"
    rc=0
    valgrind --tool=callgrind --callgrind-out-file="$cg" \
        "$KP" analyze --format json --threads 1 "$file" >/dev/null 2>"$cg.log" || rc=$?
    # kp-triage exits 1 when it finds failures and 3 with no evidence; valgrind passes it through.
    [ "$rc" -le 1 ] || [ "$rc" -eq 3 ] || { sed -n '1,20p' "$cg.log" >&2; exit 1; }
    echo "## $(basename "$file") ($(stat -c %s "$file") bytes)"
    echo
    echo "| stage | instructions | share |"
    echo "|---|---:|---:|"
    callgrind_annotate --inclusive=yes "$cg" | awk -v stages="$STAGES" '
        BEGIN {
            n = split(stages, lines, "\n")
            for (i = 1; i <= n; i++) {
                if (lines[i] == "") continue
                fn = lines[i]; sub(/ .*/, "", fn)
                label = lines[i]; sub(/^[^ ]+ +/, "", label)
                order[++k] = fn; name[fn] = label
            }
        }
        /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
        {
            for (j = 1; j <= NF; j++) if ($j ~ /:kp_triage::/) {
                fn = $j; sub(/^.*:kp_triage::/, "kp_triage::", fn)
                if (fn in name) { c = $1; gsub(",", "", c); if (c + 0 > best[fn]) best[fn] = c + 0 }
            }
        }
        END {
            for (i = 1; i <= k; i++) if (order[i] in best)
                printf "| %s | %.1fM | %.1f%% |\n", name[order[i]], best[order[i]] / 1e6, 100 * best[order[i]] / total
            printf "| **total** | %.1fM | 100%% |\n\n", total / 1e6
        }'
done
