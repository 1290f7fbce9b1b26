package io.vecprop.cli;

import static io.vecprop.cli.Values.percent;

import io.vecprop.data.Dataset;
import io.vecprop.io.Excerpt;
import io.vecprop.io.Json;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.train.ClassReport;
import io.vecprop.train.MiniBatchTrainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "eval",
        mixinStandardHelpOptions = true,
        header = "Loss and accuracy of a saved model on data.",
        description = "Loads a model saved by train --model-out, applies its input scaling to the raw data, and reports "
                + "the mean loss; for class targets the accuracy (the share of samples whose largest output is the right "
                + "class), per-class precision, recall and F1 and the confusion matrix; for numeric targets the mean "
                + "squared and absolute errors and R² (for an auto-encoder: of its reconstructions of the scaled inputs).",
        footer = {"", "Examples:", "  ./vecprop eval --model blobs.safetensors --data synthetic:blobs:draw=1",
            "  ./vecprop eval --model mnist.safetensors --data t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz",
            "  ./vecprop eval --model iris.safetensors --data iris-test.csv --label-column species --format json",
            "  ./vecprop eval --model regression.safetensors --data synthetic:regression:draw=1",
            "  ./vecprop eval --model ae.safetensors --data t10k-images-idx3-ubyte.gz --picture reconstructions.png"})
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

    @Option(names = "--picture", paramLabel = "FILE.png", converter = Values.PngPath.class,
            description = "An auto-encoder's model only: also draw the first samples' scaled inputs as greyscale images "
                    + "and its reconstructions of them below, into this PNG (written to a temporary file, then renamed).")
    Path picture;

    @Option(names = "--picture-count", paramLabel = "N", converter = Values.PositiveInt.class,
            description = "With --picture: how many samples to draw (default: " + ReconstructionPicture.DEFAULT_COUNT
                    + ", at most the data's).")
    Long pictureCount;

    @Option(names = "--image-shape", paramLabel = "HxW",
            description = "With --picture: each image's height and width in pixels, H·W the model's inputs (default: a "
                    + "square, 28x28 for 784 inputs, 8x8 for 64).")
    String imageShape;

    @Override
    public Integer call() throws java.io.IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (picture == null && (pictureCount != null || imageShape != null)) {
            throw new ParameterException(spec.commandLine(), (pictureCount != null ? "--picture-count" : "--image-shape")
                    + " applies to --picture, which is not given");
        }
        new CommandFiles().output("--picture", picture).input("--model", modelOptions.model).data(dataOptions.data)
                .input("--labels", dataOptions.labels).check(spec.commandLine(), (o, i) -> false);
        DataOptions.ModelAndData md = dataOptions.loadWithModel(spec.commandLine(), modelOptions.model, kernelOptions,
                modelOptions.seed, DataOptions.Targets.REQUIRED);
        DenseNetwork network = md.model().network();
        Dataset data = md.data();
        ReconstructionPicture.Shape shape = null;
        int count = Math.min(data.size(), pictureCount == null ? ReconstructionPicture.DEFAULT_COUNT
                : Math.toIntExact(pictureCount)); // Values.PositiveInt bounds it
        if (picture != null) {
            if (!md.model().autoencoder()) {
                throw new ParameterException(spec.commandLine(), "--picture draws an auto-encoder's reconstructions, but "
                        + modelOptions.model.getFileName() + " was not trained with --autoencoder");
            }
            try {
                shape = ReconstructionPicture.Shape.of(imageShape, network.inputs());
            } catch (IllegalArgumentException ex) {
                throw new ParameterException(spec.commandLine(), ex.getMessage());
            }
        }
        long start = System.nanoTime();
        long[][] confusion = data.hasClasses() ? new long[network.outputs()][network.outputs()] : null;
        MiniBatchTrainer.Evaluation e = MiniBatchTrainer.evaluate(network, data, modelOptions.batchRows(), confusion);
        double seconds = (System.nanoTime() - start) / 1e9;
        ClassReport report = confusion == null ? null : new ClassReport(classNames(data), confusion);
        if (picture != null) {
            String title = String.format(java.util.Locale.ROOT, "%s on %s: inputs and reconstructions (R\u00b2 %s)",
                    modelOptions.model.getFileName(), data.name(), f3(e.regression().r2()));
            ReconstructionPicture.write(picture, title, network, data, shape, count);
        }
        if (format == Values.Format.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("samples", e.samples());
            j.put("loss", e.loss());
            j.put("loss_function", network.lossFunction().id());
            j.put("precision", network.precision().id());
            j.put("accuracy", e.accuracy());
            if (e.regression() != null) {
                j.put("mse", e.regression().mse());
                j.put("mae", e.regression().mae());
                j.put("r2", e.regression().r2());
                j.put("r2_per_output", java.util.Arrays.stream(e.regression().r2PerOutput()).boxed().toList());
            }
            j.put("autoencoder", md.model().autoencoder());
            j.put("seconds", seconds);
            j.put("picture", picture == null ? null : picture.toString());
            if (report != null) {
                List<Map<String, Object>> classes = new ArrayList<>();
                for (ClassReport.PerClass c : report.perClass()) {
                    classes.add(json(c));
                }
                j.put("classes", classes);
                j.put("macro", json(report.macro()));
                List<List<Long>> rows = new ArrayList<>();
                for (long[] row : report.confusion()) {
                    rows.add(java.util.Arrays.stream(row).boxed().toList());
                }
                j.put("confusion", rows);
            }
            out.println(Json.write(j));
        } else {
            out.printf("%s on %s: %d samples, loss %s (%s, %s)%s, %.3f s%n", modelOptions.model.getFileName(), data.name(),
                    e.samples(), Values.sig9(e.loss()), network.lossFunction(), network.precision(),
                    Double.isNaN(e.accuracy()) ? "" : ", accuracy " + percent(e.accuracy()), seconds);
            if (report != null) {
                printReport(out, report);
            }
            if (e.regression() != null) {
                out.printf("%s: mse %s, mae %s, R² %s%s%n", md.model().autoencoder() ? "reconstruction" : "regression",
                        Values.sig4(e.regression().mse()), Values.sig4(e.regression().mae()), f3(e.regression().r2()),
                        network.outputs() > 1 ? " (the mean of " + network.outputs() + " outputs' R²)" : "");
            }
            if (picture != null) {
                out.printf("picture: %s (%d samples, %dx%d)%n", picture, count, shape.height(), shape.width());
            }
        }
        out.flush();
        return 0;
    }

    /** Confusion matrices wider than this go to --format json only. */
    static final int MAX_CONFUSION_COLUMNS = 20;

    private static List<String> classNames(Dataset data) {
        if (!data.classes().isEmpty()) {
            return data.classes();
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < data.targetWidth(); c++) {
            names.add(Integer.toString(c));
        }
        return names;
    }

    private static Map<String, Object> json(ClassReport.PerClass c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class", c.name());
        m.put("precision", c.precision());
        m.put("recall", c.recall());
        m.put("f1", c.f1());
        m.put("support", c.support());
        return m;
    }

    /** Per class and macro averages, as scikit-learn's classification_report; then the confusion matrix. */
    private static void printReport(PrintWriter out, ClassReport report) {
        int width = Math.max(9, report.names().stream().mapToInt(n -> Excerpt.cut(n).length()).max().orElse(0));
        String row = "%-" + width + "s  %9s  %6s  %6s  %7s%n";
        out.printf(row, "class", "precision", "recall", "f1", "support");
        for (ClassReport.PerClass c : report.perClass()) {
            out.printf(row, Excerpt.cut(c.name()), f3(c.precision()), f3(c.recall()), f3(c.f1()), c.support());
        }
        ClassReport.PerClass m = report.macro();
        out.printf(row, m.name(), f3(m.precision()), f3(m.recall()), f3(m.f1()), m.support());
        int k = report.names().size();
        if (k > MAX_CONFUSION_COLUMNS) {
            out.printf("confusion matrix: %d classes, in --format json%n", k);
            return;
        }
        out.println("confusion (rows: the true class, columns: the predicted one)");
        StringBuilder head = new StringBuilder(String.format("%-" + width + "s", ""));
        int cell = 7;
        for (long[] r : report.confusion()) {
            for (long v : r) {
                cell = Math.max(cell, Long.toString(v).length() + 1);
            }
        }
        for (String n : report.names()) {
            String name = Excerpt.cut(n);
            cell = Math.max(cell, Math.min(name.length(), 12) + 1);
        }
        for (String n : report.names()) {
            String name = Excerpt.cut(n);
            head.append(String.format("%" + cell + "s", name.length() > 12 ? name.substring(0, 11) + "~" : name));
        }
        out.println(head);
        for (int a = 0; a < k; a++) {
            StringBuilder line = new StringBuilder(String.format("%-" + width + "s", Excerpt.cut(report.names().get(a))));
            for (long v : report.confusion()[a]) {
                line.append(String.format("%" + cell + "d", v));
            }
            out.println(line);
        }
    }

    private static String f3(double v) {
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}
