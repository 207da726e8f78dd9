# Shared by the submit-scripts: finds the shaded jar and runs spark-submit with the project's Java 17 flags.
# Environment:
#   SPARK_HOME         use $SPARK_HOME/bin/spark-submit (a Spark 3.5.x install); unset: Spark from the Maven build
#   FER_MASTER         Spark master (default local[*]); on a cluster e.g. yarn, k8s://..., spark://...
#   FER_DRIVER_MEMORY  driver heap (default 4g)
#   FER_SPARK_CONF     a Spark properties file passed with --properties-file (it then replaces
#                      $SPARK_HOME/conf/spark-defaults.conf); unset: none is passed, see below
#   FER_SPARK_ARGS     extra spark-submit arguments, split like a shell would (quotes and backslashes respected,
#                      nothing expanded), e.g. "--num-executors 10 --conf 'spark.executor.extraJavaOptions=-Da -Db'"
#   FER_DRY_RUN=1      print the command, one argument per line, instead of running it
#   FER_CDS=0          no class-data sharing archive for the driver JVM (see fer_cds; default on)
#   FER_JOB_JAVA_OPTS  extra options for the driver JVM of one job, set by its submit-script (preprocess.sh)
#
# Spark properties: conf/spark-defaults.conf (what every job needs: Kryo, ND4J's registrator, DL4J's executor
# options) is passed line by line as --conf on every master, and conf/spark-local.conf (UI off, ...) only on
# local[...] masters, so a Spark install's own conf/spark-defaults.conf stays in force for every other key.
# spark.executor.extraJavaOptions is merged, not replaced: the project's options first, then the value from
# FER_SPARK_ARGS or else from the Spark install's (or FER_SPARK_CONF's) file, so the user's -D flags win.
set -euo pipefail

FER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FER_JAR="${FER_JAR:-$FER_ROOT/jobs/target/fer-spark-jobs.jar}"
FER_SPARK_CLASSPATH_FILE="${FER_SPARK_CLASSPATH_FILE:-$FER_ROOT/jobs/target/spark-classpath.txt}"

# The same list Spark's own launcher adds on Java 17, plus DL4J's oneDNN helper switch (README, "Stack") and the
# system clock for DL4J's Spark training stats (fer.train.spark.collect-stats; its default asks an NTP server).
FER_JAVA_OPTS="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED \
--add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false \
-Dorg.eclipse.deeplearning4j.helpers.disable=false \
-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource \
-Daeron.publication.unblock.timeout=60000000000 \
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

# fer_split_spark_args: FER_EXTRA=(FER_SPARK_ARGS split with shell quoting, by xargs: nothing is expanded or run);
# an unbalanced quote is one error line and exit 2.
fer_split_spark_args() {
  FER_EXTRA=()
  local raw="${FER_SPARK_ARGS:-}" err
  [[ -n "${raw//[[:space:]]/}" ]] || return 0
  if ! err="$(printf '%s' "$raw" | xargs true 2>&1)"; then
    err="${err%%$'\n'*}"; err="${err#xargs: }"
    echo "fer-spark: FER_SPARK_ARGS cannot be split like a shell would (${err%%;*}): $raw" >&2
    exit 2
  fi
  mapfile -d '' -t FER_EXTRA < <(printf '%s' "$raw" | xargs printf '%s\0')
}

