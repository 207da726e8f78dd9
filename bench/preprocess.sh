#!/usr/bin/env bash
# Preprocessing benchmark (issues 2, 19): images/s per core of the Spark preprocessing job at the margin against a
# plain single-thread Python/OpenCV loop on the same files, for FER2013 train (48x48 gray JPEGs) and a generated
# AffectNet-shaped set (~400x400 colour JPEGs with face boxes), all in one run; plus an optional scale run.
#
#   bench/preprocess.sh [--only fer|affectnet|scale] [--affectnet-count N] [--fer-limit N] [--scale N]
#                       [--small-fer N] [--small-affectnet N] [--repeat N] [--baseline-only] [--keep-output]
#
# Env: FER2013 (default ../shared/data/fer2013), FER_DRIVER_MEMORY (passed to submit-scripts/preprocess.sh),
#      PYTHON (default /usr/bin/python3, with Debian's python3-opencv), PREPROCESS_SCRIPT (default
#      submit-scripts/preprocess.sh).
# Work files (inputs, job outputs, logs) go to bench/work/ (git-ignored). --baseline-only skips the job.
# Not a test: the default run takes a few minutes on 2 cores; the 1M-input scale run longer.
#
# Baseline: bench/preprocess_baseline.py on one core (taskset -c 0, OpenCV and OpenMP at one thread): read each file,
# imdecode, crop, gray, INTER_AREA resize to 48x48, keep the array; reading is timed, after an untimed pass over all
# files (which also warms the page cache for the job that follows). Job: submit-scripts/preprocess.sh, local[1]
# pinned to the same core (JIT and GC threads included) and local[2] on both cores; each on the full set and on a
# small set of the same shape (the first --small-fer files by name; --small-affectnet generated rows), so that
# margin rate = (full - small images) / (full - small seconds): start-up, planning and per-job fixed costs cancel,
# reading and the Parquet write stay in. The small runs' times are the fixed cost of a job. The baseline is repeated
# --repeat times (default 3) and the median taken; the small and full job runs alternate --repeat times and the pair
# with the median margin is taken, as a 2-second margin moves with a busy neighbour and a slow minute of the machine
# (all the margins are printed, sorted: their spread is how far one run's ratio can move).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

only=all
affectnet_count=3000
fer_limit=0
small_fer=1000
small_affectnet=100
repeat=3
scale=0
baseline_only=0
keep_output=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) only=${2:?}; shift 2 ;;
    --affectnet-count) affectnet_count=${2:?}; shift 2 ;;
    --fer-limit) fer_limit=${2:?}; shift 2 ;;
    --small-fer) small_fer=${2:?}; shift 2 ;;
    --small-affectnet) small_affectnet=${2:?}; shift 2 ;;
    --repeat) repeat=${2:?}; shift 2 ;;
    --scale) scale=${2:?}; shift 2 ;;
    --baseline-only) baseline_only=1; shift ;;
    --keep-output) keep_output=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
case "$only" in all|fer|affectnet|scale) ;; *) echo "--only must be fer, affectnet or scale" >&2; usage ;; esac
for n in "$affectnet_count" "$fer_limit" "$scale" "$small_fer" "$small_affectnet" "$repeat"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "counts must be non-negative integers, got '$n'" >&2; usage; }
done
if [[ "$only" == scale && "$scale" -eq 0 ]]; then
  echo "--only scale needs --scale N" >&2; usage
fi

FER2013=${FER2013:-../shared/data/fer2013}
PYTHON=${PYTHON:-/usr/bin/python3}
WORK=bench/work
JAR=jobs/target/fer-spark-jobs.jar
SPARK_CP_FILE=jobs/target/spark-classpath.txt
mkdir -p "$WORK/logs" "$WORK/out"
[[ -d "$FER2013/train" ]] || { echo "no FER2013 train folder at $FER2013/train (set FER2013)" >&2; exit 1; }
"$PYTHON" -c 'import cv2, numpy' 2> /dev/null \
  || { echo "$PYTHON cannot import cv2: apt-get install -y python3-opencv (or set PYTHON)" >&2; exit 1; }

if [[ ! -f "$JAR" || ! -f "$SPARK_CP_FILE" ]]; then
  echo "building $JAR ..." >&2
  mvn -q -DskipTests -pl jobs -am package
fi
CP="$JAR:$(cat "$SPARK_CP_FILE")"

