package io.vecprop.nn;

import io.vecprop.kernels.Activation;
import io.vecprop.kernels.Precision;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.KernelsF32;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * A dense network in either precision: {@link Network} (double) or {@link NetworkF32} (float,
 * generated from it). What the command line, the trainer and model files need without knowing the
 * precision is here: the shape, the loss, the weights widened to double, and conversion between
 * the two. Computing goes through the concrete class.
 */
public sealed interface DenseNetwork permits Network, NetworkF32 {

    /**
     * A new network of the given precision, its weights drawn as {@link Network#random(Kernels, Loss, long, int...)}
     * draws them: a float network gets the same draws as the double one of the same seed, rounded.
     */
    static DenseNetwork random(Precision precision, KernelSelection kernels, Loss loss, long seed, int... widths) {
        return switch (precision) {
            case F64 -> Network.random(kernels.f64(), loss, seed, widths);
            case F32 -> NetworkF32.random(kernels.f32(), loss, seed, widths);
        };
    }

    /**
     * A new network of the given precision, layer activations and initialisation, its weights drawn
     * as {@link Network#random(Kernels, Loss, List, Init, long, int...)} draws them.
     *
     * @param activations one per layer, as {@link #activations(List, int, Loss)} resolves them
     */
    static DenseNetwork random(Precision precision, KernelSelection kernels, Loss loss, List<Activation> activations,
            Init init, long seed, int... widths) {
        return switch (precision) {
            case F64 -> Network.random(kernels.f64(), loss, activations, init, seed, widths);
            case F32 -> NetworkF32.random(kernels.f32(), loss, activations, init, seed, widths);
        };
    }

    /**
     * Every layer's activation from what a user gave (the {@code --activations} flag): nothing or
     * null, sigmoid hidden layers and the loss's default output; one, that activation for every
     * hidden layer (for a network of one layer, its output); one per layer, those. Checked by
     * {@link #checkActivations}.
     *
     * @throws IllegalArgumentException saying what does not fit, by the flags' names
     */
    static List<Activation> activations(List<Activation> given, int layers, Loss loss) {
        List<Activation> all = new ArrayList<>();
        if (given == null || given.isEmpty()) {
            for (int l = 0; l + 1 < layers; l++) {
                all.add(Activation.SIGMOID);
            }
            all.add(loss.defaultOutput());
        } else if (given.size() == layers) {
            all.addAll(given);
        } else if (given.size() == 1) {
            for (int l = 0; l + 1 < layers; l++) {
                all.add(given.get(0));
            }
            all.add(loss.defaultOutput());
        } else {
            throw new IllegalArgumentException("--activations gives " + given.size() + " activations "
                    + given.stream().map(Activation::id).toList() + " but the network has " + layers
                    + " layers: give one per layer (" + layers + "), or one for all hidden layers");
        }
        checkActivations(all, layers, loss);
        return List.copyOf(all);
    }

    /**
     * That a full list of activations fits a network of this many layers under this loss: one per
     * layer, softmax only as the output, the output one the loss fits ({@link Loss#fits}).
     */
    static void checkActivations(List<Activation> activations, int layers, Loss loss) {
        if (activations.size() != layers) {
            throw new IllegalArgumentException(activations.size() + " activations for " + layers + " layers: one per layer");
        }
        for (int l = 0; l + 1 < layers; l++) {
            if (!activations.get(l).elementwise()) {
                throw new IllegalArgumentException("--activations: " + activations.get(l) + " at hidden layer " + (l + 1)
                        + " of " + layers + ": softmax goes on the output layer only (under --loss cross-entropy)");
            }
        }
        Activation out = activations.get(layers - 1);
        if (!loss.fits(out)) {
            throw new IllegalArgumentException("--loss " + loss + " needs " + loss.fitting() + ", but the output layer's"
                    + " activation is " + out + hint(loss, out));
        }
    }

    /** What to change when an output activation does not fit the loss. */
    private static String hint(Loss loss, Activation out) {
        return switch (loss) {
            case CROSS_ENTROPY -> ": end --activations with softmax";
            case BINARY_CROSS_ENTROPY -> ": end --activations with sigmoid";
            default -> out.kind() == Activation.Kind.SOFTMAX ? ": softmax trains on --loss cross-entropy" : "";
        };
    }

    /** Layer l's activation. */
    Activation activation(int l);

    /** Every layer's activation, input side first. */
    default List<Activation> activations() {
        List<Activation> all = new ArrayList<>();
        for (int l = 0; l < layerCount(); l++) {
            all.add(activation(l));
        }
        return List.copyOf(all);
    }

