package io.vecprop.train;

import io.vecprop.data.Dataset;
import io.vecprop.data.Memory;
import io.vecprop.data.Scaler;
import io.vecprop.io.ModelFile;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Precision;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Init;
import io.vecprop.nn.Loss;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.ejml.data.DMatrixRMaj;

/**
 * Training on a data set as one call ({@code vecprop train --data}): the network loaded from a
 * model or built new, checked to fit before it is built, the data read for its widths, split into
 * training and validation parts, scaled by statistics of the training part, trained by
 * {@link MiniBatchTrainer} (here or on a {@link Cluster}), and saved. What is printed, and how a
 * failure becomes an exit code, is the caller's.
 *
 * <p>Messages name the options by the command line's flags ({@code --layers}, {@code --init}), which
 * the fields of {@link Options} mirror, so a caller can show them as they are.
 */
public final class TrainOnData {

    private TrainOnData() {}

    /** Reads the samples for a network of these widths (and, from a model, these class names, or null). */
    @FunctionalInterface
    public interface Loader {
        Dataset load(long seed, int inputs, int outputs, List<String> classes) throws IOException;
    }

    /**
     * What to train, and how.
     *
     * @param kernels the kernels to compute with
     * @param precision the network's precision; null: a model's own, or f64 for a new network
     * @param init a model to start from, or null for a new network
     * @param layers the new network's widths, input first; null with init (then they must agree when given)
     * @param loss null: a model's own; for a new network cross-entropy when the data has class targets (labels,
     *     a label column, synthetic blobs or spirals) and at least 2 outputs, else the half-squared error
     * @param scale null: no scaling (with init, the model's own is used and scale must be null)
     * @param validation the share of samples held out for validation, in [0, 1); 0 for none
     * @param shuffle false keeps the data's order, in the split and in every epoch
     * @param optimizer the update rule and its constants ({@code --optimizer}, {@code --momentum}, ...)
     * @param trainBias false freezes the biases
     * @param targetLoss stop after the first epoch whose training loss is below this; 0: never
     * @param modelOut where to save the trained model, or null
     * @param cluster where the steps run, or null for this machine
     * @param activations the new network's activations as {@code --activations} gives them (one per layer, or one
     *     for every hidden layer: {@link DenseNetwork#activations}); null: sigmoid layers and the loss's output; with
     *     init, null or the model's own
     * @param weightInit how a new network's layers are drawn; null: {@link Init#AUTO}; not with init
     * @param autoencoder the inputs (scaled) are the targets: the first and last widths must match
     * @param earlyStop stop when the validation loss has not improved for this many epochs and keep the best
     *     epoch's weights ({@link MiniBatchTrainer.Options#earlyStop}); 0: never; needs a validation share
     * @param schedule how the rate changes from epoch to epoch
     * @param warmup epochs of linear warm-up, fewer than epochs
     * @param clipNorm the global gradient norm each step is clipped to; 0: none
     * @param dropout the probability that a training step drops a hidden unit, in [0, 1); 0: none
     * @param checkpoint the directory checkpoints are saved in ({@link CheckpointFile}), or null (with resume:
     *     resume's)
     * @param checkpointEvery save one every this many epochs and after the last; 0: every epoch (or, resuming,
     *     as the resumed run did)
     * @param resume a directory of checkpoints whose latest this run goes on from, or null
     */
    public record Options(KernelSelection kernels, Precision precision, Path init, int[] layers, Loss loss,
            Scaler.Kind scale, double validation, boolean shuffle, long seed, int epochs, int batch,
            double learningRate, OptimizerSpec optimizer, boolean trainBias, double targetLoss, Path modelOut,
            Cluster cluster, List<Activation> activations, Init weightInit, boolean autoencoder, int earlyStop,
            Schedule schedule, int warmup, double clipNorm, double dropout, Path checkpoint, int checkpointEvery,
            Path resume) {

        /** Without checkpoints. */
        public Options(KernelSelection kernels, Precision precision, Path init, int[] layers, Loss loss,
                Scaler.Kind scale, double validation, boolean shuffle, long seed, int epochs, int batch,
                double learningRate, OptimizerSpec optimizer, boolean trainBias, double targetLoss, Path modelOut,
                Cluster cluster, List<Activation> activations, Init weightInit, boolean autoencoder, int earlyStop,
                Schedule schedule, int warmup, double clipNorm, double dropout) {
            this(kernels, precision, init, layers, loss, scale, validation, shuffle, seed, epochs, batch, learningRate,
                    optimizer, trainBias, targetLoss, modelOut, cluster, activations, weightInit, autoencoder, earlyStop,
                    schedule, warmup, clipNorm, dropout, null, 0, null);
        }

        /** Without dropout. */
        public Options(KernelSelection kernels, Precision precision, Path init, int[] layers, Loss loss,
                Scaler.Kind scale, double validation, boolean shuffle, long seed, int epochs, int batch,
                double learningRate, OptimizerSpec optimizer, boolean trainBias, double targetLoss, Path modelOut,
                Cluster cluster, List<Activation> activations, Init weightInit, boolean autoencoder, int earlyStop,
                Schedule schedule, int warmup, double clipNorm) {
            this(kernels, precision, init, layers, loss, scale, validation, shuffle, seed, epochs, batch, learningRate,
                    optimizer, trainBias, targetLoss, modelOut, cluster, activations, weightInit, autoencoder, earlyStop,
                    schedule, warmup, clipNorm, 0);
        }

        /** SGD with this momentum (0: plain), a constant rate, no clipping. */
        public Options(KernelSelection kernels, Precision precision, Path init, int[] layers, Loss loss,
                Scaler.Kind scale, double validation, boolean shuffle, long seed, int epochs, int batch,
                double learningRate, double momentum, boolean trainBias, double targetLoss, Path modelOut, Cluster cluster,
                List<Activation> activations, Init weightInit, boolean autoencoder, int earlyStop) {
            this(kernels, precision, init, layers, loss, scale, validation, shuffle, seed, epochs, batch, learningRate,
                    OptimizerSpec.sgd(momentum), trainBias, targetLoss, modelOut, cluster, activations, weightInit,
                    autoencoder, earlyStop, Schedule.CONSTANT, 0, 0);
        }

        /** Without early stopping. */
        public Options(KernelSelection kernels, Precision precision, Path init, int[] layers, Loss loss,
                Scaler.Kind scale, double validation, boolean shuffle, long seed, int epochs, int batch,
                double learningRate, double momentum, boolean trainBias, double targetLoss, Path modelOut, Cluster cluster,
                List<Activation> activations, Init weightInit, boolean autoencoder) {
            this(kernels, precision, init, layers, loss, scale, validation, shuffle, seed, epochs, batch, learningRate,
                    momentum, trainBias, targetLoss, modelOut, cluster, activations, weightInit, autoencoder, 0);
        }

        public Options {
            Objects.requireNonNull(kernels, "kernels");
            Objects.requireNonNull(optimizer, "optimizer");
            Objects.requireNonNull(schedule, "schedule");
            layers = layers == null ? null : layers.clone();
            activations = activations == null ? null : List.copyOf(activations);
        }

        /** The momentum of SGD's rules; 0 for plain SGD and Adam. */
        public double momentum() {
            return optimizer.momentum();
        }

        /** Sigmoid layers (or the model's), each drawn as fits its activation, not an auto-encoder. */
        public Options(KernelSelection kernels, Precision precision, Path init, int[] layers, Loss loss,
                Scaler.Kind scale, double validation, boolean shuffle, long seed, int epochs, int batch,
                double learningRate, double momentum, boolean trainBias, double targetLoss, Path modelOut, Cluster cluster) {
            this(kernels, precision, init, layers, loss, scale, validation, shuffle, seed, epochs, batch, learningRate,
                    momentum, trainBias, targetLoss, modelOut, cluster, null, null, false);
        }
    }

