package io.vecprop.kernels.simd;

import static io.vecprop.kernels.Tuning.GEMM_MIN_SPLIT_DEPTH;
import static io.vecprop.kernels.Tuning.GEMM_MIN_WORK_PER_THREAD;
import static io.vecprop.kernels.Tuning.GEMM_THIN_MIN_WORK_PER_THREAD;
import static io.vecprop.kernels.Tuning.MIN_WORK_PER_THREAD;
import static io.vecprop.kernels.Tuning.SIMD_MIN_VECTORS;

import io.vecprop.GenerateF32;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.KernelInfo;
import io.vecprop.kernels.Parallel;
import io.vecprop.kernels.SplitMix64;
import io.vecprop.kernels.scalar.ScalarDenseKernels;
import java.util.function.IntConsumer;
import java.util.stream.LongStream;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector; //@keep
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels on the Java Vector API: the only class of vecprop that touches
 * {@code jdk.incubator.vector}. It is loaded by name (see {@code KernelProvider}), so the rest of
 * the engine links and runs without the module.
 *
 * <p>The species is fixed per JVM from {@code -Dvecprop.vectorBits=128|256|512} (default: the
 * platform's preferred width) and held {@code static final}, so C2 folds it and vectors never box.
 * Elementwise kernels are a vector loop to {@code loopBound} and a scalar tail. Products run on
 * {@link SimdGemm} (packed operands, a 5 x 4-vector micro-kernel); batches of one take
 * matrix-vector paths. Rows shorter than one vector (elementwise: four) go to the
 * scalar kernels, where a vector loop would only run its tail. Work is split across threads only
 * over output elements, so results do not depend on the thread count.
 *
 * <p>An instance keeps packing buffers, so it serves one caller at a time, as a network does;
 * {@code KernelProvider.select} makes a new one per call.
 */
@GenerateF32
public final class SimdDenseKernels implements DenseKernels {

    /** The species of every vector here, from {@code vecprop.vectorBits}. */
    static final VectorSpecies<Double> S = species(Integer.getInteger("vecprop.vectorBits", 0));
    /** Lanes per vector. */
    static final int V = S.length();
    /** Elementwise kernels hand rows shorter than this to the scalar kernels (see {@link io.vecprop.kernels.Tuning#SIMD_MIN_VECTORS}). */
    static final int SHORT = SIMD_MIN_VECTORS * V;
    /** Which sigmoid {@link #sigmoid} runs: the hand-written exp (default) or {@code lanewise(EXP)}. */
    static final boolean SIGMOID_LANEWISE = "lanewise".equals(System.getProperty("vecprop.sigmoid", "poly"));

    private static final ScalarDenseKernels SCALAR = ScalarDenseKernels.INSTANCE;

    private final Parallel parallel;
    /** The packed products, with their buffers. */
    private final SimdGemm gemm;
    /** Per thread chunk: room for four vectors, where reductions spill their lanes. */
    private final double[][] lanes;
    /** The arguments of the call being split across threads, reused: a split call allocates nothing. */
    private final Split split = new Split();

    public SimdDenseKernels(Parallel parallel) {
        this.parallel = parallel;
        int t = parallel.threads();
        gemm = new SimdGemm(parallel);
        lanes = new double[t][];
        for (int i = 0; i < t; i++) {
            lanes[i] = new double[4 * V];
        }
    }

    /** Builds the kernels on a pool of the given size; the constructor {@code KernelProvider} calls by name. */
    public SimdDenseKernels(int threads) {
        this(Parallel.of(threads));
    }

    static VectorSpecies<Double> species(int bits) {
        return switch (bits) {
            case 0 -> DoubleVector.SPECIES_PREFERRED;
            case 128 -> DoubleVector.SPECIES_128;
            case 256 -> DoubleVector.SPECIES_256;
            case 512 -> DoubleVector.SPECIES_512;
            default -> throw new IllegalArgumentException("vecprop.vectorBits=" + bits + ": must be 128, 256 or 512");
        };
    }

    @Override
    public KernelInfo info() {
        return new KernelInfo("simd", S.vectorBitSize(), V, parallel.threads(), sigmoidVariant());
    }

    /** The sigmoid variant {@link #sigmoid} runs: {@code poly} or {@code lanewise}. */
    private static String sigmoidVariant() {
        return SIGMOID_LANEWISE ? "lanewise" : "poly";
    }

    /**
     * The lanes of a vector stored at {@code buf[off..off+V)}, summed in lane order. Not
     * {@code reduceLanes(ADD)}: its order differs between the interpreter and compiled code, so a
     * result would change once C2 compiled the kernel. Not a method taking the vector either: C2
     * may decline to inline it, and a vector crossing a call is boxed.
     */
    static double sumLanes(double[] buf, int off) {
        double sum = buf[off];
        for (int l = 1; l < V; l++) {
            sum += buf[off + l];
        }
        return sum;
    }

    /**
     * The machine's FMA ceiling, for benchmark reports: {@code iterations} steps of 12 independent
     * fma chains (enough to cover the latency of two FMA units), 2 · 12 · V · iterations flops.
     * Returns a value that depends on every chain, so nothing is dead code.
     */
    public static double fmaPeak(int iterations, double seed) {
        DoubleVector x = DoubleVector.broadcast(S, 1.0 - 1e-9);
        DoubleVector y = DoubleVector.broadcast(S, 1e-9);
        DoubleVector a0 = DoubleVector.broadcast(S, seed), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        DoubleVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7);
        DoubleVector a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10), a11 = a0.add(11);
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
            a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
            a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
        }
        DoubleVector sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return sum.lane(0) + sum.lane(V - 1);
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void sigmoid(int n, double[] net, double[] out) {
        if (n < SHORT) {
            SCALAR.sigmoid(n, net, out);
            return;
        }
        if (SIGMOID_LANEWISE) {
            SimdExp.sigmoidLanewise(n, net, out);
        } else {
            SimdExp.sigmoidPoly(n, net, out);
        }
    }


    @Override
    public void scale(int n, double alpha, double[] x) {
        if (n < SHORT) {
            SCALAR.scale(n, alpha, x);
            return;
        }
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += V) {
            DoubleVector.fromArray(S, x, i).mul(alpha).intoArray(x, i);
        }
        for (; i < n; i++) {
            x[i] *= alpha;
        }
    }

    @Override
    public void mulElements(int n, double[] a, double[] b, double[] c) {
        if (n < SHORT) {
            SCALAR.mulElements(n, a, b, c);
            return;
        }
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += V) {
            DoubleVector.fromArray(S, a, i).mul(DoubleVector.fromArray(S, b, i)).intoArray(c, i);
        }
        for (; i < n; i++) {
            c[i] = a[i] * b[i];
        }
    }

    /** Dropout's draws, V units a vector: as many long lanes as the kernels' vectors have bits. */
    static final VectorSpecies<Long> LS = VectorSpecies.of(long.class, S.vectorShape());
    /** Lane i: i · GOLDEN, the offset of unit j + i's key from unit j's. */
    private static final long[] LANE_GOLDEN = LongStream.range(0, LS.length()).map(i -> i * SplitMix64.GOLDEN).toArray();

    @Override
    public void dropoutMask(int rows, int units, long[] rowKeys, long threshold, double scale, double[] keep) {
        if (units < SHORT) {
            SCALAR.dropoutMask(rows, units, rowKeys, threshold, scale, keep);
            return;
        }
        int bound = S.loopBound(units);
        DoubleVector zero = DoubleVector.zero(S);
        for (int r = 0; r < rows; r++) {
            long rowKey = rowKeys[r];
            int at = r * units;
            int j = 0;
            for (; j < bound; j += V) {
                // V draws as V / LS.length() long vectors (one in double, two in float), their masks as lane bits //@keep
                long bits = 0;
                for (int h = 0; h < V; h += LS.length()) {
                    bits |= keptBits(rowKey, j + h, threshold) << h;
                }
                zero.blend(scale, VectorMask.fromLong(S, bits)).intoArray(keep, at + j);
            }
            ScalarDenseKernels.dropoutRow(rowKey, j, units, threshold, scale, keep, at);
        }
    }

    /** Bit i set when unit j + i of the row is kept: SplitMix64 lane by lane, the scalar kernel's draw. */
    private static long keptBits(long rowKey, int j, long threshold) {
        LongVector z = LongVector.fromArray(LS, LANE_GOLDEN, 0).add(rowKey + (j + 1L) * SplitMix64.GOLDEN); //@keep
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(SplitMix64.M1);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(SplitMix64.M2);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
        return z.lanewise(VectorOperators.LSHR, 11).compare(VectorOperators.GE, threshold).toLong();
    }

    @Override
    public void softmax(int m, int n, double[] net, double[] out) {
        if (n < SHORT) {
            SCALAR.softmax(m, n, net, out);
            return;
        }
        for (int o = 0; o < m * n; o += n) {
            SimdExp.expShifted(n, net, o, ScalarDenseKernels.rowMax(n, net, o), out);
            double inv = 1.0 / ScalarDenseKernels.rowSum(n, out, o);
            int j = 0;
            for (int bound = S.loopBound(n); j < bound; j += V) {
                DoubleVector.fromArray(S, out, o + j).mul(inv).intoArray(out, o + j);
            }
            for (; j < n; j++) {
                out[o + j] *= inv;
            }
        }
    }

    /** Row by row: the exponentials in vectors, the rest (short next to them) as the scalar kernel does it. */
    @Override
    public double softmaxCrossEntropy(int m, int n, double[] net, double[] target, double[] out, double[] delta) {
        if (n < SHORT) {
            return SCALAR.softmaxCrossEntropy(m, n, net, target, out, delta);
        }
        double loss = 0;
        for (int o = 0; o < m * n; o += n) {
            double max = ScalarDenseKernels.rowMax(n, net, o);
            SimdExp.expShifted(n, net, o, max, out);
            loss += ScalarDenseKernels.crossEntropyRow(n, o, net, target, max, out, delta);
        }
        return loss;
    }


    @Override
    public double outputDelta(int n, double[] out, double[] target, double[] delta) {
        if (n < SHORT) {
            return SCALAR.outputDelta(n, out, target, delta);
        }
        DoubleVector acc = DoubleVector.zero(S);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += V) {
            DoubleVector o = DoubleVector.fromArray(S, out, i);
            DoubleVector diff = o.sub(DoubleVector.fromArray(S, target, i));
            acc = diff.fma(diff, acc);
            // (out - target) · out · (1 - out)
            diff.mul(o).mul(o.neg().add(1.0)).intoArray(delta, i);
        }
        double[] buf = lanes[0];
        acc.intoArray(buf, 0);
        double sumSq = sumLanes(buf, 0);
        for (; i < n; i++) {
            double o = out[i];
            double diff = o - target[i];
            sumSq += diff * diff;
            delta[i] = diff * o * (1.0 - o);
        }
        return sumSq;
    }

    @Override
    public void mulSigmoidDeriv(int n, double[] out, double[] delta) {
        if (n < SHORT) {
            SCALAR.mulSigmoidDeriv(n, out, delta);
            return;
        }
        mulSigmoidDerivRange(0, n, out, delta);
    }

    @Override
    public void activate(Activation f, int n, double[] net, double[] out) {
        if (n < SHORT || f.kind() == Activation.Kind.LINEAR || f.kind() == Activation.Kind.SOFTMAX) {
            SCALAR.activate(f, n, net, out); // a copy, or softmax's refusal
            return;
        }
        switch (f.kind()) {
            case SIGMOID -> sigmoid(n, net, out);
            case TANH -> SimdExp.tanh(n, net, out);
            case GELU -> SimdExp.gelu(n, net, out);
            case RELU -> leakyRelu(n, 0.0, net, out);
            default -> leakyRelu(n, f.slope(), net, out); //@f32 default -> leakyRelu(n, (float) f.slope(), net, out);
        }
    }

    /** {@code net > 0 ? net : slope · net}; ReLU is slope 0 as {@code max(net, 0)}, NaN kept as Math.max keeps it. */
    private static void leakyRelu(int n, double slope, double[] net, double[] out) {
        int i = 0;
        int bound = S.loopBound(n);
        if (slope == 0) {
            for (; i < bound; i += V) {
                DoubleVector.fromArray(S, net, i).max(0.0).intoArray(out, i);
            }
            for (; i < n; i++) {
                out[i] = Math.max(net[i], 0.0);
            }
            return;
        }
        for (; i < bound; i += V) {
            DoubleVector x = DoubleVector.fromArray(S, net, i);
            x.mul(slope).blend(x, x.compare(VectorOperators.GT, 0.0)).intoArray(out, i);
        }
        for (; i < n; i++) {
            double x = net[i];
            out[i] = x > 0 ? x : slope * x;
        }
    }

    @Override
    public void mulActivationDeriv(Activation f, int n, double[] net, double[] out, double[] delta) {
        if (n < SHORT) {
            SCALAR.mulActivationDeriv(f, n, net, out, delta);
            return;
        }
        mulDerivRange(f, 0, n, net, out, delta);
    }

    /**
     * {@code delta[i] *= f'(net[i])} for i in [from, to), from a multiple of V (so a range's tail is
     * the whole array's, and any split into ranges gives the same values); linear leaves delta.
     */
    private static void mulDerivRange(Activation f, int from, int to, double[] net, double[] out, double[] delta) {
        switch (f.kind()) {
            case SIGMOID -> mulSigmoidDerivRange(from, to, out, delta);
            case TANH -> mulTanhDeriv(from, to, out, delta);
            case GELU -> SimdExp.mulGeluDeriv(from, to, net, delta);
            case RELU -> mulLeakyDeriv(from, to, 0.0, net, delta);
            case LEAKY_RELU -> mulLeakyDeriv(from, to, f.slope(), net, delta); //@f32 case LEAKY_RELU -> mulLeakyDeriv(from, to, (float) f.slope(), net, delta);
            case LINEAR -> { }
            case SOFTMAX -> throw ScalarDenseKernels.softmaxHasNoDerivative();
        }
    }

    /** {@code delta *= 1 - out²}. */
    private static void mulTanhDeriv(int from, int to, double[] out, double[] delta) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += V) {
            DoubleVector o = DoubleVector.fromArray(S, out, i);
            DoubleVector.fromArray(S, delta, i).mul(o.mul(o).neg().add(1.0)).intoArray(delta, i);
        }
        for (; i < to; i++) {
            double o = out[i];
            delta[i] *= 1.0 - o * o;
        }
    }

    /** {@code delta = net > 0 ? delta : slope · delta}; ReLU's is slope 0. */
    private static void mulLeakyDeriv(int from, int to, double slope, double[] net, double[] delta) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += V) {
            DoubleVector d = DoubleVector.fromArray(S, delta, i);
            DoubleVector below = slope == 0 ? DoubleVector.zero(S) : d.mul(slope);
            below.blend(d, DoubleVector.fromArray(S, net, i).compare(VectorOperators.GT, 0.0)).intoArray(delta, i);
        }
        for (; i < to; i++) {
            delta[i] = net[i] > 0 ? delta[i] : (slope == 0 ? 0.0 : delta[i] * slope);
        }
    }

    @Override
    public double squaredErrorDelta(Activation f, int n, double scale, double[] net, double[] out, double[] target,
            double[] delta) {
        if (n < SHORT) {
            return SCALAR.squaredErrorDelta(f, n, scale, net, out, target, delta);
        }
        DoubleVector acc = DoubleVector.zero(S);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += V) {
            DoubleVector diff = DoubleVector.fromArray(S, out, i).sub(DoubleVector.fromArray(S, target, i));
            acc = diff.fma(diff, acc);
            diff.mul(scale).intoArray(delta, i);
        }
        double[] buf = lanes[0];
        acc.intoArray(buf, 0);
        double sumSq = sumLanes(buf, 0);
        for (; i < n; i++) {
            double diff = out[i] - target[i];
            sumSq += diff * diff;
            delta[i] = scale * diff;
        }
        mulActivationDeriv(f, n, net, out, delta);
        return sumSq;
    }

    @Override
    public double sigmoidBinaryCrossEntropy(int n, double scale, double[] net, double[] target, double[] out,
            double[] delta) {
        sigmoid(n, net, out); // hands short rows to the scalar sigmoid itself
        return ScalarDenseKernels.binaryCrossEntropyRest(n, scale, net, target, out, delta);
    }

    @Override
    public void axpy(int n, double alpha, double[] x, double[] y) {
        if (n < SHORT) {
            SCALAR.axpy(n, alpha, x, y);
            return;
        }
        int chunks = parallel.chunksFor(n, 1, MIN_WORK_PER_THREAD);
        if (chunks == 1) {
            axpyRange(0, n, alpha, x, y);
        } else {
            split.run(split.axpy, chunks, 0, n, 0, alpha, x, y, null, null);
        }
    }

    @Override
    public void adam(int n, double beta1, double c1, double beta2, double c2, double stepSize, double bc2Sqrt, double eps,
            double decay, double l2, double gScale, double[] g, double[] m, double[] v, double[] p) {
        int chunks = n < SHORT ? 1 : parallel.chunksFor(n, 4, MIN_WORK_PER_THREAD); // about 4 axpys of work per element
        if (chunks == 1) {
            adamRange(0, n, beta1, c1, beta2, c2, stepSize, bc2Sqrt, eps, decay, l2, gScale, g, m, v, p);
        } else {
            split.runAdam(chunks, n, beta1, c1, beta2, c2, stepSize, bc2Sqrt, eps, decay, l2, gScale, g, m, v, p);
        }
    }

    /** Adam over [from, to): each element's update depends on that element alone, so any split gives the same bits. */
    private static void adamRange(int from, int to, double beta1, double c1, double beta2, double c2, double stepSize,
            double bc2Sqrt, double eps, double decay, double l2, double gScale, double[] g, double[] m, double[] v,
            double[] p) {
        // the scalar kernel's operations in its order, lane by lane: the same values bit for bit
        DoubleVector b1 = DoubleVector.broadcast(S, beta1), r1 = DoubleVector.broadcast(S, c1);
        DoubleVector b2 = DoubleVector.broadcast(S, beta2), r2 = DoubleVector.broadcast(S, c2);
        DoubleVector step = DoubleVector.broadcast(S, stepSize), bc2 = DoubleVector.broadcast(S, bc2Sqrt);
        DoubleVector e = DoubleVector.broadcast(S, eps), keep = DoubleVector.broadcast(S, decay);
        DoubleVector lv = DoubleVector.broadcast(S, l2), gs = DoubleVector.broadcast(S, gScale);
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += V) {
            DoubleVector pv = DoubleVector.fromArray(S, p, i);
            DoubleVector gi = gs.mul(DoubleVector.fromArray(S, g, i)).add(lv.mul(pv));
            DoubleVector mi = b1.mul(DoubleVector.fromArray(S, m, i)).add(r1.mul(gi));
            DoubleVector vi = b2.mul(DoubleVector.fromArray(S, v, i)).add(r2.mul(gi).mul(gi));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            keep.mul(pv).sub(step.mul(mi.div(vi.sqrt().div(bc2).add(e)))).intoArray(p, i);
        }
        ScalarDenseKernels.adamRange(i, to, beta1, c1, beta2, c2, stepSize, bc2Sqrt, eps, decay, l2, gScale, g, m, v, p);
    }

    private static void axpyRange(int from, int to, double alpha, double[] x, double[] y) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        DoubleVector av = DoubleVector.broadcast(S, alpha);
        for (; i < bound; i += V) {
            DoubleVector.fromArray(S, x, i).fma(av, DoubleVector.fromArray(S, y, i)).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = Math.fma(x[i], alpha, y[i]);
        }
    }

    @Override
    public void addColumnSums(int m, int n, double alpha, double[] a, double[] sums) {
        if (n < SHORT) {
            SCALAR.addColumnSums(m, n, alpha, a, sums);
            return;
        }
        // row by row, sums += alpha · row: contiguous loads, and no vector carried across a nested
        // loop (C2 fails to intrinsify such a loop once inlined into a call site that also saw the
        // scalar kernels, and falls back to allocating Java code)
        int bound = S.loopBound(n);
        DoubleVector av = DoubleVector.broadcast(S, alpha);
        for (int i = 0; i < m; i++) {
            int row = i * n;
            int j = 0;
            for (; j < bound; j += V) {
                DoubleVector.fromArray(S, a, row + j).fma(av, DoubleVector.fromArray(S, sums, j)).intoArray(sums, j);
            }
            for (; j < n; j++) {
                sums[j] = Math.fma(a[row + j], alpha, sums[j]);
            }
        }
    }

    // ---------------------------------------------------------------- rank-1 updates

    @Override
    public void addOuterProd(int m, int n, double alpha, double[] x, double[] y, double[] a) {
        if (n < V) {
            SCALAR.addOuterProd(m, n, alpha, x, y, a);
            return;
        }
        int chunks = parallel.chunksFor(m, n, MIN_WORK_PER_THREAD);
        if (chunks == 1) {
            outerRows(0, m, n, alpha, x, y, a);
        } else {
            split.run(split.outer, chunks, m, n, 0, alpha, x, y, a, null);
        }
    }

    /** Rows [from, to) of {@code a += alpha · x · yᵀ}. */
    private static void outerRows(int from, int to, int n, double alpha, double[] x, double[] y, double[] a) {
        int bound = S.loopBound(n);
        for (int i = from; i < to; i++) {
            double s = alpha * x[i];
            DoubleVector sv = DoubleVector.broadcast(S, s);
            int row = i * n;
            int j = 0;
            for (; j < bound; j += V) {
                DoubleVector.fromArray(S, y, j).fma(sv, DoubleVector.fromArray(S, a, row + j)).intoArray(a, row + j);
            }
            for (; j < n; j++) {
                a[row + j] = Math.fma(y[j], s, a[row + j]);
            }
        }
    }

    @Override
    public void onlineBackward(Activation f, int m, int n, double alpha, double[] delta, double[] netIn, double[] in,
            double[] w, double[] deltaIn) {
        if (n < V || f.kind() == Activation.Kind.SOFTMAX) { // the scalar kernel refuses softmax before it writes
            SCALAR.onlineBackward(f, m, n, alpha, delta, netIn, in, w, deltaIn);
            return;
        }
        // split over columns j: each thread owns deltaIn[j..] and W[.][j..], rows in ascending order
        int chunks = parallel.chunksFor(n / V + 1, (long) m * V, MIN_WORK_PER_THREAD);
        if (chunks == 1) {
            onlineBackwardCols(f, 0, n, m, n, alpha, delta, netIn, in, w, deltaIn);
        } else {
            split.runOnline(f, netIn, chunks, m, n, alpha, delta, in, w, deltaIn);
        }
    }

    /**
     * Columns [from, to) of the fused online step: one read and one write of each W element, then
     * the derivative of the layer below over the same columns while they are in cache.
     */
    private static void onlineBackwardCols(Activation f, int from, int to, int m, int n, double alpha,
            double[] delta, double[] netIn, double[] in, double[] w, double[] deltaIn) {
        java.util.Arrays.fill(deltaIn, from, to, 0.0);
        int bound = from + S.loopBound(to - from);
        for (int i = 0; i < m; i++) {
            double d = delta[i];
            double s = alpha * d;
            DoubleVector dv = DoubleVector.broadcast(S, d);
            DoubleVector sv = DoubleVector.broadcast(S, s);
            int row = i * n;
            int j = from;
            for (; j < bound; j += V) {
                DoubleVector wv = DoubleVector.fromArray(S, w, row + j);
                // (Wᵀ·delta)_j with W before the update, then W += alpha · delta · inᵀ
                wv.fma(dv, DoubleVector.fromArray(S, deltaIn, j)).intoArray(deltaIn, j);
                DoubleVector.fromArray(S, in, j).fma(sv, wv).intoArray(w, row + j);
            }
            for (; j < to; j++) {
                double wij = w[row + j];
                deltaIn[j] = Math.fma(wij, d, deltaIn[j]);
                w[row + j] = Math.fma(in[j], s, wij);
            }
        }
        mulDerivRange(f, from, to, netIn, in, deltaIn);
    }

    private static void mulSigmoidDerivRange(int from, int to, double[] out, double[] delta) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += V) {
            DoubleVector o = DoubleVector.fromArray(S, out, i);
            DoubleVector.fromArray(S, delta, i).mul(o.mul(o.neg().add(1.0))).intoArray(delta, i);
        }
        for (; i < to; i++) {
            double o = out[i];
            delta[i] *= o * (1.0 - o);
        }
    }

    // ---------------------------------------------------------------- products

    @Override
    public void multTransBAddBias(int m, int n, int k, double[] a, double[] b, double[] bias, double[] c) {
        if ((k < V && n < V) || (m == 1 && k < SHORT)) {
            // (a dot product of a few vectors would run its loop too few times to stay in registers)
            SCALAR.multTransBAddBias(m, n, k, a, b, bias, c);
            return;
        }
        if (m == 1) {
            // net_j = W_j · x + b_j: one dot product per output row of W
            int chunks = parallel.chunksFor(n, k, MIN_WORK_PER_THREAD);
            if (chunks == 1) {
                gemvRows(lanes[0], 0, n, k, a, b, bias, c);
            } else {
                split.run(split.gemv, chunks, 0, n, k, 0, a, b, bias, c);
            }
            return;
        }
        gemm.gemm(gemmChunks(m, n, k), m, n, k, 1.0, a, false, b, true, c, bias, true);
    }

    /** Rows [from, to) of {@code c = W · x + bias}, four rows of W per pass over x; buf holds 4 vectors. */
    private static void gemvRows(double[] buf, int from, int to, int k, double[] x, double[] w, double[] bias, double[] c) {
        int bound = S.loopBound(k);
        int j = from;
        for (; j + 4 <= to; j += 4) {
            int r0 = j * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
            DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            int p = 0;
            for (; p < bound; p += V) {
                DoubleVector xv = DoubleVector.fromArray(S, x, p);
                s0 = DoubleVector.fromArray(S, w, r0 + p).fma(xv, s0);
                s1 = DoubleVector.fromArray(S, w, r1 + p).fma(xv, s1);
                s2 = DoubleVector.fromArray(S, w, r2 + p).fma(xv, s2);
                s3 = DoubleVector.fromArray(S, w, r3 + p).fma(xv, s3);
            }
            s0.intoArray(buf, 0);
            s1.intoArray(buf, V);
            s2.intoArray(buf, 2 * V);
            s3.intoArray(buf, 3 * V);
            double d0 = sumLanes(buf, 0), d1 = sumLanes(buf, V), d2 = sumLanes(buf, 2 * V), d3 = sumLanes(buf, 3 * V);
            for (; p < k; p++) {
                double xp = x[p];
                d0 = Math.fma(w[r0 + p], xp, d0);
                d1 = Math.fma(w[r1 + p], xp, d1);
                d2 = Math.fma(w[r2 + p], xp, d2);
                d3 = Math.fma(w[r3 + p], xp, d3);
            }
            c[j] = d0 + bias[j];
            c[j + 1] = d1 + bias[j + 1];
            c[j + 2] = d2 + bias[j + 2];
            c[j + 3] = d3 + bias[j + 3];
        }
        for (; j < to; j++) {
            int r = j * k;
            DoubleVector s = DoubleVector.zero(S);
            int p = 0;
            for (; p < bound; p += V) {
                s = DoubleVector.fromArray(S, w, r + p).fma(DoubleVector.fromArray(S, x, p), s);
            }
            s.intoArray(buf, 0);
            double d = sumLanes(buf, 0);
            for (; p < k; p++) {
                d = Math.fma(w[r + p], x[p], d);
            }
            c[j] = d + bias[j];
        }
    }

    @Override
    public void mult(int m, int n, int k, double[] a, double[] b, double[] c) {
        if (n < V) {
            SCALAR.mult(m, n, k, a, b, c);
            return;
        }
        if (m == 1) {
            java.util.Arrays.fill(c, 0, n, 0.0);
            // c = sum over p of a_p · (row p of b): each thread owns a range of columns
            int chunks = parallel.chunksFor(n / V + 1, (long) k * V, MIN_WORK_PER_THREAD);
            if (chunks == 1) {
                axpyRows(0, n, n, k, a, b, c);
            } else {
                split.run(split.axpyRows, chunks, 0, n, k, 0, a, b, c, null);
            }
            return;
        }
        gemm.gemm(gemmChunks(m, n, k), m, n, k, 1.0, a, false, b, false, c, null, true);
    }

    /** Columns [from, to) of {@code c += sum_p a[p] · b[p][.]}, p ascending. */
    private static void axpyRows(int from, int to, int n, int k, double[] a, double[] b, double[] c) {
        int bound = from + S.loopBound(to - from);
        for (int p = 0; p < k; p++) {
            double ap = a[p];
            DoubleVector av = DoubleVector.broadcast(S, ap);
            int row = p * n;
            int j = from;
            for (; j < bound; j += V) {
                DoubleVector.fromArray(S, b, row + j).fma(av, DoubleVector.fromArray(S, c, j)).intoArray(c, j);
            }
            for (; j < to; j++) {
                c[j] = Math.fma(b[row + j], ap, c[j]);
            }
        }
    }

    @Override
    public void hiddenDelta(int m, int n, int k, double[] deltaAbove, double[] w, double[] out, double[] delta) {
        // both halves hand short rows to the scalar kernels themselves
        mult(m, n, k, deltaAbove, w, delta);
        mulSigmoidDeriv(m * n, out, delta);
    }

    @Override
    public void multAddTransA(int m, int n, int k, double alpha, double[] a, double[] b, double[] c) {
        if (n < V) {
            SCALAR.multAddTransA(m, n, k, alpha, a, b, c);
            return;
        }
        if (k == 1) {
            addOuterProd(m, n, alpha, a, b, c);
            return;
        }
        gemm.gemm(gemmChunks(m, n, k), m, n, k, alpha, a, true, b, false, c, null, false);
    }

    /** How many threads a product of this size is split over (see {@link io.vecprop.kernels.Tuning}). */
    private int gemmChunks(int m, int n, int k) {
        // the work of a unit: a row panel (MR rows across n) or a column panel (NR columns down m)
        long perUnit = SimdGemm.splitsRows(m, n) ? (long) SimdGemm.MR * n * k : (long) m * k * SimdGemm.NR;
        long minWork = Math.min(m, Math.min(n, k)) >= GEMM_MIN_SPLIT_DEPTH ? GEMM_MIN_WORK_PER_THREAD
                : GEMM_THIN_MIN_WORK_PER_THREAD;
        return parallel.chunksFor(SimdGemm.splitUnits(m, n), perUnit, minWork);
    }

    /**
     * One split call: its sizes and arrays, how to cut it into chunks, and a body per kernel. A
     * single instance, reused for every call, so handing work to the pool allocates nothing.
     */
    private final class Split {
        private int chunks, m, n, k;
        private double alpha;
        private double[] a, b, c, d, e;
        private Activation f;
        /** Adam's scalars: beta1, c1, beta2, c2, stepSize, bc2Sqrt, eps, decay, l2, gScale. */
        private final double[] hyper = new double[10];

        // one small body per kernel, handed to the pool as it is, instead of a switch over an op code
        final IntConsumer axpy = ch -> axpyRange(start(n, V, ch), start(n, V, ch + 1), alpha, a, b);
        final IntConsumer outer = ch -> outerRows(start(m, 1, ch), start(m, 1, ch + 1), n, alpha, a, b, c);
        final IntConsumer online = ch -> onlineBackwardCols(f, start(n, V, ch), start(n, V, ch + 1), m, n, alpha, a, e, b,
                c, d);
        final IntConsumer gemv = ch -> gemvRows(lanes[ch], start(n, 4, ch), start(n, 4, ch + 1), k, a, b, c, d);
        final IntConsumer axpyRows = ch -> axpyRows(start(n, V, ch), start(n, V, ch + 1), n, k, a, b, c);
        final IntConsumer adam = ch -> adamRange(start(n, V, ch), start(n, V, ch + 1), hyper[0], hyper[1], hyper[2],
                hyper[3], hyper[4], hyper[5], hyper[6], hyper[7], hyper[8], hyper[9], a, b, c, d);

        void run(IntConsumer op, int chunks, int m, int n, int k, double alpha, double[] a, double[] b, double[] c, double[] d) {
            this.chunks = chunks;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.b = b;
            this.c = c;
            this.d = d;
            try {
                parallel.forEachChunk(chunks, op);
            } finally {
                this.a = this.b = this.c = this.d = this.e = null; // keep no caller's array alive
                this.f = null;
            }
        }

        /** The online step's split: its activation and the net input below besides run's arrays. */
        void runOnline(Activation f, double[] netIn, int chunks, int m, int n, double alpha, double[] delta, double[] in,
                double[] w, double[] deltaIn) {
            this.f = f;
            this.e = netIn;
            run(online, chunks, m, n, 0, alpha, delta, in, w, deltaIn);
        }

        void runAdam(int chunks, int n, double beta1, double c1, double beta2, double c2, double stepSize, double bc2Sqrt,
                double eps, double decay, double l2, double gScale, double[] g, double[] m, double[] v, double[] p) {
            hyper[0] = beta1;
            hyper[1] = c1;
            hyper[2] = beta2;
            hyper[3] = c2;
            hyper[4] = stepSize;
            hyper[5] = bc2Sqrt;
            hyper[6] = eps;
            hyper[7] = decay;
            hyper[8] = l2;
            hyper[9] = gScale;
            run(adam, chunks, 0, n, 0, 0, g, m, v, p);
        }

        private int start(int units, int align, int chunk) {
            return Parallel.chunkStart(units, chunks, chunk, align);
        }
    }
}
