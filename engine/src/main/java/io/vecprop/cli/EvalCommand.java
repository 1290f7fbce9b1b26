package io.vecprop.cli;

import static io.vecprop.cli.Values.percent;

import io.vecprop.data.Dataset;
import io.vecprop.io.Json;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.train.MiniBatchTrainer;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "eval",
        mixinStandardHelpOptions = true,
        header = "Loss and accuracy of a saved model on data.",
        description = "Loads a model saved by train --model-out, applies its input scaling to the raw data, and reports "
                + "the mean loss and, for class targets, the share of samples whose largest output is the right class.",
        footer = {"", "Examples:", "  ./vecprop eval --model blobs.safetensors --data synthetic:blobs:draw=1",
            "  ./vecprop eval --model mnist.safetensors --data t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz",
            "  ./vecprop eval --model iris.safetensors --data iris-test.csv --label-column species --format json"})
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernelOptions;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "text (one line, default) or json (samples, loss, accuracy, seconds).")
    Values.Format format;

    @Override
    public Integer call() throws java.io.IOException {
        PrintWriter out = spec.commandLine().getOut();
        new CommandFiles().input("--model", modelOptions.model).data(dataOptions.data).input("--labels", dataOptions.labels)
                .check(spec.commandLine(), (o, i) -> false);
        DataOptions.ModelAndData md = dataOptions.loadWithModel(spec.commandLine(), modelOptions.model, kernelOptions,
                modelOptions.seed, DataOptions.Targets.REQUIRED);
        DenseNetwork network = md.model().network();
        Dataset data = md.data();
        long start = System.nanoTime();
        MiniBatchTrainer.Evaluation e = MiniBatchTrainer.evaluate(network, data, modelOptions.batchRows());
        double seconds = (System.nanoTime() - start) / 1e9;
        if (format == Values.Format.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("samples", e.samples());
            j.put("loss", e.loss());
            j.put("loss_function", network.lossFunction().id());
            j.put("precision", network.precision().id());
            j.put("accuracy", e.accuracy());
            j.put("seconds", seconds);
            out.println(Json.write(j));
        } else {
            out.printf("%s on %s: %d samples, loss %s (%s, %s)%s, %.3f s%n", modelOptions.model.getFileName(), data.name(),
                    e.samples(), Values.sig9(e.loss()), network.lossFunction(), network.precision(),
                    Double.isNaN(e.accuracy()) ? "" : ", accuracy " + percent(e.accuracy()), seconds);
        }
        out.flush();
        return 0;
    }
}
