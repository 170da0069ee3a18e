#!/usr/bin/env bash
# End-to-end benchmark of kp-triage against ripgrep and cat/gzip on large generated logs.
#
#   benches/run.sh           # 100 MB and 1 GiB of each format, plain and gzipped
#   benches/run.sh --quick   # 100 MB only
#   KP_BENCH_FORMATS="kubectl-zap logdna" KP_BENCH_SIZES=1GiB benches/run.sh   # a subset
#
# The baseline is fixed: rg -c -i -e rotat -e etcd -e wdek -e kube FILE, plus cat
# (the page-cache limit) and gzip -dc, timed in the same hyperfine run (median of 3, under nice).
# Builds into $CARGO_TARGET_DIR (default: target/bench, to stay off the main target dir's
# lock), generates inputs into $KP_BENCH_DATA (default /tmp/kp-bench-data) when missing (kept
# between runs: delete the directory to regenerate), and prints Markdown tables, also written
# to $KP_BENCH_DATA/results.md. See benches/README.md.
set -euo pipefail

QUICK=0
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        -h | --help)
            sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "run.sh: unknown argument: $arg (try --quick)" >&2
            exit 2
            ;;
    esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/bench}"
DATA="${KP_BENCH_DATA:-/tmp/kp-bench-data}"
mkdir -p "$DATA"
RESULTS="$DATA/results.md"

