package io.vecprop.cli;

import static io.vecprop.cli.Values.percent;
import static io.vecprop.cli.Values.sig4;

import io.vecprop.data.Dataset;
import io.vecprop.io.Json;
import io.vecprop.data.Memory;
import io.vecprop.io.ModelFile;
import io.vecprop.data.Scaler;
import io.vecprop.kernels.KernelInfo;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Loss;
import io.vecprop.kernels.Precision;
import io.vecprop.train.Cluster;
import io.vecprop.train.MiniBatchTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** {@code train --data}: reads the data, builds or loads the network, trains, reports, saves. */
final class DataTraining {

    /** How the run ended. */
    record Outcome(int exitCode) {}

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

    Outcome run() throws IOException {
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

    private Outcome run(Cluster cluster) throws IOException {
        long seed = c.seed != null ? c.seed : DEFAULT_SEED;
        int batch = c.batch != null ? Math.toIntExact(c.batch) : DEFAULT_BATCH; // Values.PositiveInt bounds it
        KernelSelection kernels = c.kernelOptions.selection(err);

        // the network: from --init (in its file's precision unless --precision asks for the other), or new from --layers and --loss
        ModelFile.Model start = c.init == null ? null : ModelFile.read(c.init, c.kernelOptions.precision, kernels);
        Loss loss = c.loss;
        int[] widths;
        if (start != null) {
            widths = start.network().widths();
            if (c.layers != null && !Arrays.equals(c.layers, widths)) {
                throw new ParameterException(cli, "--layers " + commas(c.layers) + " disagrees with --init " + c.init.getFileName()
                        + ", whose widths are " + commas(widths) + " (leave --layers out to train that network)");
            }
            if (loss != null && loss != start.network().lossFunction()) {
                throw new ParameterException(cli, "--loss " + loss + " disagrees with --init " + c.init.getFileName()
                        + ", trained on " + start.network().lossFunction());
            }
            if (c.scale != null) {
                throw new ParameterException(cli, "--scale does not apply with --init: the model's own scaling ("
                        + start.scaler().kind() + ") is used so its weights see the inputs they were trained on");
            }
            loss = start.network().lossFunction();
        } else {
            if (c.layers == null) {
                throw new ParameterException(cli, "--data needs --layers (such as --layers 784,128,10) or --init MODEL");
            }
            widths = c.layers;
            loss = loss != null ? loss : Loss.HALF_SQUARED_ERROR;
            checkFits(widths, batch,
                    c.kernelOptions.precision(Precision.F64), c.momentum != null && c.momentum > 0);
        }
        Scaler.Kind scaleKind = c.scale == null ? Scaler.Kind.NONE : c.scale;
        int inputs = widths[0], outputs = widths[widths.length - 1];

        // the data, split, scaled by statistics of the training part
        List<String> classes = start != null && !start.classes().isEmpty() ? start.classes() : null;
        Dataset all = c.dataOptions.load(seed, inputs, outputs, classes, DataOptions.Targets.REQUIRED);
        if (loss == Loss.CROSS_ENTROPY && outputs < 2) {
            throw new ParameterException(cli, "--loss cross-entropy needs at least 2 outputs (softmax over 1 output is always 1)");
        }
        Dataset[] parts;
        try {
            parts = split(all, c.validation != null ? c.validation : 0, seed, !c.noShuffle);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cli, e.getMessage());
        }
        Dataset train = parts[0], validation = parts[1];
        Scaler scaler = start != null ? start.scaler() : Scaler.fit(scaleKind, train.inputs());
        scaler.apply(train.inputs());
        if (validation != null) {
            scaler.apply(validation.inputs());
        }
        DenseNetwork network = start != null ? start.network()
                : DenseNetwork.random(c.kernelOptions.precision(Precision.F64), kernels, loss, seed, widths);

        MiniBatchTrainer.Options options = new MiniBatchTrainer.Options(
                c.epochs != null ? Math.toIntExact(c.epochs) : DEFAULT_EPOCHS, batch,
                c.lr, c.momentum != null ? c.momentum : 0, seed, !c.noShuffle, !c.freezeBias,
                c.targetLoss != null ? c.targetLoss : 0);
        if (!json) {
            out.printf("training %s (%s) on %s: %d samples%s%s; batch %d, lr %s, momentum %s, %d epochs%s; %s%s%n",
                    join(widths), loss, all.name(), train.size(),
                    validation != null ? " + " + validation.size() + " held out for validation" : "",
                    all.hasClasses() ? ", " + all.classes().size() + " classes" : "",
                    options.batchSize(), sig4(options.learningRate()), sig4(options.momentum()), options.epochs(),
                    scaler.kind() == Scaler.Kind.NONE ? "" : ", " + scaler.kind() + " scaling",
                    describe(kernels, network.precision()), cluster == null ? "" : "; " + cluster.description());
            if (c.batch != null && c.batch > train.size()) {
                out.printf("note: --batch %d is more than the %d training samples: each step takes all %d%n", c.batch,
                        train.size(), train.size());
            }
            if (start != null && start.converted()) {
                out.printf("converted %s's %s weights to %s%n", c.init.getFileName(), start.stored().dtype(), network.precision());
            }
            out.flush();
        }
        List<TrainingChart.Point> points = new ArrayList<>();
        MiniBatchTrainer.Listener listener = listener(points, options);
        MiniBatchTrainer.Result result;
        try {
            result = MiniBatchTrainer.train(network, train, validation, options, listener,
                    cluster != null ? cluster.steps() : MiniBatchTrainer.local());
        } catch (MiniBatchTrainer.Diverged d) {
            // one line, exit 1, nothing written: a model at --model-out stays as it was
            err.println("vecprop: error: training diverged: " + d.getMessage() + "; no model saved"
                    + (c.modelOut != null && Files.exists(c.modelOut) ? " (" + c.modelOut + " is unchanged)" : "")
                    + "; lower --lr (now " + sig4(options.learningRate()) + ")");
            err.flush();
            return new Outcome(1);
        }

        if (c.modelOut != null) {
            ModelFile.write(c.modelOut, new ModelFile.Model(network, scaler, train.classes()));
        }
        if (c.plot != null) {
            TrainingChart.write(c.plot, join(widths) + " on " + all.name(), points);
        }
        report(result, train.size(), network.precision(), cluster);
        return new Outcome(0);
    }

