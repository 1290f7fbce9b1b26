package io.vecprop.cli;

import io.vecprop.data.Memory;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Entry point of the command line. Exit codes: 0 success, 1 a runtime failure (one line, a stack
 * trace only with {@code --debug}; an {@link OutOfMemoryError} too; {@code bench} or {@code profile} run without the
 * bench module on the class path, see {@link ModuleCommands}), 2 bad flags or values (one line naming the flag
 * and value).
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        // the command line draws charts into files and never opens a window: with a DISPLAY set but no
        // X server answering, AWT would otherwise fail after the work is done (a library user decides for their JVM)
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code; used by tests. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = Arrays.asList(args).contains("--debug");
        int code;
        try {
            code = configure(VecpropCommand.commandLine(), out, err, debug).execute(args);
        } catch (OutOfMemoryError e) {
            // what failed to fit is unreachable by now, so printing has room
            err.println("vecprop: error: out of memory (" + e.getMessage() + "); "
                    + Memory.limit(2 * Memory.max()) + (debug ? "" : " (--debug shows the stack trace)"));
            if (debug) {
                e.printStackTrace(err);
            }
            code = 1;
        }
        out.flush();
        err.flush();
        return code;
    }

    /**
     * A command line for command with vecprop's conventions: bad flags or values print one line
     * naming them and exit 2; a failure while running prints one line and exits 1; a stack trace
     * only when debug is set.
     */
    static CommandLine commandLine(Object command, PrintWriter out, PrintWriter err, boolean debug) {
        return configure(new CommandLine(command), out, err, debug);
    }

    /** Gives cli and the subcommands it has now vecprop's conventions, as {@link #commandLine}. */
    private static CommandLine configure(CommandLine cli, PrintWriter out, PrintWriter err, boolean debug) {
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((ex, ignoredArgs) -> {
            CommandLine cmd = ex.getCommandLine();
            err.println("vecprop: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            err.println("vecprop: error: " + message + (debug ? "" : " (--debug shows the stack trace)"));
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli;
    }
}
