package io.vecprop.bench;

import io.vecprop.example.WorkedExample;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.Precision;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.KernelsF32;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.nn.Dropout;
import io.vecprop.nn.Init;
import io.vecprop.nn.Loss;
import io.vecprop.nn.Network;
import io.vecprop.train.Optimizer;
import io.vecprop.train.OptimizerSpec;
import io.vecprop.nn.NetworkF32;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * The training step that {@link TrainingBench} and {@link SweepBench} time: a network, the weights
 * it starts from and one batch, in double ({@code f64}, {@link Network}) or float ({@code f32},
 * {@link NetworkF32}). A step is forward, backward and the SGD update (sigmoid, half-squared
 * error, lr 0.1, biases trained); a batch of one takes the network's online path. The f32 network
 * and inputs are the f64 ones rounded.
 */
final class TrainingStep {

    private final boolean f32;
    private Network start, net;
    private NetworkF32 startF, netF;
    private DMatrixRMaj x, t;
    private FMatrixRMaj xF, tF;
    /** The optimizer the step takes, or null for plain SGD's fused {@code trainStep}. */
    private Optimizer optimizer;
    private double lr = 0.1;
    /** Dropout on the hidden layers, or null for none. */
    private Dropout dropout;

    private TrainingStep(String precision) {
        this.f32 = KernelState.isF32(precision);
    }

    /** The worked example (2-2-2, one sample). */
    static TrainingStep workedExample(String kernels, int threads, String precision) {
        TrainingStep s = new TrainingStep(precision);
        if (s.f32) {
            s.startF = WorkedExample.network(Kernels.scalar()).toF32(kernelsF32(kernels, threads));
            s.xF = narrow(WorkedExample.input());
            s.tF = narrow(WorkedExample.target());
        } else {
            s.start = WorkedExample.network(Kernels.of(KernelState.kernels(kernels, threads)));
            s.x = WorkedExample.input();
            s.t = WorkedExample.target();
        }
        return s;
    }

    /** A network of the given widths drawn from seed 1, and a batch of seeded random inputs and targets in [0, 1). */
    static TrainingStep random(int[] widths, int batch, String kernels, int threads, String precision) {
        return random(widths, batch, kernels, threads, precision, Activation.SIGMOID);
    }

    /**
     * As {@link #random(int[], int, String, int, String)} with hidden layers of the given activation
     * (drawn by the init that fits it), the output sigmoid on the half-squared error as before.
     */
    static TrainingStep random(int[] widths, int batch, String kernels, int threads, String precision, Activation hidden) {
        List<Activation> activations = new ArrayList<>();
        for (int l = 0; l + 2 < widths.length; l++) {
            activations.add(hidden);
        }
        activations.add(Activation.SIGMOID);
        TrainingStep s = new TrainingStep(precision);
        SplittableRandom rnd = new SplittableRandom(5);
        DMatrixRMaj x = uniform(batch, widths[0], rnd);
        DMatrixRMaj t = uniform(batch, widths[widths.length - 1], rnd);
        if (s.f32) {
            // the same seed draws the same weights, rounded to float
            s.startF = NetworkF32.random(kernelsF32(kernels, threads), Loss.HALF_SQUARED_ERROR, activations, Init.AUTO, 1, widths);
            s.xF = narrow(x);
            s.tF = narrow(t);
        } else {
            s.start = Network.random(Kernels.of(KernelState.kernels(kernels, threads)), Loss.HALF_SQUARED_ERROR, activations,
                    Init.AUTO, 1, widths);
            s.x = x;
            s.t = t;
        }
        return s;
    }

    private static DMatrixRMaj uniform(int rows, int cols, SplittableRandom rnd) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextDouble();
        }
        return m;
    }

    private static KernelsF32 kernelsF32(String kernels, int threads) {
        return KernelProvider.select(KernelProvider.Choice.parse(kernels), threads, Precision.F32).f32();
    }

    private static FMatrixRMaj narrow(DMatrixRMaj m) {
        return new FMatrixRMaj(m.numRows, m.numCols, true, KernelState.narrow(m.data));
    }

    /**
     * Inverted dropout of this rate on the hidden layers (seed 7), as {@code --dropout}; 0 for none.
     * Call before the first {@link #reset}.
     */
    void dropout(double rate) {
        Dropout d = new Dropout(rate, 7); // refuses a rate outside [0, 1) as the trainer does
        dropout = rate > 0 ? d : null;
    }

    /** Training updates the weights in place: call this before each iteration so each starts from the same ones. */
    void reset() {
        if (f32) {
            if (netF == null) {
                netF = startF.copy(startF.kernels());
                netF.dropout(dropout);
            }
            for (int l = 0; l < startF.layerCount(); l++) {
                copy(startF.layer(l).weights().data, netF.layer(l).weights().data);
                copy(startF.layer(l).bias().data, netF.layer(l).bias().data);
            }
            return;
        }
        if (net == null) {
            net = start.copy(start.kernels());
            net.dropout(dropout);
        }
        for (int l = 0; l < start.layerCount(); l++) {
            copy(start.layer(l).weights().data, net.layer(l).weights().data);
            copy(start.layer(l).bias().data, net.layer(l).bias().data);
        }
    }

    private static void copy(double[] from, double[] to) {
        System.arraycopy(from, 0, to, 0, from.length);
    }

    private static void copy(float[] from, float[] to) {
        System.arraycopy(from, 0, to, 0, from.length);
    }

    /**
     * Steps through this optimizer instead of plain SGD's fused step: sgd (the same fused step, through the
     * optimizer), momentum or nesterov (0.9), adam or adamw (PyTorch's defaults, lr 1e-3, their usual rate);
     * "none" keeps {@code trainStep}. Its state persists across iterations, as in training.
     */
    TrainingStep optimizer(String name) {
        if (name.equals("none")) {
            return this;
        }
        OptimizerSpec spec = switch (OptimizerSpec.Kind.parse(name)) {
            case SGD -> OptimizerSpec.sgd(0);
            case MOMENTUM -> OptimizerSpec.sgd(0.9);
            case NESTEROV -> OptimizerSpec.nesterov(0.9);
            case ADAM -> OptimizerSpec.adam();
            case ADAMW -> OptimizerSpec.adamW();
        };
        this.optimizer = Optimizer.of(spec, true);
        this.lr = spec.kind().adam() ? 1e-3 : 0.1;
        return this;
    }

    /** One step; returns the loss before it, for JMH to consume. */
    double step() {
        if (optimizer != null) {
            return f32 ? optimizer.step(netF, xF, tF, (float) lr) : optimizer.step(net, x, t, lr);
        }
        return f32 ? netF.trainStep(xF, tF, (float) lr, true) : net.trainStep(x, t, lr, true);
    }
}
