package io.vecprop.data;

import java.util.Arrays;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Per-column input scaling, {@code x' = (x - shift) · factor}, fitted on the training part of a
 * data set and saved with the model, so {@code eval} and {@code predict} take raw data as
 * {@code train} did.
 *
 * <ul>
 *   <li>{@code minmax}: shift = the column's minimum, factor = 1 / (max - min): training values
 *       land in [0, 1].
 *   <li>{@code standard}: shift = the column's mean, factor = 1 / its standard deviation
 *       (population, divided by N): training values get mean 0 and variance 1.
 *   <li>{@code none}: nothing changes.
 * </ul>
 * A constant column (zero range or deviation) gets factor 1, so it is shifted to 0 rather than
 * divided by zero.
 */
public final class Scaler {

    /** How to scale. */
    public enum Kind {
        NONE("none"), MINMAX("minmax"), STANDARD("standard");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The name on the command line and in model files. */
        public String id() {
            return id;
        }

        /** The kind named id. */
        public static Kind of(String id) {
            for (Kind k : values()) {
                if (k.id.equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown scaling '" + id + "': expected one of none, minmax, standard");
        }

        @Override
        public String toString() {
            return id;
        }
    }

    private final Kind kind;
    private final double[] shift;
    private final double[] factor;

    private Scaler(Kind kind, double[] shift, double[] factor) {
        this.kind = Objects.requireNonNull(kind, "kind");
        if (shift.length != factor.length) {
            throw new IllegalArgumentException(shift.length + " shifts but " + factor.length + " factors");
        }
        for (int j = 0; j < shift.length; j++) {
            if (!Double.isFinite(shift[j]) || !Double.isFinite(factor[j]) || factor[j] == 0) {
                throw new IllegalArgumentException("column " + j + ": shift " + shift[j] + " and factor " + factor[j]
                        + " must be finite, the factor non-zero");
            }
        }
        this.shift = shift;
        this.factor = factor;
    }

    /** The scaler that changes nothing, for inputs of the given width. */
    public static Scaler none(int width) {
        double[] ones = new double[width];
        Arrays.fill(ones, 1.0);
        return new Scaler(Kind.NONE, new double[width], ones);
    }

    /** A scaler with the given statistics, as read back from a model file. */
    public static Scaler of(Kind kind, double[] shift, double[] factor) {
        return new Scaler(kind, shift.clone(), factor.clone());
    }

    /** Fits a scaler of the given kind to the columns of x (N x width, N >= 1). */
    public static Scaler fit(Kind kind, DMatrixRMaj x) {
        int n = x.numRows, w = x.numCols;
        if (kind == Kind.NONE) {
            return none(w);
        }
        if (n < 1) {
            throw new IllegalArgumentException("cannot fit " + kind + " scaling to no rows");
        }
        double[] shift = new double[w];
        double[] factor = new double[w];
        if (kind == Kind.MINMAX) {
            double[] max = new double[w];
            System.arraycopy(x.data, 0, shift, 0, w);
            System.arraycopy(x.data, 0, max, 0, w);
            for (int i = 1; i < n; i++) {
                for (int j = 0; j < w; j++) {
                    double v = x.data[i * w + j];
                    shift[j] = Math.min(shift[j], v);
                    max[j] = Math.max(max[j], v);
                }
            }
            for (int j = 0; j < w; j++) {
                double range = max[j] - shift[j];
                factor[j] = range > 0 && Double.isFinite(1.0 / range) ? 1.0 / range : 1.0;
            }
        } else {
            // two passes: the mean, then the mean squared deviation from it
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < w; j++) {
                    shift[j] += x.data[i * w + j];
                }
            }
            for (int j = 0; j < w; j++) {
                shift[j] /= n;
            }
            double[] var = new double[w];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < w; j++) {
                    double d = x.data[i * w + j] - shift[j];
                    var[j] += d * d;
                }
            }
            for (int j = 0; j < w; j++) {
                double sd = Math.sqrt(var[j] / n);
                factor[j] = sd > 0 && Double.isFinite(1.0 / sd) ? 1.0 / sd : 1.0;
            }
        }
        return new Scaler(kind, shift, factor);
    }

    /** Scales x (N x width) in place. */
    public void apply(DMatrixRMaj x) {
        if (x.numCols != shift.length) {
            throw new IllegalArgumentException("the data has " + x.numCols + " input columns but the scaler was fitted to "
                    + shift.length);
        }
        if (kind == Kind.NONE) {
            return;
        }
        int w = shift.length;
        for (int i = 0; i < x.numRows; i++) {
            for (int j = 0; j < w; j++) {
                x.data[i * w + j] = (x.data[i * w + j] - shift[j]) * factor[j];
            }
        }
    }

    public Kind kind() {
        return kind;
    }

    /** The number of columns. */
    public int width() {
        return shift.length;
    }

    /** Per column, the value subtracted (a copy). */
    public double[] shift() {
        return shift.clone();
    }

    /** Per column, the factor applied after the shift (a copy). */
    public double[] factor() {
        return factor.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scaler s && kind == s.kind && Arrays.equals(shift, s.shift) && Arrays.equals(factor, s.factor);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, Arrays.hashCode(shift), Arrays.hashCode(factor));
    }

    @Override
    public String toString() {
        return kind + " scaling of " + shift.length + " columns";
    }
}
