package org.ferspark.realtime.overlay;

import javax.swing.WindowConstants;
import org.bytedeco.javacv.CanvasFrame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.ferspark.realtime.source.GrabbedFrame;

/** A JavaCV {@link CanvasFrame} window; the loop runs while it is visible. Needs a display (not headless). */
public final class CanvasSink implements FrameSink {
  private final CanvasFrame canvas;
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private boolean shown;

  public CanvasSink(String title) {
    // gamma 1: show the pixels as they are (the default asks the display for its gamma)
    canvas = new CanvasFrame(title, 1.0);
    canvas.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
  }

  @Override
  public boolean accept(GrabbedFrame annotated) {
    if (shown && !canvas.isVisible()) {
      return false;
    }
    if (!shown) {
      canvas.setCanvasSize(annotated.bgr().cols(), annotated.bgr().rows());
    }
    canvas.showImage(converter.convert(annotated.bgr()));
    if (!shown) {
      shown = true;
      System.out.println("fer-realtime: window shown");
    }
    return canvas.isVisible();
  }

  @Override
  public void close() {
    canvas.dispose();
    converter.close();
  }
}
