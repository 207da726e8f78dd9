#!/usr/bin/env bash
# Preprocessing benchmark (issue 2): images/s per core of the Spark preprocessing job against a plain
# single-thread OpenCV baseline on the same files, for FER2013 train and a generated AffectNet-shaped set,
# plus an optional scale run on N hard-linked FER-shaped inputs.
#
#   bench/preprocess.sh [--only fer|affectnet|scale] [--affectnet-count N] [--fer-limit N] [--scale N]
#                       [--baseline-only] [--keep-output]
#
# Env: FER2013 (default ../shared/data/fer2013), FER_DRIVER_MEMORY (passed to submit-scripts/preprocess.sh),
#      BENCH_XMX (baseline JVM heap, default 2g), PREPROCESS_SCRIPT (default submit-scripts/preprocess.sh).
# Work files (inputs, job outputs, logs) go to bench/work/ (git-ignored). --baseline-only skips the job.
# Not a test: the default run takes minutes on 2 cores; the 1M-input scale run much longer.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

only=all
affectnet_count=3000
fer_limit=0
scale=0
baseline_only=0
keep_output=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) only=${2:?}; shift 2 ;;
    --affectnet-count) affectnet_count=${2:?}; shift 2 ;;
    --fer-limit) fer_limit=${2:?}; shift 2 ;;
    --scale) scale=${2:?}; shift 2 ;;
    --baseline-only) baseline_only=1; shift ;;
    --keep-output) keep_output=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
case "$only" in all|fer|affectnet|scale) ;; *) echo "--only must be fer, affectnet or scale" >&2; usage ;; esac
for n in "$affectnet_count" "$fer_limit" "$scale"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "counts must be non-negative integers, got '$n'" >&2; usage; }
done
if [[ "$only" == scale && "$scale" -eq 0 ]]; then
  echo "--only scale needs --scale N" >&2; usage
fi

FER2013=${FER2013:-../shared/data/fer2013}
WORK=bench/work
JAR=jobs/target/fer-spark-jobs.jar
SPARK_CP_FILE=jobs/target/spark-classpath.txt
mkdir -p "$WORK/logs" "$WORK/out"
[[ -d "$FER2013/train" ]] || { echo "no FER2013 train folder at $FER2013/train (set FER2013)" >&2; exit 1; }

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

# baseline NAME ARGS...: runs PreprocessBaseline, prints its JSON
baseline() {
  local name=$1; shift
  local log="$WORK/logs/$name-baseline.log"
  echo "[$name] baseline (1 thread) ... load $(loadavg)" >&2
  java -Xmx"${BENCH_XMX:-2g}" -cp "$CP" org.ferspark.jobs.bench.PreprocessBaseline "$@" > "$log" 2>&1 \
    || { tail -20 "$log" >&2; echo "baseline failed, log: $log" >&2; exit 1; }
  sed -n 's/^baseline: //p' "$log" | tail -1
}

