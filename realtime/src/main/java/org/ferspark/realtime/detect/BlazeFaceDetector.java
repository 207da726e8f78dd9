package org.ferspark.realtime.detect;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.preprocessing.image.FaceBox;

/**
 * MediaPipe's BlazeFace CNN face detector ({@link BlazeFaceNet}, the short-range model, shipped with the realtime
 * module), made to find faces of any size from {@code minSize} pixels up: a frame is searched as an image pyramid
 * of square tiles ({@link Tiling}) so that small faces fill enough of the network's input (a 640×480 frame: 1 tile
 * for faces from 160 px, 7 from 80 px, 27 from 48 px); the detections of all tiles are merged by
 * weighted non-maximum suppression ({@link WeightedNms}), and a box lying mostly inside a larger, better-scoring one
 * (part of a face, found in a small tile) is dropped. A region (the realtime loop's search around a tracked
 * face, which then fills about half of it) is one tile.
 *
 * <p>BlazeFace's box is tight around eyes, nose and mouth; the classifier was trained on FER2013's looser crops.
 * Each box is therefore mapped to that convention: its side times {@code boxScale}, its centre moved by
 * {@code boxShift} of that side (negative: up), both measured on FER2013 validation faces
 * ({@code DetectBench --calibrate}).
 */
public final class BlazeFaceDetector implements FaceDetector {
  /** Tiles of a level beyond the first must not end this close (fraction of the tile) to a face they cut. */
  private static final double BORDER = 0.02;
  /** A merged box this much inside a larger, better-scoring one is part of that face, not another face. */
  private static final double CONTAINED = 0.6;
  private final BlazeFaceNet net;
  private final float minScore;
  private final double nmsIou;
  private final int minSize;
  private final double boxScale;
  private final double boxShift;
  private final int maxTiles;

  /** The detector's settings ({@code fer.realtime.detector.blazeface.*}). */
  public record Options(double minScore, double nmsIou, double boxScale, double boxShift, int maxTiles)
      implements java.io.Serializable {
  }

  public BlazeFaceDetector(Options o, int minSize) {
    if (minSize < 1) {
      throw new IllegalArgumentException("minSize must be >= 1, got " + minSize);
    }
    this.net = new BlazeFaceNet();
    this.minScore = (float) o.minScore();
    this.nmsIou = o.nmsIou();
    this.minSize = minSize;
    this.boxScale = o.boxScale();
    this.boxShift = o.boxShift();
    this.maxTiles = o.maxTiles();
  }

  @Override
  public List<Detection> detectScored(Mat bgr, FaceBox region, int minFace, int maxFace) {
    FaceBox frame = new FaceBox(0, 0, bgr.cols(), bgr.rows());
    FaceBox area = region == null ? frame : region.clampTo(bgr.cols(), bgr.rows());
    int min = minFace > 0 ? minFace : minSize;
    if (area.width() < min / boxScale || area.height() < min / boxScale) {
      return List.of();
    }
    List<Tiling.Tile> tiles = Tiling.plan(area, min, BlazeFaceNet.MIN_FRACTION, maxTiles);
    List<WeightedNms.Box> raw = new ArrayList<>();
    for (int t = 0; t < tiles.size(); t++) {
      Tiling.Tile tile = tiles.get(t);
      FaceBox tileArea = new FaceBox(tile.x(), tile.y(), tile.side(), tile.side()).clampTo(area.x() + area.width(),
          area.y() + area.height());
      if (tileArea.isEmpty()) {
        continue;
      }
      for (BlazeFaceNet.Raw r : net.run(bgr, tileArea, tile.side(), minScore)) {
        double x0 = tile.x() + (r.cx() - r.w() / 2) * tile.side();
        double y0 = tile.y() + (r.cy() - r.h() / 2) * tile.side();
        double x1 = tile.x() + (r.cx() + r.w() / 2) * tile.side();
        double y1 = tile.y() + (r.cy() + r.h() / 2) * tile.side();
        if (t == 0 || !cutByTile(x0, y0, x1, y1, tileArea, area, tile.side())) {
          raw.add(new WeightedNms.Box(x0, y0, x1, y1, r.score()));
        }
      }
    }
    List<Detection> faces = new ArrayList<>();
    for (WeightedNms.Box b : WeightedNms.dropContained(WeightedNms.apply(raw, nmsIou), CONTAINED)) {
      FaceBox box = toFerCrop(b).clampTo(bgr.cols(), bgr.rows());
      int side = Math.min(box.width(), box.height());
      if (side >= min && (maxFace <= 0 || side <= maxFace)) {
        faces.add(new Detection(box, b.score()));
      }
    }
    return faces;
  }

  /** Whether the box reaches an edge of the tile that lies inside the searched area (the face may go on beyond). */
  private static boolean cutByTile(double x0, double y0, double x1, double y1, FaceBox tile, FaceBox area, int side) {
    double m = BORDER * side;
    return x0 < tile.x() + m && tile.x() > area.x()
        || y0 < tile.y() + m && tile.y() > area.y()
        || x1 > tile.x() + tile.width() - m && tile.x() + tile.width() < area.x() + area.width()
        || y1 > tile.y() + tile.height() - m && tile.y() + tile.height() < area.y() + area.height();
  }

  /** A BlazeFace box as a FER2013-style square crop: scaled by {@code boxScale}, centre shifted by {@code boxShift}. */
  FaceBox toFerCrop(WeightedNms.Box b) {
    double side = boxScale * ((b.x1() - b.x0()) + (b.y1() - b.y0())) / 2;
    double cx = (b.x0() + b.x1()) / 2;
    double cy = (b.y0() + b.y1()) / 2 + boxShift * side;
    return new FaceBox((int) Math.round(cx - side / 2), (int) Math.round(cy - side / 2), (int) Math.round(side),
        (int) Math.round(side));
  }

  @Override
  public void close() {
    net.close();
  }
}
