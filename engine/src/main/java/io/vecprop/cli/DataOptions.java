package io.vecprop.cli;

import io.vecprop.io.CsvReader;
import io.vecprop.io.DataFormatException;
import io.vecprop.data.Dataset;
import io.vecprop.io.Excerpt;
import io.vecprop.io.IdxReader;
import io.vecprop.io.ModelFile;
import io.vecprop.data.Synthetic;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Where samples come from, shared by train, eval and predict: a CSV file, MNIST's IDX files, or a synthetic set. */
final class DataOptions {

    static final String SYNTHETIC = "synthetic:";

    @Option(names = "--data", paramLabel = "FILE|synthetic:NAME",
            description = "The samples: a CSV file (inputs, then targets in the last columns or a --label-column), "
                    + "MNIST images in IDX format (plain or .gz, with --labels), or synthetic:xor, synthetic:spirals[:n=1000,noise=0.05], "
                    + "synthetic:blobs[:n=2000,features=64,classes=10,spread=1.0] or synthetic:regression[:n=2000,features=8,noise=0.1] "
                    + "(seeded by --seed).")
    String data;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "The IDX labels file that goes with IDX images in --data (such as train-labels-idx1-ubyte.gz).")
    Path labels;

    @Option(names = "--label-column", paramLabel = "COLUMN",
            description = "CSV: the column (a header name, or an index counted from 0) that holds class labels; they become "
                    + "one-hot targets and every other column is an input.")
    String labelColumn;

    /**
     * Reads the samples for a network of the given input and output widths.
     *
     * @param classes the class names a saved model was trained with, or null to take them from the data
     * @param targets REQUIRED: the data must have targets; OPTIONAL: inputs alone are fine too (predict)
     */
    Dataset load(long seed, int inputs, int outputs, List<String> classes, Targets targets) throws IOException {
        Dataset d = splitTargets(read(seed, inputs, outputs, classes, targets), inputs, outputs, targets);
        if (targets == Targets.IGNORED) {
            d = new Dataset(d.name(), d.inputs(), new DMatrixRMaj(d.size(), 0), List.of());
        }
        String name = d.name();
        if (d.inputWidth() != inputs) {
            throw new DataFormatException(name + ": " + d.inputWidth() + " inputs per sample but the network takes " + inputs);
        }
        if (d.targetWidth() == 0 && targets == Targets.REQUIRED) {
            throw new DataFormatException(name + ": no targets: the data needs " + outputs + " target columns after the "
                    + inputs + " inputs, or a --label-column");
        }
        if (d.targetWidth() != 0 && d.targetWidth() != outputs) {
            throw new DataFormatException(name + ": " + d.targetWidth() + (d.hasClasses() ? " classes (" + Excerpt.list(d.classes()) + ")" : " targets")
                    + " per sample but the network has " + outputs + " outputs");
        }
        return d;
    }

    /** REQUIRED: the data must have targets; OPTIONAL: inputs alone are fine too; IGNORED: targets are dropped (an auto-encoder's). */
    enum Targets { REQUIRED, OPTIONAL, IGNORED }

    /** A saved model and the data to run it on, the model's input scaling already applied. */
    record ModelAndData(ModelFile.Model model, Dataset data) {}

    /**
     * For eval and predict: reads the model (in its file's precision unless --precision asks for the
     * other), then the data for it (its classes, its widths), scaled as it was trained.
     */
    ModelAndData loadWithModel(CommandLine cli, Path model, KernelOptions kernelOptions, long seed, Targets targets)
            throws IOException {
        if (data == null) {
            throw new ParameterException(cli, "Missing required option: '--data'");
        }
        ModelFile.Model m = ModelFile.read(model, kernelOptions.precision, kernelOptions.selection(cli.getErr()));
        Dataset d = load(seed, m.network().inputs(), m.network().outputs(), m.classes().isEmpty() ? null : m.classes(),
                m.autoencoder() ? Targets.IGNORED : targets);
        m.scaler().apply(d.inputs());
        if (m.autoencoder()) {
            // an auto-encoder's targets are its inputs as it sees them, scaled
            d = new Dataset(d.name(), d.inputs(), d.inputs().copy(), List.of());
        }
        return new ModelAndData(m, d);
    }

    private Dataset read(long seed, int inputs, int outputs, List<String> classes, Targets targets) throws IOException {
        if (data.startsWith(SYNTHETIC)) {
            if (labels != null || labelColumn != null) {
                throw new IllegalArgumentException("--labels and --label-column apply to files, not to " + data);
            }
            return Synthetic.generate(data.substring(SYNTHETIC.length()), seed);
        }
        Path file = Path.of(data);
        if (labels != null || IdxReader.isIdxName(file)) {
            if (labelColumn != null) {
                throw new IllegalArgumentException("--label-column applies to CSV files, not to IDX " + file.getFileName());
            }
            if (labels == null) {
                if (targets == Targets.REQUIRED) {
                    throw new IllegalArgumentException(file.getFileName() + " is IDX images: give their labels with --labels FILE");
                }
                return IdxReader.readImages(file);
            }
            return IdxReader.read(file, labels, outputs);
        }
        if (labelColumn != null) {
            return CsvReader.read(file, CsvReader.Options.label(labelColumn).withClasses(classes).forNetwork(inputs, outputs));
        }
        return CsvReader.read(file, CsvReader.Options.inputsOnly().forNetwork(inputs, outputs));
    }

    /**
     * A CSV read without a label column holds inputs and targets side by side: splits off the last
     * outputs columns as targets when the row is that much wider than inputs.
     */
    static Dataset splitTargets(Dataset d, int inputs, int outputs, Targets targets) throws DataFormatException {
        if (d.targetWidth() != 0 || d.inputWidth() == inputs) {
            return d;
        }
        if (d.inputWidth() != inputs + outputs) {
            throw new DataFormatException(d.name() + ": " + d.inputWidth() + " columns, but the network takes " + inputs
                    + " inputs and has " + outputs + " outputs: expected " + (inputs + outputs) + " (inputs, then targets)"
                    + (targets == Targets.OPTIONAL ? " or " + inputs + " (inputs alone)" : "") + ", or a --label-column");
        }
        int n = d.size(), w = inputs + outputs;
        DMatrixRMaj x = new DMatrixRMaj(n, inputs);
        DMatrixRMaj t = new DMatrixRMaj(n, outputs);
        double[] all = d.inputs().data;
        for (int i = 0; i < n; i++) {
            System.arraycopy(all, i * w, x.data, i * inputs, inputs);
            System.arraycopy(all, i * w + inputs, t.data, i * outputs, outputs);
        }
        return new Dataset(d.name(), x, t, List.of());
    }
}
