package io.vecprop.example;

import io.vecprop.GenerateF32;
import io.vecprop.kernels.Kernels;
import io.vecprop.nn.DenseLayer;
import io.vecprop.nn.Network;
import io.vecprop.nn.Workspace;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * The classic 2-2-2 worked example (see {@code shared/seed/WORKED-EXAMPLE.md}): inputs i1, i2;
 * hidden units h1, h2; outputs o1, o2; sigmoid everywhere; weights w1..w8; one bias per layer
 * shared by its units; targets 0.5 and 0.9; learning rate 0.1 with the biases frozen.
 *
 * <p>The text's weights map to the engine's matrices (out x in, as {@code nn.Linear}) so:
 * <pre>
 *   W1 = [[w1, w2],      net(h1) = w1·i1 + w2·i2 + b1
 *         [w3, w4]]      net(h2) = w3·i1 + w4·i2 + b1
 *   W2 = [[w5, w6],      net(o1) = w5·out(h1) + w6·out(h2) + b2
 *         [w7, w8]]      net(o2) = w7·out(h1) + w8·out(h2) + b2
 * </pre>
 * so wK is entry {@code (row, col)} of layer {@code (K-1)/4}, with row = ((K-1)%4)/2 and
 * col = (K-1)%2.
 *
 * <p>{@code WorkedExampleF32}, generated from this class, walks the same example in float: its
 * figures are these rounded to float, and every step computes in float.
 */
@GenerateF32
public final class WorkedExample {

    public static final double I1 = 0.02;
    public static final double I2 = 0.04;
    public static final double B1 = 0.4;
    public static final double B2 = 0.7;
    public static final double TARGET_O1 = 0.5;
    public static final double TARGET_O2 = 0.9;
    public static final double LEARNING_RATE = 0.1;
    /** w1..w8 in the text's order. */
    private static final double[] WEIGHTS = {0.25, 0.25, 0.15, 0.20, 0.30, 0.35, 0.40, 0.35};
    /** The E_total the text prints: its first term was halved twice. */
    public static final double TEXT_E_TOTAL = 0.025283526;
    /** The step counts {@code explain} reports the trajectory at. */
    public static final int[] TRAJECTORY_STEPS = {1, 10, 100, 1000, 10000};

    /** Names of the units of each level, for reports: inputs, hidden, outputs. */
    static final String[][] UNITS = {{"i1", "i2"}, {"h1", "h2"}, {"o1", "o2"}};

    private WorkedExample() {}

    /** The text's initial value of wK, for K in 1..8. */
    public static double initialWeight(int k) {
        return WEIGHTS[checkIndex(k) - 1];
    }

    /** The example's network with its initial weights and biases b1 = [0.4, 0.4], b2 = [0.7, 0.7]. */
    public static Network network(Kernels kernels) {
        DenseLayer hidden = DenseLayer.of(
                new double[][] {{WEIGHTS[0], WEIGHTS[1]}, {WEIGHTS[2], WEIGHTS[3]}}, new double[] {B1, B1});
        DenseLayer output = DenseLayer.of(
                new double[][] {{WEIGHTS[4], WEIGHTS[5]}, {WEIGHTS[6], WEIGHTS[7]}}, new double[] {B2, B2});
        return Network.of(kernels, hidden, output);
    }

    /** The one sample, a 1 x 2 batch [i1, i2]. */
    public static DMatrixRMaj input() {
        return new DMatrixRMaj(1, 2, true, I1, I2);
    }

    /** The targets of o1 and o2, 1 x 2. */
    public static DMatrixRMaj target() {
        return new DMatrixRMaj(1, 2, true, TARGET_O1, TARGET_O2);
    }

    /** wK's layer: 0 for w1..w4 (W1), 1 for w5..w8 (W2). */
    public static int layerOf(int k) {
        return (checkIndex(k) - 1) / 4;
    }

    /** wK's row in its layer's W: the unit it feeds (h1/o1 = 0, h2/o2 = 1). */
    public static int rowOf(int k) {
        return ((checkIndex(k) - 1) % 4) / 2;
    }

