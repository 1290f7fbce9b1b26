package io.vecprop.nn;

import io.vecprop.kernels.Precision;
import java.io.Serializable;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

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

    /**
     * Throws unless a flat array of length values fits a network of count parameters.
     *
     * @param what "parameter" or "gradient", for the message
     */
    public static void checkLength(int length, int count, String what) {
        if (length != count) {
            throw new IllegalArgumentException(what + " array of " + length + " values for a network of "
                    + count + " parameters");
        }
    }

    /** m's values, row-major, into to from at; returns where the next matrix goes. */
    public static int flatten(DMatrixRMaj m, double[] to, int at) {
        int n = m.getNumElements();
        System.arraycopy(m.data, 0, to, at, n);
        return at + n;
    }

    /** As {@link #flatten(DMatrixRMaj, double[], int)}, in float. */
    public static int flatten(FMatrixRMaj m, float[] to, int at) {
        int n = m.getNumElements();
        System.arraycopy(m.data, 0, to, at, n);
        return at + n;
    }

    /** m's values, row-major, from from at; returns where the next matrix starts. */
    public static int unflatten(double[] from, int at, DMatrixRMaj m) {
        int n = m.getNumElements();
        System.arraycopy(from, at, m.data, 0, n);
        return at + n;
    }

    /** As {@link #unflatten(double[], int, DMatrixRMaj)}, in float. */
    public static int unflatten(float[] from, int at, FMatrixRMaj m) {
        int n = m.getNumElements();
        System.arraycopy(from, at, m.data, 0, n);
        return at + n;
    }
}
