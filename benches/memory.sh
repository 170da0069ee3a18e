#!/usr/bin/env bash
# Peak memory on inputs built to make it grow: what the report needs must
# bound it, not what the lines hold. Prints one row per case: the input, its
# size, the wall time and the peak RSS (GNU time's %M), and the exit status.
#
#   benches/memory.sh            # every case
#   KP_MEM_CASES="blank-gzip" benches/memory.sh
#
# Cases:
#   blank-gzip   1 GiB of newlines, gzipped (a gzip bomb of blank lines)
#   blank-plain  100 MB of newlines
#   hot-loop     one failure line repeated 400,000 times (a hot retry loop)
#   many-files   10,000 small inputs in one run (one worker pool for all)
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/bench}"
command -v /usr/bin/time >/dev/null || {
  echo "needs GNU time: apt-get install -y time" >&2
  exit 2
}
cargo build --release --quiet --bin kp-triage
KP="$CARGO_TARGET_DIR/release/kp-triage"
DATA="${KP_MEM_DATA:-/tmp/kp-mem-data}"
mkdir -p "$DATA"
CASES="${KP_MEM_CASES:-blank-gzip blank-plain hot-loop many-files}"

make_input() {
  case "$1" in
    blank-gzip)
      [ -s "$DATA/blank-1g.gz" ] || head -c 1073741824 /dev/zero | tr '\0' '\n' | gzip -1 >"$DATA/blank-1g.gz"
      echo "$DATA/blank-1g.gz" ;;
    blank-plain)
      [ -s "$DATA/blank-100m.log" ] || head -c 100000000 /dev/zero | tr '\0' '\n' >"$DATA/blank-100m.log"
      echo "$DATA/blank-100m.log" ;;
    hot-loop)
      [ -s "$DATA/hot-loop.log" ] || python3 - "$DATA/hot-loop.log" <<'PY'
import sys
line = ('2026-11-20T03:00:04.%09dZ {"level":"error","ts":1795143604.1,"logger":"kp-events",'
        '"msg":"Rotation attempt failed","clusterID":"c23h5icd0sr2mu96rcig","attempt":2,'
        '"error":"failed to update WDEK secret: the object has been modified"}\n')
with open(sys.argv[1], "w") as f:
    for i in range(400_000):
        f.write(line % i)
PY
      echo "$DATA/hot-loop.log" ;;
    many-files)
      if [ ! -d "$DATA/many" ]; then
        mkdir -p "$DATA/many"
        for i in $(seq 1 10000); do cp fixtures/scenarios/retrying.log "$DATA/many/$i.log"; done
      fi
      echo "$DATA/many" ;;
  esac
}

printf '%-12s %12s %10s %12s %6s\n' case bytes seconds peak_KiB status
for c in $CASES; do
  input=$(make_input "$c")
  if [ -d "$input" ]; then
    args=("$input"/*.log)
    bytes=$(du -sb "$input" | cut -f1)
  else
    args=("$input")
    bytes=$(stat -c %s "$input")
  fi
  status=0
  /usr/bin/time -f '%e %M' -o "$DATA/time.txt" "$KP" analyze -o json "${args[@]}" >/dev/null 2>"$DATA/stderr.txt" || status=$?
  # GNU time puts "Command exited with non-zero status N" first.
  read -r secs kib < <(tail -n 1 "$DATA/time.txt") || true
  printf '%-12s %12s %10s %12s %6s\n' "$c" "$bytes" "$secs" "$kib" "$status"
done
