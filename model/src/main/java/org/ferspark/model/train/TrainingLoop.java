package org.ferspark.model.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.calibrate.Calibrator;
import org.ferspark.model.io.Calibration;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.Architectures;
import org.ferspark.model.net.FastBatchNorm;
import org.ferspark.preprocessing.dataset.InputError;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one training loop of every mode (single JVM, Spark): per epoch fit ({@link EpochTrainer}), validate, score a
 * training sample, log progress and ETA, append the history, checkpoint (last K + best by validation loss), stop
 * early; at the end {@code model.zip} = the best epoch's weights with full metadata and, unless
 * {@code fer.train.calibrate = false}, the temperature fitted on the validation split ({@link Calibrator}).
 * {@link #run} with {@code resume} continues from the newest checkpoint with its updater state, epoch counter and
 * history.
 *
 * <p>Checkpoint metadata ({@code trainingConfig}) carries the settings, the loop state ({@value #STATE}) and the
 * whole history, so a checkpoint alone is enough to resume.
 */
public final class TrainingLoop {
  static final String STATE = "loopState";
  /** Where the metadata's {@code trainingConfig} keeps the per-epoch history. */
  public static final String HISTORY = "history";
  /** The model a fine-tuning run started from ({@link FineTune#parentInfo}); its history starts at epoch 1. */
  public static final String PARENT = "parent";
  private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

  private final TrainSettings settings;
  private final DatasetManifest manifest;
  private final TensorDataset validation;
  private final TensorDataset trainSample;
  private final OutputDir out;
  private final FineTune fineTune;

  /**
   * @param trainForEval training images for the per-epoch train accuracy (a seeded sample of
   *     {@code train-eval-samples} is taken), or {@code null} to skip it
   */
  public TrainingLoop(TrainSettings settings, DatasetManifest manifest, TensorDataset validation,
      TensorDataset trainForEval, Path outDir) {
    this(settings, manifest, validation, trainForEval, outDir, null);
  }

  /** As above; a fresh run starts from {@code fineTune}'s parent model unless it is {@code null}. */
  public TrainingLoop(TrainSettings settings, DatasetManifest manifest, TensorDataset validation,
      TensorDataset trainForEval, Path outDir, FineTune fineTune) {
    this(settings, manifest, validation, trainForEval, new OutputDir(outDir), fineTune);
  }

  /** As above, into {@code out} (a local directory, possibly mirrored to a Hadoop path). */
  public TrainingLoop(TrainSettings settings, DatasetManifest manifest, TensorDataset validation,
      TensorDataset trainForEval, OutputDir out, FineTune fineTune) {
    this.fineTune = fineTune;
    this.settings = settings;
    this.manifest = manifest;
    this.validation = validation;
    this.trainSample = settings.trainEvalSamples() == 0 ? null : trainForEval;
    this.out = out;
  }

  /** What a run did; {@code imagesPerSecond} is over this invocation's fits. */
  public record Result(int epochsRun, int lastEpoch, int bestEpoch, double bestValLoss, double bestValAccuracy,
      boolean stoppedEarly, int resumedFrom, double seconds, double imagesPerSecond, Path model,
      List<HistoryRow> history, double temperature) {
  }

  /** The loop's state after an epoch, stored in every checkpoint. */
  record State(int epoch, int bestEpoch, double bestValLoss, double bestValAccuracy, int sinceImprovement,
      boolean stopped) {
    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", epoch);
      m.put("bestEpoch", bestEpoch);
      m.put("bestValLoss", bestValLoss);
      m.put("bestValAccuracy", bestValAccuracy);
      m.put("sinceImprovement", sinceImprovement);
      m.put("stopped", stopped);
      return m;
    }

    static State fromMap(Map<?, ?> m, Path file) {
      try {
        return new State(((Number) m.get("epoch")).intValue(), ((Number) m.get("bestEpoch")).intValue(),
            ((Number) m.get("bestValLoss")).doubleValue(), ((Number) m.get("bestValAccuracy")).doubleValue(),
            ((Number) m.get("sinceImprovement")).intValue(), Boolean.TRUE.equals(m.get("stopped")));
      } catch (RuntimeException e) {
        throw new InputError(file + " is not a fer-spark training checkpoint (no usable " + STATE + ")");
      }
    }
  }

  /** Trains; {@code resume} continues from the newest checkpoint in the output directory if there is one. */
  public Result run(EpochTrainer trainer, boolean resume, boolean overwrite) throws IOException {
    out.prepare(resume, overwrite);
    long start = System.nanoTime();
    List<HistoryRow> history = new ArrayList<>();
    State state = new State(0, 0, Double.POSITIVE_INFINITY, 0, 0, false);
    ComputationGraph net;
    Optional<OutputDir.Checkpoint> checkpoint = resume ? out.newestReadableCheckpoint() : Optional.empty();
    Optional<Path> last = checkpoint.map(OutputDir.Checkpoint::file);
    if (last.isPresent()) {
      LoadedModel loaded = checkpoint.get().model();
      checkResumable(loaded.metadata(), last.get());
      net = Architectures.withTrainingCache(loaded.graph());
      // The schedule follows the current settings, so a resumed run may change fer.train.epochs (cosine) or the
      // learning rate; the updater state (momentum, Adam moments) comes from the checkpoint.
      net.setLearningRate(NetworkFactory.schedule(settings));
      Map<String, Object> cfg = loaded.metadata().trainingConfig();
      state = State.fromMap((Map<?, ?>) cfg.get(STATE), last.get());
      for (Object row : (List<?>) cfg.getOrDefault(HISTORY, List.of())) {
        history.add(HistoryRow.fromMap((Map<?, ?>) row));
      }
      LOG.info("resuming from {} (epoch {}, best epoch {}, val loss {})", last.get(), state.epoch(),
          state.bestEpoch(), state.bestValLoss());
    } else {
      if (resume) {
        LOG.info("--resume: no checkpoint in {}, starting from epoch 1", out.checkpoints());
      }
      net = fineTune != null ? fineTune.build(settings, manifest)
          : NetworkFactory.build(settings, manifest.labels(), manifest.trainOriginalByClass());
    }
    if (settings.fastBatchNorm()) {
      FastBatchNorm.install(net);
    }
    int resumedFrom = state.epoch();
    int[] evalIdx = trainSample == null ? null : trainEvalIndices(trainSample.size());
    long images = 0;
    double fitSeconds = 0;
    while (!state.stopped() && state.epoch() < settings.epochs()) {
      long t0 = System.nanoTime();
      int epoch = state.epoch() + 1;
      net.getConfiguration().setEpochCount(epoch - 1);
      Nd4j.getRandom().setSeed(EpochOrder.epochSeed(settings.seed() + 2, epoch));
      double lr = NetworkFactory.schedule(settings).valueAt(net.getIterationCount(), epoch - 1);
      TrainStats fit = trainer.fitEpoch(net, epoch);
      Evaluator.Score val = Evaluator.evaluate(net, validation, null, settings.batch(), settings.imageSize());
      double trainAcc = evalIdx == null ? Double.NaN
          : Evaluator.evaluate(net, trainSample, evalIdx, settings.batch(), settings.imageSize()).accuracy();
      boolean improved = val.loss() < state.bestValLoss() - settings.minDelta();
      int since = improved ? 0 : state.sinceImprovement() + 1;
      boolean stop = settings.patience() > 0 && since >= settings.patience();
      state = improved ? new State(epoch, epoch, val.loss(), val.accuracy(), 0, stop)
          : new State(epoch, state.bestEpoch(), state.bestValLoss(), state.bestValAccuracy(), since, stop);
      double seconds = (System.nanoTime() - t0) / 1e9;
      history.add(new HistoryRow(epoch, lr, fit.loss(), trainAcc, val.loss(), val.accuracy(), fit.images(),
          fit.seconds(), seconds, fit.images() / fit.seconds()));
      if (improved) {
        ModelFile.save(net, metadata(state, history), out.best(), false);
      }
      ModelFile.save(net, metadata(state, history), out.checkpoint(epoch), true);
      out.prune(settings.keepLast());
      out.writeHistory(history);
      out.publish();
      images += fit.images();
      fitSeconds += fit.seconds();
      logEpoch(trainer, history.get(history.size() - 1), state, (System.nanoTime() - start) / 1e9,
          state.epoch() - resumedFrom);
    }
    if (state.bestEpoch() == 0 || !Files.exists(out.best())) {
      throw new IllegalStateException("no best checkpoint " + out.best() + " after " + state.epoch() + " epochs");
    }
    LoadedModel best = ModelFile.load(out.best(), false);
    ModelMetadata finished = metadata(state, history);
    if (settings.calibrate()) {
      finished = finished.withCalibration(calibrate(best));
    }
    ModelFile.save(best.graph(), finished, out.model(), false);
    out.publish();
    if (state.stopped()) {
      LOG.info("early stopping: no validation-loss improvement for {} epochs; best epoch {}",
          settings.patience(), state.bestEpoch());
    }
    return new Result(state.epoch() - resumedFrom, state.epoch(), state.bestEpoch(), state.bestValLoss(),
        state.bestValAccuracy(), state.stopped(), resumedFrom, (System.nanoTime() - start) / 1e9,
        fitSeconds > 0 ? images / fitSeconds : Double.NaN, out.model(), List.copyOf(history),
        finished.temperature());
  }

  /** The best epoch's temperature, fitted on the validation split ({@code fer.train.calibrate}). */
  private Calibration calibrate(LoadedModel best) {
    Calibration c = Calibrator.fit(best.graph(), validation, settings.batch(), settings.imageSize(), "validation",
        manifest.fingerprint());
    LOG.info(String.format(Locale.ROOT, "calibration: temperature %.4f fitted on %d validation images: NLL %.4f -> "
        + "%.4f, ECE %.4f -> %.4f", c.temperature(), c.examples(), c.nllBefore(), c.nllAfter(), c.eceBefore(),
        c.eceAfter()));
    return c;
  }

  private void checkResumable(ModelMetadata m, Path file) {
    if (m.classes() != manifest.classes()) {
      throw new InputError("cannot resume: " + file + " has " + m.classes() + " classes " + m.classNames()
          + " but the dataset has " + manifest.classes() + " " + manifest.labels());
    }
    if (!m.architecture().equals(settings.arch())) {
      throw new InputError("cannot resume: " + file + " is a " + m.architecture() + " network but the settings ask"
          + " for " + settings.arch());
    }
    if (!manifest.fingerprint().isEmpty() && m.datasetFingerprint() != null
        && !m.datasetFingerprint().equals(manifest.fingerprint())) {
      throw new InputError("cannot resume: " + file + " was trained on dataset " + m.datasetFingerprint()
          + " but --data has fingerprint " + manifest.fingerprint());
    }
    if (!(m.trainingConfig().get(STATE) instanceof Map)) {
      throw new InputError("cannot resume from " + file + ": not a training checkpoint (no " + STATE + ")");
    }
  }

  private ModelMetadata metadata(State state, List<HistoryRow> history) {
    Map<String, Object> cfg = new LinkedHashMap<>(settings.asMap());
    cfg.put(STATE, state.toMap());
    cfg.put(HISTORY, history.stream().map(HistoryRow::toMap).toList());
    if (fineTune != null) {
      cfg.put(PARENT, fineTune.parentInfo(manifest.labels()));
    }
    return ModelMetadata.of(manifest.labels(), settings.arch(), cfg, manifest.fingerprint());
  }

  /** A seeded sample of up to {@code train-eval-samples} training indices (-1 = all), the same every epoch. */
  private int[] trainEvalIndices(int n) {
    int[] all = IntStream.range(0, n).toArray();
    if (settings.trainEvalSamples() < 0 || settings.trainEvalSamples() >= n) {
      return all;
    }
    EpochOrder.shuffled(all, new SplittableRandom(settings.seed() + 3));
    return java.util.Arrays.copyOf(all, settings.trainEvalSamples());
  }

  private void logEpoch(EpochTrainer trainer, HistoryRow r, State s, double elapsed, int epochsThisRun) {
    int remaining = s.stopped() ? 0 : settings.epochs() - r.epoch();
    double eta = remaining * elapsed / Math.max(1, epochsThisRun);
    LOG.info(String.format(Locale.ROOT, "[%s] epoch %d/%d: train loss %.4f acc %.3f | val loss %.4f acc %.3f%s | "
            + "%.1f s, %.1f img/s | best epoch %d | ETA %s", trainer.mode(), r.epoch(), settings.epochs(),
        r.trainLoss(), r.trainAccuracy(), r.valLoss(), r.valAccuracy(), s.bestEpoch() == r.epoch() ? " *" : "",
        r.seconds(), r.imagesPerSecond(), s.bestEpoch(), formatSeconds(eta)));
  }

  private static String formatSeconds(double s) {
    long t = Math.round(s);
    return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
  }
}
