package io.vecprop.train;

import io.vecprop.nn.DenseLayer;
import io.vecprop.nn.Network;
import io.vecprop.nn.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * Backprop's gradients of a network against central finite differences of its loss, as PyTorch's
 * {@code torch.autograd.gradcheck} does for a module: for each checked weight or bias w,
 * {@code numeric = (E(w + h) - E(w - h)) / 2h}, against the analytic dE/dw that
 * {@link Network#backward} leaves, which passes when {@code |analytic - numeric| <= atol + rtol · |numeric|}
 * (PyTorch's defaults: h 1e-6, atol 1e-5, rtol 1e-3). In double, where the differences are
 * meaningful; a float network is checked through its exact widening. The network is left as it was.
 */
public final class GradientCheck {

    /** PyTorch gradcheck's step and tolerances. */
    public static final double STEP = 1e-6, ATOL = 1e-5, RTOL = 1e-3;

    private GradientCheck() {}

    /**
     * One layer's figures.
     *
     * @param parameters the layer's weights and biases, {@code (in + 1) · out}
     * @param checked how many of them were checked (all, or a seeded sample)
     * @param maxAbsError the largest {@code |analytic - numeric|}
     * @param maxRelError the largest {@code |analytic - numeric| / max(|analytic|, |numeric|)} (0 where both are 0)
     * @param failures how many were outside the tolerance
     */
    public record Layer(int layer, int inputs, int outputs, long parameters, int checked, double maxAbsError,
            double maxRelError, int failures) {}

    /** Every layer's figures; passes when no checked parameter failed. */
    public record Result(List<Layer> layers) {
        public Result {
            layers = List.copyOf(layers);
        }

        public boolean passed() {
            return layers.stream().allMatch(l -> l.failures() == 0);
        }
    }

    /**
     * Checks network's gradients on the batch x, target.
     *
     * @param perLayer at most this many weights and as many biases per layer, a sample drawn from seed
     *     when a layer has more (at least 1)
     */
    public static Result check(Network network, DMatrixRMaj x, DMatrixRMaj target, int perLayer, long seed) {
        Objects.requireNonNull(network, "network");
        if (perLayer < 1) {
            throw new IllegalArgumentException("parameters per layer " + perLayer + " must be at least 1");
        }
        network.backward(x, target);
        Workspace ws = network.workspace();
        int layers = network.layerCount();
        DMatrixRMaj[] gradW = new DMatrixRMaj[layers], gradB = new DMatrixRMaj[layers];
        for (int l = 0; l < layers; l++) {
            gradW[l] = ws.gradW(l).copy(); // the loss passes below reuse the workspace
            gradB[l] = ws.gradB(l).copy();
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Layer> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            DenseLayer layer = network.layer(l);
            Errors e = new Errors();
            for (int i : sample(layer.weights().getNumElements(), perLayer, rnd)) {
                e.add(gradW[l].data[i], numeric(network, layer.weights(), i, x, target));
            }
            for (int i : sample(layer.bias().getNumElements(), perLayer, rnd)) {
                e.add(gradB[l].data[i], numeric(network, layer.bias(), i, x, target));
            }
            out.add(new Layer(l, layer.inputs(), layer.outputs(), ((long) layer.inputs() + 1) * layer.outputs(),
                    e.checked, e.maxAbs, e.maxRel, e.failures));
        }
        return new Result(out);
    }

    /** The central difference of the loss in value i of m, which is put back exactly. */
    private static double numeric(Network network, DMatrixRMaj m, int i, DMatrixRMaj x, DMatrixRMaj target) {
        double w = m.data[i];
        m.data[i] = w + STEP;
        double plus = network.loss(x, target);
        m.data[i] = w - STEP;
        double minus = network.loss(x, target);
        m.data[i] = w;
        return (plus - minus) / (2 * STEP);
    }

    /** Indices 0 .. n-1, or k of them drawn without repeats when n is larger. */
    private static int[] sample(int n, int k, SplittableRandom rnd) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        if (n <= k) {
            return all;
        }
        for (int i = 0; i < k; i++) { // a partial Fisher-Yates: the first k are the sample
            int j = i + rnd.nextInt(n - i);
            int tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        return java.util.Arrays.copyOf(all, k);
    }

    private static final class Errors {
        int checked, failures;
        double maxAbs, maxRel;

        void add(double analytic, double numeric) {
            double abs = Math.abs(analytic - numeric);
            double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
            checked++;
            maxAbs = Math.max(maxAbs, abs);
            maxRel = Math.max(maxRel, scale == 0 ? 0 : abs / scale);
            if (!(abs <= ATOL + RTOL * Math.abs(numeric))) {
                failures++;
            }
        }
    }
}
