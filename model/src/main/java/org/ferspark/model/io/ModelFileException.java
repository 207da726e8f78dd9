package org.ferspark.model.io;

import java.io.IOException;
import java.nio.file.Path;
import org.ferspark.preprocessing.io.OneLine;

/** A model file that cannot be used, with a one-line message naming the file and the reason. */
public class ModelFileException extends IOException {
  private static final long serialVersionUID = 1L;

  public ModelFileException(Path file, String reason) {
    super(file + ": " + OneLine.of(reason));
  }

  public ModelFileException(Path file, String reason, Throwable cause) {
    super(file + ": " + OneLine.of(reason), cause);
  }
}
