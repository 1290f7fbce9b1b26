package io.vecprop.cli;

import io.vecprop.io.AtomicFiles;
import io.vecprop.io.Json;
import static io.vecprop.cli.Values.sig9;

import io.vecprop.example.WorkedExample;
import io.vecprop.kernels.Kernels;
import io.vecprop.nn.Network;
import io.vecprop.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ejml.data.DMatrixRMaj;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "train",
        mixinStandardHelpOptions = true,
        header = "Train the worked example until E_total falls below a target.",
        description = 
            "Trains the worked example's 2-2-2 network by gradient descent on its one sample until "
                + "E_total falls below --target-loss or --max-steps is reached, printing progress at 1, "
                + "2, 5, 10, 20, 50, ... steps and a summary (steps, outputs, E_total, wall time).",
        footer = {"", "Examples:", "  ./vecprop train", "  ./vecprop train --freeze-bias --lr 0.5",
            "  ./vecprop train --target-loss 0 --max-steps 2000000 --jfr /tmp/train.jfr",
            "  ./vecprop train --format json"})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--lr", defaultValue = "0.1", converter = Values.PositiveDouble.class, paramLabel = "RATE",
            description = "Learning rate, positive (default: ${DEFAULT-VALUE}, the text's).")
    double lr;

    @Option(names = "--freeze-bias", description = "Keep the biases fixed, as the text does (default: train them).")
    boolean freezeBias;

    @Option(names = "--target-loss", defaultValue = "1e-6", converter = Values.NonNegativeDouble.class,
            paramLabel = "LOSS", description = "Stop once E_total is below this (default: ${DEFAULT-VALUE}).")
    double targetLoss;

    @Option(names = "--max-steps", defaultValue = "10000000", converter = Values.PositiveLong.class,
            paramLabel = "N", description = "Stop after this many steps at most (default: ${DEFAULT-VALUE}).")
    long maxSteps;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "text (progress and summary, default) or json (one summary object: steps, e_total, out, seconds).")
    Values.Format format;

    @Option(names = "--jfr", paramLabel = "FILE",
            description = "Record the run with Java Flight Recorder (1 ms method sampling) into FILE, then print "
                    + "its ten hottest methods.")
    Path jfr;

    @Override
    public Integer call() throws java.io.IOException {
        if (jfr != null) {
            Path parent = jfr.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--jfr': '" + jfr
                        + "' is in a folder that does not exist");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean json = format == Values.Format.json;
        Network network = WorkedExample.network(kernelOptions.kernels(spec.commandLine().getErr()));
        DMatrixRMaj x = WorkedExample.input();
        DMatrixRMaj t = WorkedExample.target();
        Trainer.Options options = new Trainer.Options(lr, !freezeBias, targetLoss, maxSteps);
        if (!json) {
            out.printf("training the worked example (2-2-2, lr %s, biases %s) until E_total < %s or %d steps%n",
                    sig9(lr), freezeBias ? "frozen" : "trained", sig9(targetLoss), maxSteps);
            out.flush();
        }
        Trainer.Listener listener = json ? Trainer.Listener.NONE
                : (steps, loss) -> {
                    out.printf("  step %10d   E_total %s%n", steps, sig9(loss));
                    out.flush();
                };
        Recording recording = null;
        if (jfr != null) {
            recording = new Recording();
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
            recording.start();
        }
        Trainer.Result result = Trainer.train(network, x, t, options, listener);
        if (recording != null) {
            recording.stop();
            try {
                AtomicFiles.write(jfr, recording::dump);
            } finally {
                recording.close();
            }
            PrintWriter to = json ? spec.commandLine().getErr() : out;
            to.print(JfrHotMethods.report(jfr, 10));
            to.flush();
        }
        DMatrixRMaj o = network.forward(x);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", result.steps());
            m.put("e_total", result.loss());
            m.put("out", List.of(o.get(0, 0), o.get(0, 1)));
            m.put("seconds", result.seconds());
            out.println(Json.write(m));
        } else {
            out.printf("%s after %d steps: E_total = %s, out(o1) = %s (target 0.5), out(o2) = %s (target 0.9), %s s%n",
                    result.reachedTarget() ? "reached the target" : "stopped at --max-steps, target not reached,",
                    result.steps(), sig9(result.loss()), sig9(o.get(0, 0)), sig9(o.get(0, 1)),
                    sig9(result.seconds()));
        }
        out.flush();
        return 0;
    }
}
