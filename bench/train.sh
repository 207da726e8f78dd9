#!/usr/bin/env bash
# Training benchmark (issue 5), one run, figures and ratios printed together, per architecture:
#   (a)  single-JVM DL4J: TrainBench (steady-state net.fit of one network, median of --batches after warm-up;
#        inference images/s at batch 64; batch-1 latency median/p90) and the job's --no-spark path (train.sh
#        --epochs 2: images/s of the second epoch's fits, i.e. start-up, JIT and oneDNN warm-up left out as in
#        PyTorch's steady state; the first epoch's beside it; fer.train.local-replicas as configured, auto = 2 here)
#   (b)  the Spark local[2] parameter-averaging job (the same two epochs, timed in the JVM)
#        ratio (b)/(a): goal >= 0.85
#   torch: PyTorch CPU peer, same nets (bench/torch_bench.py: 2 threads, batch 64, Adam, cross-entropy);
#        ratios DL4J/PyTorch, steady state and through train.sh on both paths (goal: >= 1.0, issue 12)
#
#   bench/train.sh [--arch paper-cnn|vgg-bn|all] [--batches N] [--only dl4j|spark|torch] [--data PREPROCESSED]
#                  [--train-images N]
#
# --batches N: timed batches of TrainBench and torch_bench (default 10; inference batches = N, latency samples =
#   5N). --data: a preprocessed dataset; the epoch runs (--no-spark and Spark) train one epoch over its whole train
#   split, so keep it a fixed subset. Default: the first --train-images (default 2560) FER2013 train files and 350
#   validation files, preprocessed once into bench/work/ (data/sample when FER2013 is absent).
# Env: FER2013 (default ../shared/data/fer2013), FER_DRIVER_MEMORY (default 4g), BENCH_XMX (TrainBench heap, 4g).
# Needs the CPU jar (built if missing) and, for the PyTorch peer, Debian's python3-torch and libopenblas0-pthread.
# Work files go to bench/work/ (git-ignored). Not a test: a full run takes many minutes on 2 cores; run it on a
# quiet machine (other processes skew every figure).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

usage() {
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

archs="paper-cnn vgg-bn"
batches=10
train_images=2560
only=all
FER2013=${FER2013:-../shared/data/fer2013}
data=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --arch) case "${2:?}" in all) ;; paper-cnn|vgg-bn) archs=$2 ;; *) echo "--arch must be paper-cnn, vgg-bn or all" >&2; usage ;; esac; shift 2 ;;
    --batches) batches=${2:?}; shift 2 ;;
    --only) only=${2:?}; shift 2 ;;
    --data) data=${2:?}; shift 2 ;;
    --train-images) train_images=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
case "$only" in all|dl4j|spark|torch) ;; *) echo "--only must be dl4j, spark or torch" >&2; usage ;; esac
[[ "$batches" =~ ^[1-9][0-9]*$ ]] || { echo "--batches must be a positive integer, got '$batches'" >&2; usage; }
[[ "$train_images" =~ ^[1-9][0-9]*$ ]] || { echo "--train-images must be a positive integer, got '$train_images'" >&2; usage; }
want() { [[ "$only" == all || "$only" == "$1" ]]; }

WORK=bench/work
JAR=jobs/target/fer-spark-jobs.jar
SPARK_CP_FILE=jobs/target/spark-classpath.txt
mkdir -p "$WORK/logs" "$WORK/out"

# --- prerequisites, all checked before anything runs --------------------------------------------------------------
PY=/usr/bin/python3
if want torch; then
  missing=()
  for pkg in python3-torch libopenblas0-pthread; do
    dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "bench/train.sh: the PyTorch peer needs Debian packages that are not installed: ${missing[*]}" >&2
    echo "  install them:  apt-get install -y python3-torch libopenblas0-pthread" >&2
    echo "  (libopenblas0-pthread makes OpenBLAS the system BLAS that Debian's torch uses: ~2x faster training)" >&2
    echo "  or run without the peer:  bench/train.sh --only dl4j  /  --only spark" >&2
    exit 1
  fi