# fer_read_props FILE: prints "key<TAB>value" for each property line (Java properties syntax as Spark reads it:
# "key value", "key=value" or "key: value"; # and ! start comments; values trimmed).
fer_read_props() {
  local line key value
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    [[ -z "$line" || "$line" == '#'* || "$line" == '!'* ]] && continue
    key="${line%%[[:space:]=:]*}"
    value="${line:${#key}}"
    value="${value#"${value%%[![:space:]]*}"}"
    value="${value#[=:]}"
    value="${value#"${value%%[![:space:]]*}"}"
    value="${value%"${value##*[![:space:]]}"}"
    printf '%s\t%s\n' "$key" "$value"
  done < "$1"
}

# fer_prop_from_file KEY FILE: the value of KEY in FILE (empty if the file or the key is missing).
fer_prop_from_file() {
  [[ -f "$2" ]] || return 0
  fer_read_props "$2" | awk -F '\t' -v k="$1" '$1 == k { v = substr($0, length(k) + 2) } END { printf "%s", v }'
}

# fer_spark_conf_args MASTER: FER_CONF=(--conf k=v ...) from conf/spark-defaults.conf (+ conf/spark-local.conf on
# local masters), with spark.executor.extraJavaOptions merged as described at the top; removes the merged key's
# --conf from FER_EXTRA.
fer_spark_conf_args() {
  local master="$1" key value files=("$FER_ROOT/conf/spark-defaults.conf")
  [[ "$master" == local* ]] && files+=("$FER_ROOT/conf/spark-local.conf")
  local user_opts="" cluster_file="" rest=() i=0
  if [[ -n "${FER_SPARK_CONF:-}" ]]; then
    cluster_file="$FER_SPARK_CONF"
  elif [[ -n "${SPARK_HOME:-}" ]]; then
    cluster_file="${SPARK_CONF_DIR:-$SPARK_HOME/conf}/spark-defaults.conf"
  fi
  local found=0
  while (( i < ${#FER_EXTRA[@]} )); do
    local a="${FER_EXTRA[i]}"
    if [[ ( "$a" == --conf || "$a" == -c ) && "${FER_EXTRA[i+1]:-}" == spark.executor.extraJavaOptions=* ]]; then
      user_opts="${FER_EXTRA[i+1]#spark.executor.extraJavaOptions=}"; found=1; i=$((i + 2)); continue
    elif [[ "$a" == --conf=spark.executor.extraJavaOptions=* ]]; then
      user_opts="${a#--conf=spark.executor.extraJavaOptions=}"; found=1; i=$((i + 1)); continue
    fi
    rest+=("$a"); i=$((i + 1))
  done
  FER_EXTRA=(${rest[@]+"${rest[@]}"})
  if (( ! found )) && [[ -n "$cluster_file" ]]; then
    user_opts="$(fer_prop_from_file spark.executor.extraJavaOptions "$cluster_file")"
  fi
  FER_CONF=()
  while IFS=$'\t' read -r key value; do
    if [[ "$key" == spark.executor.extraJavaOptions && -n "$user_opts" ]]; then
      value="$value $user_opts"
    fi
    FER_CONF+=(--conf "$key=$value")
  done < <(for f in "${files[@]}"; do fer_read_props "$f"; done)
}

# fer_run COMMAND...: runs it in place of this shell, or prints it one argument per line with FER_DRY_RUN=1.
fer_run() {
  if [[ "${FER_DRY_RUN:-0}" == 1 ]]; then
    printf '%s\n' "$@"
    exit 0
  fi
  exec "$@"
}

# fer_submit MAIN_CLASS [job args...]
fer_submit() {
  local main_class="$1"; shift
  fer_require_jar
  local master="${FER_MASTER:-local[*]}"
  local mem="${FER_DRIVER_MEMORY:-4g}"
  fer_split_spark_args
  fer_spark_conf_args "$master"
  local props=()
  [[ -n "${FER_SPARK_CONF:-}" ]] && props=(--properties-file "$FER_SPARK_CONF")
  if [[ -n "${SPARK_HOME:-}" ]]; then
    # the driver's own options from the install's defaults are kept too (after the project's)
    local driver_opts="$FER_JAVA_OPTS${FER_JOB_JAVA_OPTS:+ $FER_JOB_JAVA_OPTS}"
    local theirs
    theirs="$(fer_prop_from_file spark.driver.extraJavaOptions "${FER_SPARK_CONF:-${SPARK_CONF_DIR:-$SPARK_HOME/conf}/spark-defaults.conf}")"
    [[ -n "$theirs" ]] && driver_opts="$driver_opts $theirs"
    fer_run "$SPARK_HOME/bin/spark-submit" --master "$master" ${props[@]+"${props[@]}"} "${FER_CONF[@]}" \
      --driver-memory "$mem" --driver-java-options "$driver_opts" ${FER_EXTRA[@]+"${FER_EXTRA[@]}"} \
      --class "$main_class" "$FER_JAR" "$@"
  fi
  if [[ ! -f "$FER_SPARK_CLASSPATH_FILE" ]]; then
    echo "fer-spark: no SPARK_HOME and no $FER_SPARK_CLASSPATH_FILE; run: (cd $FER_ROOT && mvn -DskipTests package)" >&2
    exit 1
  fi
  # No Spark install: run Spark's own SparkSubmit from the Spark jars Maven resolved (same code path as
  # bin/spark-submit; the driver JVM is this one, so its memory and flags are set here; the app jar also
  # supplies what Spark shares with the app, e.g. slf4j).
  fer_cds "$main_class"
  # shellcheck disable=SC2086
  local cmd=(java -Xmx"$mem" $FER_JAVA_OPTS ${FER_JOB_JAVA_OPTS:-} ${FER_CDS_OPTS[@]+"${FER_CDS_OPTS[@]}"}
    -cp "$(cat "$FER_SPARK_CLASSPATH_FILE"):$FER_JAR"
    org.apache.spark.deploy.SparkSubmit --master "$master" ${props[@]+"${props[@]}"} "${FER_CONF[@]}"
    ${FER_EXTRA[@]+"${FER_EXTRA[@]}"} --class "$main_class" "$FER_JAR" "$@")
  if [[ -n "$FER_CDS_DUMP" && "${FER_DRY_RUN:-0}" != 1 ]]; then
    local rc=0
    "${cmd[@]}" || rc=$?
    # keep the archive of a successful run only (a failed one may have loaded a fraction of the classes)
    if (( rc == 0 )) && [[ -s "$FER_CDS_DUMP.$$.tmp" ]]; then
      mv -f "$FER_CDS_DUMP.$$.tmp" "$FER_CDS_DUMP"
      printf '%s\n' "$FER_CDS_KEY" > "$FER_CDS_DUMP.key"
    else
      rm -f "$FER_CDS_DUMP.$$.tmp"
    fi
    exit "$rc"
  fi
  fer_run "${cmd[@]}"
}

# fer_cds MAIN_CLASS: FER_CDS_OPTS=(JVM options) for class-data sharing, and FER_CDS_DUMP=the archive to write when
# this run is to make it. The driver JVM maps the classes the job loaded in an earlier run from an archive
# (jobs/target/cds/<Job>.jsa, or under FER_CDS_DIR) instead of finding and reading them in ~150 jars, which is most
# of a small job's start-up (bench/RESULTS.md, issue 19). The first successful run after a build writes the archive
# (a few seconds more, once). Used without a Spark install only (spark-submit's classpath differs); FER_CDS=0 turns
# it off (also when profiling with JFR, which aborts this JDK 17 at start-up with a dynamic archive). A stale archive
# is never used: it must be newer than the jar and the classpath, and made for this jar, classpath file and java
# (<archive>.key; the JVM ignores, silently, an archive of another classpath, and it would never be made again).
fer_cds() {
  FER_CDS_OPTS=()
  FER_CDS_DUMP=""
  FER_CDS_KEY=""
  [[ "${FER_CDS:-1}" == 1 ]] || return 0
  local dir="${FER_CDS_DIR:-$FER_ROOT/jobs/target/cds}"
  local jsa="$dir/${1##*.}.jsa"
  local java_bin
  java_bin=$(readlink -f "$(command -v java)" 2> /dev/null || command -v java)
  local key="$FER_JAR $FER_SPARK_CLASSPATH_FILE $java_bin"
  if [[ -f "$jsa" && "$jsa" -nt "$FER_JAR" && "$jsa" -nt "$FER_SPARK_CLASSPATH_FILE" \
        && "$(cat "$jsa.key" 2> /dev/null)" == "$key" ]]; then
    FER_CDS_OPTS=(-XX:SharedArchiveFile="$jsa" -Xlog:cds*=off)
  elif [[ "${FER_DRY_RUN:-0}" == 1 ]] || { mkdir -p "$dir" 2> /dev/null && [[ -w "$dir" ]]; }; then
    FER_CDS_DUMP="$jsa"
    FER_CDS_KEY="$key"
    FER_CDS_OPTS=(-XX:ArchiveClassesAtExit="$jsa.$$.tmp" -Xlog:cds*=off)
  fi
}
