#!/usr/bin/env bash
# Face-detector benchmark (issue 17): recall at IoU >= 0.5, false positives per frame and milliseconds per frame
# (the whole 640x480 frame searched, one core: taskset -c 1, OMP_NUM_THREADS=1, OpenCV one thread) of Haar and
# BlazeFace on FaceScenes: FER2013 test faces composited at known boxes on generated backgrounds, by category
# (upright 64-200 px, small 40-80 px, rotated +-10-30 deg, occluded 25-40 %, dark, bright, 3-5 faces per frame).
#
#   bench/detect.sh [--scenes N] [--seed N] [--configs "NAME:KEY=V,KEY=V NAME:..."]
#
# --scenes: scenes per category (default 100). Each config is a detector name and fer.realtime.detector.* overrides;
# the default set compares haar and blazeface at min-face 40 and 80 and both at their reference.conf defaults.
# Env: FER2013 (default ../shared/data/fer2013). Prints a markdown table; JSON per config in bench/work/detect/.
# Not a test: a few minutes on one core.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
scenes=100
seed=1
configs="haar-40:kind=haar,min-face=40 blazeface-40:kind=blazeface,min-face=40 haar-80:kind=haar,min-face=80 blazeface-80:kind=blazeface,min-face=80 haar-default:kind=haar blazeface-default:kind=blazeface"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scenes) scenes=${2:?}; shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --configs) configs=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
[[ "$scenes" =~ ^[0-9]+$ && "$seed" =~ ^[0-9]+$ ]] || { echo "--scenes and --seed must be integers" >&2; usage; }

JAR=jobs/target/fer-spark-jobs.jar
WORK=bench/work/detect
mkdir -p "$WORK"
if [[ ! -f "$JAR" || ! -f jobs/target/spark-classpath.txt ]]; then
  echo "building $JAR ..." >&2
  mvn -q -DskipTests -pl jobs -am package
fi
source submit-scripts/lib.sh
set +u
JAVA=(env OMP_NUM_THREADS=1 taskset -c 1 java -Xmx1g $FER_JAVA_OPTS -cp "$(cat jobs/target/spark-classpath.txt):$JAR")
set -u
FER2013=${FER2013:-../shared/data/fer2013}
[[ -d "$FER2013/test" ]] || { echo "no FER2013 test split under $FER2013 (set FER2013)" >&2; exit 1; }

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
results=()
for c in $configs; do
  name=${c%%:*}
  sets=()
  if [[ "$c" == *:* && -n "${c#*:}" ]]; then
    IFS=',' read -ra kvs <<< "${c#*:}"
    for kv in "${kvs[@]}"; do sets+=(--set "fer.realtime.detector.$kv"); done
  fi
  out="$WORK/$name.json"
  "${JAVA[@]}" -Dfer.root="$PWD" org.ferspark.realtime.bench.DetectBench "$FER2013/test" "$scenes" "$seed" "$out" \
    "${sets[@]}" > "$WORK/$name.log" 2>&1 || { echo "$name failed, see $WORK/$name.log" >&2; exit 1; }
  results+=("$name=$out")
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 - "${results[@]}" <<'PY'
import json, sys
cats = ["upright", "small", "rotated", "occluded", "dark", "bright", "multi"]
print("| config | detector | upright >= 64 px | " + " | ".join(cats) + " | all: recall | FP/frame | ms p50 / p95 |")
print("|---|---|---|" + "---|" * len(cats) + "---|---|---|")
for arg in sys.argv[1:]:
    name, path = arg.split("=", 1)
    d = json.load(open(path)); a = d["all"]; c = d["categories"]
    print(f"| {name} | {d['detector']} | **{d['uprightAtLeast64']['recall']:.3f}** | "
          + " | ".join(f"{c[k]['recall']:.2f}" for k in cats)
          + f" | **{a['recall']:.3f}** | {a['falsePositivesPerFrame']:.2f} | {a['msP50']:.1f} / {a['msP95']:.1f} |")
faces = json.load(open(sys.argv[1].split("=", 1)[1]))
print("\nfaces per category: " + ", ".join(f"{k} {faces['categories'][k]['faces']}" for k in cats)
      + f"; all {faces['all']['faces']} in {faces['all']['frames']} frames")
PY
