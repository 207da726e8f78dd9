#!/usr/bin/env bash
# A Spark standalone cluster on this machine from the Spark jars the build resolved (no Spark install): one Master
# and N Workers, each its own JVM, so jobs run on separate executor JVMs as on a real cluster (broadcasts and task
# results serialised between JVMs, parameter averaging across executors).
# Usage: submit-scripts/cluster.sh start [--workers N] [--cores C] [--memory M] [--port P] [--dir DIR]
#        submit-scripts/cluster.sh status [--dir DIR]
#        submit-scripts/cluster.sh stop [--dir DIR]
#   --workers N   Worker JVMs (default 2)          --cores C   cores each Worker offers (default 1)
#   --memory M    memory each Worker offers to its executors, e.g. 2g (default 2g)
#   --port P      Master port (default 7077; Spark moves to the next free one if taken, like the UIs)
#   --dir DIR     pid files, logs, worker and executor folders (default target/cluster; FER_CLUSTER_DIR)
# start prints the master URL on its last line once every Worker has registered; then e.g.
#   FER_MASTER=$(submit-scripts/cluster.sh status | sed -n 's/^master //p') \
#   FER_SPARK_ARGS="--total-executor-cores 2 --executor-cores 1 --executor-memory 2g" submit-scripts/train.sh ...
# Executor logs: DIR/worker-K/app-*/EXECUTOR/stderr. Exit codes: 0 ok, 1 failed (or status: not running), 2 bad usage.
# Env: FER_CLUSTER_CLASSPATH (Spark's classpath for the daemons and executors; default the build's
# jobs/target/spark-runtime-classpath.txt, Spark's dependency tree as a distribution's jars/ would hold it), FER_CLUSTER_DAEMON_MEMORY (heap of Master and Workers, default 512m),
# FER_CLUSTER_TIMEOUT (seconds start waits for registration, default 120).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  sed -n '2,19s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
}

action="${1:-}"
[[ "$action" =~ ^(start|stop|status)$ ]] || { echo "fer-cluster: first argument must be start, stop or status" >&2; usage; }
shift
workers=2 cores=1 memory=2g port=7077 dir="${FER_CLUSTER_DIR:-$FER_ROOT/target/cluster}"
while (( $# )); do
  case "$1" in
    --workers) workers="${2:?}"; shift 2 ;;
    --cores) cores="${2:?}"; shift 2 ;;
    --memory) memory="${2:?}"; shift 2 ;;
    --port) port="${2:?}"; shift 2 ;;
    --dir) dir="${2:?}"; shift 2 ;;
    *) echo "fer-cluster: unknown option $1" >&2; usage ;;
  esac
done
[[ "$workers" =~ ^[1-9][0-9]?$ ]] || { echo "fer-cluster: --workers must be 1..99, got '$workers'" >&2; exit 2; }
[[ "$cores" =~ ^[1-9][0-9]*$ ]] || { echo "fer-cluster: --cores must be a positive integer, got '$cores'" >&2; exit 2; }
[[ "$memory" =~ ^[1-9][0-9]*[mMgG]$ ]] || { echo "fer-cluster: --memory must look like 512m or 2g, got '$memory'" >&2; exit 2; }
[[ "$port" =~ ^[0-9]+$ ]] && (( port > 0 && port < 65536 )) || { echo "fer-cluster: --port must be a port number, got '$port'" >&2; exit 2; }

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2> /dev/null; }
master_url() { sed -n 's/.*Starting Spark master at \(spark:\/\/[^ ]*\).*/\1/p' "$dir/master.log" 2> /dev/null | tail -1; }
master_ui() { sed -n 's/.*MasterWebUI.*started at \(http[^ ]*\).*/\1/p' "$dir/master.log" 2> /dev/null | tail -1; }
registered() { grep -l "Successfully registered with master" "$dir"/worker-*.log 2> /dev/null | wc -l; }

status() {
  local running=0 total=0 f
  for f in "$dir"/master.pid "$dir"/worker-*.pid; do
    [[ -f "$f" ]] || continue
    total=$((total + 1))
    if alive "$f"; then running=$((running + 1)); fi
  done
  if (( total == 0 )); then
    echo "fer-cluster: not running (no pid files in $dir)"
    return 1
  fi
  echo "daemons $running of $total running"
  echo "workers registered $(registered)"
  echo "ui $(master_ui)"
  echo "logs $dir"
  echo "master $(master_url)"
  (( running == total ))
}

