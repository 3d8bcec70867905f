#!/usr/bin/env bash
# Throughput of msorder on a real mailbox, next to `grep` (the floor: reading the bytes once) and
# bench/naive.py (what a user would write with Python's standard library).
#
# Builds one mboxrd file from ../shared/corpus/phishing_pot-email.tar.xz (7,910 real phishing
# mails, ~300 MB) in a temporary directory, builds msorder in release mode, then times each
# command several times with the mailbox warm in the page cache and reports the median. Also
# times `msorder check` on one fixture (process start included) and measures peak RSS, including
# a scan of the mailbox concatenated 4 times (~1.2 GB) from stdin and one of about 10 GB piped
# in as it is generated (never written to disk). `--jobs 1` and `--jobs 2` rows show what the
# second core pays; msgs/s and MB/s per core divide by CPU time (user+sys), which other load on
# the machine disturbs less than wall time.
#
# Usage: bench/compare.sh [--quick] [--runs N]
#   --quick   one run each, skip the 1.2 GB and 10 GB tests
#   --runs N  runs per command (default 3)
# Needs: python3, tar with xz. Optional: hyperfine (for `check`; HYPERFINE=none forces the bash
# loop instead), /usr/bin/time (for peak RSS and CPU time).
# Skips (exit 0) when ../shared/corpus is absent. Nothing is written inside the repository
# except the cargo build in target/.
set -euo pipefail

cd "$(dirname "$0")/.."

RUNS=3
QUICK=0
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1; RUNS=1 ;;
        --runs) RUNS="${2:?--runs needs a number}"; shift ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$RUNS" in ''|*[!0-9]*|0) echo "--runs needs a positive number" >&2; exit 2 ;; esac

CORPUS=../shared/corpus
TARBALL="$CORPUS/phishing_pot-email.tar.xz"
MAKE_MBOX=../shared/tools/make_mbox.py
if [ ! -d "$CORPUS" ]; then
    echo "skipped: $CORPUS not found (the real corpus is not part of the repository)"
    exit 0
fi
for f in "$TARBALL" "$MAKE_MBOX"; do
    if [ ! -f "$f" ]; then
        echo "skipped: $f not found"
        exit 0
    fi
done
if ! command -v python3 >/dev/null; then
    echo "skipped: python3 not found"
    exit 0
fi

TIME_BIN=/usr/bin/time
HAVE_TIME=0
if [ -x "$TIME_BIN" ] && "$TIME_BIN" -f %M true >/dev/null 2>&1; then
    HAVE_TIME=1
else
    echo "skipped: /usr/bin/time missing (peak RSS not measured; apt-get install -y time)"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/msorder-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

log() { printf '==> %s\n' "$*" >&2; }
load() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"; }

LOAD_START=$(load)
if awk -v l="$LOAD_START" 'BEGIN { exit !(l + 0 > 0.5) }'; then
    log "warning: load average is $LOAD_START; other work on the machine will inflate wall times"
fi

now_ns() { date +%s%N; }

# Median of the numbers on stdin (lower middle for an even count).
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
# Largest of the numbers on stdin.
maximum() { sort -g | tail -n 1; }

# run_timed NAME MAX_STATUS STDIN STDOUT CMD ARGS...
# Runs CMD once with the given stdin/stdout, appends wall seconds to $TMP/NAME.secs and (with
# /usr/bin/time) peak RSS in KiB to $TMP/NAME.rss and user+sys CPU seconds to $TMP/NAME.cpu
# (less disturbed than wall time by other load on the machine). Fails when CMD exits above MAX_STATUS
# (msorder scan exits 1 when it found something, 2 for unreadable messages).
run_timed() {
    local name=$1 max_status=$2 in=$3 out=$4 start end status=0
    shift 4
    start=$(now_ns)
    if [ "$HAVE_TIME" = 1 ]; then
        "$TIME_BIN" -f '%M %U %S' -o "$TMP/time.out" "$@" <"$in" >"$out" || status=$?
    else
        "$@" <"$in" >"$out" || status=$?
    fi
    end=$(now_ns)
    if [ "$status" -gt "$max_status" ]; then
        echo "error: '$*' exited with status $status" >&2
        [ "$HAVE_TIME" = 1 ] && cat "$TMP/time.out" >&2
        exit 1
    fi
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) / 1e9 }' >>"$TMP/$name.secs"
    if [ "$HAVE_TIME" = 1 ]; then
        tail -n 1 "$TMP/time.out" | awk '{ print $1 }' >>"$TMP/$name.rss"
        tail -n 1 "$TMP/time.out" | awk '{ printf "%.2f\n", $2 + $3 }' >>"$TMP/$name.cpu"
    fi
}

# ---------------------------------------------------------------------------------------------
log "unpacking $TARBALL"
mkdir "$TMP/pp"
tar -xJf "$TARBALL" -C "$TMP/pp"
MBOX="$TMP/phishing_pot.mbox"
log "joining into one mbox"
python3 "$MAKE_MBOX" "$TMP/pp" >"$MBOX"
EML_COUNT=$(find "$TMP/pp" -name '*.eml' -type f | wc -l)
rm -rf "$TMP/pp"
MBOX_BYTES=$(stat -c %s "$MBOX")
MBOX_MB=$(awk -v b="$MBOX_BYTES" 'BEGIN { printf "%.0f", b / 1e6 }')
log "mbox: $EML_COUNT messages, $MBOX_MB MB"

