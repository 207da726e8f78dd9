package org.ferspark.realtime.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs cut off or oversized: a truncated video is reported, a huge image is refused from its header. */
class HostileSourcesTest {
  @TempDir
  Path dir;

  @Test
  void aWholeVideoEndsCompleteAndAHalfTruncatedOneEndsWithAWarning() throws IOException {
    Path whole = dir.resolve("whole.mkv");
    writeVideo(whole, 60);
    assertThat(drain(whole)).isEqualTo(60);
    try (VideoSource source = VideoSource.open(whole.toFile())) {
      while (source.grab() != null) {
        // read to the end
      }
      assertThat(source.endStatus()).isEqualTo("complete");
      assertThat(source.endWarning()).isNull();
    }

    assertThatThrownBy(() -> VideoSource.open(whole.toFile(), 10_000)).isInstanceOf(InputError.class)
        .hasMessageContaining("160×120 = 19200 pixels > fer.image.max-pixels 10000");

    Path cut = dir.resolve("cut.mkv");
    Files.copy(whole, cut);
    try (FileChannel ch = FileChannel.open(cut, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() / 2);
    }
    try (VideoSource source = VideoSource.open(cut.toFile())) {
      long frames = 0;
      while (source.grab() != null) {
        frames++;
      }
      assertThat(frames).as("frames before the cut").isBetween(1L, 50L);
      assertThat(source.endStatus()).isEqualTo("truncated");
      assertThat(source.endWarning()).contains(cut.toString()).contains("ended after " + frames + " frames")
          .contains("truncated");
    }
  }

  @Test
  void anImageDeclaringMorePixelsThanTheBoundIsSkippedFromItsHeader() throws IOException {
    Path png = dir.resolve("huge.png");
    Files.write(png, pngHeader(20_000, 20_000));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (ImageSource source = ImageSource.open(png.toFile(), new PrintStream(log, true, StandardCharsets.UTF_8),
        100_000_000, 64 << 20)) {
      assertThat(source.grab()).isNull();
      assertThat(source.skipped()).isEqualTo(1);
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("skipped " + png + ": image-too-large")
        .contains("400000000 pixels > max-pixels 100000000");
  }

  private static long drain(Path video) {
    try (VideoSource source = VideoSource.open(video.toFile())) {
      long n = 0;
      while (source.grab() != null) {
        n++;
      }
      return n;
    }
  }

  /** Noise frames at 30 fps in Matroska (its length is in the header, so a cut-off copy still opens). */
  private static void writeVideo(Path file, int frames) throws IOException {
    FaceNormalizer.loadNatives();
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    try (OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 160, 120, 0);
        Mat frame = new Mat(120, 160, opencv_core.CV_8UC3)) {
      recorder.setFormat("matroska");
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(30);
      recorder.setGopSize(5);
      recorder.start();
      for (int i = 0; i < frames; i++) {
        opencv_core.randu(frame, new Mat(1, 1, opencv_core.CV_64F, new Scalar(0)),
            new Mat(1, 1, opencv_core.CV_64F, new Scalar(255)));
        recorder.record(converter.convert(frame));
      }
      recorder.stop();
    }
  }

  /** A PNG with only its signature, an IHDR declaring {@code width × height} (8-bit gray) and IEND. */
  static byte[] pngHeader(int width, int height) {
    java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(17);
    chunk.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height).put(new byte[] {8, 0, 0, 0, 0});
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(chunk.array());
    java.nio.ByteBuffer png = java.nio.ByteBuffer.allocate(8 + 4 + 17 + 4 + 12);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}).putInt(13).put(chunk.array());
    png.putInt((int) crc.getValue());
    png.putInt(0).put("IEND".getBytes(StandardCharsets.US_ASCII)).putInt(0xAE426082);
    return png.array();
  }
}
