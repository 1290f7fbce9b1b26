package io.vecprop.bench.harness;

import io.vecprop.cli.ParityTable;
import io.vecprop.cli.Values;
import io.vecprop.kernels.Parity;
import io.vecprop.kernels.Precision;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's results into vecprop's report: one row per benchmark, size or workload,
 * precision, kernels and threads, with the median time, its throughput (GFLOP/s, GB/s or
 * elements/ns), the share of the ceiling measured in the same run (the FMA peak of the row's
 * precision), and the speedups over the scalar kernels and over EJML in the same precision.
 */
final class BenchReport {

    /**
     * One measured benchmark. precision is null only for the bandwidth ceilings, which do not
     * depend on it; results of runs before the precision parameter existed are f64.
     */
    record Row(String benchmark, String size, String workload, Precision precision, String kernels, int threads,
            double median, double score, double error, String unit, double throughput, String throughputUnit,
            double share, double speedup, double speedupVsEjml, double allocBytesPerOp, Parity.Check parity) {

        String sizeOrWorkload() {
            return workload != null ? workload + " " + io.vecprop.bench.Workloads.describe(workload) : size;
        }

        /** The precision's id, f64 or f32, or "" for the bandwidth ceilings. */
        String precisionId() {
            return precision == null ? "" : precision.id();
        }

        Row with(double share, double speedup, double speedupVsEjml) {
            return new Row(benchmark, size, workload, precision, kernels, threads, median, score, error, unit,
                    throughput, throughputUnit, share, speedup, speedupVsEjml, allocBytesPerOp, parity);
        }

        Row with(Parity.Check parity) {
            return new Row(benchmark, size, workload, precision, kernels, threads, median, score, error, unit,
                    throughput, throughputUnit, share, speedup, speedupVsEjml, allocBytesPerOp, parity);
        }

        /** The parity's max ulps, NaN for a row without one. */
        double parityUlps() {
            return parity == null ? Double.NaN : parity.maxUlps();
        }

        /** The parity's max relative difference, NaN for a row without one. */
        double parityRel() {
            return parity == null ? Double.NaN : parity.maxRel();
        }
    }

    /**
     * The machine's ceilings from PeakBench: the FMA peak in GFLOP/s per precision (a vector holds
     * twice as many floats, so the f32 peak is about twice the f64 one) and the triad bandwidth in
     * GB/s, each for 1 and 2 threads (0 when not measured).
     */
    record Ceilings(double gflops1, double gflops2, double gflops1F32, double gflops2F32, double gbs1, double gbs2) {

        double gflops(Precision precision, int threads) {
            double one = precision == Precision.F32 ? gflops1F32 : gflops1;
            double two = precision == Precision.F32 ? gflops2F32 : gflops2;
            return threads >= 2 ? (two > 0 ? two : 2 * one) : one;
        }

        double gbs(int threads) {
            return threads >= 2 ? (gbs2 > 0 ? gbs2 : 2 * gbs1) : gbs1;
        }
    }

    final List<Row> rows;
    final Ceilings ceilings;
    /** The note on the parity columns. */
    final String parityNote;

    private BenchReport(List<Row> rows, Ceilings ceilings, String parityNote) {
        this.rows = rows;
        this.ceilings = ceilings;
        this.parityNote = parityNote;
    }

    /** As {@link #of(List, int, int, BenchParity)}, the parity columns left empty. */
    static BenchReport of(List<JmhResult> jmhResults, int lanes, int lanesF32) {
        return of(jmhResults, lanes, lanesF32, BenchParity.NONE);
    }

