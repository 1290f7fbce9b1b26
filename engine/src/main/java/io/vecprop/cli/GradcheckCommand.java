package io.vecprop.cli;

import static io.vecprop.cli.Values.sig4;

import io.vecprop.data.Dataset;
import io.vecprop.data.Scaler;
import io.vecprop.io.Json;
import io.vecprop.io.ModelFile;
import io.vecprop.kernels.Kernels;
import io.vecprop.nn.Loss;
import io.vecprop.nn.Network;
import io.vecprop.train.GradientCheck;
import io.vecprop.train.TrainOnData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.ejml.data.DMatrixRMaj;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "gradcheck",
        mixinStandardHelpOptions = true,
        header = "Check backprop's gradients of a network against central finite differences, layer by layer.",
        description = "Builds the network (--layers and --loss, seeded) or loads it (--model), takes a batch (random "
                + "inputs and targets, or the first rows of --data), and compares every weight's and bias's dE/dw from "
                + "backward with (E(w + h) - E(w - h)) / 2h, as PyTorch's torch.autograd.gradcheck does for a module "
                + "(h 1e-6, pass when |analytic - numeric| <= 1e-5 + 1e-3 |numeric|). In double: a float model is checked "
                + "through its exact widening. Exit 0 when every checked gradient passes, 1 when one does not.",
        footer = {"", "Examples:", "  ./vecprop gradcheck --layers 8,16,3 --loss cross-entropy",
            "  ./vecprop gradcheck --layers 8,32,32,4 --activations gelu,tanh,linear --loss mse",
            "  ./vecprop gradcheck --layers 6,16,5 --activations leaky-relu:0.1,sigmoid --loss binary-cross-entropy",
            "  ./vecprop gradcheck --model blobs.safetensors --data synthetic:blobs:n=2000,features=32,classes=4 --batch 16",
            "  ./vecprop gradcheck --layers 784,64,10 --per-layer 20 --kernels simd --format json"})
