package io.vecprop.train;

import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import java.util.function.DoubleSupplier;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * Full-batch gradient descent on one fixed batch until the loss falls below a target or a step
 * budget runs out: the "iterate until the outputs approach their targets" of the worked example.
 *
 * <p>Progress is reported to a {@link Listener} at log-spaced step counts (1, 2, 5, 10, 20, 50, ...),
 * so a run of any length prints a few dozen lines at most.
 */
public final class Trainer {

    /**
     * How to train.
     *
     * @param learningRate positive and finite
     * @param trainBias false freezes the biases, as the worked example does
     * @param targetLoss stop once the loss is below this (0 never stops early)
     * @param maxSteps the step budget, at least 1
     */
    public record Options(double learningRate, boolean trainBias, double targetLoss, long maxSteps) {
        public Options {
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learning rate " + learningRate + " must be positive and finite");
            }
            if (!(targetLoss >= 0) || !Double.isFinite(targetLoss)) {
                throw new IllegalArgumentException("target loss " + targetLoss + " must be zero or positive and finite");
            }
            if (maxSteps < 1) {
                throw new IllegalArgumentException("max steps " + maxSteps + " must be at least 1");
            }
        }
    }

    /** Receives the loss after a step count, at log-spaced counts. */
    @FunctionalInterface
    public interface Listener {
        void progress(long steps, double loss);

        Listener NONE = (steps, loss) -> {};
    }

    /**
     * What a run did.
     *
     * @param steps steps taken
     * @param loss the loss after them
     * @param reachedTarget whether the loss fell below the target
     * @param nanos wall time of the loop
     */
    public record Result(long steps, double loss, boolean reachedTarget, long nanos) {
        public double seconds() {
            return nanos / 1e9;
        }
    }

    private Trainer() {}

    /** Trains network on (x, target) in place as options say. */
    public static Result train(Network network, DMatrixRMaj x, DMatrixRMaj target, Options options, Listener listener) {
        return run(() -> network.loss(x, target),
                () -> network.trainStep(x, target, options.learningRate(), options.trainBias()), options, listener);
    }

    /** As {@link #train(Network, DMatrixRMaj, DMatrixRMaj, Options, Listener)}, in float (the learning rate rounded to float). */
    public static Result train(NetworkF32 network, FMatrixRMaj x, FMatrixRMaj target, Options options, Listener listener) {
        float lr = (float) options.learningRate();
        return run(() -> network.loss(x, target), () -> network.trainStep(x, target, lr, options.trainBias()), options, listener);
    }

    /** The loop: E_total after 0 steps, then a step and the new E_total until the target or the budget. */
    private static Result run(DoubleSupplier lossOf, Runnable step, Options options, Listener listener) {
        long start = System.nanoTime();
        long steps = 0;
        long nextReport = 1;
        double loss = lossOf.getAsDouble(); // E_total after 0 steps
        while (loss >= options.targetLoss() && steps < options.maxSteps()) {
            step.run();
            steps++;
            loss = lossOf.getAsDouble();
            if (steps == nextReport) {
                listener.progress(steps, loss);
                nextReport = nextReport(steps);
            }
        }
        return new Result(steps, loss, loss < options.targetLoss(), System.nanoTime() - start);
    }

    /** The count after r in 1, 2, 5, 10, 20, 50, 100, ... */
    static long nextReport(long r) {
        long decade = 1;
        while (decade <= r / 10) {
            decade *= 10;
        }
        long lead = r / decade;
        return lead < 2 ? 2 * decade : lead < 5 ? 5 * decade : 10 * decade;
    }
}
