package io.vecprop.nn;

import java.io.Serializable;
import java.util.Objects;

/**
 * A copy of every weight and bias of a network as one flat array in the network's precision:
 * layer by layer, W row-major (out x in), then b. What a driver sends to its workers each step of
 * data-parallel training ({@link DenseNetwork#parameters()}, {@link DenseNetwork#setParameters}).
 * Serializable, and sent as one primitive array.
 */
public final class Parameters implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double[] f64;
    private final float[] f32;

    private Parameters(double[] f64, float[] f32) {
        this.f64 = f64;
        this.f32 = f32;
    }

    /** Double parameters; the array is used, not copied. */
    public static Parameters of(double[] values) {
        return new Parameters(Objects.requireNonNull(values, "values"), null);
    }

    /** Float parameters; the array is used, not copied. */
    public static Parameters of(float[] values) {
        return new Parameters(null, Objects.requireNonNull(values, "values"));
    }

    public Precision precision() {
        return f64 != null ? Precision.F64 : Precision.F32;
    }

    /** How many values. */
    public int size() {
        return f64 != null ? f64.length : f32.length;
    }

    /** The double values, live. */
    public double[] f64() {
        return require(f64, Precision.F64);
    }

    /** The float values, live. */
    public float[] f32() {
        return require(f32, Precision.F32);
    }

    private static <T> T require(T values, Precision p) {
        if (values == null) {
            throw new IllegalStateException("these values are not " + p);
        }
        return values;
    }
}
