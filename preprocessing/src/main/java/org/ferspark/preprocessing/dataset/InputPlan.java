package org.ferspark.preprocessing.dataset;

import java.io.Serializable;
import java.util.List;

/**
 * What the driver found at the input path, small enough to hold on the driver: the leaf folders to list (folder
 * format) or the CSV files to read (AffectNet, FER2013). Image bytes are read only on the executors.
 */
public sealed interface InputPlan extends Serializable {

  /** The detected or requested format name ({@code folder}, {@code affectnet}, {@code fer2013-csv}). */
  String format();

  /** Folder-per-class input: leaf folders listed on the executors plus stray files found on the driver. */
  record Folder(String root, List<LabelDir> dirs, List<InputRecord> strayFiles) implements InputPlan {
    @Override
    public String format() {
      return "folder";
    }
  }

  /**
   * A folder whose files share a label and split.
   *
   * @param label label index, or -1 when the folder name is not a label (then every file is rejected)
   */
  record LabelDir(String path, String split, int label, String rejectReason, String rejectDetail)
      implements Serializable {}

  /** CSV input: each file with the parser for its rows. */
  record Csv(String format, List<CsvFile> files) implements InputPlan {}

  /** One CSV file; its header has been read and checked already. */
  record CsvFile(String path, String name, CsvRowParser parser) implements Serializable {}
}
