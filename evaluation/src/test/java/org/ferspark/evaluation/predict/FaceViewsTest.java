package org.ferspark.evaluation.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.ferspark.evaluation.predict.FaceViews.Interpolation;
import org.junit.jupiter.api.Test;

class FaceViewsTest {
  private static byte[] randomFace(long seed) {
    byte[] face = new byte[48 * 48];
    new Random(seed).nextBytes(face);
    return face;
  }

  @Test
  void mirrorTwiceIsTheIdentity() {
    byte[] face = randomFace(1);
    byte[] once = FaceViews.mirror(face, 48);
    assertThat(once).isNotEqualTo(face);
    assertThat(once[5]).isEqualTo(face[42]);
    assertThat(FaceViews.mirror(once, 48)).isEqualTo(face);
  }

  @Test
  void ttaGivesTheFaceItsMirrorAndFourCornerCropsAtTheSameSide() {
    byte[] face = randomFace(2);
    byte[][] views = FaceViews.ttaViews(face, 48);
    assertThat(views).hasNumberOfRows(FaceViews.TTA_VIEWS);
    assertThat(views[0]).isSameAs(face);
    assertThat(views[1]).isEqualTo(FaceViews.mirror(face, 48));
    for (int v = 2; v < views.length; v++) {
      assertThat(views[v]).hasSize(48 * 48);
      for (int w = 0; w < v; w++) {
        assertThat(views[v]).as("view %d differs from view %d", v, w).isNotEqualTo(views[w]);
      }
    }
    // the top-left crop starts at the face's top-left pixel
    assertThat(views[2][0]).isEqualTo(face[0]);
    // the bottom-right crop ends at its bottom-right pixel
    assertThat(views[5][48 * 48 - 1]).isEqualTo(face[48 * 48 - 1]);
  }

  @Test
  void tenCropIsFiveCropsAndTheirMirrorsWithoutTheFaceItself() {
    byte[] face = randomFace(3);
    byte[][] views = FaceViews.Tta.TEN_CROP.views(face, 48);
    assertThat(views).hasNumberOfRows(10);
    for (int k = 0; k < 5; k++) {
      assertThat(views[5 + k]).as("view %d mirrors view %d", 5 + k, k).isEqualTo(FaceViews.mirror(views[k], 48));
    }
    for (int v = 0; v < views.length; v++) {
      assertThat(views[v]).hasSize(48 * 48).isNotEqualTo(face);
      for (int w = 0; w < v; w++) {
        assertThat(views[v]).as("view %d differs from view %d", v, w).isNotEqualTo(views[w]);
      }
    }
    // corners as in the six views; the centre crop is the 44x44 window at (2, 2) resized back
    byte[][] six = FaceViews.Tta.SIX.views(face, 48);
    assertThat(views[0]).isEqualTo(six[2]);
    assertThat(views[3]).isEqualTo(six[5]);
    assertThat(views[4]).isEqualTo(FaceViews.cropResize(face, 48, 2, 2, 44, 48, Interpolation.LINEAR));
    assertThat(FaceViews.Tta.byKey("ten-crop")).isEqualTo(FaceViews.Tta.TEN_CROP);
    assertThat(FaceViews.Tta.byKey("twelve")).isNull();
  }

  @Test
  void resizeKeepsAFlatFaceFlatAndTheSameSizeIsTheSameArray() {
    byte[] flat = new byte[48 * 48];
    java.util.Arrays.fill(flat, (byte) 200);
    byte[] big = FaceViews.resizeTo(flat, 48, 64, Interpolation.LINEAR);
    assertThat(big).hasSize(64 * 64).containsOnly((byte) 200);
    assertThat(FaceViews.resizeTo(flat, 48, 48, Interpolation.AREA)).isSameAs(flat);
  }

  @Test
  void conventionsScaleAndShapeTheInput() {
    byte[][] faces = {new byte[48 * 48]};
    faces[0][0] = (byte) 255;
    faces[0][1] = (byte) 51;
    InputConvention unit = new InputConvention(48, InputConvention.Scale.UNIT, false, Interpolation.AREA,
        Faces.LABELS);
    InputConvention sym = new InputConvention(48, InputConvention.Scale.SYMMETRIC, true, Interpolation.AREA,
        Faces.LABELS);
    assertThat(unit.input(faces, 1, 48)).startsWith(1f, 0.2f, 0f);
    assertThat(sym.input(faces, 1, 48)).startsWith(1f, -0.6f, -1f);
    assertThat(unit.shape(3)).containsExactly(3, 1, 48, 48);
    assertThat(sym.shape(3)).containsExactly(3, 48, 48, 1);
  }
}