    /**
     * Builds the report from JMH's results; lanes and lanesF32 are the SIMD widths, in doubles
     * and in floats, that the FMA ceilings ran at; parity fills the parity columns.
     */
    static BenchReport of(List<JmhResult> jmhResults, int lanes, int lanesF32, BenchParity parity) {
        List<Row> raw = new ArrayList<>();
        // FMA peaks: f64 1 thread, f64 2, f32 1, f32 2; triad: 1 thread, 2
        double[] gf = new double[4];
        double[] gb = new double[2];
        for (JmhResult r : jmhResults) {
            String name = r.shortName();
            Map<String, String> params = r.params();
            String unit = r.unit();
            double median = r.median();
            double score = r.score();
            double error = r.error();
            int jmhThreads = r.jmhThreads();
            double alloc = r.allocBytesPerOp();
            int threads = params.containsKey("threads") ? Integer.parseInt(params.get("threads")) : jmhThreads;
            String kernels = params.getOrDefault("kernels", "simd");
            String n = params.get("n");
            String workload = params.get("workload");
            Precision precision = r.precision();
            double seconds = median * secondsPerUnit(unit);
            if (workload != null) {
                // a step is reported in the unit that suits its size: ns for W1, µs for W2, ms for W3 and W4
                String want = switch (workload) {
                    case "W1" -> "ns/op";
                    case "W2" -> "us/op";
                    default -> "ms/op";
                };
                double factor = secondsPerUnit(unit) / secondsPerUnit(want);
                median *= factor;
                score *= factor;
                error *= factor;
                unit = want;
            }
            Work work = work(name, params, precision, precision == Precision.F32 ? lanesF32 : lanes);
            double throughput = work.amount / seconds / work.scale;
            if (name.equals("PeakBench.fma")) {
                gf[(precision == Precision.F32 ? 2 : 0) + (jmhThreads >= 2 ? 1 : 0)] = throughput * jmhThreads;
            } else if (name.equals("PeakBench.triad")) {
                gb[jmhThreads >= 2 ? 1 : 0] = throughput * jmhThreads;
            }
            if (name.startsWith("PeakBench")) {
                throughput *= jmhThreads;
            }
            raw.add(new Row(name, name.startsWith("PeakBench") ? humanDoubles(n, name) : n, workload, precision,
                    kernels, threads, median, score, error, unit, throughput, work.unit, Double.NaN, Double.NaN,
                    Double.NaN, alloc, null));
        }
        Ceilings c = new Ceilings(gf[0], gf[1], gf[2], gf[3], gb[0], gb[1]);
        List<Row> rows = new ArrayList<>();
        for (Row row : raw) {
            if (row.benchmark().startsWith("PeakBench")) {
                rows.add(row);
                continue;
            }
            double share = switch (row.throughputUnit()) {
                case "GFLOP/s" -> c.gflops(row.precision(), row.threads()) > 0
                        ? row.throughput() / c.gflops(row.precision(), row.threads()) : Double.NaN;
                case "GB/s" -> c.gbs(row.threads()) > 0 ? row.throughput() / c.gbs(row.threads()) : Double.NaN;
                default -> Double.NaN;
            };
            double speedup = row.kernels().equals("scalar") ? Double.NaN : speedup(raw, row, "scalar");
            double vsEjml = row.kernels().equals("ejml") ? Double.NaN : speedup(raw, row, "ejml");
            Row with = row.with(share, speedup, vsEjml);
            rows.add(with.with(parity.of(with)));
        }
        rows.sort(Comparator.comparing(Row::benchmark)
                .thenComparing(r -> r.workload() != null ? r.workload() : "")
                .thenComparingLong(r -> r.size() != null && r.size().matches("\\d+") ? Long.parseLong(r.size()) : 0)
                .thenComparingInt(r -> r.precision() == null ? -1 : r.precision().ordinal())
                .thenComparingInt(Row::threads)
                .thenComparing(r -> kernelOrder(r.kernels())));
        return new BenchReport(rows, c, parity.note(rows));
    }

    /**
     * The baseline kernels' median time over row's, for the same benchmark, size or workload and
     * precision: on the row's thread count, else on one thread (the baselines run on one); NaN when
     * the run has no such baseline.
     */
    private static double speedup(List<Row> rows, Row row, String baseline) {
        Row base = find(rows, row, baseline, row.threads());
        if (base == null) {
            base = find(rows, row, baseline, 1);
        }
        return base == null ? Double.NaN
                : base.median() * secondsPerUnit(base.unit()) / (row.median() * secondsPerUnit(row.unit()));
    }

    private static String humanDoubles(String n, String name) {
        if (n == null || name.equals("PeakBench.fma")) {
            return name.equals("PeakBench.fma") ? "registers" : n;
        }
        long bytes = Long.parseLong(n) * 8;
        return bytes >= (1 << 20) ? (bytes >> 20) + " MB" : (bytes >> 10) + " KB";
    }

