package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every main class named in {@code submit-scripts/*.sh} exists and has {@code public static void main(String[])}:
 * those given to spark-submit ({@code --class}, {@code fer_submit}) and the project classes run with plain
 * {@code java} (any {@code org.ferspark...Class} in a command line).
 */
class SubmitScriptsTest {
  private static final Pattern CLASS = Pattern.compile("(?:--class|fer_submit)\\s+\"?([A-Za-z_][\\w.]*\\.[A-Z]\\w*)"
      + "|\\b(org\\.ferspark\\.(?:[a-z]\\w*\\.)+[A-Z]\\w*)");

  @Test
  void everyClassNamedInTheSubmitScriptsHasAMain() throws Exception {
    Path scripts = Path.of(System.getProperty("fer.repo.root", "..")).resolve("submit-scripts");
    Set<String> named = new LinkedHashSet<>();
    try (Stream<Path> files = Files.list(scripts)) {
      for (Path script : files.filter(p -> p.toString().endsWith(".sh")).sorted().toList()) {
        named.addAll(classesIn(script));
      }
    }
    assertThat(named).as("main classes named in %s", scripts).contains("org.ferspark.jobs.PreprocessJob",
        "org.ferspark.jobs.TrainJob", "org.ferspark.jobs.PredictJob", "org.ferspark.jobs.ExportJob",
        "org.ferspark.jobs.CalibrateJob",
        "org.ferspark.realtime.app.RealtimeApp", "org.ferspark.jobs.AnalyzeVideosJob");
    for (String name : named) {
      Class<?> type = Class.forName(name, false, getClass().getClassLoader());
      Method main = type.getMethod("main", String[].class);
      assertThat(Modifier.isStatic(main.getModifiers()) && Modifier.isPublic(main.getModifiers()))
          .as("%s.main is public static", name).isTrue();
      assertThat(main.getReturnType()).as("%s.main returns void", name).isEqualTo(void.class);
    }
  }

  private static List<String> classesIn(Path script) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(script)) {
      if (line.stripLeading().startsWith("#")) {
        continue;
      }
      Matcher m = CLASS.matcher(line);
      while (m.find()) {
        out.add(m.group(1) != null ? m.group(1) : m.group(2));
      }
    }
    return out;
  }
}
