package org.ferspark.preprocessing.spark;

import java.util.Map;

/**
 * What a preprocessing run did: inputs seen, tensors written, rejections by reason, where it wrote them.
 * Invariant checked by the job: {@code inputs == originals + rejected}.
 */
public record PreprocessReport(
    String format,
    long inputs,
    long originals,
    long augmented,
    long rejected,
    Map<String, Long> rejectedByReason,
    Map<String, Long> originalsBySplit,
    long crossSplitDuplicates,
    String output,
    String manifest,
    String fingerprint,
    double seconds) {}
