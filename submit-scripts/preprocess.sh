#!/usr/bin/env bash
# Preprocessing job: face images -> Parquet tensors + rejects + manifest.json.
# Usage: submit-scripts/preprocess.sh --input PATH --output PATH [--format folder|affectnet|fer2013-csv]
#          [--augment-copies N] [--seed N] [--classes 7|8] [--overwrite] [--config FILE] [--set key=value ...]
# Exit codes: 0 ok (rejects are counted in the manifest), 1 failed, 2 bad usage.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fer_submit org.ferspark.jobs.PreprocessJob "$@"
