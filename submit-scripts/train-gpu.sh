#!/usr/bin/env bash
# Training on NVIDIA GPUs: same job and options as submit-scripts/train.sh, with the CUDA build of the jar and
# conf/spark-gpu.conf (README, "GPU training (-Pcuda)").
# Usage: submit-scripts/train-gpu.sh --data PREPROCESSED --out DIR [train.sh options ...]
#
# Needs jobs/target/fer-spark-jobs.jar built with the CUDA backend:
#   mvn -Pcuda -DskipTests package -pl jobs -am      (downloads nd4j-cuda-11.6, ~600 MB, once)
# and the CUDA 11.6 + cuDNN 8.3 runtime on the GPU hosts: an installed toolkit on LD_LIBRARY_PATH, or a jar built
# with -Pcuda,cuda-redist.
#
# Local (FER_MASTER unset or local[...], default local[1]): one JVM, one GPU (CUDA device 0, or the first of
#   CUDA_VISIBLE_DEVICES). Spark does not schedule GPUs in local mode, so the spark.*.resource.* lines and the
#   per-executor core/memory settings of conf/spark-gpu.conf are left out; local[1] keeps one training worker on
#   the one GPU. --no-spark trains in the same JVM without Spark.
# Cluster (FER_MASTER=yarn | k8s://... | spark://...): conf/spark-gpu.conf as is: one GPU and one task per
#   executor; size the job with FER_SPARK_ARGS (e.g. "--num-executors 4" = 4 GPUs = 4 averaging workers).
# Environment (besides lib.sh's FER_MASTER, FER_DRIVER_MEMORY, FER_SPARK_ARGS, SPARK_HOME, FER_JAR):
#   FER_SPARK_CONF            properties file (default conf/spark-gpu.conf)
#   FER_GPU_DISCOVERY_SCRIPT  discovery script path on the executors (default <repo>/conf/gpu-discovery.sh)
#   FER_GPU_SKIP_JAR_CHECK=1  run even if the jar has no CUDA backend (tests this script on a CPU build)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

fer_require_jar
if [[ "${FER_GPU_SKIP_JAR_CHECK:-0}" != 1 ]]; then
  # ND4J's CUDA backend lives in org.nd4j.linalg.jcublas; the CPU build has org.nd4j.linalg.cpu.nativecpu instead.
  if command -v unzip > /dev/null; then
    listing() { unzip -Z1 "$FER_JAR"; }
  else
    listing() { jar tf "$FER_JAR"; }
  fi
  # (grep without -q reads the whole listing: with pipefail an early exit would fail the lister with SIGPIPE)
  if ! listing | grep '^org/nd4j/linalg/jcublas/' > /dev/null; then
    cat >&2 <<MSG
fer-spark: $FER_JAR has no ND4J CUDA backend (no org/nd4j/linalg/jcublas/): it is the CPU build.
Build the CUDA jar first:  (cd $FER_ROOT && mvn -Pcuda -DskipTests package -pl jobs -am)
(add ,cuda-redist to -P to bundle the CUDA 11.6/cuDNN 8.3 runtime, multi-GB); for CPU training use train.sh.
MSG
    exit 1
  fi
fi

conf="${FER_SPARK_CONF:-$FER_ROOT/conf/spark-gpu.conf}"
[[ -f "$conf" ]] || { echo "fer-spark: no Spark properties file $conf" >&2; exit 1; }
export FER_MASTER="${FER_MASTER:-local[1]}"
# ND4J's off-heap limits for the driver: in local mode it is also the only worker.
FER_JAVA_OPTS="$FER_JAVA_OPTS ${FER_GPU_DRIVER_JAVA_OPTS:--Dorg.bytedeco.javacpp.maxbytes=8G -Dorg.bytedeco.javacpp.maxphysicalbytes=16G}"

if [[ "$FER_MASTER" == local* ]]; then
  # Spark has no GPU scheduling in local mode: drop the resource requests and the per-executor sizing
  # (spark.task.cpus 4 would not fit local[1]).
  local_conf="${TMPDIR:-/tmp}/fer-spark-gpu-local-$(id -u).conf"
  grep -Ev '^[[:space:]]*spark\.(executor\.resource\.|task\.resource\.|executor\.cores|task\.cpus|executor\.memory)' \
    "$conf" > "$local_conf"
  echo "fer-spark: local GPU run ($FER_MASTER): Spark does not schedule GPUs locally; resource settings of" \
    "$(basename "$conf") left out ($local_conf)" >&2
  export FER_SPARK_CONF="$local_conf"
else
  export FER_SPARK_CONF="$conf"
  FER_SPARK_ARGS="--conf spark.executor.resource.gpu.discoveryScript=${FER_GPU_DISCOVERY_SCRIPT:-$FER_ROOT/conf/gpu-discovery.sh} ${FER_SPARK_ARGS:-}"
fi
export FER_SPARK_ARGS
fer_submit org.ferspark.jobs.TrainJob "$@"
