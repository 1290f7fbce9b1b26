package io.vecprop.kernels;

import java.util.Arrays;
import java.util.Locale;

/**
 * A layer's activation {@code out = f(net)}: which function, and leaky ReLU's slope. The kernels
 * take it as an argument ({@link DenseKernels#activate}, {@link DenseKernels#mulActivationDeriv}),
 * so it lives here, below the network.
 *
 * <ul>
 *   <li>{@code sigmoid}: {@code 1 / (1 + e^-net)}, derivative {@code out · (1 - out)} (the worked example's);
 *   <li>{@code tanh}: derivative {@code 1 - out²};
 *   <li>{@code relu}: {@code max(net, 0)}, derivative 1 where {@code net > 0}, else 0 (PyTorch's choice at 0);
 *   <li>{@code leaky-relu[:slope]}: {@code net} where {@code net > 0}, else {@code slope · net}
 *       (default slope 0.01, as {@code nn.LeakyReLU});
 *   <li>{@code gelu}: the tanh form, {@code net/2 · (1 + tanh(u))} with
 *       {@code u = sqrt(2/π) · (net + 0.044715 · net³)}, PyTorch's {@code GELU(approximate='tanh')},
 *       computed as {@code net · sigmoid(2u)}, which is the same function;
 *   <li>{@code linear}: the identity, for regression outputs;
 *   <li>{@code softmax}: row-wise, for the output layer under cross-entropy only.
 * </ul>
 *
 * @param kind the function
 * @param slope leaky ReLU's slope for negative net; 0 for every other kind
 */
public record Activation(Kind kind, double slope) {

    /** The functions. */
    public enum Kind {
        SIGMOID("sigmoid"), TANH("tanh"), RELU("relu"), LEAKY_RELU("leaky-relu"), GELU("gelu"), LINEAR("linear"),
        SOFTMAX("softmax");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The name on the command line and in model files. */
        public String id() {
            return id;
        }
    }

    /** nn.LeakyReLU's default negative slope. */
    public static final double DEFAULT_SLOPE = 0.01;
    /** sqrt(2/π), GELU's scale. */
    public static final double GELU_SCALE = 0.7978845608028654;
    /** GELU's cubic coefficient. */
    public static final double GELU_CUBIC = 0.044715;

    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0);
    public static final Activation TANH = new Activation(Kind.TANH, 0);
    public static final Activation RELU = new Activation(Kind.RELU, 0);
    public static final Activation LEAKY_RELU = new Activation(Kind.LEAKY_RELU, DEFAULT_SLOPE);
    public static final Activation GELU = new Activation(Kind.GELU, 0);
    public static final Activation LINEAR = new Activation(Kind.LINEAR, 0);
    public static final Activation SOFTMAX = new Activation(Kind.SOFTMAX, 0);

    public Activation {
        if (kind == null) {
            throw new IllegalArgumentException("activation kind is null");
        }
        if (kind == Kind.LEAKY_RELU) {
            if (!Double.isFinite(slope)) {
                throw new IllegalArgumentException("leaky-relu slope " + slope + " must be a finite number");
            }
        } else if (slope != 0) {
            throw new IllegalArgumentException(kind.id() + " takes no slope (only leaky-relu does)");
        }
    }

    /** Leaky ReLU with this slope for negative net. */
    public static Activation leakyRelu(double slope) {
        return new Activation(Kind.LEAKY_RELU, slope);
    }

    /**
     * The activation named as {@link #id()} writes it: {@code sigmoid}, {@code tanh}, {@code relu},
     * {@code leaky-relu} or {@code leaky-relu:0.2}, {@code gelu}, {@code linear}, {@code softmax}
     * (case-insensitive).
     *
     * @throws IllegalArgumentException naming the known activations
     */
    public static Activation parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        String name = s;
        String arg = null;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            name = s.substring(0, colon);
            arg = s.substring(colon + 1);
        }
        for (Kind k : Kind.values()) {
            if (k.id.equals(name)) {
                if (k == Kind.LEAKY_RELU) {
                    return arg == null ? LEAKY_RELU : leakyRelu(parseSlope(text, arg));
                }
                if (arg != null) {
                    throw new IllegalArgumentException("activation '" + text + "': " + k.id + " takes no parameter"
                            + " (only leaky-relu:SLOPE does)");
                }
                return new Activation(k, 0);
            }
        }
        throw new IllegalArgumentException("unknown activation '" + text + "': expected one of "
                + Arrays.stream(Kind.values()).map(Kind::id).toList() + " (leaky-relu:SLOPE sets the slope)");
    }

    private static double parseSlope(String text, String arg) {
        try {
            double slope = Double.parseDouble(arg);
            if (Double.isFinite(slope)) {
                return slope;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("activation '" + text + "': the slope '" + arg + "' is not a finite number");
    }

    /** The canonical name: {@code relu}, {@code leaky-relu:0.01}. */
    public String id() {
        return kind == Kind.LEAKY_RELU ? kind.id + ":" + slope : kind.id;
    }

    /** True for the elementwise ones, which {@link DenseKernels#activate} computes (all but softmax). */
    public boolean elementwise() {
        return kind != Kind.SOFTMAX;
    }

    @Override
    public String toString() {
        return id();
    }
}
