package org.ferspark.realtime.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * MediaPipe's "weighted" non-maximum suppression: detections are taken best score first; every remaining one that
 * overlaps the best by IoU ≥ {@code minIou} joins its cluster and is removed; a cluster becomes one box, the
 * score-weighted mean of its members' corners, with the best member's score. Unlike plain NMS this averages the
 * jitter of neighbouring anchors (and of overlapping tiles) instead of keeping one of them.
 */
final class WeightedNms {
  /** A box as corners in any common unit, with a score. */
  record Box(double x0, double y0, double x1, double y1, float score) {
    double area() {
      return Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
    }
  }

  private WeightedNms() {
  }

  static List<Box> apply(List<Box> boxes, double minIou) {
    List<Box> remaining = new ArrayList<>(boxes);
    remaining.sort(Comparator.comparingDouble((Box b) -> b.score()).reversed());
    List<Box> out = new ArrayList<>();
    while (!remaining.isEmpty()) {
      Box best = remaining.get(0);
      double sx0 = 0;
      double sy0 = 0;
      double sx1 = 0;
      double sy1 = 0;
      double total = 0;
      List<Box> rest = new ArrayList<>();
      for (Box b : remaining) {
        if (b == best || iou(best, b) >= minIou) {
          sx0 += b.x0() * b.score();
          sy0 += b.y0() * b.score();
          sx1 += b.x1() * b.score();
          sy1 += b.y1() * b.score();
          total += b.score();
        } else {
          rest.add(b);
        }
      }
      out.add(total > 0 ? new Box(sx0 / total, sy0 / total, sx1 / total, sy1 / total, best.score()) : best);
      remaining = rest;
    }
    return out;
  }

  /**
   * Drops every box that lies mostly ({@code minCover} of its area) inside a larger box scoring at least as high: a
   * detection of part of a face (an eye region found in a small tile) next to the detection of the whole face.
   */
  static List<Box> dropContained(List<Box> boxes, double minCover) {
    List<Box> out = new ArrayList<>();
    for (Box b : boxes) {
      boolean inside = false;
      for (Box a : boxes) {
        if (a != b && a.area() > b.area() && a.score() >= b.score() && intersection(a, b) >= minCover * b.area()) {
          inside = true;
          break;
        }
      }
      if (!inside) {
        out.add(b);
      }
    }
    return out;
  }

  static double intersection(Box a, Box b) {
    double ix = Math.max(0, Math.min(a.x1(), b.x1()) - Math.max(a.x0(), b.x0()));
    double iy = Math.max(0, Math.min(a.y1(), b.y1()) - Math.max(a.y0(), b.y0()));
    return ix * iy;
  }

  static double iou(Box a, Box b) {
    double inter = intersection(a, b);
    double union = a.area() + b.area() - inter;
    return union > 0 ? inter / union : 0;
  }
}
