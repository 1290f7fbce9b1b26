package io.vecprop.cli;

import static io.vecprop.cli.Values.percent;
import static io.vecprop.cli.Values.sig4;

import io.vecprop.data.Scaler;
import io.vecprop.io.Json;
import io.vecprop.kernels.KernelInfo;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Precision;
import io.vecprop.train.Cluster;
import io.vecprop.train.MiniBatchTrainer;
import io.vecprop.train.OptimizerSpec;
import io.vecprop.train.Schedule;
import io.vecprop.train.TrainOnData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * {@code train --data} on the command line: the flags into {@link TrainOnData.Options}, the run's
 * plan, progress and summary printed, the plot drawn, and failures turned into exit codes (a
 * conflict of options 2, a diverged run 1, with one line each). The work is {@link TrainOnData}'s.
 */
final class DataTraining {

    static final int DEFAULT_EPOCHS = 10;
    static final int DEFAULT_BATCH = 64;
    static final long DEFAULT_SEED = 1;
    /** An epoch's loss this many times the first batch's gets a warning: the run is diverging. */
    static final double GROWTH_WARNING = 1e3;

    private final TrainCommand c;
    private final CommandLine cli;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    DataTraining(TrainCommand command, CommandLine cli) {
        this.c = command;
        this.cli = cli;
        this.out = cli.getOut();
        this.err = cli.getErr();
        this.json = command.format == Values.Format.json;
    }

    /** Runs it; the exit code. */
    int run() throws IOException {
        // --spark: connect first, so a master that is wrong or down fails before the data is read
        try (Cluster cluster = c.spark == null ? null : connect()) {
            return run(cluster);
        }
    }

    /** The cluster --spark names, with the kernel flags for its workers. */
    private Cluster connect() {
        KernelProvider.Choice choice = c.kernelOptions.choice != null ? c.kernelOptions.choice : KernelProvider.choiceFromProperty();
        int threads = c.kernelOptions.threads != null ? c.kernelOptions.threads : 0;
        int partitions = c.sparkPartitions == null ? 0 : Math.toIntExact(c.sparkPartitions);
        String master = c.spark.isBlank() ? null : c.spark;
        return Cluster.connect("spark", master, new Cluster.Settings(choice, threads, partitions, "vecprop train"));
    }

    private int run(Cluster cluster) throws IOException {
        OptimizerSpec optimizer = optimizer();
        int epochs = c.epochs != null ? Math.toIntExact(c.epochs) : DEFAULT_EPOCHS;
        int warmup = c.warmup != null ? Math.toIntExact(c.warmup) : 0;
        if (warmup >= epochs) {
            throw new ParameterException(cli, "--warmup " + warmup + " must be fewer than the " + epochs
                    + " epochs (--epochs), so the schedule gets at least one");
        }
        KernelSelection kernels = c.kernelOptions.selection(err);
        TrainOnData.Options options = new TrainOnData.Options(kernels, c.kernelOptions.precision, c.init, c.layers, c.loss,
                c.scale, c.validation != null ? c.validation : 0, !c.noShuffle, c.seed != null ? c.seed : DEFAULT_SEED,
                epochs, c.batch != null ? Math.toIntExact(c.batch) : DEFAULT_BATCH, // Values.PositiveInt bounds them
                c.lr, optimizer, !c.freezeBias, c.targetLoss != null ? c.targetLoss : 0,
                c.modelOut, cluster, c.activations, c.weightInit, c.autoencoder,
                c.earlyStop != null ? Math.toIntExact(c.earlyStop) : 0,
                c.schedule != null ? c.schedule : Schedule.CONSTANT, warmup, c.clipNorm != null ? c.clipNorm : 0,
                c.dropout != null ? c.dropout : 0, c.checkpoint, c.checkpointEvery != null ? Math.toIntExact(c.checkpointEvery) : 0,
                c.resume);
        List<TrainingChart.Point> points = new ArrayList<>();
        TrainOnData.Outcome outcome;
        try {
            outcome = TrainOnData.run(options,
                    (seed, inputs, outputs, classes) -> c.dataOptions.load(seed, inputs, outputs, classes,
                            c.autoencoder ? DataOptions.Targets.IGNORED : DataOptions.Targets.REQUIRED),
                    listener(points, options, kernels, cluster));
        } catch (TrainOnData.Conflict e) {
            throw new ParameterException(cli, e.getMessage());
        } catch (MiniBatchTrainer.Diverged d) {
            // one line, exit 1, nothing written: a model at --model-out stays as it was
            err.println("vecprop: error: training diverged: " + d.getMessage() + "; no model saved"
                    + (c.modelOut != null && Files.exists(c.modelOut) ? " (" + c.modelOut + " is unchanged)" : "")
                    + "; lower --lr (now " + sig4(options.learningRate()) + ")");
            err.flush();
            return 1;
        }
        TrainOnData.Plan plan = outcome.plan();
        if (c.plot != null) {
            TrainingChart.write(c.plot, TrainOnData.join(plan.widths()) + " on " + plan.all().name(), points);
        }
        report(outcome.result(), plan.train().size(), plan.network().precision(), cluster);
        return 0;
    }

