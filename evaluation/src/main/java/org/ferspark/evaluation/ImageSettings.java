package org.ferspark.evaluation;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.realtime.app.RealtimeSettings;
import org.ferspark.realtime.detect.DetectorSettings;

/**
 * How the evaluation of a photo folder finds and normalises faces ({@code fer.evaluate.images.*} in
 * {@code evaluation/src/main/resources/reference.conf}), with what it takes from the shared keys: the detector of
 * {@code fer.realtime.detector.*} ({@link DetectorSettings}, the one realtime, predict and the video job use; BlazeFace
 * by default) searching from {@code detect-min-side}, the crop margin
 * {@code fer.realtime.crop-margin}, the face side and file bounds of {@code fer.image.*}. Bound once; a bad value is
 * a {@link FerConfig.ConfigError} naming the key. Travels inside Spark task closures (Java serialisation).
 *
 * @param detect find faces with the detector (false: every photo is taken whole)
 * @param cropMaxSide photos with both sides at most this are taken whole as face crops; 0 = never
 * @param detectMinSide the smallest face side the detector searches for
 * @param minFace faces with a smaller side are {@code face-too-small}
 * @param severalFaces what a photo with several large enough faces gets
 * @param perPartition photos per Spark partition
 * @param examplesPerStatus example inputs kept per status
 * @param cropMargin the detected box is grown by this fraction of its size on every side before cropping
 * @param faceSide side of the normalised face ({@code fer.image.size})
 * @param maxPixels {@code fer.image.max-pixels}
 * @param maxFileBytes {@code fer.image.max-file-bytes}
 * @param detector the detector, searching from {@code detectMinSide}
 */
public record ImageSettings(boolean detect, int cropMaxSide, int detectMinSide, int minFace, SeveralFaces severalFaces,
    int perPartition, int examplesPerStatus, double cropMargin, int faceSide, long maxPixels, long maxFileBytes,
    DetectorSettings detector) implements Serializable {

  /** What a photo with several faces of at least {@code min-face} gets. */
  public enum SeveralFaces {
    /** Its largest face is scored. */
    LARGEST,
    /** Status {@code several-faces}, not scored. */
    REJECT;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Binds {@code fer.evaluate.images}, {@code fer.realtime.detector}, {@code fer.realtime.crop-margin}, {@code fer.image}. */
  public static ImageSettings from(Config config, Path root) {
    String p = "fer.evaluate.images.";
    try {
      Config c = config.getConfig("fer.evaluate.images");
      String policy = c.getString("several-faces").trim().toLowerCase(Locale.ROOT);
      check(policy.equals("largest") || policy.equals("reject"),
          p + "several-faces must be largest or reject, got '" + c.getString("several-faces") + "'");
      RealtimeSettings realtime = RealtimeSettings.from(config, root);
      int detectMinSide = c.getInt("detect-min-side");
      ImageSettings s = new ImageSettings(c.getBoolean("detect"), c.getInt("crop-max-side"), detectMinSide,
          c.getInt("min-face"), SeveralFaces.valueOf(policy.toUpperCase(Locale.ROOT)), c.getInt("per-partition"),
          c.getInt("examples-per-status"), realtime.cropMargin(), config.getInt("fer.image.size"),
          config.getLong("fer.image.max-pixels"), config.getBytes("fer.image.max-file-bytes"),
          realtime.detector().withMinFace(Math.max(1, detectMinSide)));
      check(s.cropMaxSide >= 0, p + "crop-max-side must be >= 0, got " + s.cropMaxSide);
      check(s.detectMinSide >= 8, p + "detect-min-side must be at least 8, got " + s.detectMinSide);
      check(s.minFace >= 1, p + "min-face must be at least 1, got " + s.minFace);
      check(s.perPartition >= 1, p + "per-partition must be at least 1, got " + s.perPartition);
      check(s.examplesPerStatus >= 0 && s.examplesPerStatus <= 100,
          p + "examples-per-status must be 0..100, got " + s.examplesPerStatus);
      check(s.faceSide >= 8, "fer.image.size must be at least 8, got " + s.faceSide);
      check(s.maxPixels >= 1 && s.maxFileBytes >= 1, "fer.image.max-pixels and max-file-bytes must be positive");
      return s;
    } catch (ConfigException e) {
      throw new FerConfig.ConfigError(e.getMessage());
    }
  }

  /** What the report and {@code metrics.json} say about how faces were found. */
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("detect", detect);
    d.put("detector", detect ? detector.describe() : "off (every photo taken whole)");
    d.put("crop_max_side", cropMaxSide);
    d.put("detect_min_side", detectMinSide);
    d.put("min_face", minFace);
    d.put("several_faces", severalFaces.key());
    d.put("crop_margin", cropMargin);
    d.put("face_side", faceSide);
    return d;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new FerConfig.ConfigError(message);
    }
  }
}
