package io.vecprop.bench;

import io.vecprop.kernels.Ceilings;
import io.vecprop.kernels.KernelInfo;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.PackClock;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Loss;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import io.vecprop.train.Optimizer;
import io.vecprop.train.Sgd;
import io.vecprop.nn.PhaseClock;
import io.vecprop.nn.PhaseClock.Phase;
import io.vecprop.kernels.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.ops.ConvertMatrixData;

/**
 * Where a training step's time goes: the step {@code vecprop train} and the bench's
 * {@code TrainingBench} take (forward, backward, SGD or momentum update; biases trained), run for
 * a while on seeded random inputs, first untimed (the step's own time), then with a
 * {@link PhaseClock} on the network and the products' packing clock on, so each phase gets its
 * time, its share, its rate and its share of this machine's ceilings, measured in the same
 * process.
 */
public final class StepProfile {

    /**
     * What to profile.
     *
     * @param widths the layer widths, input to output
     * @param batch samples per step (1: the online step)
     * @param seconds how long to run untimed and timed, each, in five rounds of each in turn (after as long a warm-up)
     */
    public record Options(int[] widths, int batch, Precision precision, KernelSelection kernels, Loss loss,
            double learningRate, double momentum, double seconds, long seed) {

        public Options {
            if (widths.length < 2) {
                throw new IllegalArgumentException("a network needs at least an input and an output width, not "
                        + Arrays.toString(widths));
            }
            for (int w : widths) {
                if (w < 1) {
                    throw new IllegalArgumentException("layer widths must be positive: " + Arrays.toString(widths));
                }
            }
            if (batch < 1) {
                throw new IllegalArgumentException("the batch must be at least 1, not " + batch);
            }
            if (!(seconds > 0) || seconds > 3600) {
                throw new IllegalArgumentException("the time to run must be in (0, 3600] seconds, not " + seconds);
            }
            widths = widths.clone();
        }
    }

    /** How a phase's work is counted: multiply-adds (GFLOP/s against the FMA peak) or bytes streamed (GB/s against the bandwidth). */
    public enum Unit {
        GFLOPS("GFLOP/s"), GBS("GB/s"), NONE("");

        public final String label;

        Unit(String label) {
            this.label = label;
        }
    }

    /**
     * One phase, summed over the layers (layer -1) or of one layer.
     *
     * @param millis mean time per step
     * @param share of the timed step
     * @param rate work per second in unit (NaN where there is none)
     * @param ofPeak rate as a share of the matching ceiling (NaN where unknown)
     */
    public record Row(String phase, int layer, double millis, double share, double rate, Unit unit, double ofPeak) {}

    /**
     * The profile.
     *
     * @param stepMillis the untimed step: the median of five rounds' means
     * @param timedStepMillis the mean timed step (the clock's cost is the difference)
     * @param phases per phase, in step order, then the packing inside the products
     * @param layers per phase and layer
     * @param peakGflops the FMA ceiling of the profile's threads and precision, measured here
     * @param bandwidthGBs the streaming ceiling of the profile's threads, measured here
     */
    public record Result(Options options, int threads, String kernels, long steps, double stepMillis,
            double timedStepMillis, List<Row> phases, List<Row> layers, double peakGflops, double bandwidthGBs) {

        /** Flops of one step (every product), as {@link Workloads#flops} counts them. */
        public double flops() {
            return Workloads.flops(options.widths(), options.batch());
        }
    }

    /** Untimed and timed rounds, in turn. */
    private static final int ROUNDS = 5;

    private StepProfile() {}

    /** Profiles the step (a few seconds: see {@link Options#seconds}). */
    public static Result run(Options o) {
        DenseNetwork net = DenseNetwork.random(o.precision(), o.kernels(), o.loss(), o.seed(), o.widths());
        Runnable step = step(net, o);
        KernelInfo info = o.precision() == Precision.F32 ? o.kernels().f32().info() : o.kernels().f64().info();
        int threads = info.threads();
        long nanos = (long) (o.seconds() * 1e9);
        PhaseClock clock = new PhaseClock(net.layerCount());
        // warm-up, untimed and timed: C2 compiles the step both ways (a first timed step would deoptimise it)
        runFor(step, nanos / 2);
        timed(net, clock, step, nanos / 2);
        clock.reset();
        PackClock.reset();
        // untimed and timed rounds in turn, so that a change in the machine's load touches both alike
        double[] rounds = new double[ROUNDS];
        long timedNanos = 0;
        for (int r = 0; r < ROUNDS; r++) {
            long t0 = System.nanoTime();
            long steps = runFor(step, nanos / ROUNDS);
            rounds[r] = (System.nanoTime() - t0) / 1e6 / steps;
            timedNanos += timed(net, clock, step, nanos / ROUNDS);
        }
        Arrays.sort(rounds);
        long steps = clock.steps();
        double timedStep = timedNanos / 1e6 / steps;
        double peak = Ceilings.fmaGflops(o.precision() == Precision.F32, threads, 300);
        double bandwidth = Ceilings.triadGBs(o.kernels().f64().impl(), 300);
        double packMillis = PackClock.totalNanos() / 1e6 / threads / steps;
        return result(o, clock, threads, info.name(), steps, rounds[rounds.length / 2], timedStep, packMillis, peak, bandwidth);
    }

