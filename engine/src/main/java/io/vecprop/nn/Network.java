package io.vecprop.nn;

import io.vecprop.GenerateF32;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.Precision;
import io.vecprop.kernels.Kernels;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * An ordered list of dense layers of any widths: the forward pass, the loss, the backward pass
 * and its gradients, and the fused step of plain gradient descent. How else the weights move along
 * the gradient (momentum's velocities, and what later optimizers keep) is an optimizer's, in
 * {@code io.vecprop.train}, which drives {@link #step(DMatrixRMaj, DMatrixRMaj, LayerUpdate)}.
 *
 * <p>Each layer has its {@link Activation} (sigmoid by default, as in the worked example), and
 * the output layer's fits the {@link Loss}: any elementwise one under the squared errors, sigmoid
 * under the binary cross-entropy, softmax under cross-entropy. Layer l's delta is
 * {@code dE/dnet(l)}: at the output the loss's (for the worked example
 * {@code (out - target) · out · (1 - out)}), below it {@code delta(l) = (delta(l+1) · W(l+1)) ∘ f'(net(l))}.
 *
 * <p>Batches are {@link DMatrixRMaj} with one sample per row (N x inputs); targets are N x outputs.
 * For one sample the half-squared error is the worked example's {@code E_total = 1/2 · Σ (target - out)²};
 * for a batch it is the mean of that over the samples, so a batch of one is exactly the example.
 *
 * <p>Forward and backward write into a {@link Workspace} that the network keeps, sized for the
 * largest batch it has seen: steps at that size or smaller allocate nothing. All arithmetic goes
 * through {@link Kernels}, so the implementation behind it can change without touching this
 * class. A network is not thread-safe.
 */
@GenerateF32
public final class Network implements DenseNetwork {

    private final Kernels kernels;
    private final Loss loss;
    private final DenseLayer[] layers;
    /** Each layer's activation; the output's fits the loss. */
    private final Activation[] activations;
    private final int parameterCount;
    private Workspace workspace;
    /** Times the phases of each step when a profile set it ({@link #time}); null otherwise. */
    private PhaseClock clock;
    /** Drops hidden units in training passes when set ({@link #dropout(Dropout)}); null otherwise. */
    private Dropout dropout;

    private Network(Kernels kernels, Loss loss, List<Activation> activations, DenseLayer[] layers) {
        this.kernels = Objects.requireNonNull(kernels, "kernels");
        this.loss = Objects.requireNonNull(loss, "loss");
        if (layers.length == 0) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        for (int l = 1; l < layers.length; l++) {
            if (layers[l].inputs() != layers[l - 1].outputs()) {
                throw new IllegalArgumentException("layer " + l + " takes " + layers[l].inputs()
                        + " inputs but layer " + (l - 1) + " gives " + layers[l - 1].outputs() + " outputs");
            }
        }
        this.layers = layers;
        List<Activation> fs = activations != null ? activations : DenseNetwork.activations(null, layers.length, loss);
        DenseNetwork.checkActivations(fs, layers.length, loss);
        this.activations = fs.toArray(Activation[]::new);
        this.parameterCount = DenseNetwork.super.parameterCount();
    }

    /** A sigmoid network on the half-squared error of the given layers, input to output. The layers are used, not copied. */
    public static Network of(Kernels kernels, DenseLayer... layers) {
        return new Network(kernels, Loss.HALF_SQUARED_ERROR, null, layers.clone());
    }

    /** A sigmoid network on the half-squared error of the given layers, input to output. The layers are used, not copied. */
    public static Network of(Kernels kernels, List<DenseLayer> layers) {
        return of(kernels, Loss.HALF_SQUARED_ERROR, layers);
    }

    /** A network of the given layers, input to output, whose output layer and loss are loss's. The layers are used, not copied. */
    public static Network of(Kernels kernels, Loss loss, List<DenseLayer> layers) {
        return new Network(kernels, loss, null, layers.toArray(DenseLayer[]::new));
    }

    /**
     * A network of the given layers, input to output, each with its activation (one per layer: see
     * {@link DenseNetwork#checkActivations}), trained on loss. The layers are used, not copied.
     */
    public static Network of(Kernels kernels, Loss loss, List<Activation> activations, List<DenseLayer> layers) {
        return new Network(kernels, loss, Objects.requireNonNull(activations, "activations"),
                layers.toArray(DenseLayer[]::new));
    }

    /**
     * A network of the given widths (inputs first, outputs last) with weights and biases drawn as
     * {@code nn.Linear} does, uniform in ±1/sqrt(in), from one {@link SplittableRandom} seeded with
     * seed: the same widths and seed give the same network.
     */
    public static Network random(Kernels kernels, long seed, int... widths) {
        return random(kernels, Loss.HALF_SQUARED_ERROR, seed, widths);
    }

    /** As {@link #random(Kernels, long, int...)}, with the output layer and loss of loss. */
    public static Network random(Kernels kernels, Loss loss, long seed, int... widths) {
        return random(kernels, loss, null, Init.AUTO, seed, widths);
    }

    /**
     * A network of the given widths and activations (null: sigmoid hidden layers and the loss's
     * output), each layer drawn by init for its activation ({@link DenseLayer#random(int, int, Init,
     * Activation, SplittableRandom)}), all from one {@link SplittableRandom} seeded with seed.
     */
    public static Network random(Kernels kernels, Loss loss, List<Activation> activations, Init init, long seed,
            int... widths) {
        checkWidths(widths);
        List<Activation> fs = activations != null ? activations : DenseNetwork.activations(null, widths.length - 1, loss);
        DenseNetwork.checkActivations(fs, widths.length - 1, loss);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<DenseLayer> layers = new ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            layers.add(DenseLayer.random(widths[l], widths[l + 1], init, fs.get(l), rnd));
        }
        return of(kernels, loss, fs, layers);
    }

    private static void checkWidths(int... widths) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("widths " + java.util.Arrays.toString(widths)
                    + ": need at least an input and an output width");
        }
        for (int w : widths) {
            if (w < 1) {
                throw new IllegalArgumentException("widths " + java.util.Arrays.toString(widths)
                        + ": every width must be at least 1");
            }
        }
    }

    /**
     * A builder of a new network, layer by layer:
     * {@code Network.builder().input(784).dense(1024, RELU).dense(10, SOFTMAX).loss(Loss.CROSS_ENTROPY).init(Init.HE).seed(7).build(kernels)}.
     * A hidden layer without an activation is sigmoid, an output layer without one gets its loss's
     * default ({@link Loss#defaultOutput}); the loss defaults to the half-squared error, or, when
     * the output layer's activation is given, to the one that fits it ({@link Loss#forOutput}).
     * Weights are drawn as {@link #random(Kernels, Loss, List, Init, long, int...)} draws them, so
     * the same layers and seed give the same network.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** See {@link #builder()}. Defaults: sigmoid layers, the init that fits each activation, seed 1. */
    public static final class Builder {
        private final List<Integer> widths = new ArrayList<>();
        private final List<Activation> activations = new ArrayList<>(); // null where not given
        private Loss loss;
        private Init init = Init.AUTO;
        private long seed = 1;

        private Builder() {}

        /** The input width, first. */
        public Builder input(int width) {
            if (!widths.isEmpty()) {
                throw new IllegalStateException("input(" + width + ") after the input or a layer: it comes first, once");
            }
            widths.add(requirePositive(width, "input width"));
            return this;
        }

        /** A dense layer of this many units on top of the last, sigmoid if hidden, the loss's if the output. */
        public Builder dense(int units) {
            return add(units, null);
        }

        /** A dense layer of this many units and this activation on top of the last. */
        public Builder dense(int units, Activation activation) {
            return add(units, Objects.requireNonNull(activation, "activation"));
        }

        private Builder add(int units, Activation activation) {
            if (widths.isEmpty()) {
                throw new IllegalStateException("dense(" + units + ") before input(width): say the input width first");
            }
            widths.add(requirePositive(units, "units"));
            activations.add(activation);
            return this;
        }

        /** The loss, which the output layer's activation must fit. */
        public Builder loss(Loss loss) {
            this.loss = Objects.requireNonNull(loss, "loss");
            return this;
        }

        /** How every layer is drawn; {@link Init#AUTO} (the default) picks per layer from its activation. */
        public Builder init(Init init) {
            this.init = Objects.requireNonNull(init, "init");
            return this;
        }

        /** Seeds the weights' draw. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The network, computing with kernels.
         *
         * @throws IllegalArgumentException when softmax is on a hidden layer or the output does not fit the loss
         */
        public Network build(Kernels kernels) {
            if (widths.size() < 2) {
                throw new IllegalStateException("a network needs input(width) and at least one dense(units) layer");
            }
            int layers = activations.size();
            Activation output = activations.get(layers - 1);
            Loss l = loss != null ? loss : output != null ? Loss.forOutput(output, false) : Loss.HALF_SQUARED_ERROR;
            List<Activation> all = new ArrayList<>();
            for (int i = 0; i < layers; i++) {
                Activation a = activations.get(i);
                all.add(a != null ? a : i + 1 < layers ? Activation.SIGMOID : l.defaultOutput());
            }
            return random(kernels, l, all, init, seed, widths.stream().mapToInt(Integer::intValue).toArray());
        }

        private static int requirePositive(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " " + n + " must be at least 1");
            }
            return n;
        }
    }

    /** A deep copy of the weights and biases, computing with the given kernels. */
    public Network copy(Kernels kernels) {
        DenseLayer[] copies = new DenseLayer[layers.length];
        for (int l = 0; l < layers.length; l++) {
            copies[l] = layers[l].copy();
        }
        return new Network(kernels, loss, List.of(activations), copies);
    }

    public Kernels kernels() {
        return kernels;
    }

    @Override
    public Precision precision() {
        return Precision.F64; //@f32 return Precision.F32;
    }

    @Override
    public Loss lossFunction() {
        return loss;
    }

    @Override
    public Activation activation(int l) {
        return activations[l];
    }

    @Override
    public int layerCount() {
        return layers.length;
    }

    /** Layer l, live: training updates it. */
    public DenseLayer layer(int l) {
        return layers[l];
    }

    @Override
    public int inputs() {
        return layers[0].inputs();
    }

    @Override
    public int outputs() {
        return layers[layers.length - 1].outputs();
    }

    @Override
    public int[] widths() {
        int[] widths = new int[layers.length + 1];
        widths[0] = inputs();
        for (int l = 0; l < layers.length; l++) {
            widths[l + 1] = layers[l].outputs();
        }
        return widths;
    }

    @Override
    public int parameterCount() {
        return parameterCount;
    }

    /**
     * The workspace of the last pass: its net, out and delta are the last batch's, its gradients
     * those {@link #backward} or {@link #gradientSum} left.
     *
     * @throws IllegalStateException before the first pass
     */
    public Workspace workspace() {
        if (workspace == null) {
            throw new IllegalStateException("no workspace yet: call forward, loss, backward or a step first");
        }
        return workspace;
    }

    /**
     * Shapes the kept workspace for batches of n rows and returns it: reshaped in place when it
     * holds n rows, else replaced by a new one for n (the only allocation of a step).
     */
    public Workspace reserveWorkspace(int n) {
        if (workspace == null || workspace.capacity() < n) {
            workspace = new Workspace(layers, n);
        } else {
            workspace.resize(n);
        }
        return workspace;
    }

    /**
     * Drops hidden units, as dropout says, in every following training pass ({@link #trainStep},
     * {@link #step}, {@link #backward}, {@link #gradientSum}), or stops dropping when it is null.
     * {@link #forward} and {@link #loss} never drop: that is evaluation. A network of one layer has
     * no hidden unit to drop.
     */
    public void dropout(Dropout dropout) {
        this.dropout = dropout;
    }

    /** The dropout of the training passes, or null. */
    public Dropout dropout() {
        return dropout;
    }

    /**
     * Forward pass: for each layer, {@code net = in · Wᵀ + b} and {@code out = sigmoid(net)}, or
     * {@code out = softmax(net)} row by row for the output layer under cross-entropy.
     *
     * @param x N x inputs, one sample per row
     * @return the output layer's out, N x outputs, live in the workspace (overwritten by the next pass)
     */
    public DMatrixRMaj forward(DMatrixRMaj x) {
        checkInput(x);
        return propagate(x, true, false);
    }

    /**
     * The forward pass on an input already checked; the output layer's activation is skipped when
     * outputActivation is false (softmax on cross-entropy is applied by the loss kernel instead).
     * A training pass with dropout multiplies each hidden layer's out by its mask, {@code out ∘ keep},
     * and the layer above takes that in.
     */
    private DMatrixRMaj propagate(DMatrixRMaj x, boolean outputActivation, boolean train) {
        Workspace ws = reserveWorkspace(x.numRows);
        boolean drop = train && dropout != null && dropout.rate() > 0 && layers.length > 1;
        if (drop) {
            ws.ensureDropout();
        }
        ws.dropping(drop);
        DMatrixRMaj in = x;
        int last = layers.length - 1;
        for (int l = 0; l <= last; l++) {
            DenseLayer layer = layers[l];
            kernels.multTransBAddBias(in, layer.weights(), layer.bias(), ws.net(l));
            mark(PhaseClock.Phase.FORWARD_PRODUCT, l);
            if (l == last && !outputActivation) {
                return null;
            }
            // out = f(net): the sigmoid of the worked example, or the layer's own
            kernels.activate(activations[l], ws.net(l), ws.out(l));
            in = ws.out(l);
            if (drop && l < last) {
                // inverted dropout: out ∘ keep, keep 0 or 1/(1 - p) per unit
                dropout.fill(kernels, l, ws.keep(l));
                kernels.mulElements(ws.keep(l), ws.out(l), ws.dropped(l));
                in = ws.dropped(l);
            }
            mark(PhaseClock.Phase.ACTIVATION, l);
        }
        return in;
    }

    /**
     * The loss of the current weights on a batch: the mean over samples of E_total. Computed by
     * the same kernel as in {@link #backward} and {@link #trainStep}, so all three agree exactly
     * (it leaves the output delta in the workspace as they do).
     */
    public double loss(DMatrixRMaj x, DMatrixRMaj target) {
        return forwardAndOutputDelta(x, target, false);
    }

    /**
     * Forward and backward pass: fills the workspace's net, out and delta of every layer, and the
     * gradients dE/dW = deltaᵀ · in / N and dE/db = column sums of delta / N. Weights are not
     * changed. A training pass: with {@link #dropout(Dropout)} set, it drops units.
     *
     * @return the loss E of the current weights on this batch
     */
    public double backward(DMatrixRMaj x, DMatrixRMaj target) {
        double loss = forwardAndDeltas(x, target, true);
        formGradients(x, 1.0 / x.numRows);
        return loss;
    }

    /**
     * The workspace's gradients from the deltas of the last pass on x, scaled by scale (1/N for the
     * mean, 1 for the sum): {@code gradW = scale · deltaᵀ · in}, {@code gradB = scale · column sums of delta}.
     */
    private void formGradients(DMatrixRMaj x, double scale) {
        Workspace ws = workspace;
        ws.ensureGradients(layers);
        for (int l = 0; l < layers.length; l++) {
            DMatrixRMaj gradW = ws.gradW(l);
            gradW.zero();
            kernels.multAddTransA(scale, ws.delta(l), input(x, l), gradW);
            ws.gradB(l).zero();
            kernels.addColumnSums(scale, ws.delta(l), ws.gradB(l));
        }
    }

    /**
     * One step of gradient descent on a batch, updating the weights in place without forming dW:
     * a batch of one applies the outer product {@code W -= lr · delta · inᵀ}; a larger batch the
     * rank-N update {@code W -= lr/N · deltaᵀ · in}. Each hidden delta is taken through the weights
     * above as they were before this step. Equivalent to {@link #backward} then
     * {@code W -= lr · dW}, {@code b -= lr · db}, but cheaper: plain SGD's step, fused.
     *
     * @param trainBias false freezes the biases, as the worked example does
     * @return the loss E before the step
     */
    public double trainStep(DMatrixRMaj x, DMatrixRMaj target, double lr, boolean trainBias) {
        if (clock != null) {
            clock.startStep();
        }
        double loss = forwardAndOutputDelta(x, target, true);
        Workspace ws = workspace;
        int n = x.numRows;
        for (int l = layers.length - 1; l >= 0; l--) {
            DenseLayer layer = layers[l];
            DMatrixRMaj delta = ws.delta(l);
            DMatrixRMaj in = input(x, l);
            if (n == 1 && !ws.dropping()) { // the online kernel reads f' from in, which dropout changed
                // (a batch of one with dropout takes the general path below)
                if (l > 0) {
                    // one pass over W: delta of the layer below through W before the update, then W -= lr · delta · inᵀ
                    kernels.onlineBackward(activations[l - 1], -lr, delta, ws.net(l - 1), in, layer.weights(), ws.delta(l - 1));
                } else {
                    kernels.addOuterProd(-lr, delta, in, layer.weights());
                }
                mark(PhaseClock.Phase.WEIGHT_UPDATE, l);
                if (trainBias) {
                    kernels.axpy(-lr, delta, layer.bias());
                    mark(PhaseClock.Phase.BIAS_UPDATE, l);
                }
            } else {
                if (l > 0) {
                    hiddenDelta(l); // delta of the layer below, through W before the update
                }
                kernels.multAddTransA(-lr / n, delta, in, layer.weights());
                mark(PhaseClock.Phase.WEIGHT_UPDATE, l);
                if (trainBias) {
                    // b -= lr/N · column sums of delta
                    kernels.addColumnSums(-lr / n, delta, layer.bias());
                    mark(PhaseClock.Phase.BIAS_UPDATE, l);
                }
            }
        }
        return loss;
    }

    /**
     * One step whose update rule is update's (an optimizer's): the forward pass, the loss and every
     * layer's delta, each hidden delta taken through the weights as they were before this step;
     * then, from the output layer down, {@link LayerUpdate#weights} and {@link LayerUpdate#bias}
     * with that layer's delta (N x out) and input (N x in), from which {@code dE/dW = deltaᵀ · in / N}
     * and {@code dE/db = column sums of delta / N}. Allocates nothing after the first call at a batch size.
     *
     * @return the loss E before the step
     */
    public double step(DMatrixRMaj x, DMatrixRMaj target, LayerUpdate update) {
        if (clock != null) {
            clock.startStep();
        }
        double e = forwardAndDeltas(x, target, true); // every delta through the weights before this step
        Workspace ws = workspace;
        for (int l = layers.length - 1; l >= 0; l--) {
            DenseLayer layer = layers[l];
            update.weights(l, layer.weights(), ws.delta(l), input(x, l));
            mark(PhaseClock.Phase.WEIGHT_UPDATE, l);
            if (update.bias(l, layer.bias(), ws.delta(l))) {
                mark(PhaseClock.Phase.BIAS_UPDATE, l);
            }
        }
        return e;
    }

    /**
     * The gradient sums of a batch, for data-parallel training: the forward pass, every delta, then
     * per layer {@code gradW = deltaᵀ · in} and {@code gradB = column sums of delta}, summed over the
     * rows and not divided by N, so the sums of several batches add up to the sum over their union.
     * They are left in the workspace ({@link #copyGradients}); the weights are not changed.
     *
     * @return the sum over the rows of each row's E_total (the batch's mean loss times N)
     */
    public double gradientSum(DMatrixRMaj x, DMatrixRMaj target) {
        double loss = forwardAndDeltas(x, target, true);
        formGradients(x, 1);
        return loss * x.numRows;
    }

    /**
     * The workspace's gradients (left by {@link #backward} or {@link #gradientSum}) into one flat
     * array of {@link #parameterCount()} values: layer by layer, W row-major, then b.
     */
    public void copyGradients(double[] to) {
        if (workspace == null) {
            throw new IllegalStateException("no gradients yet: call gradientSum or backward first");
        }
        Parameters.checkLength(to.length, parameterCount(), "gradient");
        int at = 0;
        for (int l = 0; l < layers.length; l++) {
            at = Parameters.flatten(workspace.gradW(l), to, at);
            at = Parameters.flatten(workspace.gradB(l), to, at);
        }
    }

    /** Every weight and bias into one flat array of {@link #parameterCount()} values: layer by layer, W row-major, then b. */
    public void copyParameters(double[] to) {
        Parameters.checkLength(to.length, parameterCount(), "parameter");
        int at = 0;
        for (DenseLayer layer : layers) {
            at = Parameters.flatten(layer.weights(), to, at);
            at = Parameters.flatten(layer.bias(), to, at);
        }
    }

    /** Sets every weight and bias from a flat array laid out as {@link #copyParameters} writes it. */
    public void setParameters(double[] from) {
        Parameters.checkLength(from.length, parameterCount(), "parameter");
        int at = 0;
        for (DenseLayer layer : layers) {
            at = Parameters.unflatten(from, at, layer.weights());
            at = Parameters.unflatten(from, at, layer.bias());
        }
    }

    /**
     * Forward pass, loss and every layer's delta. Output layer:
     * {@code delta = (out - target) · out · (1 - out)}; hidden layer l:
     * {@code delta(l) = (delta(l+1) · W(l+1)) ∘ out(l) ∘ (1 - out(l))}, all computed before any
     * weight changes. In a training pass with dropout, a dropped unit's delta is 0 and a kept one's
     * is scaled as its out was: {@code delta(l) ∘= keep(l)}.
     */
    private double forwardAndDeltas(DMatrixRMaj x, DMatrixRMaj target, boolean train) {
        double loss = forwardAndOutputDelta(x, target, train);
        for (int l = layers.length - 1; l > 0; l--) {
            hiddenDelta(l);
        }
        return loss;
    }

    /**
     * The delta of layer l - 1 from layer l's, through layer l's weights as they are:
     * {@code delta(l-1) = (delta(l) · W(l)) ∘ f'(net(l-1))}, then {@code ∘ keep(l-1)} when the pass dropped units.
     */
    private void hiddenDelta(int l) {
        Workspace ws = workspace;
        kernels.hiddenDelta(activations[l - 1], ws.delta(l), layers[l].weights(), ws.net(l - 1), ws.out(l - 1),
                ws.delta(l - 1));
        if (ws.dropping()) {
            kernels.mulElements(ws.keep(l - 1), ws.delta(l - 1), ws.delta(l - 1));
        }
        mark(PhaseClock.Phase.HIDDEN_DELTA, l);
    }

    /**
     * Forward pass, the loss, and the output layer's delta: {@code (out - target) · out · (1 - out)}
     * for sigmoid outputs on the half-squared error, {@code out - target} for softmax on cross-entropy.
     */
    private double forwardAndOutputDelta(DMatrixRMaj x, DMatrixRMaj target, boolean train) {
        checkTarget(x, target); // checks the input too
        Workspace ws = reserveWorkspace(x.numRows);
        int last = layers.length - 1;
        int n = x.numRows;
        double outputs = outputs();
        Activation f = activations[last];
        double e;
        switch (loss) {
            case CROSS_ENTROPY -> {
                // the forward pass up to net of the output layer; softmax, E and delta in one kernel
                propagate(x, false, train);
                // E = -Σ target · log(out), averaged over the batch
                e = kernels.softmaxCrossEntropy(ws.net(last), target, ws.out(last), ws.delta(last)) / n;
            }
            case BINARY_CROSS_ENTROPY -> {
                propagate(x, false, train);
                // E = mean over outputs of -(t·log(out) + (1 - t)·log(1 - out)); delta = (out - t) / outputs
                e = kernels.sigmoidBinaryCrossEntropy(1 / outputs, ws.net(last), target, ws.out(last), ws.delta(last))
                        / (n * outputs);
            }
            case MSE -> {
                propagate(x, true, train);
                // E = mean over outputs of (out - t)²; delta = 2/outputs · (out - t) · f'(net)
                e = kernels.squaredErrorDelta(f, 2 / outputs, ws.net(last), ws.out(last), target, ws.delta(last))
                        / (n * outputs);
            }
            case HALF_SQUARED_ERROR -> {
                propagate(x, true, train);
                // E_total = 1/2 · Σ (target - out)², averaged over the batch
                double sumSq = f.kind() == Activation.Kind.SIGMOID
                        ? kernels.outputDelta(ws.out(last), target, ws.delta(last))
                        : kernels.squaredErrorDelta(f, 1, ws.net(last), ws.out(last), target, ws.delta(last));
                e = 0.5 * sumSq / n;
            }
            default -> throw new IllegalStateException(loss.id());
        }
        mark(PhaseClock.Phase.LOSS_AND_OUTPUT_DELTA, last);
        return e;
    }

    /**
     * Times the phases of every following training step on the given clock (sized for this
     * network's layers), or stops timing when it is null. For profiles: a timed step costs one
     * clock read per phase and layer more than an untimed one.
     */
    public void time(PhaseClock clock) {
        if (clock != null && clock.layers() != layers.length) {
            throw new IllegalArgumentException("the clock is sized for " + clock.layers() + " layers, the network has "
                    + layers.length);
        }
        this.clock = clock;
    }

    private void mark(PhaseClock.Phase phase, int l) {
        if (clock != null) {
            clock.mark(phase, l);
        }
    }

    /** Layer l's input in the last pass: x, or the out of the layer below (dropped, when the pass dropped units). */
    private DMatrixRMaj input(DMatrixRMaj x, int l) {
        return l == 0 ? x : workspace.dropping() ? workspace.dropped(l - 1) : workspace.out(l - 1);
    }

    private void checkInput(DMatrixRMaj x) {
        if (x.numRows < 1 || x.numCols != inputs()) {
            throw new IllegalArgumentException("input is " + Kernels.shape(x) + " but the network takes N x "
                    + inputs() + " with N >= 1 (one sample per row)");
        }
    }

    private void checkTarget(DMatrixRMaj x, DMatrixRMaj target) {
        checkInput(x);
        if (target.numRows != x.numRows || target.numCols != outputs()) {
            throw new IllegalArgumentException("target is " + Kernels.shape(target) + " but the input is "
                    + Kernels.shape(x) + " and the network has " + outputs() + " outputs: the target must be "
                    + x.numRows + "x" + outputs());
        }
    }
}
