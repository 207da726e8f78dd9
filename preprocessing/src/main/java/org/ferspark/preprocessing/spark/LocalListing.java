package org.ferspark.preprocessing.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.ferspark.preprocessing.dataset.InputPlan;
import org.ferspark.preprocessing.dataset.InputPlanner;
import org.ferspark.preprocessing.dataset.InputRecord;

/**
 * Lists a {@code file:} label folder with {@code java.nio}, giving the records {@link InputListing}'s Hadoop listing
 * gives (same ids, {@code file:} sources, sizes, rejects; hidden names skipped; broken links left out, as Hadoop's
 * local listing leaves them out) at one {@code lstat} per entry. Hadoop's raw local file system stats each listed
 * file three times (length, directory flag, modification time) and builds a {@code Path} per entry, and the
 * anomaly check then stats it once more.
 *
 * <p>A FIFO, socket or device is rejected ({@value InputListing#NOT_REGULAR}), never read; a link to a folder above
 * it is rejected ({@value InputListing#LINK_LOOP}), never followed; other links are followed.
 */
final class LocalListing {
  private LocalListing() {}

  static Iterator<InputRecord> list(String root, InputPlan.LabelDir dir) throws IOException {
    String rootPath = InputFiles.localPath(root);
    String prefix = (rootPath.endsWith("/") ? rootPath : rootPath + "/");
    Path start = Paths.get(InputFiles.localPath(dir.path()));
    Deque<Iterator<Path>> stack = new ArrayDeque<>();
    Deque<DirectoryStream<Path>> open = new ArrayDeque<>();
    open.push(Files.newDirectoryStream(start));
    stack.push(open.peek().iterator());
    return new Lookahead<InputRecord>() {
      @Override
      protected InputRecord advance() {
        try {
          while (!stack.isEmpty()) {
            Iterator<Path> top = stack.peek();
            if (!top.hasNext()) {
              stack.pop();
              open.pop().close();
              continue;
            }
            Path entry = top.next();
            if (InputPlanner.isHidden(entry.getFileName().toString())) {
              continue;
            }
            BasicFileAttributes attrs;
            try {
              attrs = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
              continue; // gone since the folder was read
            }
            String file = entry.toString();
            String id = file.startsWith(prefix) ? file.substring(prefix.length()) : file;
            String source = "file:" + file;
            if (attrs.isSymbolicLink()) {
              Path target;
              try {
                target = entry.toRealPath();
              } catch (FileSystemException e) {
                continue; // a broken link: Hadoop's listing leaves it out too
              }
              attrs = Files.readAttributes(target, BasicFileAttributes.class);
              if (attrs.isDirectory() && entry.getParent().toRealPath().startsWith(target)) {
                return InputRecord.rejected(id, source, InputListing.LINK_LOOP,
                    "link to " + target + ", a folder above it; not followed");
              }
            }
            if (attrs.isOther()) {
              return InputRecord.rejected(id, source, InputListing.NOT_REGULAR, "a FIFO, socket or device; not read");
            }
            if (attrs.isDirectory()) {
              open.push(Files.newDirectoryStream(entry));
              stack.push(open.peek().iterator());
              continue;
            }
            return InputListing.leaf(dir, id, source, attrs.size());
          }
          return null;
        } catch (IOException e) {
          throw new UncheckedIOException("listing " + dir.path() + " failed", e);
        }
      }

    }.start();
  }
}
