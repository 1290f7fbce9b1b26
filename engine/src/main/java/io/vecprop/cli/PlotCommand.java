package io.vecprop.cli;

import io.vecprop.io.Excerpt;
import io.vecprop.io.JsonReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "plot",
        mixinStandardHelpOptions = true,
        header = "Compare training runs in one chart: their loss and accuracy per epoch.",
        description = "Reads what train --format json wrote for each run (one JSON object per line; the epoch lines are "
                + "drawn, the others skipped) and draws every run's validation loss (its training loss when it had no "
                + "--validation) in one panel and its validation accuracy (else training accuracy) in a second, on one "
                + "epoch axis, one colour per run, into a PNG. A line under the title gives each run's last epoch.",
        footer = {"", "Examples:",
            "  ./vecprop train --data synthetic:spirals --layers 2,64,64,2 --validation 0.2 --format json > sigmoid.jsonl",
            "  ./vecprop train --data synthetic:spirals --layers 2,64,64,2 --activations relu --validation 0.2 "
                    + "--format json > relu.jsonl",
            "  ./vecprop plot --run sigmoid=sigmoid.jsonl --run relu=relu.jsonl --out spirals.png"})
final class PlotCommand implements Callable<Integer> {

    /** Runs one chart can tell apart by colour. */
    static final int MAX_RUNS = TrainingChart.RUN_COLOURS.length;

    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "NAME=FILE",
            description = "A run to draw: its name in the legend, = and the file train --format json wrote (repeat for "
                    + "each run, up to 8; the name may be left out with its =, and the file's name without its "
                    + "extension is used).")
    List<String> runs;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", converter = Values.PngPath.class,
            description = "The chart (PNG), written to a temporary file, then renamed.")
    Path out;

    @Option(names = "--title", paramLabel = "TEXT", description = "The chart's title (default: the runs' names).")
    String title;

    @Override
    public Integer call() throws IOException {
        if (runs.size() > MAX_RUNS) {
            throw new ParameterException(spec.commandLine(), runs.size() + " --run: at most " + MAX_RUNS
                    + " runs fit one chart");
        }
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        CommandFiles checked = new CommandFiles().output("--out", out);
        for (String r : runs) {
            int eq = r.indexOf('=');
            Path file = Path.of(eq < 0 ? r : r.substring(eq + 1));
            String name = eq <= 0 ? stem(file) : r.substring(0, eq).strip();
            if (file.toString().isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--run " + r + ": no file after the name (NAME=FILE)");
            }
            if (names.contains(name)) {
                throw new ParameterException(spec.commandLine(), "--run: two runs named " + Excerpt.quote(name)
                        + "; give each its own NAME=");
            }
            names.add(name);
            files.add(file);
            checked.input("--run", file);
        }
        checked.check(spec.commandLine(), (o, i) -> false);
        List<TrainingChart.Run> read = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            read.add(read(names.get(i), files.get(i)));
        }
        String t = title != null ? title : String.join(" vs ", names);
        TrainingChart.writeRuns(out, t, read);
        PrintWriter w = spec.commandLine().getOut();
        for (TrainingChart.Run r : read) {
            w.printf("%s: %d epochs from %s%n", r.name(), r.points().size(), r.source());
        }
        w.printf("saved the chart to %s%n", out);
        w.flush();
        return 0;
    }

    private static String stem(Path file) {
        String n = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** A run's epoch lines; an unreadable line fails naming the file and line, a file with no epoch line too. */
    static TrainingChart.Run read(String name, Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file");
        }
        List<TrainingChart.Point> points = new ArrayList<>();
        boolean validation = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || !line.startsWith("{")) {
                continue; // a progress line or a warning that went to the same file
            }
            Object parsed;
            try {
                parsed = JsonReader.parse(line);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + (i + 1) + ": not JSON (" + e.getMessage() + ")");
            }
            if (!(parsed instanceof Map<?, ?> m) || !"epoch".equals(m.get("event"))) {
                continue;
            }
            if (!(m.get("epoch") instanceof Number epoch)) {
                throw new IOException(file + " line " + (i + 1) + ": an epoch line without its epoch number");
            }
            double vLoss = number(m.get("validation_loss"));
            double vAcc = number(m.get("validation_accuracy"));
            validation |= Double.isFinite(vLoss);
            points.add(new TrainingChart.Point(epoch.intValue(), number(m.get("train_loss")), vLoss,
                    Double.isFinite(vAcc) ? vAcc : number(m.get("train_accuracy"))));
        }
        if (points.isEmpty()) {
            throw new IOException(file + ": no epoch lines; expected what train --format json writes");
        }
        return new TrainingChart.Run(name, file.toString(), validation, points);
    }

    private static double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
