package org.ferspark.evaluation.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.ferspark.evaluation.metrics.ModelEvaluation;

/**
 * Writes the evaluation report: self-contained HTML pages (images embedded as data: URIs, no external CSS, script
 * or fonts, so a page works offline and can be mailed on its own) plus the same charts as PNG files.
 *
 * <p>Layout, one model: {@code DIR/index.html}, {@code confusion_matrix.png}, {@code reliability.png},
 * {@code risk_coverage.png}, {@code samples.png}, {@code curves.png} when the model file has a training history, and
 * {@code reliability_uncalibrated.png} (before calibration) when the model's temperature is not 1. Several models:
 * {@code DIR/index.html} compares them (side-by-side scores, McNemar's test) and links to one folder per model,
 * {@code DIR/<model name>/}, laid out as for one model. Folder names are the model names reduced to
 * {@code [A-Za-z0-9._-]}, made unique (and never a file name of the top folder).
 *
 * <p>Spark-free: the result comes from {@code EvaluateJob} or any other producer of {@link EvaluationResult}.
 * Rendering needs no display ({@code -Djava.awt.headless=true} is enough).
 */
public final class HtmlReport {

  /** The page file of every folder. */
  public static final String INDEX = "index.html";

  private HtmlReport() {
  }

  /**
   * Writes the report of {@code result} into {@code dir} (created if missing; files of an earlier report there are
   * replaced) and returns the top page.
   */
  public static Path write(EvaluationResult result, Path dir) throws IOException {
    List<ModelEvaluation> models = result.models();
    if (models.isEmpty()) {
      throw new IllegalArgumentException("the evaluation result has no models");
    }
    Files.createDirectories(dir);
    Path index = dir.resolve(INDEX);
    if (models.size() == 1) {
      writeModel(result, models.get(0), dir, false);
      return index;
    }
    List<String> folders = folderNames(models);
    List<ModelImages> images = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      Path sub = dir.resolve(folders.get(i));
      Files.createDirectories(sub);
      images.add(writeModel(result, models.get(i), sub, true));
    }
    ReportIo.write(index, ComparisonPage.html(result, folders, images));
    return index;
  }

  /** The files a report writes into each folder (besides the metrics files of the evaluation job). */
  public static final List<String> FILES = java.util.stream.Stream.concat(java.util.stream.Stream.of(INDEX),
      ModelImages.FILES.stream()).toList();

  /**
   * Folder names for the models of a comparison: safe characters only, unique, never "." or "..". The evaluation
   * job writes each model's metrics files into the same folders.
   */
  public static List<String> folderNames(List<ModelEvaluation> models) {
    List<String> names = new ArrayList<>();
    Set<String> taken = new HashSet<>(FILES);
    for (ModelEvaluation m : models) {
      String base = m.name() == null ? "" : m.name().replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[.]+", "_");
      if (base.isEmpty() || base.equals("_")) {
        base = "model";
      }
      base = base.length() > 80 ? base.substring(0, 80) : base;
      String name = base;
      for (int k = 2; !taken.add(name.toLowerCase(Locale.ROOT)); k++) {
        name = base + "-" + k;
      }
      names.add(name);
    }
    return names;
  }

  private static ModelImages writeModel(EvaluationResult result, ModelEvaluation model, Path dir, boolean backLink)
      throws IOException {
    ModelImages images = ModelImages.render(model);
    images.write(dir);
    ReportIo.write(dir.resolve(INDEX), ModelPage.html(result, model, images, backLink));
    return images;
  }
}
