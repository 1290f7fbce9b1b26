package io.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.kernels.Activation;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.KernelsF32;
import io.vecprop.kernels.SimdSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Networks of every activation and loss: backprop's gradients against central finite differences
 * in double (scalar and SIMD kernels, at widths below and above the SIMD kernels' short-row
 * threshold, batches of 1, 9 and 33), float gradients against double ones, the fused step against
 * the gradient applied by hand, one and three threads bit-identical, the builder, the inits'
 * statistics, and every activation's value against its textbook formula.
 */
class TestActivations {

    static final Activation[] HIDDEN = {Activation.SIGMOID, Activation.TANH, Activation.RELU, Activation.leakyRelu(0.1),
        Activation.GELU, Activation.LINEAR};

    /** Each loss with the outputs it fits: the squared errors on several, the cross-entropies on their own. */
    static List<Object[]> lossesAndOutputs() {
        return List.of(new Object[] {Loss.HALF_SQUARED_ERROR, Activation.SIGMOID},
                new Object[] {Loss.HALF_SQUARED_ERROR, Activation.TANH},
                new Object[] {Loss.MSE, Activation.LINEAR},
                new Object[] {Loss.MSE, Activation.RELU},
                new Object[] {Loss.BINARY_CROSS_ENTROPY, Activation.SIGMOID},
                new Object[] {Loss.CROSS_ENTROPY, Activation.SOFTMAX});
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        long seed = 100;
        for (String kernels : new String[] {"scalar", "simd"}) {
            for (Activation hidden : HIDDEN) {
                for (Object[] lo : lossesAndOutputs()) {
                    cases.add(Arguments.of(kernels, hidden, lo[0], lo[1], new int[] {5, 7, 4}, 1, seed++));
                    cases.add(Arguments.of(kernels, hidden, lo[0], lo[1], new int[] {6, 40, 37, 5}, 9, seed++));
                }
                cases.add(Arguments.of(kernels, hidden, Loss.MSE, Activation.LINEAR, new int[] {3, 70, 2}, 33, seed++));
            }
        }
        return cases.stream();
    }

    static DMatrixRMaj uniform(long seed, int rows, int cols, double lo, double hi) {
        Random rnd = new Random(seed);
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return m;
    }

    /** Targets that fit the loss: one-hot rows for cross-entropy, [0, 1] for the sigmoid ones, [-2, 2] otherwise. */
    static DMatrixRMaj targets(long seed, int n, int outputs, Loss loss, Activation output) {
        if (loss == Loss.CROSS_ENTROPY) {
            Random rnd = new Random(seed);
            DMatrixRMaj t = new DMatrixRMaj(n, outputs);
            for (int r = 0; r < n; r++) {
                t.set(r, rnd.nextInt(outputs), 1);
            }
            return t;
        }
        return output.kind() == Activation.Kind.SIGMOID ? uniform(seed, n, outputs, 0, 1) : uniform(seed, n, outputs, -2, 2);
    }

    static List<Activation> activations(int layers, Activation hidden, Activation output) {
        List<Activation> all = new ArrayList<>();
        for (int l = 0; l + 1 < layers; l++) {
            all.add(hidden);
        }
        all.add(output);
        return all;
    }

    @ParameterizedTest(name = "{0} {1} hidden, {2} on {3}, widths {4}, N = {5}")
    @MethodSource("cases")
    void gradientsMatchCentralFiniteDifferences(String kernels, Activation hidden, Loss loss, Activation output,
            int[] widths, int n, long seed) {
        Network network = Network.random(SimdSupport.kernels(kernels), loss, activations(widths.length - 1, hidden, output),
                Init.AUTO, seed, widths);
        DMatrixRMaj x = uniform(seed, n, widths[0], -1, 1);
        DMatrixRMaj t = targets(seed + 1, n, widths[widths.length - 1], loss, output);
        double e = network.backward(x, t);
        assertEquals(network.loss(x, t), e, 0.0, "backward returns the loss");
        double[] grad = new double[network.parameterCount()];
        network.copyGradients(grad);
        double[] params = new double[grad.length];
        network.copyParameters(params);
        double h = 1e-6;
        double max = Arrays.stream(grad).map(Math::abs).max().orElseThrow();
        assertTrue(max > 1e-4, "a gradient to compare: " + max);
        int kinks = 0;
        for (int i = 0; i < params.length; i++) {
            double saved = params[i];
            params[i] = saved + h;
            network.setParameters(params);
            double plus = network.loss(x, t);
            params[i] = saved - h;
            network.setParameters(params);
            double minus = network.loss(x, t);
            params[i] = saved;
            double fd = (plus - minus) / (2 * h);
            // rounding of the difference quotient: eps · |E| / h; truncation: h² times the third derivative
            double tol = 1e-6 * Math.max(Math.abs(fd), Math.abs(grad[i])) + 1e-9 * Math.max(1, Math.abs(e)) + 1e-9 * max;
            if (Math.abs(fd - grad[i]) > tol) {
                // a ReLU's kink between saved - h and saved + h makes the quotient wrong, not backprop: allow one
                assertTrue(isRelu(hidden) || isRelu(output), "parameter " + i + ": backward " + grad[i]
                        + " but finite differences " + fd);
                kinks++;
            }
        }
        assertTrue(kinks <= 1, kinks + " parameters disagree");
        network.setParameters(params);
        assertEquals(e, network.loss(x, t), 0.0, "the parameters are back");
    }

