package org.ferspark.evaluation.report;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The model's metadata as a table: architecture, a one-line training configuration summary, the dataset
 * fingerprint (and whether it is the evaluated dataset's), then every other entry of {@code fer-model.json}.
 */
final class MetadataSection {

  private MetadataSection() {
  }

  static void append(StringBuilder b, Map<String, Object> metadata, String evaluatedFingerprint) {
    b.append("<h2>Model</h2>\n");
    if (metadata == null || metadata.isEmpty()) {
      b.append("<p class=\"note\">no metadata in this model file</p>\n");
      return;
    }
    Map<String, Object> rest = new LinkedHashMap<>(metadata);
    b.append("<table class=\"meta\">\n");
    row(b, "architecture", text(rest.remove("architecture")));
    row(b, "training config", text(rest.remove("trainingConfig")));
    Object fingerprint = rest.remove("datasetFingerprint");
    String note = "";
    if (fingerprint != null && evaluatedFingerprint != null && !evaluatedFingerprint.isBlank()) {
      note = Objects.equals(String.valueOf(fingerprint), evaluatedFingerprint)
          ? " <span class=\"yes\">same dataset as evaluated</span>"
          : " <span class=\"warn\">differs from the evaluated dataset's <code>" + Html.esc(evaluatedFingerprint)
              + "</code> (another dataset or another preprocessing)</span>";
    }
    b.append("<tr><th>dataset fingerprint</th><td><code>").append(Html.esc(text(fingerprint))).append("</code>")
        .append(note).append("</td></tr>\n");
    for (Map.Entry<String, Object> e : rest.entrySet()) {
      row(b, e.getKey(), text(e.getValue()));
    }
    b.append("</table>\n");
  }

  private static void row(StringBuilder b, String key, String value) {
    b.append("<tr><th>").append(Html.esc(key)).append("</th><td>").append(Html.esc(value)).append("</td></tr>\n");
  }

  /** A JSON-like value as one line: maps as {@code key = value · ...}, lists comma-separated, NaN as "—". */
  static String text(Object v) {
    if (v == null) {
      return Fmt.MISSING;
    }
    if (v instanceof Map<?, ?> map) {
      return map.isEmpty() ? Fmt.MISSING : map.entrySet().stream()
          .map(e -> e.getKey() + " = " + text(e.getValue())).collect(Collectors.joining(" · "));
    }
    if (v instanceof Collection<?> list) {
      return list.stream().map(MetadataSection::text).collect(Collectors.joining(", "));
    }
    if (v instanceof Double d && !Double.isFinite(d) || v instanceof Float f && !Float.isFinite(f)) {
      return Fmt.MISSING;
    }
    return String.valueOf(v);
  }
}
