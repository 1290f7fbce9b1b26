package io.vecprop.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine;
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
        // then profile and bench (the bench module's, or stand-ins) and help: see commandLine
        subcommands = {ExplainCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class, InfoCommand.class, GradcheckCommand.class, PlotCommand.class},
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

    /** The command line with the subcommands other modules provide, found with {@link ServiceLoader}. */
    static CommandLine commandLine() {
        return commandLine(ServiceLoader.load(CommandProvider.class));
    }

    /**
     * The command line with the given providers' subcommands: the bench module's (profile, bench)
     * where one provides them, else their stand-ins, then any others, then help.
     */
    static CommandLine commandLine(Iterable<CommandProvider> providers) {
        CommandLine cli = new CommandLine(new VecpropCommand());
        Map<String, CommandLine> provided = new LinkedHashMap<>();
        for (CommandProvider p : providers) {
            for (Object command : p.commands()) {
                CommandLine sub = new CommandLine(command);
                provided.put(sub.getCommandName(), sub);
            }
        }
        for (ModuleCommands.Known known : ModuleCommands.KNOWN) {
            CommandLine sub = provided.remove(known.name());
            cli.addSubcommand(known.name(), sub != null ? sub : ModuleCommands.standIn(known));
        }
        provided.forEach(cli::addSubcommand);
        cli.addSubcommand("help", new CommandLine.HelpCommand());
        return cli;
    }

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