log "cargo build --release"
cargo build --release --quiet
BIN=target/release/msorder
REV=$(git rev-parse --short HEAD 2>/dev/null || echo "unknown")
if [ -n "$(git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    REV="$REV + uncommitted changes"
fi
[ -x "$BIN" ] || { echo "error: $BIN not built" >&2; exit 1; }

# Sanity (untimed): msorder reads every message.
"$BIN" scan --all --format csv -q -o "$TMP/records.csv" "$MBOX" || [ $? -le 2 ]
RECORDS=$(python3 -c 'import csv, sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))) - 1)' "$TMP/records.csv")
LABELS=$(python3 -c '
import collections, csv, sys
rows = csv.DictReader(open(sys.argv[1], newline=""))
print(", ".join(f"{k} {v}" for k, v in collections.Counter(r["label"] for r in rows).most_common()))
' "$TMP/records.csv")
rm -f "$TMP/records.csv"
log "msorder: $RECORDS records ($LABELS)"

# Warm the page cache.
cat "$MBOX" >/dev/null

# Names, in table order, and the command line shown for each.
declare -A SHOWN
SHOWN[grep]="grep -ci microsoft MBOX > FILE"
SHOWN[scan_file]="msorder scan --all --format csv -q MBOX"
SHOWN[scan_stdin]="msorder scan --all --format csv -q < MBOX"
SHOWN[scan_j1]="msorder scan --all --format csv -q --jobs 1 MBOX"
SHOWN[scan_j2]="msorder scan --all --format csv -q --jobs 2 MBOX"
SHOWN[naive]="bench/naive.py MBOX"
ORDER=(grep scan_file scan_stdin scan_j1 scan_j2 naive)

# Interleave the commands so that a slow phase of the machine hits all of them alike.
for run in $(seq 1 "$RUNS"); do
    log "run $run/$RUNS: grep"
    # Not to /dev/null: GNU grep then stops at the first match (it acts as -q).
    run_timed grep 1 /dev/null "$TMP/grep.out" grep -ci microsoft "$MBOX"
    log "run $run/$RUNS: msorder scan MBOX"
    run_timed scan_file 2 /dev/null /dev/null "$BIN" scan --all --format csv -q "$MBOX"
    log "run $run/$RUNS: msorder scan < MBOX"
    run_timed scan_stdin 2 "$MBOX" /dev/null "$BIN" scan --all --format csv -q
    for jobs in 1 2; do
        log "run $run/$RUNS: msorder scan --jobs $jobs MBOX"
        run_timed "scan_j$jobs" 2 /dev/null /dev/null "$BIN" scan --all --format csv -q --jobs "$jobs" "$MBOX"
    done
    log "run $run/$RUNS: bench/naive.py MBOX"
    run_timed naive 0 /dev/null /dev/null python3 bench/naive.py "$MBOX"
done

# `check` of one mail, process start included.
CHECK_MAIL=fixtures/mail/01-ja-activation-plain-utf8.eml
CHECK_RUNS=20
if command -v "${HYPERFINE:-hyperfine}" >/dev/null; then
    log "hyperfine: msorder check ($CHECK_RUNS runs)"
    "${HYPERFINE:-hyperfine}" -N -i --style none --warmup 3 --runs "$CHECK_RUNS" \
        --export-json "$TMP/check.json" "$BIN check $CHECK_MAIL" >/dev/null
    CHECK_S=$(python3 -c 'import json, sys; print("%.6f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$TMP/check.json")
    CHECK_HOW="hyperfine, median of $CHECK_RUNS"
else
    log "bash loop: msorder check ($CHECK_RUNS runs; hyperfine not found)"
    for _ in 1 2 3; do "$BIN" check "$CHECK_MAIL" >/dev/null || true; done
    : >"$TMP/check.ns"
    for _ in $(seq 1 "$CHECK_RUNS"); do
        start=$(now_ns)
        "$BIN" check "$CHECK_MAIL" >/dev/null || [ $? -le 2 ]
        end=$(now_ns)
        echo $((end - start)) >>"$TMP/check.ns"
    done
    CHECK_S=$(median <"$TMP/check.ns" | awk '{ printf "%.6f", $1 / 1e9 }')
    CHECK_HOW="bash loop with date +%s%N, median of $CHECK_RUNS"
fi

# Peak RSS on a mailbox 4 times as large, read from stdin.
BIG_DONE=0
if [ "$QUICK" = 1 ]; then
    log "--quick: skipping the 4x mailbox"
elif [ "$HAVE_TIME" = 0 ]; then
    log "skipped: /usr/bin/time missing (no 4x mailbox test)"
else
    BIG="$TMP/big.mbox"
    cat "$MBOX" "$MBOX" "$MBOX" "$MBOX" >"$BIG"
    rm -f "$MBOX"
    BIG_MB=$(awk -v b="$(stat -c %s "$BIG")" 'BEGIN { printf "%.0f", b / 1e6 }')
    cat "$BIG" >/dev/null
    log "msorder scan < BIG ($BIG_MB MB)"
    run_timed big 2 "$BIG" /dev/null "$BIN" scan --all --format csv -q
    SHOWN[big]="msorder scan --all --format csv -q < BIG (4x, $BIG_MB MB)"
    ORDER+=(big)
    BIG_DONE=1
    # About 10 GB through a pipe, made as it is read: peak RSS must not grow with the input.
    HUGE_COPIES=9
    HUGE_MB=$((BIG_MB * HUGE_COPIES))
    log "msorder scan < generated pipe ($HUGE_MB MB)"
    run_timed huge 2 <(for _ in $(seq "$HUGE_COPIES"); do cat "$BIG"; done) /dev/null \
        "$BIN" scan --all --format csv -q
    rm -f "$BIG"
    SHOWN[huge]="cat BIG x$HUGE_COPIES | msorder scan --all --format csv -q ($HUGE_MB MB, a pipe)"
    ORDER+=(huge)
fi

# ---------------------------------------------------------------------------------------------
secs() { median <"$TMP/$1.secs"; }
rss_mib() {
    if [ -s "$TMP/$1.rss" ]; then
        maximum <"$TMP/$1.rss" | awk '{ printf "%.0f", $1 / 1024 }'
    else
        echo "n/a"
    fi
}
cpu_s() {
    if [ -s "$TMP/$1.cpu" ]; then median <"$TMP/$1.cpu"; else echo "n/a"; fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "n/a" && b != "n/a") printf "%.1f", a / b; else print "n/a" }'; }

GREP_S=$(secs grep)
echo
echo "Mailbox: phishing_pot, $EML_COUNT messages, $MBOX_MB MB (mboxrd), page cache warm;" \
    "$(nproc) cores; $RUNS run(s) each, median; load average $LOAD_START at start, $(load) at end."
echo "msorder $REV ($(rustc --version | cut -d' ' -f1-2)); it read $RECORDS records: $LABELS."
echo
# Spread: the lowest and highest of the runs.
spread() { sort -g "$TMP/$1.$2" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR > 1) printf "%s–%s", lo, hi; else print "" }'; }
# Messages and MB per CPU second (per core busy), for the 1x mailbox rows.
per_core() {
    local cpu copies=1
    cpu=$(cpu_s "$1")
    case "$1" in big) copies=4 ;; huge) copies=$((4 * HUGE_COPIES)) ;; esac
    awk -v c="$cpu" -v n="$EML_COUNT" -v b="$MBOX_BYTES" -v k="$copies" \
        'BEGIN { if (c > 0) printf "%.0f | %.0f", n * k / c, b * k / 1e6 / c; else print "n/a | n/a" }'
}

