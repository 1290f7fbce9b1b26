package io.vecprop.nn;

import io.vecprop.kernels.Precision;
import java.io.Serializable;

/**
 * The gradient of the loss summed over some rows of a batch, with what a trainer reports about
 * them: the rows' summed loss, how many rows' largest output was their target's, and how many rows.
 * Sums over disjoint parts of a batch {@link #add add} up to the sum over the whole batch (up to
 * the order of the additions), which is how data-parallel training combines its workers' shares;
 * an optimizer ({@code io.vecprop.train.Optimizer#applyGradientSum}) then takes the step. The values are laid out as
 * {@link Parameters}, in the network's precision. Serializable, and sent as one primitive array.
 */
public final class GradientSum implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The summed gradient, laid out and typed as parameters are. */
    private final Parameters values;
    private double lossSum;
    private long correct;
    private int rows;

    private GradientSum(Parameters values, double lossSum, long correct, int rows) {
        if (rows < 0 || correct < 0 || correct > rows) {
            throw new IllegalArgumentException(correct + " correct of " + rows + " rows");
        }
        this.values = values;
        this.lossSum = lossSum;
        this.correct = correct;
        this.rows = rows;
    }

    /** A double gradient sum over rows; the array is used, not copied. */
    public static GradientSum of(double[] values, double lossSum, long correct, int rows) {
        return new GradientSum(Parameters.of(values), lossSum, correct, rows);
    }

    /** A float gradient sum over rows; the array is used, not copied. */
    public static GradientSum of(float[] values, double lossSum, long correct, int rows) {
        return new GradientSum(Parameters.of(values), lossSum, correct, rows);
    }

    /**
     * Adds other into this one, value by value, and its loss, correct and row counts; returns this.
     * The two must have the same precision and size.
     */
    public GradientSum add(GradientSum other) {
        if (other.precision() != precision() || other.size() != size()) {
            throw new IllegalArgumentException("cannot add a gradient of " + other.size() + " " + other.precision()
                    + " values to one of " + size() + " " + precision() + " values");
        }
        if (precision() == Precision.F64) {
            double[] a = f64(), b = other.f64();
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
        } else {
            float[] a = f32(), b = other.f32();
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
        }
        lossSum += other.lossSum;
        correct += other.correct;
        rows = Math.addExact(rows, other.rows);
        return this;
    }

    public Precision precision() {
        return values.precision();
    }

    /** How many values: the network's parameter count. */
    public int size() {
        return values.size();
    }

    /** The double values, live. */
    public double[] f64() {
        return values.f64();
    }

    /** The float values, live. */
    public float[] f32() {
        return values.f32();
    }

    /** The sum of the rows' losses: their mean loss times {@link #rows}. */
    public double lossSum() {
        return lossSum;
    }

    /** Rows whose largest output was their target's class (meaningless without class targets). */
    public long correct() {
        return correct;
    }

    /** How many rows the sum is over. */
    public int rows() {
        return rows;
    }
}
