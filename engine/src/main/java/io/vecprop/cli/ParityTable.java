package io.vecprop.cli;

import io.vecprop.kernels.KernelInfo;
import io.vecprop.kernels.Parity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code info --parity} prints: one row per kernel and precision, with the sizes checked and
 * the largest distances of the SIMD results from the scalar ones (see {@link Parity}). The two
 * distance formats are the bench report's too (public for it).
 */
public final class ParityTable {

    static final String[] HEADER = {"kernel", "precision", "sizes", "max ulps", "max rel diff"};

    /** Says what the distances are; printed under the table and in the bench report's notes. */
    public static final String DEFINITIONS = "max ulps is |simd - scalar| / ulp(scalar), in the row's precision (a float's "
            + "ulp for f32); max rel diff is |simd - scalar| / max(|simd|, |scalar|). Where a product's terms nearly "
            + "cancel, the scalar value is small, so both can be large while the error is small next to the terms.";

    private ParityTable() {}

    /** The sentence printed instead of a table. */
    static String unavailable(String why) {
        return "No parity to show: the SIMD kernels cannot run here (" + why + "), so there is nothing to compare the "
                + "scalar kernels with.";
    }

    static String text(Parity parity, List<String> precisions, List<Parity.Check> checks) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Parity.Check c : checks) {
            rows.add(new String[] {c.name(), c.precision(), sizes(c), ulps(c.maxUlps()), rel(c.maxRel())});
        }
        StringBuilder sb = new StringBuilder(header(parity, precisions)).append('\n');
        sb.append(Values.columns(rows));
        sb.append("Sizes are the benchmarks' n: n values (the sigmoid, mulSigmoidDeriv, axpy, scale), 128 rows of n "
                + "(outputDelta, addColumnSums, the softmaxes), an n x n W (outerProduct, onlineBackward; UpdateBench.rankK "
                + "over 128 rows), 128 rows through an n x n W (hiddenDelta), n x n x n (GemmBench); or m x n (x k) as "
                + "the kernel takes them.\n");
        sb.append(DEFINITIONS).append('\n');
        return sb.toString();
    }

    /** Like "SIMD kernels (512-bit: 8 doubles, 16 floats; poly sigmoid; 2 threads) against scalar, ...". */
    private static String header(Parity parity, List<String> precisions) {
        KernelInfo info = parity.candidateInfo(precisions.get(0));
        List<String> lanes = new ArrayList<>();
        for (String p : precisions) {
            lanes.add(parity.candidateInfo(p).lanes() + (p.equals(Parity.F32) ? " floats" : " doubles"));
        }
        return "SIMD kernels (" + info.vectorBits() + "-bit: " + String.join(", ", lanes) + "; " + info.sigmoid()
                + " sigmoid; " + info.threads() + (info.threads() == 1 ? " thread" : " threads")
                + ") against scalar, on the same seeded inputs";
    }

    private static String sizes(Parity.Check c) {
        return String.join(", ", c.shapes().stream().map(Parity.Shape::label).toList());
    }

    static List<Object> json(List<Parity.Check> checks) {
        List<Object> list = new ArrayList<>();
        for (Parity.Check c : checks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kernel", c.kernel().id());
            if (c.sigmoid() != null) {
                m.put("sigmoid", c.sigmoid());
            }
            m.put("precision", c.precision());
            m.put("sizes", c.shapes().stream().map(Parity.Shape::label).toList());
            m.put("max_ulps", c.maxUlps());
            m.put("max_rel", c.maxRel());
            list.add(m);
        }
        return list;
    }

    /** A distance in ulps: whole numbers as they are, others to three digits. */
    public static String ulps(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return "inf";
        }
        if (v == Math.rint(v) && v < 1e6) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, v < 1e6 ? "%.3g" : "%.2e", v);
    }

    /** A relative difference, to two digits: 0, 1.1e-16. */
    public static String rel(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return "inf";
        }
        return v == 0 ? "0" : String.format(Locale.ROOT, "%.1e", v);
    }
}
