package io.vecprop.bench.harness;

import io.vecprop.cli.KernelOptions;
import io.vecprop.cli.ModuleCommands;
import io.vecprop.cli.Values;
import io.vecprop.io.AtomicFiles;
import io.vecprop.io.Json;
import io.vecprop.io.JsonReader;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.kernels.Precision;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench",
        mixinStandardHelpOptions = true,
        header = ModuleCommands.BENCH_HEADER,
        description = 
            "Builds bench/target/benchmarks.jar if needed, runs the kernel, training-step and "
                + "ceiling benchmarks, and writes into --out: jmh.json (JMH's raw results), report.md "
                + "(the table) and chart.png (scalar against SIMD per kernel, size and precision). The text output "
                + "prints the table. Every kernel and training step runs in both precisions, f64 (double) and f32 "
                + "(float), unless --precision names one; the table's precision column says which, its ratios "
                + "(vs scalar, vs EJML) compare within one precision, and its share of ceiling is of the FMA peak "
                + "of the row's own precision (f32's is about twice f64's). Modes: --quick (default; W1-W4 and "
                + "a subset of kernel sizes in under 3 minutes on 2 cores, enough to see a 2x regression), --full (2 forks, 5 "
                + "measured iterations, every size: for published figures), --smoke (proves the harness runs; "
                + "its numbers mean nothing), --sweep (one training step over width x batch, scalar against SIMD "
                + "and 1 thread against 2: where each starts to pay, in the unit of Tuning's thresholds; writes "
                + "report.md, sweep.png and jmh.json; --sweep --smoke runs its 2 x 2 smoke; --threads N compares "
                + "N threads with 1).",
        footer = {"", "Examples:", "  ./vecprop bench", "  ./vecprop bench --only Gemm --threads 1 --precision f32", "  ./vecprop bench --only W3",
            "  ./vecprop bench --full --out results/today", "  ./vecprop bench --only Sigmoid --profile gc --format json",
            "  ./vecprop bench --sweep --precision f64 --out results/sweep"})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class ModeFlags {
        @Option(names = "--quick", description = "A short run, a subset of sizes (default).")
        boolean quick;

        @Option(names = "--full", description = "Two forks, every size: for published figures.")
        boolean full;

        @Option(names = "--sweep", description = "Time one training step of width-width-width networks over width (64 "
                + "to 4096) x batch (1 to 256), scalar against SIMD and 1 thread against 2, and report where SIMD and "
                + "a second thread start to pay (about 8 minutes per precision on 2 cores); writes sweep.png.")
        boolean sweep;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    ModeFlags modeFlags;

    @Option(names = "--smoke", description = "One 100 ms iteration of two benchmarks in each precision: proves the "
            + "harness. With --sweep: a 2 x 2 grid (widths 64 and 128, batches 1 and 8), the same proof for the sweep.")
    boolean smoke;

    @Option(names = "--only", paramLabel = "REGEX", converter = RegexConverter.class,
            description = "Only benchmarks whose name (such as io.vecprop.bench.GemmBench.mult) matches, or the training "
                    + "steps of the workloads that match (--only W3); the ceilings always run.")
    Pattern only;

    @Option(names = "--threads", paramLabel = "N", converter = KernelOptions.ThreadsConverter.class,
            description = "Only this thread count (default: 1 and 2 where a benchmark has both). With --sweep: SIMD on 1 "
                    + "and N threads (1: on one only); the scalar kernels always run on one.")
    Integer threads;

    /** The precisions a run covers. */
    enum Precisions {
        f64(Precision.F64), f32(Precision.F32), both(Precision.F64, Precision.F32);

        final List<Precision> list;

        Precisions(Precision... precisions) {
            this.list = List.of(precisions);
        }
    }

    @Option(names = "--precision", defaultValue = "both", paramLabel = "f64|f32|both",
            description = "Run the kernels and training steps in double (f64), in float (f32) or in both (default); "
                    + "the FMA ceiling runs in the same ones. With --from, report only those.")
    Precisions precisions;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "text (the table, default) or json (one object with a list results, each with its precision).")
    Values.Format format;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write jmh.json, report.md and chart.png "
            + "(default: bench-results/<date-time>).")
    Path out;

    @Option(names = "--profile", paramLabel = "gc|stack|perfasm|jfr", converter = ProfileConverter.class,
            description = "Pass a JMH profiler through (perfasm needs Linux perf).")
    String profile;

    @Option(names = "--from", paramLabel = "JMH_JSON",
            description = "Run nothing: rebuild the report, chart and output from a jmh.json an earlier run wrote.")
    Path from;

    /** The mode the flags choose; --smoke shortens the suite, or with --sweep the sweep. */
    BenchPlan.Mode mode() {
        boolean quick = modeFlags != null && modeFlags.quick, full = modeFlags != null && modeFlags.full;
        boolean sweep = modeFlags != null && modeFlags.sweep;
        if (smoke && (quick || full)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--smoke and --"
                    + (quick ? "quick" : "full") + " are mutually exclusive (--smoke is a mode of its own, or with "
                    + "--sweep the sweep's smoke)");
        }
        if (sweep) {
            return smoke ? BenchPlan.Mode.sweepSmoke : BenchPlan.Mode.sweep;
        }
        return smoke ? BenchPlan.Mode.smoke : full ? BenchPlan.Mode.full : BenchPlan.Mode.quick;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BenchPlan.Mode mode = mode();
        List<BenchPlan.Run> runs = BenchPlan.runs(mode, only, threads, precisions.list);
        if (runs.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--only '" + only + "' matches no benchmark of the " + mode.flags() + " run");
        }
        Path dir = out != null ? out : Path.of("bench-results",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path log = dir.resolve("jmh.log");
        if (from != null) {
            if (!Files.isRegularFile(from)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "Invalid value for option '--from': '" + from + "' is not a file");
            }
            Object parsed;
            try {
                parsed = JsonReader.parse(Files.readString(from, StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                throw new IllegalStateException(from + " is not JMH's JSON: " + e.getMessage());
            }
            if (!(parsed instanceof List<?> list)) {
                throw new IllegalStateException(from + " is not a JMH result list");
            }
            // --precision narrows an earlier run's results as it narrows a run
            List<?> kept = list.stream().filter(r -> {
                Precision p = JmhResult.fromJson(r).precision();
                return p == null || precisions.list.contains(p);
            }).toList();
            Files.createDirectories(dir);
            return report(JmhResult.fromJsonList(kept), Json.write(kept), dir, log,
                    "vecprop bench --from " + from.getFileName(), stdout, err);
        }
        List<String> profileArgs = profileArgs(dir);
        Files.createDirectories(dir);
        Files.deleteIfExists(log);
        List<RunResult> results = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            BenchPlan.Run run = runs.get(i);
            err.printf("vecprop: [%d/%d] %s %s%s%n", i + 1, runs.size(), shortNames(run), run.params(),
                    run.jmhThreads() > 1 ? " on " + run.jmhThreads() + " JMH threads" : "");
            err.flush();
            List<String> args = new ArrayList<>(run.args());
            args.addAll(mode.jmhArgs);
            args.addAll(profileArgs);
            results.addAll(jmh(args, shortNames(run), log));
        }
        return report(JmhResult.of(results), jmhJson(results), dir, log, "vecprop bench " + mode.flags(), stdout, err);
    }

    /**
     * Runs JMH in this process through its {@link Runner} with the plan's arguments (JMH's own
     * command-line syntax, as {@code java -jar benchmarks.jar} takes them), its output appended to
     * log. Each benchmark forks JVMs with this one's class path (benchmarks.jar) and only its own
     * {@code @Fork} JVM arguments ({@code --add-modules jdk.incubator.vector}), not this JVM's.
     */
    static Collection<RunResult> jmh(List<String> args, String what, Path log) throws IOException {
        try (PrintStream out = new PrintStream(new FileOutputStream(log.toFile(), true), true, StandardCharsets.UTF_8)) {
            try {
                Options options = new OptionsBuilder().parent(new CommandLineOptions(args.toArray(String[]::new)))
                        .jvmArgs().build();
                return new Runner(options, OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL)).run();
            } catch (CommandLineOptionException | RunnerException e) {
                out.print("ERROR: ");
                e.printStackTrace(out);
                String why = e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage().lines().findFirst().orElse("");
                throw new IllegalStateException("JMH failed on " + what + " (" + why + "); see " + log);
            }
        }
    }

    /** JMH's JSON of the results, as {@code -rf json} writes it. */
    private static String jmhJson(Collection<RunResult> results) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(results);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private int report(List<JmhResult> results, String jmhJson, Path dir, Path log, String what, PrintWriter stdout,
            PrintWriter err) throws IOException {
        boolean simd = KernelProvider.simdUnavailableReason() == null;
        int lanes = simd ? KernelProvider.select(KernelProvider.Choice.SIMD, 1, Precision.F64).f64().info().lanes() : 8;
        int lanesF32 = simd ? KernelProvider.select(KernelProvider.Choice.SIMD, 1, Precision.F32).f32().info().lanes() : 2 * lanes;
        String title = what + " (" + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE) + ")";
        AtomicFiles.writeString(dir.resolve("jmh.json"), jmhJson);
        Map<String, Object> json;
        String text;
        Path chart;
        if (SweepReport.isSweep(results)) {
            SweepReport sweep = SweepReport.of(results, lanes, lanesF32);
            AtomicFiles.writeString(dir.resolve("report.md"), sweep.markdown(title));
            chart = dir.resolve("sweep.png");
            writeChart(chart, tmp -> SweepChart.write(sweep, title, tmp), err);
            json = sweep.json(dir.toString());
            text = sweep.text();
        } else {
            BenchReport report = BenchReport.of(results, lanes, lanesF32, BenchParity.simd());
            AtomicFiles.writeString(dir.resolve("report.md"), report.markdown(title));
            chart = dir.resolve("chart.png");
            writeChart(chart, tmp -> BenchChart.write(report, title, tmp), err);
            json = report.json(dir.toString());
            text = report.text();
        }
        if (format == Values.Format.json) {
            stdout.println(Json.write(json));
        } else {
            stdout.print(text);
            stdout.println("Wrote " + dir.resolve("report.md") + ", " + chart + " and " + dir.resolve("jmh.json")
                    + (Files.exists(log) ? ", and the JMH log " + log : "") + ".");
            if (profile != null) {
                stdout.println("The " + profile + " profiler's output is in " + log
                        + (profile.equals("jfr") ? " and its recordings in " + dir.resolve("jfr") : "")
                        + (profile.equals("gc") ? " and in the results (gc.alloc.rate.norm)" : "") + ".");
            }
        }
        stdout.flush();
        return 0;
    }

    /** Writes a chart; a failure (no fonts, no PNG writer) is one line on standard error, not the end of the run. */
    private static void writeChart(Path chart, AtomicFiles.Content content, PrintWriter err) {
        try {
            AtomicFiles.write(chart, content);
        } catch (IOException | RuntimeException | Error e) {
            err.println("vecprop: no chart written (" + e + "); the table and the raw results are there");
        }
    }

    private List<String> profileArgs(Path dir) {
        if (profile == null) {
            return List.of();
        }
        return switch (profile) {
            case "perfasm" -> {
                String why = perfUnavailableReason();
                if (why != null) {
                    throw new IllegalStateException("--profile perfasm needs Linux perf with hardware counters: " + why);
                }
                yield List.of("-prof", "perfasm");
            }
            case "jfr" -> List.of("-prof", "jfr:dir=" + dir.toAbsolutePath().resolve("jfr"));
            default -> List.of("-prof", profile);
        };
    }

    /** Why perf cannot profile here (not installed, or no hardware counters), or null. */
    static String perfUnavailableReason() {
        try {
            Process p = new ProcessBuilder("perf", "stat", "-e", "cycles", "true").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "perf stat failed";
            }
            return out.contains("not supported") ? "perf cannot count cycles on this machine (a VM without PMU access?)" : null;
        } catch (IOException e) {
            return "perf is not installed (Debian: linux-perf)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String shortNames(BenchPlan.Run run) {
        return String.join(", ", run.benchmarks().stream().map(b -> b.substring(BenchPlan.PKG.length())).toList());
    }

    static final class RegexConverter implements ITypeConverter<Pattern> {
        @Override
        public Pattern convert(String value) {
            try {
                return Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw new TypeConversionException("'" + value + "' is not a regular expression: " + e.getDescription());
            }
        }
    }

    static final class ProfileConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!Stream.of("gc", "stack", "perfasm", "jfr").toList().contains(value)) {
                throw new TypeConversionException("'" + value + "' must be gc, stack, perfasm or jfr");
            }
            return value;
        }
    }
}