    /**
     * Checks, before it is built, that a new network of these widths fits with its momentum's
     * velocities and its buffers for a batch (net, out and delta per layer, the batch's inputs and
     * targets): a ParameterException (exit 2) when one array would be larger than Java allows, the
     * heap check's IllegalArgumentException (exit 1) when this JVM cannot hold it all.
     */
    private void checkFits(int[] widths, int batch, Precision precision, boolean momentum) {
        long largest = (long) batch * widths[0];
        for (int l = 1; l < widths.length; l++) {
            largest = Math.max(largest, Math.max((long) widths[l] * widths[l - 1], (long) batch * widths[l]));
        }
        if (largest > Memory.MAX_ARRAY) {
            throw new ParameterException(cli, "--layers " + commas(widths) + " at batch " + batch + " needs an array of "
                    + largest + " values, more than a Java array holds (" + Memory.MAX_ARRAY
                    + "): use narrower layers or a smaller --batch");
        }
        long parameters = DenseNetwork.parameterCount(widths), units = 0;
        for (int l = 1; l < widths.length; l++) {
            units += widths[l];
        }
        int bytes = precision == Precision.F32 ? Float.BYTES : Double.BYTES;
        long weights = parameters * bytes * (momentum ? 2 : 1);
        long workspace = (3 * units + widths[0] + widths[widths.length - 1]) * batch * bytes;
        Memory.require(weights + workspace, () -> "a " + join(widths) + " network needs " + Memory.size(weights)
                + " of weights" + (momentum ? " and velocities" : "") + " and " + Memory.size(workspace)
                + " of workspace at batch " + batch, IllegalArgumentException::new);
    }

    /**
     * Progress: a bar per epoch on a terminal and an epoch line (at most about 50 of them: every
     * k-th epoch of a long run, the first, and one that reaches the target), or JSON lines for
     * every epoch.
     */
    private MiniBatchTrainer.Listener listener(List<TrainingChart.Point> points, MiniBatchTrainer.Options options) {
        ProgressBar bar = json ? null : ProgressBar.forConsole(out);
        int every = Math.max(1, (options.epochs() + 49) / 50);
        return new MiniBatchTrainer.Listener() {
            /** The first batch's loss, and whether the run was warned that its loss is growing. */
            private double firstLoss = Double.NaN;
            private boolean warned;

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
                    m.put("samples_per_second", e.samplesPerSecond());
                    m.put("seconds", e.nanos() / 1e9);
                    out.println(Json.write(m));
                    out.flush();
                } else if (e.epoch() == 1 || e.epoch() % every == 0 || e.trainLoss() < options.targetLoss()) {
                    bar.epochDone(epochLine(e));
                } else {
                    bar.epochDone(null);
                }
            }
        };
    }

    private String epochLine(MiniBatchTrainer.Epoch e) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(java.util.Locale.ROOT, "epoch %3d  loss %-10s", e.epoch(), sig4(e.trainLoss())));
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
            if (c.modelOut != null) {
                out.println("saved the model to " + c.modelOut);
            }
            if (c.plot != null) {
                out.println("drew the losses into " + c.plot);
            }
        }
        out.flush();
    }

    /**
     * Training and validation parts: validation takes round(share · N) samples, chosen from the
     * seed (or the last rows when not shuffling); null when share is 0.
     */
    static Dataset[] split(Dataset all, double share, long seed, boolean shuffle) {
        if (share == 0) {
            return new Dataset[] {all, null};
        }
        int n = all.size();
        int held = (int) Math.round(share * n);
        if (held < 1 || held >= n) {
            throw new IllegalArgumentException("--validation " + share + " of " + n + " samples holds out " + held
                    + ": it must leave at least one sample on each side");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            // its own stream, so the split does not shift the epochs' shuffles
            MiniBatchTrainer.shuffle(order, new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L));
        }
        return new Dataset[] {
            all.select(all.name(), Arrays.copyOfRange(order, 0, n - held)),
            all.select(all.name() + " (validation)", Arrays.copyOfRange(order, n - held, n))};
    }

    /** Like "simd kernels (512-bit), 2 threads, f32". */
    static String describe(KernelSelection kernels, Precision precision) {
        KernelInfo info = kernels.info(precision);
        return info.name() + " kernels" + (info.vectorBits() > 0 ? " (" + info.vectorBits() + "-bit)" : "") + ", "
                + info.threads() + (info.threads() == 1 ? " thread" : " threads") + ", " + precision;
    }

    /** Widths as on the command line: 784,1024,10. */
    static String commas(int[] widths) {
        return join(widths, ",");
    }

    /** Widths as in messages and titles: 784-1024-10. */
    static String join(int[] widths) {
        return join(widths, "-");
    }

    private static String join(int[] widths, String separator) {
        return Arrays.stream(widths).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(separator));
    }
}
