package io.vecprop.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The commands of the {@code vecprop-bench} module, {@code profile} and {@code bench}, as the engine
 * knows them: their names and one-line headers, so that {@code vecprop --help} lists them whether or
 * not the module is on the class path (the module's commands take their headers from here), and a
 * stand-in for each that the engine registers when no {@link CommandProvider} brings the command.
 * The stand-in takes any arguments and prints one line saying where the command comes from and how
 * to run it, then exits 1 (a runtime failure: the flags may be right, the class path lacks the module).
 */
public final class ModuleCommands {

    /** {@code vecprop profile}'s header. */
    public static final String PROFILE_HEADER = "Where a training step's time goes: each phase's time, share, GFLOP/s or GB/s "
            + "and share of this machine's peak.";

    /** {@code vecprop bench}'s header. */
    public static final String BENCH_HEADER = "Run the JMH suite: scalar against SIMD against EJML, in double and in float, "
            + "and against the machine's measured ceilings.";

    /** A command of the bench module: its name and header. */
    record Known(String name, String header) {}

    /** In the order {@code vecprop --help} lists them. */
    static final List<Known> KNOWN = List.of(new Known("profile", PROFILE_HEADER), new Known("bench", BENCH_HEADER));

    private ModuleCommands() {}

    /** A stand-in for a command whose module is not on the class path. */
    static CommandLine standIn(Known known) {
        CommandLine cli = new CommandLine(new StandIn());
        cli.getCommandSpec().name(known.name());
        cli.getCommandSpec().usageMessage().header(known.header()).description(
                "Comes with the vecprop-bench module, which is not on the class path here.",
                "Run it from the repository as ./vecprop " + known.name() + ": the launcher builds "
                        + "bench/target/benchmarks.jar and runs with it.");
        return cli;
    }

    @Command(mixinStandardHelpOptions = true)
    static final class StandIn implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        /** Whatever flags were given: they belong to the real command. */
        @Unmatched
        List<String> args;

        @Override
        public Integer call() {
            String name = spec.name();
            PrintWriter err = spec.commandLine().getErr();
            err.println("vecprop: " + name + " comes with the vecprop-bench module, which is not on the class path here: "
                    + "run ./vecprop " + name + ", which builds bench/target/benchmarks.jar and runs with it");
            err.flush();
            return 1;
        }
    }
}
