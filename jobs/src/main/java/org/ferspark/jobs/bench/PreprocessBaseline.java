package org.ferspark.jobs.bench;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_ANYCOLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.ferspark.preprocessing.image.FaceBox;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The preprocessing benchmark's baseline (not a Spark job): plain single-thread OpenCV, no Spark. For every file
 * of a folder tree, or every AffectNet CSV row with an emotion code: read bytes, {@code imdecode}, crop the face
 * box (AffectNet, clamped to the image), {@code cvtColor} to gray (colour images), {@code resize} to 48×48 with
 * {@code INTER_AREA}. One untimed warm-up pass over up to {@code --warmup} files, then the timed pass. Prints a
 * last line {@code baseline: {"images":..,"seconds":..,"imagesPerSec":..,...}}. Run by {@code bench/preprocess.sh}.
 */
@Command(name = "preprocess-baseline", mixinStandardHelpOptions = true,
    description = "Single-thread OpenCV decode+crop+gray+resize rate, the yardstick for the preprocessing job.")
public final class PreprocessBaseline implements Callable<Integer> {
  /** One input: a file and its face box, or {@code null} for the whole image. */
  public record Item(Path file, FaceBox box) {
  }

  /** The timed pass: images turned into 48×48 tensors, failures (missing, undecodable, empty box), and time. */
  public record Result(int images, int failed, double seconds, long checksum) {
    public double imagesPerSec() {
      return seconds > 0 ? images / seconds : 0;
    }
  }

  @Spec CommandSpec spec;
  @Option(names = "--folder", description = "folder tree: every regular file below it is an input") Path folder;
  @Option(names = "--affectnet-csv", description = "AffectNet CSV (repeatable)") List<Path> csvs;
  @Option(names = "--image-root", description = "AffectNet Manually_Annotated_Images folder") Path imageRoot;
  @Option(names = "--classes", defaultValue = "7",
      description = "7: rows with codes 0-6; 8: also 7 (contempt). Codes 8-10 are never decoded.") int classes;
  @Option(names = "--limit", defaultValue = "0", description = "use only the first N inputs (0 = all)") int limit;
  @Option(names = "--warmup", defaultValue = "500", description = "files in the untimed warm-up pass") int warmup;
  @Option(names = "--decode", defaultValue = "any", description = "any (default): IMREAD_ANYCOLOR, colour files"
      + " decode to BGR then cvtColor, gray files stay gray; color: IMREAD_COLOR, gray files"
      + " too are expanded to BGR and converted back; gray: IMREAD_GRAYSCALE (libjpeg's own gray output, as the job"
      + " decodes JPEGs)")
  String decode;

  public static void main(String[] args) {
    System.exit(new CommandLine(new PreprocessBaseline()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    if ((folder == null) == (csvs == null) || (csvs != null && imageRoot == null)
        || !List.of("any", "color", "gray").contains(decode) || (classes != 7 && classes != 8)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give --folder DIR, or --affectnet-csv FILE"
          + " with --image-root DIR; --decode any|color|gray; --classes 7|8");
    }
    for (Path p : folder != null ? List.of(folder) : Stream.concat(csvs.stream(), Stream.of(imageRoot)).toList()) {
      if (!Files.exists(p)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "no such file or folder: " + p);
      }
    }
    List<Item> items = folder != null ? listFolder(folder) : readAffectNet(csvs, imageRoot, classes);
    if (limit > 0 && items.size() > limit) {
      items = items.subList(0, limit);
    }
    opencv_core.setNumThreads(1);
    int flags = switch (decode) {
      case "gray" -> IMREAD_GRAYSCALE;
      case "color" -> IMREAD_COLOR;
      default -> IMREAD_ANYCOLOR;
    };
    run(items.subList(0, Math.min(warmup, items.size())), flags);
    Result result = run(items, flags);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("images", result.images());
    json.put("seconds", result.seconds());
    json.put("imagesPerSec", result.imagesPerSec());
    json.put("failed", result.failed());
    json.put("decode", decode);
    json.put("checksum", result.checksum());
    System.out.println("baseline: " + MakeBenchData.JSON.writeValueAsString(json));
    return 0;
  }

  /** Runs the pipeline over {@code items} on this thread and times it. */
  public static Result run(List<Item> items, int imreadFlags) throws IOException {
    int images = 0;
    int failed = 0;
    long checksum = 0;
    BytePointer buffer = new BytePointer(1 << 16);
    try (Mat gray = new Mat(); Mat tensor = new Mat(); Size size = new Size(48, 48)) {
      long start = System.nanoTime();
      for (Item item : items) {
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(item.file());
        } catch (IOException e) {
          failed++;
          continue;
        }
        if (bytes.length == 0) {
          failed++;
          continue;
        }
        if (buffer.capacity() < bytes.length) {
          buffer.close();
          buffer = new BytePointer(Math.max(bytes.length, 2 * buffer.capacity()));
        }
        buffer.position(0).put(bytes, 0, bytes.length);
        try (Mat encoded = new Mat(1, bytes.length, CV_8UC1, buffer);
             Mat image = imdecode(encoded, imreadFlags)) {
          FaceBox box = item.box() == null ? new FaceBox(0, 0, image.cols(), image.rows())
              : item.box().clampTo(image.cols(), image.rows());
          if (image.empty() || box.isEmpty()) {
            failed++;
            continue;
          }
          try (Rect rect = new Rect(box.x(), box.y(), box.width(), box.height()); Mat face = image.apply(rect)) {
            Mat src = face;
            if (face.channels() > 1) {
              cvtColor(face, gray, COLOR_BGR2GRAY);
              src = gray;
            }
            resize(src, tensor, size, 0, 0, INTER_AREA);
          }
          checksum += tensor.data().get(0) + tensor.data().get(48 * 48 - 1);
          images++;
        } catch (RuntimeException e) {
          failed++; // OpenCV reports a corrupt stream as cv::Exception
        }
      }
      return new Result(images, failed, (System.nanoTime() - start) / 1e9, checksum);
    } finally {
      buffer.close();
    }
  }

  static List<Item> listFolder(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> !root.relativize(p).toString().startsWith("."))
          .sorted().map(p -> new Item(p, null)).toList();
    }
  }

  /** Rows with nine fields, an integer box and a code below {@code classes}; other rows are not inputs. */
  static List<Item> readAffectNet(List<Path> csvFiles, Path imageRoot, int classes) throws IOException {
    List<Item> items = new ArrayList<>();
    for (Path csv : csvFiles) {
      List<String> lines = Files.readAllLines(csv);
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.split(",", -1);
        try {
          if (f.length >= 9 && Integer.parseInt(f[6].trim()) < classes) {
            items.add(new Item(imageRoot.resolve(f[0]), new FaceBox(Integer.parseInt(f[1].trim()),
                Integer.parseInt(f[2].trim()), Integer.parseInt(f[3].trim()), Integer.parseInt(f[4].trim()))));
          }
        } catch (NumberFormatException e) {
          // not a usable row; the baseline times only work the job would do
        }
      }
    }
    return items;
  }
}
