package io.vecprop.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON results into vecprop's report: one row per benchmark, size or workload, kernels
 * and threads, with the median time, its throughput (GFLOP/s, GB/s or elements/ns), the share of
 * the ceiling measured in the same run, and the speedup over the scalar kernels.
 */
final class BenchReport {

    /** One measured benchmark. */
    record Row(String benchmark, String size, String workload, String kernels, int threads, double median,
            double score, double error, String unit, double throughput, String throughputUnit, double share,
            double speedup, double allocBytesPerOp) {

        String sizeOrWorkload() {
            return workload != null ? workload + " " + io.vecprop.train.Workloads.describe(workload) : size;
        }
    }

    /** The machine's ceilings from PeakBench: GFLOP/s and GB/s for 1 and 2 threads (0 when not measured). */
    record Ceilings(double gflops1, double gflops2, double gbs1, double gbs2) {

        double gflops(int threads) {
            return threads >= 2 ? (gflops2 > 0 ? gflops2 : 2 * gflops1) : gflops1;
        }

        double gbs(int threads) {
            return threads >= 2 ? (gbs2 > 0 ? gbs2 : 2 * gbs1) : gbs1;
        }
    }

    final List<Row> rows;
    final Ceilings ceilings;

    private BenchReport(List<Row> rows, Ceilings ceilings) {
        this.rows = rows;
        this.ceilings = ceilings;
    }

