package org.ferspark.realtime.overlay;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.io.File;
import org.ferspark.realtime.source.GrabbedFrame;

/** Writes each annotated image as {@code DIR/NAME.png} (image input: sizes differ, so no single video). */
public final class ImageFileSink implements FrameSink {
  private final File dir;

  public ImageFileSink(File dir) {
    this.dir = dir;
    if (!dir.isDirectory() && !dir.mkdirs()) {
      throw new IllegalStateException("cannot create " + dir);
    }
  }

  @Override
  public boolean accept(GrabbedFrame annotated) {
    String name = annotated.name() != null ? annotated.name() : "frame-" + annotated.index();
    int dot = name.lastIndexOf('.');
    File out = new File(dir, (dot > 0 ? name.substring(0, dot) : name) + ".png");
    if (!imwrite(out.getPath(), annotated.bgr())) {
      throw new IllegalStateException("cannot write " + out);
    }
    return true;
  }

  @Override
  public void close() {
  }
}
