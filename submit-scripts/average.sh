#!/usr/bin/env bash
# Averages the weights of two or more model files of one architecture into one model (stochastic weight averaging of
# a run's last checkpoints, or a "model soup" of runs fine-tuned from one model): batch-norm statistics re-estimated
# on training faces, temperature fitted on validation (local, plain java, no Spark).
# Usage: submit-scripts/average.sh --model A.zip --model B.zip [--model ...] --data PREPROCESSED --out OUT.zip
#          [--bn-split train] [--bn-faces 8192] [--no-calibrate] [--overwrite]
# Compare the result with its sources on validation before using it:
#   submit-scripts/evaluate.sh --data PREPROCESSED --split validation --model OUT.zip --model A.zip --model B.zip
# Env: FER_AVERAGE_MEMORY (heap, default 3g).
# Exit codes: 0 written, 1 unusable models or data or an existing --out (without --overwrite), 2 bad usage.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
FER_JAVA_OPTS="$FER_JAVA_OPTS -Dlog4j2.configurationFile=file:$FER_ROOT/conf/log4j2-cli.properties"
fer_java org.ferspark.jobs.AverageJob "${FER_AVERAGE_MEMORY:-3g}" "$@"
