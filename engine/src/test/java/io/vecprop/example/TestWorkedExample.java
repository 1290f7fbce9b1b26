package io.vecprop.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.kernels.Kernels;
import io.vecprop.nn.Network;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import io.vecprop.kernels.SimdSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The worked example of shared/seed/WORKED-EXAMPLE.md: the text's figures, the corrected E_total,
 * the chain rule for w1..w8 against a hand computation and against finite differences, and the
 * training trajectory.
 */
@ParameterizedClass(name = "{0} kernels")
@ValueSource(strings = {"scalar", "simd"})
class TestWorkedExample {

    /** The text's figures carry 9 significant digits. */
    private static final double TEXT_TOL = 1e-9;

    private final Kernels kernels;
    private final Explanation explanation;

    TestWorkedExample(String kernels) {
        this.kernels = SimdSupport.kernels(kernels);
        explanation = WorkedExample.explain(this.kernels);
    }

    private static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    private static void assertRelative(double expected, double actual, double rel, String what) {
        double scale = Math.max(Math.abs(expected), Math.abs(actual));
        assertTrue(Math.abs(expected - actual) <= rel * scale,
                what + ": expected " + expected + " but was " + actual + " (relative error "
                        + Math.abs(expected - actual) / scale + ")");
    }

    @Test
    void forwardPassMatchesEveryFigureOfTheText() {
        Explanation e = explanation;
        assertEquals(0.415, e.netH1(), TEXT_TOL, "net(h1)");
        assertEquals(0.602286177, e.outH1(), TEXT_TOL, "out(h1)");
        assertEquals(0.411, e.netH2(), TEXT_TOL, "net(h2)");
        assertEquals(0.601327636, e.outH2(), TEXT_TOL, "out(h2)");
        assertEquals(1.091150525, e.netO1(), TEXT_TOL, "net(o1)");
        assertEquals(0.748598311, e.outO1(), TEXT_TOL, "out(o1)");
        assertEquals(1.151379143, e.netO2(), TEXT_TOL, "net(o2)");
        assertEquals(0.759762733, e.outO2(), TEXT_TOL, "out(o2)");
    }

    @Test
    void forwardPassMatchesTheNetworkForward() {
        Network network = WorkedExample.network(kernels);
        DMatrixRMaj out = network.forward(WorkedExample.input());
        assertEquals(1, out.numRows);
        assertEquals(2, out.numCols);
        assertEquals(explanation.outO1(), out.get(0, 0), 0.0);
        assertEquals(explanation.outO2(), out.get(0, 1), 0.0);
    }

    @Test
    void eTotalIsTheCorrectedValueNotTheTexts() {
        double e = explanation.eTotal();
        assertEquals(0.0407338056927284, e, 1e-15);
        assertEquals(0.025283526, WorkedExample.TEXT_E_TOTAL, 0.0);
        assertTrue(Math.abs(e - WorkedExample.TEXT_E_TOTAL) > 0.01,
                "E_total must not be the text's 0.025283526 but was " + e);
        // the erratum: the text halved its first term twice
        double first = 0.5 * (explanation.outO1() - 0.5) * (explanation.outO1() - 0.5);
        double second = 0.5 * (explanation.outO2() - 0.9) * (explanation.outO2() - 0.9);
        // WORKED-EXAMPLE.md restates the first term as 0.030900558; from the outputs it is 0.030900560
        // (0.5 * 0.248598311^2), so compare at 1e-8; the text printed half of it, 0.01545028
        assertEquals(0.030900558, first, 1e-8);
        assertEquals(0.01545028, first / 2, TEXT_TOL);
        assertEquals(0.009833246, second, TEXT_TOL);
        assertEquals(WorkedExample.TEXT_E_TOTAL, first / 2 + second, 2 * TEXT_TOL);
        assertEquals(0.040733806, first + second, TEXT_TOL);
        // and the network's own loss agrees
        double loss = WorkedExample.network(kernels).loss(WorkedExample.input(), WorkedExample.target());
        assertEquals(0.0407338056927284, loss, 1e-15);
    }