    /**
     * Times the phases of every following training step on the given clock, sized for this
     * network's layers, or stops timing when it is null ({@code vecprop profile}).
     */
    void time(PhaseClock clock);

    /**
     * Drops hidden units as dropout says in the following training passes, or stops when it is null;
     * evaluation ({@code forward}, {@code loss}) never drops. See {@link Network#dropout(Dropout)}.
     */
    void dropout(Dropout dropout);

    /** The dropout of the training passes, or null. */
    Dropout dropout();

    /** The type this network computes in. */
    Precision precision();

    /** The loss this network is trained on, which also fixes its output activation. */
    Loss lossFunction();

    int layerCount();

    int inputs();

    int outputs();

    /** The widths from input to output, such as [2, 2, 2]. */
    int[] widths();

    /**
     * How many weights and biases the network has: the sum over layers of {@code (in + 1) · out},
     * the length of its flat parameter and gradient arrays.
     *
     * @throws ArithmeticException past {@code Integer.MAX_VALUE}, which no array holds
     */
    default int parameterCount() {
        return Math.toIntExact(parameterCount(widths()));
    }

    /** Weights and biases of a network of these widths (in long: one too large to build has a count too). */
    static long parameterCount(int... widths) {
        long count = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            count += ((long) widths[l] + 1) * widths[l + 1];
        }
        return count;
    }

    /** Every weight and bias, flat, in this network's precision (see {@link Parameters}). */
    default Parameters parameters() {
        return switch (this) {
            case Network n -> {
                double[] values = new double[parameterCount()];
                n.copyParameters(values);
                yield Parameters.of(values);
            }
            case NetworkF32 f -> {
                float[] values = new float[parameterCount()];
                f.copyParameters(values);
                yield Parameters.of(values);
            }
        };
    }

    /** Sets every weight and bias from p, which must be of this network's precision and size. */
    default void setParameters(Parameters p) {
        requirePrecision(p.precision(), "parameters");
        switch (this) {
            case Network n -> n.setParameters(p.f64());
            case NetworkF32 f -> f.setParameters(p.f32());
        }
    }

    /** Throws unless p is this network's precision: what, in p, cannot be used with it ("gradient", "parameters"). */
    default void requirePrecision(Precision p, String what) {
        if (p != precision()) {
            throw new IllegalArgumentException(what + " in " + p + " for a network in " + precision());
        }
    }

    /** Layer l's weights, out x in row-major, as doubles (a float is widened exactly). */
    default double[] weightValues(int l) {
        return switch (this) {
            case Network n -> values(n.layer(l).weights());
            case NetworkF32 f -> values(f.layer(l).weights());
        };
    }

    /** Layer l's biases, one per output, as doubles (a float is widened exactly). */
    default double[] biasValues(int l) {
        return switch (this) {
            case Network n -> values(n.layer(l).bias());
            case NetworkF32 f -> values(f.layer(l).bias());
        };
    }

    /** This network in double, computing with kernels: a copy, widened exactly from float. */
    default Network toF64(Kernels kernels) {
        List<DenseLayer> layers = new ArrayList<>();
        int[] w = widths();
        for (int l = 0; l < layerCount(); l++) {
            layers.add(new DenseLayer(new DMatrixRMaj(w[l + 1], w[l], true, weightValues(l)),
                    new DMatrixRMaj(w[l + 1], 1, true, biasValues(l))));
        }
        return Network.of(kernels, lossFunction(), activations(), layers);
    }

    /** This network in float, computing with kernels: a copy, each value rounded to the nearest float. */
    default NetworkF32 toF32(KernelsF32 kernels) {
        List<DenseLayerF32> layers = new ArrayList<>();
        int[] w = widths();
        for (int l = 0; l < layerCount(); l++) {
            layers.add(new DenseLayerF32(new FMatrixRMaj(w[l + 1], w[l], true, narrow(weightValues(l))),
                    new FMatrixRMaj(w[l + 1], 1, true, narrow(biasValues(l)))));
        }
        return NetworkF32.of(kernels, lossFunction(), activations(), layers);
    }

    private static double[] values(DMatrixRMaj m) {
        return Arrays.copyOf(m.data, m.getNumElements());
    }

    private static double[] values(FMatrixRMaj m) {
        double[] d = new double[m.getNumElements()];
        for (int i = 0; i < d.length; i++) {
            d[i] = m.data[i];
        }
        return d;
    }

    private static float[] narrow(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }
}
