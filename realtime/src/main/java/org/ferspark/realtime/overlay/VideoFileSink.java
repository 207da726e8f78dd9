package org.ferspark.realtime.overlay;

import java.io.File;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.ferspark.realtime.source.GrabbedFrame;

/**
 * Encodes annotated frames into an MP4 file with FFmpeg. The recorder starts on the first frame (its size is the
 * video size). Codec: FFmpeg's own MPEG-4 part 2 encoder ({@code mpeg4}); the JavaCV 1.5.7 FFmpeg build without
 * the GPL extension has no libx264.
 */
public final class VideoFileSink implements FrameSink {
  private final File file;
  private final double frameRate;
  private final int bitrate;
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private FFmpegFrameRecorder recorder;

  /** A sink writing {@code file} at {@code frameRate} frames/s (30 when unknown) and {@code bitrate} bits/s. */
  public VideoFileSink(File file, double frameRate, int bitrate) {
    this.file = file;
    this.frameRate = frameRate > 0 ? frameRate : 30;
    this.bitrate = bitrate;
  }

  @Override
  public boolean accept(GrabbedFrame annotated) {
    try {
      if (recorder == null) {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        recorder = new FFmpegFrameRecorder(file, annotated.bgr().cols(), annotated.bgr().rows(), 0);
        recorder.setFormat("mp4");
        recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(frameRate);
        recorder.setVideoBitrate(bitrate);
        recorder.start();
      }
      recorder.record(converter.convert(annotated.bgr()));
      return true;
    } catch (FrameRecorder.Exception e) {
      throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (recorder != null) {
      try {
        recorder.stop();
        recorder.release();
      } catch (FrameRecorder.Exception e) {
        throw new IllegalStateException("cannot finish " + file + ": " + e.getMessage(), e);
      }
    }
    converter.close();
  }
}
