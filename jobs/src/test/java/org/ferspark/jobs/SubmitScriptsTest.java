package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every main class named in {@code submit-scripts/*.sh} exists and has {@code public static void main(String[])}. */
class SubmitScriptsTest {
  private static final Pattern CLASS = Pattern.compile("(?:--class|fer_submit)\\s+\"?([A-Za-z_][\\w.]*\\.[A-Z]\\w*)");

  @Test
  void everyClassNamedInTheSubmitScriptsHasAMain() throws Exception {
    Path scripts = Path.of(System.getProperty("fer.repo.root", "..")).resolve("submit-scripts");
    List<String> named = new ArrayList<>();
    try (Stream<Path> files = Files.list(scripts)) {
      for (Path script : files.filter(p -> p.toString().endsWith(".sh")).sorted().toList()) {
        named.addAll(classesIn(script));
      }
    }
    assertThat(named).as("main classes named in %s", scripts).contains("org.ferspark.jobs.PreprocessJob");
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
        out.add(m.group(1));
      }
    }
    return out;
  }
}
