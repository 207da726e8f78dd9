#!/usr/bin/env bash
# Evaluation job: one split of preprocessed tensors scored by fer-spark models and Keras peers ->
#   metrics.json + confusion_matrix.csv + confusion_matrix_normalized.csv in --report (one model), or per model in
#   --report/<name>/ plus comparison.json (several models: side-by-side scores and McNemar tests).
# Usage: submit-scripts/evaluate.sh --data PREPROCESSED --report DIR [--model MODEL.zip ...]
#          [--peer keras:FILE.hdf5[:size=64,scale=symmetric,labels=angry,disgust,...] ...] [--split test]
#          [--tta] [--overwrite] [--config FILE] [--set key=value ...]
# Without --model and --peer: fer.evaluate.default-model (models/fer2013-default.zip).
# Exit codes: 0 ok, 1 failed (missing split, unreadable model, existing report, ...), 2 bad usage or configuration.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fer_submit org.ferspark.jobs.EvaluateJob "$@"
