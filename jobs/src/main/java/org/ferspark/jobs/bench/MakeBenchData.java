package org.ferspark.jobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ferspark.preprocessing.dataset.synthetic.AffectNetShapedOptions;
import org.ferspark.preprocessing.dataset.synthetic.AffectNetShapedSummary;
import org.ferspark.preprocessing.dataset.synthetic.AffectNetShapedWriter;
import org.ferspark.preprocessing.dataset.synthetic.FacePhotos;
import org.ferspark.preprocessing.dataset.synthetic.FerShapedScaleSet;
import org.ferspark.preprocessing.dataset.synthetic.FerTree;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Generates benchmark inputs (not a Spark job): {@code affectnet} writes a synthetic AffectNet-shaped set
 * (official v1 layout) from FER2013 faces, {@code scale} builds a hard-linked N-input FER-shaped folder tree,
 * {@code photos} writes labelled colour photos with one FER face each at a random size and position (for
 * {@code evaluate.sh --images}).
 * Needs a FER2013 folder-per-class tree ({@code $FER2013/train/<label>/*.jpg}, default
 * {@code ../shared/data/fer2013}). Used by {@code bench/preprocess.sh}; by hand:
 * {@code java -cp jobs/target/fer-spark-jobs.jar org.ferspark.jobs.bench.MakeBenchData affectnet --out DIR
 * --count 3000}.
 * Each subcommand prints one last line {@code <name>-data: {json}}.
 */
@Command(name = "make-bench-data", mixinStandardHelpOptions = true,
    subcommands = {MakeBenchData.AffectNet.class, MakeBenchData.Scale.class, MakeBenchData.Photos.class},
    description = "Generates benchmark inputs: an AffectNet-shaped set, a hard-linked FER-shaped scale set, or "
        + "labelled colour photos of FER faces.")
public final class MakeBenchData implements Runnable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String DEFAULT_FER = "${env:FER2013:-../shared/data/fer2013}/train";

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new MakeBenchData()).execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: affectnet, scale or photos");
  }

  /** {@code affectnet --out DIR --count N [--seed S] ...}. */
  @Command(name = "affectnet", mixinStandardHelpOptions = true,
      description = "Writes <out>/Manually_Annotated_Images/ and <out>/Manually_Annotated_file_lists/*.csv.")
  static final class AffectNet implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "dataset root to write") Path out;
    @Option(names = "--count", required = true, description = "good rows in training.csv") int count;
    @Option(names = "--validation-count", defaultValue = "-1",
        description = "good rows in validation.csv (default: count/10, at least 1)") int validationCount;
    @Option(names = "--seed", defaultValue = "42") long seed;
    @Option(names = "--special-fraction", defaultValue = "0",
        description = "share of rows with codes 7-10 (Contempt, None, Uncertain, No-Face)") double specialFraction;
    @Option(names = "--bad-rows-per-kind", defaultValue = "0",
        description = "rows of each broken kind added to training.csv") int badRowsPerKind;
    @Option(names = "--fer", defaultValue = DEFAULT_FER,
        description = "FER2013 folder-per-class tree of faces (default: ${DEFAULT-VALUE})") Path fer;

    @Override
    public Integer call() throws Exception {
      AffectNetShapedOptions options = AffectNetShapedOptions.of(fer, count).withSeed(seed)
          .withSpecialCodeFraction(specialFraction).withBadRowsPerKind(badRowsPerKind);
      if (validationCount >= 0) {
        options = options.withValidationCount(validationCount);
      }
      long start = System.nanoTime();
      AffectNetShapedSummary summary = AffectNetShapedWriter.write(out, options);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("root", summary.root().toString());
      report.put("trainingByCode", summary.trainingByCode());
      report.put("validationByCode", summary.validationByCode());
      report.put("badRows", summary.badRows());
      report.put("imageFiles", summary.imageFiles());
      report.put("seconds", (System.nanoTime() - start) / 1e9);
      System.out.println("affectnet-data: " + JSON.writeValueAsString(report));
      return 0;
    }
  }

  /** {@code scale --out DIR --count N}. */
  @Command(name = "scale", mixinStandardHelpOptions = true,
      description = "Builds <out>/<label>/<n>.jpg hard links (sources copied once to <out>/.src/).")
  static final class Scale implements Callable<Integer> {
    @Option(names = "--out", required = true) Path out;
    @Option(names = "--count", required = true, description = "number of inputs") long count;
    @Option(names = "--fer", defaultValue = DEFAULT_FER,
        description = "FER2013 folder-per-class tree (default: ${DEFAULT-VALUE})") Path fer;

    @Override
    public Integer call() throws Exception {
      long start = System.nanoTime();
      FerShapedScaleSet.Result result = FerShapedScaleSet.build(fer, out, count);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("root", result.root().toString());
      report.put("inputs", result.inputs());
      report.put("sources", result.sources());
      report.put("linksCreated", result.linksCreated());
      report.put("seconds", (System.nanoTime() - start) / 1e9);
      System.out.println("scale-data: " + JSON.writeValueAsString(report));
      return 0;
    }
  }

  /** {@code photos --out DIR --per-class N [--min-side PX] [--max-side PX]}. */
  @Command(name = "photos", mixinStandardHelpOptions = true,
      description = "Writes <out>/<label>/<FER name>.jpg: colour scenes (320-640 x 240-480) with one FER face each.")
  static final class Photos implements Callable<Integer> {
    @Option(names = "--out", required = true) Path out;
    @Option(names = "--per-class", required = true, description = "photos per class") int perClass;
    @Option(names = "--min-side", defaultValue = "64", description = "smallest face side (default: ${DEFAULT-VALUE})")
    int minSide;
    @Option(names = "--max-side", defaultValue = "200", description = "largest face side (default: ${DEFAULT-VALUE})")
    int maxSide;
    @Option(names = "--seed", defaultValue = "42") long seed;
    @Option(names = "--fer", defaultValue = "${env:FER2013:-../shared/data/fer2013}/test",
        description = "FER2013 folder-per-class tree (default: ${DEFAULT-VALUE})") Path fer;

    @Override
    public Integer call() throws Exception {
      long start = System.nanoTime();
      List<FacePhotos.Photo> photos = FacePhotos.writeSet(FerTree.index(fer), out, perClass, minSide, maxSide, seed);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("root", out.toString());
      report.put("photos", photos.size());
      Map<String, Integer> byClass = new LinkedHashMap<>();
      photos.forEach(p -> byClass.merge(p.label().label(), 1, Integer::sum));
      report.put("byClass", byClass);
      report.put("seconds", (System.nanoTime() - start) / 1e9);
      System.out.println("photos-data: " + JSON.writeValueAsString(report));
      return 0;
    }
  }
}
