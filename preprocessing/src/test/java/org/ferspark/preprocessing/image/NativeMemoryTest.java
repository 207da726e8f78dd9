package org.ferspark.preprocessing.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {
  private static final long MB = 1L << 20;
  private final FaceNormalizer normalizer = new FaceNormalizer(48, 100_000_000L, 64L << 20);
  private final Augmenter augmenter = new Augmenter(new AugmentParams(15, 0.9, 1.1, 4, true), 48);

  /**
   * Each round allocates about 12 kB that JavaCPP tracks (copies of the encoded bytes and of the face): released
   * per call, the tracked total stays flat; left to the garbage collector, it climbs by megabytes between
   * collections.
   */
  @Test
  void normalisingTwentyThousandTimesDoesNotGrowNativeMemory() throws RejectException {
    FaceNormalizer.singleThreaded();
    byte[] png = Fixtures.encode(Fixtures.noise(96, 96, CV_8UC1, 1), ".png");
    Mat frame = Fixtures.noise(96, 72, CV_8UC3, 2);
    FaceBox box = new FaceBox(10, 10, 60, 60);
    for (int i = 0; i < 1_000; i++) {
      oneRound(png, frame, box, i);
    }
    System.gc();
    long tracked = Pointer.totalBytes();
    long resident = nativeBytes();
    for (int i = 0; i < 10_000; i++) {
      oneRound(png, frame, box, i);
      if (i % 500 == 0) {
        assertThat(Pointer.totalBytes() - tracked).as("JavaCPP-tracked bytes still allocated").isLessThan(MB);
      }
    }
    assertThat(nativeBytes() - resident).as("resident memory outside the Java heap").isLessThan(64 * MB);
  }

  @Test
  void givesTheSameAnswersFromManyThreads() throws Exception {
    List<byte[]> inputs = new ArrayList<>();
    List<byte[]> expected = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      inputs.add(Fixtures.encode(Fixtures.noise(60 + i, 50 + i, CV_8UC3, i), ".png"));
      expected.add(normalizer.normalize(inputs.get(i), new FaceBox(i, i, 40, 40)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          for (int round = 0; round < 20; round++) {
            for (int i = 0; i < inputs.size(); i++) {
              if (!java.util.Arrays.equals(normalizer.normalize(inputs.get(i), new FaceBox(i, i, 40, 40)),
                  expected.get(i))) {
                return false;
              }
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Resident memory outside the committed Java heap. */
  private static long nativeBytes() {
    return Pointer.physicalBytes() - Runtime.getRuntime().totalMemory();
  }

  /** Two normalisations (encoded and decoded paths) and one augmentation. */
  private void oneRound(byte[] png, Mat frame, FaceBox box, int i) throws RejectException {
    byte[] face = normalizer.normalize(png, box);
    augmenter.augment(face, "img", i, 7);
    normalizer.normalize(frame, box);
  }
}
