package org.ferspark.realtime.app;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a realtime run did.
 *
 * @param frames frames processed
 * @param faces faces classified, summed over frames
 * @param framesWithFaces frames with at least one face
 * @param fullDetections frames that got a full-frame detection
 * @param seconds wall time of the loop
 * @param framesPerSecond frames / seconds
 * @param latencyMs stage → {p50, p95} in milliseconds
 * @param annotated the annotated video or image directory ({@code --headless}), else null
 * @param framesJsonl the JSON lines file ({@code --headless}), else null
 * @param skippedImages image files that could not be read
 * @param inputStatus how the input ended: {@code complete}, or {@code truncated} for a cut-off video
 */
public record RunReport(long frames, long faces, long framesWithFaces, long fullDetections, double seconds,
    double framesPerSecond, Map<String, double[]> latencyMs, Path annotated, Path framesJsonl, int skippedImages,
    String inputStatus) {

  public RunReport(long frames, long faces, long framesWithFaces, long fullDetections, double seconds,
      double framesPerSecond, Map<String, double[]> latencyMs, Path annotated, Path framesJsonl, int skippedImages) {
    this(frames, faces, framesWithFaces, fullDetections, seconds, framesPerSecond, latencyMs, annotated,
        framesJsonl, skippedImages, "complete");
  }
}
