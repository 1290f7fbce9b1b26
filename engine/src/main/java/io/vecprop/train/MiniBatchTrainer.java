package io.vecprop.train;

import io.vecprop.data.Dataset;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Dropout;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import io.vecprop.nn.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Mini-batch stochastic gradient descent over epochs, with optional classical momentum.
 *
 * <p>Each epoch visits every training sample once, in an order shuffled from the seed (or the
 * data's own order), in batches of {@code batchSize} rows; the last batch holds what is left.
 * Rows are gathered into two batch buffers allocated once ({@link BatchBuffers}, in the network's
 * precision), so the loop allocates nothing per batch and never copies the data set; the network's
 * workspace is sized for the full batch and reused for the short last one. Double and float
 * networks run this same loop.
 *
 * <p>The result depends only on the data, the options and the starting weights: the shuffle comes
 * from one {@link SplittableRandom} seeded once, and the kernels give the same bits on any number
 * of threads.
 *
 * <p>Reported per epoch: the training loss (the mean over the epoch's samples of each batch's
 * loss before its step), the training accuracy (the same way, for class targets), the validation
 * loss and accuracy after the epoch, and training samples per second (the steps alone, not the
 * validation pass).
 */
public final class MiniBatchTrainer {

    /**
     * How to train.
     *
     * @param epochs at least 1
     * @param batchSize rows per step, at least 1
     * @param learningRate the base rate, positive and finite: every epoch's under the constant schedule
     * @param optimizer the update rule and its constants
     * @param seed for the shuffle
     * @param shuffle false keeps the data's order in every epoch
     * @param trainBias false freezes the biases
     * @param targetLoss stop after the first epoch whose training loss is below this (0: never)
     * @param earlyStop with a validation set: stop when the validation loss has not improved for this many
     *     epochs in a row, and end with the weights of the epoch of the lowest validation loss (0: never;
     *     every epoch runs and the last epoch's weights stay)
     * @param schedule how the rate changes from epoch to epoch
     * @param warmup epochs of linear warm-up before the schedule, fewer than epochs (0: none)
     * @param clipNorm with a positive value, each step's gradient is scaled down to this global L2 norm when it
     *     is longer, as PyTorch's {@code clip_grad_norm_(max_norm)}; 0: never clipped
     * @param dropout the probability, in [0, 1), that a training step drops a hidden unit ({@link Dropout},
     *     its masks drawn from the seed); 0: none
     */
    public record Options(int epochs, int batchSize, double learningRate, OptimizerSpec optimizer, long seed,
            boolean shuffle, boolean trainBias, double targetLoss, int earlyStop, Schedule schedule, int warmup,
            double clipNorm, double dropout) {

        /** Without dropout. */
        public Options(int epochs, int batchSize, double learningRate, OptimizerSpec optimizer, long seed,
                boolean shuffle, boolean trainBias, double targetLoss, int earlyStop, Schedule schedule, int warmup,
                double clipNorm) {
            this(epochs, batchSize, learningRate, optimizer, seed, shuffle, trainBias, targetLoss, earlyStop, schedule,
                    warmup, clipNorm, 0);
        }

        /** SGD with this momentum (0: plain), no schedule, no clipping. */
        public Options(int epochs, int batchSize, double learningRate, double momentum, long seed, boolean shuffle,
                boolean trainBias, double targetLoss, int earlyStop) {
            this(epochs, batchSize, learningRate, OptimizerSpec.sgd(momentum), seed, shuffle, trainBias, targetLoss,
                    earlyStop, Schedule.CONSTANT, 0, 0);
        }

        /** SGD with this momentum (0: plain), without early stopping, schedule or clipping. */
        public Options(int epochs, int batchSize, double learningRate, double momentum, long seed, boolean shuffle,
                boolean trainBias, double targetLoss) {
            this(epochs, batchSize, learningRate, momentum, seed, shuffle, trainBias, targetLoss, 0);
        }

        /** The momentum of SGD's rules; 0 for plain SGD and Adam. */
        public double momentum() {
            return optimizer.momentum();
        }

        /**
         * Options by name, each with the command line's default: 10 epochs, batch 64, lr 0.1, plain SGD,
         * seed 1, shuffled, biases trained, no target loss, no early stopping, a constant rate without
         * warm-up, no clipping, no dropout.
         */
        public static Builder builder() {
            return new Builder();
        }

        /** {@link Options} by name; {@link #build} checks them as the constructor does. */
        public static final class Builder {
            private int epochs = 10;
            private int batchSize = 64;
            private double learningRate = 0.1;
            private OptimizerSpec optimizer = OptimizerSpec.sgd(0);
            private long seed = 1;
            private boolean shuffle = true;
            private boolean trainBias = true;
            private double targetLoss;
            private int earlyStop;
            private Schedule schedule = Schedule.CONSTANT;
            private int warmup;
            private double clipNorm;
            private double dropout;

            private Builder() {}

            public Builder epochs(int epochs) {
                this.epochs = epochs;
                return this;
            }

            public Builder batch(int batchSize) {
                this.batchSize = batchSize;
                return this;
            }

            public Builder learningRate(double learningRate) {
                this.learningRate = learningRate;
                return this;
            }

            /** SGD with classical momentum in [0, 1), as PyTorch's {@code SGD(momentum=M)}; 0 is plain SGD. */
            public Builder momentum(double momentum) {
                this.optimizer = OptimizerSpec.sgd(momentum);
                return this;
            }

            /** The update rule: {@link OptimizerSpec#adam()}, {@link OptimizerSpec#nesterov(double)}, ... */
            public Builder optimizer(OptimizerSpec optimizer) {
                this.optimizer = java.util.Objects.requireNonNull(optimizer, "optimizer");
                return this;
            }

            /** Seeds the shuffle. */
            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            /** False keeps the data's order in every epoch. */
            public Builder shuffle(boolean shuffle) {
                this.shuffle = shuffle;
                return this;
            }

            /** False freezes the biases, as the worked example does. */
            public Builder trainBias(boolean trainBias) {
                this.trainBias = trainBias;
                return this;
            }

            /** Stop after the first epoch whose training loss is below this. */
            public Builder targetLoss(double targetLoss) {
                this.targetLoss = targetLoss;
                return this;
            }

            /** Stop when the validation loss has not improved for this many epochs, keeping the best epoch's weights. */
            public Builder earlyStop(int patience) {
                this.earlyStop = patience;
                return this;
            }

            /** How the rate changes from epoch to epoch ({@link Schedule#parse} reads the command line's form). */
            public Builder schedule(Schedule schedule) {
                this.schedule = java.util.Objects.requireNonNull(schedule, "schedule");
                return this;
            }

            /** Epochs of linear warm-up before the schedule. */
            public Builder warmup(int epochs) {
                this.warmup = epochs;
                return this;
            }

            /** Scales each step's gradient down to this global L2 norm when it is longer; 0: never. */
            public Builder clipNorm(double clipNorm) {
                this.clipNorm = clipNorm;
                return this;
            }

            /** Drops each hidden unit with this probability in training steps (inverted dropout); 0: never. */
            public Builder dropout(double p) {
                this.dropout = p;
                return this;
            }

            /** @throws IllegalArgumentException naming the first value out of its range */
            public Options build() {
                return new Options(epochs, batchSize, learningRate, optimizer, seed, shuffle, trainBias, targetLoss,
                        earlyStop, schedule, warmup, clipNorm, dropout);
            }
        }

        public Options {
            java.util.Objects.requireNonNull(optimizer, "optimizer");
            java.util.Objects.requireNonNull(schedule, "schedule");
            if (earlyStop < 0) {
                throw new IllegalArgumentException("early-stopping patience " + earlyStop + " must be at least 1, or 0 for none");
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs " + epochs + " must be at least 1");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
            }
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learning rate " + learningRate + " must be positive and finite");
            }
            if (!(targetLoss >= 0) || !Double.isFinite(targetLoss)) {
                throw new IllegalArgumentException("target loss " + targetLoss + " must be zero or positive and finite");
            }
            if (warmup < 0 || warmup >= epochs) {
                throw new IllegalArgumentException("warm-up " + warmup + " must be 0 or more epochs, fewer than the " + epochs
                        + " epochs");
            }
            if (!(clipNorm >= 0) || !Double.isFinite(clipNorm)) {
                throw new IllegalArgumentException("clip norm " + clipNorm + " must be zero or positive and finite");
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout " + dropout + " must be at least 0 and below 1");
            }
        }

        /** The dropout of these options' training steps, its masks seeded from the seed; null without dropout. */
        public Dropout newDropout() {
            return dropout > 0 ? new Dropout(dropout, seed ^ DROPOUT_SEED) : null;
        }

        /** Keeps the dropout masks apart from the shuffle's draws of the same seed. */
        private static final long DROPOUT_SEED = 0x5DEECE66DL;
    }

    /**
     * One epoch's figures. Accuracies are NaN without class targets, validation figures NaN
     * without a validation set.
     *
     * @param nanos wall time of the epoch's steps (not the validation pass)
     * @param learningRate the rate every step of the epoch took (the schedule's and warm-up's)
     */
    public record Epoch(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
            double validationAccuracy, long samples, long nanos, double learningRate) {
        /** Training samples per second in this epoch. */
        public double samplesPerSecond() {
            return nanos > 0 ? samples * 1e9 / nanos : Double.NaN;
        }
    }

    /**
     * Loss and accuracy of a network on a data set. Accuracy is NaN without class targets; regression
     * holds MSE, MAE and R² for numeric targets, null for classes.
     */
    public record Evaluation(double loss, double accuracy, int samples, RegressionReport regression) {}

    /**
     * Receives progress. {@link #batchDone} is called after every step with primitives only, so a
     * listener that draws sparingly keeps the loop allocation-free.
     */
    public interface Listener {
        default void epochStarted(int epoch, int epochs, int batches) {}

        /** After each step: batches and samples done in this epoch, the epoch's training loss so far. */
        default void batchDone(int batchesDone, long samplesDone, double runningLoss) {}

        default void epochDone(Epoch epoch) {}

        Listener NONE = new Listener() {};
    }

    /**
     * What a run did.
     *
     * @param epochs every epoch's figures, in order
     * @param reachedTarget whether training stopped early at the target loss
     * @param nanos wall time of the run, validation included
     * @param keptEpoch with early stopping, the epoch whose weights the network ended with (the lowest
     *     validation loss, the first of equals); 0 without early stopping
     * @param stoppedEarly whether early stopping ended the run before its last epoch
     */
    public record Result(List<Epoch> epochs, boolean reachedTarget, long nanos, int keptEpoch, boolean stoppedEarly) {
        public Result {
            epochs = List.copyOf(epochs);
        }

        /** Without early stopping. */
        public Result(List<Epoch> epochs, boolean reachedTarget, long nanos) {
            this(epochs, reachedTarget, nanos, 0, false);
        }

        /** The epoch whose weights the network holds: the kept one, or the last. */
        public Epoch kept() {
            return keptEpoch == 0 ? last() : epochs.get(keptEpoch - 1);
        }

        public Epoch last() {
            return epochs.getLast();
        }
    }

    private MiniBatchTrainer() {}

    /**
     * Early stopping's memory: the lowest validation loss so far, its epoch and a copy of that epoch's
     * weights, in one buffer of the network's precision allocated once (a copy per improving epoch,
     * never per step).
     */
    private static final class BestWeights {
        private final double[] f64;
        private final float[] f32;
        int epoch;
        double loss = Double.POSITIVE_INFINITY;

        BestWeights(DenseNetwork network) {
            f64 = network instanceof Network ? new double[network.parameterCount()] : null;
            f32 = network instanceof NetworkF32 ? new float[network.parameterCount()] : null;
        }

        /** Keeps the weights when this epoch's validation loss is lower than every earlier one's. */
        void offer(DenseNetwork network, int epoch, double validationLoss) {
            if (!(validationLoss < loss)) {
                return;
            }
            loss = validationLoss;
            this.epoch = epoch;
            switch (network) {
                case Network n -> n.copyParameters(f64);
                case NetworkF32 f -> f.copyParameters(f32);
            }
        }

        void restore(DenseNetwork network) {
            switch (network) {
                case Network n -> n.setParameters(f64);
                case NetworkF32 f -> f.setParameters(f32);
            }
        }

        /** A copy of the best weights, for a checkpoint; null before the first best. */
        Parameters copy() {
            return epoch == 0 ? null : f64 != null ? Parameters.of(f64.clone())
                    : Parameters.of(f32.clone());
        }

        /** Back to a checkpoint's best. */
        void resume(DenseNetwork network, int epoch, double loss, Parameters weights) {
            this.epoch = epoch;
            this.loss = loss;
            if (weights != null) {
                network.requirePrecision(weights.precision(), "best weights");
                Parameters.checkLength(weights.size(), network.parameterCount(), "best weights");
                if (f64 != null) {
                    System.arraycopy(weights.f64(), 0, f64, 0, f64.length);
                } else {
                    System.arraycopy(weights.f32(), 0, f32, 0, f32.length);
                }
            }
        }
    }

    /**
     * A run's checkpoints: the one it resumes from (null: it starts afresh), how often it saves one
     * (every this many epochs, and after its last; 0: never) and where they go.
     */
    public record Checkpoints(Checkpoint resume, int every, Sink sink) {
        /** No checkpoints, a fresh start. */
        public static final Checkpoints NONE = new Checkpoints(null, 0, null);

        public Checkpoints {
            if (every < 0) {
                throw new IllegalArgumentException("checkpoint every " + every + " epochs: at least 1, or 0 for never");
            }
            if (every > 0) {
                Objects.requireNonNull(sink, "sink");
            }
        }

        /** Where a checkpoint goes: written with the network as it is after the checkpoint's epoch. */
        @FunctionalInterface
        public interface Sink {
            /** @throws java.io.UncheckedIOException when it cannot be written: the run stops */
            void save(DenseNetwork network, Checkpoint checkpoint);
        }
    }

    /**
     * A batch's loss was NaN or infinite: training stops at once (the weights are no longer worth
     * keeping, and every later step would be NaN too).
     *
     * @param batch 1-based, of batches in the epoch
     */
    public static final class Diverged extends RuntimeException {
        private final int epoch, batch, batches;
        private final double loss;

        Diverged(int epoch, int batch, int batches, double loss) {
            super("the loss became " + loss + " at epoch " + epoch + ", batch " + batch + " of " + batches);
            this.epoch = epoch;
            this.batch = batch;
            this.batches = batches;
            this.loss = loss;
        }

        public int epoch() {
            return epoch;
        }

        public int batch() {
            return batch;
        }

        public int batches() {
            return batches;
        }

        public double loss() {
            return loss;
        }
    }

    /**
     * Where the steps run: {@link #local() here}, or spread over workers (the {@code vecprop-spark}
     * module runs them on Spark). The trainer owns the loop (epochs, shuffle, batches, reports,
     * validation, stopping); a Steps takes one step of SGD on the rows it is given.
     */
    public interface Steps {
        /**
         * Before the first step of a run: the network to train, the training set, the options, and
         * the largest batch that will come. Velocities start at zero.
         */
        void start(DenseNetwork network, Dataset train, Options options, int batch);

        /**
         * One step of the options' optimizer on the training rows {@code order[from .. from+rows)} of
         * this epoch (which, with the rows, fixes the options' dropout masks) at this learning rate,
         * updating the network in place.
         *
         * @return the batch's mean loss before the step
         */
        double step(int epoch, int[] order, int from, int rows, double learningRate);

        /** Rows of the last step's batch whose largest output, before the step, was their target's class. */
        long correct();

        /** The optimizer whose state the steps keep (for this machine, or a cluster's driver), after {@link #start}. */
        Optimizer optimizer();

        /** After the last step, also when the run failed: releases what start took. */
        default void finish() {}
    }

    /** Steps on this machine: each batch gathered into buffers allocated once, then the optimizer's step. */
    public static Steps local() {
        return new Steps() {
            private BatchBuffers buffers;
            private Dataset train;
            private Optimizer optimizer;
            private DenseNetwork network;
            private Dropout dropout;

            @Override
            public void start(DenseNetwork network, Dataset train, Options options, int batch) {
                this.buffers = BatchBuffers.of(network, batch);
                this.train = train;
                this.network = network;
                this.optimizer = Optimizer.of(options); // its state starts at zero
                this.dropout = options.newDropout();
                buffers.reserve(); // the workspace sized once for the full batch; the last, shorter one reuses it
                network.dropout(dropout);
            }

            @Override
            public double step(int epoch, int[] order, int from, int rows, double learningRate) {
                if (dropout != null) {
                    dropout.rows(epoch, order, from);
                }
                buffers.gather(train, order, from, rows);
                return buffers.trainStep(optimizer, learningRate);
            }

            @Override
            public void finish() {
                if (network != null) {
                    network.dropout(null); // the trained network evaluates, and trains again, without it
                }
            }

            @Override
            public long correct() {
                return buffers.correct(); // the outputs this step saw, before its update
            }

            @Override
            public Optimizer optimizer() {
                return optimizer;
            }
        };
    }

    /**
     * Trains network on train in place, on this machine.
     *
     * @param validation evaluated after each epoch, or null
     */
    public static Result train(DenseNetwork network, Dataset train, Dataset validation, Options options, Listener listener) {
        return train(network, train, validation, options, listener, local());
    }

    /**
     * Trains network on train in place, each step taken by steps. The batches, their order and the
     * reports are the same whatever steps is; so are the weights, up to the order in which a batch's
     * rows are summed.
     *
     * @param validation evaluated after each epoch (on this machine), or null
     */
    public static Result train(DenseNetwork network, Dataset train, Dataset validation, Options options, Listener listener,
            Steps steps) {
        return train(network, train, validation, options, listener, steps, Checkpoints.NONE);
    }

    /**
     * As {@link #train(DenseNetwork, Dataset, Dataset, Options, Listener, Steps)}, saving checkpoints and
     * going on from one: resumed from a checkpoint of epoch k (network holding its weights), the run
     * takes epochs k+1 to the options' last as the run that saved it would have, bit for bit; the
     * result holds every epoch from 1. A checkpoint is saved after every {@code every}-th epoch and
     * after the run's last, before early stopping puts the best weights back.
     *
     * @throws IllegalArgumentException when the checkpoint is not of these options ({@link Checkpoint#mismatch})
     */
    public static Result train(DenseNetwork network, Dataset train, Dataset validation, Options options, Listener listener,
            Steps steps, Checkpoints checkpoints) {
        checkFits(network, train);
        if (validation != null) {
            checkFits(network, validation);
        }
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(steps, "steps");
        if (options.earlyStop() > 0 && validation == null) {
            throw new IllegalArgumentException("early stopping watches the validation loss: give a validation set");
        }
        BestWeights best = options.earlyStop() > 0 ? new BestWeights(network) : null;
        boolean stopped = false;
        int n = train.size();
        int batch = Math.min(options.batchSize(), n);
        int batches = (n + batch - 1) / batch;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(options.seed());
        Schedule.Position rate = options.schedule().start(options.learningRate(), options.warmup(), options.epochs());
        boolean classes = train.hasClasses();
        List<Epoch> epochs = new ArrayList<>();
        boolean reached = false;
        Checkpoint resume = checkpoints.resume();
        int first = 1;
        if (resume != null) {
            String why = resume.mismatch(options, n);
            if (why != null) {
                throw new IllegalArgumentException("cannot resume from the checkpoint after epoch " + resume.epoch() + ": " + why);
            }
            for (int e = 1; e <= resume.epoch() && options.shuffle(); e++) {
                shuffle(order, rnd); // the generator's state, and the order, after those epochs
            }
            rate.restore(resume.plateauBest(), resume.plateauBadEpochs(), resume.plateauReductions());
            if (best != null) {
                best.resume(network, resume.bestEpoch(), resume.bestLoss(), resume.bestWeights());
            }
            epochs.addAll(resume.history());
            first = resume.epoch() + 1;
        }
        long start = System.nanoTime();
        steps.start(network, train, options, batch);
        try {
            if (resume != null) {
                steps.optimizer().restore(network, resume.optimizer());
            }
            for (int epoch = first; epoch <= options.epochs() && !reached && !stopped; epoch++) {
                if (options.shuffle()) {
                    shuffle(order, rnd);
                }
                double lr = rate.rate(epoch);
                listener.epochStarted(epoch, options.epochs(), batches);
                long epochStart = System.nanoTime();
                double lossSum = 0;
                long correct = 0;
                for (int b = 0, from = 0; b < batches; b++, from += batch) {
                    int rows = Math.min(batch, n - from);
                    double loss = steps.step(epoch, order, from, rows, lr);
                    if (!Double.isFinite(loss)) {
                        throw new Diverged(epoch, b + 1, batches, loss);
                    }
                    lossSum += loss * rows;
                    if (classes) {
                        correct += steps.correct();
                    }
                    listener.batchDone(b + 1, (long) from + rows, lossSum / (from + rows));
                }
                long nanos = System.nanoTime() - epochStart;
                double trainLoss = lossSum / n;
                Evaluation v = validation == null ? null : evaluate(network, validation, batch);
                Epoch e = new Epoch(epoch, trainLoss, classes ? (double) correct / n : Double.NaN,
                        v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy(), n, nanos, lr);
                epochs.add(e);
                listener.epochDone(e);
                reached = options.targetLoss() > 0 && trainLoss < options.targetLoss();
                rate.observe(epoch, v == null ? trainLoss : v.loss()); // plateau watches the validation loss when there is one
                if (best != null) {
                    best.offer(network, epoch, e.validationLoss());
                    stopped = epoch - best.epoch >= options.earlyStop() && epoch < options.epochs();
                }
                boolean last = epoch == options.epochs() || reached || stopped;
                if (checkpoints.every() > 0 && (epoch % checkpoints.every() == 0 || last)) {
                    checkpoints.sink().save(network, new Checkpoint(epoch, n, options, steps.optimizer().state(network),
                            rate.best(), rate.badEpochs(), rate.reductions(), best == null ? 0 : best.epoch,
                            best == null ? Double.POSITIVE_INFINITY : best.loss, best == null ? null : best.copy(),
                            epochs, last));
                }
            }
        } finally {
            steps.finish();
        }
        if (best != null && best.epoch > 0) {
            best.restore(network);
        }
        // no improving epoch at all (every validation loss NaN): the last epoch's weights stay
        int kept = best == null ? 0 : best.epoch > 0 ? best.epoch : epochs.size();
        return new Result(epochs, reached, System.nanoTime() - start, kept, stopped);
    }

    /**
     * The mean loss over a data set and, for class targets, the share of rows whose largest output
     * is the target's class; in chunks of up to chunk rows. Changes no weight.
     */
    public static Evaluation evaluate(DenseNetwork network, Dataset data, int chunk) {
        return evaluate(network, data, chunk, null);
    }

    /**
     * As {@link #evaluate(DenseNetwork, Dataset, int)}, and for class targets also each row counted
     * into {@code confusion[actual][predicted]} (outputs x outputs, added to), when it is not null.
     */
    public static Evaluation evaluate(DenseNetwork network, Dataset data, int chunk, long[][] confusion) {
        checkFits(network, data);
        if (confusion != null && (confusion.length != network.outputs() || confusion[0].length != network.outputs())) {
            throw new IllegalArgumentException("a confusion matrix of " + confusion.length + " rows for " + network.outputs()
                    + " outputs");
        }
        int n = data.size();
        int rowsPer = Math.max(1, Math.min(chunk, n));
        BatchBuffers buffers = BatchBuffers.of(network, rowsPer);
        double lossSum = 0;
        long correct = 0;
        RegressionReport.Sums sums = data.hasClasses() ? null : new RegressionReport.Sums(data.targets());
        for (int from = 0; from < n; from += rowsPer) {
            int rows = Math.min(rowsPer, n - from);
            buffers.gather(data, null, from, rows);
            lossSum += buffers.loss() * rows;
            if (sums != null) {
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < data.targetWidth(); j++) {
                        sums.add(from + r, j, buffers.value(r, j));
                    }
                }
            }
            if (data.hasClasses()) {
                correct += buffers.correct();
                if (confusion != null) {
                    double[] t = data.targets().data;
                    int k = data.targetWidth();
                    for (int r = 0; r < rows; r++) {
                        confusion[NetworkBatch.argmax(t, (from + r) * k, k)][buffers.predictedClass(r)]++;
                    }
                }
            }
        }
        return new Evaluation(lossSum / n, data.hasClasses() ? (double) correct / n : Double.NaN, n,
                sums == null ? null : sums.report());
    }

    /** Shuffles order in place, Fisher-Yates from rnd. */
    public static void shuffle(int[] order, SplittableRandom rnd) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
    }

    private static void checkFits(DenseNetwork network, Dataset data) {
        if (data.size() < 1) {
            throw new IllegalArgumentException(data.name() + " has no samples");
        }
        if (data.inputWidth() != network.inputs()) {
            throw new IllegalArgumentException(data.name() + " has " + data.inputWidth() + " inputs per sample but the network takes "
                    + network.inputs());
        }
        if (data.targetWidth() != network.outputs()) {
            throw new IllegalArgumentException(data.name() + " has " + data.targetWidth() + (data.hasClasses() ? " classes" : " targets")
                    + " per sample but the network has " + network.outputs() + " outputs");
        }
    }
}
