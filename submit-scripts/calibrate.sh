#!/usr/bin/env bash
# Calibrates a model file: fits its temperature on a split of preprocessed tensors (default validation) and stores
# it in the model's metadata, where evaluate, predict and realtime apply it (local, plain java, no Spark).
# Usage: submit-scripts/calibrate.sh --model MODEL.zip --data PREPROCESSED [--out OUT.zip] [--split validation]
#          [--overwrite] [--config FILE] [--set KEY=VALUE ...]
# Without --out the model file is replaced (atomically); its weights are copied byte for byte.
# Env: FER_CALIBRATE_MEMORY (heap, default 2g).
# Exit codes: 0 written, 1 unusable model or data or an existing --out (without --overwrite), 2 bad usage.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
FER_JAVA_OPTS="$FER_JAVA_OPTS -Dlog4j2.configurationFile=file:$FER_ROOT/conf/log4j2-cli.properties"
fer_java org.ferspark.jobs.CalibrateJob "${FER_CALIBRATE_MEMORY:-2g}" "$@"
