package io.vecprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vecprop.example.WorkedExample;
import io.vecprop.example.WorkedExampleF32;
import io.vecprop.kernels.SimdSupport;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.GradientSum;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every update rule against PyTorch 1.13's own trajectory: the worked example's 2-2-2 network trained
 * five steps by {@code torch.optim.SGD} (weight decay, momentum, Nesterov), {@code Adam} and
 * {@code AdamW} (their defaults and other betas, eps and decays), and with {@code clip_grad_norm_}, as
 * {@code bench/peers/torch_optimizer_trajectories.py} printed them (w1..w8, then the biases of h1, h2,
 * o1, o2) in double and in float32. vecprop takes each of its three paths to a step (the fused step,
 * the workspace's mean gradients, a gradient sum over the rows), scalar and SIMD, in both precisions.
 */
class TestOptimizers {

    /** case name → precision ("f64", "f32") → step 1..5 → the 12 parameters. */
    private static final Map<String, double[][]> TORCH = new HashMap<>();

    @BeforeAll
    static void readTrajectories() throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                TestOptimizers.class.getResourceAsStream("torch-optimizer-trajectories.txt"), StandardCharsets.UTF_8))) {
            String precision = "f64";
            for (String line; (line = in.readLine()) != null;) {
                String[] f = line.trim().split(" +");
                if (f[0].equals("torch")) {
                    continue;
                }
                if (f[0].equals("float32")) {
                    precision = "f32";
                    continue;
                }
                double[][] steps = TORCH.computeIfAbsent(f[0] + "/" + precision, k -> new double[6][]);
                double[] values = new double[12];
                for (int i = 0; i < 12; i++) {
                    values[i] = Double.parseDouble(f[2 + i]);
                }
                steps[Integer.parseInt(f[1])] = values;
            }
        }
        assertEquals(20, TORCH.size(), "10 cases in two precisions");
    }

    /** The case's optimizer, as the command line would build it. */
    private static MiniBatchTrainer.Options options(String name) {
        MiniBatchTrainer.Options.Builder b = MiniBatchTrainer.Options.builder();
        OptimizerSpec spec = switch (name) {
            case "sgd_wd" -> OptimizerSpec.sgd(0).withWeightDecay(0.1);
            case "momentum_wd" -> OptimizerSpec.sgd(0.9).withWeightDecay(0.1);
            case "nesterov" -> OptimizerSpec.nesterov(0.9);
            case "nesterov_wd" -> OptimizerSpec.nesterov(0.8).withWeightDecay(0.1);
            case "adam" -> OptimizerSpec.adam();
            case "adam_wd" -> OptimizerSpec.adam().withBetas(0.8, 0.99, 1e-6).withWeightDecay(0.1);
            case "adamw" -> OptimizerSpec.adamW();
            case "adamw_wd" -> OptimizerSpec.adamW().withBetas(0.85, 0.95, 1e-7).withWeightDecay(0.3);
            case "momentum_clip" -> OptimizerSpec.sgd(0.9);
            case "adam_clip" -> OptimizerSpec.adam();
            default -> throw new IllegalArgumentException(name);
        };
        b.optimizer(spec).learningRate(spec.kind().adam() ? 0.1 : 0.5);
        if (name.endsWith("_clip")) {
            b.clipNorm(spec.kind().adam() ? 0.02 : 0.01);
        }
        return b.build();
    }

    /** w1..w8, then the biases of h1, h2, o1, o2: the order the trajectories list them in. */
    private static double[] parameters(DenseNetwork network) {
        double[] flat = new double[network.parameterCount()];
        switch (network) {
            case Network n -> n.copyParameters(flat);
            case NetworkF32 f -> {
                float[] v = new float[flat.length];
                f.copyParameters(v);
                for (int i = 0; i < v.length; i++) {
                    flat[i] = v[i];
                }
            }
        }
        // flat is W1 (4), b1 (2), W2 (4), b2 (2)
        return new double[] {flat[0], flat[1], flat[2], flat[3], flat[6], flat[7], flat[8], flat[9], flat[4], flat[5],
            flat[10], flat[11]};
    }

    @ParameterizedTest(name = "{0} {1} {2} via {3}")
    @CsvSource({
        "sgd_wd, f64, scalar, step", "sgd_wd, f32, simd, step", "sgd_wd, f64, simd, means", "sgd_wd, f32, scalar, sum",
        "momentum_wd, f64, scalar, step", "momentum_wd, f32, simd, step", "momentum_wd, f64, simd, sum",
        "momentum_wd, f32, scalar, means",
        "nesterov, f64, scalar, step", "nesterov, f32, simd, step", "nesterov, f64, simd, sum", "nesterov, f32, scalar, means",
        "nesterov_wd, f64, simd, step", "nesterov_wd, f32, scalar, step", "nesterov_wd, f64, scalar, sum",
        "nesterov_wd, f32, simd, means",
        "adam, f64, scalar, step", "adam, f32, simd, step", "adam, f64, simd, means", "adam, f32, scalar, sum",
        "adam_wd, f64, simd, step", "adam_wd, f32, scalar, step", "adam_wd, f64, scalar, sum", "adam_wd, f32, simd, means",
        "adamw, f64, scalar, step", "adamw, f32, simd, step", "adamw, f64, simd, sum", "adamw, f32, scalar, means",
        "adamw_wd, f64, simd, step", "adamw_wd, f32, scalar, step", "adamw_wd, f64, scalar, means", "adamw_wd, f32, simd, sum",
        "momentum_clip, f64, scalar, step", "momentum_clip, f32, simd, step", "momentum_clip, f64, simd, sum",
        "momentum_clip, f32, scalar, means",
        "adam_clip, f64, simd, step", "adam_clip, f32, scalar, step", "adam_clip, f64, scalar, sum",
        "adam_clip, f32, simd, means"})
    void followsPyTorch(String name, String precision, String kernels, String path) {
        MiniBatchTrainer.Options o = options(name);
        Optimizer optimizer = Optimizer.of(o);
        boolean f64 = precision.equals("f64");
        DenseNetwork network = f64 ? WorkedExample.network(SimdSupport.kernels(kernels))
                : WorkedExampleF32.network(SimdSupport.kernelsF32(kernels));
        double[][] torch = TORCH.get(name + "/" + precision);
        // the same formulas in another order (torch's SGD adds the decay into the gradient, vecprop scales W): a few
        // ulps of the weights, far below the 1e-5 to 0.1 a step moves them
        double tolerance = f64 ? 1e-14 : 3e-7;
        for (int step = 1; step <= 5; step++) {
            step(optimizer, network, o.learningRate(), path);
            double[] got = parameters(network);
            for (int i = 0; i < 12; i++) {
                assertEquals(torch[step][i], got[i], tolerance, name + " " + precision + " step " + step + " parameter " + i);
            }
        }
    }

    /**
     * The same bits on 1 and 2 threads: a layer of 1100 x 1024 weights, more than a kernel splits over threads
     * (Adam's at a million parameters), trained by each stateful rule, with clipping and decay, in both precisions.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"adam, f64", "adam, f32", "adamw, f64", "adamw, f32", "nesterov, f64", "nesterov, f32"})
    void sameBitsOnAnyThreadCount(String rule, String precision) {
        OptimizerSpec spec = switch (rule) {
            case "adam" -> OptimizerSpec.adam().withWeightDecay(1e-3);
            case "adamw" -> OptimizerSpec.adamW();
            default -> OptimizerSpec.nesterov(0.9).withWeightDecay(1e-3);
        };
        MiniBatchTrainer.Options o = MiniBatchTrainer.Options.builder().optimizer(spec).clipNorm(0.5).learningRate(1e-3)
                .build();
        io.vecprop.kernels.Precision p = io.vecprop.kernels.Precision.of(precision);
        double[][] weights = new double[2][];
        for (int threads = 1; threads <= 2; threads++) {
            io.vecprop.kernels.KernelSelection k = io.vecprop.kernels.KernelProvider.select(
                    io.vecprop.kernels.KernelProvider.Choice.SIMD, threads, p);
            DenseNetwork n = DenseNetwork.random(p, k, io.vecprop.nn.Loss.HALF_SQUARED_ERROR, 5, 1024, 1100, 3);
            io.vecprop.data.Dataset data = io.vecprop.data.Synthetic.blobs(64, 1024, 3, 1.0, 9);
            BatchBuffers b = BatchBuffers.of(n, 64);
            b.gather(data, null, 0, 64);
            Optimizer optimizer = Optimizer.of(o);
            for (int step = 0; step < 3; step++) {
                b.trainStep(optimizer, o.learningRate());
            }
            weights[threads - 1] = parameters64(n);
        }
        assertArrayEquals(weights[0], weights[1], rule + " " + precision + ": 2 threads differ from 1");
    }

    private static double[] parameters64(DenseNetwork network) {
        return switch (network) {
            case Network n -> n.parameters().f64();
            case NetworkF32 f -> {
                float[] v = f.parameters().f32();
                double[] d = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    d[i] = v[i];
                }
                yield d;
            }
        };
    }

    /** One step of optimizer on the worked example's sample, by one of its three paths. */
    private static void step(Optimizer optimizer, DenseNetwork network, double lr, String path) {
        switch (network) {
            case Network n -> {
                DMatrixRMaj x = WorkedExample.input(), t = WorkedExample.target();
                switch (path) {
                    case "step" -> optimizer.step(n, x, t, lr);
                    case "means" -> {
                        n.backward(x, t);
                        optimizer.applyGradients(n, lr);
                    }
                    default -> {
                        double loss = n.gradientSum(x, t);
                        double[] g = new double[n.parameterCount()];
                        n.copyGradients(g);
                        optimizer.applyGradientSum(n, GradientSum.of(g, loss, 0, 1), lr);
                    }
                }
            }
            case NetworkF32 f -> {
                FMatrixRMaj x = WorkedExampleF32.input(), t = WorkedExampleF32.target();
                switch (path) {
                    case "step" -> optimizer.step(f, x, t, (float) lr);
                    case "means" -> {
                        f.backward(x, t);
                        optimizer.applyGradients(f, lr);
                    }
                    default -> {
                        double loss = f.gradientSum(x, t);
                        float[] g = new float[f.parameterCount()];
                        f.copyGradients(g);
                        optimizer.applyGradientSum(f, GradientSum.of(g, loss, 0, 1), lr);
                    }
                }
            }
        }
    }
}