    @Test
    void w6GradientAndUpdateMatchTheText() {
        Explanation.WeightStep w6 = explanation.weights().get(5);
        assertEquals(6, w6.index());
        assertEquals("w6", w6.name());
        assertEquals(0.248598311, w6.dEdOut(), TEXT_TOL, "dE/dout(o1)");
        assertEquals(0.18819888, w6.dOutdNet(), 1e-8, "dout(o1)/dnet(o1)");
        assertEquals(0.601327636, w6.dNetdW(), TEXT_TOL, "dnet(o1)/dw6 = out(h2)");
        assertEquals(0.028133669, w6.gradient(), TEXT_TOL, "dE/dw6");
        assertEquals(0.347186633, w6.updated(), TEXT_TOL, "w6 after one step");
    }

    @Test
    void eachWeightStepIsTheProductOfItsChainRuleFactors() {
        List<Explanation.WeightStep> steps = explanation.weights();
        assertEquals(8, steps.size());
        for (int k = 1; k <= 8; k++) {
            Explanation.WeightStep s = steps.get(k - 1);
            assertEquals(k, s.index());
            assertEquals("w" + k, s.name());
            assertRelative(s.gradient(), s.dEdOut() * s.dOutdNet() * s.dNetdW(), 1e-15, s.name() + " chain rule");
            assertEquals(WorkedExample.initialWeight(k) - WorkedExample.LEARNING_RATE * s.gradient(), s.updated(), 0.0,
                    s.name() + " updated");
        }
    }

    @Test
    void weightStepsNameTheirUnitsAndInputs() {
        String[][] expected = {
            {"h1", "i1"}, {"h1", "i2"}, {"h2", "i1"}, {"h2", "i2"},
            {"o1", "h1"}, {"o1", "h2"}, {"o2", "h1"}, {"o2", "h2"}};
        for (int k = 1; k <= 8; k++) {
            Explanation.WeightStep s = explanation.weights().get(k - 1);
            assertEquals(expected[k - 1][0], s.unit(), "unit of w" + k);
            assertEquals(expected[k - 1][1], s.from(), "input of w" + k);
        }
        // dE/dout(h1) goes through w5 (h1->o1) and w7 (h1->o2); dE/dout(h2) through w6 and w8
        for (int k = 1; k <= 4; k++) {
            String f = explanation.weights().get(k - 1).dEdOutFormula();
            boolean h1 = k <= 2;
            assertTrue(f.contains(h1 ? "w5" : "w6") && f.contains(h1 ? "w7" : "w8"), "formula of w" + k + ": " + f);
        }
    }

