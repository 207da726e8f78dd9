package org.ferspark.preprocessing.dataset;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The emotion classes in the project's canonical label order, with every dataset's code mapping.
 *
 * <p>The label index of a tensor is {@link #ordinal()}: FER2013's own order (0 angry … 6 neutral), so FER2013
 * codes map to themselves; {@link #CONTEMPT} (index 7) exists only in 8-class label sets (AffectNet
 * {@code --classes 8}).
 */
public enum Emotion {
  ANGRY("angry", 6, "anger", "angry", "mad"),
  DISGUST("disgust", 5, "disgust", "disgusted", "disgusting"),
  FEAR("fear", 4, "fear", "fearful", "afraid", "scared"),
  HAPPY("happy", 1, "happy", "happiness", "joy"),
  SAD("sad", 2, "sad", "sadness"),
  SURPRISE("surprise", 3, "surprise", "surprised"),
  NEUTRAL("neutral", 0, "neutral", "calm"),
  CONTEMPT("contempt", 7, "contempt", "contemptuous");

  private static final Map<String, Emotion> BY_ALIAS = Stream.of(values())
      .flatMap(e -> e.aliases.stream().map(a -> Map.entry(a, e)))
      .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a));

  private final String label;
  private final int affectNetCode;
  private final List<String> aliases;

  Emotion(String label, int affectNetCode, String... aliases) {
    this.label = label;
    this.affectNetCode = affectNetCode;
    this.aliases = Arrays.stream(aliases).distinct().toList();
  }

  /** The canonical lower-case name written to tensors, reports and model metadata. */
  public String label() {
    return label;
  }

  /** The index in the label order ({@code 0..6}, contempt {@code 7}). */
  public int index() {
    return ordinal();
  }

  /** The official AffectNet {@code expression} code (0 Neutral … 7 Contempt). */
  public int affectNetCode() {
    return affectNetCode;
  }

  /** The classes of a label set of {@code classCount} (7 or 8) in index order. */
  public static List<Emotion> labelSet(int classCount) {
    if (classCount != 7 && classCount != 8) {
      throw new IllegalArgumentException("classes must be 7 or 8, got " + classCount);
    }
    return Arrays.asList(values()).subList(0, classCount);
  }

  /** Canonical names of a label set in index order. */
  public static List<String> labelNames(int classCount) {
    return labelSet(classCount).stream().map(Emotion::label).toList();
  }

  /** Looks up a folder name or label spelling, case-insensitively ("Anger", "happiness", "fearful", …). */
  public static Optional<Emotion> fromName(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(BY_ALIAS.get(name.trim().toLowerCase(Locale.ROOT)));
  }

  /** FER2013's {@code emotion} column: 0 angry, 1 disgust, 2 fear, 3 happy, 4 sad, 5 surprise, 6 neutral. */
  public static Optional<Emotion> fromFer2013Code(int code) {
    return code >= 0 && code <= 6 ? Optional.of(values()[code]) : Optional.empty();
  }

  /** AffectNet's {@code expression} codes 0–7; 8–10 (None, Uncertain, No-Face) are not emotions. */
  public static Optional<Emotion> fromAffectNetCode(int code) {
    return Stream.of(values()).filter(e -> e.affectNetCode == code).findFirst();
  }
}
