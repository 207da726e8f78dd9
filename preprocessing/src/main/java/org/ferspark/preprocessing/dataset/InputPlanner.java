package org.ferspark.preprocessing.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.ferspark.preprocessing.config.PreprocessSettings;

/**
 * Finds out, on the driver, what kind of dataset lies at the input path and plans how to read it: the format
 * (given or detected where unambiguous), the label folders, or the CSV files with their checked headers.
 * Only folder names and CSV headers are read here; files are listed and read on the executors.
 */
public final class InputPlanner {
  private static final List<String> AFFECTNET_CSVS = List.of("training.csv", "validation.csv");
  private static final String AFFECTNET_LISTS = "Manually_Annotated_file_lists";
  private static final String AFFECTNET_IMAGES = "Manually_Annotated_Images";

  private final Configuration hadoop;
  private final PreprocessSettings settings;

  public InputPlanner(Configuration hadoop, PreprocessSettings settings) {
    this.hadoop = hadoop;
    this.settings = settings;
  }

  /** Plans the input. @throws InputError for a wholly unusable input (missing, empty, ambiguous, bad header) */
  public InputPlan plan() throws IOException {
    Path input = new Path(settings.input());
    FileSystem fs = input.getFileSystem(hadoop);
    if (!fs.exists(input)) {
      throw new InputError("input " + input + " does not exist");
    }
    input = fs.getFileStatus(input).getPath();
    String format = settings.format().equals("auto") ? detect(fs, input) : settings.format();
    return switch (format) {
      case "folder" -> planFolder(fs, input, settings.classes());
      case "affectnet" -> planAffectNet(fs, input);
      case "fer2013-csv" -> planFer2013(fs, input);
      default -> throw new InputError("unknown format '" + format + "'");
    };
  }

  String detect(FileSystem fs, Path input) throws IOException {
    if (fs.getFileStatus(input).isFile()) {
      String header = firstLine(fs, input).toLowerCase(Locale.ROOT);
      if (header.contains("subdirectory_filepath")) {
        return "affectnet";
      }
      if (header.contains("pixels") && header.contains("emotion")) {
        return "fer2013-csv";
      }
      throw new InputError("cannot tell the format of file " + input + " from its header '" + header
          + "'; pass --format affectnet|fer2013-csv, or give a folder for --format folder");
    }
    if (!affectNetCsvs(fs, input).isEmpty()) {
      return "affectnet";
    }
    List<FileStatus> children = visible(fs, input);
    boolean hasDirs = children.stream().anyMatch(FileStatus::isDirectory);
    List<FileStatus> csvs = children.stream().filter(s -> s.isFile() && isCsv(s.getPath())).toList();
    if (!hasDirs && csvs.size() == 1) {
      return "fer2013-csv";
    }
    if (hasDirs) {
      return "folder";
    }
    throw new InputError("cannot detect the format of " + input + ": it holds " + csvs.size()
        + " CSV file(s) and no class folders; pass --format folder|affectnet|fer2013-csv");
  }

  /**
   * Plans a folder-per-class input, {@code root/<label>/*} or {@code root/<split>/<label>/*}, as preprocessing reads
   * it: label folders in any spelling {@link Emotion#fromName} accepts, within the {@code classes}-class label set;
   * other folders and stray files become rejected records ({@code unknown-label}, {@code unknown-split}). Used by
   * the evaluation of a photo folder as well. Only folder names are read here.
   *
   * @throws InputError if {@code root} does not exist, is a file, or is empty
   */
  public static InputPlan.Folder labelFolders(Configuration hadoop, String root, int classes) throws IOException {
    Path input = new Path(root);
    FileSystem fs = input.getFileSystem(hadoop);
    if (!fs.exists(input)) {
      throw new InputError("input " + input + " does not exist");
    }
    return planFolder(fs, fs.getFileStatus(input).getPath(), classes);
  }

  private static InputPlan.Folder planFolder(FileSystem fs, Path root, int classes) throws IOException {
    if (!fs.getFileStatus(root).isDirectory()) {
      throw new InputError("--format folder needs a directory, but " + root + " is a file");
    }
    List<FileStatus> children = visible(fs, root);
    boolean splitLayout = children.stream()
        .anyMatch(c -> c.isDirectory() && Splits.fromName(c.getPath().getName()).isPresent()
            && Emotion.fromName(c.getPath().getName()).isEmpty());
    List<InputPlan.LabelDir> dirs = new ArrayList<>();
    List<InputRecord> stray = new ArrayList<>();
    for (FileStatus child : children) {
      String name = child.getPath().getName();
      if (child.isFile()) {
        stray.add(strayFile(root, child, splitLayout ? "<split>/<label>/" : "<label>/"));
      } else if (!splitLayout) {
        dirs.add(labelDir(child.getPath(), null, classes));
      } else {
        Optional<String> split = Splits.fromName(name);
        if (split.isEmpty()) {
          dirs.add(new InputPlan.LabelDir(child.getPath().toString(), null, -1, "unknown-split",
              "folder '" + name + "' is not a split (train, validation/val/PublicTest, test/PrivateTest)"));
          continue;
        }
        for (FileStatus grandChild : visible(fs, child.getPath())) {
          if (grandChild.isFile()) {
            stray.add(strayFile(root, grandChild, name + "/<label>/"));
          } else {
            dirs.add(labelDir(grandChild.getPath(), split.get(), classes));
          }
        }
      }
    }
    if (dirs.isEmpty() && stray.isEmpty()) {
      throw new InputError("input folder " + root + " is empty: expected ROOT/<label>/* or ROOT/<split>/<label>/*");
    }
    return new InputPlan.Folder(root.toString(), List.copyOf(dirs), List.copyOf(stray));
  }

