package io.vecprop.bench.harness;

import static io.vecprop.bench.harness.TestBench.asList;
import static io.vecprop.bench.harness.TestBench.asMap;
import static io.vecprop.bench.harness.TestBench.bench;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.cli.TestMain;
import io.vecprop.io.Json;
import io.vecprop.io.JsonReader;
import io.vecprop.kernels.Tuning;
import io.vecprop.kernels.Precision;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep's plan, its report and crossovers from synthetic JMH results, its chart and its flags. */
class TestSweep {

    /** Scalar steps at 2 G multiply-adds per second, in µs. */
    static double scalarMicros(int width, int batch) {
        return 5.0 * batch * width * width / 2e9 * 1e6;
    }

    /**
     * SIMD over scalar by design. f64: at batch 1 slower at 64, within the noise at 128 (1.02 does not
     * pay), 3x from 256; 10x at every larger batch. f32: never at batch 1, 20x elsewhere.
     */
    static double simdSpeedup(Precision p, int width, int batch) {
        if (batch > 1) {
            return p == Precision.F64 ? 10 : 20;
        }
        if (p == Precision.F32) {
            return 0.9;
        }
        return width == 64 ? 0.8 : width == 128 ? 1.02 : 3;
    }

    /**
     * 2 threads over 1 by design, by work per thread w = batch · width² / 2. f64 batch 1: 0.5 below
     * 2^19, 1.6 from it (pays from width 1024). f64 batched: 1.2 at 2^14 (a lucky small cell),
     * 0.9 up to 2^17, 1.7 from 2^18. f32: never at batch 1 (0.95); batched 1.5 everywhere.
     */
    static double threadSpeedup(Precision p, int width, int batch) {
        long work = (long) batch * width * width / 2;
        if (p == Precision.F32) {
            return batch == 1 ? 0.95 : 1.5;
        }
        if (batch == 1) {
            return work < (1L << 19) ? 0.5 : 1.6;
        }
        return work == (1L << 14) ? 1.2 : work < (1L << 18) ? 0.9 : 1.7;
    }

    /** The JMH results a sweep would write, the scalar cells the plan skips left out; threads 1 drops the 2-thread runs. */
    static List<Object> results(boolean twoThreads) {
        List<Object> results = new ArrayList<>();
        for (Precision p : Precision.values()) {
            for (int width : BenchPlan.SWEEP_WIDTHS) {
                for (int batch : BenchPlan.SWEEP_BATCHES) {
                    double scalar = scalarMicros(width, batch);
                    double simd = scalar / simdSpeedup(p, width, batch);
                    if (!(width == 4096 && BenchPlan.SWEEP_SCALAR_SKIPS_4096.contains(batch))) {
                        results.add(result(p, width, batch, "scalar", 1, scalar));
                    }
                    results.add(result(p, width, batch, "simd", 1, simd));
                    if (twoThreads) {
                        results.add(result(p, width, batch, "simd", 2, simd / threadSpeedup(p, width, batch)));
                    }
                }
            }
        }
        return results;
    }

    static Map<String, Object> result(Precision p, int width, int batch, String kernels, int threads, double micros) {
        return TestBench.result("SweepBench.step", Map.of("width", "" + width, "batch", "" + batch, "kernels", kernels,
                "threads", "" + threads, "precision", p.id()), 1, micros, "us/op");
    }

    static SweepReport report() {
        return SweepReport.of(JmhResult.fromJsonList(results(true)), 8, 16);
    }

