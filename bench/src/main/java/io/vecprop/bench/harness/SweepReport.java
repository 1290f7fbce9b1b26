package io.vecprop.bench.harness;

import io.vecprop.kernels.Tuning;
import io.vecprop.kernels.Precision;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The report of {@code vecprop bench --sweep}, from {@code SweepBench.step}'s JMH results: per
 * precision a width x batch table of the step time with the SIMD/scalar and the 2-thread/1-thread
 * speedups, and the crossovers: from which width SIMD pays at each batch, and from how many
 * multiply-adds per thread a second thread pays, in the batch-1 (online) steps and in the batched
 * ones, in the unit of {@link Tuning}'s split thresholds.
 */
final class SweepReport {

    /** A speedup pays from this ratio on (5% clear of the noise of a short measurement). */
    static final double PAYS = 1.05;

    /** One JMH result of the sweep, its median and error in seconds. */
    record Measurement(Precision precision, int width, int batch, String kernels, int threads, double seconds,
            double error) {}

    /**
     * One cell of the grid: the step's median times in seconds, NaN where not measured: scalar (one
     * thread), SIMD on one thread, and SIMD on {@code threads} threads (the most the cell ran on).
     */
    record Cell(Precision precision, int width, int batch, double scalar, double simd, double simdThreads, int threads) {

        double simdSpeedup() {
            return scalar / simd;
        }

        double threadSpeedup() {
            return simd / simdThreads;
        }

        /** Multiply-adds of one product of the step: batch · width². */
        long productWork() {
            return (long) batch * width * width;
        }

        /**
         * Multiply-adds per thread of one product split over {@code threads}: the unit of
         * {@code Tuning.MIN_WORK_PER_THREAD} (batch 1) and {@code Tuning.GEMM_MIN_WORK_PER_THREAD}.
         */
        long workPerThread() {
            return productWork() / threads;
        }

        /** Multiply-adds of the whole step: five products (forward twice, the hidden delta, two updates). */
        long stepWork() {
            return 5 * productWork();
        }

        boolean online() {
            return batch == 1;
        }
    }

    /**
     * Where a ratio starts to pay along some key (a width, or work per thread): first is the
     * cell from which every measured ratio pays, lastBelow the largest that did not; first null
     * with lastBelow set means it never pays; both null, not measured.
     */
    record Crossing(Cell first, Cell lastBelow) {}

    /** SIMD against scalar, at one batch, along the width. */
    record SimdCrossover(Precision precision, int batch, Crossing crossing) {}

    /** Threads against one thread, in the batch-1 steps (online) or the batched ones, along the work per thread. */
    record ThreadCrossover(Precision precision, boolean online, int threads, Crossing crossing) {}

    final List<Measurement> measurements;
    final List<Cell> cells;
    final List<SimdCrossover> simdCrossovers;
    final List<ThreadCrossover> threadCrossovers;
    /** SIMD lanes in doubles and in floats, to put widths in vectors. */
    private final int lanes, lanesF32;

    private SweepReport(List<Measurement> measurements, List<Cell> cells, int lanes, int lanesF32) {
        this.measurements = measurements;
        this.cells = cells;
        this.lanes = lanes;
        this.lanesF32 = lanesF32;
        this.simdCrossovers = new ArrayList<>();
        this.threadCrossovers = new ArrayList<>();
        for (Precision p : precisions()) {
            for (int batch : batches()) {
                List<Cell> at = cells(p).stream().filter(c -> c.batch() == batch).toList();
                simdCrossovers.add(new SimdCrossover(p, batch, crossing(at, Cell::width, Cell::simdSpeedup)));
            }
            for (boolean online : List.of(true, false)) {
                List<Cell> family = cells(p).stream().filter(c -> c.online() == online).toList();
                if (!family.isEmpty()) {
                    int threads = family.stream().mapToInt(Cell::threads).max().orElse(1);
                    threadCrossovers.add(new ThreadCrossover(p, online, threads,
                            crossing(family, c -> c.workPerThread(), Cell::threadSpeedup)));
                }
            }
        }
    }

    /** True when every result is the sweep's (so a {@code --from} of a sweep's jmh.json is reported as one). */
    static boolean isSweep(List<JmhResult> jmhResults) {
        return !jmhResults.isEmpty() && jmhResults.stream().allMatch(r -> r.benchmark().endsWith("." + BenchPlan.SWEEP));
    }

