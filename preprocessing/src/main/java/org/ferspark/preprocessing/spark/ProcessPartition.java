package org.ferspark.preprocessing.spark;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.dataset.FaceExtractor;
import org.ferspark.preprocessing.dataset.InputRecord;
import org.ferspark.preprocessing.dataset.Outcome;
import org.ferspark.preprocessing.image.Augmenter;
import org.ferspark.preprocessing.image.FaceNormalizer;

/**
 * The executor side of preprocessing: reads each input's bytes through Hadoop, normalises the face, augments
 * train images and emits result rows lazily (memory bounded by one image, not by the partition).
 */
final class ProcessPartition implements FlatMapFunction<Iterator<Row>, Row> {
  private static final long serialVersionUID = 1L;
  private final PreprocessSettings settings;
  private final SerializableHadoopConf conf;

  ProcessPartition(PreprocessSettings settings, SerializableHadoopConf conf) {
    this.settings = settings;
    this.conf = conf;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> inputs) {
    FaceNormalizer.singleThreaded();
    FaceNormalizer normalizer = new FaceNormalizer(settings.imageSize(), settings.maxPixels(), settings.maxFileBytes());
    FaceExtractor extractor = new FaceExtractor(normalizer, new Augmenter(settings.augment(), settings.imageSize()),
        settings.augmentCopies(), settings.seed(), settings.imageSize());
    List<String> labels = Emotion.labelNames(settings.classes());
    TaskContext task = TaskContext.get();
    boolean injectFailure = task != null && task.partitionId() == settings.failFirstAttemptOfPartition()
        && task.attemptNumber() == 0;
    ImageBytes files = new ImageBytes(conf, settings.maxFileBytes());
    return new Iterator<>() {
      private Iterator<Row> pending = Collections.emptyIterator();
      private int processed;

      @Override
      public boolean hasNext() {
        while (!pending.hasNext() && inputs.hasNext()) {
          if (injectFailure && ++processed > 2) {
            throw new IllegalStateException("injected failure (fer.preprocess.testing.fail-first-attempt-of-partition)");
          }
          InputRecord record = TensorSchema.fromRow(inputs.next());
          if (!record.isRejected() && record.split() == null) {
            record = InputRecord.rejected(record.id(), record.source(), "internal-error", "no split was assigned");
          }
          pending = extractor.process(record, files::read).stream().map(o -> toRow(o, labels)).iterator();
        }
        return pending.hasNext();
      }

      @Override
      public Row next() {
        hasNext();
        return pending.next();
      }
    };
  }

  private Row toRow(Outcome o, List<String> labels) {
    boolean ok = !o.isRejected();
    return RowFactory.create(o.id(), o.source(), o.label(), ok ? labels.get(o.label()) : null, o.pixels(),
        settings.imageSize(), settings.imageSize(), o.copy(), o.augmentation(), o.split(), o.reason(), o.detail());
  }
}
