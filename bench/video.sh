#!/usr/bin/env bash
# Video job benchmark (issue 17): (1) memory stays flat with video length: the job (local[1], one core, the driver
# is the executor) on a 1-minute and a 30-minute generated video, peak Java heap (sampled, JobRunner) and peak RSS
# (heap + ND4J/OpenCV/FFmpeg off-heap: /usr/bin/time -v); (2) frames/s per core of the job's range tasks against the
# realtime loop (realtime.sh --headless, one core) on the same frames.
#
#   bench/video.sh [--size WxH] [--fps N] [--long-minutes M] [--analyse-fps N]
#
# Videos: WxH (default 320x240) at N frames/s (default 5), one FER2013 test face of 100 px moving slightly; the job
# analyses --analyse-fps frames per second (default 2) in 60-s ranges; model models/fer2013-default.zip, default
# detector. Env: FER2013 (default ../shared/data/fer2013). Work files in bench/work/video/. Not a test: minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
size=320x240
fps=5
long_minutes=30
analyse_fps=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size) size=${2:?}; shift 2 ;;
    --fps) fps=${2:?}; shift 2 ;;
    --long-minutes) long_minutes=${2:?}; shift 2 ;;
    --analyse-fps) analyse_fps=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
[[ "$size" =~ ^[0-9]+x[0-9]+$ && "$fps" =~ ^[0-9]+$ && "$long_minutes" =~ ^[0-9]+$ ]] || usage

JAR=jobs/target/fer-spark-jobs.jar
WORK=bench/work/video
mkdir -p "$WORK"
[[ -f "$JAR" && -f jobs/target/spark-classpath.txt ]] || { echo "building $JAR ..." >&2; mvn -q -DskipTests -pl jobs -am package; }
source submit-scripts/lib.sh
set +u
JAVA=(java -Xmx1g $FER_JAVA_OPTS -cp "$(cat jobs/target/spark-classpath.txt):$JAR")
set -u
FER2013=${FER2013:-../shared/data/fer2013}
face_dir="$FER2013/test/happy"
[[ -d "$face_dir" ]] || face_dir="data/sample/test/happy"
face=$(ls "$face_dir"/*.jpg | sort | head -1)

gen() { # gen NAME MINUTES
  local v="$WORK/$1.mp4" frames=$(( $2 * 60 * fps ))
  if [[ ! -f "$v" || $(wc -l < "$v.boxes.jsonl") -ne $frames ]]; then
    mkdir -p "$WORK/in-$1"; rm -f "$WORK/in-$1"/*
    "${JAVA[@]}" org.ferspark.realtime.bench.SyntheticVideo "$v" "$frames" 100 7 --format "$size@$fps" "$face" >&2
  fi
  ln -sf "../$1.mp4" "$WORK/in-$1/$1.mp4"
}
job() { # job NAME ANALYSE_FPS -> "frames analysisSeconds seconds peakHeapMiB maxRssMiB"
  local out="$WORK/out-$1-$2" log="$WORK/job-$1-$2.log"
  FER_MASTER='local[1]' FER_DRIVER_MEMORY=2g /usr/bin/time -v env OMP_NUM_THREADS=1 taskset -c 0 \
    submit-scripts/analyze-videos.sh --input "$WORK/in-$1" --output "$out" --fps "$2" --overwrite > "$log" 2>&1 \
    || { echo "job failed, see $log" >&2; exit 1; }
  python3 - "$log" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
s = json.loads(re.search(r"^fer-analyze-videos: (\{.*\})$", text, re.M).group(1))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) // 1024
print(s["frames"], s["analysisSeconds"], s["seconds"], s["peakHeapMiB"], rss)
PY
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
gen short 1
gen long "$long_minutes"
printf '| video | analysed frames | job s (in JVM) | range tasks s | frames/s per core | peak heap MiB | peak RSS MiB |\n|---|---|---|---|---|---|---|\n'
for v in short long; do
  read -r frames analysis secs heap rss < <(job "$v" "$analyse_fps")
  printf '| %s | %s | %s | %s | %.1f | %s | %s |\n' "$v" "$frames" "$secs" "$analysis" \
    "$(python3 -c "print($frames / $analysis)")" "$heap" "$rss"
done
# the same frames through the realtime loop and the job: every frame of the 1-minute video, one core
read -r frames analysis secs heap rss < <(job short 0)
rt="$WORK/realtime-short"
env OMP_NUM_THREADS=1 taskset -c 0 "${JAVA[@]}" -Dfer.root="$PWD" org.ferspark.realtime.app.RealtimeApp \
  --video "$WORK/short.mp4" --headless --out "$rt" --detect-every 5 > "$rt.log" 2>&1 || { echo "see $rt.log" >&2; exit 1; }
rtfps=$(grep '^fer-realtime: {' "$rt.log" | sed 's/^fer-realtime: //' | python3 -c "import json,sys; print(json.load(sys.stdin)['framesPerSecond'])")
printf '\nsame %s frames (every frame of the 1-minute video, detect-every 5): job range tasks %.1f frames/s per core, realtime loop %s frames/s (one core, with drawing and encoding)\n' \
  "$frames" "$(python3 -c "print($frames / $analysis)")" "$rtfps"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