    /** Builds the report from JMH's results of {@code SweepBench.step}; lanes are the SIMD widths in doubles and floats. */
    static SweepReport of(List<JmhResult> jmhResults, int lanes, int lanesF32) {
        List<Measurement> ms = jmhResults.stream().map(SweepReport::measurement)
                .sorted(Comparator.comparing(Measurement::precision).thenComparingInt(Measurement::width)
                        .thenComparingInt(Measurement::batch).thenComparing(Measurement::kernels)
                        .thenComparingInt(Measurement::threads))
                .toList();
        Map<List<Object>, List<Measurement>> byCell = new LinkedHashMap<>();
        for (Measurement m : ms) {
            byCell.computeIfAbsent(List.of(m.precision(), m.width(), m.batch()), k -> new ArrayList<>()).add(m);
        }
        List<Cell> cells = byCell.values().stream().map(SweepReport::cell).toList();
        return new SweepReport(ms, cells, lanes, lanesF32);
    }

    private static Measurement measurement(JmhResult r) {
        Map<String, String> params = r.params();
        if (params.get("width") == null || params.get("batch") == null) {
            throw new IllegalStateException("a " + BenchPlan.SWEEP + " result without width or batch: " + r);
        }
        double unit = BenchReport.secondsPerUnit(r.unit());
        return new Measurement(r.precision(), Integer.parseInt(params.get("width")), Integer.parseInt(params.get("batch")),
                params.get("kernels"), Integer.parseInt(params.get("threads")), r.median() * unit, r.error() * unit);
    }

    private static Cell cell(List<Measurement> ms) {
        Measurement any = ms.get(0);
        double scalar = Double.NaN, simd = Double.NaN, many = Double.NaN;
        int threads = 1;
        for (Measurement m : ms) {
            if (m.kernels().equals("scalar")) {
                // the scalar kernels never split: take the one-thread run if there are several
                scalar = Double.isNaN(scalar) || m.threads() == 1 ? m.seconds() : scalar;
            } else if (m.threads() == 1) {
                simd = m.seconds();
            } else if (m.threads() > threads) {
                threads = m.threads();
                many = m.seconds();
            }
        }
        return new Cell(any.precision(), any.width(), any.batch(), scalar, simd, many, threads);
    }

    /**
     * Where ratio starts to pay along key: the last cell (by key) whose ratio is below {@link #PAYS},
     * and the first after it, which pays, as every cell after it does. Cells without a ratio are
     * left out.
     */
    static Crossing crossing(List<Cell> cells, ToDoubleFunction<Cell> key, ToDoubleFunction<Cell> ratio) {
        List<Cell> measured = cells.stream().filter(c -> Double.isFinite(ratio.applyAsDouble(c)))
                .sorted(Comparator.comparingDouble(key).thenComparingInt(Cell::width)).toList();
        Cell lastBelow = null;
        for (Cell c : measured) {
            if (ratio.applyAsDouble(c) < PAYS) {
                lastBelow = c;
            }
        }
        Cell first = null;
        for (Cell c : measured) {
            if (ratio.applyAsDouble(c) >= PAYS
                    && (lastBelow == null || key.applyAsDouble(c) > key.applyAsDouble(lastBelow))) {
                first = c;
                break;
            }
        }
        return new Crossing(first, lastBelow);
    }

    List<Precision> precisions() {
        return cells.stream().map(Cell::precision).distinct().sorted().toList();
    }

    List<Cell> cells(Precision p) {
        return cells.stream().filter(c -> c.precision() == p).toList();
    }

    List<Integer> widths() {
        return List.copyOf(new TreeSet<>(cells.stream().map(Cell::width).toList()));
    }

    List<Integer> batches() {
        return List.copyOf(new TreeSet<>(cells.stream().map(Cell::batch).toList()));
    }

    Cell cell(Precision p, int width, int batch) {
        return cells.stream().filter(c -> c.precision() == p && c.width() == width && c.batch() == batch)
                .findFirst().orElse(null);
    }

    // ---------------------------------------------------------------- summary

    /** The summary lines of one precision: the SIMD crossovers, then the threads' (batch 1, then batched). */
    List<String> summary(Precision p) {
        List<String> lines = new ArrayList<>();
        lines.add(simdLine(p));
        for (ThreadCrossover t : threadCrossovers) {
            if (t.precision() == p) {
                lines.add(threadLine(t));
            }
        }
        return lines;
    }