    private static int kernelOrder(String k) {
        return switch (k) {
            case "scalar" -> 0;
            case "ejml" -> 1;
            case "simd" -> 2;
            case "poly" -> 3;
            default -> 4;
        };
    }

    private static Row find(List<Row> rows, Row like, String kernels, int threads) {
        for (Row r : rows) {
            if (r.kernels().equals(kernels) && r.benchmark().equals(like.benchmark()) && r.threads() == threads
                    && r.precision() == like.precision()
                    && java.util.Objects.equals(r.size(), like.size())
                    && java.util.Objects.equals(r.workload(), like.workload())) {
                return r;
            }
        }
        return null;
    }

    /** Work per op: an amount, its unit after dividing by scale (per second). */
    private record Work(double amount, double scale, String unit) {}

    /**
     * The work of one op. Bytes scale with the precision's value size (the bandwidth ceilings
     * always move doubles); lanes is the vector width in values of the FMA peak's precision.
     */
    private static Work work(String name, Map<String, String> params, Precision precision, int lanes) {
        double n = params.containsKey("n") ? Double.parseDouble(params.get("n")) : 0;
        int bytes = precision == null ? Double.BYTES : precision.bytes();
        return switch (name) {
            case "GemmBench.forward", "GemmBench.mult", "GemmBench.rankK" -> new Work(2 * n * n * n, 1e9, "GFLOP/s");
            case "DeltaBench.outputDelta" -> new Work(3 * bytes * 128 * n, 1e9, "GB/s");
            case "DeltaBench.hiddenDelta", "UpdateBench.rankK" -> new Work(2 * 128 * n * n, 1e9, "GFLOP/s");
            case "UpdateBench.outerProduct", "UpdateBench.onlineBackward" -> new Work(2 * bytes * n * n, 1e9, "GB/s");
            case "SigmoidBench.sigmoid" -> new Work(n, 1e9, "el/ns");
            case "TrainingBench.step" -> new Work(io.vecprop.bench.Workloads.flops(params.get("workload")), 1e9, "GFLOP/s");
            case "PeakBench.fma" -> new Work(2.0 * 12 * lanes * Double.parseDouble(params.get("iterations")),
                    1e9, "GFLOP/s");
            case "PeakBench.triad" -> new Work(24 * n, 1e9, "GB/s");
            case "PeakBench.copy" -> new Work(16 * n, 1e9, "GB/s");
            default -> new Work(Double.NaN, 1, "");
        };
    }

    static double secondsPerUnit(String unit) {
        return switch (unit) {
            case "s/op" -> 1;
            case "ms/op" -> 1e-3;
            case "us/op" -> 1e-6;
            case "ns/op" -> 1e-9;
            default -> throw new IllegalArgumentException("unexpected JMH unit " + unit + " (runs use average time)");
        };
    }

    // ---------------------------------------------------------------- output

    static final String[] HEADER = {"benchmark", "size or workload", "precision", "kernels", "threads",
        "median ± error", "throughput", "share of ceiling", "vs scalar", "vs EJML", "max ulps", "max rel diff"};

