#!/usr/bin/env bash
# Evaluation job: one split of preprocessed tensors (--data), or a folder of labelled photos (--images DIR/<label>/*,
#   each face found with the detector of realtime and predict, BlazeFace by default), scored by fer-spark models
#   and Keras peers (a model file's temperature applied) ->
#   metrics.json + confusion_matrix.csv + confusion_matrix_normalized.csv + index.html in --report (one model), or per
#   model in --report/<name>/ plus comparison.json (several models: side-by-side scores and McNemar tests); with
#   --predictions also --report/predictions.parquet (one row per face and model, calibrated probabilities).
# Usage: submit-scripts/evaluate.sh (--data PREPROCESSED [--split test] | --images DIR [--no-detect]
#          [--detector blazeface|haar|dnn] [--several-faces largest|reject]) --report DIR [--model MODEL.zip ...]
#          [--peer keras:FILE.hdf5[:size=64,scale=symmetric,labels=angry,disgust,...] ...] [--predictions]
#          [--tta[=six|ten-crop]] [--min-confidence P] [--overwrite] [--config FILE] [--set key=value ...]
# Without --model and --peer: fer.evaluate.default-model (models/fer2013-default.zip).
# Photo options: fer.evaluate.images.* (crop-max-side, detect-min-side, min-face, several-faces), the detector of
#   fer.realtime.detector.*, fer.realtime.crop-margin (evaluation/src/main/resources/reference.conf).
# Exit codes: 0 ok, 1 failed (missing split, a folder without class folders, unreadable model, existing report, ...),
#   2 bad usage or configuration. A bad photo is never a failure: it gets a status, counted in the report.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fer_submit org.ferspark.jobs.EvaluateJob "$@"
