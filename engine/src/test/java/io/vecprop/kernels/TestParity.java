package io.vecprop.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.kernels.PerturbedKernels.Change;
import io.vecprop.kernels.PerturbedKernels.Where;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link Parity}: the SIMD kernels against scalar stay within the parity tests' tolerances, and a
 * kernel changed by one ulp or by a relative 1e-6 in one value is reported as exactly that, for
 * every kernel in both precisions, so the check cannot pass by comparing nothing.
 */
class TestParity {

    static final List<String> BOTH = List.of(Parity.F64, Parity.F32);

    /** The scalar kernels against themselves with one change in both precisions. */
    static Parity perturbed(Change change, AtomicInteger calls) {
        return Parity.of(SimdSupport.scalar(), PerturbedKernels.f64(change, calls), SimdSupport.scalarF32(),
                PerturbedKernels.f32(change, calls));
    }

    /** Like TestKernelParity: a kernel added to the interface without a parity kernel fails here. */
    @Test
    void everyKernelOfTheInterfaceHasAParityKernel() {
        Set<String> declared = new TreeSet<>();
        for (Method m : DenseKernels.class.getMethods()) {
            if (m.getParameterCount() > 0) {
                declared.add(m.getName());
            }
        }
        Set<String> covered = new TreeSet<>();
        for (Parity.Kernel k : Parity.Kernel.values()) {
            covered.add(k.method());
        }
        assertEquals(declared, covered);
        assertEquals(28, Parity.Kernel.values().length);
    }

    @Test
    void oneUlpInOneValueIsOneUlp() {
        int checked = 0;
        for (Parity.Kernel kernel : Parity.Kernel.values()) {
            for (Where where : Where.values()) {
                AtomicInteger calls = new AtomicInteger();
                Parity p = perturbed(Change.oneUlp(kernel.method(), where), calls);
                for (String precision : BOTH) {
                    Parity.Check c = p.check(kernel, precision, List.of(kernel.atSize(7)));
                    String what = kernel + " " + precision + " " + where;
                    assertEquals(1.0, c.maxUlps(), 0.0, what);
                    double eps = precision.equals(Parity.F32) ? 0x1p-23 : 0x1p-52;
                    assertTrue(c.maxRel() >= eps / 2 && c.maxRel() <= eps, what + ": " + c.maxRel());
                    checked++;
                }
                assertEquals(2, calls.get(), kernel + ": one call per precision");
            }
        }
        assertEquals(112, checked);
    }

    @Test
    void aRelativeChangeIsThatRelativeDifference() {
        for (Parity.Kernel kernel : Parity.Kernel.values()) {
            Parity p64 = perturbed(Change.relative(kernel.method(), Where.LAST, 1e-6), new AtomicInteger());
            // |v (1 + 1e-6) - v| / |v (1 + 1e-6)|, the product rounded once
            assertEquals(1e-6 / (1 + 1e-6), p64.check(kernel, Parity.F64, List.of(kernel.atSize(33))).maxRel(), 1e-15,
                    kernel.toString());
            // in float, where rounding v (1 + 1e-3) moves it by up to half a float ulp, 2^-24 relative
            Parity p32 = perturbed(Change.relative(kernel.method(), Where.FIRST, 1e-3), new AtomicInteger());
            assertEquals(1e-3 / (1 + 1e-3), p32.check(kernel, Parity.F32, List.of(kernel.atSize(33))).maxRel(), 0x1p-23,
                    kernel.toString());
        }
    }

    @Test
    void theUnchangedKernelsAreZeroApart() {
        Parity same = Parity.of(SimdSupport.scalar(), SimdSupport.scalar(), SimdSupport.scalarF32(),
                SimdSupport.scalarF32());
        for (Parity.Check c : same.oddShapes(BOTH)) {
            assertEquals(0.0, c.maxUlps(), 0.0, c.name() + " " + c.precision());
            assertEquals(0.0, c.maxRel(), 0.0, c.name() + " " + c.precision());
        }
    }

    @Test
    void distances() {
        Parity.Distance d = new Parity.Distance();
        d.add(0.0, 0.0);
        d.add(Double.NaN, Double.NaN);
        assertEquals(0.0, d.maxUlps());
        d.add(1.0, Math.nextUp(1.0));
        assertEquals(1.0, d.maxUlps());
        assertEquals(0x1p-52 / (1 + 0x1p-52), d.maxRel(), 0.0);
        d.add(-3.0, -3.0 - 4 * Math.ulp(3.0));
        assertEquals(4.0, d.maxUlps());
        // floats in float ulps: a double's ulp would make this 2^29
        Parity.Distance f = new Parity.Distance();
        f.add(1.0f, Math.nextUp(1.0f));
        assertEquals(1.0, f.maxUlps());
        assertEquals(0x1p-23 / (1 + 0x1p-23), f.maxRel(), 1e-15);
        // 0 against a subnormal: relative to the smallest normal, not infinite
        Parity.Distance tiny = new Parity.Distance();
        tiny.add(0.0f, Float.MIN_VALUE);
        assertEquals(1.0, tiny.maxUlps());
        assertEquals(0x1p-23, tiny.maxRel(), 0.0);
        f.add(1.0f, Float.NaN);
        assertEquals(Double.POSITIVE_INFINITY, f.maxUlps());
        assertEquals(Double.POSITIVE_INFINITY, f.maxRel());
    }