    /**
     * Options that disagree with each other, with the model or with the data (a bad flag: exit 2 on
     * the command line), as opposed to a failure while running, such as a heap too small (exit 1).
     */
    public static final class Conflict extends IllegalArgumentException {
        Conflict(String message) {
            super(message);
        }
    }

    /**
     * What a run is about to train, told before the first step.
     *
     * @param start the model it started from (a checkpoint's, when resumed), or null
     * @param resumed the checkpoint it goes on from, or null
     * @param all the data before the split
     * @param validation the held-out part, or null
     * @param notes what the user should know about this choice of network and loss, one line each
     */
    public record Plan(int[] widths, Loss loss, ModelFile.Model start, Dataset all, Dataset train, Dataset validation,
            Scaler scaler, DenseNetwork network, MiniBatchTrainer.Options training, List<String> notes,
            CheckpointFile.Loaded resumed) {}

    /** Progress: the plan once it is made, then the trainer's events. */
    public interface Listener extends MiniBatchTrainer.Listener {
        default void planned(Plan plan) {}

        /** After each checkpoint is written, with its file. */
        default void checkpointSaved(Path file, int epoch) {}
    }

    /** What a run did: its plan (the network now trained in place) and the trainer's figures. */
    public record Outcome(Plan plan, MiniBatchTrainer.Result result) {}