  private static InputPlan.LabelDir labelDir(Path dir, String split, int classes) {
    String name = dir.getName();
    Optional<Emotion> emotion = Emotion.fromName(name).filter(e -> e.index() < classes);
    if (emotion.isEmpty()) {
      String why = Emotion.fromName(name).isPresent()
          ? "label '" + name + "' is not in the " + classes + "-class label set " + Emotion.labelNames(classes)
          : "folder '" + name + "' is not a known label " + Emotion.labelNames(classes);
      return new InputPlan.LabelDir(dir.toString(), split, -1, "unknown-label", why);
    }
    return new InputPlan.LabelDir(dir.toString(), split, emotion.get().index(), null, null);
  }

  private static InputRecord strayFile(Path root, FileStatus file, String expected) {
    String id = relative(root, file.getPath());
    return InputRecord.rejected(id, file.getPath().toString(), "unknown-label",
        "file is not inside a label folder (expected " + expected + ")");
  }

  private InputPlan.Csv planAffectNet(FileSystem fs, Path input) throws IOException {
    List<Path> csvs = fs.getFileStatus(input).isFile() ? List.of(input) : affectNetCsvs(fs, input);
    if (csvs.isEmpty()) {
      throw new InputError("no training.csv or validation.csv in " + input + " or " + new Path(input, AFFECTNET_LISTS));
    }
    Path base = csvs.get(0).getParent();
    if (base.getName().equals(AFFECTNET_LISTS)) {
      base = base.getParent();
    }
    Path images = settings.affectNetImagesDir().isBlank()
        ? (fs.exists(new Path(base, AFFECTNET_IMAGES)) ? new Path(base, AFFECTNET_IMAGES) : base)
        : new Path(settings.affectNetImagesDir());
    String imagesRoot = images.getFileSystem(hadoop).makeQualified(images).toString();
    List<InputPlan.CsvFile> files = new ArrayList<>();
    for (Path csv : csvs) {
      CsvHeader header = CsvHeader.parse(csv.getName(), firstLine(fs, csv), AffectNetCsvParser.REQUIRED);
      boolean validation = csv.getName().toLowerCase(Locale.ROOT).startsWith("validation");
      String split = validation ? settings.affectNetValidationCsvSplit() : null;
      files.add(new InputPlan.CsvFile(csv.toString(), csv.getName(),
          new AffectNetCsvParser(header, imagesRoot, split, "affectnet-training", settings.classes())));
    }
    return new InputPlan.Csv("affectnet", List.copyOf(files));
  }

  private InputPlan.Csv planFer2013(FileSystem fs, Path input) throws IOException {
    List<Path> csvs = fs.getFileStatus(input).isFile() ? List.of(input)
        : visible(fs, input).stream().filter(s -> s.isFile() && isCsv(s.getPath())).map(FileStatus::getPath).toList();
    if (csvs.isEmpty()) {
      throw new InputError("no CSV file in " + input + " (expected fer2013.csv with columns emotion,pixels,Usage)");
    }
    List<InputPlan.CsvFile> files = new ArrayList<>();
    for (Path csv : csvs) {
      CsvHeader header = CsvHeader.parse(csv.getName(), firstLine(fs, csv), Fer2013CsvParser.REQUIRED);
      files.add(new InputPlan.CsvFile(csv.toString(), csv.getName(), new Fer2013CsvParser(header)));
    }
    return new InputPlan.Csv("fer2013-csv", List.copyOf(files));
  }

  private static List<Path> affectNetCsvs(FileSystem fs, Path dir) throws IOException {
    List<Path> found = new ArrayList<>();
    for (Path candidateDir : List.of(dir, new Path(dir, AFFECTNET_LISTS))) {
      for (String name : AFFECTNET_CSVS) {
        Path csv = new Path(candidateDir, name);
        if (fs.exists(csv) && fs.getFileStatus(csv).isFile()) {
          found.add(csv);
        }
      }
      if (!found.isEmpty()) {
        break;
      }
    }
    return found;
  }

  /** Children whose names do not start with '.' or '_' (Hadoop's hidden-file convention), sorted by name. */
  static List<FileStatus> visible(FileSystem fs, Path dir) throws IOException {
    return Arrays.stream(fs.listStatus(dir))
        .filter(s -> !isHidden(s.getPath().getName()))
        .sorted(Comparator.comparing(s -> s.getPath().getName()))
        .toList();
  }

  /** Names starting with '.' or '_' are ignored at every level, as Hadoop and Spark do. */
  public static boolean isHidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  /** The path of {@code file} relative to {@code root}, with '/' separators. */
  public static String relative(Path root, Path file) {
    String r = root.toUri().getPath();
    String f = file.toUri().getPath();
    return f.startsWith(r + "/") ? f.substring(r.length() + 1) : f;
  }

  private static boolean isCsv(Path path) {
    return path.getName().toLowerCase(Locale.ROOT).endsWith(".csv");
  }

  /** The header line, read within {@value #MAX_HEADER_BYTES} bytes: a file without line breaks is not a CSV. */
  private static String firstLine(FileSystem fs, Path file) throws IOException {
    byte[] head;
    try (InputStream in = fs.open(file)) {
      head = in.readNBytes(MAX_HEADER_BYTES);
    }
    int end = 0;
    while (end < head.length && head[end] != '\n') {
      end++;
    }
    if (end == MAX_HEADER_BYTES) {
      throw new InputError(file + ": no line break in the first " + MAX_HEADER_BYTES + " bytes, so no CSV header");
    }
    String line = new String(head, 0, end, StandardCharsets.UTF_8);
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private static final int MAX_HEADER_BYTES = 1 << 20;
}
