package org.ferspark.preprocessing.dataset;

import java.io.Serializable;

/** Parses one data line of a labelled CSV into an {@link InputRecord} (rejected records for bad rows). */
public interface CsvRowParser extends Serializable {
  /** @param lineNumber 1-based line number in the file (the header is line 1) */
  InputRecord parse(String line, long lineNumber);

  /** Whether some rows may come without a split of their own, for the job to assign one from their pool. */
  boolean leavesSplitsToAssign();

  /** Whether two rows can carry the same id (the job then rejects every row after the first as a duplicate). */
  boolean idsMayRepeat();
}
