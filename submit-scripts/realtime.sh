#!/usr/bin/env bash
# Realtime facial-expression recognition on a camera, a video file or images (local, plain java, no Spark).
# Usage: submit-scripts/realtime.sh (--camera N | --video FILE | --image FILE|DIR) [--model FILE]
#          [--headless --out DIR] [--min-face PX] [--detect-every N] [--smoothing ALPHA] [--max-frames N]
#          [--detector-model FILE] [--config FILE] [--set fer.realtime.KEY=VALUE ...]
# Without --model it uses models/fer2013-default.zip. --headless writes DIR/annotated.mp4 and DIR/frames.jsonl.
# Env: FER_REALTIME_MEMORY (heap, default 2g); OMP_NUM_THREADS (DL4J threads, default 1: one core for the classifier).
# Exit codes: 0 ok, 1 failed, 2 bad usage.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fer_require_jar
# The shaded jar leaves out what Spark provides, and ND4J needs some of it (e.g. commons-math3): take those jars
# from the Spark install, else from the classpath Maven resolved (same sources as fer_submit).
if [[ -n "${SPARK_HOME:-}" ]]; then
  provided="$SPARK_HOME/jars/*"
elif [[ -f "$FER_SPARK_CLASSPATH_FILE" ]]; then
  provided="$(cat "$FER_SPARK_CLASSPATH_FILE")"
else
  echo "fer-spark: no SPARK_HOME and no $FER_SPARK_CLASSPATH_FILE; run: (cd $FER_ROOT && mvn -DskipTests package)" >&2
  exit 1
fi
# One thread per stage (bench/realtime.sh compares): DL4J on one OpenMP thread unless told otherwise.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
# shellcheck disable=SC2086
exec java -Xmx"${FER_REALTIME_MEMORY:-2g}" $FER_JAVA_OPTS -Dfer.root="$FER_ROOT" -cp "$provided:$FER_JAR" \
  org.ferspark.realtime.app.RealtimeApp "$@"
