package io.vecprop.kernels.simd;

import io.vecprop.GenerateF32;
import io.vecprop.kernels.scalar.ScalarDenseKernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exponentials of the SIMD kernels: the sigmoid on a hand-written vector exp (the default),
 * the same on {@code lanewise(EXP)} for comparison, and the shifted exp of softmax. The species is
 * the kernels' ({@link SimdDenseKernels#S}).
 */
@GenerateF32
public final class SimdExp {

    static final VectorSpecies<Double> S = SimdDenseKernels.S;
    static final int V = S.length();

    private SimdExp() {}

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
    /**
     * |x| is clamped to this before the exp: here k = round(-|x|/ln2) is -1023 (float: -127), whose
     * 2^k built from exponent bits is 0, so e^-|x| is exactly 0 from here on (infinities included),
     * without a compare and a blend per vector.
     */
    private static final double EXP_CLAMP = 709.0; //@f32 private static final float EXP_CLAMP = 88.0f;
    /**
     * e^-u = 1 + sum of Ei·u^i: a Chebyshev fit of e^r of degree 11 on [-ln2/2, ln2/2], odd terms
     * negated (relative error 1.7e-17). The float twin fits degree 6 (7.5e-8 evaluated in float,
     * about an ulp): its Horner loop starts at E6 and skips E9..E5.
     */
    //@f64 {
    private static final double E11 = -2.5110037605963777e-08;
    private static final double E10 = 2.763263963904103e-07;
    private static final double E9 = -2.755724091857897e-06;
    private static final double E8 = 2.4801485482328494e-05;
    private static final double E7 = -0.00019841269890047113;
    private static final double E6 = 0.0013888888952314775;
    private static final double E5 = -0.008333333333319601;
    private static final double E4 = 0.0416666666664881;
    private static final double E3 = -0.1666666666666668;
    //@} else {
    // private static final float E6 = 0.0013941108481958508f;
    // private static final float E5 = -0.00837512593716383f;
    // private static final float E4 = 0.04166635125875473f;
    // private static final float E3 = -0.16666415333747864f;
    //@}
    private static final double E2 = 0.5000000000000019;
    private static final double E1 = -1.0;

