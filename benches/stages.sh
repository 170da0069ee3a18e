#!/usr/bin/env bash
# Wall-clock profile of kp-triage's stages on one input: perf samples (not instruction counts,
# which rank the candidate path too low: it runs at a low IPC), one thread so that the stages
# add up, each stage's share inclusive of what it calls.
#
#   benches/stages.sh FILE [KP_BIN]
#
# Needs perf. KP_BIN defaults to target/release/kp-triage (build it first). The file is cut
# to its first 60 MB so that perf's DWARF unwinding stays quick; start-up (the pack's
# compilation) is then a visible share, as it is on a small input.
set -euo pipefail

FILE="${1:?usage: benches/stages.sh FILE [KP_BIN]}"
BIN="${2:-target/release/kp-triage}"
command -v perf >/dev/null || { echo "stages.sh: needs perf" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
head -c 60000000 "$FILE" | head -n -1 >"$WORK/in.log"
perf record -q --call-graph dwarf,16384 -F 1000 -o "$WORK/perf.data" \
    "$BIN" analyze -o json --threads 1 "$WORK/in.log" >/dev/null 2>&1 || true
perf report -i "$WORK/perf.data" --children --sort sym --stdio 2>/dev/null >"$WORK/report.txt"

# stage name, then the function whose inclusive share it is
stages=(
    "read and cut lines|kp_triage::source::lines::LineReader<R>::next_line"
    "envelope: kubelet/stern prefix and time|kp_triage::envelope::text::unwrap_for"
    "envelope: JSON export rows|kp_triage::envelope::open"
    "prefilter (keyword walk)|kp_triage::classify::Classifier::is_candidate"
    "candidate: whole path|kp_triage::scan::prepare::prepare"
    "candidate: decode|kp_triage::decode::decode"
    "candidate: rules|kp_triage::classify::Classifier::classify"
    "candidate: words|kp_triage::classify::Classifier::read"
    "candidate: attribution|kp_triage::classify::attribution::attribute"
    "candidate: redaction|kp_triage::redact::Redactor::redact"
    "record builder (scan thread)|kp_triage::scan::Feed::take"
    "pack compilation (start-up)|kp_triage::classify::pack::Pack::load"
)
printf '| stage | share of wall-clock samples |\n|---|---:|\n'
for s in "${stages[@]}"; do
    name="${s%%|*}"
    sym="${s#*|}"
    pct="$(grep -F -- "] $sym" "$WORK/report.txt" | awk '$1 ~ /%$/ {print $1; exit}' || true)"
    printf '| %s | %s |\n' "$name" "${pct:-0%}"
done
