package io.vecprop.bench.harness;

import io.vecprop.cli.KernelOptions;
import io.vecprop.cli.ModuleCommands;
import io.vecprop.cli.Values;
import io.vecprop.io.Json;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.nn.Loss;
import io.vecprop.kernels.Precision;
import io.vecprop.bench.StepProfile;
import io.vecprop.bench.Workloads;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "profile",
        mixinStandardHelpOptions = true,
        header = ModuleCommands.PROFILE_HEADER,
        description = 
            "Runs the training step of a network and batch (a workload, W3 by default, or --layers and --batch) "
                + "for --seconds untimed, then as long again with each phase timed inside the step: the forward "
                + "product, the activation, the loss and output delta, the hidden deltas, the weight update, the "
                + "bias update, and the packing the products do inside their phases. Products are rated in "
                + "GFLOP/s against the FMA peak, element-wise passes in GB/s against the streaming bandwidth, "
                + "both measured in this process on the same threads. The step is the one vecprop train and the "
                + "bench's TrainingBench take (sigmoid, half-squared error by default, lr 0.1, biases trained).",
        footer = {"", "Examples:", "  ./vecprop profile", "  ./vecprop profile --workload W4 --threads 2 --precision f32",
            "  ./vecprop profile --layers 512,2048,10 --batch 64 --by-layer", "  ./vecprop profile --format json"})