log() { printf '[run.sh] %s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------------------------

need=()
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v gzip >/dev/null 2>&1 || need+=(gzip)
if [ "${#need[@]}" -gt 0 ]; then
    log "installing ${need[*]}"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- build -------------------------------------------------------------------------------------

log "building kp-triage and kp_gen (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
cargo build --release --quiet --bin kp-triage --example kp_gen
KP="$CARGO_TARGET_DIR/release/kp-triage"
GEN="$CARGO_TARGET_DIR/release/examples/kp_gen"
# The baseline an engineer types; it does not depend on the pack.
RG_BASE=(-c -i -e rotat -e etcd -e wdek -e kube)
RG_TEXT="rg -c -i -e rotat -e etcd -e wdek -e kube"
# Heavy runs share the machine: nice keeps them from starving other work; all commands of a
# row get the same treatment.
NICE="nice -n 5"

# --- inputs ------------------------------------------------------------------------------------

read -r -a FORMATS <<<"${KP_BENCH_FORMATS:-kubectl-zap klog logdna cloud-logs}"
if [ "$QUICK" -eq 1 ]; then SIZES=(100MB); else SIZES=(100MB 1GiB); fi
[ -z "${KP_BENCH_SIZES:-}" ] || read -r -a SIZES <<<"$KP_BENCH_SIZES"

# gen FILE ARGS...: generate FILE once; the generator's summary goes to FILE.gen.txt.
gen() {
    local file="$1"
    shift
    if [ -s "$file" ] && [ -s "$file.gen.txt" ]; then
        return
    fi
    log "generating $(basename "$file")"
    "$GEN" "$@" -o "$file" 2>"$file.gen.txt"
}

# stat_of FILE KEY: a key=value from the generator's summary.
stat_of() {
    tr ' ' '\n' <"$1.gen.txt" | sed -n "s/^$2=//p" | sed -n 1p
}

for fmt in "${FORMATS[@]}"; do
    for size in "${SIZES[@]}"; do
        gen "$DATA/$fmt-$size.log" --format "$fmt" --size "$size"
        gen "$DATA/$fmt-$size.log.gz" --format "$fmt" --size "$size" --gzip
    done
done
# The independent noise mix: kp_gen's rotation lines in noise written by independent_mix.py,
# a seventh of it errors of other subsystems, none naming the package (kubectl-zap, plain).
for size in "${SIZES[@]}"; do
    mix="$DATA/zap-independent-$size.log"
    if [ ! -s "$mix" ] || [ ! -s "$mix.gen.txt" ]; then
        bytes="$(python3 "$ROOT/benches/independent_mix.py" --bytes "$size")"
        gen "$DATA/rotation-only-$size.log" --format kubectl-zap --size "$((bytes * 3 / 100))" \
            --rotation-percent 100
        log "generating $(basename "$mix")"
        python3 "$ROOT/benches/independent_mix.py" "$DATA/rotation-only-$size.log" "$size" "$mix" 42 \
            2>"$mix.gen.txt"
    fi
done
SCALE_CLUSTERS=(10 1000 100000)
for n in "${SCALE_CLUSTERS[@]}"; do
    gen "$DATA/pool-c$n.log" --format kubectl-zap --size 100MB --clusters "$n"
    gen "$DATA/scale-c$n.log" --format kubectl-zap --size 100MB --clusters "$n" --cover-clusters
done
# The same number of rotation lines as 100 MB at 1%, in ten times the noise: memory should
# follow the rotation activity, not the input's size.
if [ "$QUICK" -eq 0 ]; then
    gen "$DATA/kubectl-zap-1GiB-r0.1.log" --format kubectl-zap --size 1GiB --rotation-percent 0.1
fi

# --- measuring ---------------------------------------------------------------------------------

# mean_of CSV ROW: hyperfine's median (seconds) for command ROW (1-based) of an --export-csv
# file (columns: command,mean,stddev,median,user,system,min,max). The median of 3+ runs: one
# run slowed by a neighbour on the shared machine does not move it.
mean_of() {
    awk -F, -v row="$2" 'NR == row + 1 { print $4 }' "$1"
}

# cpu_of CSV ROW: mean user + system CPU seconds (steadier than wall time on a busy machine).
cpu_of() {
    awk -F, -v row="$2" 'NR == row + 1 { printf "%.3f", $5 + $6 }' "$1"
}

# rss_mib FILE [ARGS...]: peak RSS of `kp-triage analyze --format json [ARGS...] FILE`, in MiB
# (GNU time -v).
rss_mib() {
    local file="$1" out="$DATA/time-$(basename "$1").txt" rc=0
    shift
    /usr/bin/time -v "$KP" analyze --format json "$@" "$file" >/dev/null 2>"$out" || rc=$?
    if [ "$rc" -gt 1 ] && [ "$rc" -ne 3 ]; then
        log "kp-triage failed on $file (exit $rc):"
        sed -n '1,5p' "$out" >&2
        exit 1
    fi
    awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$out"
}

# first_json_number FILE KEY: the first "KEY": N in kp-triage's JSON report.
first_json_number() {
    grep -o "\"$2\": *[0-9]*" "$1" | sed -n 1p | grep -o '[0-9]*$' || true
}

div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
per_sec() { awk -v n="$1" -v s="$2" -v k="$3" 'BEGIN { if (s > 0) printf "%.1f", n / s / k; else print "-" }'; }
fmt_s() { awk -v s="$1" 'BEGIN { printf "%.3f", s }'; }

HF=(hyperfine --warmup 1 --runs "${KP_BENCH_RUNS:-3}" --ignore-failure --style none)
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

ROWS=()
SKIPPED_THREADS=""
THREAD_ROWS=()

bench_file() { # bench_file FORMAT SIZE GZIP(yes|no) FILE
    local fmt="$1" size="$2" gz="$3" file="$4" name rc=0
    name="$(basename "$file")"
    # A first run warms the page cache and keeps the report (for the line count).
    "$KP" analyze --format json "$file" >"$DATA/report-$name.json" || rc=$?
    if [ "$rc" -gt 1 ] && [ "$rc" -ne 3 ]; then
        log "kp-triage exited $rc on $file"
        exit 1
    fi
    local cat_cmd rg_cmd load
    if [ "$gz" = yes ]; then
        cat_cmd="$NICE gzip -dc '$file' > /dev/null"
        rg_cmd="$NICE rg -z ${RG_BASE[*]} '$file' > /dev/null"
    else
        cat_cmd="$NICE cat '$file' > /dev/null"
        rg_cmd="$NICE rg ${RG_BASE[*]} '$file' > /dev/null"
    fi
    load="$(cut -d' ' -f1 /proc/loadavg)"
    log "timing $name (load $load)"
    "${HF[@]}" --export-csv "$DATA/hf-$name.csv" --export-json "$DATA/hf-$name.json" \
        -n kp-triage "$NICE '$KP' analyze --format json '$file' > /dev/null" \
        -n rg "$rg_cmd" \
        -n cat "$cat_cmd" >/dev/null
    local kp_s rg_s cat_s rss bytes lines
    kp_s="$(mean_of "$DATA/hf-$name.csv" 1)"
    rg_s="$(mean_of "$DATA/hf-$name.csv" 2)"
    cat_s="$(mean_of "$DATA/hf-$name.csv" 3)"
    rss="$(rss_mib "$file")"
    bytes="$(stat_of "$file" bytes)"
    lines="$(first_json_number "$DATA/report-$name.json" lines)"
    [ -n "$lines" ] || lines="$(stat_of "$file" lines)"
    ROWS+=("| $fmt | $size | $gz | $(fmt_s "$kp_s") | $(per_sec "$bytes" "$kp_s" 1e6) | $(per_sec "$lines" "$kp_s" 1e3)k | $rss | $(fmt_s "$rg_s") | $(fmt_s "$cat_s") | $(div "$kp_s" "$rg_s") | $(div "$kp_s" "$cat_s") | $(cpu_of "$DATA/hf-$name.csv" 1) | $load |")
}

for fmt in "${FORMATS[@]}"; do
    for size in "${SIZES[@]}"; do
        bench_file "$fmt" "$size" no "$DATA/$fmt-$size.log"
        bench_file "$fmt" "$size" yes "$DATA/$fmt-$size.log.gz"
    done
done
for size in "${SIZES[@]}"; do
    bench_file "kubectl-zap, independent noise" "$size" no "$DATA/zap-independent-$size.log"
done

# --- threads (only once kp-triage has the option) ------------------------------------------------

# Captured first: `grep -q` quitting early would break the pipe under pipefail.
ANALYZE_HELP="$("$KP" analyze --help)"
if grep -q -- '--threads' <<<"$ANALYZE_HELP"; then
    for size in "${SIZES[@]}"; do
        file="$DATA/kubectl-zap-$size.log"
        name="threads-$(basename "$file")"
        log "timing $name"
        "${HF[@]}" --export-csv "$DATA/hf-$name.csv" --export-json "$DATA/hf-$name.json" \
            -n threads-1 "'$KP' analyze --threads 1 --format json '$file' > /dev/null" \
            -n threads-default "'$KP' analyze --format json '$file' > /dev/null" >/dev/null
        t1="$(mean_of "$DATA/hf-$name.csv" 1)"
        tn="$(mean_of "$DATA/hf-$name.csv" 2)"
        THREAD_ROWS+=("| kubectl-zap | $size | $(fmt_s "$t1") | $(fmt_s "$tn") | $(div "$t1" "$tn") |")
    done
else
    SKIPPED_THREADS="Skipped: \`kp-triage analyze --help\` has no \`--threads\` option."
fi

# --- scaling with the number of clusters ---------------------------------------------------------

# time_alone FILE: keeps kp-triage's report on FILE (report-NAME.json) and times kp-triage alone;
# prints the mean. A failing kp-triage exits the script (set -e sees the substitution fail).
time_alone() {
    local file="$1" name rc=0
    name="$(basename "$file")"
    "$KP" analyze --format json "$file" >"$DATA/report-$name.json" || rc=$?
    [ "$rc" -le 1 ] || [ "$rc" -eq 3 ] || { log "kp-triage exited $rc on $file"; exit 1; }
    log "timing $name"
    "${HF[@]}" --export-csv "$DATA/hf-$name.csv" --export-json "$DATA/hf-$name.json" \
        -n kp-triage "'$KP' analyze --format json '$file' > /dev/null" >/dev/null
    mean_of "$DATA/hf-$name.csv" 1
}

SCALE_ROWS=()
for n in "${SCALE_CLUSTERS[@]}"; do
    file="$DATA/scale-c$n.log"
    name="$(basename "$file")"
    s="$(time_alone "$file")"
    seen="$(first_json_number "$DATA/report-$name.json" clusters_in_input)"
    SCALE_ROWS+=("| $n | $seen | $(stat_of "$file" rotation_share) | $(stat_of "$file" rotation_lines) | $(fmt_s "$s") | $(per_sec "$(stat_of "$file" bytes)" "$s" 1e6) | $(rss_mib "$file") | $(cpu_of "$DATA/hf-$name.csv" 1) |")
done

POOL_ROWS=()
pool_base=""
for n in "${SCALE_CLUSTERS[@]}"; do
    file="$DATA/pool-c$n.log"
    name="$(basename "$file")"
    s="$(time_alone "$file")"
    [ -n "$pool_base" ] || pool_base="$s"
    seen="$(first_json_number "$DATA/report-$name.json" clusters_in_input)"
    POOL_ROWS+=("| $n | $seen | $(stat_of "$file" rotation_lines) | $(fmt_s "$s") | $(div "$s" "$pool_base") | $(rss_mib "$file") | $(cpu_of "$DATA/hf-$name.csv" 1) |")
done

# --- memory against rotation activity ------------------------------------------------------------

MEM_ROWS=()
mem_files=("$DATA/kubectl-zap-100MB.log")
if [ "$QUICK" -eq 0 ]; then
    mem_files+=("$DATA/kubectl-zap-1GiB-r0.1.log" "$DATA/kubectl-zap-1GiB.log")
fi
for file in "${mem_files[@]}"; do
    log "peak RSS of $(basename "$file")"
    MEM_ROWS+=("| $(basename "$file") | $(stat_of "$file" bytes) | $(stat_of "$file" rotation_lines) | $(rss_mib "$file" --threads 1) | $(rss_mib "$file") |")
done

# --- one 50 MB line ---------------------------------------------------------------------------------

# A zap line whose message is 50 MB with a rotation failure at its head: the line is cut at the
# cap, counted, and its head still classified; peak RSS must stay within 64 MiB.
LONG="$DATA/long-line-50MB.log"
if [ ! -s "$LONG" ]; then
    {
        printf '2026-11-20T03:00:01.000000000Z {"level":"error","ts":1795150801.0,"logger":"kp-events.rotation","caller":"rotation/rotate.go:142","msg":"Rotation attempt failed","cluster":"c0ffee1234567890abcd","attempt":1,"error":"failed to update WDEK secret: '
        head -c 50000000 /dev/zero | tr '\0' 'x'
        printf '"}\n'
    } >"$LONG"
fi
LONG_RSS="$(rss_mib "$LONG")"
LONG_TRUNC="$("$KP" analyze --format json "$LONG" 2>/dev/null | grep -o '"truncated_lines": *[0-9]*' | grep -o '[0-9]*$' || true)"

# --- report ------------------------------------------------------------------------------------

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p)"
mem="$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
{
    echo "## kp-triage end-to-end benchmark"
    echo
    echo "- Command: \`benches/run.sh$([ "$QUICK" -eq 1 ] && echo ' --quick')\`"
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- Machine: $(nproc) CPUs ($cpu), $mem RAM, $(uname -sr)"
    echo "- $("$KP" --version), $(rg --version | sed -n 1p), $(hyperfine --version), $(gzip --version | sed -n 1p)"
    echo "- Inputs: \`kp_gen --seed 42 --clusters 2000\` (about 1% rotation lines); sizes are uncompressed (MB = 10^6 bytes)."
    echo "  \"independent noise\": kp_gen's rotation lines (\`--rotation-percent 100\`) each after 99 noise lines of \`benches/independent_mix.py\` (seed 42), a seventh of them errors of other subsystems, none naming the package."
    echo "- Times: hyperfine median of ${KP_BENCH_RUNS:-3} runs after 1 warm-up, page cache warm, every command under \`$NICE\`. kp-triage: \`kp-triage analyze --format json FILE > /dev/null\`;"
    echo "  rg (fixed baseline): \`$RG_TEXT FILE\` (\`rg -z\` for gzip); cat/gzip: \`cat FILE\` or \`gzip -dc FILE\` to /dev/null. The load column is the 1-minute load average as the row started."
    echo "  MB/s and lines/s are of the uncompressed input; peak RSS is GNU time's maximum resident set size; ratios are kp-triage time / other time;"
    echo "  CPU s is kp-triage's mean user + system time, steadier than wall time when the machine is busy."
    echo "- Load average at the start: $LOAD_START (a busy machine slows the wall times)."
    echo
    echo "| format | size | gzip | kp-triage s | MB/s | lines/s | peak RSS MiB | rg s | cat/gzip s | ratio vs rg | ratio vs cat/gzip | kp-triage CPU s | load |"
    echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "### Threads"
    echo
    if [ -n "$SKIPPED_THREADS" ]; then
        echo "$SKIPPED_THREADS"
    else
        echo "| format | size | --threads 1 s | default s | speed-up |"
        echo "|---|---|---:|---:|---:|"
        printf '%s\n' "${THREAD_ROWS[@]}"
    fi
    echo
    echo "### Scaling with the number of clusters (100 MB of kubectl-zap, 1% rotation lines)"
    echo
    echo "The pool the rotations are drawn from grows; the input's volume and its share of rotation lines stay the same."
    echo
    echo "| clusters in pool | clusters in report | rotation lines | kp-triage s | vs 10 clusters | peak RSS MiB | kp-triage CPU s |"
    echo "|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${POOL_ROWS[@]}"
    echo
    echo "### Every cluster of the pool present (100 MB of kubectl-zap)"
    echo
    echo "Generated with \`--cover-clusters\`, which raises the rotation share when needed so every cluster of the pool rotates at least once."
    echo
    echo "| clusters | clusters in report | rotation share | rotation lines | kp-triage s | MB/s | peak RSS MiB | kp-triage CPU s |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${SCALE_ROWS[@]}"
    echo
    echo "### Peak RSS against rotation activity (kubectl-zap)"
    echo
    echo "| input | bytes | rotation lines | peak RSS MiB, --threads 1 | peak RSS MiB, default |"
    echo "|---|---:|---:|---:|---:|"
    printf '%s\n' "${MEM_ROWS[@]}"
    echo
    echo "### One 50 MB line"
    echo
    echo "Peak RSS $LONG_RSS MiB (default threads); truncated lines in the report: ${LONG_TRUNC:-?}."
} >"$RESULTS"
cat "$RESULTS"
log "written to $RESULTS"
