package io.vecprop.io;

import java.io.IOException;
import java.nio.file.Path;

/** A child process for {@link TestAtomicFiles}: writes "new" to args[0] as whoever runs it; exit 0 written, 3 refused. */
public final class AtomicFilesProbe {

    private AtomicFilesProbe() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            System.exit(0); // the test's check that a child can run at all
        }
        try {
            AtomicFiles.writeString(Path.of(args[0]), "new");
            System.exit(0);
        } catch (IOException e) {
            System.err.println(e.getMessage());
            System.exit(3);
        }
    }
}