    /** Builds the report from JMH result objects; lanes is the SIMD width the FMA ceiling ran at. */
    @SuppressWarnings("unchecked")
    static BenchReport of(List<Object> jmhResults, int lanes) {
        List<Row> raw = new ArrayList<>();
        double gf1 = 0, gf2 = 0, gb1 = 0, gb2 = 0;
        for (Object o : jmhResults) {
            Map<String, Object> r = (Map<String, Object>) o;
            String full = (String) r.get("benchmark");
            String name = full.substring(full.lastIndexOf('.', full.lastIndexOf('.') - 1) + 1);
            Map<String, Object> params = r.get("params") == null ? Map.of() : (Map<String, Object>) r.get("params");
            Map<String, Object> pm = (Map<String, Object>) r.get("primaryMetric");
            String unit = (String) pm.get("scoreUnit");
            double median = num(((Map<String, Object>) pm.get("scorePercentiles")).get("50.0"));
            double score = num(pm.get("score"));
            double error = num(pm.get("scoreError"));
            int jmhThreads = (int) num(r.get("threads"));
            double alloc = Double.NaN;
            Map<String, Object> secondary = (Map<String, Object>) r.get("secondaryMetrics");
            if (secondary != null && secondary.get("gc.alloc.rate.norm") != null) {
                alloc = num(((Map<String, Object>) secondary.get("gc.alloc.rate.norm")).get("score"));
            }
            int threads = params.containsKey("threads") ? Integer.parseInt((String) params.get("threads")) : jmhThreads;
            String kernels = params.containsKey("kernels") ? (String) params.get("kernels") : "simd";
            String n = (String) params.get("n");
            String workload = (String) params.get("workload");
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
            Work work = work(name, params, lanes);
            double throughput = work.amount / seconds / work.scale;
            if (name.equals("PeakBench.fma")) {
                if (jmhThreads >= 2) {
                    gf2 = throughput * jmhThreads;
                } else {
                    gf1 = throughput;
                }
            } else if (name.equals("PeakBench.triad")) {
                if (jmhThreads >= 2) {
                    gb2 = throughput * jmhThreads;
                } else {
                    gb1 = throughput;
                }
            }
            if (name.startsWith("PeakBench")) {
                throughput *= jmhThreads;
            }
            raw.add(new Row(name, name.startsWith("PeakBench") ? humanDoubles(n, name) : n, workload, kernels, threads,
                    median, score, error, unit, throughput, work.unit, Double.NaN, Double.NaN, alloc));
        }
        Ceilings c = new Ceilings(gf1, gf2, gb1, gb2);
        List<Row> rows = new ArrayList<>();
        for (Row row : raw) {
            double share = switch (row.throughputUnit()) {
                case "GFLOP/s" -> c.gflops(row.threads()) > 0 ? row.throughput() / c.gflops(row.threads()) : Double.NaN;
                case "GB/s" -> c.gbs(row.threads()) > 0 ? row.throughput() / c.gbs(row.threads()) : Double.NaN;
                default -> Double.NaN;
            };
            if (row.benchmark().startsWith("PeakBench")) {
                share = Double.NaN;
            }
            double speedup = Double.NaN;
            if (!row.kernels().equals("scalar") && !row.benchmark().startsWith("PeakBench")) {
                Row scalar = find(raw, row, row.threads());
                if (scalar == null) {
                    scalar = find(raw, row, 1);
                }
                if (scalar != null) {
                    speedup = scalar.median() * secondsPerUnit(scalar.unit()) / (row.median() * secondsPerUnit(row.unit()));
                }
            }
            rows.add(new Row(row.benchmark(), row.size(), row.workload(), row.kernels(), row.threads(), row.median(),
                    row.score(), row.error(), row.unit(), row.throughput(), row.throughputUnit(), share, speedup,
                    row.allocBytesPerOp()));
        }
        rows.sort(Comparator.comparing(Row::benchmark)
                .thenComparing(r -> r.workload() != null ? r.workload() : "")
                .thenComparingLong(r -> r.size() != null && r.size().matches("\\d+") ? Long.parseLong(r.size()) : 0)
                .thenComparingInt(Row::threads)
                .thenComparing(r -> kernelOrder(r.kernels())));
        return new BenchReport(rows, c);
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

    private static Row find(List<Row> rows, Row like, int threads) {
        for (Row r : rows) {
            if (r.kernels().equals("scalar") && r.benchmark().equals(like.benchmark()) && r.threads() == threads
                    && java.util.Objects.equals(r.size(), like.size())
                    && java.util.Objects.equals(r.workload(), like.workload())) {
                return r;
            }
        }
        return null;
    }

    /** Work per op: an amount, its unit after dividing by scale (per second). */
    private record Work(double amount, double scale, String unit) {}

    private static Work work(String name, Map<String, Object> params, int lanes) {
        double n = params.containsKey("n") ? Double.parseDouble((String) params.get("n")) : 0;
        return switch (name) {
            case "GemmBench.forward", "GemmBench.mult", "GemmBench.rankK" -> new Work(2 * n * n * n, 1e9, "GFLOP/s");
            case "DeltaBench.outputDelta" -> new Work(24 * 128 * n, 1e9, "GB/s");
            case "DeltaBench.hiddenDelta", "UpdateBench.rankK" -> new Work(2 * 128 * n * n, 1e9, "GFLOP/s");
            case "UpdateBench.outerProduct", "UpdateBench.onlineBackward" -> new Work(16 * n * n, 1e9, "GB/s");
            case "SigmoidBench.sigmoid" -> new Work(n, 1e9, "el/ns");
            case "TrainingBench.step" -> new Work(io.vecprop.train.Workloads.flops((String) params.get("workload")), 1e9, "GFLOP/s");
            case "PeakBench.fma" -> new Work(2.0 * 12 * lanes * Double.parseDouble((String) params.get("iterations")),
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

    private static double num(Object o) {
        return o == null ? Double.NaN : o instanceof Number n ? n.doubleValue() : Double.parseDouble(o.toString());
    }

    // ---------------------------------------------------------------- output

    static final String[] HEADER = {"benchmark", "size or workload", "kernels", "threads", "median ± error",
        "throughput", "share of ceiling", "vs scalar"};

    List<String[]> cells() {
        List<String[]> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new String[] {
                r.benchmark(), r.sizeOrWorkload() == null ? "" : r.sizeOrWorkload(), r.kernels(),
                Integer.toString(r.threads()),
                fmt(r.median()) + " ± " + fmt(r.error()) + " " + r.unit(),
                Double.isNaN(r.throughput()) ? "" : fmt(r.throughput()) + " " + r.throughputUnit(),
                Double.isNaN(r.share()) ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * r.share()),
                Double.isNaN(r.speedup()) ? "" : String.format(Locale.ROOT, "%.2fx", r.speedup())
            });
        }
        return out;
    }

    String ceilingsLine() {
        if (ceilings.gflops1() == 0 && ceilings.gbs1() == 0) {
            return "Ceilings not measured in this run (PeakBench did not run).";
        }
        return String.format(Locale.ROOT,
                "Ceilings measured in this run: %s GFLOP/s FMA peak and %s GB/s triad bandwidth on 1 thread; %s GFLOP/s and %s GB/s on 2.",
                fmt(ceilings.gflops1()), fmt(ceilings.gbs1()), fmt(ceilings.gflops2()), fmt(ceilings.gbs2()));
    }

    String markdown(String title) {
        StringBuilder sb = new StringBuilder("# " + title + "\n\n" + ceilingsLine() + "\n\n");
        sb.append("Times are JMH medians with the 99.9% error of the mean; throughput is from the median; "
                + "GB/s counts bytes read and written; the share is of the ceiling for the same thread count; "
                + "\"vs scalar\" is the scalar kernels' median time over this row's (scalar runs on one thread).\n\n");
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
        int[] width = new int[HEADER.length];
        for (String[] row : all) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : all) {
            for (int i = 0; i < row.length; i++) {
                sb.append(i == 0 ? "" : "  ").append(String.format("%-" + width[i] + "s", row[i]));
            }
            sb.append('\n');
        }
        sb.append(ceilingsLine()).append('\n');
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
            m.put("alloc_bytes_per_op", r.allocBytesPerOp());
            results.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("results", results);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("gflops_1_thread", ceilings.gflops1());
        c.put("gflops_2_threads", ceilings.gflops2());
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
