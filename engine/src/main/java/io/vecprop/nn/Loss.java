package io.vecprop.nn;

import java.util.Arrays;

/**
 * What the network minimises, and so what its output layer is. Hidden layers are sigmoid either way.
 *
 * <ul>
 *   <li>{@link #HALF_SQUARED_ERROR}: sigmoid outputs and the worked example's
 *       {@code E_total = 1/2 · Σ (target - out)²} per sample; output delta
 *       {@code (out - target) · out · (1 - out)}.
 *   <li>{@link #CROSS_ENTROPY}: softmax outputs (each row a probability distribution) and
 *       {@code E = -Σ target · log(out)} per sample, for class targets; output delta
 *       {@code out - target}, since softmax and the logarithm cancel in the chain rule.
 * </ul>
 * The loss of a batch is the mean over its samples.
 */
public enum Loss {
    HALF_SQUARED_ERROR("half-squared-error", "sigmoid"),
    CROSS_ENTROPY("cross-entropy", "softmax");

    private final String id;
    private final String outputActivation;

    Loss(String id, String outputActivation) {
        this.id = id;
        this.outputActivation = outputActivation;
    }

    /** The name used on the command line and in model files, such as {@code cross-entropy}. */
    public String id() {
        return id;
    }

    /** The output layer's activation under this loss: {@code sigmoid} or {@code softmax}. */
    public String outputActivation() {
        return outputActivation;
    }

    /** The loss named id (as {@link #id()} gives it). */
    public static Loss of(String id) {
        for (Loss l : values()) {
            if (l.id.equals(id)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + id + "': expected one of "
                + Arrays.stream(values()).map(Loss::id).toList());
    }

    @Override
    public String toString() {
        return id;
    }
}
