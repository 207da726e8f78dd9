package org.ferspark.realtime.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ferspark.preprocessing.image.FaceBox;

/**
 * {@code frames.jsonl}: one JSON object per face per frame, {@code {"frame", "t", "id", "box": [x, y, w, h],
 * "label", "probabilities": {...}, "smoothed": {...}}}. {@code probabilities} is this frame's model output for the
 * face, {@code smoothed} the per-track moving average that {@code label} is taken from.
 */
public final class FramesJsonl implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final BufferedWriter out;
  private final List<String> classNames;

  public FramesJsonl(Path file, List<String> classNames) {
    this.classNames = classNames;
    try {
      this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Writes one face's line. */
  public void write(long frame, double seconds, int id, FaceBox box, String label, float[] probabilities,
      float[] smoothed) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("frame", frame);
    line.put("t", Math.round(seconds * 1e6) / 1e6);
    line.put("id", id);
    line.put("box", new int[] {box.x(), box.y(), box.width(), box.height()});
    line.put("label", label);
    line.put("probabilities", byName(probabilities));
    line.put("smoothed", byName(smoothed));
    try {
      out.write(JSON.writeValueAsString(line));
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, Float> byName(float[] p) {
    Map<String, Float> m = new LinkedHashMap<>();
    for (int i = 0; i < p.length; i++) {
      m.put(classNames.get(i), p[i]);
    }
    return m;
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
