package io.vecprop.bench;

/**
 * The fixed training workloads the benchmarks and reports use: W1 the worked example, online; W2
 * 1024-1024-1024, online; W3 784-1024-1024-10, batch 128; W4 4096-4096, batch 256.
 */
public final class Workloads {

    private Workloads() {}

    public static int[] widths(String workload) {
        return switch (workload) {
            case "W1" -> new int[] {2, 2, 2};
            case "W2" -> new int[] {1024, 1024, 1024};
            case "W3" -> new int[] {784, 1024, 1024, 10};
            case "W4" -> new int[] {4096, 4096};
            default -> throw new IllegalArgumentException("workload " + workload + ": W1, W2, W3 or W4");
        };
    }

    public static int batch(String workload) {
        return switch (workload) {
            case "W3" -> 128;
            case "W4" -> 256;
            default -> 1;
        };
    }

    /** Like "(784-1024-1024-10, N=128)". */
    public static String describe(String workload) {
        return "(" + describe(widths(workload), batch(workload)) + ")";
    }

    /** Like "784-1024-1024-10, N=128". */
    public static String describe(int[] widths, int batch) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            sb.append(i == 0 ? "" : "-").append(widths[i]);
        }
        return sb.append(", N=").append(batch).toString();
    }

    /**
     * Flops of one step: per layer 2·N·in·out for the forward product, as many for the weight
     * update, and as many again for the delta of the layer below (not for the first layer).
     */
    public static double flops(String workload) {
        return flops(widths(workload), batch(workload));
    }

    /** As {@link #flops(String)}, for any widths and batch. */
    public static double flops(int[] widths, int batch) {
        double flops = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            double mac = (double) batch * widths[l] * widths[l + 1];
            flops += 2 * mac * (l == 0 ? 2 : 3);
        }
        return flops;
    }
}