final class GradcheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernelOptions;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--layers", split = ",", paramLabel = "WIDTHS",
            description = "The widths from input to output of a new network, such as 8,16,3 (not with --model).")
    int[] layers;

    @Option(names = "--loss", paramLabel = "LOSS", converter = Values.LossConverter.class,
            description = "A new network's loss: half-squared-error, mse, binary-cross-entropy or cross-entropy (default: "
                    + "the one that fits the output activation of --activations, else half-squared-error).")
    Loss loss;

    @Option(names = "--activations", split = ",", paramLabel = "ACTS", converter = Values.ActivationConverter.class,
            description = "A new network's activations, one per layer or one for every hidden layer, as for train "
                    + "(sigmoid, tanh, relu, leaky-relu[:SLOPE], gelu, linear, softmax; default: sigmoid, and the loss's output).")
    List<io.vecprop.kernels.Activation> activations;

    @Option(names = "--weight-init", paramLabel = "INIT", converter = Values.InitConverter.class,
            description = "How a new network's weights are drawn, as for train (default: auto).")
    io.vecprop.nn.Init weightInit;

    @Option(names = "--model", paramLabel = "FILE", description = "Check this saved model instead (its loss and scaling).")
    Path model;

    @Option(names = "--batch", defaultValue = "8", converter = Values.PositiveInt.class, paramLabel = "N",
            description = "Rows of the batch the loss is taken on (default: ${DEFAULT-VALUE}).")
    long batch;

    @Option(names = "--seed", defaultValue = "1", converter = Values.PositiveLong.class, paramLabel = "S",
            description = "Seeds the new network's weights, the random batch, synthetic data and the sample of "
                    + "parameters checked (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--per-layer", defaultValue = "100", converter = Values.PositiveInt.class, paramLabel = "K",
            description = "At most K weights and K biases checked per layer, a seeded sample when a layer has more "
                    + "(default: ${DEFAULT-VALUE}); each costs two loss passes.")
    long perLayer;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "text (default) or json.")
    Values.Format format;

    @Override
    public Integer call() throws IOException {
        var cli = spec.commandLine();
        new CommandFiles().input("--model", model).data(dataOptions.data).input("--labels", dataOptions.labels)
                .check(cli, (o, i) -> false);
        if ((model == null) == (layers == null)) {
            throw new ParameterException(cli, model == null ? "gradcheck needs --layers (such as --layers 8,16,3) or --model FILE"
                    : "--layers and --model both name the network: give one");
        }
        if (model != null && (loss != null || activations != null || weightInit != null)) {
            throw new ParameterException(cli, (loss != null ? "--loss" : activations != null ? "--activations" : "--weight-init")
                    + " applies to a new network; --model " + model.getFileName() + " has its own");
        }
        if (layers != null && (layers.length < 2 || java.util.Arrays.stream(layers).anyMatch(w -> w < 1))) {
            throw new ParameterException(cli, "Invalid value for option '--layers': '" + TrainOnData.commas(layers)
                    + "' needs at least an input and an output width, each at least 1, such as 8,16,3");
        }
        Kernels kernels = kernelOptions.kernels(cli.getErr());
        Network network;
        Scaler scaler;
        List<String> classes = null;
        if (model != null) {
            ModelFile.Model m = ModelFile.read(model, null, io.vecprop.kernels.KernelSelection.scalar());
            network = m.network().toF64(kernels);
            scaler = m.scaler();
            classes = m.classes().isEmpty() ? null : m.classes();
        } else {
            int count = layers.length - 1;
            Loss l = loss != null ? loss : activations != null && activations.size() == count
                    ? Loss.forOutput(activations.getLast(), false) : Loss.HALF_SQUARED_ERROR;
            try {
                network = Network.random(kernels, l, io.vecprop.nn.DenseNetwork.activations(activations, count, l),
                        weightInit != null ? weightInit : io.vecprop.nn.Init.AUTO, seed, layers);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cli, e.getMessage());
            }
            scaler = null;
        }
        int rows = Math.toIntExact(batch); // Values.PositiveInt bounds it
        DMatrixRMaj x, t;
        String source;
        if (dataOptions.data != null) {
            Dataset d = dataOptions.load(seed, network.inputs(), network.outputs(), classes, DataOptions.Targets.REQUIRED);
            if (scaler != null) {
                scaler.apply(d.inputs());
            }
            rows = Math.min(rows, d.size());
            x = rowsOf(d.inputs(), rows);
            t = rowsOf(d.targets(), rows);
            source = "the first " + rows + " rows of " + d.name();
        } else {
            SplittableRandom rnd = new SplittableRandom(seed + 1);
            x = new DMatrixRMaj(rows, network.inputs());
            java.util.Arrays.setAll(x.data, i -> rnd.nextDouble(-1, 1)); // both signs: a ReLU layer's two sides
            t = new DMatrixRMaj(rows, network.outputs());
            if (network.lossFunction() == Loss.CROSS_ENTROPY) {
                for (int r = 0; r < rows; r++) {
                    t.set(r, rnd.nextInt(network.outputs()), 1);
                }
            } else {
                java.util.Arrays.setAll(t.data, i -> rnd.nextDouble());
            }
            source = "a random batch of " + rows;
        }
        GradientCheck.Result result = GradientCheck.check(network, x, t, Math.toIntExact(perLayer), seed);
        print(cli.getOut(), network, source, result);
        return result.passed() ? 0 : 1;
    }

    private static DMatrixRMaj rowsOf(DMatrixRMaj m, int rows) {
        DMatrixRMaj part = new DMatrixRMaj(rows, m.numCols);
        System.arraycopy(m.data, 0, part.data, 0, rows * m.numCols);
        return part;
    }

    private void print(PrintWriter out, Network network, String source, GradientCheck.Result result) {
        String tolerance = sig4(GradientCheck.ATOL) + " + " + sig4(GradientCheck.RTOL) + " |numeric|";
        if (format == Values.Format.json) {
            List<Map<String, Object>> layers = new ArrayList<>();
            for (GradientCheck.Layer l : result.layers()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("layer", l.layer());
                m.put("inputs", l.inputs());
                m.put("outputs", l.outputs());
                m.put("parameters", l.parameters());
                m.put("checked", l.checked());
                m.put("max_abs_error", l.maxAbsError());
                m.put("max_rel_error", l.maxRelError());
                m.put("failures", l.failures());
                layers.add(m);
            }
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("widths", java.util.Arrays.stream(network.widths()).boxed().toList());
            j.put("loss", network.lossFunction().id());
            j.put("activations", network.activations().stream().map(io.vecprop.kernels.Activation::id).toList());
            j.put("batch", source);
            j.put("kernels", network.kernels().info().name());
            j.put("step", GradientCheck.STEP);
            j.put("atol", GradientCheck.ATOL);
            j.put("rtol", GradientCheck.RTOL);
            j.put("layers", layers);
            j.put("passed", result.passed());
            out.println(Json.write(j));
        } else {
            out.printf("gradcheck %s (%s, %s) on %s, %s kernels: backward against central differences (h %s), in f64%n",
                    TrainOnData.join(network.widths()), DataTraining.activationList(network), network.lossFunction(), source,
                    network.kernels().info().name(),
                    sig4(GradientCheck.STEP));
            out.printf("%-6s %-14s %-11s %-8s %-14s %s%n", "layer", "shape", "parameters", "checked", "max abs error",
                    "max rel error");
            int failures = 0;
            for (GradientCheck.Layer l : result.layers()) {
                out.printf("%-6d %-14s %-11d %-8d %-14s %s%s%n", l.layer(), l.inputs() + " -> " + l.outputs(), l.parameters(),
                        l.checked(), sig4(l.maxAbsError()), sig4(l.maxRelError()),
                        l.failures() == 0 ? "" : "  (" + l.failures() + " outside the tolerance)");
                failures += l.failures();
            }
            out.println(result.passed() ? "pass: every checked gradient within " + tolerance
                    : "FAIL: " + failures + " gradients differ by more than " + tolerance);
        }
        out.flush();
    }
}
