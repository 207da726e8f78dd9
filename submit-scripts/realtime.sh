#!/usr/bin/env bash
# Realtime facial-expression recognition on a camera, a video file or images (local, plain java, no Spark).
# Usage: submit-scripts/realtime.sh (--camera N | --video FILE | --image FILE|DIR) [--model FILE]
#          [--headless --out DIR] [--min-face PX] [--detect-every N] [--smoothing ALPHA] [--max-frames N]
#          [--detector blazeface|haar|dnn] [--detector-model FILE] [--config FILE] [--set fer.realtime.KEY=VALUE ...]
# Without --model it uses models/fer2013-default.zip. --headless writes DIR/annotated.mp4 and DIR/frames.jsonl.
# Env: FER_REALTIME_MEMORY (heap, default 2g); OMP_NUM_THREADS (DL4J threads, default 1: one core for the classifier).
# Exit codes: 0 ok, 1 failed, 2 bad usage.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# One thread per stage (bench/realtime.sh compares): DL4J on one OpenMP thread unless told otherwise.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
fer_java org.ferspark.realtime.app.RealtimeApp "${FER_REALTIME_MEMORY:-2g}" "$@"
