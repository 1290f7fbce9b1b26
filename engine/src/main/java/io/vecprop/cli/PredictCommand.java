package io.vecprop.cli;

import io.vecprop.io.AtomicFiles;
import io.vecprop.data.Dataset;
import io.vecprop.io.ModelFile;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.train.BatchBuffers;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "predict",
        mixinStandardHelpOptions = true,
        header = "Outputs of a saved model for each sample, as CSV.",
        description = "Loads a model saved by train --model-out, applies its input scaling to the raw data, and writes one "
                + "CSV row per sample: the outputs, each in the shortest form that reads back to the same value in the "
                + "model's precision (double or float), under a "
                + "header of class names (or out0, out1, ...); or with --argmax the class alone. The data may hold inputs "
                + "alone or inputs and targets (which are ignored). An auto-encoder's outputs are its reconstructions "
                + "of the scaled inputs; --layer K writes a hidden layer's activations (the code at the bottleneck).",
        footer = {"", "Examples:", "  ./vecprop predict --model blobs.safetensors --data synthetic:blobs:draw=1 --argmax",
            "  ./vecprop predict --model iris.safetensors --data new-flowers.csv --out predictions.csv",
            "  ./vecprop predict --model ae.safetensors --data synthetic:blobs:features=64 --layer 1 --out codes.csv"})
final class PredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernelOptions;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the CSV here (to a temporary file, then renamed) instead of standard output.")
    Path outFile;

    @Option(names = "--argmax", description = "Write only the class of the largest output (its name when the model has class names).")
    boolean argmax;

    @Option(names = "--layer", paramLabel = "K", converter = Values.PositiveInt.class,
            description = "Write the activations of layer K instead of the outputs: 1 is the first hidden layer, the "
                    + "last layer's number gives the outputs (for an auto-encoder of --layers 784,64,784, --layer 1 writes "
                    + "the 64 values of the code). Header h0, h1, ...")
    Long layer;

    @Override
    public Integer call() throws IOException {
        new CommandFiles().output("--out", outFile).input("--model", modelOptions.model).data(dataOptions.data)
                .input("--labels", dataOptions.labels).check(spec.commandLine(), (out, in) -> false);
        DataOptions.ModelAndData md = dataOptions.loadWithModel(spec.commandLine(), modelOptions.model, kernelOptions,
                modelOptions.seed, DataOptions.Targets.OPTIONAL);
        ModelFile.Model m = md.model();
        DenseNetwork network = m.network();
        if (layer != null && layer > network.layerCount()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--layer " + layer + ": "
                    + modelOptions.model.getFileName() + " has " + network.layerCount() + " layers (1 to "
                    + network.layerCount() + ", the last its outputs)");
        }
        if (layer != null && argmax) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--layer and --argmax: give one of them");
        }
        Dataset data = md.data();
        if (outFile == null) {
            PrintWriter w = spec.commandLine().getOut();
            write(network, m.classes(), data, w);
            failOnError(w);
        } else {
            AtomicFiles.write(outFile, tmp -> {
                try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    write(network, m.classes(), data, w);
                }
            });
        }
        return 0;
    }

    private void write(DenseNetwork network, List<String> classes, Dataset data, Writer w) throws IOException {
        int l = layer == null ? network.layerCount() - 1 : Math.toIntExact(layer) - 1;
        boolean hidden = l + 1 < network.layerCount();
        int outputs = network.widths()[l + 1];
        StringBuilder line = new StringBuilder();
        if (argmax) {
            line.append("class");
        } else if (hidden) {
            for (int j = 0; j < outputs; j++) {
                line.append(j == 0 ? "" : ",").append("h").append(j);
            }
        } else {
            for (int j = 0; j < outputs; j++) {
                line.append(j == 0 ? "" : ",").append(csvCell(classes.isEmpty() ? "out" + j : classes.get(j)));
            }
        }
        w.write(line.append('\n').toString());
        int n = data.size();
        int rowsPer = (int) Math.max(1, Math.min(modelOptions.batch, n));
        BatchBuffers buffers = BatchBuffers.of(network, rowsPer);
        for (int from = 0; from < n; from += rowsPer) {
            int rows = Math.min(rowsPer, n - from);
            buffers.gatherInputs(data, from, rows);
            buffers.forward();
            for (int r = 0; r < rows; r++) {
                line.setLength(0);
                if (argmax) {
                    int k = buffers.predictedClass(r);
                    line.append(classes.isEmpty() ? Integer.toString(k) : csvCell(classes.get(k)));
                } else {
                    for (int j = 0; j < outputs; j++) {
                        line.append(j == 0 ? "" : ",").append(hidden ? buffers.layerOutput(l, r, j) : buffers.output(r, j));
                    }
                }
                w.write(line.append('\n').toString());
            }
            if (w instanceof PrintWriter pw) {
                failOnError(pw); // a full disk or closed pipe stops the run at once, not after the last row
            }
        }
    }

    /**
     * Standard output is a PrintWriter, which keeps its write errors to itself: a redirect to a
     * full disk would end in exit 0 with the rows cut short.
     */
    private static void failOnError(PrintWriter w) throws IOException {
        if (w.checkError()) { // flushes, then asks the writer and the PrintStream below it
            throw new IOException("could not write the predictions to standard output (disk full, or its reader went away)");
        }
    }

    /** A CSV cell, quoted when it holds a comma, a quote or a line break. */
    static String csvCell(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