    private static Result result(Options o, PhaseClock clock, int threads, String kernels, long steps, double stepMillis,
            double timedStep, double packMillis, double peak, double bandwidth) {
        List<Row> phases = new ArrayList<>();
        List<Row> layers = new ArrayList<>();
        for (Phase p : Phase.values()) {
            double millis = 0, work = 0;
            Unit unit = unit(p);
            boolean any = false;
            for (int l = 0; l < clock.layers(); l++) {
                long ns = clock.nanos(p, l);
                if (ns == 0) {
                    continue;
                }
                any = true;
                double ms = ns / 1e6 / steps;
                double w = work(p, l, o);
                millis += ms;
                work += w;
                layers.add(row(p.label(), l, ms, timedStep, w, unit, peak, bandwidth));
            }
            if (any) {
                phases.add(row(p.label(), -1, millis, timedStep, work, unit, peak, bandwidth));
            }
        }
        phases.add(new Row("packing (inside the products)", -1, packMillis, packMillis / timedStep, Double.NaN,
                Unit.NONE, Double.NaN));
        return new Result(o, threads, kernels, steps, stepMillis, timedStep, List.copyOf(phases), List.copyOf(layers),
                peak, bandwidth);
    }

    private static Row row(String phase, int layer, double millis, double step, double work, Unit unit, double peak,
            double bandwidth) {
        double rate = work / (millis * 1e6); // per ns: GFLOP/s or GB/s
        double ceiling = unit == Unit.GFLOPS ? peak : bandwidth;
        return new Row(phase, layer, millis, millis / step, rate, unit, rate / ceiling);
    }

    private static Unit unit(Phase p) {
        return switch (p) {
            case FORWARD_PRODUCT, HIDDEN_DELTA, WEIGHT_UPDATE -> Unit.GFLOPS;
            case ACTIVATION, LOSS_AND_OUTPUT_DELTA, BIAS_UPDATE -> Unit.GBS;
        };
    }

    /**
     * The work of a phase of layer l: flops for the products (2 per multiply-add; an online step's
     * update of a hidden layer also takes the delta below through W, twice the flops), bytes for
     * the element-wise passes (each matrix read or written once).
     */
    static double work(Phase p, int l, Options o) {
        double in = o.widths()[l], out = o.widths()[l + 1], n = o.batch();
        double bytes = o.precision() == Precision.F32 ? Float.BYTES : Double.BYTES;
        return switch (p) {
            case FORWARD_PRODUCT, HIDDEN_DELTA -> 2 * n * in * out;
            case WEIGHT_UPDATE -> 2 * n * in * out * (n == 1 && l > 0 ? 2 : 1);
            case ACTIVATION -> 2 * n * out * bytes;
            case LOSS_AND_OUTPUT_DELTA -> 3 * n * out * bytes;
            case BIAS_UPDATE -> (n * out + 2 * out) * bytes;
        };
    }

    /** Runs steps for nanos with the network's phases and the products' packing timed; how long they took. */
    private static long timed(DenseNetwork net, PhaseClock clock, Runnable step, long nanos) {
        net.time(clock);
        PackClock.resume();
        try {
            long t0 = System.nanoTime();
            runFor(step, nanos);
            return System.nanoTime() - t0;
        } finally {
            PackClock.stop();
            net.time(null);
        }
    }

    /** Runs steps until nanos pass (at least one); how many ran. */
    private static long runFor(Runnable step, long nanos) {
        long deadline = System.nanoTime() + nanos;
        long steps = 0;
        do {
            step.run();
            steps++;
        } while (System.nanoTime() < deadline);
        return steps;
    }

    /** The step on seeded random inputs in [0, 1); targets in [0, 1), one-hot rows for cross-entropy. */
    private static Runnable step(DenseNetwork net, Options o) {
        int[] w = o.widths();
        SplittableRandom rnd = new SplittableRandom(o.seed() + 1);
        double[] x = new double[o.batch() * w[0]];
        double[] t = new double[o.batch() * w[w.length - 1]];
        Arrays.setAll(x, i -> rnd.nextDouble());
        if (o.loss() == Loss.CROSS_ENTROPY) {
            int classes = w[w.length - 1];
            for (int i = 0; i < o.batch(); i++) {
                t[i * classes + rnd.nextInt(classes)] = 1;
            }
        } else {
            Arrays.setAll(t, i -> rnd.nextDouble());
        }
        DMatrixRMaj xm = new DMatrixRMaj(o.batch(), w[0], true, x);
        DMatrixRMaj tm = new DMatrixRMaj(o.batch(), w[w.length - 1], true, t);
        double lr = o.learningRate();
        Optimizer sgd = new Sgd(o.momentum(), true);
        if (net instanceof Network n64) {
            return () -> sgd.step(n64, xm, tm, lr);
        }
        NetworkF32 n32 = (NetworkF32) net;
        FMatrixRMaj xf = new FMatrixRMaj(xm.numRows, xm.numCols);
        FMatrixRMaj tf = new FMatrixRMaj(tm.numRows, tm.numCols);
        ConvertMatrixData.convert(xm, xf);
        ConvertMatrixData.convert(tm, tf);
        float lrF = (float) lr;
        return () -> sgd.step(n32, xf, tf, lrF);
    }
}