    /**
     * Runs it: see the class comment. A diverged run ({@link MiniBatchTrainer.Diverged}) saves nothing.
     *
     * @throws Conflict for options that disagree
     */
    public static Outcome run(Options o, Loader loader, Listener listener) throws IOException {
        if (o.earlyStop() > 0 && !(o.validation() > 0)) {
            throw new Conflict("--early-stop " + o.earlyStop() + " watches the validation loss: give --validation SHARE "
                    + "(such as 0.2) to hold out the samples it is measured on");
        }
        MiniBatchTrainer.Options training; // checked before anything is read
        try {
            if (o.checkpointEvery() < 0) {
                throw new IllegalArgumentException("--checkpoint-every " + o.checkpointEvery() + " must be at least 1");
            }
            training = new MiniBatchTrainer.Options(o.epochs(), o.batch(), o.learningRate(), o.optimizer(), o.seed(),
                    o.shuffle(), o.trainBias(), o.targetLoss(), o.earlyStop(), o.schedule(), o.warmup(), o.clipNorm(),
                    o.dropout());
        } catch (IllegalArgumentException e) {
            throw new Conflict(e.getMessage());
        }
        CheckpointFile.Loaded resumed = resume(o);
        Path checkpoints = o.checkpoint() != null ? o.checkpoint() : o.resume();
        int every = o.checkpointEvery() > 0 ? o.checkpointEvery() : resumed != null ? Math.max(1, resumed.every()) : 1;
        if (o.checkpointEvery() > 0 && checkpoints == null) {
            throw new Conflict("--checkpoint-every " + o.checkpointEvery() + " needs --checkpoint DIR, the directory they go to");
        }
        if (o.checkpoint() != null) {
            checkCheckpointDirectory(o.checkpoint(), resumed);
        }
        // the network: from init or a checkpoint (in its file's precision unless precision asks for the other), or new
        ModelFile.Model start = resumed != null ? resumed.model()
                : o.init() == null ? null : ModelFile.read(o.init(), o.precision(), o.kernels());
        String source = resumed != null ? "--resume " + o.resume() + " (" + resumed.file().getFileName() + ")"
                : o.init() != null ? "--init " + o.init().getFileName() : null;
        Loss loss = o.loss();
        int[] widths;
        if (start != null) {
            widths = start.network().widths();
            if (o.layers() != null && !Arrays.equals(o.layers(), widths)) {
                throw new Conflict("--layers " + commas(o.layers()) + " disagrees with " + source
                        + ", whose widths are " + commas(widths) + " (leave --layers out to train that network)");
            }
            if (loss != null && loss != start.network().lossFunction()) {
                throw new Conflict("--loss " + loss + " disagrees with " + source
                        + ", trained on " + start.network().lossFunction());
            }
            if (o.activations() != null && !o.activations().equals(start.network().activations())
                    && !(o.activations().size() == 1 && DenseNetwork.activations(o.activations(), widths.length - 1,
                            start.network().lossFunction()).equals(start.network().activations()))) {
                throw new Conflict("--activations " + ids(o.activations()) + " disagrees with " + source
                        + ", whose layers are " + ids(start.network().activations()));
            }
            if (o.weightInit() != null && resumed == null) {
                throw new Conflict("--weight-init draws a new network's weights; " + source
                        + " starts from a model's: give one of them");
            }
            if (start.autoencoder() != o.autoencoder()) {
                throw new Conflict(source + (start.autoencoder()
                        ? " is an auto-encoder: add --autoencoder to train it on its inputs"
                        : " is not an auto-encoder: --autoencoder trains a network whose outputs are its inputs"));
            }
            if (o.scale() != null && (resumed == null || o.scale() != start.scaler().kind())) {
                throw new Conflict("--scale " + o.scale() + " does not apply with " + source + ": the model's own scaling ("
                        + start.scaler().kind() + ") is used so its weights see the inputs they were trained on");
            }
            loss = start.network().lossFunction();
        } else {
            if (o.layers() == null) {
                throw new Conflict("--data needs --layers (such as --layers 784,128,10) or --init MODEL");
            }
            widths = o.layers(); // the loss, when not given, follows the targets once they are read
            checkFits(widths, o.batch(), precision(o), o.optimizer(), o.dropout() > 0);
            if (loss != null) {
                activations(o, widths, loss); // a misfit is a bad flag: said before the data is read
            }
        }
        if (o.dropout() > 0 && widths.length < 3) {
            throw new Conflict("--dropout drops hidden units, and the network " + commas(widths) + " has no hidden layer: "
                    + "add one (such as --layers " + widths[0] + ",64," + widths[widths.length - 1] + ") or leave --dropout out");
        }
        if (o.autoencoder() && widths[0] != widths[widths.length - 1]) {
            throw new Conflict("--autoencoder reconstructs its inputs, so the output width must equal the input width: "
                    + commas(widths) + " takes " + widths[0] + " and gives " + widths[widths.length - 1]
                    + " (such as " + widths[0] + "," + Math.max(1, widths[0] / 8) + "," + widths[0] + ")");
        }
        Scaler.Kind scaleKind = o.scale() == null ? Scaler.Kind.NONE : o.scale();
        int inputs = widths[0], outputs = widths[widths.length - 1];

        // the data, split, scaled by statistics of the training part
        List<String> classes = start != null && !start.classes().isEmpty() ? start.classes() : null;
        Dataset all = loader.load(o.seed(), inputs, outputs, classes);
        if (o.autoencoder()) {
            all = new Dataset(all.name(), all.inputs(), new DMatrixRMaj(all.size(), 0), List.of()); // targets: the inputs, once scaled
        }
        Activation givenOutput = o.activations() != null && o.activations().size() == widths.length - 1
                ? o.activations().getLast() : null;
        if (loss == null) {
            // the output activation given decides; else class targets train best on cross-entropy, numbers on the
            // worked example's half-squared error
            loss = givenOutput != null ? Loss.forOutput(givenOutput, all.hasClasses())
                    : all.hasClasses() && outputs >= 2 ? Loss.CROSS_ENTROPY : Loss.HALF_SQUARED_ERROR;
        }
        List<Activation> activations = start != null ? start.network().activations() : activations(o, widths, loss);
        List<String> notes = new ArrayList<>();
        if (!o.autoencoder()) {
            outsideTheSigmoid(all, activations.getLast()).ifPresent(notes::add);
        }
        if (loss == Loss.CROSS_ENTROPY && outputs < 2) {
            throw new Conflict("--loss cross-entropy needs at least 2 outputs (softmax over 1 output is always 1)");
        }
        Dataset[] parts;
        try {
            parts = split(all, o.validation(), o.seed(), o.shuffle());
        } catch (IllegalArgumentException e) {
            throw new Conflict(e.getMessage());
        }
        Dataset train = parts[0], validation = parts[1];
        Scaler scaler = start != null ? start.scaler() : Scaler.fit(scaleKind, train.inputs());
        scaler.apply(train.inputs());
        if (validation != null) {
            scaler.apply(validation.inputs());
        }
        if (o.autoencoder()) {
            train = reconstructing(train);
            validation = validation == null ? null : reconstructing(validation);
            outsideTheSigmoid(train, activations.getLast()).ifPresent(notes::add);
        }
        DenseNetwork network = start != null ? start.network()
                : DenseNetwork.random(precision(o), o.kernels(), loss, activations, o.weightInit() != null ? o.weightInit()
                        : Init.AUTO, o.seed(), widths);

        if (resumed != null) {
            String why = resumed.checkpoint().mismatch(training, train.size());
            if (why != null) {
                throw new Conflict("--resume " + o.resume() + ": " + resumed.file().getFileName() + " cannot go on with this"
                        + " command: " + why + " (resume with the flags its run was started with; only --epochs may grow)");
            }
        }
        Plan plan = new Plan(widths, loss, start, all, train, validation, scaler, network, training, List.copyOf(notes),
                resumed);
        listener.planned(plan);
        MiniBatchTrainer.Checkpoints saving = MiniBatchTrainer.Checkpoints.NONE;
        if (checkpoints != null) {
            Dataset trained = train;
            saving = new MiniBatchTrainer.Checkpoints(resumed == null ? null : resumed.checkpoint(), every, (net, c) -> {
                try {
                    Path file = CheckpointFile.write(checkpoints, net, scaler, trained.classes(), o.autoencoder(), every, c);
                    listener.checkpointSaved(file, c.epoch());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        MiniBatchTrainer.Result result;
        try {
            result = MiniBatchTrainer.train(network, train, validation, training, listener,
                    o.cluster() != null ? o.cluster().steps() : MiniBatchTrainer.local(), saving);
        } catch (UncheckedIOException e) {
            throw e.getCause(); // a checkpoint that could not be written
        }
        if (o.modelOut() != null) {
            ModelFile.write(o.modelOut(), new ModelFile.Model(network, scaler, train.classes()).withAutoencoder(o.autoencoder()));
        }
        return new Outcome(plan, result);
    }

    /**
     * The latest checkpoint in the resume directory, or null without one to resume: a {@link Conflict} when the
     * directory holds none, or when it holds one of another precision than asked for.
     */
    private static CheckpointFile.Loaded resume(Options o) throws IOException {
        if (o.resume() == null) {
            return null;
        }
        if (o.init() != null) {
            throw new Conflict("--resume goes on from a checkpoint's weights and state, --init starts from a model's: "
                    + "give one of them");
        }
        Path file = CheckpointFile.latest(o.resume()).orElseThrow(() -> new Conflict("--resume " + o.resume()
                + (Files.isDirectory(o.resume()) ? ": no checkpoint in it (epoch-NNNNNN.safetensors, as --checkpoint writes)"
                        : ": no such directory")));
        CheckpointFile.Loaded loaded = CheckpointFile.read(file, o.kernels());
        Precision p = loaded.model().network().precision();
        if (o.precision() != null && o.precision() != p) {
            throw new Conflict("--precision " + o.precision() + " disagrees with --resume " + o.resume() + ": "
                    + file.getFileName() + " is " + p + ", and its optimizer's state with it (leave --precision out)");
        }
        return loaded;
    }

    /**
     * That checkpoints can go to dir: a directory, or none yet; and, for a new run, one holding no checkpoint
     * (whose epochs would mix with this run's) unless it is the one being resumed.
     */
    private static void checkCheckpointDirectory(Path dir, CheckpointFile.Loaded resumed) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new Conflict("--checkpoint " + dir + " is a file: give a directory for the checkpoints");
        }
        Optional<Path> there = CheckpointFile.latest(dir);
        if (there.isPresent() && (resumed == null || !there.get().toAbsolutePath().normalize()
                .equals(resumed.file().toAbsolutePath().normalize()))) {
            throw new Conflict("--checkpoint " + dir + " already holds checkpoints (" + there.get().getFileName()
                    + "): go on from them with --resume " + dir + ", or give another directory");
        }
    }

    /** The new network's activations for this loss, a misfit a {@link Conflict}. */
    private static List<Activation> activations(Options o, int[] widths, Loss loss) {
        try {
            return DenseNetwork.activations(o.activations(), widths.length - 1, loss);
        } catch (IllegalArgumentException e) {
            throw new Conflict(e.getMessage());
        }
    }

    /** The samples with their inputs as the targets (a copy): what an auto-encoder learns to give back. */
    private static Dataset reconstructing(Dataset d) {
        return new Dataset(d.name(), d.inputs(), d.inputs().copy(), List.of());
    }

    /**
     * A note when numeric targets fall outside the sigmoid's (0, 1) and the output is sigmoid: it
     * can never reach them, and the mean squared error on a linear output is what they need.
     */
    static java.util.Optional<String> outsideTheSigmoid(Dataset d, Activation output) {
        if (d.hasClasses() || output.kind() != Activation.Kind.SIGMOID || d.targetWidth() == 0) {
            return java.util.Optional.empty();
        }
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        DMatrixRMaj t = d.targets();
        for (int i = 0; i < t.getNumElements(); i++) {
            lo = Math.min(lo, t.data[i]);
            hi = Math.max(hi, t.data[i]);
        }
        if (lo >= 0 && hi <= 1) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("note: the targets range from " + String.format(java.util.Locale.ROOT, "%.4g", lo) + " to "
                + String.format(java.util.Locale.ROOT, "%.4g", hi) + ", outside the sigmoid output's"
                + " (0, 1), which cannot reach them: for regression use --loss mse (a linear output), or scale the targets");
    }

    private static String ids(List<Activation> activations) {
        return activations.stream().map(Activation::id).collect(Collectors.joining(","));
    }

    private static Precision precision(Options o) {
        return o.precision() != null ? o.precision() : Precision.F64;
    }

    /**
     * Checks, before it is built, that a new network of these widths fits with its optimizer's state
     * (momentum's velocities, Adam's two moments and gradient) and its buffers for a batch (net, out and delta per
     * layer, dropout's two per hidden layer, the batch's inputs and targets): a {@link Conflict} when one array would be larger than Java allows, the heap check's
     * IllegalArgumentException when this JVM cannot hold it all.
     */
    private static void checkFits(int[] widths, int batch, Precision precision, OptimizerSpec optimizer, boolean dropout) {
        long largest = (long) batch * widths[0];
        for (int l = 1; l < widths.length; l++) {
            largest = Math.max(largest, Math.max((long) widths[l] * widths[l - 1], (long) batch * widths[l]));
        }
        if (largest > Memory.MAX_ARRAY) {
            throw new Conflict("--layers " + commas(widths) + " at batch " + batch + " needs an array of "
                    + largest + " values, more than a Java array holds (" + Memory.MAX_ARRAY
                    + "): use narrower layers or a smaller --batch");
        }
        long parameters = DenseNetwork.parameterCount(widths), units = 0;
        for (int l = 1; l < widths.length; l++) {
            units += widths[l];
        }
        int bytes = precision.bytes();
        int state = optimizer.stateArrays();
        long weights = parameters * bytes * (1 + state);
        long hidden = units - widths[widths.length - 1];
        // net, out and delta per layer; dropout's mask and dropped out per hidden layer; the batch's inputs and targets
        long workspace = (3 * units + (dropout ? 2 * hidden : 0) + widths[0] + widths[widths.length - 1]) * batch * bytes;
        Memory.require(weights + workspace, () -> "a " + join(widths) + " network needs " + Memory.size(weights)
                + " of weights" + (state == 0 ? "" : optimizer.kind().adam() ? ", moments and gradients"
                        : optimizer.kind() == OptimizerSpec.Kind.NESTEROV ? ", velocities and gradients" : " and velocities")
                + " and " + Memory.size(workspace)
                + " of workspace at batch " + batch, IllegalArgumentException::new);
    }

    /**
     * Training and validation parts: validation takes round(share · N) samples, chosen from the
     * seed (or the last rows when not shuffling); null when share is 0.
     */
    public static Dataset[] split(Dataset all, double share, long seed, boolean shuffle) {
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

    /** Widths as on the command line: 784,1024,10. */
    public static String commas(int[] widths) {
        return join(widths, ",");
    }

    /** Widths as in messages and titles: 784-1024-10. */
    public static String join(int[] widths) {
        return join(widths, "-");
    }

    private static String join(int[] widths, String separator) {
        return Arrays.stream(widths).mapToObj(Integer::toString).collect(Collectors.joining(separator));
    }
}
