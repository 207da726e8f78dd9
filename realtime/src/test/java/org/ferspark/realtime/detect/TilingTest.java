package org.ferspark.realtime.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.ferspark.preprocessing.image.FaceBox;
import org.junit.jupiter.api.Test;

class TilingTest {
  @Test
  void aVgaFrameNeedsOneTileForLargeFacesAndSevenFromEightyPixels() {
    FaceBox frame = new FaceBox(0, 0, 640, 480);
    assertThat(Tiling.plan(frame, 160, 0.25, 64)).containsExactly(new Tiling.Tile(0, 0, 640));
    List<Tiling.Tile> tiles = Tiling.plan(frame, 80, 0.25, 64);
    assertThat(tiles).hasSize(7);
    assertThat(tiles.subList(1, 7)).allSatisfy(t -> assertThat(t.side()).isEqualTo(320));
    assertThat(Tiling.plan(frame, 48, 0.25, 64)).hasSize(27);
    assertThat(Tiling.plan(frame, 8, 0.25, 64)).as("bounded by maxTiles").hasSizeLessThanOrEqualTo(64);
  }

  /** Every face of at least minFace lies wholly inside a tile in which it is at least minFraction of the side. */
  @Property(tries = 300)
  void everyFaceAboveTheMinimumFitsWhollyInATileWhereItIsLargeEnough(@ForAll @IntRange(min = 100, max = 1920) int w,
      @ForAll @IntRange(min = 100, max = 1080) int h, @ForAll @IntRange(min = 24, max = 200) int minFace,
      @ForAll @IntRange(min = 0, max = 1000) int fx, @ForAll @IntRange(min = 0, max = 1000) int fy,
      @ForAll @IntRange(min = 0, max = 1000) int fs) {
    int side = minFace + fs % Math.max(1, Math.min(w, h) - minFace + 1);
    if (side > Math.min(w, h)) {
      return;
    }
    int x = fx % (w - side + 1);
    int y = fy % (h - side + 1);
    List<Tiling.Tile> tiles = Tiling.plan(new FaceBox(0, 0, w, h), minFace, 0.25, 10_000);
    assertThat(tiles).anySatisfy(t -> {
      assertThat(x).isGreaterThanOrEqualTo(t.x());
      assertThat(y).isGreaterThanOrEqualTo(t.y());
      assertThat(x + side).isLessThanOrEqualTo(t.x() + t.side());
      assertThat(y + side).isLessThanOrEqualTo(t.y() + t.side());
      assertThat(side).isGreaterThanOrEqualTo((int) Math.floor(0.25 * t.side()));
    });
  }
}