    private static boolean isRelu(Activation f) {
        return f.kind() == Activation.Kind.RELU || f.kind() == Activation.Kind.LEAKY_RELU;
    }

    @ParameterizedTest(name = "{1} hidden, {2} on {3}, widths {4}, N = {5}")
    @MethodSource("cases")
    void floatGradientsAgreeWithDouble(String kernels, Activation hidden, Loss loss, Activation output, int[] widths,
            int n, long seed) {
        Network d = Network.random(SimdSupport.kernels(kernels), loss, activations(widths.length - 1, hidden, output),
                Init.AUTO, seed, widths);
        // the float network of the double one rounded, and the double one of that, so both start alike
        NetworkF32 f = d.toF32(SimdSupport.kernelsF32(kernels));
        d = f.toF64(SimdSupport.kernels(kernels));
        assertEquals(d.activations(), f.activations());
        DMatrixRMaj x = uniform(seed, n, widths[0], -1, 1), t = targets(seed + 1, n, widths[widths.length - 1], loss, output);
        double e = d.backward(x, t);
        float ef = f.backward(narrow(x), narrow(t));
        assertEquals(e, ef, 1e-5 * Math.max(1, Math.abs(e)), "loss");
        double[] gd = new double[d.parameterCount()];
        float[] gf = new float[gd.length];
        d.copyGradients(gd);
        f.copyGradients(gf);
        double max = Arrays.stream(gd).map(Math::abs).max().orElseThrow();
        for (int i = 0; i < gd.length; i++) {
            // float's roundings through every layer, relative to the largest gradient
            assertEquals(gd[i], gf[i], 1e-4 * max, "gradient " + i);
        }
    }

    static FMatrixRMaj narrow(DMatrixRMaj m) {
        FMatrixRMaj f = new FMatrixRMaj(m.numRows, m.numCols);
        for (int i = 0; i < f.data.length; i++) {
            f.data[i] = (float) m.data[i];
        }
        return f;
    }

    @Test
    void theFusedStepIsTheGradientAppliedByHand() {
        for (Activation hidden : HIDDEN) {
            for (int n : new int[] {1, 9}) {
                Network a = Network.random(Kernels.scalar(), Loss.MSE, activations(3, hidden, Activation.LINEAR), Init.AUTO,
                        3, 6, 9, 8, 2);
                Network b = a.copy(Kernels.scalar());
                DMatrixRMaj x = uniform(4, n, 6, -1, 1), t = uniform(5, n, 2, -1, 1);
                double e = a.trainStep(x, t, 0.1, true);
                assertEquals(e, b.backward(x, t), 0.0, "the loss before the step");
                double[] g = new double[b.parameterCount()], p = new double[g.length], q = new double[g.length];
                b.copyGradients(g);
                b.copyParameters(p);
                a.copyParameters(q);
                for (int i = 0; i < p.length; i++) {
                    assertEquals(p[i] - 0.1 * g[i], q[i], 1e-14, hidden + " N=" + n + " parameter " + i);
                }
            }
        }
    }

    @Test
    void oneAndThreeThreadsGiveTheSameBits() {
        for (Activation hidden : HIDDEN) {
            Network one = Network.random(Kernels.of(SimdSupport.simd(1)), Loss.MSE, activations(3, hidden, Activation.LINEAR),
                    Init.AUTO, 8, 64, 300, 300, 3);
            Network three = one.copy(Kernels.of(SimdSupport.simd(3)));
            for (int step = 0; step < 3; step++) {
                for (int n : new int[] {1, 40}) {
                    DMatrixRMaj x = uniform(step, n, 64, -1, 1), t = uniform(step + 10, n, 3, -1, 1);
                    assertEquals(Double.doubleToLongBits(one.trainStep(x, t, 0.01, true)),
                            Double.doubleToLongBits(three.trainStep(x, t, 0.01, true)), hidden + " loss");
                }
            }
            double[] p1 = new double[one.parameterCount()], p3 = new double[p1.length];
            one.copyParameters(p1);
            three.copyParameters(p3);
            assertArrayEquals(p1, p3, hidden + ": every parameter, bit for bit");
        }
    }

