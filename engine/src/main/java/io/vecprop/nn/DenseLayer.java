package io.vecprop.nn;

import io.vecprop.GenerateF32;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.Kernels;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * A fully connected sigmoid layer: {@code out = sigmoid(x · Wᵀ + b)}.
 *
 * <p>W is a {@link DMatrixRMaj} of out x in, as in PyTorch's {@code nn.Linear}: row j holds the
 * weights into unit j. The bias holds one value per output unit (an out x 1 matrix); the worked
 * example's bias shared by a layer is the case where all its values are equal.
 *
 * <p>The layer owns its matrices; training updates them in place. {@link #weights()} and
 * {@link #bias()} return the live matrices, not copies.
 */
@GenerateF32
public final class DenseLayer {

    private final DMatrixRMaj weights;
    private final DMatrixRMaj bias;

    /**
     * A layer from the given weights (out x in) and bias (out values, as a row or column vector).
     * Both are copied.
     *
     * @throws IllegalArgumentException if a size is zero, the bias length is not out, or a value
     *     is NaN or infinite
     */
    public DenseLayer(DMatrixRMaj weights, DMatrixRMaj bias) {
        if (weights.numRows < 1 || weights.numCols < 1) {
            throw new IllegalArgumentException("W is " + Kernels.shape(weights) + ": a layer needs at least 1 input and 1 output");
        }
        if ((bias.numRows != 1 && bias.numCols != 1) || bias.getNumElements() != weights.numRows) {
            throw new IllegalArgumentException("bias is " + Kernels.shape(bias) + " but W is " + Kernels.shape(weights)
                    + " (out x in): the bias needs " + weights.numRows + " values");
        }
        requireFinite("W", weights);
        requireFinite("bias", bias);
        this.weights = weights.copy();
        this.bias = new DMatrixRMaj(weights.numRows, 1);
        System.arraycopy(bias.data, 0, this.bias.data, 0, weights.numRows);
    }

    /** A layer from rows of weights ({@code w[out][in]}) and one bias per output. */
    public static DenseLayer of(double[][] w, double[] b) {
        return new DenseLayer(new DMatrixRMaj(w), new DMatrixRMaj(b.length, 1, true, b));
    }

    /**
     * A layer initialised as {@code nn.Linear} does: every weight and bias uniform in
     * {@code [-1/sqrt(in), 1/sqrt(in))}, drawn row by row from rnd, so a seed reproduces it.
     */
    public static DenseLayer random(int in, int out, SplittableRandom rnd) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("layer size " + in + " -> " + out + ": sizes must be at least 1");
        }
        // drawn in double either way, so a seed gives the float twin the same weights, rounded
        double bound = 1.0 / Math.sqrt(in); //@keep
        DMatrixRMaj w = new DMatrixRMaj(out, in);
        for (int i = 0; i < w.data.length; i++) {
            w.data[i] = rnd.nextDouble(-bound, bound); //@f32 w.data[i] = (float) rnd.nextDouble(-bound, bound);
        }
        DMatrixRMaj b = new DMatrixRMaj(out, 1);
        for (int i = 0; i < out; i++) {
            b.data[i] = rnd.nextDouble(-bound, bound); //@f32 b.data[i] = (float) rnd.nextDouble(-bound, bound);
        }
        return new DenseLayer(w, b);
    }

    /**
     * A layer drawn by init for a layer of activation f (see {@link Init}): {@code pytorch} as
     * {@link #random(int, int, SplittableRandom)}; the others draw the weights row by row from rnd
     * and set the biases to 0. The draws are doubles in either precision, rounded for the float twin.
     */
    public static DenseLayer random(int in, int out, Init init, Activation f, SplittableRandom rnd) {
        Init scheme = init.resolve(f);
        if (scheme == Init.PYTORCH) {
            return random(in, out, rnd);
        }
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("layer size " + in + " -> " + out + ": sizes must be at least 1");
        }
        double gain = Init.gain(f); //@keep
        boolean normal = scheme == Init.HE || scheme == Init.XAVIER_NORMAL;
        // the standard deviation of a normal draw, or the bound of a uniform one
        double spread = switch (scheme) { //@keep
            case HE -> gain / Math.sqrt(in);
            case HE_UNIFORM -> gain * Math.sqrt(3.0 / in);
            case XAVIER -> gain * Math.sqrt(6.0 / (in + out));
            case XAVIER_NORMAL -> gain * Math.sqrt(2.0 / (in + out));
            default -> throw new IllegalStateException(scheme.id());
        };
        DMatrixRMaj w = new DMatrixRMaj(out, in);
        for (int i = 0; i < w.data.length; i++) {
            double v = normal ? rnd.nextGaussian() * spread : rnd.nextDouble(-spread, spread); //@keep
            w.data[i] = v; //@f32 w.data[i] = (float) v;
        }
        return new DenseLayer(w, new DMatrixRMaj(out, 1));
    }

    /** Number of inputs (columns of W). */
    public int inputs() {
        return weights.numCols;
    }

    /** Number of outputs (rows of W). */
    public int outputs() {
        return weights.numRows;
    }

    /** The live weight matrix, out x in. */
    public DMatrixRMaj weights() {
        return weights;
    }

    /** The live bias, out x 1. */
    public DMatrixRMaj bias() {
        return bias;
    }

    /** A deep copy. */
    public DenseLayer copy() {
        return new DenseLayer(weights, bias);
    }

    private static void requireFinite(String what, DMatrixRMaj m) {
        for (int i = 0; i < m.getNumElements(); i++) {
            if (!Double.isFinite(m.data[i])) {
                throw new IllegalArgumentException(what + " has a non-finite value " + m.data[i] + " at ("
                        + i / m.numCols + ", " + i % m.numCols + ")");
            }
        }
    }
}