    @Test
    void planCoversTheGridOnce() {
        List<BenchPlan.Run> runs = BenchPlan.runs(BenchPlan.Mode.sweep, null, null);
        assertEquals(2 * BenchPlan.SWEEP_WIDTHS.size(), runs.size(), runs.toString());
        assertTrue(runs.stream().allMatch(r -> r.benchmarks().equals(List.of(BenchPlan.PKG + BenchPlan.SWEEP))));
        assertTrue(runs.stream().allMatch(r -> r.params().get("precision").equals("f64,f32")), runs.toString());
        int cells = 0;
        for (BenchPlan.Run r : runs) {
            boolean scalar = r.params().get("kernels").equals("scalar");
            assertEquals(scalar ? "1" : "1,2", r.params().get("threads"), r.toString());
            String batches = r.params().get("batch");
            if (scalar && r.params().get("width").equals("4096")) {
                assertEquals("1,8,32", batches, "the slowest scalar cells are skipped");
            } else {
                assertEquals("1,8,32,128,256", batches, r.toString());
            }
            cells += batches.split(",").length * r.params().get("threads").split(",").length;
        }
        assertEquals(7 * 5 * 3 - 2, cells, "per precision: scalar on 1 thread, SIMD on 1 and 2, less two scalar cells");
        assertTrue(runs.get(0).args().containsAll(List.of("-p", "width=64", "batch=1,8,32,128,256", "kernels=scalar")),
                runs.get(0).args().toString());
        assertTrue(BenchPlan.Mode.sweep.jmhArgs.containsAll(List.of("-f", "1", "-wi", "1", "-i", "2", "300ms")));
        assertEquals("--sweep", BenchPlan.Mode.sweep.flags());
    }

    @Test
    void planNarrows() {
        // --threads 1: SIMD on one thread only; --threads 4: on 1 and 4; the scalar kernels stay on one
        List<BenchPlan.Run> one = BenchPlan.runs(BenchPlan.Mode.sweep, null, 1);
        assertTrue(one.stream().allMatch(r -> r.params().get("threads").equals("1")), one.toString());
        List<BenchPlan.Run> four = BenchPlan.runs(BenchPlan.Mode.sweep, null, 4);
        assertTrue(four.stream().allMatch(r -> r.params().get("threads").equals(
                r.params().get("kernels").equals("simd") ? "1,4" : "1")), four.toString());
        List<BenchPlan.Run> f32 = BenchPlan.runs(BenchPlan.Mode.sweep, null, null, List.of(Precision.F32));
        assertTrue(f32.stream().allMatch(r -> r.params().get("precision").equals("f32")), f32.toString());
        assertTrue(BenchPlan.runs(BenchPlan.Mode.sweep, Pattern.compile("Gemm"), null).isEmpty());
        assertEquals(14, BenchPlan.runs(BenchPlan.Mode.sweep, Pattern.compile("Sweep"), null).size());
        // the smoke: 2 widths x 2 batches
        List<BenchPlan.Run> smoke = BenchPlan.runs(BenchPlan.Mode.sweepSmoke, null, null, List.of(Precision.F64));
        assertEquals(List.of("64", "64", "128", "128"), smoke.stream().map(r -> r.params().get("width")).toList());
        assertTrue(smoke.stream().allMatch(r -> r.params().get("batch").equals("1,8")), smoke.toString());
        assertEquals("--sweep --smoke", BenchPlan.Mode.sweepSmoke.flags());
        assertTrue(BenchPlan.Mode.sweepSmoke.jmhArgs.contains("100ms"));
    }

    @Test
    void cellsAndRatios() {
        SweepReport r = report();
        assertEquals(2 * 7 * 5, r.cells.size());
        SweepReport.Cell c = r.cell(Precision.F64, 1024, 32);
        assertEquals(scalarMicros(1024, 32) * 1e-6, c.scalar(), 1e-15);
        assertEquals(10, c.simdSpeedup(), 1e-9);
        assertEquals(1.7, c.threadSpeedup(), 1e-9);
        assertEquals(32L * 1024 * 1024 / 2, c.workPerThread());
        assertEquals(5L * 32 * 1024 * 1024, c.stepWork());
        SweepReport.Cell skipped = r.cell(Precision.F64, 4096, 256);
        assertTrue(Double.isNaN(skipped.simdSpeedup()) && Double.isFinite(skipped.threadSpeedup()), skipped.toString());
    }

    @Test
    void simdCrossovers() {
        SweepReport r = report();
        SweepReport.Crossing batch1 = simd(r, Precision.F64, 1);
        assertEquals(256, batch1.first().width(), "1.02 at 128 does not pay");
        assertEquals(128, batch1.lastBelow().width());
        SweepReport.Crossing batch8 = simd(r, Precision.F64, 8);
        assertEquals(64, batch8.first().width());
        assertNull(batch8.lastBelow());
        SweepReport.Crossing never = simd(r, Precision.F32, 1);
        assertNull(never.first());
        assertEquals(4096, never.lastBelow().width());
        String f64 = r.summary(Precision.F64).get(0);
        assertTrue(f64.contains("at batch 1 from width 256 (not at 128); at batches 8, 32, 128 and 256 from width 64 "
                + "(the smallest measured)"), f64);
        String f32 = r.summary(Precision.F32).get(0);
        assertTrue(f32.contains("at batch 1 never (not up to width 4096)"), f32);
        assertTrue(f32.contains("w/16 vectors"), f32);
    }

