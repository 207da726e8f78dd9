#!/usr/bin/env bash
# Builds the project, then runs the pipeline end to end on the sample dataset in data/sample/ in Spark local mode:
# preprocess -> train (3 epochs) -> evaluate (HTML report) [-> predict with the shipped model].
# Output: target/quickstart/ (override with FER_QUICKSTART_OUT). Takes a few minutes on 2 cores.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${FER_QUICKSTART_OUT:-$ROOT/target/quickstart}"
cd "$ROOT"

echo "== build (mvn -DskipTests package)"
mvn -q -B -DskipTests package

echo "== preprocess data/sample -> $OUT/preprocessed"
submit-scripts/preprocess.sh --input "$ROOT/data/sample" --output "$OUT/preprocessed" --augment-copies 2 --overwrite

echo "== train vgg-bn for 3 epochs on $OUT/preprocessed -> $OUT/model (Spark local mode, parameter averaging)"
submit-scripts/train.sh --data "$OUT/preprocessed" --out "$OUT/model" --arch vgg-bn --epochs 3 --batch 32 --overwrite

echo "== evaluate $OUT/model/model.zip on the sample's test split -> $OUT/report"
submit-scripts/evaluate.sh --data "$OUT/preprocessed" --model "$OUT/model/model.zip" --split test \
  --report "$OUT/report" --overwrite

if [[ -f "$ROOT/models/fer2013-default.zip" ]]; then
  echo "== predict with the shipped model models/fer2013-default.zip (trained on all of FER2013's training split)"
  submit-scripts/predict.sh --top 2 "$ROOT/data/sample/test/happy" "$ROOT/data/sample/test/surprise" | sed -n 1,8p
fi

echo "== done: manifest at $OUT/preprocessed/manifest.json, model at $OUT/model/model.zip"
echo "== report: $OUT/report/index.html"