# jnum KEY JSON: a top-level number (an object's "total" if the value is an object), or "?".
jnum() {
  if command -v jq > /dev/null; then
    jq -r --arg k "$1" '.[$k] | if type == "object" then .total else . end // "?"' <<< "$2"
  else
    sed -n "s/.*\"$1\":\([-0-9.eE]*\).*/\1/p" <<< "$2" | grep . || echo "?"
  fi
}
now() { date +%s.%N; }
# load averages (1/5/15 min): another process on a shared machine skews the figures; printed with each step
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
LOADS=()
# measured LABEL VAR CMD...: runs CMD (a function printing JSON) into VAR, noting the load before and after
measured() {
  local label=$1 var=$2 before result; shift 2
  before=$(loadavg)
  result=$("$@") || exit 1
  printf -v "$var" '%s' "$result"
  LOADS+=("$label: before $before, after $(loadavg)")
}
calc() { awk "BEGIN { v = $1; if (v != v) print \"?\"; else printf \"%.${2:-1}f\", v }" 2> /dev/null || echo "?"; }

# baseline NAME ARGS...: runs the Python baseline on core 0, prints its JSON
baseline() {
  local name=$1; shift
  local log="$WORK/logs/$name-baseline.log"
  echo "[$name] baseline (python, 1 core) ... load $(loadavg)" >&2
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 taskset -c 0 "$PYTHON" bench/preprocess_baseline.py "$@" > "$log" 2>&1 \
    || { tail -20 "$log" >&2; echo "baseline failed, log: $log" >&2; exit 1; }
  sed -n 's/^baseline: //p' "$log" | tail -1
}

# job TAG MASTER INPUT ARGS...: runs the Spark job (local[1] pinned to core 0), prints its JSON plus the wall time
job() {
  local tag=$1 master=$2 input=$3; shift 3
  local log="$WORK/logs/$tag.log" out="$WORK/out/$tag" pin=()
  [[ "$master" == 'local[1]' ]] && pin=(taskset -c 0)
  echo "[$tag] job $master ... load $(loadavg)" >&2
  local start end
  start=$(now)
  FER_MASTER="$master" ${pin[@]+"${pin[@]}"} "${PREPROCESS_SCRIPT:-submit-scripts/preprocess.sh}" --input "$input" \
    --output "$out" --overwrite "$@" > "$log" 2>&1 || { tail -30 "$log" >&2; echo "job failed, log: $log" >&2; exit 1; }
  end=$(now)
  local json
  json=$(sed -n 's/^fer-preprocess: //p' "$log" | tail -1)
  [[ -n "$json" ]] || { echo "no 'fer-preprocess: ' line in $log" >&2; exit 1; }
  [[ "$keep_output" -eq 1 ]] || rm -rf "$out"
  local wall
  wall=$(calc "$end - $start" 3)
  if command -v jq > /dev/null; then
    jq -c --argjson wall "$wall" '. + {wallSeconds: $wall}' <<< "$json"
  else
    echo "${json%\}},\"wallSeconds\":$wall}"
  fi
}

# median KEY JSON...: the run (JSON line) whose KEY is the median of the runs given
median() {
  local key=$1; shift
  local j
  for j in "$@"; do printf '%s\t%s\n' "$(jnum "$key" "$j")" "$j"; done | sort -g | sed -n "$(( ($# + 1) / 2 ))p" | cut -f2-
}

# repeated KEY CMD...: runs CMD (printing a JSON line) --repeat times, prints the run with the median KEY
repeated() {
  local key=$1; shift
  local runs=() i r
  for (( i = 0; i < repeat; i++ )); do
    r=$("$@") || exit 1
    runs+=("$r")
  done
  median "$key" "${runs[@]}"
}

