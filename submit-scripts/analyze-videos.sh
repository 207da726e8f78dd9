#!/usr/bin/env bash
# Video analytics job: facial expressions per face per analysed frame of many videos, on Spark ->
#   OUT/faces/ (Parquet: video, frame, timestamp, track, box, p_<class>, smoothed_<class>, label, detector_score),
#   OUT/videos/ (Parquet: one row per video with its status ok | unreadable | truncated | no-faces),
#   OUT/timelines/<video>.json + .png, OUT/annotated/<video>.mp4 with --annotate, OUT/manifest.json last.
# Usage: submit-scripts/analyze-videos.sh --input PATH --output OUT [--fps N] [--min-face PX] [--model FILE]
#          [--detector blazeface|haar|dnn] [--range-seconds S] [--annotate] [--overwrite]
#          [--config FILE] [--set key=value ...]
# PATH: a folder (recursively), a glob, a list file (.txt/.list, one path per line) or one video; any Hadoop path.
# Exit codes: 0 ok (a bad video gets a status, never fails the job), 1 failed, 2 bad usage or configuration.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fer_submit org.ferspark.jobs.AnalyzeVideosJob "$@"
