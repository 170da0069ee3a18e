#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 300), seeded from the
# fixtures, and copies any crash into tests/fuzz-regressions/TARGET/ so the
# test suite replays it for ever.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# The machine has only the stable toolchain: RUSTC_BOOTSTRAP=1 lets
# cargo-fuzz use the nightly flags it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode_line logdna_page pack times pipeline redact redact_linear alert envelope cloudlogs_answer)

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1

seed() {
  local t=$1 dir=fuzz/corpus/$1
  mkdir -p "$dir"
  case $t in
    decode_line|pipeline)
      for f in fixtures/incident/*.log fixtures/scenarios/*.log; do
        if [ "$t" = pipeline ]; then cp "$f" "$dir/$(basename "$f")"; else
          split -l 1 -a 4 "$f" "$dir/$(basename "$f" .log)-"; fi
      done ;;
    logdna_page) for f in fixtures/logdna/*.json fixtures/logdna/*.jsonl; do head -c 65536 "$f" > "$dir/$(basename "$f")"; done ;;
    pack) cp patterns/default.toml "$dir/default.toml" ;;
    envelope) for f in fixtures/incident/*.log fixtures/incident/*.jsonl fixtures/incident/*.json fixtures/incident/*.txt; do [ -f "$f" ] && head -c 8192 "$f" > "$dir/$(basename "$f")"; done ;;
    cloudlogs_answer) for f in fixtures/cloudlogs/* fixtures/incident/*sse*; do [ -f "$f" ] && head -c 8192 "$f" > "$dir/$(basename "$f")"; done ;;
    alert) printf 'Labels:\n - alertname = armada-kp-events/armada_kp_events_key_rotation_failures\nAnnotations:\n - description = "failures for resource crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:c23h5icd0sr2mu96rcig:: in the last 15 mins"\n' > "$dir/a" ;;
    redact) printf '\x00\x05Rotation attempt failed for cluster c23h5icd0sr2mu96rcig: "token": "' > "$dir/a" ;;
    redact_linear) printf 'token=' > "$dir/a"; printf 'Secret: --token ' > "$dir/b"; printf '%%22apikey%%22%%3A' > "$dir/c"; printf 'Bearer ' > "$dir/d" ;;
    times) printf '2026-11-20T03:00:01.123456789Z' > "$dir/a"; printf '1795143601' > "$dir/b"; printf '1h30m' > "$dir/c"; printf '2020-09-08T10:46:12.404+0530' > "$dir/d" ;;
  esac
}

for t in "${targets[@]}"; do
  seed "$t"
  echo "== $t: ${secs}s"
  start=$(date +%s)
  status=0
  cargo fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=4096 -max_len=8192 >"fuzz/$t.log" 2>&1 || status=$?
  # The last coverage line, and how many times coverage grew: a run that
  # finds little new on a second pass has reached its plateau.
  grep -E '^#[0-9]+' "fuzz/$t.log" | tail -n 1
  echo "   new coverage events: $(grep -cE '^#[0-9]+.*NEW' "fuzz/$t.log")"
  grep -E 'Done [0-9]+ runs' "fuzz/$t.log" || true
  echo "   ran $(( $(date +%s) - start ))s, exit $status"
  if ls fuzz/artifacts/"$t"/crash-* >/dev/null 2>&1; then
    mkdir -p "tests/fuzz-regressions/$t"
    cp fuzz/artifacts/"$t"/crash-* "tests/fuzz-regressions/$t/"
    echo "   CRASH: copied to tests/fuzz-regressions/$t/"
  fi
done
