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
#   hot-loop     1 GiB of one failure line repeated (a hot retry loop), gzipped
#   many-files   10,000 small inputs in one run (one worker pool for all)
#   noise-clusters  KP_MEM_NOISE lines (default 10,000,000), gzipped, each naming
#                a new cluster with a rotation word: an `unknown` cluster each
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
CASES="${KP_MEM_CASES:-blank-gzip blank-plain hot-loop many-files noise-clusters}"
NOISE="${KP_MEM_NOISE:-10000000}"

make_input() {
  case "$1" in
    blank-gzip)
      [ -s "$DATA/blank-1g.gz" ] || head -c 1073741824 /dev/zero | tr '\0' '\n' | gzip -1 >"$DATA/blank-1g.gz"
      echo "$DATA/blank-1g.gz" ;;
    blank-plain)
      [ -s "$DATA/blank-100m.log" ] || head -c 100000000 /dev/zero | tr '\0' '\n' >"$DATA/blank-100m.log"
      echo "$DATA/blank-100m.log" ;;
    hot-loop)
      # The issue's case: one failure, ~4.4 M times, each a microsecond
      # after the last (the kubelet's stamp and zap's own).
      [ -s "$DATA/hot-loop-1g.log.gz" ] || python3 - "$DATA/hot-loop-1g.log.gz" <<'PY'
import gzip, sys
line = ('2026-11-20T03:00:%02d.%06d000Z {"level":"error","ts":%d.%06d,"logger":"kp-events",'
        '"msg":"Rotation attempt failed","clusterID":"c23h5icd0sr2mu96rcig","attempt":2,'
        '"error":"failed to update WDEK secret: the object has been modified"}\n')
size, i = 0, 0
with gzip.open(sys.argv[1], "wt", compresslevel=6) as f:
    while size < 1 << 30:
        s, us = divmod(4_000_000 + i, 1_000_000)
        text = line % (s, us, 1795143600 + s, us)
        f.write(text)
        size += len(text)
        i += 1
PY
      echo "$DATA/hot-loop-1g.log.gz" ;;
    noise-clusters)
      [ -s "$DATA/noise-$NOISE.log.gz" ] || python3 - "$DATA/noise-$NOISE.log.gz" "$NOISE" <<'PY'
import gzip, sys
digits = "0123456789abcdefghijklmnopqrstuv"
def xid(n):  # 20 characters of the xid alphabet, one a digit
    s = ""
    for _ in range(19):
        n, d = divmod(n, 32)
        s = digits[d] + s
    return s + "7"
line = ('2026-11-20T03:%02d:%02d.%06d000Z {"level":"info","ts":%d.%06d,"logger":"kp-events",'
        '"msg":"key rotation pending","clusterID":"%s"}\n')
with gzip.open(sys.argv[1], "wt", compresslevel=1) as f:
    for i in range(int(sys.argv[2])):
        secs, us = divmod(i * 10, 1_000_000)  # 100,000 lines a second
        f.write(line % (secs // 60, secs % 60, us, 1795143600 + secs, us,
                        xid(i * 2654435761 % (1 << 95))))
PY
      echo "$DATA/noise-$NOISE.log.gz" ;;
    many-files)
      if [ ! -d "$DATA/many" ]; then
        mkdir -p "$DATA/many"
        for i in $(seq 1 10000); do cp fixtures/scenarios/retrying.log "$DATA/many/$i.log"; done
      fi
      echo "$DATA/many" ;;
  esac
}

printf '%-15s %12s %10s %12s %6s\n' case bytes seconds peak_KiB status
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
  printf '%-15s %12s %10s %12s %6s\n' "$c" "$bytes" "$secs" "$kib" "$status"
done
