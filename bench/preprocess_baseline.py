#!/usr/bin/python3
"""The preprocessing benchmark's yardstick (issue 19): a plain single-thread OpenCV loop, no Spark, no JVM.

For every file of a folder tree, or every AffectNet CSV row with an emotion code 0-6 (0-7 with --classes 8):
read the file's bytes, cv2.imdecode (IMREAD_ANYCOLOR: what a plain loop does, colour decoded to BGR; --decode gray:
IMREAD_GRAYSCALE for JPEGs, libjpeg's luma plane, as the job decodes them since issue 19), crop the face box clamped
to the image (AffectNet), cvtColor to gray (colour images), resize to 48x48 with INTER_AREA (unless already 48x48),
and keep the 48x48 array in a preallocated array. Reading the file is inside the timed region. One untimed pass over every
input first (warms the page cache and the interpreter, so the job, which runs after it, reads warm files too),
then the timed pass.

Run by bench/preprocess.sh with Debian's python3-opencv (apt-get install -y python3-opencv) as
  OMP_NUM_THREADS=1 taskset -c 0 /usr/bin/python3 bench/preprocess_baseline.py --folder DIR
Prints a last line: baseline: {"images":..,"seconds":..,"imagesPerSec":..,"failed":..,"checksum":..}
"""
import argparse
import csv
import json
import os
import sys
import time

import cv2
import numpy as np


def list_folder(root):
    items = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if not x.startswith((".", "_")))
        for f in sorted(files):
            if not f.startswith((".", "_")):
                items.append((os.path.join(d, f), None))
    return items


def read_affectnet(csvs, image_root, classes):
    items = []
    for path in csvs:
        with open(path, newline="") as f:
            rows = csv.reader(f)
            next(rows, None)
            for r in rows:
                try:
                    if len(r) >= 9 and int(r[6]) < classes:
                        box = tuple(int(v) for v in r[1:5])
                        items.append((os.path.join(image_root, r[0]), box))
                except ValueError:
                    pass  # not a usable row: the baseline times only work the job does
    return items


def run(items, out, gray_jpeg):
    images = failed = 0
    checksum = 0
    start = time.perf_counter()
    for path, box in items:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            failed += 1
            continue
        flags = cv2.IMREAD_GRAYSCALE if gray_jpeg and data[:3] == b"\xff\xd8\xff" else cv2.IMREAD_ANYCOLOR
        img = cv2.imdecode(np.frombuffer(data, np.uint8), flags) if data else None
        if img is None:
            failed += 1
            continue
        if box is not None:
            h, w = img.shape[:2]
            x0, y0 = max(0, box[0]), max(0, box[1])
            x1, y1 = min(w, box[0] + box[2]), min(h, box[1] + box[3])
            if x1 <= x0 or y1 <= y0:
                failed += 1
                continue
            img = img[y0:y1, x0:x1]
        if img.ndim == 3:
            img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        if img.shape != (48, 48):
            img = cv2.resize(img, (48, 48), interpolation=cv2.INTER_AREA)
        out[images] = img
        checksum += int(img[0, 0]) + int(img[47, 47])
        images += 1
    return images, failed, time.perf_counter() - start, checksum


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--folder")
    p.add_argument("--affectnet-csv", action="append")
    p.add_argument("--image-root")
    p.add_argument("--classes", type=int, default=7)
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--decode", choices=("any", "gray"), default="any",
                   help="any: IMREAD_ANYCOLOR (default); gray: JPEGs with IMREAD_GRAYSCALE, others as stored")
    a = p.parse_args()
    if (a.folder is None) == (a.affectnet_csv is None) or (a.affectnet_csv and not a.image_root):
        p.error("give --folder DIR, or --affectnet-csv FILE (repeatable) with --image-root DIR")
    cv2.setNumThreads(1)
    items = list_folder(a.folder) if a.folder else read_affectnet(a.affectnet_csv, a.image_root, a.classes)
    if a.limit > 0:
        items = items[:a.limit]
    out = np.empty((len(items), 48, 48), np.uint8)
    gray_jpeg = a.decode == "gray"
    run(items, out, gray_jpeg)
    images, failed, seconds, checksum = run(items, out, gray_jpeg)
    print("baseline: " + json.dumps({"images": images, "seconds": round(seconds, 4),
                                     "imagesPerSec": images / seconds if seconds > 0 else 0, "failed": failed,
                                     "checksum": checksum, "decode": a.decode, "opencv": cv2.__version__,
                                     "threads": cv2.getNumThreads(), "cpus": sorted(os.sched_getaffinity(0))},
                                    separators=(",", ":")))


if __name__ == "__main__":
    sys.exit(main())
