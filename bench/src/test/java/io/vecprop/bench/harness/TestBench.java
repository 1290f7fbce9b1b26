package io.vecprop.bench.harness;

import io.vecprop.cli.TestMain;
import io.vecprop.cli.TestTrainingChart;
import io.vecprop.io.Json;
import io.vecprop.kernels.Parity;
import io.vecprop.kernels.PerturbedKernels;
import io.vecprop.kernels.PerturbedKernels.Change;
import io.vecprop.kernels.PerturbedKernels.Where;
import io.vecprop.io.JsonReader;
import io.vecprop.kernels.Precision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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
        return BenchReport.of(JmhResult.fromJsonList(sampleResults()), 8, 16);
    }

    static List<Object> sampleResults() {
        return List.of(
                result("GemmBench.mult", Map.of("kernels", "scalar", "n", "1024", "threads", "1", "precision", "f64"), 1, 470, "ms/op"),
                result("GemmBench.mult", Map.of("kernels", "ejml", "n", "1024", "threads", "1", "precision", "f64"), 1, 440, "ms/op"),
                result("GemmBench.mult", Map.of("kernels", "simd", "n", "1024", "threads", "1", "precision", "f64"), 1, 42, "ms/op"),
                result("GemmBench.mult", Map.of("kernels", "simd", "n", "1024", "threads", "2", "precision", "f64"), 1, 21, "ms/op"),
                result("GemmBench.mult", Map.of("kernels", "scalar", "n", "1024", "threads", "1", "precision", "f32"), 1, 400, "ms/op"),
                result("GemmBench.mult", Map.of("kernels", "ejml", "n", "1024", "threads", "1", "precision", "f32"), 1, 300, "ms/op"),
                result("GemmBench.mult", Map.of("kernels", "simd", "n", "1024", "threads", "1", "precision", "f32"), 1, 20, "ms/op"),
                result("UpdateBench.outerProduct", Map.of("kernels", "simd", "n", "4096", "threads", "1", "precision", "f64"), 1, 10_000, "us/op"),
                result("UpdateBench.outerProduct", Map.of("kernels", "simd", "n", "4096", "threads", "1", "precision", "f32"), 1, 6_000, "us/op"),
                // a result from before the precision parameter: f64
                result("SigmoidBench.sigmoid", Map.of("kernels", "poly", "n", "4096"), 1, 3500, "ns/op"),
                result("TrainingBench.step", Map.of("workload", "W1", "kernels", "simd", "threads", "1", "precision", "f64"), 1, 0.09, "us/op"),
                result("PeakBench.fma", Map.of("iterations", "10000", "n", "4194304", "precision", "f64"), 1, 19_200, "ns/op"),
                result("PeakBench.fma", Map.of("iterations", "10000", "n", "4194304", "precision", "f64"), 2, 18_000, "ns/op"),
                result("PeakBench.fma", Map.of("iterations", "10000", "n", "4194304", "precision", "f32"), 1, 19_200, "ns/op"),
                result("PeakBench.triad", Map.of("iterations", "10000", "n", "4194304"), 1, 2_516_582.4, "ns/op"));
    }

    static BenchReport.Row row(BenchReport r, String benchmark, String kernels, int threads) {
        return row(r, benchmark, Precision.F64, kernels, threads);
    }

    static BenchReport.Row row(BenchReport r, String benchmark, Precision precision, String kernels, int threads) {
        return r.rows.stream().filter(x -> x.benchmark().equals(benchmark) && x.precision() == precision
                && x.kernels().equals(kernels) && x.threads() == threads).findFirst().orElseThrow();
    }

    @Test
    void reportComputesThroughputSharesAndSpeedups() {
        BenchReport r = sample();
        // 2 · 12 · 8 · 10000 flops in 19.2 µs = 100 GFLOP/s; two threads each 18 µs: 2 · 106.67
        assertEquals(100.0, r.ceilings.gflops1(), 1e-9);
        assertEquals(2 * 1.92e6 / 18_000, r.ceilings.gflops2(), 1e-9);
        // 16 float lanes in the same time: 200 GFLOP/s; two threads not measured in f32: twice one
        assertEquals(200.0, r.ceilings.gflops1F32(), 1e-9);
        assertEquals(400.0, r.ceilings.gflops(Precision.F32, 2), 1e-9);
        // 24 bytes · 4194304 in 2.5166 ms = 40 GB/s
        assertEquals(40.0, r.ceilings.gbs1(), 1e-6);
        BenchReport.Row simd = row(r, "GemmBench.mult", "simd", 1);
        assertEquals(2.0 * 1024 * 1024 * 1024 / 42e-3 / 1e9, simd.throughput(), 1e-9);
        assertEquals(simd.throughput() / 100.0, simd.share(), 1e-12);
        assertEquals(470.0 / 42, simd.speedup(), 1e-12);
        assertEquals(440.0 / 42, simd.speedupVsEjml(), 1e-12);
        assertEquals(470.0 / 440, row(r, "GemmBench.mult", "ejml", 1).speedup(), 1e-12);
        assertTrue(Double.isNaN(row(r, "GemmBench.mult", "ejml", 1).speedupVsEjml()));
        BenchReport.Row two = row(r, "GemmBench.mult", "simd", 2);
        assertEquals(470.0 / 21, two.speedup(), 1e-12, "scalar runs on one thread: compared with that");
        assertEquals(440.0 / 21, two.speedupVsEjml(), 1e-12, "EJML runs on one thread: compared with that");
        assertEquals(two.throughput() / r.ceilings.gflops(Precision.F64, 2), two.share(), 1e-12);
        // f32: its own scalar, EJML and peak
        BenchReport.Row simd32 = row(r, "GemmBench.mult", Precision.F32, "simd", 1);
        assertEquals(400.0 / 20, simd32.speedup(), 1e-12);
        assertEquals(300.0 / 20, simd32.speedupVsEjml(), 1e-12);
        assertEquals(simd32.throughput() / 200.0, simd32.share(), 1e-12);
        // outer product: W read and written, 16 bytes per element in f64, 8 in f32
        assertEquals(16.0 * 4096 * 4096 / 10e-3 / 1e9, row(r, "UpdateBench.outerProduct", "simd", 1).throughput(), 1e-9);
        assertEquals(8.0 * 4096 * 4096 / 6e-3 / 1e9,
                row(r, "UpdateBench.outerProduct", Precision.F32, "simd", 1).throughput(), 1e-9);
        assertEquals(4096 / 3500.0, row(r, "SigmoidBench.sigmoid", "poly", 1).throughput(), 1e-12);
        assertTrue(Double.isNaN(row(r, "SigmoidBench.sigmoid", "poly", 1).speedup()), "no scalar row to compare with");
        // W1 is reported per step in ns (JMH measured 0.09 µs)
        BenchReport.Row w1 = row(r, "TrainingBench.step", "simd", 1);
        assertEquals("ns/op", w1.unit());
        assertEquals(90.0, w1.median(), 1e-9);
        // the bandwidth ceiling has no precision; rows sort f64 before f32
        assertEquals(null, r.rows.stream().filter(x -> x.benchmark().equals("PeakBench.triad")).findFirst()
                .orElseThrow().precision());
        List<BenchReport.Row> mult = r.rows.stream().filter(x -> x.benchmark().equals("GemmBench.mult")).toList();
        assertEquals(List.of("f64", "f64", "f64", "f64", "f32", "f32", "f32"),
                mult.stream().map(BenchReport.Row::precisionId).toList());
    }

    @Test
    void reportFormats() {
        BenchReport r = sample();
        String md = r.markdown("title");
        assertTrue(md.contains("| benchmark | size or workload | precision | kernels | threads | median ± error | throughput "
                + "| share of ceiling | vs scalar | vs EJML |"), md);
        assertTrue(md.contains("| GemmBench.mult | 1024 | f64 | simd | 1 | 42.0 ± 0.420 ms/op | 51.1 GFLOP/s | 51% | 11.19x | 10.48x |"), md);
        assertTrue(md.contains("W1 (2-2-2, N=1)"), md);
        assertTrue(md.contains("GFLOP/s FMA peak in f64, 200 in f32, 40.0 GB/s triad bandwidth on 1 thread; 213 GFLOP/s FMA "
                + "peak in f64 on 2."), md);
        String text = r.text();
        assertTrue(text.lines().anyMatch(l -> l.startsWith("GemmBench.mult") && l.contains("11.19x")), text);
        Map<String, Object> json = r.json("out");
        List<?> results = (List<?>) json.get("results");
        assertEquals(r.rows.size(), results.size());
        for (Object o : results) {
            Map<?, ?> m = (Map<?, ?>) o;
            for (String key : List.of("benchmark", "precision", "kernels", "threads", "score", "error", "unit")) {
                assertTrue(m.containsKey(key), key + " in " + m);
            }
            assertTrue(m.containsKey("size") ^ m.containsKey("workload"), m.toString());
        }
        assertEquals(200.0, (Double) ((Map<?, ?>) json.get("ceilings")).get("gflops_1_thread_f32"), 1e-9);
        // and it is JSON
        assertEquals(r.rows.size(), ((List<?>) ((Map<?, ?>) JsonReader.parse(Json.write(json))).get("results")).size());
    }

    @Test
    void simdRowsOfKernelsGetTheirParityAtTheirSizeOrAStandIn() {
        io.vecprop.kernels.SimdSupport.simd(1); // the sigmoid's poly row runs the SIMD variant
        // the scalar kernels against themselves with mult's last value changed by a relative 1e-6
        Change change = Change.relative("mult", Where.LAST, 1e-6);
        Parity perturbed = Parity.of(io.vecprop.kernels.SimdSupport.scalar(), PerturbedKernels.f64(change, new AtomicInteger()),
                io.vecprop.kernels.SimdSupport.scalarF32(), PerturbedKernels.f32(change, new AtomicInteger()));
        BenchReport r = BenchReport.of(JmhResult.fromJsonList(sampleResults()), 8, 16, BenchParity.of(perturbed));
        for (int threads : new int[] {1, 2}) {
            BenchReport.Row simd = row(r, "GemmBench.mult", "simd", threads);
            assertEquals(1e-6 / (1 + 1e-6), simd.parityRel(), 1e-15, "threads " + threads);
            assertEquals("257", simd.parity().shapes().get(0).label(), "1024³ is checked at 257");
        }
        assertEquals(1e-6, row(r, "GemmBench.mult", Precision.F32, "simd", 1).parityRel(), 1e-7);
        assertEquals(0.0, row(r, "UpdateBench.outerProduct", "simd", 1).parityRel(), "unchanged, and at 4096 itself");
        assertEquals("4096", row(r, "UpdateBench.outerProduct", "simd", 1).parity().shapes().get(0).label());
        assertTrue(row(r, "SigmoidBench.sigmoid", "poly", 1).parityUlps() <= 4, "the SIMD poly sigmoid");
        for (String[] none : new String[][] {{"GemmBench.mult", "scalar"}, {"GemmBench.mult", "ejml"},
            {"TrainingBench.step", "simd"}, {"PeakBench.fma", "simd"}}) {
            BenchReport.Row row = row(r, none[0], none[1], 1);
            assertTrue(row.parity() == null && Double.isNaN(row.parityUlps()), String.join(" ", none));
        }
        // the cells, marked where a stand-in size was checked, and the note that says so
        List<Map<String, String>> md = parseMarkdown(r.markdown("title"));
        Map<String, String> cells = md.stream().filter(m -> m.get("benchmark").equals("GemmBench.mult")
                && m.get("kernels").equals("simd") && m.get("precision").equals("f64")).findFirst().orElseThrow();
        assertEquals("1.0e-06*", cells.get("max rel diff"), cells.toString());
        Map<String, String> scalar = md.stream().filter(m -> m.get("kernels").equals("scalar")).findFirst().orElseThrow();
        assertEquals("", scalar.get("max ulps"));
        assertTrue(r.parityNote.contains("* checked at n = 257 instead of the row's own size")
                && r.parityNote.contains("GemmBench.mult 1024") && !r.parityNote.contains("outerProduct"), r.parityNote);
        assertTrue(r.text().contains(r.parityNote), "the text output has the note");
        List<Map<String, String>> text = parseText(r.text());
        assertEquals(md.size(), text.size(), "the note is not read as a row");
        // JSON: every row has the keys, null where there is no parity
        for (Object o : (List<?>) r.json("out").get("results")) {
            Map<?, ?> m = (Map<?, ?>) o;
            assertTrue(m.containsKey("parity_max_ulps") && m.containsKey("parity_max_rel"), m.toString());
            boolean has = m.get("kernels").equals("simd") && ((String) m.get("benchmark")).matches("(Gemm|Update)Bench.*")
                    || m.get("kernels").equals("poly");
            assertEquals(has, !Double.isNaN((Double) m.get("parity_max_rel")), m.toString());
        }
        Map<?, ?> json = (Map<?, ?>) ((List<?>) asMap(JsonReader.parse(Json.write(r.json("out")))).get("results")).get(2);
        assertEquals("GemmBench.mult", json.get("benchmark"));
        assertEquals("257", json.get("parity_size"));
        assertEquals(1e-6 / (1 + 1e-6), (Double) json.get("parity_max_rel"), 1e-15);
        // without a check: empty cells and a note that says so
        assertEquals("max ulps and max rel diff: not checked.", sample().parityNote);
    }

    /** JMH's own JSON from a short run of both precisions (bench/target/benchmarks.jar, 1 fork). */
    static List<Object> jmhSample() throws Exception {
        try (var in = TestBench.class.getResourceAsStream("jmh-sample.json")) {
            return asList(JsonReader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object o) {
        return (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    /** The JMH result of a report row, found by its parameters; the precision is the row's or absent. */
    static Map<String, Object> jmhResultOf(List<Object> jmh, Map<String, Object> row, String precision) {
        List<Map<String, Object>> found = jmh.stream().map(TestBench::asMap).filter(j -> {
            Map<String, Object> p = asMap(j.get("params"));
            String name = (String) j.get("benchmark");
            return name.endsWith("." + row.get("benchmark"))
                    && java.util.Objects.equals(p.get("precision"), precision)
                    && (!p.containsKey("kernels") || p.get("kernels").equals(row.get("kernels")))
                    && (!p.containsKey("workload") || p.get("workload").equals(row.get("workload")))
                    && (!p.containsKey("threads") || p.get("threads").equals(row.get("threads").toString()))
                    && (p.containsKey("threads") || ((Number) j.get("threads")).intValue() == ((Number) row.get("threads")).intValue());
        }).toList();
        assertEquals(1, found.size(), "one JMH result for " + row + ": " + found);
        return found.get(0);
    }

    static double median(Map<String, Object> jmhResult) {
        Object m = asMap(asMap(jmhResult.get("primaryMetric")).get("scorePercentiles")).get("50.0");
        return ((Number) m).doubleValue() * BenchReport.secondsPerUnit((String) asMap(jmhResult.get("primaryMetric")).get("scoreUnit"));
    }

    /** The cells of a text table, cut at the columns where the header's names start. */
    static List<Map<String, String>> parseText(String text) {
        List<String> lines = text.lines().toList();
        String header = lines.get(0);
        List<Integer> starts = new java.util.ArrayList<>();
        for (String h : BenchReport.HEADER) {
            starts.add(header.indexOf(h, starts.isEmpty() ? 0 : starts.get(starts.size() - 1) + 1));
        }
        List<Map<String, String>> rows = new java.util.ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("Ceilings") || line.startsWith("Wrote ") || line.startsWith("max ulps and")) {
                continue;
            }
            Map<String, String> cells = new java.util.LinkedHashMap<>();
            for (int i = 0; i < starts.size(); i++) {
                int from = Math.min(starts.get(i), line.length());
                int to = i + 1 < starts.size() ? Math.min(starts.get(i + 1), line.length()) : line.length();
                cells.put(BenchReport.HEADER[i], line.substring(from, to).trim());
            }
            rows.add(cells);
        }
        return rows;
    }

    /** The cells of a markdown table. */
    static List<Map<String, String>> parseMarkdown(String md) {
        List<Map<String, String>> rows = new java.util.ArrayList<>();
        List<String> table = md.lines().filter(l -> l.startsWith("|")).toList();
        String[] header = table.get(0).substring(2, table.get(0).length() - 2).split(" \\| ", -1);
        for (String line : table.subList(2, table.size())) {
            String[] cells = line.substring(2, line.length() - 2).split(" \\| ", -1);
            assertEquals(header.length, cells.length, line);
            Map<String, String> m = new java.util.LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                m.put(header[i], cells[i].trim());
            }
            rows.add(m);
        }
        return rows;
    }

    @Test
    void precisionColumnFromJmhJson(@TempDir Path dir) throws Exception {
        List<Object> jmh = jmhSample();
        Path file = dir.resolve("jmh.json");
        Files.writeString(file, Json.write(jmh));
        // the command as a user runs it on an earlier run's results, in JSON and in text
        TestMain.Run json = bench("--from", file.toString(), "--out", dir.resolve("json").toString(), "--format", "json");
        assertEquals(0, json.code(), json.err());
        List<Object> results = asList(asMap(JsonReader.parse(json.out())).get("results"));
        assertEquals(jmh.size(), results.size());
        Map<String, Integer> perPrecision = new java.util.HashMap<>();
        for (Object o : results) {
            Map<String, Object> row = asMap(o);
            String precision = (String) row.get("precision");
            perPrecision.merge(String.valueOf(precision), 1, Integer::sum);
            Map<String, Object> own = jmhResultOf(jmh, row, precision);
            assertEquals(asMap(own.get("params")).get("precision"), precision, row.toString());
            // the ratios compare with the baseline of the same precision
            for (String[] base : new String[][] {{"scalar", "speedup_vs_scalar"}, {"ejml", "speedup_vs_ejml"}}) {
                if (!(row.get(base[1]) instanceof Number ratio)) {
                    continue;
                }
                Map<String, Object> like = new java.util.LinkedHashMap<>(row);
                like.put("kernels", base[0]);
                assertEquals(median(jmhResultOf(jmh, like, precision)) / median(own), ratio.doubleValue(), 1e-9,
                        base[1] + " of " + row);
            }
        }
        assertEquals(Map.of("f64", 9, "f32", 9, "null", 2), perPrecision, "both precisions, and the triads without one");
        // the SIMD rows of kernels carry their parity against scalar, checked in this process
        for (Object o : results) {
            Map<String, Object> row = asMap(o);
            boolean kernel = ((String) row.get("benchmark")).matches("(Gemm|Sigmoid)Bench.*");
            boolean simd = row.get("kernels").equals("simd") || row.get("kernels").equals("poly");
            assertEquals(kernel && simd, row.get("parity_max_ulps") instanceof Double, row.toString());
            if (kernel && simd) {
                assertEquals(row.get("size"), row.get("parity_size"), "checked at its own size: " + row);
                assertTrue((Double) row.get("parity_max_rel") < 0.1, row.toString());
            }
            if (row.get("kernels").equals("poly")) {
                assertTrue((Double) row.get("parity_max_ulps") <= 4, row.toString());
            }
        }
        // a product's share is of its own precision's FMA peak, which f32 has about twice as high
        Map<String, Object> ceilings = asMap(asMap(JsonReader.parse(json.out())).get("ceilings"));
        double peak64 = ((Number) ceilings.get("gflops_1_thread")).doubleValue();
        double peak32 = ((Number) ceilings.get("gflops_1_thread_f32")).doubleValue();
        assertTrue(peak32 > 1.5 * peak64 && peak32 < 2.5 * peak64, peak64 + " and " + peak32);
        for (Object o : results) {
            Map<String, Object> row = asMap(o);
            if (row.get("benchmark").equals("GemmBench.mult")) {
                double peak = row.get("precision").equals("f32") ? peak32 : peak64;
                assertEquals(((Number) row.get("throughput")).doubleValue() / peak,
                        ((Number) row.get("share_of_ceiling")).doubleValue(), 1e-12, row.toString());
            }
        }

        // --precision narrows an earlier run's results too
        TestMain.Run f32 = bench("--from", file.toString(), "--out", dir.resolve("f32").toString(), "--format", "json",
                "--precision", "f32");
        assertEquals(0, f32.code(), f32.err());
        List<Object> f32Results = asList(asMap(JsonReader.parse(f32.out())).get("results"));
        assertEquals(perPrecision.get("f32") + perPrecision.get("null"), f32Results.size());
        assertTrue(f32Results.stream().map(o -> asMap(o).get("precision")).allMatch(p -> p == null || p.equals("f32")));

        TestMain.Run text = bench("--from", file.toString(), "--out", dir.resolve("text").toString());
        assertEquals(0, text.code(), text.err());
        List<Map<String, String>> table = parseText(text.out());
        List<Map<String, String>> md = parseMarkdown(Files.readString(dir.resolve("text/report.md")));
        assertEquals(results.size(), table.size(), text.out());
        assertEquals(results.size(), md.size());
        for (int i = 0; i < results.size(); i++) {
            Map<String, Object> row = asMap(results.get(i));
            String want = row.get("precision") == null ? "" : (String) row.get("precision");
            for (Map<String, String> cells : List.of(table.get(i), md.get(i))) {
                assertEquals(row.get("benchmark"), cells.get("benchmark"));
                assertEquals(row.get("kernels"), cells.get("kernels"), cells.toString());
                assertEquals(want, cells.get("precision"), cells.toString());
            }
        }
    }

    @Test
    void chartIsAPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("chart.png");
        BenchChart.write(sample(), "test", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 600 && img.getHeight() > 200, img.getWidth() + "x" + img.getHeight());
        // the bars, each in its kernel's colour: seven SIMD (or poly) bars, each the fastest of its group
        // at full length, and two short scalar and two short EJML ones
        int simd = TestTrainingChart.pixels(img, BenchChart.COLORS.get("simd"));
        assertTrue(simd > 7 * 500 * 12, "simd pixels: " + simd);
        for (String kernels : List.of("scalar", "ejml")) {
            int n = TestTrainingChart.pixels(img, BenchChart.COLORS.get(kernels));
            assertTrue(n > 2 * 20 * 10 && n < simd / 5, kernels + " pixels: " + n);
        }
    }

    @Test
    void plans() {
        List<BenchPlan.Run> smoke = BenchPlan.runs(BenchPlan.Mode.smoke, null, null);
        assertEquals(2, smoke.size());
        assertTrue(smoke.stream().allMatch(r -> r.params().get("precision").equals("f64,f32")), smoke.toString());
        List<BenchPlan.Run> quick = BenchPlan.runs(BenchPlan.Mode.quick, null, null);
        assertTrue(quick.stream().anyMatch(r -> r.benchmarks().get(0).endsWith("PeakBench.fma") && r.jmhThreads() == 2));
        List<BenchPlan.Run> gemm = BenchPlan.runs(BenchPlan.Mode.quick, Pattern.compile("Gemm"), 1);
        assertTrue(gemm.stream().allMatch(r -> r.benchmarks().get(0).contains("Gemm") || r.benchmarks().get(0).contains("Peak")));
        assertTrue(gemm.stream().filter(r -> r.benchmarks().get(0).contains("Gemm")).allMatch(r -> r.params().get("threads").equals("1")));
        assertTrue(BenchPlan.runs(BenchPlan.Mode.full, Pattern.compile("NoSuchBench"), null).isEmpty());
        // --threads 2 on the full run: the simd-only two-thread run is part of the all-kernels one now
        List<BenchPlan.Run> gemm2 = BenchPlan.runs(BenchPlan.Mode.full, Pattern.compile("GemmBench.mult"), 2);
        assertEquals(1, gemm2.stream().filter(r -> r.benchmarks().get(0).contains("Gemm")).count(), gemm2.toString());
        // quick covers every workload; --only takes a workload's name as well as a benchmark's
        assertEquals(List.of("W1,W2", "W3,W4"), quick.stream().filter(r -> r.benchmarks().get(0).endsWith("TrainingBench.step"))
                .map(r -> r.params().get("workload")).toList());
        List<BenchPlan.Run> w3 = BenchPlan.runs(BenchPlan.Mode.quick, Pattern.compile("W3"), null);
        List<BenchPlan.Run> steps = w3.stream().filter(r -> !r.benchmarks().get(0).contains("PeakBench")).toList();
        assertEquals(1, steps.size(), w3.toString());
        assertEquals(List.of(BenchPlan.PKG + "TrainingBench.step"), steps.get(0).benchmarks());
        assertEquals("W3", steps.get(0).params().get("workload"));
        assertEquals("simd", steps.get(0).params().get("kernels"));
        assertEquals("W1,W2", BenchPlan.runs(BenchPlan.Mode.full, Pattern.compile("W[12]"), null).stream()
                .filter(r -> r.benchmarks().get(0).endsWith("step")).map(r -> r.params().get("workload"))
                .reduce((a, b) -> a + "|" + b).orElseThrow());
        List<String> args = quick.get(0).args();
        assertEquals("^(\\Qio.vecprop.bench.SigmoidBench.sigmoid\\E)$", args.get(0));
        assertTrue(args.contains("-t"));
        assertTrue(args.contains("precision=f64,f32"), args.toString());
        // one precision: every run but the bandwidth ceilings' gets it, the FMA ceiling included
        List<BenchPlan.Run> f32 = BenchPlan.runs(BenchPlan.Mode.full, null, null, List.of(Precision.F32));
        assertEquals(BenchPlan.runs(BenchPlan.Mode.full, null, null).size(), f32.size());
        assertTrue(f32.stream().allMatch(r -> r.params().get("precision").equals("f32")), f32.toString());
        assertTrue(f32.stream().anyMatch(r -> r.benchmarks().contains(BenchPlan.PKG + "PeakBench.fma")));
    }

    static TestMain.Run bench(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        return TestMain.run(all);
    }

    @Test
    void aJmhFailureIsOneLineNamingTheRunAndTheLogHasJmhsError(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("jmh.log");
        for (List<String> args : List.of(List.of("-f", "two"), List.of("^NoSuchBench$", "-f", "1"))) {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> BenchCommand.jmh(args, "NoSuchBench.x", log), args.toString());
            assertTrue(e.getMessage().startsWith("JMH failed on NoSuchBench.x (") && e.getMessage().endsWith("); see " + log)
                    && !e.getMessage().contains("\n"), e.getMessage());
        }
        assertEquals(2, Files.readAllLines(log).stream().filter(l -> l.startsWith("ERROR: ")).count(), Files.readString(log));
    }

    @Test
    void badFlagsExitTwo() {
        for (String[] args : new String[][] {{"--only", "("}, {"--profile", "vtune"}, {"--quick", "--full"},
            {"--only", "NoSuchBench"}, {"--threads", "0"}, {"--format", "xml"}, {"--precision", "f16"}}) {
            TestMain.Run r = bench(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.errLines().size(), r.err());
            assertFalse(r.err().contains("\tat "));
        }
    }

}
