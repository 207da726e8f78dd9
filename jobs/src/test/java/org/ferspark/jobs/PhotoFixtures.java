package org.ferspark.jobs;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.evaluation.ImageSettings;
import org.ferspark.preprocessing.dataset.synthetic.FacePhotos;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.preprocessing.image.RejectException;
import org.ferspark.realtime.detect.FaceDetector;

/**
 * A labelled photo folder with a known status for every file, for {@code evaluate --images}: FER2013 faces of
 * data/sample composited at different sizes and positions on colour scenes ({@link FacePhotos}), 48×48 face crops,
 * a 16-bit PNG, a CMYK JPEG, photos without a face, with two faces and with a tiny face, the bad files of the issue
 * (animated GIF, a PNG header declaring 50,000×50,000, a truncated JPEG, an empty file, random bytes, a 1×1 image),
 * files outside label folders, label folders spelt as other datasets spell them, and an empty class folder.
 *
 * <p>The detector (BlazeFace by default) does not find every composited FER face, so each photo meant to have a face
 * is checked with the very detector the evaluation builds (same settings, same decoding) and the next sample face is
 * tried until it gives the intended outcome; the expected counts are then exact by construction of the folder, and
 * the evaluation must reproduce them through its listing, reading, executor-side detection and status policy.
 */
final class PhotoFixtures {
  static final int W = 256;
  static final int H = 192;

  /** What was written: the expected count per status and per unreadable reason, and the faces pasted. */
  record Folder(Path root, Map<String, Long> statuses, Map<String, Long> reasons, Map<String, FaceBox> pasted,
      List<String> crops) {
  }

  private final ImageSettings settings;
  private final FaceDetector detector;
  private final FaceNormalizer normalizer;
  private final Iterator<Path> faces;
  private final Map<String, Long> statuses = new LinkedHashMap<>();
  private final Map<String, Long> reasons = new TreeMap<>();
  private final Map<String, FaceBox> pasted = new LinkedHashMap<>();
  private final List<String> crops = new ArrayList<>();
  private final Set<Path> used = new HashSet<>();
  private final Path root;
  private long seed = 1;

  private PhotoFixtures(Path root, ImageSettings settings, FaceDetector detector, List<Path> faces) {
    this.root = root;
    this.settings = settings;
    this.detector = detector;
    this.normalizer = new FaceNormalizer(48, Long.MAX_VALUE, Long.MAX_VALUE);
    this.faces = faces.iterator();
    for (String s : List.of("ok", "no-face", "several-faces", "face-too-small", "unreadable", "unknown-label")) {
      statuses.put(s, 0L);
    }
  }

  /** Builds the folder under {@code root}, faces checked with {@code settings}' detector. */
  static Folder write(Path root, ImageSettings settings) throws IOException {
    FaceNormalizer.singleThreaded(); // as on an executor: one OpenCV thread
    List<Path> faces = new ArrayList<>();
    for (String label : List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")) {
      faces.addAll(PredictFixtures.sample("train", label));
    }
    try (FaceDetector detector = settings.detector().create()) {
      PhotoFixtures f = new PhotoFixtures(root, settings, detector, faces);
      f.build();
      return new Folder(root, f.statuses, f.reasons, f.pasted, f.crops);
    }
  }

