package org.ferspark.jobs.predict;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON object per line and face: {@code {"path": ..., "label": ..., "confidence": p, "probabilities":
 * {"angry": p, ...}}}; with detection also {@code "faces": n} and {@code "box": [x, y, w, h]} (after
 * {@code "path"}), and an image without a face is {@code {"path": ..., "faces": 0, "label": null}}. With
 * {@code --top K} {@code probabilities} holds the K most probable classes, most probable first.
 */
public final class JsonLinesWriter extends PredictionWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  public JsonLinesWriter(PrintWriter out, PrintWriter err, boolean detection, int top) {
    super(out, err, detection, top);
  }

  @Override
  public void write(Prediction p) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("path", p.path());
    if (detection) {
      line.put("faces", p.faces());
      if (p.hasFace()) {
        line.put("box", List.of(p.box().x(), p.box().y(), p.box().width(), p.box().height()));
      }
    }
    line.put("label", p.label());
    if (p.hasFace()) {
      line.put("confidence", p.confidence());
      Map<String, Float> probabilities = new LinkedHashMap<>();
      for (int i : shown(p.probabilities())) {
        probabilities.put(classNames.get(i), p.probabilities()[i]);
      }
      line.put("probabilities", probabilities);
    }
    try {
      out.println(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