    @Test
    void weightMappingIsAsDocumented() {
        // wK -> (layer, row, col), W out x in: W1 = [[w1, w2], [w3, w4]], W2 = [[w5, w6], [w7, w8]]
        int[][] map = {{0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 1}, {1, 0, 0}, {1, 0, 1}, {1, 1, 0}, {1, 1, 1}};
        double[] text = {0.25, 0.25, 0.15, 0.20, 0.30, 0.35, 0.40, 0.35};
        Network network = WorkedExample.network(kernels);
        for (int k = 1; k <= 8; k++) {
            assertEquals(map[k - 1][0], WorkedExample.layerOf(k), "layer of w" + k);
            assertEquals(map[k - 1][1], WorkedExample.rowOf(k), "row of w" + k);
            assertEquals(map[k - 1][2], WorkedExample.colOf(k), "col of w" + k);
            assertEquals(text[k - 1], WorkedExample.initialWeight(k), 0.0, "initial w" + k);
            assertEquals(text[k - 1], WorkedExample.weight(network, k), 0.0, "network's w" + k);
            assertEquals(text[k - 1], network.layer(map[k - 1][0]).weights().get(map[k - 1][1], map[k - 1][2]), 0.0);
        }
        for (int bad : new int[] {0, 9, -1}) {
            assertThrows(IllegalArgumentException.class, () -> WorkedExample.layerOf(bad));
            assertThrows(IllegalArgumentException.class, () -> WorkedExample.initialWeight(bad));
        }
        // the mapping is the one the text's net equations use
        double i1 = WorkedExample.I1, i2 = WorkedExample.I2;
        double w1 = WorkedExample.weight(network, 1), w2 = WorkedExample.weight(network, 2);
        double w3 = WorkedExample.weight(network, 3), w4 = WorkedExample.weight(network, 4);
        assertEquals(explanation.netH1(), w1 * i1 + w2 * i2 + WorkedExample.B1, 1e-15);
        assertEquals(explanation.netH2(), w3 * i1 + w4 * i2 + WorkedExample.B1, 1e-15);
        double w5 = WorkedExample.weight(network, 5), w6 = WorkedExample.weight(network, 6);
        double w7 = WorkedExample.weight(network, 7), w8 = WorkedExample.weight(network, 8);
        assertEquals(explanation.netO1(), w5 * explanation.outH1() + w6 * explanation.outH2() + WorkedExample.B2, 1e-15);
        assertEquals(explanation.netO2(), w7 * explanation.outH1() + w8 * explanation.outH2() + WorkedExample.B2, 1e-15);
        // biases shared by the layer
        assertEquals(WorkedExample.B1, network.layer(0).bias().get(0), 0.0);
        assertEquals(WorkedExample.B1, network.layer(0).bias().get(1), 0.0);
        assertEquals(WorkedExample.B2, network.layer(1).bias().get(0), 0.0);
        assertEquals(WorkedExample.B2, network.layer(1).bias().get(1), 0.0);
    }

    @Test
    void w1GradientEqualsTheHandChainRuleThroughBothOutputs() {
        // everything from scratch, with the text's numbers and Math.exp only
        double i1 = 0.02, i2 = 0.04, b1 = 0.4, b2 = 0.7, t1 = 0.5, t2 = 0.9;
        double w1 = 0.25, w2 = 0.25, w3 = 0.15, w4 = 0.20, w5 = 0.30, w6 = 0.35, w7 = 0.40, w8 = 0.35;
        double outH1 = sigmoid(w1 * i1 + w2 * i2 + b1);
        double outH2 = sigmoid(w3 * i1 + w4 * i2 + b1);
        double outO1 = sigmoid(w5 * outH1 + w6 * outH2 + b2);
        double outO2 = sigmoid(w7 * outH1 + w8 * outH2 + b2);
        // dE/dout(h1) = dE_o1/dout(h1) + dE_o2/dout(h1)
        double dEo1dOutH1 = (outO1 - t1) * outO1 * (1 - outO1) * w5;
        double dEo2dOutH1 = (outO2 - t2) * outO2 * (1 - outO2) * w7;
        double dEdW1 = (dEo1dOutH1 + dEo2dOutH1) * outH1 * (1 - outH1) * i1;

        Explanation.WeightStep s = explanation.weights().get(0);
        assertRelative(dEdW1, s.gradient(), 1e-13, "dE/dw1");
        assertRelative(dEo1dOutH1 + dEo2dOutH1, s.dEdOut(), 1e-13, "dE/dout(h1)");
        assertRelative(outH1 * (1 - outH1), s.dOutdNet(), 1e-14, "dout(h1)/dnet(h1)");
        assertEquals(i1, s.dNetdW(), 0.0, "dnet(h1)/dw1");
        assertRelative(w1 - 0.1 * dEdW1, s.updated(), 1e-15, "w1 after one step");
    }

    @Test
    void everyGradientEqualsCentralFiniteDifferences() {
        DMatrixRMaj x = WorkedExample.input();
        DMatrixRMaj t = WorkedExample.target();
        double h = 1e-5; // rounding error of the loss over 2h dominates below this; truncation (h²) is still far below the tolerance
        for (int k = 1; k <= 8; k++) {
            int l = WorkedExample.layerOf(k), r = WorkedExample.rowOf(k), c = WorkedExample.colOf(k);
            double w = WorkedExample.initialWeight(k);
            Network plus = WorkedExample.network(kernels);
            plus.layer(l).weights().set(r, c, w + h);
            Network minus = WorkedExample.network(kernels);
            minus.layer(l).weights().set(r, c, w - h);
            double fd = (plus.loss(x, t) - minus.loss(x, t)) / (2 * h);
            assertRelative(fd, explanation.weights().get(k - 1).gradient(), 1e-6, "dE/dw" + k + " vs finite differences");
        }
    }