  private void build() throws IOException {
    // two photos with one face for each of six classes, folder names as other datasets spell them; no neutral
    Map<String, String> folders = new LinkedHashMap<>();
    folders.put("angry", "Anger");
    folders.put("disgust", "disgusted");
    folders.put("fear", "FEARFUL");
    folders.put("happy", "happiness");
    folders.put("sad", "Sadness");
    folders.put("surprise", "surprised");
    int[] sides = {56, 150, 80, 110};
    int k = 0;
    for (Map.Entry<String, String> e : folders.entrySet()) {
      for (int i = 0; i < 2; i++, k++) {
        int side = sides[k % sides.length];
        FaceBox box = new FaceBox(8 + (k * 37) % (W - side - 16), 8 + (k * 23) % (H - side - 16), side, side);
        onePhoto(e.getKey(), e.getValue() + "/photo-" + k + ".jpg", box, Function.identity());
      }
    }
    Files.createDirectories(root.resolve("neutral"));
    // 48x48 FER crops: taken whole, no detection, box null
    for (String name : List.of("crop-1.jpg", "crop-2.jpg")) {
      Path face = PredictFixtures.sample("test", "happy").get(crops.size());
      Files.copy(face, root.resolve("happiness").resolve(name));
      crops.add("happiness/" + name);
      expect("ok");
    }
    onePhoto("sad", "Sadness/sixteen-bit.png", new FaceBox(100, 40, 120, 120), PhotoFixtures::sixteenBitPng);
    onePhoto("fear", "FEARFUL/cmyk.jpg", new FaceBox(30, 50, 130, 130), PhotoFixtures::cmykJpeg);
    // scenes without a face in which the detector finds none (BlazeFace sees a face in some generated backgrounds)
    long sceneSeed = 900;
    for (int i = 0; i < 2; i++) {
      byte[] empty = FacePhotos.scene(W, H, List.of(), List.of(), sceneSeed++);
      while (!detect(empty).isEmpty()) {
        if (sceneSeed > 950) {
          throw new AssertionError("the detector finds a face in 50 empty scenes");
        }
        empty = FacePhotos.scene(W, H, List.of(), List.of(), sceneSeed++);
      }
      write("happiness/no-face-" + i + ".jpg", empty);
      expect("no-face");
    }
    twoFaces();
    tinyFace();
    write("Anger/one-pixel.png", png(new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR)));
    expect("face-too-small");
    bad("disgusted/animated.gif", animatedGif(), "unsupported-format");
    bad("disgusted/huge.png", pngHeader(50_000, 50_000), "image-too-large");
    byte[] jpeg = FacePhotos.scene(W, H, List.of(), List.of(), 77);
    bad("surprised/truncated.jpg", Arrays.copyOf(jpeg, jpeg.length / 2), "truncated-image");
    bad("surprised/empty.jpg", new byte[0], "empty-file");
    byte[] noise = new byte[300];
    new SplittableRandom(5).nextBytes(noise);
    noise[0] = 0x13;
    bad("happiness/noise.jpg", noise, "unsupported-format");
    write("cats/cat.jpg", FacePhotos.scene(W, H, List.of(), List.of(), 78));
    expect("unknown-label");
    write("stray.jpg", FacePhotos.scene(W, H, List.of(), List.of(), 79));
    expect("unknown-label");
  }

  /**
   * A photo with one face of class {@code label} in {@code box}, encoded by {@code encode}: the next sample face of
   * that class the detector finds there, alone and large enough.
   */
  private void onePhoto(String label, String file, FaceBox box, Function<byte[], byte[]> encode) throws IOException {
    for (Path face : PredictFixtures.sample("train", label)) {
      if (used.contains(face)) {
        continue;
      }
      byte[] bytes = encode.apply(FacePhotos.scene(W, H, List.of(face), List.of(box), seed++));
      List<FaceBox> found = detect(bytes);
      if (found.size() == 1 && side(found.get(0)) >= settings.minFace() && iou(found.get(0), box) > 0.4) {
        used.add(face);
        write(file, bytes);
        pasted.put(file, box);
        expect("ok");
        return;
      }
    }
    throw new AssertionError("no sample " + label + " face is found alone in " + box + " by the detector");
  }

  private void twoFaces() throws IOException {
    List<FaceBox> boxes = List.of(new FaceBox(6, 30, 110, 110), new FaceBox(136, 50, 100, 100));
    while (faces.hasNext()) {
      Path a = faces.next();
      Path b = faces.hasNext() ? faces.next() : a;
      byte[] bytes = FacePhotos.scene(W, H, List.of(a, b), boxes, seed++);
      List<FaceBox> found = detect(bytes);
      if (found.size() == 2 && found.stream().allMatch(f -> side(f) >= settings.minFace())) {
        write("happiness/two-faces.jpg", bytes);
        expect("several-faces");
        return;
      }
    }
    throw new AssertionError("no two sample faces are both found by the detector");
  }

  private void tinyFace() throws IOException {
    while (faces.hasNext()) {
      byte[] bytes = FacePhotos.scene(W, H, List.of(faces.next()), List.of(new FaceBox(140, 90, 28, 28)), seed++);
      List<FaceBox> found = detect(bytes);
      if (found.size() == 1 && side(found.get(0)) < settings.minFace()) {
        write("Sadness/tiny-face.jpg", bytes);
        expect("face-too-small");
        return;
      }
    }
    throw new AssertionError("the detector finds none of the sample faces at 28 px");
  }

  private List<FaceBox> detect(byte[] bytes) {
    try (Mat bgr = normalizer.decode(bytes, IMREAD_COLOR)) {
      return detector.detect(bgr, null, settings.detectMinSide(), 0);
    } catch (RejectException e) {
      throw new AssertionError(e.reason() + ": " + e.detail());
    }
  }

  private void bad(String file, byte[] bytes, String reason) throws IOException {
    write(file, bytes);
    expect("unreadable");
    reasons.merge(reason, 1L, Long::sum);
  }

  private void write(String file, byte[] bytes) throws IOException {
    Path p = root.resolve(file);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
  }

  private void expect(String status) {
    statuses.merge(status, 1L, Long::sum);
  }

  /** The photo as a 16-bit-per-channel colour PNG (each 8-bit value v stored as 257·v). */
  static byte[] sixteenBitPng(byte[] jpeg) {
    try (Mat bgr = new FaceNormalizer(48, Long.MAX_VALUE, Long.MAX_VALUE).decode(jpeg, IMREAD_COLOR);
        Mat wide = new Mat(); BytePointer out = new BytePointer()) {
      bgr.convertTo(wide, CV_16UC3, 257, 0);
      if (!imencode(".png", wide, out)) {
        throw new IllegalStateException("cannot encode a 16-bit PNG");
      }
      byte[] png = new byte[(int) out.limit()];
      out.get(png);
      return png;
    } catch (RejectException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The photo as a four-channel (CMYK) JPEG in Adobe's inverted convention (C = R, M = G, Y = B, K = 255 means no
   * ink), which is how OpenCV reads CMYK.
   */
  static byte[] cmykJpeg(byte[] jpeg) {
    try (Mat bgr = new FaceNormalizer(48, Long.MAX_VALUE, Long.MAX_VALUE).decode(jpeg, IMREAD_COLOR);
        UByteIndexer ix = bgr.createIndexer()) {
      WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, bgr.cols(), bgr.rows(), 4, null);
      for (int y = 0; y < bgr.rows(); y++) {
        for (int x = 0; x < bgr.cols(); x++) {
          r.setSample(x, y, 0, ix.get(y, x, 2));
          r.setSample(x, y, 1, ix.get(y, x, 1));
          r.setSample(x, y, 2, ix.get(y, x, 0));
          r.setSample(x, y, 3, 255);
        }
      }
      ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
        writer.setOutput(ios);
        writer.write(null, new IIOImage(r, null, null), null);
      } finally {
        writer.dispose();
      }
      return out.toByteArray();
    } catch (RejectException | IOException e) {
      throw new AssertionError(e);
    }
  }

  /** A two-frame GIF89a animation. */
  static byte[] animatedGif() throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.prepareWriteSequence(null);
      for (int i = 0; i < 2; i++) {
        BufferedImage frame = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_INDEXED);
        frame.getRaster().setSample(i * 10, i * 10, 0, 1);
        writer.writeToSequence(new IIOImage(frame, null, null), null);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** A PNG signature and IHDR chunk declaring {@code width × height}, and nothing more. */
  static byte[] pngHeader(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(33).order(ByteOrder.BIG_ENDIAN);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    b.putInt(13).put(new byte[] {'I', 'H', 'D', 'R'}).putInt(width).putInt(height);
    b.put(new byte[] {8, 2, 0, 0, 0}).putInt(0);
    return b.array();
  }

  static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  static int side(FaceBox b) {
    return Math.min(b.width(), b.height());
  }

  static double iou(FaceBox a, FaceBox b) {
    return PredictDetectFacesTest.iou(a, b);
  }
}
