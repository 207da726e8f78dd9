#!/usr/bin/env bash
# Spark standalone cluster on this machine (submit-scripts/cluster.sh: Master and 2 Workers of 1 core, separate JVMs):
#   train:      one epoch with 1 executor, then with 2 executors (one core each), parameter averaging; images/s per
#               run and per core (history.csv, fit time).
#   preprocess: preprocess.sh of a FER2013 folder with 1, then 2 executors; wall time of the job (driver start-up
#               included) and images/s per executor core.
#   averaging:  --epochs E (default 4) of training on 2 executors for each averaging frequency in --frequencies
#               (default "1 5 20"): fit images/s and the last epoch's validation accuracy and loss.
#   bench/cluster.sh [--only train|preprocess|averaging] [--arch vgg-bn|paper-cnn|tiny-cnn] [--train-images N]
#                    [--preprocess-images N] [--epochs E] [--frequencies "F1 F2 ..."]
# Data: the first N (default 2560) FER2013 train files and 350 validation files by name (as bench/train.sh);
# preprocessing reads the first --preprocess-images (default 28709, all of train) train files. FER2013 default
# ../shared/data/fer2013. Work files in bench/work/ (git-ignored). Not a test; run it on a quiet machine, other
# processes skew every figure.
set -euo pipefail
cd "$(dirname "$0")/.."
arch=vgg-bn train_images=2560 pre_images=28709 epochs=4 frequencies="1 5 20" only=all
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while (( $# )); do
  case "$1" in
    --arch) arch="${2:?}"; shift 2 ;;
    --train-images) train_images="${2:?}"; shift 2 ;;
    --preprocess-images) pre_images="${2:?}"; shift 2 ;;
    --epochs) epochs="${2:?}"; shift 2 ;;
    --frequencies) frequencies="${2:?}"; shift 2 ;;
    --only) only="${2:?}"; shift 2 ;;
    *) usage ;;
  esac
done
case "$only" in all|train|preprocess|averaging) ;; *) echo "--only must be train, preprocess or averaging" >&2; usage ;; esac
for n in "$train_images" "$pre_images" "$epochs" $frequencies; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "not a positive integer: '$n'" >&2; usage; }
done
want() { [[ "$only" == all || "$only" == "$1" ]]; }
FER2013="${FER2013:-../shared/data/fer2013}"
WORK=bench/work
source bench/lib.sh
src=$WORK/fer-train-bench-$train_images
fer_subset "$src" "$train_images" "$FER2013"
pre=$WORK/cluster-bench-pre-$train_images
[[ -f "$pre/manifest.json" ]] || submit-scripts/preprocess.sh --input "$src" --output "$pre" --overwrite > /dev/null
dir=$WORK/cluster-bench
submit-scripts/cluster.sh stop --dir "$dir/cluster" > /dev/null || true
master=$(submit-scripts/cluster.sh start --workers 2 --cores 1 --memory 3g --port 7377 --dir "$dir/cluster" | tail -1)
trap 'submit-scripts/cluster.sh stop --dir "$dir/cluster" > /dev/null' EXIT
echo "lscpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
spark_args() { echo "--total-executor-cores $1 --executor-cores 1 --executor-memory 2g --conf spark.driver.host=127.0.0.1 --conf spark.executorEnv.OMP_NUM_THREADS=1"; }
# history.csv column COL of row ROW (1 = first epoch)
hist() { awk -F, -v col="$2" -v row="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i } NR == row + 1 { print $c }' "$1/history.csv"; }

if want train; then
  for executors in 1 2; do
    out=$dir/model-$arch-$executors
    FER_MASTER=$master FER_DRIVER_MEMORY=2g FER_SPARK_ARGS="$(spark_args "$executors")" \
      submit-scripts/train.sh --data "$pre" --out "$out" --arch "$arch" --epochs 1 --overwrite \
      --set fer.train.train-eval-samples=0 > "$out.log" 2>&1
    ips=$(hist "$out" images_per_s 1)
    echo "train $arch, $executors executor(s) x 1 core: $ips img/s, $(awk -v x="$ips" -v n="$executors" 'BEGIN { printf "%.1f", x / n }') img/s per core; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  done
fi

if want preprocess; then
  psrc=$WORK/fer-train-bench-$pre_images
  fer_subset "$psrc" "$pre_images" "$FER2013"
  inputs=$(find "$psrc" -type f | wc -l)
  for executors in 1 2; do
    out=$dir/pre-$pre_images-$executors
    start=$(date +%s.%N)
    FER_MASTER=$master FER_DRIVER_MEMORY=2g FER_SPARK_ARGS="$(spark_args "$executors")" \
      submit-scripts/preprocess.sh --input "$psrc" --output "$out" --overwrite > "$out.log" 2>&1
    wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
    echo "preprocess $inputs files, $executors executor(s) x 1 core: $wall s wall (start-up included), $(awk -v n="$inputs" -v w="$wall" -v x="$executors" 'BEGIN { printf "%.0f img/s, %.0f img/s per core", n / w, n / w / x }'); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  done
fi

if want averaging; then
  for f in $frequencies; do
    out=$dir/avg-$arch-$f
    FER_MASTER=$master FER_DRIVER_MEMORY=2g FER_SPARK_ARGS="$(spark_args 2)" \
      submit-scripts/train.sh --data "$pre" --out "$out" --arch "$arch" --epochs "$epochs" --overwrite \
      --set fer.train.train-eval-samples=0 --set fer.train.spark.averaging-frequency="$f" > "$out.log" 2>&1
    ips=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "images_per_s") c = i; next } { s += $c; n++ } END { printf "%.1f", s / n }' "$out/history.csv")
    echo "averaging every $f batches, 2 executors x 1 core, $arch, $epochs epochs: $ips img/s (mean of epochs), validation accuracy $(hist "$out" val_acc "$epochs"), loss $(hist "$out" val_loss "$epochs"); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  done
fi
