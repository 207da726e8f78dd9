package org.ferspark.jobs.video.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.bytedeco.opencv.global.opencv_core;
import org.ferspark.jobs.video.RangeProcessor;
import org.ferspark.jobs.video.RangeTask;
import org.ferspark.jobs.video.VideoSettings;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.preprocessing.spark.SerializableHadoopConf;
import org.ferspark.realtime.app.FaceClassifier;
import org.ferspark.realtime.app.RealtimeApp;
import org.ferspark.realtime.app.RealtimeSettings;
import org.ferspark.realtime.detect.FaceDetector;

/**
 * Analyses the ranges of one partition on an executor: the model (from the broadcast file bytes) and the face
 * detector are created here, once per partition, never serialised; each range gets a fresh per-frame step (tracks,
 * smoothing) around them.
 */
final class RangePartition implements FlatMapFunction<Iterator<String>, Row> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The model file staged once per executor JVM, by content hash. */
  private static final Map<String, Path> STAGED = new ConcurrentHashMap<>();

  private final String configJson;
  private final String root;
  private final Broadcast<byte[]> model;
  private final String modelSha;
  private final SerializableHadoopConf conf;

  RangePartition(VideoSettings s, Broadcast<byte[]> model, String modelSha, SerializableHadoopConf conf) {
    this.configJson = s.configJson();
    this.root = s.root();
    this.model = model;
    this.modelSha = modelSha;
    this.conf = conf;
  }

  @Override
  public Iterator<Row> call(Iterator<String> tasks) throws Exception {
    List<Row> out = new ArrayList<>();
    if (!tasks.hasNext()) {
      return out.iterator();
    }
    RealtimeSettings s = VideoSettings.realtime(configJson, root);
    FaceNormalizer.loadNatives();
    if (s.opencvThreads() > 0) {
      opencv_core.setNumThreads(s.opencvThreads());
    }
    FaceClassifier classifier = new FaceClassifier(FaceClassifier.load(staged(), false), s.cropMargin(),
        s.foldBatchNorm());
    try (FaceDetector detector = s.detector().create()) {
      while (tasks.hasNext()) {
        RangeTask task = JSON.readValue(tasks.next(), RangeTask.class);
        out.add(VideoRows.range(RangeProcessor.run(task, RealtimeApp.analyzer(s, detector, classifier),
            conf.get())));
      }
    }
    return out.iterator();
  }

  private Path staged() throws IOException {
    Path p = STAGED.get(modelSha);
    if (p == null || !Files.isRegularFile(p)) {
      synchronized (STAGED) {
        p = STAGED.get(modelSha);
        if (p == null || !Files.isRegularFile(p)) {
          p = Files.createTempFile("fer-video-model-", ".zip");
          p.toFile().deleteOnExit();
          Files.write(p, model.value());
          STAGED.put(modelSha, p);
        }
      }
    }
    return p;
  }
}
