package io.vecprop.cli;

import io.vecprop.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The files a command reads and writes, checked before it does any work (exit 2): each input a
 * readable file (not a directory), each output writable ({@link AtomicFiles#checkWritable}), no
 * output one of the inputs, none named twice.
 * "The same file" is {@link Files#isSameFile} when both exist (so through links and hard links),
 * else the same real path.
 */
final class CommandFiles {

    /** A file given by a flag, or null when the flag was left out. */
    record Named(String option, Path path) {}

    private final List<Named> outputs = new ArrayList<>();
    private final List<Named> inputs = new ArrayList<>();

    CommandFiles output(String option, Path path) {
        if (path != null) {
            outputs.add(new Named(option, path));
        }
        return this;
    }

    CommandFiles input(String option, Path path) {
        if (path != null) {
            inputs.add(new Named(option, path));
        }
        return this;
    }

    /** --data's file: nothing for a synthetic set. */
    CommandFiles data(String data) {
        return data == null || data.startsWith(DataOptions.SYNTHETIC) ? this : input("--data", Path.of(data));
    }

    /**
     * Throws a ParameterException naming the flags when an output cannot be written, is an input
     * (unless allowed(output option, input option)) or is another output.
     */
    void check(CommandLine cli, BiPredicate<String, String> allowed) {
        for (Named in : inputs) {
            // a missing file is the readers' to name; these two they would report without the file's name
            String why = Files.isDirectory(in.path()) ? "is a directory"
                    : Files.exists(in.path()) && !Files.isReadable(in.path()) ? "cannot be read (permission denied)" : null;
            if (why != null) {
                throw new ParameterException(cli, "Invalid value for option '" + in.option() + "': " + in.path() + " " + why);
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            Named out = outputs.get(i);
            try {
                AtomicFiles.checkWritable(out.path());
            } catch (IOException e) {
                throw new ParameterException(cli, "Invalid value for option '" + out.option() + "': " + e.getMessage());
            }
            for (Named in : inputs) {
                if (!allowed.test(out.option(), in.option()) && same(out.path(), in.path())) {
                    throw new ParameterException(cli, out.option() + " " + out.path() + " is the " + in.option()
                            + " file: writing it would destroy that input; choose another name");
                }
            }
            for (Named other : outputs.subList(0, i)) {
                if (same(out.path(), other.path())) {
                    throw new ParameterException(cli, other.option() + " and " + out.option() + " both name " + out.path()
                            + "; give each its own file");
                }
            }
        }
    }

    static boolean same(Path a, Path b) {
        if (Files.exists(a) && Files.exists(b)) {
            try {
                return Files.isSameFile(a, b);
            } catch (IOException e) {
                // fall through to the names
            }
        }
        return real(a).equals(real(b));
    }

    /** The real path of p, or of its folder joined with its name when p does not exist yet. */
    private static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            if (Files.exists(abs)) {
                return abs.toRealPath();
            }
            return abs.getParent() == null ? abs : abs.getParent().toRealPath().resolve(abs.getFileName());
        } catch (IOException e) {
            return abs;
        }
    }
}
