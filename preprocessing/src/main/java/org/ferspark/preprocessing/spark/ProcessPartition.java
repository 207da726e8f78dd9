package org.ferspark.preprocessing.spark;

import static org.ferspark.preprocessing.spark.TensorSchema.utf8;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.dataset.FaceExtractor;
import org.ferspark.preprocessing.dataset.InputRecord;
import org.ferspark.preprocessing.dataset.Outcome;
import org.ferspark.preprocessing.image.Augmenter;
import org.ferspark.preprocessing.image.FaceNormalizer;

/**
 * The executor side of preprocessing, one task per partition of inputs: reads each input's bytes
 * ({@link InputFiles}), normalises the face, augments train images, writes each tensor to its split's Parquet file
 * ({@link TensorOutput}) and each reject to the rejects file ({@link RejectsOutput}) as it goes, so memory is
 * bounded by one image, not by the partition. Everything counted goes into one {@link PartitionStats}, added to
 * {@link RunStats} when the partition is done and its files are closed.
 */
final class ProcessPartition implements VoidFunction<Iterator<ListedInput>> {
  private static final long serialVersionUID = 1L;
  private final PreprocessSettings settings;
  private final SerializableHadoopConf conf;
  private final RunStats stats;

  ProcessPartition(PreprocessSettings settings, SerializableHadoopConf conf, RunStats stats) {
    this.settings = settings;
    this.conf = conf;
    this.stats = stats;
  }

  @Override
  public void call(Iterator<ListedInput> inputs) throws IOException {
    FaceNormalizer.singleThreaded();
    FaceNormalizer normalizer = new FaceNormalizer(settings.imageSize(), settings.maxPixels(), settings.maxFileBytes());
    FaceExtractor extractor = new FaceExtractor(normalizer, new Augmenter(settings.augment(), settings.imageSize()),
        settings.augmentCopies(), settings.seed(), settings.imageSize());
    List<String> labels = Emotion.labelNames(settings.classes());
    TaskContext task = TaskContext.get();
    int partition = task == null ? 0 : task.partitionId();
    long attempt = task == null ? 0 : task.taskAttemptId();
    boolean injectFailure = task != null && partition == settings.failFirstAttemptOfPartition()
        && task.attemptNumber() == 0;
    InputFiles files = new InputFiles(conf.get(), settings.maxFileBytes());
    PartitionStats counted = new PartitionStats(partition);
    Integer size = settings.imageSize();
    try (TensorOutput.Writers tensors = new TensorOutput.Writers(settings, partition, attempt, conf.get());
         RejectsOutput.Writer rejects = new RejectsOutput.Writer(settings.output(), partition, attempt, conf.get())) {
      while (inputs.hasNext()) {
        if (injectFailure && counted.inputs >= 2) {
          throw new IllegalStateException("injected failure (fer.preprocess.testing.fail-first-attempt-of-partition)");
        }
        ListedInput listed = inputs.next();
        counted.input(listed.fingerprint());
        InputRecord record = listed.record();
        if (!record.isRejected() && record.split() == null) {
          record = InputRecord.rejected(record.id(), record.source(), "internal-error", "no split was assigned");
        }
        for (Outcome o : extractor.process(record, files::read)) {
          if (o.isRejected()) {
            counted.reject(o.reason());
            rejects.write(o);
          } else {
            String labelName = labels.get(o.label());
            counted.tensor(o, labelName);
            tensors.write(o.split(), new GenericInternalRow(new Object[] {utf8(o.id()), utf8(o.source()), o.label(),
                utf8(labelName), o.pixels(), size, size, o.copy(), utf8(o.augmentation())}));
          }
        }
      }
      tensors.close();
      rejects.close();
      counted.tensorFiles.putAll(tensors.files());
      counted.rejectsFile = rejects.path();
    }
    stats.add(counted);
  }
}
