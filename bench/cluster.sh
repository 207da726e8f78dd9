#!/usr/bin/env bash
# Training on a standalone cluster on this machine (submit-scripts/cluster.sh): one epoch with 1 executor, then with
# 2 executors (one core each), parameter averaging; prints images/s per run and per core from history.csv.
#   bench/cluster.sh [--arch vgg-bn|paper-cnn|tiny-cnn] [--train-images N]
# Data: the first N (default 2560) FER2013 train files and 350 validation files by name (as bench/train.sh), from
# FER2013 (default ../shared/data/fer2013). Work files in bench/work/ (git-ignored). Not a test; run it on a quiet
# machine, other processes skew every figure.
set -euo pipefail
cd "$(dirname "$0")/.."
arch=vgg-bn train_images=2560
while (( $# )); do
  case "$1" in
    --arch) arch="${2:?}"; shift 2 ;;
    --train-images) train_images="${2:?}"; shift 2 ;;
    *) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
FER2013="${FER2013:-../shared/data/fer2013}"
WORK=bench/work
src=$WORK/fer-train-bench-$train_images
source bench/lib.sh
fer_subset "$src" "$train_images" "$FER2013"
pre=$WORK/cluster-bench-pre-$train_images
[[ -f "$pre/manifest.json" ]] || submit-scripts/preprocess.sh --input "$src" --output "$pre" --overwrite > /dev/null
dir=$WORK/cluster-bench
submit-scripts/cluster.sh stop --dir "$dir/cluster" > /dev/null || true
master=$(submit-scripts/cluster.sh start --workers 2 --cores 1 --memory 3g --port 7377 --dir "$dir/cluster" | tail -1)
trap 'submit-scripts/cluster.sh stop --dir "$dir/cluster" > /dev/null' EXIT
echo "lscpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for executors in 1 2; do
  out=$dir/model-$arch-$executors
  FER_MASTER=$master FER_DRIVER_MEMORY=2g \
    FER_SPARK_ARGS="--total-executor-cores $executors --executor-cores 1 --executor-memory 2g --conf spark.driver.host=127.0.0.1 --conf spark.executorEnv.OMP_NUM_THREADS=1" \
    submit-scripts/train.sh --data "$pre" --out "$out" --arch "$arch" --epochs 1 --overwrite \
    --set fer.train.train-eval-samples=0 > "$out.log" 2>&1
  ips=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "images_per_s") c = i } NR == 2 { print $c }' "$out/history.csv")
  echo "$arch, $executors executor(s) x 1 core: $ips img/s, $(awk -v x="$ips" -v n="$executors" 'BEGIN { printf "%.1f", x / n }') img/s per core; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