final class ProfileCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--workload", paramLabel = "W1|W2|W3|W4",
            description = "A bench workload: W1 the worked example (online), W2 1024-1024-1024 (online), W3 784-1024-1024-10 "
                    + "batch 128 (default), W4 4096-4096 batch 256.")
    String workload;

    @Option(names = "--layers", split = ",", paramLabel = "WIDTHS", description = "Layer widths, input to output, instead of a workload.")
    int[] layers;

    @Option(names = "--batch", paramLabel = "N", converter = Values.PositiveLong.class,
            description = "Samples per step with --layers (default 128; 1 is the online step).")
    Long batch;

    @Option(names = "--loss", converter = Values.LossConverter.class, paramLabel = "half-squared-error|cross-entropy",
            defaultValue = "half-squared-error", description = "The loss (default: half-squared-error, sigmoid outputs).")
    Loss loss;

    @Option(names = "--momentum", converter = Values.Fraction.class, paramLabel = "M", defaultValue = "0",
            description = "Classical momentum in [0, 1) (default: 0, plain SGD, which forms no gradient).")
    double momentum;

    @Option(names = "--seconds", converter = Values.PositiveDouble.class, paramLabel = "S", defaultValue = "2",
            description = "How long to run untimed and then timed, each (default 2; a quarter more warms up).")
    double seconds;

    @Option(names = "--by-layer", description = "Also print each phase layer by layer.")
    boolean byLayer;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "text (the table, default) or json.")
    Values.Format format;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int[] widths = widths();
        int n = batchSize();
        Precision precision = kernelOptions.precision(Precision.F64);
        KernelSelection kernels = kernelOptions.selection(spec.commandLine().getErr());
        StepProfile.Options options;
        try {
            // the options check the widths and the time to run, and say what was wrong
            options = new StepProfile.Options(widths, n, precision, kernels, loss, 0.1, momentum, seconds, 1);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        StepProfile.Result r = StepProfile.run(options);
        if (format == Values.Format.json) {
            out.println(Json.write(json(r)));
        } else {
            text(r, out);
        }
        out.flush();
        return 0;
    }

    private int[] widths() {
        if (layers != null && workload != null) {
            throw new ParameterException(spec.commandLine(), "--workload and --layers both name the network: give one");
        }
        if (layers != null) {
            return layers;
        }
        if (batch != null) {
            throw new ParameterException(spec.commandLine(), "--batch goes with --layers; a workload has its own batch");
        }
        try {
            return Workloads.widths(workload == null ? "W3" : workload);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--workload': '" + workload
                    + "' must be W1, W2, W3 or W4");
        }
    }

    private int batchSize() {
        if (layers == null) {
            return Workloads.batch(workload == null ? "W3" : workload);
        }
        long n = batch == null ? 128 : batch;
        if (n > 1 << 20) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--batch': '" + n
                    + "' is more than 1048576 samples per step");
        }
        return (int) n;
    }

    private void text(StepProfile.Result r, PrintWriter out) {
        StepProfile.Options o = r.options();
        out.printf(Locale.ROOT, "%s, %s, %s kernels on %d thread%s, %s%s%n", Workloads.describe(o.widths(), o.batch()),
                o.precision().id(), r.kernels(),
                r.threads(), r.threads() == 1 ? "" : "s", o.loss().id(), o.momentum() > 0 ? ", momentum " + o.momentum() : "");
        out.printf(Locale.ROOT, "step %s ms untimed (median of 5 rounds), %s ms timed, %d timed steps; %s GFLOP/s in the products%n",
                fmt(r.stepMillis()), fmt(r.timedStepMillis()), r.steps(), fmt(r.flops() / (r.stepMillis() * 1e6)));
        out.printf(Locale.ROOT, "ceilings measured here: %s GFLOP/s FMA, %s GB/s streaming%n%n", fmt(r.peakGflops()),
                fmt(r.bandwidthGBs()));
        out.printf(Locale.ROOT, "%-32s %10s %7s %14s %8s%n", "phase", "ms/step", "share", "rate", "of peak");
        for (StepProfile.Row row : r.phases()) {
            line(out, row.phase(), row);
        }
        if (byLayer) {
            out.println();
            for (StepProfile.Row row : r.layers()) {
                line(out, row.phase() + ", layer " + row.layer(), row);
            }
        }
        double sum = r.phases().stream().filter(p -> p.unit() != StepProfile.Unit.NONE).mapToDouble(StepProfile.Row::millis).sum();
        out.printf(Locale.ROOT, "%nThe phases sum to %s ms of the %s ms timed step; the packing is part of the products' time.%n",
                fmt(sum), fmt(r.timedStepMillis()));
    }

    private static void line(PrintWriter out, String name, StepProfile.Row row) {
        String rate = Double.isNaN(row.rate()) ? "" : fmt(row.rate()) + " " + row.unit().label;
        String peak = Double.isNaN(row.ofPeak()) ? "" : Values.percent(row.ofPeak());
        out.printf(Locale.ROOT, "%-32s %10s %7s %14s %8s%n", name, fmt(row.millis()), Values.percent(row.share()), rate, peak);
    }

    private static String fmt(double v) {
        return Values.sig4(v);
    }

    private Map<String, Object> json(StepProfile.Result r) {
        StepProfile.Options o = r.options();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("widths", java.util.Arrays.stream(o.widths()).boxed().toList());
        m.put("batch", o.batch());
        m.put("precision", o.precision().id());
        m.put("kernels", r.kernels());
        m.put("threads", r.threads());
        m.put("loss", o.loss().id());
        m.put("momentum", o.momentum());
        m.put("steps", r.steps());
        m.put("step_ms", r.stepMillis());
        m.put("timed_step_ms", r.timedStepMillis());
        m.put("step_gflops", r.flops() / (r.stepMillis() * 1e6));
        m.put("peak_gflops", r.peakGflops());
        m.put("bandwidth_gbs", r.bandwidthGBs());
        m.put("phases", rows(r.phases()));
        m.put("layers", rows(r.layers()));
        return m;
    }

    private static List<Object> rows(List<StepProfile.Row> rows) {
        List<Object> list = new ArrayList<>();
        for (StepProfile.Row row : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("phase", row.phase());
            if (row.layer() >= 0) {
                m.put("layer", row.layer());
            }
            m.put("ms", row.millis());
            m.put("share", row.share());
            if (!Double.isNaN(row.rate())) {
                m.put("rate", row.rate());
                m.put("unit", row.unit().label);
                m.put("of_peak", row.ofPeak());
            }
            list.add(m);
        }
        return list;
    }
}
