package io.vecprop.bench;

import io.vecprop.kernels.Activation;
import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.DenseKernelsF32;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The phases of a training step where one activation's differs from another's, alone: the forward
 * activation over n values ({@code out = f(net)}), the backward derivative ({@code delta *= f'}, on a
 * fresh copy of the deltas each call so repeated calls cannot drive them to subnormals), and for W2's
 * batch of one the fused online step of a 1024 x 1024 layer ({@code onlineBackward}: the delta below
 * through W, W's update and f' below in one pass; a tiny rate keeps W where it is). n = 1024 is W2's
 * layer (batch 1), 131072 W3's (batch 128 x 1024). Inputs in [-4, 4], so the ReLU family sees both
 * sides; f32 gets the f64 values rounded.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ActivationBench {

    /** The online step's layer: W2's 1024 x 1024. */
    public static final int ONLINE = 1024;

    @Param({"sigmoid", "relu", "tanh", "gelu", "leaky-relu"})
    public String activation;

    @Param({"simd", "scalar"})
    public String kernels;

    @Param({"1024", "131072"})
    public int n;

    @Param({"1"})
    public int threads;

    @Param({"f64", "f32"})
    public String precision;

    Activation f;
    boolean f32;
    DenseKernels k;
    DenseKernelsF32 kF;
    double[] net, out, delta0, delta, w, deltaAbove, deltaBelow;
    float[] netF, outF, delta0F, deltaF, wF, deltaAboveF, deltaBelowF;

    @Setup
    public void setup() {
        f = Activation.parse(activation);
        f32 = KernelState.isF32(precision);
        SplittableRandom rnd = new SplittableRandom(11);
        net = rnd.doubles(n, -4, 4).toArray();
        out = new double[n];
        delta0 = rnd.doubles(n, -1, 1).toArray();
        delta = new double[n];
        w = rnd.doubles((long) ONLINE * ONLINE, -0.05, 0.05).toArray();
        deltaAbove = rnd.doubles(ONLINE, -1, 1).toArray();
        deltaBelow = new double[ONLINE];
        if (f32) {
            kF = KernelState.kernelsF32(kernels, threads);
            netF = KernelState.narrow(net);
            outF = new float[n];
            delta0F = KernelState.narrow(delta0);
            deltaF = new float[n];
            wF = KernelState.narrow(w);
            deltaAboveF = KernelState.narrow(deltaAbove);
            deltaBelowF = new float[ONLINE];
            kF.activate(f, n, netF, outF);
            net = delta0 = w = deltaAbove = null;
        } else {
            k = KernelState.kernels(kernels, threads);
            k.activate(f, n, net, out);
        }
    }

    @Benchmark
    public Object activate() {
        if (f32) {
            kF.activate(f, n, netF, outF);
            return outF;
        }
        k.activate(f, n, net, out);
        return out;
    }

    @Benchmark
    public Object derivative() {
        if (f32) {
            System.arraycopy(delta0F, 0, deltaF, 0, n);
            kF.mulActivationDeriv(f, n, netF, outF, deltaF);
            return deltaF;
        }
        System.arraycopy(delta0, 0, delta, 0, n);
        k.mulActivationDeriv(f, n, net, out, delta);
        return delta;
    }

    /** W2's fused step (n = 1024 only; at other n it measures the same thing, with n's activations unused). */
    @Benchmark
    public Object onlineStep() {
        if (f32) {
            kF.onlineBackward(f, ONLINE, ONLINE, -1e-9f, deltaAboveF, netF, outF, wF, deltaBelowF);
            return deltaBelowF;
        }
        k.onlineBackward(f, ONLINE, ONLINE, -1e-9, deltaAbove, net, out, w, deltaBelow);
        return deltaBelow;
    }
}