    @Test
    void activationsAreTheirFormulas() {
        double[] net = {-3, -0.5, -1e-3, 0, 2e-3, 0.7, 4};
        int n = net.length;
        double[] out = new double[n];
        for (double x : net) {
            assertEquals(Math.tanh(x), apply(Activation.TANH, x), 0.0);
            assertEquals(x > 0 ? x : 0.0, apply(Activation.RELU, x), 0.0);
            assertEquals(x > 0 ? x : 0.2 * x, apply(Activation.leakyRelu(0.2), x), 0.0);
            assertEquals(x, apply(Activation.LINEAR, x), 0.0);
            // PyTorch's GELU(approximate='tanh'): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x³)))
            double gelu = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            assertEquals(gelu, apply(Activation.GELU, x), 1e-15 * Math.max(1, Math.abs(x)), "gelu(" + x + ")");
        }
        // the derivatives against central differences of the activation itself
        for (Activation f : HIDDEN) {
            Kernels.scalar().impl().activate(f, n, net, out);
            double[] delta = new double[n];
            Arrays.fill(delta, 1.0);
            Kernels.scalar().impl().mulActivationDeriv(f, n, net, out, delta);
            for (int i = 0; i < n; i++) {
                if (net[i] == 0 && isRelu(f)) {
                    assertEquals(f.kind() == Activation.Kind.RELU ? 0.0 : f.slope(), delta[i], 0.0, "at the kink, PyTorch's choice");
                    continue;
                }
                double h = 1e-7 * Math.max(1e-3, Math.abs(net[i]));
                double fd = (apply(f, net[i] + h) - apply(f, net[i] - h)) / (2 * h);
                assertEquals(fd, delta[i], 1e-6 * Math.max(1, Math.abs(fd)), f + "'(" + net[i] + ")");
            }
        }
    }

    private static double apply(Activation f, double x) {
        double[] out = new double[1];
        Kernels.scalar().impl().activate(f, 1, new double[] {x}, out);
        return out[0];
    }

    @Test
    void binaryCrossEntropyIsPyTorchs() {
        // BCEWithLogitsLoss(mean) of z = [2, -1], t = [1, 0.25] for one sample: mean of
        // -(t log σ(z) + (1 - t) log(1 - σ(z)))
        Network net = Network.of(Kernels.scalar(), Loss.BINARY_CROSS_ENTROPY, List.of(Activation.SIGMOID),
                List.of(DenseLayer.of(new double[][] {{1, 0}, {0, 1}}, new double[] {0, 0})));
        DMatrixRMaj x = new DMatrixRMaj(new double[][] {{2, -1}}), t = new DMatrixRMaj(new double[][] {{1, 0.25}});
        double s1 = 1 / (1 + Math.exp(-2)), s2 = 1 / (1 + Math.exp(1));
        double expected = (-Math.log(s1) - (0.25 * Math.log(s2) + 0.75 * Math.log(1 - s2))) / 2;
        assertEquals(expected, net.loss(x, t), 1e-15);
        // far out, where σ rounds to 1, the loss stays finite: log(1 + e^-40) + 40 for t = 0 at z = 40
        DMatrixRMaj far = new DMatrixRMaj(new double[][] {{40, -40}}), zero = new DMatrixRMaj(1, 2);
        assertEquals((40 + Math.log1p(Math.exp(-40)) + Math.log1p(Math.exp(-40))) / 2, net.loss(far, zero), 1e-12);
    }

    @Test
    void meanSquaredErrorIsPyTorchs() {
        // MSELoss(mean) over N x outputs; a linear layer, so out = x
        Network net = Network.of(Kernels.scalar(), Loss.MSE, List.of(Activation.LINEAR),
                List.of(DenseLayer.of(new double[][] {{1, 0}, {0, 1}}, new double[] {0, 0})));
        DMatrixRMaj x = new DMatrixRMaj(new double[][] {{2, -1}, {0.5, 3}}), t = new DMatrixRMaj(new double[][] {{1, 1}, {0, 0}});
        assertEquals((1 + 4 + 0.25 + 9) / 4, net.loss(x, t), 1e-15);
    }

