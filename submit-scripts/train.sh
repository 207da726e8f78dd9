#!/usr/bin/env bash
# Training job: preprocessed Parquet tensors -> model.zip + history.csv/json + checkpoints/ in --out.
# Usage: submit-scripts/train.sh --data PREPROCESSED --out DIR [--arch paper-cnn|vgg-bn] [--epochs N] [--batch N]
#          [--balance none|weights|oversample|focal] [--resume] [--overwrite] [--no-spark] [--config FILE]
#          [--set key=value ...] [--init-from MODEL.zip [--freeze-until LAYER|N]]
# Exit codes: 0 ok, 1 failed (bad data, existing output, ...), 2 bad usage or configuration.
# ND4J arrays travel between Spark JVMs with Kryo only through ND4J's registrator: conf/spark-defaults.conf names
# it for every job (lib.sh passes it as --conf).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fer_submit org.ferspark.jobs.TrainJob "$@"