    /**
     * {@code 1 / (1 + exp(-x))} on a hand-written vector exp of {@code -|x|}, which never overflows:
     * with {@code e = exp(-|x|)}, sigmoid is {@code 1/(1+e)} for x >= 0 and {@code e/(1+e)} for
     * x < 0. exp is reduced to {@code -|x| = k·ln2 - u} with |u| <= ln2/2, {@code e^-u} is a
     * degree-11 polynomial (a Chebyshev fit of e^r on [-ln2/2, ln2/2], relative error 1.7e-17), and
     * 2^k comes from exponent bits. |x| is clamped to {@link #EXP_CLAMP}, where 2^k underflows to 0,
     * so from about 708.4 on (87.7 in float), where e^-|x| is subnormal, e is 0 and sigmoid exactly
     * 0 or 1 (the scalar formula gives a subnormal below -708). The sign picks the numerator, 1 or
     * e, before the one division.
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
            DoubleVector ax = x.abs().min(EXP_CLAMP);
            DoubleVector shifted = ax.fma(-LOG2E, ROUNDER);      // k + 1.5·2^52 with k = round(-|x|/ln2)
            DoubleVector k = shifted.sub(ROUNDER);
            DoubleVector u = k.fma(ln2Lo, k.fma(ln2Hi, ax));    // u = |x| + k·ln2, |u| <= ln2/2
            // e^-u by Horner, on the coefficients of e^r with the odd ones negated
            //@f64 {
            DoubleVector p = u.fma(E11, E10);
            p = p.fma(u, DoubleVector.broadcast(S, E9));
            p = p.fma(u, DoubleVector.broadcast(S, E8));
            p = p.fma(u, DoubleVector.broadcast(S, E7));
            p = p.fma(u, DoubleVector.broadcast(S, E6));
            p = p.fma(u, DoubleVector.broadcast(S, E5));
            //@} else {
            // FloatVector p = u.fma(E6, E5);
            //@}
            p = p.fma(u, DoubleVector.broadcast(S, E4));
            p = p.fma(u, DoubleVector.broadcast(S, E3));
            p = p.fma(u, DoubleVector.broadcast(S, E2));
            p = p.fma(u, DoubleVector.broadcast(S, E1));
            p = p.fma(u, one);
            // e = p · 2^k, k in [-1023, 0]; 2^-1023 is built as 0
            DoubleVector scale = shifted.viewAsIntegralLanes().add(EXP_BIAS - ROUNDER_BITS)
                    .lanewise(VectorOperators.LSHL, MANTISSA_BITS).viewAsFloatingLanes();
            DoubleVector e = p.mul(scale);
            // 1 / (1 + e) for x >= 0, e / (1 + e) for x < 0
            one.blend(e, x.compare(VectorOperators.LT, 0.0)).div(e.add(1.0)).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = 1.0 / (1.0 + Math.exp(-net[i]));
        }
    }

    /**
     * {@code out[from+j] = exp(a[from+j] - max)} for j below n, with max the row's largest, so every
     * argument is at most 0: the exp of {@link #sigmoidPoly} on {@code -(max - a)}, written inline
     * for the same reason.
     */
    static void expShifted(int n, double[] a, int from, double max, double[] out) {
        int j = 0;
        int bound = S.loopBound(n);
        DoubleVector ln2Hi = DoubleVector.broadcast(S, LN2_HI);
        DoubleVector ln2Lo = DoubleVector.broadcast(S, LN2_LO);
        for (; j < bound; j += V) {
            DoubleVector ax = DoubleVector.fromArray(S, a, from + j).neg().add(max).min(EXP_CLAMP); // max - a >= 0
            DoubleVector shifted = ax.fma(-LOG2E, ROUNDER);
            DoubleVector k = shifted.sub(ROUNDER);
            DoubleVector u = k.fma(ln2Lo, k.fma(ln2Hi, ax));
            //@f64 {
            DoubleVector p = u.fma(E11, E10);
            p = p.fma(u, DoubleVector.broadcast(S, E9));
            p = p.fma(u, DoubleVector.broadcast(S, E8));
            p = p.fma(u, DoubleVector.broadcast(S, E7));
            p = p.fma(u, DoubleVector.broadcast(S, E6));
            p = p.fma(u, DoubleVector.broadcast(S, E5));
            //@} else {
            // FloatVector p = u.fma(E6, E5);
            //@}
            p = p.fma(u, DoubleVector.broadcast(S, E4));
            p = p.fma(u, DoubleVector.broadcast(S, E3));
            p = p.fma(u, DoubleVector.broadcast(S, E2));
            p = p.fma(u, DoubleVector.broadcast(S, E1));
            p = p.fma(u, DoubleVector.broadcast(S, 1.0));
            DoubleVector scale = shifted.viewAsIntegralLanes().add(EXP_BIAS - ROUNDER_BITS)
                    .lanewise(VectorOperators.LSHL, MANTISSA_BITS).viewAsFloatingLanes();
            p.mul(scale).intoArray(out, from + j);
        }
        for (; j < n; j++) {
            out[from + j] = Math.exp(a[from + j] - max);
        }
    }

    /**
     * The exp polynomial's Horner sum up to E1: {@code e^-u = 1 + u · h(u)} for |u| <= ln2/2. Small
     * enough that C2 inlines it into each loop below, so its vectors are never boxed (the
     * allocation tests of a tanh and a GELU network watch this).
     */
    private static DoubleVector horner(DoubleVector u) {
        //@f64 {
        DoubleVector p = u.fma(E11, E10);
        p = p.fma(u, DoubleVector.broadcast(S, E9));
        p = p.fma(u, DoubleVector.broadcast(S, E8));
        p = p.fma(u, DoubleVector.broadcast(S, E7));
        p = p.fma(u, DoubleVector.broadcast(S, E6));
        p = p.fma(u, DoubleVector.broadcast(S, E5));
        //@} else {
        // FloatVector p = u.fma(E6, E5);
        //@}
        p = p.fma(u, DoubleVector.broadcast(S, E4));
        p = p.fma(u, DoubleVector.broadcast(S, E3));
        p = p.fma(u, DoubleVector.broadcast(S, E2));
        return p.fma(u, DoubleVector.broadcast(S, E1));
    }

