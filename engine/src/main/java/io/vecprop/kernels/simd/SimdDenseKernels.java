package io.vecprop.kernels.simd;

import static io.vecprop.kernels.Tuning.GEMM_KC;
import static io.vecprop.kernels.Tuning.GEMM_MC;
import static io.vecprop.kernels.Tuning.GEMM_MIN_PACKED;
import static io.vecprop.kernels.Tuning.GEMM_MR;
import static io.vecprop.kernels.Tuning.GEMM_NC_PANELS;
import static io.vecprop.kernels.Tuning.GEMM_NR_VECTORS;
import static io.vecprop.kernels.Tuning.MIN_WORK_PER_THREAD;
import static io.vecprop.kernels.Tuning.SIMD_MIN_VECTORS;

import io.vecprop.GenerateF32;
import io.vecprop.kernels.AlignedBuffers;
import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.KernelInfo;
import io.vecprop.kernels.Parallel;
import io.vecprop.kernels.scalar.ScalarDenseKernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels on the Java Vector API: the only class of vecprop that touches
 * {@code jdk.incubator.vector}. It is loaded by name (see {@code KernelProvider}), so the rest of
 * the engine links and runs without the module.
 *
 * <p>The species is fixed per JVM from {@code -Dvecprop.vectorBits=128|256|512} (default: the
 * platform's preferred width) and held {@code static final}, so C2 folds it and vectors never box.
 * Elementwise kernels are a vector loop to {@code loopBound} and a scalar tail. Products pack
 * blocks of their operands and run a register-blocked 6 x 3-vector (see {@code Tuning})
 * micro-kernel; batches of one take matrix-vector paths. Rows shorter than one vector (elementwise: four) go to the
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
    /** Columns of the GEMM micro-tile. */
    static final int NR = GEMM_NR_VECTORS * V;
    static final int MR = GEMM_MR;
    /** Elementwise kernels hand rows shorter than this to the scalar kernels (see {@link io.vecprop.kernels.Tuning#SIMD_MIN_VECTORS}). */
    static final int SHORT = SIMD_MIN_VECTORS * V;
    /** Where packed B panels start in their buffer: on a cache line when the JVM allows (see AlignedBuffers). */
    static final int B_START = AlignedBuffers.OFFSET;
    static final int NC = NR * GEMM_NC_PANELS;
    /** Which sigmoid {@link #sigmoid} runs: the hand-written exp (default) or {@code lanewise(EXP)}. */
    static final boolean SIGMOID_LANEWISE = "lanewise".equals(System.getProperty("vecprop.sigmoid", "poly"));

    private static final ScalarDenseKernels SCALAR = ScalarDenseKernels.INSTANCE;

    private final Parallel parallel;
    /** Packing buffers per thread chunk, allocated by the first product that packs (a few MB). */
    private final double[][] packA;
    private final double[][] packB;
    private final double[][] tiles;
    /** The arguments of the call being split across threads, reused: a split call allocates nothing. */
    private final Split split = new Split();

    public SimdDenseKernels(Parallel parallel) {
        this.parallel = parallel;
        int t = parallel.threads();
        packA = new double[t][];
        packB = new double[t][];
        tiles = new double[t][];
        for (int i = 0; i < t; i++) {
            tiles[i] = new double[MR * NR];
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
    public String name() {
        return "simd";
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
            sigmoidLanewise(n, net, out);
        } else {
            sigmoidPoly(n, net, out);
        }
    }

    /** {@code 1 / (1 + exp(-x))} on {@code lanewise(EXP)}. */
    public static void sigmoidLanewise(int n, double[] net, double[] out) {
        int i = 0;
        int bound = S.loopBound(n);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (; i < bound; i += V) {
            DoubleVector x = DoubleVector.fromArray(S, net, i);
            one.div(x.neg().lanewise(VectorOperators.EXP).add(1.0)).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = 1.0 / (1.0 + Math.exp(-net[i]));
        }
    }

    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2_HI = 0.6931471803691238; // ln 2 rounded to 32 bits: k * LN2_HI is exact //@f32 private static final float LN2_HI = 0.693359375f; // ln 2 rounded to 9 bits: k * LN2_HI is exact
    private static final double LN2_LO = 1.9082149292705877e-10; //@f32 private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 · 2^52: adding it rounds to an integer held in the low mantissa bits. */
    private static final double ROUNDER = 0x1.8p52; //@f32 private static final float ROUNDER = 0x1.8p23f; // 1.5 · 2^23
    private static final long ROUNDER_BITS = Double.doubleToRawLongBits(ROUNDER); //@f32 private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    /** The exponent bias and the mantissa's width, to build 2^k from k. */
    private static final long EXP_BIAS = 1023; //@f32 private static final int EXP_BIAS = 127;
    private static final int MANTISSA_BITS = 52; //@f32 private static final int MANTISSA_BITS = 23;
    /** Beyond this |x|, e^-|x| would be subnormal and is flushed to 0. */
    private static final double EXP_FLUSH = 708.0; //@f32 private static final float EXP_FLUSH = 87.0f;
    /**
     * e^-u = 1 + sum of Ei·u^i: a Chebyshev fit of e^r of degree 11 on [-ln2/2, ln2/2], odd terms
     * negated (relative error 1.7e-17). The float twin fits degree 6 (7.5e-8 evaluated in float,
     * about an ulp): its Horner loop starts at E6 and skips E9..E5.
     */
    private static final double E11 = -2.5110037605963777e-08; //@f32
    private static final double E10 = 2.763263963904103e-07; //@f32
    private static final double E9 = -2.755724091857897e-06; //@f32
    private static final double E8 = 2.4801485482328494e-05; //@f32
    private static final double E7 = -0.00019841269890047113; //@f32
    private static final double E6 = 0.0013888888952314775; //@f32 private static final float E6 = 0.0013941108481958508f;
    private static final double E5 = -0.008333333333319601; //@f32 private static final float E5 = -0.00837512593716383f;
    private static final double E4 = 0.0416666666664881; //@f32 private static final float E4 = 0.04166635125875473f;
    private static final double E3 = -0.1666666666666668; //@f32 private static final float E3 = -0.16666415333747864f;
    private static final double E2 = 0.5000000000000019;
    private static final double E1 = -1.0;

    /**
     * {@code 1 / (1 + exp(-x))} on a hand-written vector exp of {@code -|x|}, which never overflows:
     * with {@code e = exp(-|x|)}, sigmoid is {@code 1/(1+e)} for x >= 0 and {@code e/(1+e)} for
     * x < 0. exp is reduced to {@code -|x| = k·ln2 - u} with |u| <= ln2/2, {@code e^-u} is a
     * degree-11 polynomial (a Chebyshev fit of e^r on [-ln2/2, ln2/2], relative error 1.7e-17), and
     * 2^k comes from exponent bits. For |x| > EXP_FLUSH (708; 87 in float), where e^-|x| would be
     * subnormal, e is flushed to 0, so sigmoid is exactly 0 or 1 there (the scalar formula gives a
     * subnormal below -708).
     * Only IEEE arithmetic, so the result is the same interpreted and compiled, unlike
     * {@code lanewise(EXP)}. exp is written inline: a vector passed to a method C2 does not inline
     * is boxed.
     */
    public static void sigmoidPoly(int n, double[] net, double[] out) {
        int i = 0;
        int bound = S.loopBound(n);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector ln2Hi = DoubleVector.broadcast(S, LN2_HI);
        DoubleVector ln2Lo = DoubleVector.broadcast(S, LN2_LO);
        for (; i < bound; i += V) {
            DoubleVector x = DoubleVector.fromArray(S, net, i);
            DoubleVector ax = x.abs();
            DoubleVector shifted = ax.fma(-LOG2E, ROUNDER);      // k + 1.5·2^52 with k = round(-|x|/ln2)
            DoubleVector k = shifted.sub(ROUNDER);
            DoubleVector u = k.fma(ln2Lo, k.fma(ln2Hi, ax));    // u = |x| + k·ln2, |u| <= ln2/2
            // e^-u by Horner, on the coefficients of e^r with the odd ones negated
            DoubleVector p = u.fma(E11, E10); //@f32 FloatVector p = u.fma(E6, E5);
            p = p.fma(u, DoubleVector.broadcast(S, E9)); //@f32
            p = p.fma(u, DoubleVector.broadcast(S, E8)); //@f32
            p = p.fma(u, DoubleVector.broadcast(S, E7)); //@f32
            p = p.fma(u, DoubleVector.broadcast(S, E6)); //@f32
            p = p.fma(u, DoubleVector.broadcast(S, E5)); //@f32
            p = p.fma(u, DoubleVector.broadcast(S, E4));
            p = p.fma(u, DoubleVector.broadcast(S, E3));
            p = p.fma(u, DoubleVector.broadcast(S, E2));
            p = p.fma(u, DoubleVector.broadcast(S, E1));
            p = p.fma(u, one);
            // e = p · 2^k, k in [-1022, 0] while |x| <= EXP_FLUSH; beyond (infinities too) e is 0
            DoubleVector scale = shifted.viewAsIntegralLanes().add(EXP_BIAS - ROUNDER_BITS)
                    .lanewise(VectorOperators.LSHL, MANTISSA_BITS).viewAsFloatingLanes();
            DoubleVector e = p.mul(scale).blend(0.0, ax.compare(VectorOperators.GT, EXP_FLUSH));
            // 1/(1+e) or e/(1+e), one division either way: e · (1/(1+e)) rounds once more, which
            // put the float twin 3 ulp off on some x < 0 (see TestSigmoidF32)
            one.blend(e, x.compare(VectorOperators.LT, 0.0)).div(e.add(1.0)).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = 1.0 / (1.0 + Math.exp(-net[i]));
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
    public void softmax(int m, int n, double[] net, double[] out) {
        if (n < SHORT) {
            SCALAR.softmax(m, n, net, out);
            return;
        }
        for (int o = 0; o < m * n; o += n) {
            expShifted(n, net, o, ScalarDenseKernels.rowMax(n, net, o), out);
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
            expShifted(n, net, o, max, out);
            loss += ScalarDenseKernels.crossEntropyRow(n, o, net, target, max, out, delta);
        }
        return loss;
    }

    /**
     * {@code out[from+j] = exp(a[from+j] - max)} for j below n, with max the row's largest, so every
     * argument is at most 0: the exp of {@link #sigmoidPoly} on {@code -(max - a)}, written inline
     * for the same reason.
     */
    private static void expShifted(int n, double[] a, int from, double max, double[] out) {
        int j = 0;
        int bound = S.loopBound(n);
        DoubleVector ln2Hi = DoubleVector.broadcast(S, LN2_HI);
        DoubleVector ln2Lo = DoubleVector.broadcast(S, LN2_LO);
        for (; j < bound; j += V) {
            DoubleVector ax = DoubleVector.fromArray(S, a, from + j).neg().add(max); // max - a >= 0
            DoubleVector shifted = ax.fma(-LOG2E, ROUNDER);
            DoubleVector k = shifted.sub(ROUNDER);
            DoubleVector u = k.fma(ln2Lo, k.fma(ln2Hi, ax));
            DoubleVector p = u.fma(E11, E10); //@f32 FloatVector p = u.fma(E6, E5);
            p = p.fma(u, DoubleVector.broadcast(S, E9)); //@f32
            p = p.fma(u, DoubleVector.broadcast(S, E8)); //@f32
            p = p.fma(u, DoubleVector.broadcast(S, E7)); //@f32
            p = p.fma(u, DoubleVector.broadcast(S, E6)); //@f32
            p = p.fma(u, DoubleVector.broadcast(S, E5)); //@f32
            p = p.fma(u, DoubleVector.broadcast(S, E4));
            p = p.fma(u, DoubleVector.broadcast(S, E3));
            p = p.fma(u, DoubleVector.broadcast(S, E2));
            p = p.fma(u, DoubleVector.broadcast(S, E1));
            p = p.fma(u, DoubleVector.broadcast(S, 1.0));
            DoubleVector scale = shifted.viewAsIntegralLanes().add(EXP_BIAS - ROUNDER_BITS)
                    .lanewise(VectorOperators.LSHL, MANTISSA_BITS).viewAsFloatingLanes();
            p.mul(scale).blend(0.0, ax.compare(VectorOperators.GT, EXP_FLUSH)).intoArray(out, from + j);
        }
        for (; j < n; j++) {
            out[from + j] = Math.exp(a[from + j] - max);
        }
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
        double[] buf = tiles[0];
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
    public void axpy(int n, double alpha, double[] x, double[] y) {
        if (n < SHORT) {
            SCALAR.axpy(n, alpha, x, y);
            return;
        }
        int chunks = parallel.chunksFor(n, 1, MIN_WORK_PER_THREAD);
        if (chunks == 1) {
            axpyRange(0, n, alpha, x, y);
        } else {
            split.run(Split.AXPY, chunks, 0, n, 0, alpha, x, y, null, null);
        }
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
            split.run(Split.OUTER, chunks, m, n, 0, alpha, x, y, a, null);
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
    public void onlineBackward(int m, int n, double alpha, double[] delta, double[] in, double[] w, double[] deltaIn) {
        if (n < V) {
            SCALAR.onlineBackward(m, n, alpha, delta, in, w, deltaIn);
            return;
        }
        // split over columns j: each thread owns deltaIn[j..] and W[.][j..], rows in ascending order
        int chunks = parallel.chunksFor(n / V + 1, (long) m * V, MIN_WORK_PER_THREAD);
        if (chunks == 1) {
            onlineBackwardCols(0, n, m, n, alpha, delta, in, w, deltaIn);
        } else {
            split.run(Split.ONLINE, chunks, m, n, 0, alpha, delta, in, w, deltaIn);
        }
    }

    /** Columns [from, to) of the fused online step: one read and one write of each W element. */
    private static void onlineBackwardCols(int from, int to, int m, int n, double alpha,
            double[] delta, double[] in, double[] w, double[] deltaIn) {
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
        mulSigmoidDerivRange(from, to, in, deltaIn);
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
                gemvRows(tiles[0], 0, n, k, a, b, bias, c);
            } else {
                split.run(Split.GEMV, chunks, 0, n, k, 0, a, b, bias, c);
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            System.arraycopy(bias, 0, c, i * n, n);
        }
        gemm(m, n, k, 1.0, a, false, b, true, c);
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
        java.util.Arrays.fill(c, 0, m * n, 0.0);
        if (m == 1) {
            // c = sum over p of a_p · (row p of b): each thread owns a range of columns
            int chunks = parallel.chunksFor(n / V + 1, (long) k * V, MIN_WORK_PER_THREAD);
            if (chunks == 1) {
                axpyRows(0, n, n, k, a, b, c);
            } else {
                split.run(Split.AXPY_ROWS, chunks, 0, n, k, 0, a, b, c, null);
            }
            return;
        }
        gemm(m, n, k, 1.0, a, false, b, false, c);
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
        gemm(m, n, k, alpha, a, true, b, false, c);
    }

    /**
     * {@code C[m x n] += alpha · op(A) · op(B)}, op(A) m x k and op(B) k x n. A is stored m x k, or
     * k x m when transA; B is stored k x n, or n x k when transB. Small products run direct loops;
     * larger ones are packed into blocks and split over column ranges of C, one per thread.
     */
    void gemm(int m, int n, int k, double alpha, double[] a, boolean transA, double[] b, boolean transB, double[] c) {
        if ((long) m * n * k < GEMM_MIN_PACKED) {
            gemmDirect(m, n, k, alpha, a, transA, b, transB, c);
            return;
        }
        int chunks = parallel.chunksFor((n + NR - 1) / NR, (long) m * k * NR, MIN_WORK_PER_THREAD * 8);
        if (chunks == 1) {
            gemmCols(0, 0, n, m, n, k, alpha, a, transA, b, transB, c);
        } else {
            split.gemm(chunks, m, n, k, alpha, a, transA, b, transB, c);
        }
    }

    /** Small products: plain loops, each element summed over p ascending with one fma per term. */
    private static void gemmDirect(int m, int n, int k, double alpha, double[] a, boolean transA, double[] b,
            boolean transB, double[] c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[p * m + i] : a[i * k + p];
                    double bv = transB ? b[j * k + p] : b[p * n + j];
                    sum = Math.fma(av, bv, sum);
                }
                c[i * n + j] = Math.fma(alpha, sum, c[i * n + j]);
            }
        }
    }

    /** Columns [from, to) of C: blocked loops over NC columns, KC depth and MC rows around the micro-kernel. */
    private void gemmCols(int chunk, int from, int to, int m, int n, int k, double alpha, double[] a, boolean transA,
            double[] b, boolean transB, double[] c) {
        if (packA[chunk] == null) {
            packA[chunk] = new double[GEMM_MC * GEMM_KC];
            packB[chunk] = AlignedBuffers.allocate(GEMM_KC * NC);
        }
        double[] ap = packA[chunk];
        double[] bp = packB[chunk];
        double[] tile = tiles[chunk];
        for (int jc = from; jc < to; jc += NC) {
            int nc = Math.min(NC, to - jc);
            for (int pc = 0; pc < k; pc += GEMM_KC) {
                int kc = Math.min(GEMM_KC, k - pc);
                packB(b, transB, k, n, pc, kc, jc, nc, bp);
                for (int ic = 0; ic < m; ic += GEMM_MC) {
                    int mc = Math.min(GEMM_MC, m - ic);
                    packA(a, transA, m, k, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int rows = Math.min(MR, mc - ir);
                            micro(kc, ap, ir * kc, bp, B_START + jr * kc, c, (ic + ir) * n + jc + jr, n, rows, cols, alpha, tile);
                        }
                    }
                }
            }
        }
    }

    /** Packs op(B)[pc..pc+kc][jc..jc+nc] as panels of NR columns, each kc rows of NR values, zero-padded. */
    private static void packB(double[] b, boolean transB, int k, int n, int pc, int kc, int jc, int nc, double[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int base = B_START + jr * kc;
            for (int p = 0; p < kc; p++) {
                int dst = base + p * NR;
                if (transB) {
                    for (int j = 0; j < cols; j++) {
                        bp[dst + j] = b[(jc + jr + j) * k + pc + p];
                    }
                } else {
                    System.arraycopy(b, (pc + p) * n + jc + jr, bp, dst, cols);
                }
                for (int j = cols; j < NR; j++) {
                    bp[dst + j] = 0;
                }
            }
        }
    }

    /** Packs op(A)[ic..ic+mc][pc..pc+kc] as panels of MR rows, each kc columns of MR values, zero-padded. */
    private static void packA(double[] a, boolean transA, int m, int k, int ic, int mc, int pc, int kc, double[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int base = ir * kc;
            for (int p = 0; p < kc; p++) {
                int dst = base + p * MR;
                if (transA) {
                    System.arraycopy(a, (pc + p) * m + ic + ir, ap, dst, rows);
                } else {
                    for (int r = 0; r < rows; r++) {
                        ap[dst + r] = a[(ic + ir + r) * k + pc + p];
                    }
                }
                for (int r = rows; r < MR; r++) {
                    ap[dst + r] = 0;
                }
            }
        }
    }

    /**
     * One split call: which kernel, its sizes and arrays, and how to cut it into chunks. A single
     * instance, reused for every call, so handing work to the pool allocates nothing.
     */
    private final class Split implements java.util.function.IntConsumer {
        static final int AXPY = 0, OUTER = 1, ONLINE = 2, GEMV = 3, AXPY_ROWS = 4, GEMM = 5;

        private int op, chunks, m, n, k;
        private double alpha;
        private double[] a, b, c, d;
        private boolean transA, transB;

        void run(int op, int chunks, int m, int n, int k, double alpha, double[] a, double[] b, double[] c, double[] d) {
            this.op = op;
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
                parallel.forEachChunk(chunks, this);
            } finally {
                this.a = this.b = this.c = this.d = null; // keep no caller's array alive
            }
        }

        void gemm(int chunks, int m, int n, int k, double alpha, double[] a, boolean transA, double[] b, boolean transB,
                double[] c) {
            this.transA = transA;
            this.transB = transB;
            run(GEMM, chunks, m, n, k, alpha, a, b, c, null);
        }

        private int start(int units, int align, int chunk) {
            return Parallel.chunkStart(units, chunks, chunk, align);
        }

        @Override
        public void accept(int ch) {
            switch (op) {
                case AXPY -> axpyRange(start(n, V, ch), start(n, V, ch + 1), alpha, a, b);
                case OUTER -> outerRows(start(m, 1, ch), start(m, 1, ch + 1), n, alpha, a, b, c);
                case ONLINE -> onlineBackwardCols(start(n, V, ch), start(n, V, ch + 1), m, n, alpha, a, b, c, d);
                case GEMV -> gemvRows(tiles[ch], start(n, 4, ch), start(n, 4, ch + 1), k, a, b, c, d);
                case AXPY_ROWS -> axpyRows(start(n, V, ch), start(n, V, ch + 1), n, k, a, b, c);
                case GEMM -> gemmCols(ch, start(n, NR, ch), start(n, NR, ch + 1), m, n, k, alpha, a, transA, b, transB, c);
                default -> throw new IllegalStateException("no split operation " + op);
            }
        }
    }

    /**
     * The micro-kernel: a 6 x 3-vector tile of C accumulated over kc packed steps in 18 registers,
     * then {@code C += alpha · tile}. Edge tiles go through a buffer with the same fma per element.
     * Written out in full: a vector passed to a helper C2 does not inline would be boxed.
     */
    private static void micro(int kc, double[] ap, int aOff, double[] bp, int bOff, double[] c, int cOff, int ldc,
            int rows, int cols, double alpha, double[] tile) {
        DoubleVector c0a = DoubleVector.zero(S);
        DoubleVector c0b = c0a, c0c = c0a, c1a = c0a, c1b = c0a, c1c = c0a, c2a = c0a;
        DoubleVector c2b = c0a, c2c = c0a, c3a = c0a, c3b = c0a, c3c = c0a, c4a = c0a;
        DoubleVector c4b = c0a, c4c = c0a, c5a = c0a, c5b = c0a, c5c = c0a;
        for (int p = 0, ai = aOff, bi = bOff; p < kc; p++, ai += MR, bi += NR) {
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, bi + 1 * V);
            DoubleVector b2 = DoubleVector.fromArray(S, bp, bi + 2 * V);
            DoubleVector a0 = DoubleVector.broadcast(S, ap[ai]);
            c0a = a0.fma(b0, c0a); c0b = a0.fma(b1, c0b); c0c = a0.fma(b2, c0c);
            DoubleVector a1 = DoubleVector.broadcast(S, ap[ai + 1]);
            c1a = a1.fma(b0, c1a); c1b = a1.fma(b1, c1b); c1c = a1.fma(b2, c1c);
            DoubleVector a2 = DoubleVector.broadcast(S, ap[ai + 2]);
            c2a = a2.fma(b0, c2a); c2b = a2.fma(b1, c2b); c2c = a2.fma(b2, c2c);
            DoubleVector a3 = DoubleVector.broadcast(S, ap[ai + 3]);
            c3a = a3.fma(b0, c3a); c3b = a3.fma(b1, c3b); c3c = a3.fma(b2, c3c);
            DoubleVector a4 = DoubleVector.broadcast(S, ap[ai + 4]);
            c4a = a4.fma(b0, c4a); c4b = a4.fma(b1, c4b); c4c = a4.fma(b2, c4c);
            DoubleVector a5 = DoubleVector.broadcast(S, ap[ai + 5]);
            c5a = a5.fma(b0, c5a); c5b = a5.fma(b1, c5b); c5c = a5.fma(b2, c5c);
        }
        if (rows == MR && cols == NR) {
            DoubleVector al = DoubleVector.broadcast(S, alpha);
            int o = cOff;
            c0a.fma(al, DoubleVector.fromArray(S, c, o)).intoArray(c, o);
            c0b.fma(al, DoubleVector.fromArray(S, c, o + 1 * V)).intoArray(c, o + 1 * V);
            c0c.fma(al, DoubleVector.fromArray(S, c, o + 2 * V)).intoArray(c, o + 2 * V);
            o += ldc;
            c1a.fma(al, DoubleVector.fromArray(S, c, o)).intoArray(c, o);
            c1b.fma(al, DoubleVector.fromArray(S, c, o + 1 * V)).intoArray(c, o + 1 * V);
            c1c.fma(al, DoubleVector.fromArray(S, c, o + 2 * V)).intoArray(c, o + 2 * V);
            o += ldc;
            c2a.fma(al, DoubleVector.fromArray(S, c, o)).intoArray(c, o);
            c2b.fma(al, DoubleVector.fromArray(S, c, o + 1 * V)).intoArray(c, o + 1 * V);
            c2c.fma(al, DoubleVector.fromArray(S, c, o + 2 * V)).intoArray(c, o + 2 * V);
            o += ldc;
            c3a.fma(al, DoubleVector.fromArray(S, c, o)).intoArray(c, o);
            c3b.fma(al, DoubleVector.fromArray(S, c, o + 1 * V)).intoArray(c, o + 1 * V);
            c3c.fma(al, DoubleVector.fromArray(S, c, o + 2 * V)).intoArray(c, o + 2 * V);
            o += ldc;
            c4a.fma(al, DoubleVector.fromArray(S, c, o)).intoArray(c, o);
            c4b.fma(al, DoubleVector.fromArray(S, c, o + 1 * V)).intoArray(c, o + 1 * V);
            c4c.fma(al, DoubleVector.fromArray(S, c, o + 2 * V)).intoArray(c, o + 2 * V);
            o += ldc;
            c5a.fma(al, DoubleVector.fromArray(S, c, o)).intoArray(c, o);
            c5b.fma(al, DoubleVector.fromArray(S, c, o + 1 * V)).intoArray(c, o + 1 * V);
            c5c.fma(al, DoubleVector.fromArray(S, c, o + 2 * V)).intoArray(c, o + 2 * V);
            return;
        }
        // edge tile: through the buffer, then the same fma per element for the rows and columns that exist
        c0a.intoArray(tile, 0 * NR);
        c0b.intoArray(tile, 0 * NR + 1 * V);
        c0c.intoArray(tile, 0 * NR + 2 * V);
        c1a.intoArray(tile, 1 * NR);
        c1b.intoArray(tile, 1 * NR + 1 * V);
        c1c.intoArray(tile, 1 * NR + 2 * V);
        c2a.intoArray(tile, 2 * NR);
        c2b.intoArray(tile, 2 * NR + 1 * V);
        c2c.intoArray(tile, 2 * NR + 2 * V);
        c3a.intoArray(tile, 3 * NR);
        c3b.intoArray(tile, 3 * NR + 1 * V);
        c3c.intoArray(tile, 3 * NR + 2 * V);
        c4a.intoArray(tile, 4 * NR);
        c4b.intoArray(tile, 4 * NR + 1 * V);
        c4c.intoArray(tile, 4 * NR + 2 * V);
        c5a.intoArray(tile, 5 * NR);
        c5b.intoArray(tile, 5 * NR + 1 * V);
        c5c.intoArray(tile, 5 * NR + 2 * V);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int ci = cOff + r * ldc + j;
                c[ci] = Math.fma(alpha, tile[r * NR + j], c[ci]);
            }
        }
    }
}
