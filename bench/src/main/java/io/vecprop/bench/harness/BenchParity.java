package io.vecprop.bench.harness;

import io.vecprop.cli.ParityTable;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.kernels.Parity;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parity columns of the bench report: for each SIMD row of a kernel benchmark, how far the SIMD
 * result is from the scalar one on the row's operands ({@link Parity}), computed in this process
 * when the report is built, once per kernel, size and precision. The scalar and EJML rows, the
 * training steps and the ceilings get none. A row above {@link Parity#MAX_WORK} multiply-adds is
 * checked at {@link Parity#STAND_IN_SIZE} instead, and the report's note names it.
 */
final class BenchParity {

    /** No parity columns filled: for reports built without a check. */
    static final BenchParity NONE = new BenchParity(null, "not checked");

    /** null when nothing is checked; then why is the note's reason. */
    private final Parity parity;
    private final String why;
    /** The comparison per SigmoidBench variant (poly, lanewise), each with its own cache. */
    private final Map<String, Parity> sigmoids = new HashMap<>();

    private BenchParity(Parity parity, String why) {
        this.parity = parity;
        this.why = why;
    }

    /** The SIMD kernels of this JVM (one thread: results are the same on any count) against scalar. */
    static BenchParity simd() {
        String why = KernelProvider.simdUnavailableReason();
        return why != null ? new BenchParity(null, "the SIMD kernels cannot run in this process: " + why)
                : new BenchParity(Parity.simd(1), null);
    }

    /** The given comparison, for tests. */
    static BenchParity of(Parity parity) {
        return new BenchParity(parity, null);
    }

    /** The check of a row's kernel at its size and precision, or null for a row that gets none. */
    Parity.Check of(BenchReport.Row row) {
        Parity.Kernel kernel = Parity.Kernel.of(row.benchmark());
        if (parity == null || kernel == null || row.precision() == null || row.size() == null
                || !row.size().matches("\\d{1,9}") || row.kernels().equals("scalar") || row.kernels().equals("ejml")) {
            return null;
        }
        Parity p = comparison(kernel, row.kernels());
        return p == null ? null : p.check(kernel, row.precision().id(),
                List.of(Parity.reportShape(kernel, Integer.parseInt(row.size()))));
    }

    /** The comparison for a row's kernels: the sigmoid's variant, or the SIMD kernels; null for others. */
    private Parity comparison(Parity.Kernel kernel, String kernels) {
        if (kernel != Parity.Kernel.SIGMOID || kernels.equals("simd")) {
            return kernels.equals("simd") ? parity : null;
        }
        if (!kernels.equals("poly") && !kernels.equals("lanewise")) {
            return null;
        }
        if (kernels.equals(parity.candidateInfo(Parity.F64).sigmoid())) {
            return parity;
        }
        return sigmoids.computeIfAbsent(kernels, parity::withSimdSigmoid);
    }

    /** Whether a row's check ran at a stand-in size rather than its own. */
    static boolean standIn(BenchReport.Row row) {
        return row.parity() != null && !row.parity().shapes().get(0).label().equals(row.size());
    }

    /** The report's note on the two columns: what they are, at what width, and which rows used a stand-in size. */
    String note(List<BenchReport.Row> rows) {
        if (parity == null) {
            return "max ulps and max rel diff: " + why + ".";
        }
        StringBuilder sb = new StringBuilder("max ulps and max rel diff: the SIMD result against the scalar one on the "
                + "same seeded inputs of the row's kernel, size and precision, checked when this report was built ("
                + parity.candidateInfo(Parity.F64).vectorBits() + "-bit vectors; see vecprop info --parity). "
                + ParityTable.DEFINITIONS);
        Set<String> standIns = new LinkedHashSet<>();
        for (BenchReport.Row r : rows) {
            if (standIn(r)) {
                standIns.add(r.benchmark() + " " + r.size());
            }
        }
        if (!standIns.isEmpty()) {
            sb.append(" * checked at n = ").append(Parity.STAND_IN_SIZE).append(" instead of the row's own size, "
                    + "which is over 2^27 multiply-adds (0.5 to 1.5 s per check): ").append(String.join(", ", standIns))
                    .append('.');
        }
        return sb.toString();
    }
}
