package io.vecprop.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Finds the project and its bench/target/benchmarks.jar, and checks that perf can profile. */
final class BenchBuild {

    private BenchBuild() {}

    /** The repository root: -Dvecprop.home (the launcher sets it), else the folder above engine/target. */
    static Path root() {
        String home = System.getProperty("vecprop.home");
        if (home != null) {
            return Path.of(home);
        }
        try {
            Path jar = Path.of(BenchBuild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // engine/target/vecprop.jar or engine/target/classes
            return jar.getParent().getParent().getParent();
        } catch (Exception e) {
            return Path.of("").toAbsolutePath();
        }
    }

    /**
     * The bench jar, when it exists and is newer than its sources. The launcher builds it before
     * the JVM starts ({@code ./vecprop bench}); this JVM does not, since that build also rewrites
     * the engine jar it may be running from.
     */
    static Path ensureJar() throws IOException {
        Path root = root();
        if (!Files.isRegularFile(root.resolve("bench").resolve("pom.xml"))) {
            throw new IllegalStateException("the bench module is not at " + root.resolve("bench")
                    + " (run vecprop from its repository, or set -Dvecprop.home)");
        }
        Path jar = root.resolve("bench/target/benchmarks.jar");
        if (stale(root, jar)) {
            throw new IllegalStateException(jar + " is missing or older than its sources: run ./vecprop bench, "
                    + "which builds it, or mvn -q -DskipTests package -pl bench -am");
        }
        return jar;
    }

    private static boolean stale(Path root, Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            return true;
        }
        FileTime built = Files.getLastModifiedTime(jar);
        for (Path p : List.of(root.resolve("pom.xml"), root.resolve("bench/pom.xml"), root.resolve("engine/pom.xml"),
                root.resolve("bench/src"), root.resolve("engine/src/main"))) {
            if (!Files.exists(p)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(p)) {
                if (files.anyMatch(f -> {
                    try {
                        return Files.getLastModifiedTime(f).compareTo(built) > 0;
                    } catch (IOException e) {
                        return true;
                    }
                })) {
                    return true;
                }
            }
        }
        return false;
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
}