echo "| command | median s | spread s | × grep | CPU s (user+sys) | CPU spread | msgs/s per core | MB/s per core | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for name in "${ORDER[@]}"; do
    s=$(secs "$name")
    cpu_spread=""
    [ -s "$TMP/$name.cpu" ] && cpu_spread=$(spread "$name" cpu)
    printf '| `%s` | %.2f | %s | %s | %s | %s | %s | %s |\n' "${SHOWN[$name]}" "$s" \
        "$(spread "$name" secs)" "$(ratio "$s" "$GREP_S")" "$(cpu_s "$name")" "$cpu_spread" \
        "$(per_core "$name")" "$(rss_mib "$name")"
done
printf '| `%s` | %.4f | | | | | | | |\n' "msorder check $CHECK_MAIL ($CHECK_HOW)" "$CHECK_S"
echo
SCAN_S=$(secs scan_file)
NAIVE_S=$(secs naive)
echo "msorder vs naive.py: naive.py takes $(ratio "$NAIVE_S" "$SCAN_S")× as long as \`msorder scan MBOX\`" \
    "($(awk -v m="$MBOX_BYTES" -v s="$SCAN_S" 'BEGIN { printf "%.0f", m / 1e6 / s }') MB/s vs" \
    "$(awk -v m="$MBOX_BYTES" -v s="$NAIVE_S" 'BEGIN { printf "%.1f", m / 1e6 / s }') MB/s);" \
    "peak RSS naive.py / msorder: $(ratio "$(rss_mib naive)" "$(rss_mib scan_file)")×."
J1_S=$(secs scan_j1)
J2_S=$(secs scan_j2)
echo "Two workers: --jobs 2 takes $(awk -v a="$J2_S" -v b="$J1_S" 'BEGIN { printf "%.2f", a / b }')×" \
    "the wall time of --jobs 1 (goal ≤ 0.70; 0.50 is perfect scaling)."
if [ "$BIG_DONE" = 1 ]; then
    echo "Peak RSS on the 4x mailbox: $(rss_mib big) MiB, on the ${HUGE_MB} MB pipe: $(rss_mib huge) MiB," \
        "vs $(rss_mib scan_stdin) MiB on 1x (stdin)."
fi
