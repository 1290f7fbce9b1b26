package io.vecprop.nn;

import io.vecprop.kernels.Precision;
import io.vecprop.GenerateF32;
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
 * {@code io.vecprop.train}, which drives {@link #step(DMatrixRMaj, DMatrixRMaj, LayerUpdate)}. Hidden layers are sigmoid; the output layer is sigmoid under the
 * half-squared-error loss (the worked example) or softmax under cross-entropy ({@link Loss}).
 *
 * <p>Batches are {@link DMatrixRMaj} with one sample per row (N x inputs); targets are N x outputs.
 * For one sample the loss is the worked example's {@code E_total = 1/2 · Σ (target - out)²}; for a
 * batch it is the mean of that over the samples, so a batch of one is exactly the example.
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
    private final int parameterCount;
    private Workspace workspace;
    /** Times the phases of each step when a profile set it ({@link #time}); null otherwise. */
    private PhaseClock clock;

    private Network(Kernels kernels, Loss loss, DenseLayer[] layers) {
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
        this.parameterCount = DenseNetwork.super.parameterCount();
    }

    /** A sigmoid network on the half-squared error of the given layers, input to output. The layers are used, not copied. */
    public static Network of(Kernels kernels, DenseLayer... layers) {
        return new Network(kernels, Loss.HALF_SQUARED_ERROR, layers.clone());
    }

    /** A sigmoid network on the half-squared error of the given layers, input to output. The layers are used, not copied. */
    public static Network of(Kernels kernels, List<DenseLayer> layers) {
        return of(kernels, Loss.HALF_SQUARED_ERROR, layers);
    }

    /** A network of the given layers, input to output, whose output layer and loss are loss's. The layers are used, not copied. */
    public static Network of(Kernels kernels, Loss loss, List<DenseLayer> layers) {
        return new Network(kernels, loss, layers.toArray(DenseLayer[]::new));
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
        SplittableRandom rnd = new SplittableRandom(seed);
        List<DenseLayer> layers = new ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            layers.add(DenseLayer.random(widths[l], widths[l + 1], rnd));
        }
        return of(kernels, loss, layers);
    }

    /**
     * A builder of a new network, layer by layer:
     * {@code Network.builder().input(784).dense(128).dense(10).loss(Loss.CROSS_ENTROPY).seed(7).build(kernels)}.
     * Layers are sigmoid (the output's activation is the loss's); weights are drawn as
     * {@link #random(Kernels, Loss, long, int...)} draws them, so the same widths and seed give the same network.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** See {@link #builder()}. Defaults: the half-squared error, seed 1. */
    public static final class Builder {
        private final List<Integer> widths = new ArrayList<>();
        private Loss loss = Loss.HALF_SQUARED_ERROR;
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

        /** A dense layer of this many units on top of the last. */
        public Builder dense(int units) {
            if (widths.isEmpty()) {
                throw new IllegalStateException("dense(" + units + ") before input(width): say the input width first");
            }
            widths.add(requirePositive(units, "units"));
            return this;
        }

        /** The loss, which also fixes the output layer's activation. */
        public Builder loss(Loss loss) {
            this.loss = Objects.requireNonNull(loss, "loss");
            return this;
        }

        /** Seeds the weights' draw. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The network, computing with kernels. */
        public Network build(Kernels kernels) {
            if (widths.size() < 2) {
                throw new IllegalStateException("a network needs input(width) and at least one dense(units) layer");
            }
            return random(kernels, loss, seed, widths.stream().mapToInt(Integer::intValue).toArray());
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
        return new Network(kernels, loss, copies);
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
     * Forward pass: for each layer, {@code net = in · Wᵀ + b} and {@code out = sigmoid(net)}, or
     * {@code out = softmax(net)} row by row for the output layer under cross-entropy.
     *
     * @param x N x inputs, one sample per row
     * @return the output layer's out, N x outputs, live in the workspace (overwritten by the next pass)
     */
    public DMatrixRMaj forward(DMatrixRMaj x) {
        checkInput(x);
        return propagate(x);
    }

    /** The forward pass on an input already checked. */
    private DMatrixRMaj propagate(DMatrixRMaj x) {
        return propagate(x, true);
    }

    /**
     * The forward pass on an input already checked; the output layer's activation is skipped when
     * outputActivation is false (softmax on cross-entropy is applied by the loss kernel instead).
     */
    private DMatrixRMaj propagate(DMatrixRMaj x, boolean outputActivation) {
        Workspace ws = reserveWorkspace(x.numRows);
        DMatrixRMaj in = x;
        int last = layers.length - 1;
        for (int l = 0; l <= last; l++) {
            DenseLayer layer = layers[l];
            kernels.multTransBAddBias(in, layer.weights(), layer.bias(), ws.net(l));
            mark(PhaseClock.Phase.FORWARD_PRODUCT, l);
            if (l < last) {
                kernels.sigmoid(ws.net(l), ws.out(l));
            } else if (!outputActivation) {
                return null;
            } else if (loss == Loss.CROSS_ENTROPY) {
                kernels.softmax(ws.net(l), ws.out(l));
            } else {
                kernels.sigmoid(ws.net(l), ws.out(l));
            }
            mark(PhaseClock.Phase.ACTIVATION, l);
            in = ws.out(l);
        }
        return in;
    }

    /**
     * The loss of the current weights on a batch: the mean over samples of E_total. Computed by
     * the same kernel as in {@link #backward} and {@link #trainStep}, so all three agree exactly
     * (it leaves the output delta in the workspace as they do).
     */
    public double loss(DMatrixRMaj x, DMatrixRMaj target) {
        return forwardAndOutputDelta(x, target);
    }

    /**
     * Forward and backward pass: fills the workspace's net, out and delta of every layer, and the
     * gradients dE/dW = deltaᵀ · in / N and dE/db = column sums of delta / N. Weights are not
     * changed.
     *
     * @return the loss E of the current weights on this batch
     */
    public double backward(DMatrixRMaj x, DMatrixRMaj target) {
        double loss = forwardAndDeltas(x, target);
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
        double loss = forwardAndOutputDelta(x, target);
        Workspace ws = workspace;
        int n = x.numRows;
        for (int l = layers.length - 1; l >= 0; l--) {
            DenseLayer layer = layers[l];
            DMatrixRMaj delta = ws.delta(l);
            DMatrixRMaj in = input(x, l);
            if (n == 1) {
                if (l > 0) {
                    // one pass over W: delta of the layer below through W before the update, then W -= lr · delta · inᵀ
                    kernels.onlineBackward(-lr, delta, in, layer.weights(), ws.delta(l - 1));
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
                    // delta of the layer below, through W before the update
                    kernels.hiddenDelta(delta, layer.weights(), ws.out(l - 1), ws.delta(l - 1));
                    mark(PhaseClock.Phase.HIDDEN_DELTA, l);
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
        double e = forwardAndDeltas(x, target); // every delta through the weights before this step
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
        double loss = forwardAndDeltas(x, target);
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
     * weight changes.
     */
    private double forwardAndDeltas(DMatrixRMaj x, DMatrixRMaj target) {
        double loss = forwardAndOutputDelta(x, target);
        Workspace ws = workspace;
        for (int l = layers.length - 1; l > 0; l--) {
            kernels.hiddenDelta(ws.delta(l), layers[l].weights(), ws.out(l - 1), ws.delta(l - 1));
            mark(PhaseClock.Phase.HIDDEN_DELTA, l);
        }
        return loss;
    }

    /**
     * Forward pass, the loss, and the output layer's delta: {@code (out - target) · out · (1 - out)}
     * for sigmoid outputs on the half-squared error, {@code out - target} for softmax on cross-entropy.
     */
    private double forwardAndOutputDelta(DMatrixRMaj x, DMatrixRMaj target) {
        checkTarget(x, target); // checks the input too
        Workspace ws = reserveWorkspace(x.numRows);
        int last = layers.length - 1;
        if (loss == Loss.CROSS_ENTROPY) {
            // the forward pass up to net of the output layer; softmax, E and delta in one kernel
            propagate(x, false);
            // E = -Σ target · log(out), averaged over the batch
            double e = kernels.softmaxCrossEntropy(ws.net(last), target, ws.out(last), ws.delta(last)) / x.numRows;
            mark(PhaseClock.Phase.LOSS_AND_OUTPUT_DELTA, last);
            return e;
        }
        propagate(x);
        // E_total = 1/2 · Σ (target - out)², averaged over the batch
        double sumSq = kernels.outputDelta(ws.out(last), target, ws.delta(last));
        mark(PhaseClock.Phase.LOSS_AND_OUTPUT_DELTA, last);
        return 0.5 * sumSq / x.numRows;
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

    private DMatrixRMaj input(DMatrixRMaj x, int l) {
        return l == 0 ? x : workspace.out(l - 1);
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
