package org.ferspark.model.io;

import java.io.IOException;
import java.nio.file.Path;

/** A model file that cannot be used, with a message naming the file and the reason. */
public class ModelFileException extends IOException {
  private static final long serialVersionUID = 1L;

  public ModelFileException(Path file, String reason) {
    super(file + ": " + reason);
  }

  public ModelFileException(Path file, String reason, Throwable cause) {
    super(file + ": " + reason, cause);
  }
}
