# Shared by the submit-scripts: finds the shaded jar and runs spark-submit with the project's Java 17 flags.
# Environment:
#   SPARK_HOME         use $SPARK_HOME/bin/spark-submit (a Spark 3.5.x install); unset: Spark from the Maven build
#   FER_MASTER         Spark master (default local[*]); on a cluster e.g. yarn, k8s://..., spark://...
#   FER_DRIVER_MEMORY  driver heap (default 4g)
#   FER_SPARK_CONF     Spark properties file (default conf/spark-defaults.conf)
#   FER_SPARK_ARGS     extra spark-submit arguments (e.g. "--executor-memory 8g --num-executors 10")
set -euo pipefail

FER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FER_JAR="${FER_JAR:-$FER_ROOT/jobs/target/fer-spark-jobs.jar}"
FER_SPARK_CLASSPATH_FILE="$FER_ROOT/jobs/target/spark-classpath.txt"

# The same list Spark's own launcher adds on Java 17, plus DL4J's oneDNN helper switch (README, "Stack").
FER_JAVA_OPTS="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED \
--add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false \
-Dorg.eclipse.deeplearning4j.helpers.disable=false -Daeron.publication.unblock.timeout=60000000000 \
-Dlog4j2.configurationFile=file:$FER_ROOT/conf/log4j2.properties"

fer_require_jar() {
  if [[ ! -f "$FER_JAR" ]]; then
    echo "fer-spark: $FER_JAR not found; build it first: (cd $FER_ROOT && mvn -DskipTests package)" >&2
    exit 1
  fi
}

# fer_java MAIN_CLASS HEAP [args...]: runs a Spark-free entry point of the shaded jar with plain java and the
# project's JVM flags, no spark-submit (realtime.sh, predict.sh). The shaded jar leaves out what Spark provides, and
# ND4J needs some of it (e.g. commons-math3): those jars come from the Spark install, else from the classpath Maven
# resolved (same sources as fer_submit). -Dfer.root lets relative settings (models/...) resolve against this checkout.
fer_java() {
  local main_class="$1" heap="$2"; shift 2
  fer_require_jar
  local provided
  if [[ -n "${SPARK_HOME:-}" ]]; then
    provided="$SPARK_HOME/jars/*"
  elif [[ -f "$FER_SPARK_CLASSPATH_FILE" ]]; then
    provided="$(cat "$FER_SPARK_CLASSPATH_FILE")"
  else
    echo "fer-spark: no SPARK_HOME and no $FER_SPARK_CLASSPATH_FILE; run: (cd $FER_ROOT && mvn -DskipTests package)" >&2
    exit 1
  fi
  # shellcheck disable=SC2086
  exec java -Xmx"$heap" $FER_JAVA_OPTS -Dfer.root="$FER_ROOT" -cp "$provided:$FER_JAR" "$main_class" "$@"
}

# fer_submit MAIN_CLASS [job args...]
fer_submit() {
  local main_class="$1"; shift
  fer_require_jar
  local master="${FER_MASTER:-local[*]}"
  local conf="${FER_SPARK_CONF:-$FER_ROOT/conf/spark-defaults.conf}"
  local mem="${FER_DRIVER_MEMORY:-4g}"
  # shellcheck disable=SC2206
  local extra=(${FER_SPARK_ARGS:-})
  if [[ -n "${SPARK_HOME:-}" ]]; then
    exec "$SPARK_HOME/bin/spark-submit" --master "$master" --properties-file "$conf" --driver-memory "$mem" \
      --driver-java-options "$FER_JAVA_OPTS" "${extra[@]}" --class "$main_class" "$FER_JAR" "$@"
  fi
  if [[ ! -f "$FER_SPARK_CLASSPATH_FILE" ]]; then
    echo "fer-spark: no SPARK_HOME and no $FER_SPARK_CLASSPATH_FILE; run: (cd $FER_ROOT && mvn -DskipTests package)" >&2
    exit 1
  fi
  # No Spark install: run Spark's own SparkSubmit from the Spark jars Maven resolved (same code path as
  # bin/spark-submit; the driver JVM is this one, so its memory and flags are set here; the app jar also
  # supplies what Spark shares with the app, e.g. slf4j).
  # shellcheck disable=SC2086
  exec java -Xmx"$mem" $FER_JAVA_OPTS -cp "$(cat "$FER_SPARK_CLASSPATH_FILE"):$FER_JAR" org.apache.spark.deploy.SparkSubmit \
    --master "$master" --properties-file "$conf" "${extra[@]}" --class "$main_class" "$FER_JAR" "$@"
}