    /** wK's column in its layer's W: the input it weighs (i1/h1 = 0, i2/h2 = 1). */
    public static int colOf(int k) {
        return (checkIndex(k) - 1) % 2;
    }

    /** The current value of wK in a network of the example's shape. */
    public static double weight(Network network, int k) {
        return network.layer(layerOf(k)).weights().get(rowOf(k), colOf(k));
    }

    /**
     * Walks the example with the given kernels: one forward pass, E_total, the chain rule for
     * w1..w8, one step of lr 0.1 with frozen biases, and the trajectory over
     * {@link #TRAJECTORY_STEPS} with biases frozen and trained.
     */
    public static Explanation explain(Kernels kernels) {
        Network network = network(kernels);
        DMatrixRMaj x = input();
        DMatrixRMaj t = target();

        // Forward pass and gradients from the engine itself; the factors below only restate them.
        double eTotal = network.backward(x, t);
        Workspace ws = network.workspace();
        DMatrixRMaj netH = ws.net(0), outH = ws.out(0), netO = ws.net(1), outO = ws.out(1);
        DMatrixRMaj deltaO = ws.delta(1);
        DMatrixRMaj weightsO = network.layer(1).weights(); // W2 of the class comment: w5..w8, not the text's w2

        List<Explanation.WeightStep> steps = new ArrayList<>();
        for (int k = 1; k <= 8; k++) {
            int layer = layerOf(k), row = rowOf(k), col = colOf(k);
            String unit = UNITS[layer + 1][row];
            String from = UNITS[layer][col];
            double dEdOut, dOutdNet, dNetdW;
            String dEdOutFormula;
            if (layer == 1) {
                // output weight: dE/dout(o) = out(o) - target(o); dnet(o)/dw = out(h)
                double out = outO.get(0, row);
                dEdOut = out - t.get(0, row);
                dOutdNet = out * (1 - out);
                dNetdW = outH.get(0, col);
                dEdOutFormula = "out(" + unit + ") - target(" + unit + ")";
            } else {
                // hidden weight: dE/dout(h) = Σ_o delta(o) · w(o <- h), with the weights before the update
                double out = outH.get(0, row);
                dEdOut = deltaO.get(0, 0) * weightsO.get(0, row) + deltaO.get(0, 1) * weightsO.get(1, row);
                dOutdNet = out * (1 - out);
                dNetdW = x.get(0, col);
                int wFromO1 = 5 + row, wFromO2 = 7 + row; // w5/w7 leave h1, w6/w8 leave h2
                dEdOutFormula = "delta(o1)*w" + wFromO1 + " + delta(o2)*w" + wFromO2;
            }
            double grad = ws.gradW(layer).get(row, col);
            double updated = initialWeight(k) - LEARNING_RATE * grad;
            steps.add(new Explanation.WeightStep(k, unit, from, dEdOutFormula, dEdOut, dOutdNet, dNetdW, grad, updated));
        }

        List<Explanation.TrajectoryPoint> trajectory = new ArrayList<>();
        for (boolean trainBias : new boolean[] {false, true}) {
            Network trained = network(kernels);
            int done = 0;
            for (int target : TRAJECTORY_STEPS) {
                for (; done < target; done++) {
                    trained.trainStep(x, t, LEARNING_RATE, trainBias);
                }
                double e = trained.loss(x, t);
                DMatrixRMaj out = trained.forward(x);
                trajectory.add(new Explanation.TrajectoryPoint(target, trainBias, e, out.get(0, 0), out.get(0, 1)));
            }
        }

        // The trajectory trains networks of its own, so this network's workspace still holds the first pass.
        return new Explanation(
                netH.get(0, 0), outH.get(0, 0), netH.get(0, 1), outH.get(0, 1),
                netO.get(0, 0), outO.get(0, 0), netO.get(0, 1), outO.get(0, 1),
                eTotal, steps, trajectory);
    }

    private static int checkIndex(int k) {
        if (k < 1 || k > 8) {
            throw new IllegalArgumentException("weight w" + k + " does not exist: the example has w1..w8");
        }
        return k;
    }
}