    List<String[]> cells() {
        List<String[]> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new String[] {
                r.benchmark(), r.sizeOrWorkload() == null ? "" : r.sizeOrWorkload(), r.precisionId(), r.kernels(),
                Integer.toString(r.threads()),
                fmt(r.median()) + " ± " + fmt(r.error()) + " " + r.unit(),
                Double.isNaN(r.throughput()) ? "" : fmt(r.throughput()) + " " + r.throughputUnit(),
                Double.isNaN(r.share()) ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * r.share()),
                ratio(r.speedup()),
                ratio(r.speedupVsEjml()),
                parityCell(ParityTable.ulps(r.parityUlps()), r),
                parityCell(ParityTable.rel(r.parityRel()), r)
            });
        }
        return out;
    }

    /** A parity cell, marked * when its check ran at a stand-in size (see the note). */
    private static String parityCell(String value, Row r) {
        return BenchParity.standIn(r) ? value + "*" : value;
    }

    private static String ratio(double x) {
        return Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.2fx", x);
    }

    String ceilingsLine() {
        boolean f64 = ceilings.gflops1() > 0 || ceilings.gflops2() > 0;
        boolean f32 = ceilings.gflops1F32() > 0 || ceilings.gflops2F32() > 0;
        if (!f64 && !f32 && ceilings.gbs1() == 0 && ceilings.gbs2() == 0) {
            return "Ceilings not measured in this run (PeakBench did not run).";
        }
        return "Ceilings measured in this run: " + ceilings(1) + " on 1 thread; " + ceilings(2) + " on 2.";
    }

    /** Like "104 GFLOP/s FMA peak in f64, 208 in f32, 42.0 GB/s triad", naming only what ran. */
    private String ceilings(int threads) {
        List<String> parts = new ArrayList<>();
        double f64 = threads == 1 ? ceilings.gflops1() : ceilings.gflops2();
        double f32 = threads == 1 ? ceilings.gflops1F32() : ceilings.gflops2F32();
        if (f64 > 0) {
            parts.add(fmt(f64) + " GFLOP/s FMA peak in f64");
        }
        if (f32 > 0) {
            parts.add(fmt(f32) + (f64 > 0 ? "" : " GFLOP/s FMA peak") + " in f32");
        }
        double gbs = threads == 1 ? ceilings.gbs1() : ceilings.gbs2();
        if (gbs > 0) {
            parts.add(fmt(gbs) + " GB/s triad bandwidth");
        }
        return parts.isEmpty() ? "not measured" : String.join(", ", parts);
    }

    String markdown(String title) {
        StringBuilder sb = new StringBuilder("# " + title + "\n\n" + ceilingsLine() + "\n\n");
        sb.append("Times are JMH medians with the 99.9% error of the mean; throughput is from the median; "
                + "GB/s counts bytes read and written (8 per value in f64, 4 in f32); the share is of the ceiling "
                + "for the same thread count, a product's of the FMA peak of its own precision; \"vs scalar\" and "
                + "\"vs EJML\" are the scalar kernels' and EJML's median times over this row's, in the same "
                + "precision (they run on one thread).\n\n");
        sb.append(parityNote).append("\n\n");
        sb.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
        sb.append("|").append("---|".repeat(HEADER.length)).append("\n");
        for (String[] row : cells()) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return sb.toString();
    }

    String text() {
        List<String[]> all = new ArrayList<>();
        all.add(HEADER);
        all.addAll(cells());
        StringBuilder sb = new StringBuilder(Values.columns(all));
        sb.append(ceilingsLine()).append('\n');
        sb.append(parityNote).append('\n');
        return sb.toString();
    }

    Map<String, Object> json(String out) {
        List<Object> results = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", r.benchmark());
            if (r.workload() != null) {
                m.put("workload", r.workload());
            } else {
                m.put("size", r.size());
            }
            m.put("precision", r.precision() == null ? null : r.precision().id());
            m.put("kernels", r.kernels());
            m.put("threads", r.threads());
            m.put("score", r.median());
            m.put("error", r.error());
            m.put("unit", r.unit());
            m.put("mean", r.score());
            m.put("throughput", r.throughput());
            m.put("throughput_unit", r.throughputUnit());
            m.put("share_of_ceiling", r.share());
            m.put("speedup_vs_scalar", r.speedup());
            m.put("speedup_vs_ejml", r.speedupVsEjml());
            m.put("alloc_bytes_per_op", r.allocBytesPerOp());
            m.put("parity_max_ulps", r.parityUlps());
            m.put("parity_max_rel", r.parityRel());
            m.put("parity_size", r.parity() == null ? null : r.parity().shapes().get(0).label());
            results.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("results", results);
        Map<String, Object> c = new LinkedHashMap<>();
        // the FMA peaks without a suffix are f64's, as before f32 existed
        c.put("gflops_1_thread", ceilings.gflops1());
        c.put("gflops_2_threads", ceilings.gflops2());
        c.put("gflops_1_thread_f32", ceilings.gflops1F32());
        c.put("gflops_2_threads_f32", ceilings.gflops2F32());
        c.put("triad_gbs_1_thread", ceilings.gbs1());
        c.put("triad_gbs_2_threads", ceilings.gbs2());
        m.put("ceilings", c);
        m.put("out", out);
        return m;
    }

    static String fmt(double v) {
        if (Double.isNaN(v) || v == 0) {
            return Double.isNaN(v) ? "-" : "0";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
