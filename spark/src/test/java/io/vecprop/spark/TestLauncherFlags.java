package io.vecprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/**
 * The JVM flags that ./vecprop and these tests start Spark with are the ones Spark 4.2 starts its
 * own JVMs with (JavaModuleOptions), but for opens of packages this JDK no longer has.
 */
class TestLauncherFlags {

    private static final Set<String> JAVA_BASE = ModuleLayer.boot().findModule("java.base").orElseThrow().getPackages();

    /** Spark's list without opens of java.base packages that are gone. */
    private static List<String> sparksFlagsForThisJdk() {
        List<String> flags = new ArrayList<>();
        for (String f : JavaModuleOptions.defaultModuleOptions().split(" ")) {
            if (f.startsWith("--add-opens=java.base/")) {
                String pkg = f.substring("--add-opens=java.base/".length(), f.indexOf('=', "--add-opens=".length()));
                if (!JAVA_BASE.contains(pkg)) {
                    continue;
                }
            }
            flags.add(f);
        }
        return flags;
    }

    @Test
    void theLauncherPassesSparksFlags() throws IOException {
        Path launcher = Path.of(System.getProperty("vecprop.home"), "vecprop");
        List<String> lines = Files.readAllLines(launcher);
        int from = lines.indexOf("SPARK_FLAGS=(");
        assertTrue(from > 0, "the launcher has SPARK_FLAGS=(");
        List<String> flags = new ArrayList<>();
        for (int i = from + 1; !lines.get(i).equals(")"); i++) {
            flags.add(lines.get(i).strip());
        }
        assertEquals(sparksFlagsForThisJdk(), flags);
        assertTrue(flags.contains("--add-modules=jdk.incubator.vector"));
    }

    @Test
    void theTestsRunWithSparksFlags() {
        List<String> pom = Arrays.asList(System.getProperty("spark.jvm.flags").split(" "));
        assertEquals(Arrays.asList(JavaModuleOptions.defaultModuleOptions().split(" ")), pom);
    }
}
