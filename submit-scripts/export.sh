#!/usr/bin/env bash
# Exports a model file to ONNX (local, plain java, no Spark).
# Usage: submit-scripts/export.sh --model MODEL.zip --onnx OUT.onnx [--fold-batch-norm] [--overwrite]
# The ONNX model takes "input" = N x 1 x 48 x 48 float pixels x / 255 and returns the class probabilities; the class
# names, input convention and the source file's sha256 are in its metadata_props.
# Env: FER_EXPORT_MEMORY (heap, default 2g).
# Exit codes: 0 written, 1 unusable model file or existing output, 2 bad usage or a layer with no ONNX mapping.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
FER_JAVA_OPTS="$FER_JAVA_OPTS -Dlog4j2.configurationFile=file:$FER_ROOT/conf/log4j2-cli.properties"
fer_java org.ferspark.jobs.ExportJob "${FER_EXPORT_MEMORY:-2g}" "$@"