    /**
     * The update rule the flags ask for: --optimizer (sgd unless --momentum is given, then momentum), its
     * momentum (0.9 for momentum and nesterov when not given), Adam's betas and eps, the weight decay
     * (AdamW's default 0.01). A flag that does not apply to the rule is refused rather than ignored.
     */
    private OptimizerSpec optimizer() {
        OptimizerSpec.Kind kind = c.optimizer != null ? c.optimizer
                : c.momentum != null && c.momentum > 0 ? OptimizerSpec.Kind.MOMENTUM : OptimizerSpec.Kind.SGD;
        String adamOnly = c.beta1 != null ? "--beta1" : c.beta2 != null ? "--beta2" : c.eps != null ? "--eps" : null;
        if (!kind.adam() && adamOnly != null) {
            throw new ParameterException(cli, adamOnly + " is Adam's: it applies with --optimizer adam or adamw, not "
                    + kind.id());
        }
        if (kind.adam() && c.momentum != null) {
            throw new ParameterException(cli, "--momentum applies to sgd, momentum and nesterov; " + kind.id()
                    + "'s first-moment decay is --beta1 (default 0.9)");
        }
        if (kind == OptimizerSpec.Kind.NESTEROV && c.momentum != null && c.momentum == 0) {
            throw new ParameterException(cli, "--optimizer nesterov needs a --momentum above 0 (such as 0.9)");
        }
        if (kind == OptimizerSpec.Kind.MOMENTUM && c.momentum != null && c.momentum == 0) {
            throw new ParameterException(cli, "--optimizer momentum needs a --momentum above 0 (such as 0.9), or use "
                    + "--optimizer sgd for plain SGD");
        }
        double mu = kind.adam() ? 0 : c.momentum != null ? c.momentum
                : kind == OptimizerSpec.Kind.SGD ? 0 : OptimizerSpec.MOMENTUM;
        double wd = c.weightDecay != null ? c.weightDecay : kind == OptimizerSpec.Kind.ADAMW ? OptimizerSpec.ADAMW_DECAY : 0;
        return new OptimizerSpec(mu > 0 && kind == OptimizerSpec.Kind.SGD ? OptimizerSpec.Kind.MOMENTUM : kind, mu,
                c.beta1 != null ? c.beta1 : OptimizerSpec.BETA1, c.beta2 != null ? c.beta2 : OptimizerSpec.BETA2,
                c.eps != null ? c.eps : OptimizerSpec.EPS, wd);
    }

    /** How the rate moves, for the plan line: "" for a constant one without warm-up. */
    private static String rateChanges(MiniBatchTrainer.Options o) {
        String s = o.schedule().kind() == Schedule.Kind.CONSTANT ? "" : ", schedule " + o.schedule();
        s += o.warmup() == 0 ? "" : ", warm-up " + o.warmup() + (o.warmup() == 1 ? " epoch" : " epochs");
        s += o.clipNorm() == 0 ? "" : ", gradient norm clipped to " + sig4(o.clipNorm());
        return s + (o.dropout() == 0 ? "" : ", dropout " + sig4(o.dropout()));
    }

    /** The line that says what will be trained, and the notes beside it. */
    private void printPlan(TrainOnData.Plan p, KernelSelection kernels, Cluster cluster) {
        MiniBatchTrainer.Options options = p.training();
        out.printf("training %s (%s, %s%s) on %s: %d samples%s%s; batch %d, %s, lr %s%s, %d epochs%s; %s%s%n",
                TrainOnData.join(p.widths()), activationList(p.network()), p.loss(), c.autoencoder ? ", auto-encoder" : "",
                p.all().name(), p.train().size(),
                p.validation() != null ? " + " + p.validation().size() + " held out for validation" : "",
                p.all().hasClasses() ? ", " + p.all().classes().size() + " classes" : "",
                options.batchSize(), options.optimizer(), sig4(options.learningRate()), rateChanges(options), options.epochs(),
                p.scaler().kind() == Scaler.Kind.NONE ? "" : ", " + p.scaler().kind() + " scaling",
                describe(kernels, p.network().precision()), cluster == null ? "" : "; " + cluster.description());
        for (String note : p.notes()) {
            out.println(note);
        }
        if (c.batch != null && c.batch > p.train().size()) {
            out.printf("note: --batch %d is more than the %d training samples: each step takes all %d%n", c.batch,
                    p.train().size(), p.train().size());
        }
        if (p.resumed() != null) {
            out.printf("resuming from %s: epoch %d of %d done%n", p.resumed().file(), p.resumed().checkpoint().epoch(),
                    p.training().epochs());
        }
        if (p.start() != null && p.start().converted()) {
            out.printf("converted %s's %s weights to %s%n", c.init.getFileName(), p.start().stored().dtype(), p.network().precision());
        }
        out.flush();
    }