fi
if want dl4j || want spark; then
  if [[ ! -f "$JAR" || ! -f "$SPARK_CP_FILE" ]]; then
    echo "building $JAR ..." >&2
    mvn -q -DskipTests -pl jobs -am package
  fi
  if unzip -Z1 "$JAR" 2> /dev/null | grep '^org/nd4j/linalg/jcublas/' > /dev/null; then
    echo "bench/train.sh: $JAR is the CUDA build (-Pcuda); this benchmark measures the CPU build:" \
      "mvn -DskipTests package -pl jobs -am" >&2
    exit 1
  fi
  if [[ -z "$data" ]]; then
    if [[ -d "$FER2013/train" && -d "$FER2013/validation" ]]; then
      # a fixed FER2013 subset (bench/lib.sh)
      src=$WORK/fer-train-bench-$train_images
      fer_subset "$src" "$train_images" "$FER2013"
    else
      echo "no FER2013 at $FER2013: using data/sample (280 train images, one Spark split: the epoch rates then" \
        "include the warm-up; set FER2013=... for meaningful Spark ratios)" >&2
      src=data/sample
    fi
    data=$WORK/train-data-$(basename "$src")
    if [[ ! -f "$data/manifest.json" ]]; then
      echo "preprocessing $src into $data ..." >&2
      submit-scripts/preprocess.sh --input "$src" --output "$data" --overwrite > "$WORK/logs/train-preprocess.log" 2>&1 \
        || { tail -20 "$WORK/logs/train-preprocess.log" >&2; exit 1; }
    fi
  fi
  [[ -f "$data/manifest.json" ]] || { echo "--data $data: no manifest.json (not a preprocessed dataset)" >&2; exit 1; }
fi

# --- helpers ------------------------------------------------------------------------------------------------------
# jnum KEY JSON: a top-level number (or true/false) of a one-line JSON object, or "?".
jnum() {
  sed -n "s/.*\"$1\":\([-0-9.eEtrufals]*\).*/\1/p" <<< "$2" | grep . || echo "?"
}
# ratio A B [digits]: A/B, or "?" when either is unknown.
ratio() {
  [[ "$1" == "?" || "$2" == "?" ]] && { echo "?"; return; }
  awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b == 0) print "?"; else printf "%.*f", d, a / b }'
}
# run_logged NAME PREFIX CMD...: runs CMD into a log, prints the last "PREFIX: {json}" line's JSON.
run_logged() {
  local name=$1 prefix=$2; shift 2
  local log="$WORK/logs/train-$name.log"
  echo "[$name] ..." >&2
  if ! "$@" > "$log" 2>&1; then
    tail -20 "$log" >&2
    echo "[$name] failed, log: $log" >&2
    exit 1
  fi
  sed -n "s/^$prefix: //p" "$log" | tail -1
}
# the submit-scripts' Java 17 flags (FER_JAVA_OPTS) for TrainBench too, plus ND4J's off-heap limits
source submit-scripts/lib.sh
read -r -a JAVA_OPTS <<< "$FER_JAVA_OPTS -Dorg.bytedeco.javacpp.maxbytes=8G -Dorg.bytedeco.javacpp.maxphysicalbytes=14G"
# the epoch runs: no train-set evaluation (outside the timed fits anyway), fresh output each time
EPOCH_ARGS=(--epochs 2 --overwrite --set fer.train.train-eval-samples=0)
# epoch_rate OUT N: images/s of epoch N's fits (history.csv's last column), or "?"
epoch_rate() {
  awk -F, -v e="$2" '$1 == e { printf "%.1f", $NF; found = 1 } END { if (!found) print "?" }' "$1/history.csv" \
    2>/dev/null || echo "?"
}

declare -A R
for arch in $archs; do
  if want dl4j; then
    j=$(run_logged "$arch-trainbench" train-bench java -Xmx"${BENCH_XMX:-4g}" "${JAVA_OPTS[@]}" \
      -cp "$JAR:$(cat "$SPARK_CP_FILE")" org.ferspark.jobs.bench.TrainBench --data "$data" --arch "$arch" \
      --batches "$batches" --infer-batches "$batches" --latency-samples $((5 * batches)))
    R[$arch.a.train]=$(jnum trainImagesPerSecond "$j"); R[$arch.a.infer]=$(jnum inferImagesPerSecond "$j")
    R[$arch.a.lat]=$(jnum latencyMsMedian "$j"); R[$arch.a.p90]=$(jnum latencyMsP90 "$j")
    R[$arch.a.params]=$(jnum params "$j"); R[$arch.a.onednn]=$(jnum oneDnnHelpersActive "$j")
    R[$arch.a.backend]=$(sed -n 's/.*"backend":"\([^"]*\)".*/\1/p' <<< "$j")
    j=$(run_logged "$arch-nospark" fer-train submit-scripts/train.sh --data "$data" \
      --out "$WORK/out/train-$arch-nospark" --arch "$arch" --no-spark "${EPOCH_ARGS[@]}")
    R[$arch.a.job]=$(epoch_rate "$WORK/out/train-$arch-nospark" 2)
    R[$arch.a.job1]=$(epoch_rate "$WORK/out/train-$arch-nospark" 1)
    R[$arch.a.mode]=$(sed -n 's/.*"mode":"\([^"]*\)".*/\1/p' <<< "$j")
  fi
  if want spark; then
    j=$(FER_MASTER='local[2]' run_logged "$arch-spark" fer-train submit-scripts/train.sh --data "$data" \
      --out "$WORK/out/train-$arch-spark" --arch "$arch" "${EPOCH_ARGS[@]}")
    R[$arch.b.job]=$(epoch_rate "$WORK/out/train-$arch-spark" 2)
    R[$arch.b.job1]=$(epoch_rate "$WORK/out/train-$arch-spark" 1)
  fi
  if want torch; then
    j=$(run_logged "$arch-torch" torch-bench "$PY" bench/torch_bench.py --arch "$arch" --batches "$batches" \
      --infer-batches "$batches" --latency-samples $((5 * batches)))
    R[$arch.t.train]=$(jnum trainImagesPerSecond "$j"); R[$arch.t.infer]=$(jnum inferImagesPerSecond "$j")
    R[$arch.t.lat]=$(jnum latencyMsMedian "$j"); R[$arch.t.p90]=$(jnum latencyMsP90 "$j")
    R[$arch.t.params]=$(jnum params "$j")
  fi
