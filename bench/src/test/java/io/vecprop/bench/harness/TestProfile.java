package io.vecprop.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.cli.TestMain;
import io.vecprop.io.JsonReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestProfile {

    @Test
    @SuppressWarnings("unchecked")
    void jsonNamesEveryPhaseWithItsRate() {
        TestMain.Run r = TestMain.run("profile", "--layers", "32,48,6", "--batch", "8", "--seconds", "0.2", "--kernels", "scalar",
                "--threads", "1", "--format", "json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> m = TestMain.object(JsonReader.parse(r.out()));
        assertEquals(List.of(32L, 48L, 6L), m.get("widths"));
        assertEquals(8L, m.get("batch"));
        assertEquals("scalar", m.get("kernels"));
        List<Object> phases = (List<Object>) m.get("phases");
        Map<String, Object> forward = TestMain.object(phases.get(0));
        assertEquals("forward product", forward.get("phase"));
        assertEquals("GFLOP/s", forward.get("unit"));
        assertTrue((Double) forward.get("ms") > 0 && (Double) forward.get("rate") > 0, forward.toString());
        assertEquals("GB/s", TestMain.object(phases.get(1)).get("unit"));
        assertEquals(2 * 4 + 1 + 1, ((List<Object>) m.get("layers")).size());
    }

    @Test
    void textPrintsTheTableAndTheWholeStep() {
        TestMain.Run r = TestMain.run("profile", "--layers", "16,16,4", "--batch", "4", "--seconds", "0.1", "--kernels", "scalar",
                "--by-layer", "--precision", "f32");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("16-16-4, N=4, f32, scalar kernels"), r.out());
        assertTrue(r.out().contains("hidden deltas, layer 1"), r.out());
        assertTrue(r.out().contains("The phases sum to"), r.out());
    }

    @Test
    void badFlagsAreRefusedInOneLine() {
        for (String[] args : new String[][] {{"--workload", "W9"}, {"--layers", "3"}, {"--layers", "4,0"},
            {"--workload", "W3", "--layers", "2,2"}, {"--batch", "4"}, {"--seconds", "0"}, {"--seconds", "7200"},
            {"--layers", "2,2", "--batch", "0"}, {"--momentum", "1"}}) {
            String[] all = new String[args.length + 1];
            all[0] = "profile";
            System.arraycopy(args, 0, all, 1, args.length);
            TestMain.Run r = TestMain.run(all);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.errLines().stream().filter(l -> !l.isBlank() && !l.startsWith(" ") && !l.startsWith("Usage")
                    && !l.startsWith("Try")).count(), String.join(" ", args) + ": " + r.err());
        }
    }
}
