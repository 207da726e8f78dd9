package org.ferspark.realtime.detect;

import java.util.ArrayList;
import java.util.List;
import org.ferspark.preprocessing.image.FaceBox;

/**
 * Where a fixed-input face detector must look to find every face of at least {@code minFace} pixels in an area: an
 * image pyramid of square tiles. Level 0 is the whole area letterboxed into one square of side {@code max(w, h)}; it
 * finds faces down to {@code minFraction} of that side. Each further level uses smaller tiles, so smaller faces fill
 * more of the network's input, until {@code minFace} is covered: tile side {@code max(minFace / minFraction,
 * 2 · minFraction · previous side)}, and tiles overlap by the largest face the previous level does not find, so
 * every such face lies wholly inside at least one tile.
 */
final class Tiling {
  private Tiling() {
  }

  /** One tile: a square of side {@code side} with its top-left corner at {@code (x, y)}, possibly larger than the area. */
  record Tile(int x, int y, int side) {
  }

  /**
   * The tiles for {@code area}, level 0 first.
   *
   * @param minFraction smallest face the network finds, as a fraction of the tile side (in (0, 1))
   * @param maxTiles stop adding levels beyond this many tiles (a bound for huge frames with tiny {@code minFace})
   */
  static List<Tile> plan(FaceBox area, int minFace, double minFraction, int maxTiles) {
    if (!(minFraction > 0 && minFraction < 1)) {
      throw new IllegalArgumentException("minFraction must be in (0, 1), got " + minFraction);
    }
    List<Tile> tiles = new ArrayList<>();
    int side = Math.max(area.width(), area.height());
    tiles.add(new Tile(area.x(), area.y(), side));
    double covered = minFraction * side;
    while (covered > minFace && side > 1) {
      int next = (int) Math.ceil(Math.max(minFace / minFraction, 2 * minFraction * side));
      if (next >= side) {
        break;
      }
      int overlap = (int) Math.ceil(covered);
      int stride = Math.max(1, next - overlap);
      List<Tile> level = new ArrayList<>();
      for (int y : starts(area.y(), area.height(), next, stride)) {
        for (int x : starts(area.x(), area.width(), next, stride)) {
          level.add(new Tile(x, y, next));
        }
      }
      if (tiles.size() + level.size() > maxTiles) {
        break;
      }
      tiles.addAll(level);
      side = next;
      covered = minFraction * side;
    }
    return tiles;
  }

  /** Tile origins along one axis: every {@code stride} from {@code start}, the last one flush with the end. */
  static List<Integer> starts(int start, int length, int side, int stride) {
    List<Integer> out = new ArrayList<>();
    if (length <= side) {
      out.add(start);
      return out;
    }
    int last = start + length - side;
    for (int p = start; p < last; p += stride) {
      out.add(p);
    }
    out.add(last);
    return out;
  }
}