    @Test
    void oneStepUpdatesMatchAFreshTrainStep() {
        Network network = WorkedExample.network(kernels);
        double before = network.trainStep(WorkedExample.input(), WorkedExample.target(), WorkedExample.LEARNING_RATE, false);
        assertEquals(explanation.eTotal(), before, 0.0);
        for (int k = 1; k <= 8; k++) {
            assertRelative(explanation.weights().get(k - 1).updated(), WorkedExample.weight(network, k), 1e-15,
                    "w" + k + " after one step");
        }
        assertEquals(WorkedExample.B1, network.layer(0).bias().get(0), 0.0);
        assertEquals(WorkedExample.B2, network.layer(1).bias().get(1), 0.0);
    }

    @Test
    void trajectoryDecreasesForBothBiasModes() {
        List<Explanation.TrajectoryPoint> traj = explanation.trajectory();
        int[] steps = WorkedExample.TRAJECTORY_STEPS;
        assertEquals(10, traj.size());
        assertEquals(List.of(1, 10, 100, 1000, 10000), java.util.Arrays.stream(steps).boxed().toList());
        for (int mode = 0; mode < 2; mode++) {
            boolean trainBias = mode == 1;
            double previous = explanation.eTotal();
            for (int i = 0; i < steps.length; i++) {
                Explanation.TrajectoryPoint p = traj.get(mode * steps.length + i);
                assertEquals(steps[i], p.steps());
                assertEquals(trainBias, p.trainBias());
                assertTrue(p.eTotal() < previous,
                        "E_total must fall: " + p.eTotal() + " after " + p.steps() + " steps (bias " + trainBias
                                + ") is not below " + previous);
                // E_total is the loss of the outputs reported with it
                double e = 0.5 * ((0.5 - p.outO1()) * (0.5 - p.outO1()) + (0.9 - p.outO2()) * (0.9 - p.outO2()));
                assertRelative(e, p.eTotal(), 1e-14, "E_total of the point's outputs");
                previous = p.eTotal();
            }
        }
    }

    @Test
    void firstTrajectoryPointIsOneTrainStepOnAFreshNetwork() {
        DMatrixRMaj x = WorkedExample.input();
        DMatrixRMaj t = WorkedExample.target();
        for (int mode = 0; mode < 2; mode++) {
            boolean trainBias = mode == 1;
            Network network = WorkedExample.network(kernels);
            network.trainStep(x, t, WorkedExample.LEARNING_RATE, trainBias);
            double e = network.loss(x, t);
            DMatrixRMaj out = network.forward(x);
            Explanation.TrajectoryPoint p = explanation.trajectory().get(mode * WorkedExample.TRAJECTORY_STEPS.length);
            assertEquals(1, p.steps());
            assertEquals(trainBias, p.trainBias());
            assertEquals(e, p.eTotal(), 0.0);
            assertEquals(out.get(0, 0), p.outO1(), 0.0);
            assertEquals(out.get(0, 1), p.outO2(), 0.0);
        }
    }

    @Test
    void lastTrajectoryPointIsTenThousandTrainSteps() {
        DMatrixRMaj x = WorkedExample.input();
        DMatrixRMaj t = WorkedExample.target();
        Network network = WorkedExample.network(kernels);
        for (int i = 0; i < 10000; i++) {
            network.trainStep(x, t, WorkedExample.LEARNING_RATE, true);
        }
        Explanation.TrajectoryPoint p = explanation.trajectory().get(9);
        assertEquals(10000, p.steps());
        assertTrue(p.trainBias());
        assertEquals(network.loss(x, t), p.eTotal(), 0.0);
    }
}