done

# --- report -------------------------------------------------------------------------------------------------------
g() { echo "${R[$1]:-?}"; }
echo
echo "== training benchmark: $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), batch 64, --batches $batches, data ${data:-none}"
for arch in $archs; do
  echo
  echo "-- $arch (params: DL4J $(g $arch.a.params), PyTorch $(g $arch.t.params))"
  want dl4j && echo "   DL4J backend: $(g $arch.a.backend); oneDNN helpers active after fit: $(g $arch.a.onednn)"
  printf '   %-52s %10s\n' "(a) single-JVM DL4J fit, steady state [img/s]" "$(g $arch.a.train)"
  printf '   %-52s %10s   (1st epoch: %s; mode %s)\n' "(a) single-JVM job --no-spark, 2nd epoch [img/s]" \
    "$(g $arch.a.job)" "$(g $arch.a.job1)" "$(g $arch.a.mode)"
  printf '   %-52s %10s   (1st epoch: %s)\n' "(b) Spark local[2] param. averaging, 2nd epoch [img/s]" \
    "$(g $arch.b.job)" "$(g $arch.b.job1)"
  printf '   %-52s %10s   (goal >= 0.85; same measure: fit time of the 2nd epoch)\n' \
    "    ratio (b)/(a) job" "$(ratio "$(g $arch.b.job)" "$(g $arch.a.job)")"
  printf '   %-52s %10s\n' "    ratio (b)/(a) steady-state fit" "$(ratio "$(g $arch.b.job)" "$(g $arch.a.train)")"
  printf '   %-52s %10s\n' "PyTorch CPU training [img/s]" "$(g $arch.t.train)"
  printf '   %-52s %10s\n' "    ratio DL4J/PyTorch training (steady state)" \
    "$(ratio "$(g $arch.a.train)" "$(g $arch.t.train)")"
  printf '   %-52s %10s   (goal >= 1.0)\n' "    ratio train.sh --no-spark / PyTorch" \
    "$(ratio "$(g $arch.a.job)" "$(g $arch.t.train)")"
  printf '   %-52s %10s   (goal >= 1.0)\n' "    ratio train.sh Spark local[2] / PyTorch" \
    "$(ratio "$(g $arch.b.job)" "$(g $arch.t.train)")"
  printf '   %-52s %10s %10s\n' "inference batch 64 [img/s]: DL4J, PyTorch" "$(g $arch.a.infer)" "$(g $arch.t.infer)"
  printf '   %-52s %10s\n' "    ratio DL4J/PyTorch inference" "$(ratio "$(g $arch.a.infer)" "$(g $arch.t.infer)")"
  printf '   %-52s %10s %10s\n' "latency batch 1, DL4J [ms]: median, p90" "$(g $arch.a.lat)" "$(g $arch.a.p90)"
  printf '   %-52s %10s %10s\n' "latency batch 1, PyTorch [ms]: median, p90" "$(g $arch.t.lat)" "$(g $arch.t.p90)"
  printf '   %-52s %10s   (> 1: DL4J faster)\n' "    ratio PyTorch/DL4J latency (median)" \
    "$(ratio "$(g $arch.t.lat)" "$(g $arch.a.lat)")"
done
echo
echo "logs: $WORK/logs/train-*.log"