    /** {@code sigmoid(y)} in vectors, as {@link #sigmoidPoly} computes it, for the GELU kernels. */
    private static DoubleVector sigmoid(DoubleVector y) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector ax = y.abs().min(EXP_CLAMP);
        DoubleVector shifted = ax.fma(-LOG2E, ROUNDER);
        DoubleVector k = shifted.sub(ROUNDER);
        DoubleVector u = k.fma(DoubleVector.broadcast(S, LN2_LO), k.fma(DoubleVector.broadcast(S, LN2_HI), ax));
        DoubleVector scale = shifted.viewAsIntegralLanes().add(EXP_BIAS - ROUNDER_BITS)
                .lanewise(VectorOperators.LSHL, MANTISSA_BITS).viewAsFloatingLanes();
        DoubleVector e = horner(u).fma(u, one).mul(scale);
        return one.blend(e, y.compare(VectorOperators.LT, 0.0)).div(e.add(1.0));
    }

    /**
     * {@code tanh(x) = sign(x) · -m / (2 + m)} with {@code m = e^-2|x| - 1}, never overflowing and
     * accurate near 0, where the plain {@code (1 - e)/(1 + e)} would cancel: with
     * {@code -2|x| = k·ln2 - u} as in {@link #sigmoidPoly}, m is {@code u · h(u)} itself when k = 0
     * (|x| below ln2/4) and {@code (1 + u·h(u)) · 2^k - 1} otherwise, in one fma; from |x| = 354.5
     * (float: 44) m is exactly -1 and tanh ±1. Only IEEE arithmetic, so the same interpreted and compiled.
     */
    public static void tanh(int n, double[] net, double[] out) {
        int i = 0;
        int bound = S.loopBound(n);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector ln2Hi = DoubleVector.broadcast(S, LN2_HI);
        DoubleVector ln2Lo = DoubleVector.broadcast(S, LN2_LO);
        for (; i < bound; i += V) {
            DoubleVector x = DoubleVector.fromArray(S, net, i);
            DoubleVector ax = x.abs().mul(2.0).min(EXP_CLAMP);
            DoubleVector shifted = ax.fma(-LOG2E, ROUNDER);
            DoubleVector k = shifted.sub(ROUNDER);
            DoubleVector u = k.fma(ln2Lo, k.fma(ln2Hi, ax));
            DoubleVector h = horner(u);
            DoubleVector scale = shifted.viewAsIntegralLanes().add(EXP_BIAS - ROUNDER_BITS)
                    .lanewise(VectorOperators.LSHL, MANTISSA_BITS).viewAsFloatingLanes();
            // e^-2|x| - 1: u·h when k = 0, else (1 + u·h) · 2^k - 1
            DoubleVector m = h.fma(u, one).fma(scale, one.neg()).blend(h.mul(u), k.compare(VectorOperators.EQ, 0.0));
            DoubleVector t = m.neg().div(m.add(2.0));
            t.blend(t.neg(), x.compare(VectorOperators.LT, 0.0)).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = Math.tanh(net[i]);
        }
    }

    /** {@code gelu(x) = x · sigmoid(2u)}, u = sqrt(2/π)·(x + 0.044715·x³), the scalar kernel's arithmetic in vectors. */
    public static void gelu(int n, double[] net, double[] out) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += V) {
            DoubleVector x = DoubleVector.fromArray(S, net, i);
            x.mul(sigmoid(twoU(x))).intoArray(out, i);
        }
        for (; i < n; i++) {
            double x = net[i];
            out[i] = x * ScalarDenseKernels.geluSigmoid(x);
        }
    }

    /** {@code delta *= gelu'(net)} over [from, to), as {@link ScalarDenseKernels#geluDeriv} computes it. */
    public static void mulGeluDeriv(int from, int to, double[] net, double[] delta) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += V) {
            DoubleVector x = DoubleVector.fromArray(S, net, i);
            DoubleVector s = sigmoid(twoU(x));
            DoubleVector ds = s.mul(2.0).mul(s.neg().add(1.0));                                      // 2s(1 - s)
            DoubleVector du = x.mul(3 * ScalarDenseKernels.GELU_CUBIC).mul(x).add(1.0).mul(ScalarDenseKernels.GELU_SCALE);
            DoubleVector d = s.add(x.mul(ds).mul(du));
            DoubleVector.fromArray(S, delta, i).mul(d).intoArray(delta, i);
        }
        for (; i < to; i++) {
            double x = net[i];
            delta[i] *= ScalarDenseKernels.geluDeriv(x, ScalarDenseKernels.geluSigmoid(x));
        }
    }

    /** {@code 2u = 2·sqrt(2/π)·(x + 0.044715·x³)}, rounded as the scalar kernel rounds it. */
    private static DoubleVector twoU(DoubleVector x) {
        return x.mul(ScalarDenseKernels.GELU_CUBIC).mul(x).mul(x).add(x).mul(2 * ScalarDenseKernels.GELU_SCALE);
    }
}
