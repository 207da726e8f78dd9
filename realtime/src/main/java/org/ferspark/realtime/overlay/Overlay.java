package org.ferspark.realtime.overlay;

import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Draws on a BGR frame in place: per face a box, "label probability #id" and a confidence bar under the box; the
 * frame rate in the top-left corner. Box and bar are pure green (BGR 0, 255, 0), which tests look for.
 */
public final class Overlay {
  /** Colour of boxes and confidence bars, BGR. */
  public static final int[] BOX_BGR = {0, 255, 0};
  private static final int BAR_HEIGHT = 6;

  /** Draws {@code faces} and, if {@code fps > 0}, the frame rate. */
  public void draw(Mat bgr, List<LabelledFace> faces, double fps) {
    try (PointerScope scope = new PointerScope()) {
      Scalar green = new Scalar(BOX_BGR[0], BOX_BGR[1], BOX_BGR[2], 0);
      Scalar dark = new Scalar(40, 40, 40, 0);
      Scalar white = new Scalar(255, 255, 255, 0);
      for (LabelledFace f : faces) {
        int x = f.box().x();
        int y = f.box().y();
        int w = f.box().width();
        int h = f.box().height();
        rectangle(bgr, new Point(x, y), new Point(x + w, y + h), green, 2, LINE_8, 0);
        String text = String.format(Locale.ROOT, "%s %.2f #%d", f.label(), f.probability(), f.id());
        int ty = Math.max(14, y - 6);
        rectangle(bgr, new Point(x, ty - 13), new Point(x + Math.max(w, 7 * text.length()), ty + 4), dark, FILLED,
            LINE_8, 0);
        putText(bgr, text, new Point(x + 2, ty), FONT_HERSHEY_SIMPLEX, 0.45, white, 1, LINE_8, false);
        int barY = Math.min(bgr.rows() - BAR_HEIGHT - 1, y + h + 4);
        rectangle(bgr, new Point(x, barY), new Point(x + w, barY + BAR_HEIGHT), dark, FILLED, LINE_8, 0);
        int filled = Math.round(Math.max(0f, Math.min(1f, f.probability())) * w);
        if (filled > 0) {
          rectangle(bgr, new Point(x, barY), new Point(x + filled, barY + BAR_HEIGHT), green, FILLED, LINE_8, 0);
        }
      }
      if (fps > 0) {
        String text = String.format(Locale.ROOT, "%.1f FPS", fps);
        rectangle(bgr, new Point(4, 4), new Point(100, 24), dark, FILLED, LINE_8, 0);
        putText(bgr, text, new Point(8, 19), FONT_HERSHEY_SIMPLEX, 0.5, new Scalar(0, 255, 255, 0), 1, LINE_8, false);
      }
    }
  }
}
