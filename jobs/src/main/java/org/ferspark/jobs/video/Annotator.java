package org.ferspark.jobs.video;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.ferspark.realtime.overlay.LabelledFace;
import org.ferspark.realtime.overlay.Overlay;
import org.ferspark.realtime.overlay.VideoFileSink;
import org.ferspark.realtime.source.GrabbedFrame;

/**
 * Writes one video's annotated MP4: the analysed frames ({@link Sampling}) decoded again in order, each with the
 * boxes, smoothed labels and video-wide track ids of its faces drawn by the realtime app's {@link Overlay}, encoded
 * at the analysed frame rate by {@link VideoFileSink}. Faces arrive sorted by frame, so memory holds one frame.
 * The file is encoded locally, then copied to {@code target} under a temporary name and renamed.
 */
public final class Annotator {
  /** A face to draw on frame {@code frame}. */
  public record Mark(long frame, LabelledFace face) {
  }

  private Annotator() {
  }

  /**
   * @param faces the video's faces, sorted by frame
   * @return analysed frames written
   */
  public static long write(String video, Iterator<Mark> faces, Sampling sampling, String target, int bitrate,
      Configuration conf) throws IOException {
    File local = Files.createTempFile("fer-annotated-", ".mp4").toFile();
    long written = 0;
    Overlay overlay = new Overlay();
    Mark pending = faces.hasNext() ? faces.next() : null;
    try (VideoInput input = VideoInput.open(video, conf);
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
      FFmpegFrameGrabber g = input.grabber();
      g.start();
      try (VideoFileSink sink = new VideoFileSink(local, sampling.effectiveFps(), bitrate)) {
        for (Frame f = g.grabImage(); f != null && f.image != null; f = g.grabImage()) {
          long index = sampling.index(f.timestamp / 1e6);
          if (!sampling.sampled(index)) {
            continue;
          }
          List<LabelledFace> drawn = new ArrayList<>();
          while (pending != null && pending.frame() <= index) {
            if (pending.frame() == index) {
              drawn.add(pending.face());
            }
            pending = faces.hasNext() ? faces.next() : null;
          }
          GrabbedFrame frame = new GrabbedFrame(converter.convert(f), index, f.timestamp / 1e6, null);
          overlay.draw(frame.bgr(), drawn, 0);
          sink.accept(frame);
          written++;
        }
      }
    } catch (org.bytedeco.javacv.FrameGrabber.Exception e) {
      // a truncated or damaged video: the frames decoded so far are written
    }
    try {
      Path out = new Path(target);
      FileSystem fs = out.getFileSystem(conf);
      Path tmp = new Path(out.getParent(), "_" + out.getName() + ".tmp");
      fs.copyFromLocalFile(true, true, new Path(local.getAbsolutePath()), tmp);
      fs.delete(out, false);
      if (!fs.rename(tmp, out)) {
        throw new IOException("could not rename " + tmp + " to " + out);
      }
    } finally {
      local.delete();
    }
    return written;
  }
}