# paired NAME MASTER SMALL INPUT ARGS...: the job on the small and the full input, alternately, --repeat times (so
# that a slow minute of the machine lands on both); prints the pair whose margin (full - small wall seconds) is the
# median, small and full JSON separated by a tab
paired() {
  local name=$1 master=$2 small=$3 input=$4; shift 4
  local m=${master//[^0-9]/} i s f lines=()
  for (( i = 0; i < repeat; i++ )); do
    s=$(job "$name-small-$m" "$master" "$small" "$@") || exit 1
    f=$(job "$name-$m" "$master" "$input" "$@") || exit 1
    lines+=("$(calc "$(jnum wallSeconds "$f") - $(jnum wallSeconds "$s")" 3)"$'\t'"$s"$'\t'"$f")
  done
  local sorted
  sorted=$(printf '%s\n' "${lines[@]}" | sort -g)
  # the spread, so that a reader sees how far one run's ratio can move on this machine
  echo "[$name] $master margins (full - small wall s), $repeat pairs, sorted:" \
    "$(cut -f1 <<< "$sorted" | tr '\n' ' ')" >&2
  sed -n "$(( (repeat + 1) / 2 ))p" <<< "$sorted" | cut -f2-
}

ROWS=()
FIXED=()
EXTRA=()
RATES=()
# compare NAME INPUT SMALL_INPUT BASELINE_ARGS -- JOB_ARGS: baseline, then the job on the small and the full input,
# local[1] and local[2]
compare() {
  local name=$1 input=$2 small=$3; shift 3
  local base_args=() job_args=()
  while [[ $# -gt 0 && "$1" != -- ]]; do base_args+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  job_args=("$@")
  local b images base_rate
  measured "$name baseline" b repeated seconds baseline "$name" "${base_args[@]}"
  images=$(jnum images "$b")
  base_rate=$(jnum imagesPerSec "$b")
  echo "[$name] baseline: $b" >&2
  if [[ "$baseline_only" -eq 1 ]]; then
    ROWS+=("$name|$images|$(calc "$base_rate" 0)|-|-|-|-|-|-|-|-")
    return
  fi
  local m cols=()
  for m in 1 2; do
    local s f
    local pair
    measured "$name small + full local[$m]" pair paired "$name" "local[$m]" "$small" "$input" "${job_args[@]}"
    s=${pair%%$'\t'*}
    f=${pair#*$'\t'}
    echo "[$name] local[$m] small: $s" >&2
    echo "[$name] local[$m] full:  $f" >&2
    local ns nf ws wf js jf rate jrate
    ns=$(jnum inputs "$s"); nf=$(jnum inputs "$f")
    ws=$(jnum wallSeconds "$s"); wf=$(jnum wallSeconds "$f")
    js=$(jnum seconds "$s"); jf=$(jnum seconds "$f")
    # per core: local[2] divided by 2
    rate=$(calc "($nf - $ns) / ($wf - $ws) / $m" 3)
    jrate=$(calc "($nf - $ns) / ($jf - $js) / $m" 3)
    RATES[$m]=$rate
    cols+=("$(calc "$wf" 1) / $(calc "$ws" 1)" "$(calc "$rate" 0)" "$(calc "$rate / $base_rate" 2)" \
      "$(calc "$jrate / $base_rate" 2)")
    FIXED+=("$name local[$m], $ns inputs: $(calc "$js" 1) s in the JVM, $(calc "$ws" 1) s wall")
  done
  ROWS+=("$name|$images / $nf|$(calc "$base_rate" 0)|${cols[0]}|${cols[1]}|${cols[2]}|${cols[3]}|${cols[4]}|${cols[5]}|${cols[6]}|${cols[7]}")
}

# one untimed job first: after a build it writes the class-data sharing archive (submit-scripts/lib.sh, fer_cds),
# which would otherwise slow the first timed run
fer_warm="$WORK/fer-train-$small_fer"
fer_first "$fer_warm" "$small_fer" "$FER2013/train"
if [[ "$baseline_only" -eq 0 ]]; then
  echo "[warm-up] job on $fer_warm (untimed) ..." >&2
  job warm-up 'local[2]' "$fer_warm" --format folder > /dev/null
fi

if [[ "$only" == all || "$only" == fer ]]; then
  fer_input="$FER2013/train"
  if [[ "$fer_limit" -gt 0 ]]; then
    fer_input="$WORK/fer-train-$fer_limit"
    fer_first "$fer_input" "$fer_limit" "$FER2013/train"
  fi
  fer_small="$WORK/fer-train-$small_fer"
  fer_first "$fer_small" "$small_fer" "$FER2013/train"
  compare fer2013-train "$fer_input" "$fer_small" --folder "$fer_input" -- --format folder
fi

if [[ "$only" == all || "$only" == affectnet ]]; then
  affectnet_set() {
    local an="$WORK/affectnet-$1"
    if [[ ! -f "$an/Manually_Annotated_file_lists/validation.csv" ]]; then
      echo "[affectnet] generating $1 images into $an ..." >&2
      java -cp "$CP" org.ferspark.jobs.bench.MakeBenchData affectnet --out "$an.tmp" --count "$1" \
        --fer "$FER2013/train" | tail -1 >&2
      rm -rf "$an"; mv "$an.tmp" "$an"
    fi
  }
  affectnet_set "$affectnet_count"
  affectnet_set "$small_affectnet"
  an="$WORK/affectnet-$affectnet_count"
  compare affectnet-shaped "$an" "$WORK/affectnet-$small_affectnet" \
    --affectnet-csv "$an/Manually_Annotated_file_lists/training.csv" \
    --affectnet-csv "$an/Manually_Annotated_file_lists/validation.csv" \
    --image-root "$an/Manually_Annotated_Images" -- --format affectnet
  if [[ "$baseline_only" -eq 0 ]]; then
    # The job decodes JPEGs straight to gray (libjpeg's luma plane); the same loop decoding that way, for comparison
    measured "affectnet-shaped baseline, gray decode" bg repeated seconds baseline affectnet-gray \
      --affectnet-csv "$an/Manually_Annotated_file_lists/training.csv" \
      --affectnet-csv "$an/Manually_Annotated_file_lists/validation.csv" \
      --image-root "$an/Manually_Annotated_Images" --decode gray
    echo "[affectnet-shaped] baseline, gray decode: $bg" >&2
    g=$(jnum imagesPerSec "$bg")
    EXTRA+=("affectnet-shaped against the same loop decoding JPEGs straight to gray (IMREAD_GRAYSCALE, as the job"
      "  does): baseline $(calc "$g" 0) img/s; ratio [1] $(calc "${RATES[1]} / $g" 2), ratio [2]/2 $(calc "${RATES[2]} / $g" 2)")
  fi
fi

if [[ ${#ROWS[@]} -gt 0 ]]; then
  echo
  echo "Per core at the margin: (full - small inputs) / (full - small wall seconds), local[2] divided by 2; the"
  echo "baseline is 1 core. ratio = margin rate / baseline rate; 'ratio jvm' uses the job's own seconds instead of"
  echo "the wall time. s full / small = wall seconds of submit-scripts/preprocess.sh (JVM start to exit)."
  {
    echo "dataset|images (baseline / job)|baseline img/s|s full / small [1]|img/s/core [1]|ratio [1]|ratio jvm [1]"\
"|s full / small [2]|img/s/core [2]/2|ratio [2]/2|ratio jvm [2]/2"
    printf '%s\n' "${ROWS[@]}"
  } | column -t -s '|'
  echo "baseline: a plain loop, colour JPEGs decoded to BGR and converted with cvtColor"
  echo "goal (issue 19): ratio [1] >= 1.0 on affectnet-shaped, >= 0.5 on fer2013-train"
  [[ ${#EXTRA[@]} -eq 0 ]] || printf '%s\n' "${EXTRA[@]}"
  echo
  echo "fixed cost of a job (the small runs):"
  printf '  %s\n' "${FIXED[@]}"
fi

if [[ "$scale" -gt 0 && ( "$only" == all || "$only" == scale ) ]]; then
  sdir="$WORK/scale-$scale"
  echo "[scale] building $scale hard-linked inputs in $sdir ..." >&2
  java -cp "$CP" org.ferspark.jobs.bench.MakeBenchData scale --out "$sdir" --count "$scale" \
    --fer "$FER2013/train" | tail -1 >&2
  if [[ "$baseline_only" -eq 0 ]]; then
    measured "scale-$scale job local[2]" s job "scale-$scale" 'local[2]' "$sdir" --format folder
    echo
    echo "scale run, local[2]: $s"
    echo "inputs $(jnum inputs "$s"), written $(jnum written "$s"), rejected $(jnum rejected "$s")," \
      "wall $(jnum wallSeconds "$s") s, $(calc "$(jnum inputs "$s") / $(jnum wallSeconds "$s")" 0) img/s end to end," \
      "$(calc "$(jnum inputs "$s") / $(jnum seconds "$s")" 0) img/s in the job, peak heap $(jnum peakHeapMiB "$s") MiB"
  fi
fi

if [[ ${#LOADS[@]} -gt 0 ]]; then
  echo
  echo "load average (1/5/15 min) around each measurement, $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p')):"
  printf '  %s\n' "${LOADS[@]}"
fi
