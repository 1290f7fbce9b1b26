package io.vecprop.cli;

import io.vecprop.io.Json;
import io.vecprop.io.JsonReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench command's plan, report, chart and flags; JMH itself runs in CI's smoke, not here. */
class TestBench {

    /** A JMH result object as JMH's JSON has it. */
    static Map<String, Object> result(String benchmark, Map<String, String> params, int jmhThreads, double median,
            String unit) {
        return Map.of("benchmark", "io.vecprop.bench." + benchmark, "threads", (long) jmhThreads, "params", params,
                "primaryMetric", Map.of("score", median, "scoreError", median / 100, "scoreUnit", unit,
                        "scorePercentiles", Map.of("50.0", median)));
    }

    static BenchReport sample() {
        List<Object> results = List.of(
                result("GemmBench.mult", Map.of("kernels", "scalar", "n", "1024", "threads", "1"), 1, 470, "ms/op"),
                result("GemmBench.mult", Map.of("kernels", "simd", "n", "1024", "threads", "1"), 1, 42, "ms/op"),
                result("GemmBench.mult", Map.of("kernels", "simd", "n", "1024", "threads", "2"), 1, 21, "ms/op"),
                result("UpdateBench.outerProduct", Map.of("kernels", "simd", "n", "4096", "threads", "1"), 1, 10_000, "us/op"),
                result("SigmoidBench.sigmoid", Map.of("kernels", "poly", "n", "4096"), 1, 3500, "ns/op"),
                result("TrainingBench.step", Map.of("workload", "W1", "kernels", "simd", "threads", "1"), 1, 0.09, "us/op"),
                result("PeakBench.fma", Map.of("iterations", "10000", "n", "4194304"), 1, 19_200, "ns/op"),
                result("PeakBench.fma", Map.of("iterations", "10000", "n", "4194304"), 2, 18_000, "ns/op"),
                result("PeakBench.triad", Map.of("iterations", "10000", "n", "4194304"), 1, 2_516_582.4, "ns/op"));
        return BenchReport.of(results, 8);
    }

    static BenchReport.Row row(BenchReport r, String benchmark, String kernels, int threads) {
        return r.rows.stream().filter(x -> x.benchmark().equals(benchmark) && x.kernels().equals(kernels)
                && x.threads() == threads).findFirst().orElseThrow();
    }

    @Test
    void reportComputesThroughputSharesAndSpeedups() {
        BenchReport r = sample();
        // 2 · 12 · 8 · 10000 flops in 19.2 µs = 100 GFLOP/s; two threads each 18 µs: 2 · 106.67
        assertEquals(100.0, r.ceilings.gflops1(), 1e-9);
        assertEquals(2 * 1.92e6 / 18_000, r.ceilings.gflops2(), 1e-9);
        // 24 bytes · 4194304 in 2.5166 ms = 40 GB/s
        assertEquals(40.0, r.ceilings.gbs1(), 1e-6);
        BenchReport.Row simd = row(r, "GemmBench.mult", "simd", 1);
        assertEquals(2.0 * 1024 * 1024 * 1024 / 42e-3 / 1e9, simd.throughput(), 1e-9);
        assertEquals(simd.throughput() / 100.0, simd.share(), 1e-12);
        assertEquals(470.0 / 42, simd.speedup(), 1e-12);
        BenchReport.Row two = row(r, "GemmBench.mult", "simd", 2);
        assertEquals(470.0 / 21, two.speedup(), 1e-12, "scalar runs on one thread: compared with that");
        assertEquals(two.throughput() / r.ceilings.gflops(2), two.share(), 1e-12);
        // outer product: 16 bytes per element of W
        assertEquals(16.0 * 4096 * 4096 / 10e-3 / 1e9, row(r, "UpdateBench.outerProduct", "simd", 1).throughput(), 1e-9);
        assertEquals(4096 / 3500.0, row(r, "SigmoidBench.sigmoid", "poly", 1).throughput(), 1e-12);
        assertTrue(Double.isNaN(row(r, "SigmoidBench.sigmoid", "poly", 1).speedup()), "no scalar row to compare with");
        // W1 is reported per step in ns (JMH measured 0.09 µs)
        BenchReport.Row w1 = row(r, "TrainingBench.step", "simd", 1);
        assertEquals("ns/op", w1.unit());
        assertEquals(90.0, w1.median(), 1e-9);
    }