    @Test
    void badActivationListsAreNamed() {
        Kernels k = Kernels.scalar();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Network.random(k, Loss.CROSS_ENTROPY, List.of(Activation.RELU, Activation.SIGMOID), Init.AUTO, 1, 3, 4, 2));
        assertTrue(e.getMessage().contains("cross-entropy needs a softmax output") && e.getMessage().contains("sigmoid"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Network.random(k, Loss.MSE, List.of(Activation.SOFTMAX, Activation.LINEAR), Init.AUTO, 1, 3, 4, 2));
        assertTrue(e.getMessage().contains("softmax goes on the output layer only"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DenseNetwork.activations(List.of(Activation.RELU, Activation.RELU), 3, Loss.MSE));
        assertTrue(e.getMessage().contains("gives 2 activations") && e.getMessage().contains("has 3 layers"), e.getMessage());
        assertEquals(List.of(Activation.RELU, Activation.RELU, Activation.LINEAR),
                DenseNetwork.activations(List.of(Activation.RELU), 3, Loss.MSE), "one for every hidden layer");
        assertEquals(List.of(Activation.SIGMOID, Activation.SOFTMAX),
                DenseNetwork.activations(null, 2, Loss.CROSS_ENTROPY), "the defaults");
        e = assertThrows(IllegalArgumentException.class, () -> Activation.parse("swish"));
        assertTrue(e.getMessage().contains("unknown activation 'swish'") && e.getMessage().contains("leaky-relu"), e.getMessage());
        assertEquals(Activation.leakyRelu(0.2), Activation.parse("Leaky-ReLU:0.2"));
        assertThrows(IllegalArgumentException.class, () -> Activation.parse("leaky-relu:x"));
        assertThrows(IllegalArgumentException.class, () -> Activation.parse("relu:0.1"));
        assertEquals("leaky-relu:0.01", Activation.LEAKY_RELU.id());
    }

    @Test
    void theBuilderTakesActivationsAndInit() {
        Kernels k = Kernels.scalar();
        Network built = Network.builder().input(8).dense(32, Activation.RELU).dense(3, Activation.SOFTMAX)
                .init(Init.HE).seed(7).build(k);
        assertEquals(Loss.CROSS_ENTROPY, built.lossFunction(), "the loss that fits softmax");
        assertEquals(List.of(Activation.RELU, Activation.SOFTMAX), built.activations());
        Network drawn = Network.random(k, Loss.CROSS_ENTROPY, List.of(Activation.RELU, Activation.SOFTMAX), Init.HE, 7, 8, 32, 3);
        double[] a = new double[built.parameterCount()], b = new double[a.length];
        built.copyParameters(a);
        drawn.copyParameters(b);
        assertArrayEquals(b, a);
        assertEquals(List.of(Activation.SIGMOID, Activation.LINEAR),
                Network.builder().input(2).dense(4).dense(1).loss(Loss.MSE).build(k).activations());
        assertThrows(IllegalArgumentException.class,
                () -> Network.builder().input(2).dense(4).dense(2, Activation.TANH).loss(Loss.CROSS_ENTROPY).build(k));
    }

    @Test
    void initsDrawWithPyTorchsSpread() {
        int in = 400, out = 300;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        // kaiming_normal_: std sqrt(2/in); kaiming_uniform_: bound sqrt(6/in); xavier_uniform_ for tanh: 5/3 sqrt(6/(in+out))
        assertSpread(DenseLayer.random(in, out, Init.HE, Activation.RELU, rnd), Math.sqrt(2.0 / in));
        assertSpread(DenseLayer.random(in, out, Init.HE_UNIFORM, Activation.RELU, rnd), Math.sqrt(6.0 / in) / Math.sqrt(3));
        assertSpread(DenseLayer.random(in, out, Init.XAVIER, Activation.TANH, rnd), 5.0 / 3 * Math.sqrt(6.0 / (in + out)) / Math.sqrt(3));
        assertSpread(DenseLayer.random(in, out, Init.XAVIER_NORMAL, Activation.SIGMOID, rnd), Math.sqrt(2.0 / (in + out)));
        assertSpread(DenseLayer.random(in, out, Init.HE, Activation.leakyRelu(0.5), rnd), Math.sqrt(2 / 1.25 / in));
        assertEquals(Init.HE, Init.AUTO.resolve(Activation.GELU));
        assertEquals(Init.XAVIER, Init.AUTO.resolve(Activation.TANH));
        assertEquals(Init.PYTORCH, Init.AUTO.resolve(Activation.SIGMOID));
        // auto on sigmoid layers draws what vecprop always drew
        Network before = Network.random(Kernels.scalar(), 5, 4, 6, 2);
        Network auto = Network.random(Kernels.scalar(), Loss.HALF_SQUARED_ERROR, null, Init.AUTO, 5, 4, 6, 2);
        assertArrayEquals(before.layer(1).weights().data, auto.layer(1).weights().data);
    }

    /** Zero biases, weights of mean about 0 and standard deviation within 3% of std. */
    private static void assertSpread(DenseLayer layer, double std) {
        for (double b : layer.bias().data) {
            assertEquals(0.0, b, 0.0, "bias");
        }
        double[] w = layer.weights().data;
        double mean = Arrays.stream(w).average().orElseThrow();
        double var = Arrays.stream(w).map(v -> (v - mean) * (v - mean)).sum() / w.length;
        assertEquals(0, mean, 4 * std / Math.sqrt(w.length), "mean");
        assertEquals(std, Math.sqrt(var), 0.03 * std, "standard deviation");
    }
}
