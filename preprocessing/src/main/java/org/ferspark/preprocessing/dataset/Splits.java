package org.ferspark.preprocessing.dataset;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The split names the project writes, and the spellings datasets use for them. */
public final class Splits {
  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";
  public static final List<String> ALL = List.of(TRAIN, VALIDATION, TEST);

  private static final Map<String, String> ALIASES = Map.ofEntries(
      Map.entry("train", TRAIN), Map.entry("training", TRAIN),
      Map.entry("val", VALIDATION), Map.entry("valid", VALIDATION), Map.entry("validation", VALIDATION),
      Map.entry("publictest", VALIDATION), Map.entry("dev", VALIDATION),
      Map.entry("test", TEST), Map.entry("testing", TEST), Map.entry("privatetest", TEST));

  private Splits() {}

  /** Maps a folder name or a FER2013 {@code Usage} value (Training, PublicTest, PrivateTest) to a split. */
  public static Optional<String> fromName(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(ALIASES.get(name.trim().toLowerCase(Locale.ROOT)));
  }
}