    @Test
    void threadCrossoversInTuningsUnit() {
        SweepReport r = report();
        SweepReport.Crossing online = threads(r, Precision.F64, true);
        assertEquals(1L << 19, online.first().workPerThread());
        assertEquals(1024, online.first().width());
        assertEquals(512, online.lastBelow().width());
        // the lucky cell at 2^14 does not count: slower cells follow it
        SweepReport.Crossing batched = threads(r, Precision.F64, false);
        assertEquals(1L << 18, batched.first().workPerThread());
        assertEquals(List.of(64, 128), List.of(batched.first().width(), batched.first().batch()));
        assertEquals(1L << 16, batched.lastBelow().workPerThread());
        List<String> f64 = r.summary(Precision.F64);
        assertEquals(3, f64.size(), f64.toString());
        assertTrue(f64.get(1).startsWith("f64, batch-1 (online) steps: a second thread pays (≥ 1.05x) from 2^19 = 524,288 "
                + "multiply-adds per thread (width 1024; not at 2^17 = 131,072, width 512); Tuning.MIN_WORK_PER_THREAD: "), f64.get(1));
        assertTrue(f64.get(1).endsWith(SweepReport.work(Tuning.MIN_WORK_PER_THREAD)), f64.get(1));
        assertTrue(f64.get(2).contains("from 2^18 = 262,144 multiply-adds per thread (width 64, batch 128; not at 2^16 = "
                + "65,536, width 128, batch 8); Tuning.GEMM_MIN_WORK_PER_THREAD: "), f64.get(2));
        // f32: a second thread never pays in the batch-1 steps, and pays from the smallest batched cell
        SweepReport.Crossing never = threads(r, Precision.F32, true);
        assertNull(never.first());
        List<String> f32 = r.summary(Precision.F32);
        assertTrue(f32.get(1).contains("a second thread never pays (≥ 1.05x), not up to 2^23 = 8,388,608 multiply-adds "
                + "per thread (width 4096)"), f32.get(1));
        assertTrue(f32.get(2).contains("from 2^14 = 16,384 multiply-adds per thread (width 64, batch 8, the smallest measured)"),
                f32.get(2));
    }

    @Test
    void withoutASecondThreadTheReportSaysSo() {
        SweepReport r = SweepReport.of(JmhResult.fromJsonList(results(false)), 8, 16);
        assertTrue(r.summary(Precision.F64).get(1).contains("more threads not measured"), r.summary(Precision.F64).toString());
        assertTrue(r.text().contains("10.0x · -"), r.text());
    }

    @Test
    void tablesAndJson() {
        SweepReport r = report();
        String md = r.markdown("title");
        assertTrue(md.contains("## f64") && md.contains("## f32"), md);
        assertTrue(md.contains("| width \\ batch | 1 | 8 | 32 | 128 | 256 |"), md);
        // width 1024, batch 32, f64: 5 · 32 · 2^20 / 2e9 s scalar = 83.9 ms, SIMD 10x faster
        assertTrue(md.contains("| 8.39 ms · 10.0x · 1.70x |"), md);
        String text = r.text();
        assertTrue(text.lines().anyMatch(l -> l.startsWith("1024") && l.contains("8.39 ms · 10.0x · 1.70x")), text);
        Map<String, Object> json = asMap(JsonReader.parse(Json.write(r.json("out"))));
        assertEquals("SweepBench.step", json.get("sweep"));
        assertEquals(results(true).size(), asList(json.get("results")).size());
        assertEquals(70, asList(json.get("cells")).size());
        List<Map<String, Object>> crossovers = asList(json.get("crossovers")).stream().map(TestBench::asMap).toList();
        assertEquals(2 * 5 + 2 * 2, crossovers.size());
        Map<String, Object> online = crossovers.stream().filter(c -> c.get("kind").equals("threads")
                && c.get("precision").equals("f64") && c.get("steps").equals("batch 1")).findFirst().orElseThrow();
        assertEquals(1L << 19, ((Number) online.get("from_work_per_thread")).longValue());
        assertEquals("MIN_WORK_PER_THREAD", online.get("tuning"));
        Map<String, Object> never = crossovers.stream().filter(c -> c.get("kind").equals("threads")
                && c.get("precision").equals("f32") && c.get("steps").equals("batch 1")).findFirst().orElseThrow();
        assertEquals(false, never.get("pays"));
        assertNull(never.get("from_work_per_thread"));
    }

