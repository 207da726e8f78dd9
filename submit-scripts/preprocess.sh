#!/usr/bin/env bash
# Preprocessing job: face images -> Parquet tensors + rejects + manifest.json.
# Usage: submit-scripts/preprocess.sh --input PATH --output PATH [--format folder|affectnet|fer2013-csv]
#          [--augment-copies N] [--seed N] [--classes 7|8] [--overwrite] [--config FILE] [--set key=value ...]
# Exit codes: 0 ok (rejects are counted in the manifest), 1 failed, 2 bad usage.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The driver JVM (in local mode the whole job): C1 only, as the hot loop is OpenCV and file I/O, and C2's compiling
# took more CPU than it saved in jobs of seconds to minutes; JavaCPP's resident-memory check off, as every native
# buffer here is freed when its image is done (the check read the process's memory size at each of the 2-3
# allocations per image: a fifth of a 48x48 decode). bench/RESULTS.md, issue 19. Set FER_JOB_JAVA_OPTS to override.
FER_JOB_JAVA_OPTS="${FER_JOB_JAVA_OPTS-"-XX:TieredStopAtLevel=1 -Dorg.bytedeco.javacpp.maxPhysicalBytes=0"}"
fer_submit org.ferspark.jobs.PreprocessJob "$@"
