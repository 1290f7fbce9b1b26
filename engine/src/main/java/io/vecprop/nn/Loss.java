package io.vecprop.nn;

import io.vecprop.kernels.Activation;
import java.util.Arrays;

/**
 * What the network minimises, and so which output activations fit it. The loss of a batch is the
 * mean over its samples (and, for {@link #MSE} and {@link #BINARY_CROSS_ENTROPY}, over the outputs
 * too, as PyTorch's {@code reduction='mean'}).
 *
 * <ul>
 *   <li>{@link #HALF_SQUARED_ERROR}: the worked example's {@code E_total = 1/2 · Σ (target - out)²}
 *       per sample; sigmoid outputs by default, any elementwise output fits. Output delta
 *       {@code (out - target) · f'(net)}, for the sigmoid {@code (out - target) · out · (1 - out)}.
 *   <li>{@link #MSE}: {@code mean over the outputs of (out - target)²} per sample, for regression;
 *       linear outputs by default, any elementwise output fits ({@code nn.MSELoss}). Output delta
 *       {@code 2/outputs · (out - target) · f'(net)}.
 *   <li>{@link #BINARY_CROSS_ENTROPY}: {@code mean over the outputs of -(t·log(out) + (1 - t)·log(1 - out))}
 *       on sigmoid outputs, each output its own yes/no (multi-label); computed from net as
 *       {@code nn.BCEWithLogitsLoss} does. Output delta {@code (out - target) / outputs}.
 *   <li>{@link #CROSS_ENTROPY}: softmax outputs (each row a probability distribution) and
 *       {@code E = -Σ target · log(out)} per sample, for class targets; output delta
 *       {@code out - target}, since softmax and the logarithm cancel in the chain rule.
 * </ul>
 */
public enum Loss {
    HALF_SQUARED_ERROR("half-squared-error", Activation.SIGMOID),
    MSE("mse", Activation.LINEAR),
    BINARY_CROSS_ENTROPY("binary-cross-entropy", Activation.SIGMOID),
    CROSS_ENTROPY("cross-entropy", Activation.SOFTMAX);

    private final String id;
    private final Activation defaultOutput;

    Loss(String id, Activation defaultOutput) {
        this.id = id;
        this.defaultOutput = defaultOutput;
    }

    /** The name used on the command line and in model files, such as {@code cross-entropy}. */
    public String id() {
        return id;
    }

    /** The output layer's activation when none is given: sigmoid, linear, sigmoid or softmax. */
    public Activation defaultOutput() {
        return defaultOutput;
    }

    /** Whether an output layer of this activation fits this loss. */
    public boolean fits(Activation output) {
        return switch (this) {
            case HALF_SQUARED_ERROR, MSE -> output.elementwise();
            case BINARY_CROSS_ENTROPY -> output.kind() == Activation.Kind.SIGMOID;
            case CROSS_ENTROPY -> output.kind() == Activation.Kind.SOFTMAX;
        };
    }

    /** The outputs that fit, for messages: "a sigmoid output". */
    public String fitting() {
        return switch (this) {
            case HALF_SQUARED_ERROR, MSE -> "an elementwise output (any activation but softmax)";
            case BINARY_CROSS_ENTROPY -> "a sigmoid output";
            case CROSS_ENTROPY -> "a softmax output";
        };
    }

    /**
     * The loss for an output activation given without a loss: softmax trains on cross-entropy, a
     * sigmoid on the binary cross-entropy for class targets and the half-squared error for numbers,
     * any other on the mean squared error.
     */
    public static Loss forOutput(Activation output, boolean classTargets) {
        return switch (output.kind()) {
            case SOFTMAX -> CROSS_ENTROPY;
            case SIGMOID -> classTargets ? BINARY_CROSS_ENTROPY : HALF_SQUARED_ERROR;
            default -> MSE;
        };
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
