#!/usr/bin/env bash
# Spark GPU discovery script (the format of Spark's examples/src/main/scripts/getGpusResources.sh): prints the GPUs
# this executor (or standalone worker) may use as one JSON line, e.g.
#   {"name": "gpu", "addresses":["0","1"]}
# Spark runs it at executor start (spark.executor.resource.gpu.discoveryScript; on a standalone worker also
# spark.worker.resource.gpu.discoveryScript) and hands the addresses to tasks (TaskContext.resources()).
# It must exist and be executable at the configured path on every worker host.
# If CUDA_VISIBLE_DEVICES is set (a container runtime or YARN GPU isolation may set it), nvidia-smi already lists
# only those devices, renumbered from 0, which is also how CUDA (and so ND4J) numbers them.
set -euo pipefail
if ! command -v nvidia-smi > /dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi not found on $(hostname): no NVIDIA driver on this host" >&2
  exit 1
fi
indices=$(nvidia-smi --query-gpu=index --format=csv,noheader) || {
  echo "gpu-discovery.sh: nvidia-smi failed on $(hostname)" >&2
  exit 1
}
addresses=$(tr -d ' \r' <<< "$indices" | grep -E '^[0-9]+$' | sed 's/.*/"&"/' | paste -sd, -) || true
if [[ -z "$addresses" ]]; then
  echo "gpu-discovery.sh: nvidia-smi lists no GPU on $(hostname)" >&2
  exit 1
fi
echo "{\"name\": \"gpu\", \"addresses\":[$addresses]}"