    /** Like "f64: SIMD pays (≥ 1.05x over scalar, 1 thread) at batches 1, 8 and 32 from width 64 (the smallest measured)". */
    private String simdLine(Precision p) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (SimdCrossover s : simdCrossovers) {
            if (s.precision() == p) {
                groups.computeIfAbsent(simdFragment(s.crossing()), k -> new ArrayList<>()).add(s.batch());
            }
        }
        List<String> parts = new ArrayList<>();
        groups.forEach((fragment, batches) -> parts.add("at " + (batches.size() == 1 ? "batch " : "batches ")
                + and(batches.stream().map(String::valueOf).toList()) + " " + fragment));
        int v = p == Precision.F32 ? lanesF32 : lanes;
        return p.id() + ": SIMD pays (≥ " + PAYS + "x over scalar, 1 thread) " + String.join("; ", parts)
                + " (a row of width w is w/" + v + " vectors here; Tuning.SIMD_MIN_VECTORS: " + Tuning.SIMD_MIN_VECTORS + ")";
    }

    private static String simdFragment(Crossing c) {
        if (c.first() == null) {
            return c.lastBelow() == null ? "not measured" : "never (not up to width " + c.lastBelow().width() + ")";
        }
        return "from width " + c.first().width()
                + (c.lastBelow() == null ? " (the smallest measured)" : " (not at " + c.lastBelow().width() + ")");
    }

    /** Like "f64, batch-1 steps: a second thread pays (≥ 1.05x) from 2^21 = 2,097,152 multiply-adds per thread ...". */
    private String threadLine(ThreadCrossover t) {
        String where = t.precision().id() + ", " + (t.online() ? "batch-1 (online) steps" : "batched steps (packed products)");
        String tuning = t.online() ? "Tuning.MIN_WORK_PER_THREAD: " + work(Tuning.MIN_WORK_PER_THREAD)
                : "Tuning.GEMM_MIN_WORK_PER_THREAD: " + work(Tuning.GEMM_MIN_WORK_PER_THREAD);
        Crossing c = t.crossing();
        if (t.threads() == 1) {
            return where + ": more threads not measured (the sweep ran on one thread)";
        }
        String who = t.threads() == 2 ? "a second thread" : t.threads() + " threads";
        if (c.first() == null && c.lastBelow() == null) {
            return where + ": " + who + " not measured";
        }
        if (c.first() == null) {
            return where + ": " + who + " never pays (≥ " + PAYS + "x), not up to " + work(c.lastBelow().workPerThread())
                    + " multiply-adds per thread (" + at(c.lastBelow()) + "); " + tuning;
        }
        return where + ": " + who + " pays (≥ " + PAYS + "x) from " + work(c.first().workPerThread())
                + " multiply-adds per thread (" + at(c.first()) + (c.lastBelow() == null ? ", the smallest measured"
                        : "; not at " + work(c.lastBelow().workPerThread()) + ", " + at(c.lastBelow())) + "); " + tuning;
    }

    private static String at(Cell c) {
        return c.online() ? "width " + c.width() : "width " + c.width() + ", batch " + c.batch();
    }

    /** Like "2^21 = 2,097,152", or "3,000" when not a power of two. */
    static String work(long v) {
        String plain = String.format(Locale.ROOT, "%,d", v);
        return v > 0 && (v & (v - 1)) == 0 ? "2^" + Long.numberOfTrailingZeros(v) + " = " + plain : plain;
    }

    private static String and(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    // ---------------------------------------------------------------- tables

    static final String LEGEND = "Each cell: the SIMD step time on 1 thread (JMH median) · SIMD's speedup over scalar "
            + "(both on 1 thread) · the speedup of 2 threads over 1 (SIMD; the sweep splits every kernel call, "
            + "whatever its size). A ratio pays "
            + "from " + PAYS + "x. Work per thread is batch · width² / threads multiply-adds, one product of the "
            + "step on each thread (the step does five), the unit of Tuning's split thresholds.";

    /** The rows of one precision's table: a header (width, then each batch), then one row per width. */
    List<String[]> table(Precision p) {
        List<Integer> batches = batches();
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[batches.size() + 1];
        header[0] = "width \\ batch";
        for (int i = 0; i < batches.size(); i++) {
            header[i + 1] = Integer.toString(batches.get(i));
        }
        rows.add(header);
        for (int width : widths()) {
            String[] row = new String[batches.size() + 1];
            row[0] = Integer.toString(width);
            for (int i = 0; i < batches.size(); i++) {
                row[i + 1] = cellText(cell(p, width, batches.get(i)));
            }
            rows.add(row);
        }
        return rows;
    }

    private static String cellText(Cell c) {
        if (c == null) {
            return "-";
        }
        return time(c.simd()) + " · " + ratio(c.simdSpeedup()) + " · "
                + ratio(c.threadSpeedup());
    }

    /** Seconds in the unit that suits them: µs, ms or s. */
    static String time(double seconds) {
        if (Double.isNaN(seconds)) {
            return "-";
        }
        if (seconds < 1e-3) {
            return BenchReport.fmt(seconds * 1e6) + " µs";
        }
        return seconds < 1 ? BenchReport.fmt(seconds * 1e3) + " ms" : BenchReport.fmt(seconds) + " s";
    }

    static String ratio(double x) {
        return Double.isFinite(x) ? BenchReport.fmt(x) + "x" : "-";
    }

    String markdown(String title) {
        StringBuilder sb = new StringBuilder("# " + title + "\n\n");
        sb.append("One training step (forward, backward, SGD; sigmoid, half-squared error) of a width-width-width "
                + "network on a batch (batch 1 is the online step). ").append(LEGEND).append("\n");
        for (Precision p : precisions()) {
            sb.append("\n## ").append(p.id()).append("\n\n");
            List<String[]> rows = table(p);
            sb.append("| ").append(String.join(" | ", rows.get(0))).append(" |\n");
            sb.append("|").append("---|".repeat(rows.get(0).length)).append("\n");
            for (String[] row : rows.subList(1, rows.size())) {
                sb.append("| ").append(String.join(" | ", row)).append(" |\n");
            }
            sb.append('\n');
            for (String line : summary(p)) {
                sb.append("- ").append(line).append('\n');
            }
        }
        return sb.toString();
    }

    String text() {
        StringBuilder sb = new StringBuilder(LEGEND).append('\n');
        for (Precision p : precisions()) {
            sb.append('\n').append(p.id()).append('\n');
            List<String[]> rows = table(p);
            int[] width = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == 0 ? "" : "   ").append(String.format("%-" + width[i] + "s", row[i]));
                }
                sb.append(line.toString().stripTrailing()).append('\n');
            }
            for (String line : summary(p)) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- JSON

    Map<String, Object> json(String out) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sweep", BenchPlan.SWEEP);
        m.put("network", "width-width-width, sigmoid, half-squared error, SGD lr 0.1; batch 1 the online step");
        m.put("pays_from", PAYS);
        m.put("results", measurements.stream().map(SweepReport::json).toList());
        m.put("cells", cells.stream().map(SweepReport::json).toList());
        List<Object> crossovers = new ArrayList<>();
        simdCrossovers.forEach(s -> crossovers.add(json(s)));
        threadCrossovers.forEach(t -> crossovers.add(json(t)));
        m.put("crossovers", crossovers);
        Map<String, Object> summary = new LinkedHashMap<>();
        precisions().forEach(p -> summary.put(p.id(), summary(p)));
        m.put("summary", summary);
        m.put("out", out);
        return m;
    }

    private static Map<String, Object> json(Measurement r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", BenchPlan.SWEEP);
        m.put("precision", r.precision().id());
        m.put("width", r.width());
        m.put("batch", r.batch());
        m.put("kernels", r.kernels());
        m.put("threads", r.threads());
        m.put("score", r.seconds() * 1e6);
        m.put("error", r.error() * 1e6);
        m.put("unit", "us/op");
        m.put("gflops", 10.0 * r.batch() * r.width() * r.width() / r.seconds() / 1e9);
        return m;
    }

    private static Map<String, Object> json(Cell c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("precision", c.precision().id());
        m.put("width", c.width());
        m.put("batch", c.batch());
        m.put("multiply_adds_per_step", c.stepWork());
        m.put("threads", c.threads());
        m.put("work_per_thread", c.workPerThread());
        m.put("scalar_us", c.scalar() * 1e6);
        m.put("simd_us", c.simd() * 1e6);
        m.put("simd_threads_us", c.simdThreads() * 1e6);
        m.put("simd_speedup", c.simdSpeedup());
        m.put("thread_speedup", c.threadSpeedup());
        return m;
    }

    private static Map<String, Object> json(SimdCrossover s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "simd");
        m.put("precision", s.precision().id());
        m.put("batch", s.batch());
        m.put("pays", s.crossing().first() != null);
        m.put("from_width", s.crossing().first() == null ? null : s.crossing().first().width());
        m.put("not_at_width", s.crossing().lastBelow() == null ? null : s.crossing().lastBelow().width());
        return m;
    }

    private static Map<String, Object> json(ThreadCrossover t) {
        Cell first = t.crossing().first(), below = t.crossing().lastBelow();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "threads");
        m.put("precision", t.precision().id());
        m.put("steps", t.online() ? "batch 1" : "batched");
        m.put("threads", t.threads());
        m.put("pays", first != null);
        m.put("from_work_per_thread", first == null ? null : first.workPerThread());
        m.put("from_width", first == null ? null : first.width());
        m.put("from_batch", first == null ? null : first.batch());
        m.put("not_at_work_per_thread", below == null ? null : below.workPerThread());
        m.put("tuning", t.online() ? "MIN_WORK_PER_THREAD" : "GEMM_MIN_WORK_PER_THREAD");
        m.put("tuning_value", t.online() ? Tuning.MIN_WORK_PER_THREAD : Tuning.GEMM_MIN_WORK_PER_THREAD);
        return m;
    }
}