    @Test
    void chartIsAHeatMap(@TempDir Path dir) throws Exception {
        assertTrue(isBlue(SweepChart.colour(3)) && isBlue(SweepChart.colour(1.05)));
        assertTrue(isRed(SweepChart.colour(0.8)) && isRed(SweepChart.colour(1.02)), "below 1.05 does not pay");
        assertFalse(isBlue(SweepChart.colour(Double.NaN)) || isRed(SweepChart.colour(Double.NaN)));
        Path png = dir.resolve("sweep.png");
        SweepChart.write(report(), "test", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() >= 900 && img.getHeight() > 500, img.getWidth() + "x" + img.getHeight());
        int blue = 0, red = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                Color c = new Color(img.getRGB(x, y));
                blue += isBlue(c) ? 1 : 0;
                red += isRed(c) ? 1 : 0;
            }
        }
        // a cell is about 76 x 24 pixels: dozens of blue cells, and some red ones (f32's batch-1 row, f64's slow threads)
        assertTrue(blue > 40 * 1500, "blue pixels: " + blue);
        assertTrue(red > 10 * 1500, "red pixels: " + red);
    }

    private static boolean isBlue(Color c) {
        return c.getBlue() > c.getRed() + 25;
    }

    private static boolean isRed(Color c) {
        return c.getRed() > c.getBlue() + 25;
    }

    @Test
    void fromASweepsJmhJson(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jmh.json");
        Files.writeString(file, Json.write(results(true)));
        TestMain.Run json = bench("--from", file.toString(), "--out", dir.resolve("json").toString(), "--format", "json");
        assertEquals(0, json.code(), json.err());
        Map<String, Object> out = asMap(JsonReader.parse(json.out()));
        assertEquals("SweepBench.step", out.get("sweep"));
        assertTrue(((List<?>) asMap(out.get("summary")).get("f64")).size() == 3, out.get("summary").toString());
        for (String f : List.of("jmh.json", "report.md", "sweep.png")) {
            assertTrue(Files.size(dir.resolve("json").resolve(f)) > 0, f);
        }
        assertFalse(Files.exists(dir.resolve("json/chart.png")));
        // --precision narrows it as it narrows the suite's
        TestMain.Run text = bench("--from", file.toString(), "--out", dir.resolve("text").toString(), "--precision", "f32");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("f32, batched steps") && !text.out().contains("f64,"), text.out());
        assertTrue(text.out().contains("Wrote " + dir.resolve("text/report.md") + ", " + dir.resolve("text/sweep.png")),
                text.out());
    }

    @Test
    void badSweepFlagsExitTwo() {
        for (String[] args : new String[][] {{"--sweep", "--full"}, {"--sweep", "--quick"}, {"--smoke", "--full"},
            {"--quick", "--smoke"}, {"--sweep", "--only", "Gemm"}, {"--sweep", "--smoke", "--threads", "0"}}) {
            TestMain.Run r = bench(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.errLines().size(), r.err());
            assertFalse(r.err().contains("\tat "));
        }
        TestMain.Run only = bench("--sweep", "--smoke", "--only", "Gemm");
        assertTrue(only.err().contains("matches no benchmark of the --sweep --smoke run"), only.err());
        assertTrue(bench("--smoke", "--full").err().contains("--smoke and --full are mutually exclusive"));
    }

    private static SweepReport.Crossing simd(SweepReport r, Precision p, int batch) {
        return r.simdCrossovers.stream().filter(s -> s.precision() == p && s.batch() == batch).findFirst()
                .orElseThrow().crossing();
    }

    private static SweepReport.Crossing threads(SweepReport r, Precision p, boolean online) {
        return r.threadCrossovers.stream().filter(t -> t.precision() == p && t.online() == online).findFirst()
                .orElseThrow().crossing();
    }
}
