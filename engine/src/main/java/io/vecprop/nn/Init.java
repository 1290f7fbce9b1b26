package io.vecprop.nn;

import io.vecprop.kernels.Activation;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a new layer's weights and biases are drawn, as PyTorch's {@code torch.nn.init} draws them,
 * fan-in = the layer's inputs, fan-out = its outputs.
 *
 * <ul>
 *   <li>{@link #PYTORCH}: {@code nn.Linear}'s default, weights and biases uniform in ±1/sqrt(fan-in);
 *   <li>{@link #HE}: {@code kaiming_normal_} (fan-in mode), weights normal with standard deviation
 *       gain/sqrt(fan-in), gain sqrt(2) for ReLU and GELU, sqrt(2 / (1 + slope²)) for leaky ReLU,
 *       the activation's own gain otherwise; biases 0;
 *   <li>{@link #HE_UNIFORM}: {@code kaiming_uniform_}, uniform in ±gain·sqrt(3/fan-in); biases 0;
 *   <li>{@link #XAVIER}: {@code xavier_uniform_}, uniform in ±gain·sqrt(6/(fan-in + fan-out)),
 *       gain 5/3 for tanh and 1 otherwise; biases 0;
 *   <li>{@link #XAVIER_NORMAL}: {@code xavier_normal_}, standard deviation gain·sqrt(2/(fan-in + fan-out)); biases 0;
 *   <li>{@link #AUTO} (the default): what fits each layer's activation, {@code he} for the ReLU
 *       family and GELU, {@code xavier} for tanh, {@code pytorch} for sigmoid, linear and softmax
 *       (so every network vecprop drew before activations came draws the same weights).
 * </ul>
 */
public enum Init {
    AUTO("auto"), PYTORCH("pytorch"), HE("he"), HE_UNIFORM("he-uniform"), XAVIER("xavier"), XAVIER_NORMAL("xavier-normal");

    private final String id;

    Init(String id) {
        this.id = id;
    }

    /** The name on the command line. */
    public String id() {
        return id;
    }

    /** The init named id, case-insensitive. */
    public static Init of(String id) {
        String s = id.trim().toLowerCase(Locale.ROOT);
        for (Init i : values()) {
            if (i.id.equals(s)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown initialisation '" + id + "': expected one of "
                + Arrays.stream(values()).map(Init::id).toList());
    }

    /** The concrete scheme for a layer of this activation: this one, or for {@link #AUTO} the fitting one. */
    public Init resolve(Activation f) {
        if (this != AUTO) {
            return this;
        }
        return switch (f.kind()) {
            case RELU, LEAKY_RELU, GELU -> HE;
            case TANH -> XAVIER;
            case SIGMOID, LINEAR, SOFTMAX -> PYTORCH;
        };
    }

    /** {@code torch.nn.init.calculate_gain} for the activation (GELU as ReLU, as is usual). */
    public static double gain(Activation f) {
        return switch (f.kind()) {
            case RELU, GELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> Math.sqrt(2.0 / (1 + f.slope() * f.slope()));
            case TANH -> 5.0 / 3;
            case SIGMOID, LINEAR, SOFTMAX -> 1.0;
        };
    }

    @Override
    public String toString() {
        return id;
    }
}
