#!/usr/bin/env bash
# Realtime benchmark (issue 4): frames/s, per-frame and per-stage p50/p95 latency, and detection recall of the
# realtime app on generated 640x480 videos (FER2013 test faces upscaled and composited at known, slightly moving
# boxes), with 1 face and with 3 faces, in three modes: "one" = one core (taskset -c 0, OMP_NUM_THREADS=1, one
# thread); "all" = all cores, one loop thread, DL4J with OMP_NUM_THREADS=nproc; "pipe" = all cores, --pipeline
# (detection thread + classification thread, OMP_NUM_THREADS=1).
#
#   bench/realtime.sh [--frames N] [--side PX] [--model FILE] [--only 1|3] [--modes "one all pipe"] [-- APP ARGS...]
#
# --model defaults to models/fer2013-default.zip, else an untrained paper-cnn saved to bench/work (inference cost
# does not depend on the weights). Arguments after -- go to the app (e.g. --detect-every 1 --min-face 96).
# Env: FER2013 (default ../shared/data/fer2013; falls back to data/sample), FACE_CLASS (default happy).
# Work files go to bench/work/realtime/ (git-ignored). Not a test: 300 frames x 4 runs take minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

frames=300
side=160
model=""
only="1 3"
modes="one all pipe"
app_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --frames) frames=${2:?}; shift 2 ;;
    --side) side=${2:?}; shift 2 ;;
    --model) model=${2:?}; shift 2 ;;
    --only) only=${2:?}; shift 2 ;;
    --modes) modes=${2:?}; shift 2 ;;
    --) shift; app_args=("$@"); break ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
[[ "$frames" =~ ^[0-9]+$ && "$side" =~ ^[0-9]+$ ]] || { echo "--frames and --side must be integers" >&2; usage; }
for m in $modes; do case "$m" in one|all|pipe) ;; *) echo "--modes takes one, all, pipe" >&2; usage ;; esac; done

JAR=jobs/target/fer-spark-jobs.jar
WORK=bench/work/realtime
mkdir -p "$WORK"
if [[ ! -f "$JAR" || ! -f jobs/target/spark-classpath.txt ]]; then
  echo "building $JAR ..." >&2
  mvn -q -DskipTests -pl jobs -am package
fi
source submit-scripts/lib.sh
set +u
JAVA=(java -Xmx2g $FER_JAVA_OPTS -cp "$(cat jobs/target/spark-classpath.txt):$JAR")
set -u

FER2013=${FER2013:-../shared/data/fer2013}
FACE_CLASS=${FACE_CLASS:-happy}
face_dir="$FER2013/test/$FACE_CLASS"
[[ -d "$face_dir" ]] || face_dir="data/sample/test/$FACE_CLASS"
mapfile -t faces < <(ls "$face_dir"/*.jpg | sort | head -3)
[[ ${#faces[@]} -ge 3 ]] || { echo "need 3 faces in $face_dir" >&2; exit 1; }

if [[ -z "$model" ]]; then
  if [[ -f models/fer2013-default.zip ]]; then
    model=models/fer2013-default.zip
  else
    model="$WORK/untrained-paper-cnn.zip"
    [[ -f "$model" ]] || "${JAVA[@]}" org.ferspark.realtime.bench.UntrainedModel "$model" paper-cnn >&2
  fi
fi

recall() { # recall VIDEO FRAMES_JSONL: fraction of known boxes matched by a detection with IoU >= 0.5
  python3 - "$1.boxes.jsonl" "$2" <<'PY'
import json, sys
def iou(a, b):
    ix = max(0, min(a[0]+a[2], b[0]+b[2]) - max(a[0], b[0])); iy = max(0, min(a[1]+a[3], b[1]+b[3]) - max(a[1], b[1]))
    inter = ix*iy; union = a[2]*a[3] + b[2]*b[3] - inter
    return inter/union if union > 0 else 0
truth = {j["frame"]: j["boxes"] for j in map(json.loads, open(sys.argv[1]))}
found = {}
for j in map(json.loads, open(sys.argv[2])):
    found.setdefault(j["frame"], []).append(j["box"])
total = sum(len(b) for b in truth.values())
hit = sum(1 for f, bs in truth.items() for t in bs if any(iou(t, d) >= 0.5 for d in found.get(f, [])))
false_pos = sum(1 for f, ds in found.items() for d in ds if not any(iou(t, d) >= 0.5 for t in truth.get(f, [])))
print(f"{hit/total:.3f} {false_pos}")
PY
}

printf '%-8s %-6s %7s %8s %8s | %s\n' faces cores fps p50_ms p95_ms "recall false+ | stage p50/p95 ms"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), model $model, ${frames} frames, face side ${side}px" >&2
for n in $only; do
  video="$WORK/faces$n.mp4"
  if [[ ! -f "$video" || ! -f "$video.boxes.jsonl" || $(wc -l < "$video.boxes.jsonl") -ne $frames ]]; then
    "${JAVA[@]}" org.ferspark.realtime.bench.SyntheticVideo "$video" "$frames" "$side" "$n" "${faces[@]:0:$n}" >&2
  fi
  for c in $modes; do
    out="$WORK/out-faces$n-$c"
    rm -rf "$out"
    extra=()
    case $c in
      one) run=(env OMP_NUM_THREADS=1 taskset -c 0 "${JAVA[@]}") ;;
      all) run=(env OMP_NUM_THREADS="$(nproc)" "${JAVA[@]}") ;;
      pipe) run=(env OMP_NUM_THREADS=1 "${JAVA[@]}"); extra=(--pipeline) ;;
    esac
    "${run[@]}" -Dfer.root="$PWD" org.ferspark.realtime.app.RealtimeApp --video "$video" --model "$model" \
      --headless --out "$out" "${extra[@]}" "${app_args[@]}" > "$out.log" 2>&1 \
      || { echo "run failed, see $out.log" >&2; exit 1; }
    summary=$(grep '^fer-realtime: {' "$out.log" | sed 's/^fer-realtime: //')
    read -r rec fp < <(recall "$video" "$out/frames.jsonl")
    python3 - "$summary" "$n" "$c" "$rec" "$fp" <<'PY'
import json, sys
s = json.loads(sys.argv[1]); l = s["latencyMs"]
stages = " ".join(f"{k} {v[0]:.1f}/{v[1]:.1f}" for k, v in l.items() if k != "frame")
print(f"{sys.argv[2]:<8} {sys.argv[3]:<6} {s['framesPerSecond']:7.1f} {l['frame'][0]:8.1f} {l['frame'][1]:8.1f} | "
      f"{float(sys.argv[4]):.3f} {sys.argv[5]} | {stages}")
PY
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
