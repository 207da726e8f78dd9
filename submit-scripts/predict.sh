#!/usr/bin/env bash
# Facial-expression label and class probabilities of images (local, plain java, no Spark).
# Usage: submit-scripts/predict.sh [--model FILE] [--json] [--detect-faces] [--top K] IMAGE|DIR...
#          [--min-face PX] [--detector blazeface|haar|dnn] [--detector-model FILE] [--config FILE] [--set KEY=VALUE ...]
# Without --model it uses models/fer2013-default.zip. Directories are searched recursively, in path order.
# Predictions go to stdout (a table, or --json lines); failures and the summary line to stderr.
# Env: FER_PREDICT_MEMORY (heap, default 2g).
# Exit codes: 0 ok, 1 an input failed (named on stderr, the others still printed) or the model is unusable, 2 bad usage.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# stdout is data: DL4J's start-up INFO lines stay out of stderr too (the last -D wins)
FER_JAVA_OPTS="$FER_JAVA_OPTS -Dlog4j2.configurationFile=file:$FER_ROOT/conf/log4j2-cli.properties"
fer_java org.ferspark.jobs.PredictJob "${FER_PREDICT_MEMORY:-2g}" "$@"
