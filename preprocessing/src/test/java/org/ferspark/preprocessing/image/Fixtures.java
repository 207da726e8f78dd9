package org.ferspark.preprocessing.image;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.Indexer;
import org.bytedeco.opencv.opencv_core.Mat;

/** Test images made in code: OpenCV-encoded patterns, hand-made headers, and a few real FER2013 JPEGs. */
final class Fixtures {
  static final Path FER_HAPPY = Path.of(System.getProperty("fer.repo.root", ".."))
      .resolve("../shared/data/fer2013/train/happy").normalize();

  private Fixtures() {}

  /** A {@code width × height} Mat of OpenCV {@code type} filled with seeded noise spanning the depth's range. */
  static Mat noise(int width, int height, int type, long seed) {
    Mat mat = new Mat(height, width, type);
    double max = switch (mat.depth()) {
      case 2 -> 65535;
      case 5 -> 1;
      default -> 255;
    };
    SplittableRandom rng = new SplittableRandom(seed);
    try (Indexer indexer = mat.createIndexer()) {
      for (long y = 0; y < height; y++) {
        for (long x = 0; x < width; x++) {
          for (long c = 0; c < mat.channels(); c++) {
            double v = max == 1 ? rng.nextDouble() : rng.nextInt((int) max + 1);
            indexer.putDouble(new long[] {y, x, c}, v);
          }
        }
      }
    }
    return mat;
  }

  /** {@code mat} encoded by OpenCV in the format of {@code extension} (".png", ".jpg", ".bmp", ".tiff", ".webp"). */
  static byte[] encode(Mat mat, String extension) {
    BytePointer buffer = new BytePointer();
    if (!imencode(extension, mat, buffer)) {
      throw new IllegalStateException("imencode " + extension + " failed");
    }
    byte[] out = new byte[(int) buffer.limit()];
    buffer.get(out);
    buffer.close();
    return out;
  }

  /** A PNG signature and IHDR chunk (correct CRC) declaring {@code width × height}, 8-bit gray, no pixel data. */
  static byte[] pngHeader(int width, int height) {
    ByteBuffer chunk = ByteBuffer.allocate(17).order(ByteOrder.BIG_ENDIAN);
    chunk.put("IHDR".getBytes()).putInt(width).putInt(height).put(new byte[] {8, 0, 0, 0, 0});
    CRC32 crc = new CRC32();
    crc.update(chunk.array());
    ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4).order(ByteOrder.BIG_ENDIAN);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}).putInt(13).put(chunk.array());
    png.putInt((int) crc.getValue());
    return png.array();
  }

  /** SOI, a JFIF APP0 and a baseline SOF0 declaring {@code width × height} (one component), no scan data. */
  static byte[] jpegHeader(int width, int height) {
    ByteBuffer jpeg = ByteBuffer.allocate(2 + 18 + 13).order(ByteOrder.BIG_ENDIAN);
    jpeg.put(new byte[] {(byte) 0xFF, (byte) 0xD8});
    jpeg.put(new byte[] {(byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0});
    jpeg.put(new byte[] {(byte) 0xFF, (byte) 0xC0, 0, 11, 8});
    jpeg.putShort((short) height).putShort((short) width);
    jpeg.put(new byte[] {1, 1, 0x11, 0});
    return jpeg.array();
  }

  /** The smallest GIF: one transparent 1×1 pixel. */
  static byte[] gif1x1() {
    return new byte[] {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, (byte) 0x80, 0, 0, 0, 0, 0, (byte) 0xFF,
        (byte) 0xFF, (byte) 0xFF, '!', (byte) 0xF9, 4, 1, 0, 0, 0, 0, ',', 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 'D',
        1, 0, ';'};
  }

  /** The first {@code count} FER2013 training JPEGs of class happy, in name order. */
  static List<byte[]> ferJpegs(int count) {
    try (Stream<Path> files = Files.list(FER_HAPPY)) {
      return files.sorted().limit(count).map(Fixtures::readAll).collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first face of the repository's own sample ({@code data/sample/train/happy}), present in every clone. */
  static byte[] sampleJpeg() {
    Path happy = Path.of(System.getProperty("fer.repo.root", "..")).resolve("data/sample/train/happy");
    try (Stream<Path> files = Files.list(happy)) {
      return readAll(files.sorted().findFirst().orElseThrow(() -> new IllegalStateException("no face in " + happy)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] readAll(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