    /**
     * Progress: a bar per epoch on a terminal and an epoch line (at most about 50 of them: every
     * k-th epoch of a long run, the first, and one that reaches the target), or JSON lines for
     * every epoch.
     */
    private TrainOnData.Listener listener(List<TrainingChart.Point> points, TrainOnData.Options options, KernelSelection kernels,
            Cluster cluster) {
        ProgressBar bar = json ? null : ProgressBar.forConsole(out);
        int every = Math.max(1, (options.epochs() + 49) / 50);
        boolean varying = options.schedule().kind() != Schedule.Kind.CONSTANT || options.warmup() > 0; // lr per epoch line
        return new TrainOnData.Listener() {
            /** The first batch's loss, and whether the run was warned that its loss is growing. */
            private double firstLoss = Double.NaN;
            private boolean warned;

            @Override
            public void planned(TrainOnData.Plan plan) {
                if (plan.resumed() != null) { // the chart shows the whole run
                    for (MiniBatchTrainer.Epoch e : plan.resumed().checkpoint().history()) {
                        points.add(new TrainingChart.Point(e.epoch(), e.trainLoss(), e.validationLoss(), e.validationAccuracy()));
                    }
                }
                if (!json) {
                    printPlan(plan, kernels, cluster);
                } else {
                    plan.notes().forEach(err::println); // standard output holds JSON lines only
                    err.flush();
                }
            }

            @Override
            public void checkpointSaved(java.nio.file.Path file, int epoch) {
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("event", "checkpoint");
                    m.put("epoch", epoch);
                    m.put("file", file.toString());
                    out.println(Json.write(m));
                } else {
                    out.println("checkpoint: " + file);
                }
                out.flush();
            }

            @Override
            public void epochStarted(int epoch, int epochs, int batches) {
                if (bar != null) {
                    bar.epochStarted(epoch, epochs, batches);
                }
            }

            @Override
            public void batchDone(int batchesDone, long samplesDone, double runningLoss) {
                if (Double.isNaN(firstLoss)) {
                    firstLoss = runningLoss;
                }
                if (bar != null) {
                    bar.batchDone(batchesDone, samplesDone, runningLoss);
                }
            }

            @Override
            public void epochDone(MiniBatchTrainer.Epoch e) {
                if (!warned && e.trainLoss() > GROWTH_WARNING * firstLoss) {
                    warned = true;
                    err.println("vecprop: warning: the loss grew from " + sig4(firstLoss) + " (first batch) to "
                            + sig4(e.trainLoss()) + " (epoch " + e.epoch() + "); --lr " + sig4(options.learningRate())
                            + " is likely too large");
                    err.flush();
                }
                points.add(new TrainingChart.Point(e.epoch(), e.trainLoss(), e.validationLoss(), e.validationAccuracy()));
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("event", "epoch");
                    m.put("epoch", e.epoch());
                    m.put("train_loss", e.trainLoss());
                    m.put("train_accuracy", e.trainAccuracy());
                    m.put("validation_loss", e.validationLoss());
                    m.put("validation_accuracy", e.validationAccuracy());
                    m.put("learning_rate", e.learningRate());
                    m.put("samples_per_second", e.samplesPerSecond());
                    m.put("seconds", e.nanos() / 1e9);
                    out.println(Json.write(m));
                    out.flush();
                } else if (e.epoch() == 1 || e.epoch() % every == 0 || e.trainLoss() < options.targetLoss()) {
                    bar.epochDone(epochLine(e, varying));
                } else {
                    bar.epochDone(null);
                }
            }
        };
    }

    /** An epoch's line; with a rate that changes (a schedule, a warm-up), the rate it ran at. */
    private String epochLine(MiniBatchTrainer.Epoch e, boolean showRate) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(java.util.Locale.ROOT, "epoch %3d  ", e.epoch()));
        if (showRate) {
            sb.append(String.format(java.util.Locale.ROOT, "lr %-10s", sig4(e.learningRate())));
        }
        sb.append(String.format(java.util.Locale.ROOT, "loss %-10s", sig4(e.trainLoss())));
        if (!Double.isNaN(e.trainAccuracy())) {
            sb.append(" acc ").append(String.format("%-8s", percent(e.trainAccuracy())));
        }
        if (!Double.isNaN(e.validationLoss())) {
            sb.append(" val loss ").append(String.format("%-10s", sig4(e.validationLoss())));
        }
        if (!Double.isNaN(e.validationAccuracy())) {
            sb.append(" val acc ").append(String.format("%-8s", percent(e.validationAccuracy())));
        }
        sb.append(String.format(java.util.Locale.ROOT, " %,.0f samples/s  %.2f s", e.samplesPerSecond(), e.nanos() / 1e9));
        return sb.toString();
    }

    private void report(MiniBatchTrainer.Result result, int samples, Precision precision, Cluster cluster) {
        MiniBatchTrainer.Epoch last = result.last();
        double stepNanos = result.epochs().stream().mapToLong(MiniBatchTrainer.Epoch::nanos).sum();
        double samplesPerSecond = samples * (double) result.epochs().size() * 1e9 / stepNanos;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", "done");
            m.put("precision", precision.id());
            m.put("cluster", cluster == null ? null : cluster.description());
            m.put("epochs", result.epochs().size());
            m.put("reached_target", result.reachedTarget());
            m.put("kept_epoch", result.keptEpoch() == 0 ? null : result.keptEpoch());
            m.put("stopped_early", result.stoppedEarly());
            m.put("train_loss", last.trainLoss());
            m.put("train_accuracy", last.trainAccuracy());
            m.put("validation_loss", last.validationLoss());
            m.put("validation_accuracy", last.validationAccuracy());
            m.put("samples_per_second", samplesPerSecond);
            m.put("seconds", result.nanos() / 1e9);
            m.put("model", c.modelOut == null ? null : c.modelOut.toString());
            m.put("plot", c.plot == null ? null : c.plot.toString());
            out.println(Json.write(m));
        } else {
            out.printf("%s after %d epochs in %.2f s (%,.0f samples/s): loss %s%s%n",
                    result.reachedTarget() ? "reached the target loss" : "done", result.epochs().size(),
                    result.nanos() / 1e9, samplesPerSecond, sig4(last.trainLoss()),
                    Double.isNaN(last.validationAccuracy()) ? (Double.isNaN(last.validationLoss()) ? ""
                            : ", validation loss " + sig4(last.validationLoss()))
                            : ", validation loss " + sig4(last.validationLoss()) + ", accuracy " + percent(last.validationAccuracy()));
            if (result.keptEpoch() > 0) {
                MiniBatchTrainer.Epoch kept = result.kept();
                out.printf("%skept epoch %d's weights, the lowest validation loss (%s%s)%n", result.stoppedEarly()
                        ? "early stop: the validation loss did not improve for " + c.earlyStop + " epochs; " : "",
                        kept.epoch(), sig4(kept.validationLoss()), Double.isNaN(kept.validationAccuracy()) ? ""
                        : ", accuracy " + percent(kept.validationAccuracy()));
            }
            if (c.modelOut != null) {
                out.println("saved the model to " + c.modelOut);
            }
            if (c.plot != null) {
                out.println("drew the losses into " + c.plot);
            }
        }
        out.flush();
    }

    /** The layers' activations, runs of one written once: "relu x2, softmax". */
    static String activationList(io.vecprop.nn.DenseNetwork network) {
        List<String> parts = new ArrayList<>();
        List<io.vecprop.kernels.Activation> all = network.activations();
        for (int i = 0; i < all.size();) {
            int j = i;
            while (j < all.size() && all.get(j).equals(all.get(i))) {
                j++;
            }
            parts.add(all.get(i).id() + (j - i > 1 ? " x" + (j - i) : ""));
            i = j;
        }
        return String.join(", ", parts);
    }

    /** Like "simd kernels (512-bit), 2 threads, f32". */
    static String describe(KernelSelection kernels, Precision precision) {
        KernelInfo info = kernels.info(precision);
        return info.name() + " kernels" + (info.vectorBits() > 0 ? " (" + info.vectorBits() + "-bit)" : "") + ", "
                + info.threads() + (info.threads() == 1 ? " thread" : " threads") + ", " + precision;
    }

    /** Widths as on the command line: 784,1024,10. */
    static String commas(int[] widths) {
        return TrainOnData.commas(widths);
    }
}
