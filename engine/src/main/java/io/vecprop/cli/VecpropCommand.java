package io.vecprop.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "vecprop",
        mixinStandardHelpOptions = true,
        versionProvider = VecpropCommand.Version.class,
        description = 
            "Trains dense sigmoid networks by backpropagation on EJML matrices. Starts from the "
                + "classic 2-2-2 worked example and explains it step by step.",
        subcommands = {ExplainCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class, InfoCommand.class, ProfileCommand.class, BenchCommand.class, picocli.CommandLine.HelpCommand.class},
        footer = {
            "",
            "Examples:",
            "  ./vecprop explain                 the worked example, step by step",
            "  ./vecprop explain --format json   the same figures at full precision",
            "  ./vecprop train --freeze-bias     train it until E_total < 1e-6",
            "  ./vecprop info                    which kernels, vector width and threads this JVM uses",
            "  ./vecprop bench                   JMH: scalar against SIMD against the machine's ceilings",
            "  ./vecprop profile                 where a training step's time goes, phase by phase",
            "",
            "Exit codes: 0 done, 1 a runtime failure, 2 a bad flag or value."
        })
final class VecpropCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print a stack trace on failure.")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = VecpropCommand.class.getPackage().getImplementationVersion();
            return new String[] {
                "vecprop " + (v == null ? "(development build)" : v),
                "JVM: " + System.getProperty("java.vm.name") + " " + Runtime.version()
            };
        }
    }
}