# job NAME MASTER INPUT ARGS...: runs the Spark job, prints its JSON plus the external wall time
job() {
  local name=$1 master=$2 input=$3; shift 3
  local tag="$name-${master//[^a-z0-9]/}"
  local log="$WORK/logs/$tag.log" out="$WORK/out/$tag"
  echo "[$name] job $master ... load $(loadavg)" >&2
  local start end
  start=$(now)
  FER_MASTER="$master" "${PREPROCESS_SCRIPT:-submit-scripts/preprocess.sh}" --input "$input" --output "$out" \
    --overwrite "$@" > "$log" 2>&1 || { tail -30 "$log" >&2; echo "job failed, log: $log" >&2; exit 1; }
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

ROWS=()
# compare NAME INPUT BASELINE_ARGS -- JOB_ARGS: baseline, then the job on local[1] and local[2]
compare() {
  local name=$1 input=$2; shift 2
  local base_args=() job_args=()
  while [[ $# -gt 0 && "$1" != -- ]]; do base_args+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  job_args=("$@")
  local b images base_rate
  measured "$name baseline" b baseline "$name" "${base_args[@]}"
  images=$(jnum images "$b")
  base_rate=$(jnum imagesPerSec "$b")
  echo "[$name] baseline: $b" >&2
  if [[ "$baseline_only" -eq 1 ]]; then
    ROWS+=("$name|$images|$(calc "$base_rate" 0)|-|-|-|-|-|-|-|-|-|-")
    return
  fi
  local j1 j2
  measured "$name job local[1]" j1 job "$name" 'local[1]' "$input" "${job_args[@]}"
  echo "[$name] local[1]: $j1" >&2
  measured "$name job local[2]" j2 job "$name" 'local[2]' "$input" "${job_args[@]}"
  echo "[$name] local[2]: $j2" >&2
  local in1 s1 w1 in2 s2 w2 r1 r2 e1 e2
  in1=$(jnum inputs "$j1"); s1=$(jnum seconds "$j1"); w1=$(jnum wallSeconds "$j1")
  in2=$(jnum inputs "$j2"); s2=$(jnum seconds "$j2"); w2=$(jnum wallSeconds "$j2")
  # unrounded rates for the ratios, rounded ones for the table
  r1=$(calc "$in1 / $s1" 3); r2=$(calc "$in2 / $s2 / 2" 3)
  e1=$(calc "$in1 / $w1" 3); e2=$(calc "$in2 / $w2 / 2" 3)
  ROWS+=("$name|$images / $in1|$(calc "$base_rate" 0)|$(calc "$s1" 1) / $(calc "$w1" 1)|$(calc "$s2" 1) / $(calc "$w2" 1)"\
"|$(calc "$r1" 0)|$(calc "$r2" 0)|$(calc "$r1 / $base_rate" 2)|$(calc "$r2 / $base_rate" 2)"\
"|$(calc "$e1" 0)|$(calc "$e2" 0)|$(calc "$e1 / $base_rate" 2)|$(calc "$e2 / $base_rate" 2)")
}

if [[ "$only" == all || "$only" == fer ]]; then
  fer_input="$FER2013/train"
  if [[ "$fer_limit" -gt 0 ]]; then
    fer_input="$WORK/fer-train-$fer_limit"
    if [[ ! -d "$fer_input" ]]; then
      # the first N by file name (not by folder), so every class is represented
      rm -rf "$fer_input.tmp"; mkdir -p "$fer_input.tmp"
      (cd "$FER2013/train" && find . -type f -name '*.jpg') | sort -t/ -k3 > "$WORK/fer-files.txt"
      head -n "$fer_limit" "$WORK/fer-files.txt" > "$WORK/fer-subset.txt"
      (cd "$FER2013/train" && xargs cp --parents -t "$OLDPWD/$fer_input.tmp" < "$OLDPWD/$WORK/fer-subset.txt")
      mv "$fer_input.tmp" "$fer_input"
    fi
  fi
  compare fer2013-train "$fer_input" --folder "$fer_input" -- --format folder
fi

if [[ "$only" == all || "$only" == affectnet ]]; then
  an="$WORK/affectnet-$affectnet_count"
  if [[ ! -f "$an/Manually_Annotated_file_lists/validation.csv" ]]; then
    echo "[affectnet] generating $affectnet_count images into $an ..." >&2
    java -cp "$CP" org.ferspark.jobs.bench.MakeBenchData affectnet --out "$an.tmp" --count "$affectnet_count" \
      --fer "$FER2013/train" | tail -1 >&2
    rm -rf "$an"; mv "$an.tmp" "$an"
  fi
  compare affectnet-shaped "$an" --affectnet-csv "$an/Manually_Annotated_file_lists/training.csv" \
    --affectnet-csv "$an/Manually_Annotated_file_lists/validation.csv" \
    --image-root "$an/Manually_Annotated_Images" -- --format affectnet
fi

if [[ ${#ROWS[@]} -gt 0 ]]; then
  echo
  echo "Images/s per core. jvm: job inputs / the job's own seconds (inside the JVM, after the SparkSession is up);"
  echo "e2e: job inputs / wall time of submit-scripts/preprocess.sh (JVM + Spark start-up + stop included)."
  echo "Baseline: images / seconds of its timed pass, 1 thread (after an untimed warm-up pass). [1] = local[1],"
  echo "[2] = local[2] divided by 2 cores. ratio = job per-core rate / baseline rate."
  {
    echo "dataset|images (baseline / job)|baseline img/s|s jvm/e2e [1]|s jvm/e2e [2]|jvm [1]|jvm [2]/2"\
"|ratio jvm [1]|ratio jvm [2]/2|e2e [1]|e2e [2]/2|ratio e2e [1]|ratio e2e [2]/2"
    printf '%s\n' "${ROWS[@]}"
  } | column -t -s '|'
  echo "goal (issue 2): ratio >= 0.8 on affectnet-shaped"
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
  echo "load average (1/5/15 min) around each measurement, $(nproc) cores:"
  printf '  %s\n' "${LOADS[@]}"
fi
