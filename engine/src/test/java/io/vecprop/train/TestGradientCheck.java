package io.vecprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.cli.TestMain;
import io.vecprop.io.JsonReader;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.PerturbedKernels;
import io.vecprop.nn.Loss;
import io.vecprop.nn.Network;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** GradientCheck passes on backprop's gradients and catches a wrong one; gradcheck on the command line. */
class TestGradientCheck {

    private static DMatrixRMaj random(int rows, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        java.util.Arrays.setAll(m.data, i -> rnd.nextDouble());
        return m;
    }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void backpropPassesAndTheNetworkIsLeftAsItWas(Loss loss) {
        Network net = Network.random(Kernels.scalar(), loss, 5, 6, 11, 7, 4);
        Network before = net.copy(Kernels.scalar());
        DMatrixRMaj x = random(5, 6, 1), t = random(5, 4, 2);
        GradientCheck.Result r = GradientCheck.check(net, x, t, 1000, 3);
        assertTrue(r.passed(), r.toString());
        assertEquals(3, r.layers().size());
        // every parameter checked when perLayer exceeds the layer: (in + 1) · out
        assertEquals(List.of(77, 84, 32), r.layers().stream().map(GradientCheck.Layer::checked).toList());
        for (GradientCheck.Layer l : r.layers()) {
            assertEquals(0, l.failures());
            assertTrue(l.maxAbsError() < 1e-8 && l.maxAbsError() > 0, "layer " + l.layer() + ": " + l.maxAbsError());
        }
        for (int l = 0; l < 3; l++) {
            assertArrayEquals(before.layer(l).weights().data, net.layer(l).weights().data, 0.0);
            assertArrayEquals(before.layer(l).bias().data, net.layer(l).bias().data, 0.0);
        }
        // a sample when the layer is larger: at most 5 weights and 5 biases
        assertEquals(List.of(10, 10, 9), GradientCheck.check(net, x, t, 5, 3).layers().stream()
                .map(GradientCheck.Layer::checked).toList());
    }

    @Test
    void aWrongGradientFails() {
        // the kernel that forms dE/dW = deltaᵀ · in / N changes its output's first value by 1%
        AtomicInteger calls = new AtomicInteger();
        Kernels wrong = Kernels.of(PerturbedKernels.f64(
                PerturbedKernels.Change.relative("multAddTransA", PerturbedKernels.Where.FIRST, 0.01), calls));
        Network net = Network.random(wrong, Loss.CROSS_ENTROPY, 5, 6, 11, 4);
        GradientCheck.Result r = GradientCheck.check(net, random(5, 6, 1), random(5, 4, 2), 1000, 3);
        assertFalse(r.passed());
        assertTrue(calls.get() > 0);
        // W[0][0] of each layer is the changed value: one failure per layer, the biases right
        assertEquals(List.of(1, 1), r.layers().stream().map(GradientCheck.Layer::failures).toList());
        assertTrue(r.layers().get(0).maxRelError() > 0.005, r.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCommandPrintsAVerdictAndExitsOneOnAFailure() {
        TestMain.Run ok = TestMain.run("gradcheck", "--layers", "6,9,3", "--loss", "cross-entropy", "--format", "json",
                "--kernels", "scalar");
        assertEquals(0, ok.code(), ok.err());
        Map<String, Object> j = TestMain.object(JsonReader.parse(ok.out()));
        assertEquals(Boolean.TRUE, j.get("passed"));
        assertEquals(63L, TestMain.object(((List<Object>) j.get("layers")).get(0)).get("parameters"));
        TestMain.Run text = TestMain.run("gradcheck", "--layers", "4,5,2", "--kernels", "scalar");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("pass: every checked gradient within"), text.out());
        TestMain.Run none = TestMain.run("gradcheck");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("gradcheck needs --layers"), none.err());
        TestMain.Run bad = TestMain.run("gradcheck", "--layers", "4");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("needs at least an input and an output width"), bad.err());
    }
}
