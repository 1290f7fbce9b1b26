package io.vecprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --jfr: the recording, and the hottest methods {@link JfrHotMethods} reads from it. */
class TestJfrHotMethods {

    @Test
    void trainRecordsJfrAndPrintsHotMethods(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.jfr");
        TestMain.Run r = TestMain.run(new String[] {"train", "--kernels", "scalar", "--target-loss", "0",
            "--max-steps", "300000", "--jfr", file.toString()});
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(file) > 0);
        assertTrue(r.out().contains("hottest methods in " + file), r.out());
        List<String> lines = r.out().lines().filter(l -> l.matches("\\s+\\d+\\.\\d%\\s+\\d+\\s+\\S+")).toList();
        assertTrue(!lines.isEmpty() && lines.size() <= 10, r.out());
        assertTrue(lines.stream().anyMatch(l -> l.contains("io.vecprop.")), r.out());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
        TestMain.Run bad = TestMain.run(new String[] {"train", "--jfr", dir.resolve("missing/run.jfr").toString()});
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--jfr"), bad.err());
    }
}