stop() {
  local f pid waited
  for f in "$dir"/worker-*.pid "$dir"/master.pid; do
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2> /dev/null; then
      kill "$pid"
      for waited in $(seq 1 20); do kill -0 "$pid" 2> /dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2> /dev/null && kill -9 "$pid"
      echo "fer-cluster: stopped $(basename "$f" .pid) (pid $pid)"
    fi
    rm -f "$f"
  done
}

# daemon NAME MAIN_CLASS ARGS...: starts one Spark daemon JVM in the background with its pid file and log.
daemon() {
  local name="$1"; shift
  # shellcheck disable=SC2086
  SPARK_HOME="$dir/spark-home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 \
    nohup java -Xmx"${FER_CLUSTER_DAEMON_MEMORY:-512m}" $FER_JAVA_OPTS \
    -Dlog4j2.configurationFile="file:$dir/log4j2-daemon.properties" -cp "$classpath" "$@" \
    > "$dir/$name.log" 2>&1 < /dev/null &
  echo $! > "$dir/$name.pid"
}

case "$action" in
  status) status; exit $? ;;
  stop) stop; exit 0 ;;
esac

if alive "$dir/master.pid"; then
  echo "fer-cluster: already running ($dir/master.pid); stop it first: $0 stop --dir $dir" >&2
  exit 1
fi
if [[ -n "${FER_CLUSTER_CLASSPATH:-}" ]]; then
  classpath="$FER_CLUSTER_CLASSPATH"
elif [[ -f "$FER_ROOT/jobs/target/spark-runtime-classpath.txt" ]]; then
  classpath="$(cat "$FER_ROOT/jobs/target/spark-runtime-classpath.txt")"
else
  echo "fer-cluster: no $FER_ROOT/jobs/target/spark-runtime-classpath.txt; build first:" \
    "(cd $FER_ROOT && mvn -DskipTests package)" >&2
  exit 1
fi
rm -rf "$dir/spark-home" "$dir"/worker-* "$dir"/master.*
mkdir -p "$dir/spark-home/jars" "$dir/spark-home/conf"
# A Worker launches executors as java -cp "<spark.executor.extraClassPath>:SPARK_HOME/conf:SPARK_HOME/jars/*":
# give that folder the Spark jars (links), the application jar comes from the driver (spark.jars).
IFS=: read -r -a entries <<< "$classpath"
for e in "${entries[@]}"; do
  [[ "$e" == *.jar && -f "$e" ]] && ln -sf "$e" "$dir/spark-home/jars/$(basename "$e")"
done
# executors find log4j2.properties on their classpath (SPARK_HOME/conf): the jobs' logging
cp "$FER_ROOT/conf/log4j2.properties" "$dir/spark-home/conf/log4j2.properties"
# the daemons log their own state at INFO (start and status read the master URL and the registrations from it)
sed -e 's/^rootLogger.level = warn/rootLogger.level = info/' "$FER_ROOT/conf/log4j2.properties" \
  > "$dir/log4j2-daemon.properties"

daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 8080
deadline=$((SECONDS + ${FER_CLUSTER_TIMEOUT:-120}))
until [[ -n "$(master_url)" ]]; do
  if ! alive "$dir/master.pid" || (( SECONDS > deadline )); then
    echo "fer-cluster: the Master did not start; see $dir/master.log" >&2
    tail -5 "$dir/master.log" >&2 || true
    stop > /dev/null
    exit 1
  fi
  sleep 0.5
done
url="$(master_url)"
for k in $(seq 1 "$workers"); do
  mkdir -p "$dir/worker-$k"
  daemon "worker-$k" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$cores" --memory "$memory" \
    --work-dir "$dir/worker-$k" --webui-port 8081 "$url"
done
until (( $(registered) == workers )); do
  for k in $(seq 1 "$workers"); do
    if ! alive "$dir/worker-$k.pid"; then
      echo "fer-cluster: worker-$k exited; see $dir/worker-$k.log" >&2
      tail -5 "$dir/worker-$k.log" >&2 || true
      stop > /dev/null
      exit 1
    fi
  done
  if (( SECONDS > deadline )); then
    echo "fer-cluster: only $(registered) of $workers workers registered within ${FER_CLUSTER_TIMEOUT:-120} s; logs in $dir" >&2
    stop > /dev/null
    exit 1
  fi
  sleep 0.5
done
echo "fer-cluster: $workers workers x $cores cores x $memory, UI $(master_ui), logs $dir"
echo "$url"