    @Test
    void eachKernelPrecisionAndShapeIsComputedOnce() {
        AtomicInteger calls = new AtomicInteger();
        Parity p = perturbed(Change.oneUlp("mult", Where.FIRST), calls);
        Parity.Shape shape = Parity.Kernel.MULT.atSize(17);
        p.check(Parity.Kernel.MULT, Parity.F64, List.of(shape));
        p.check(Parity.Kernel.MULT, Parity.F64, List.of(shape, shape));
        assertEquals(1, calls.get());
        p.check(Parity.Kernel.MULT, Parity.F32, List.of(shape));
        p.check(Parity.Kernel.MULT, Parity.F64, List.of(Parity.Kernel.MULT.atSize(7)));
        assertEquals(3, calls.get());
    }

    @Test
    void shapes() {
        assertEquals(new Parity.Shape(128, 1024, 1024, "1024"), Parity.Kernel.HIDDEN_DELTA.atSize(1024));
        assertEquals(new Parity.Shape(1024, 1024, 128, "1024"), Parity.Kernel.UPDATE_RANK_K.atSize(1024));
        assertEquals(new Parity.Shape(1, 65536, 1, "65536"), Parity.Kernel.SIGMOID.atSize(65536));
        // a report checks rows above 2^27 multiply-adds at 257
        assertEquals("1024", Parity.reportShape(Parity.Kernel.HIDDEN_DELTA, 1024).label());
        assertEquals("4096", Parity.reportShape(Parity.Kernel.OUTER_PRODUCT, 4096).label());
        assertEquals(Parity.Kernel.MULT.atSize(257), Parity.reportShape(Parity.Kernel.MULT, 1024));
        assertEquals("257", Parity.reportShape(Parity.Kernel.UPDATE_RANK_K, 4096).label());
        List<String> gemm = Parity.Kernel.FORWARD.oddShapes().stream().map(Parity.Shape::label).toList();
        assertEquals(List.of("1", "7", "17", "33", "127", "257", "37x41x53", "1x127x257"), gemm);
        assertEquals(Parity.Kernel.MULT, Parity.Kernel.of("GemmBench.mult"));
        assertEquals(null, Parity.Kernel.of("TrainingBench.step"));
        assertThrows(IllegalArgumentException.class, () -> Parity.Kernel.SCALE.atSize(0));
        assertThrows(IllegalArgumentException.class, () -> Parity.simd(1).check(Parity.Kernel.SCALE, "f16",
                List.of(Parity.Kernel.SCALE.atSize(1))));
    }

    /** The SIMD kernels against scalar, within the tolerances of TestKernelParity and TestSigmoid. */
    @Test
    void simdIsWithinTheParityTestsTolerances() {
        SimdSupport.simd(1); // skips, or fails under vecprop.requireSimd, where SIMD cannot run
        Parity simd = Parity.simd(2);
        for (Parity.Check c : simd.oddShapes(BOTH)) {
            String what = c.name() + " " + c.precision() + " " + c.maxUlps() + " ulps, " + c.maxRel();
            switch (c.kernel()) {
                // elementwise: 4 ulps
                case SIGMOID, MUL_SIGMOID_DERIV, SCALE -> assertTrue(c.maxUlps() <= TestKernelParity.ULPS, what);
                // a probability within (8 + n) of its ulp-sized relative steps, n up to 257
                case SOFTMAX, SOFTMAX_CROSS_ENTROPY -> assertTrue(c.maxRel() <= (8 + 257) * ulpStep(c), what);
                // sums and products: close, not bit-equal (their order and fused steps differ)
                default -> assertTrue(c.maxRel() < (c.precision().equals(Parity.F32) ? 0.1 : 1e-9), what);
            }
        }
        for (String variant : List.of("poly", "lanewise")) {
            Parity p = simd.withSimdSigmoid(variant);
            for (String precision : BOTH) {
                Parity.Check c = p.check(Parity.Kernel.SIGMOID, precision, List.of(Parity.Kernel.SIGMOID.atSize(4097)));
                assertEquals(variant, c.sigmoid());
                assertEquals("SigmoidBench.sigmoid (" + variant + ")", c.name());
                assertTrue(c.maxUlps() <= TestKernelParity.ULPS, variant + " " + precision + ": " + c.maxUlps());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> simd.withSimdSigmoid("tanh"));
    }

    private static double ulpStep(Parity.Check c) {
        return c.precision().equals(Parity.F32) ? 0x1p-23 : 0x1p-52;
    }
}