    @Test
    void reportFormats() {
        BenchReport r = sample();
        String md = r.markdown("title");
        assertTrue(md.contains("| benchmark | size or workload | kernels | threads | median ± error | throughput | share of ceiling | vs scalar |"), md);
        assertTrue(md.contains("| GemmBench.mult | 1024 | simd | 1 | 42.0 ± 0.420 ms/op | 51.1 GFLOP/s | 51% | 11.19x |"), md);
        assertTrue(md.contains("W1 (2-2-2, N=1)"), md);
        String text = r.text();
        assertTrue(text.lines().anyMatch(l -> l.startsWith("GemmBench.mult") && l.contains("11.19x")), text);
        Map<String, Object> json = r.json("out");
        List<?> results = (List<?>) json.get("results");
        assertEquals(r.rows.size(), results.size());
        for (Object o : results) {
            Map<?, ?> m = (Map<?, ?>) o;
            for (String key : List.of("benchmark", "kernels", "threads", "score", "error", "unit")) {
                assertTrue(m.containsKey(key), key + " in " + m);
            }
            assertTrue(m.containsKey("size") ^ m.containsKey("workload"), m.toString());
        }
        // and it is JSON
        assertEquals(r.rows.size(), ((List<?>) ((Map<?, ?>) JsonReader.parse(Json.write(json))).get("results")).size());
    }

    @Test
    void chartIsAPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("chart.png");
        BenchChart.write(sample(), "test", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 600 && img.getHeight() > 200, img.getWidth() + "x" + img.getHeight());
    }

    @Test
    void plans() {
        List<BenchPlan.Run> smoke = BenchPlan.runs(BenchPlan.Mode.smoke, null, null);
        assertEquals(2, smoke.size());
        List<BenchPlan.Run> quick = BenchPlan.runs(BenchPlan.Mode.quick, null, null);
        assertTrue(quick.stream().anyMatch(r -> r.benchmarks().get(0).endsWith("PeakBench.fma") && r.jmhThreads() == 2));
        List<BenchPlan.Run> gemm = BenchPlan.runs(BenchPlan.Mode.quick, Pattern.compile("Gemm"), 1);
        assertTrue(gemm.stream().allMatch(r -> r.benchmarks().get(0).contains("Gemm") || r.benchmarks().get(0).contains("Peak")));
        assertTrue(gemm.stream().filter(r -> r.benchmarks().get(0).contains("Gemm")).allMatch(r -> r.params().get("threads").equals("1")));
        assertTrue(BenchPlan.runs(BenchPlan.Mode.full, Pattern.compile("NoSuchBench"), null).isEmpty());
        // --threads 2 on the full run: the simd-only two-thread run is part of the all-kernels one now
        List<BenchPlan.Run> gemm2 = BenchPlan.runs(BenchPlan.Mode.full, Pattern.compile("GemmBench.mult"), 2);
        assertEquals(1, gemm2.stream().filter(r -> r.benchmarks().get(0).contains("Gemm")).count(), gemm2.toString());
        List<String> args = quick.get(0).args();
        assertEquals("^(\\Qio.vecprop.bench.SigmoidBench.sigmoid\\E)$", args.get(0));
        assertTrue(args.contains("-t"));
    }

    static TestMain.Run bench(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        return TestMain.run(all);
    }

    @Test
    void badFlagsExitTwo() {
        for (String[] args : new String[][] {{"--only", "("}, {"--profile", "vtune"}, {"--quick", "--full"},
            {"--only", "NoSuchBench"}, {"--threads", "0"}, {"--format", "xml"}}) {
            TestMain.Run r = bench(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.errLines().size(), r.err());
            assertFalse(r.err().contains("\tat "));
        }
    }

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
