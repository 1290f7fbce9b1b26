package io.vecprop.example;

import java.util.List;

/**
 * The worked example, step by step, as the engine computed it: the first forward pass, E_total,
 * the chain rule for each weight, the weights after one step, and the trajectory of training.
 *
 * @param eTotal the loss of the first pass, 1/2 · Σ (target - out)² (the correct value)
 * @param weights w1..w8 in order
 * @param trajectory E_total and outputs after each of {@link WorkedExample#TRAJECTORY_STEPS},
 *     first with biases frozen, then with biases trained
 */
public record Explanation(
        double netH1, double outH1, double netH2, double outH2,
        double netO1, double outO1, double netO2, double outO2,
        double eTotal, List<WeightStep> weights, List<TrajectoryPoint> trajectory) {

    public Explanation {
        weights = List.copyOf(weights);
        trajectory = List.copyOf(trajectory);
    }

    /**
     * One weight's chain rule: {@code dE/dw = dE/dout · dout/dnet · dnet/dw}.
     *
     * @param index K of wK
     * @param unit the unit wK feeds (h1, h2, o1, o2)
     * @param from the input it weighs (i1, i2, h1, h2)
     * @param dEdOutFormula how dE/dout(unit) is formed, in the text's notation
     * @param gradient dE/dwK as the engine's backward pass computed it
     * @param updated wK - lr · dE/dwK
     */
    public record WeightStep(int index, String unit, String from, String dEdOutFormula,
            double dEdOut, double dOutdNet, double dNetdW, double gradient, double updated) {

        /** The name wK. */
        public String name() {
            return "w" + index;
        }
    }

    /** E_total and the outputs after {@code steps} online steps of lr 0.1. */
    public record TrajectoryPoint(int steps, boolean trainBias, double eTotal, double outO1, double outO2) {}
}
