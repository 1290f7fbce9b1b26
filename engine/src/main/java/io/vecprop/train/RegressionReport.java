package io.vecprop.train;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/**
 * How well numeric outputs fit their targets, as scikit-learn's regression metrics report it:
 * mean squared error and mean absolute error over every output of every sample, and R² per output
 * ({@code 1 - Σ(t - y)² / Σ(t - mean t)²}) averaged over the outputs ({@code r2_score}'s
 * {@code uniform_average}). An output whose targets are all equal has R² 1 when it is predicted
 * exactly and 0 otherwise, as r2_score scores it.
 *
 * @param r2PerOutput R² of each output
 */
public record RegressionReport(double mse, double mae, double r2, double[] r2PerOutput, long samples) {

    public RegressionReport {
        r2PerOutput = r2PerOutput.clone();
    }

    /** The sums a report is made of, filled one prediction at a time. */
    public static final class Sums {
        private final DMatrixRMaj targets;
        private final double[] mean;
        private final double[] squared;
        private double absolute;

        /** For the targets (N x outputs) the predictions will be compared with. */
        public Sums(DMatrixRMaj targets) {
            this.targets = targets;
            int k = targets.numCols;
            mean = new double[k];
            squared = new double[k];
            for (int i = 0; i < targets.numRows; i++) {
                for (int j = 0; j < k; j++) {
                    mean[j] += targets.data[i * k + j];
                }
            }
            for (int j = 0; j < k; j++) {
                mean[j] /= Math.max(1, targets.numRows);
            }
        }

        /** The prediction y of output j for sample i. */
        public void add(int i, int j, double y) {
            double e = targets.data[i * targets.numCols + j] - y;
            squared[j] += e * e;
            absolute += Math.abs(e);
        }

        public RegressionReport report() {
            int n = targets.numRows, k = targets.numCols;
            double[] r2 = new double[k];
            for (int j = 0; j < k; j++) {
                double total = 0; // Σ (t - mean)², in a second pass for accuracy
                for (int i = 0; i < n; i++) {
                    double d = targets.data[i * k + j] - mean[j];
                    total += d * d;
                }
                r2[j] = total > 0 ? 1 - squared[j] / total : squared[j] == 0 ? 1 : 0;
            }
            double sse = Arrays.stream(squared).sum();
            return new RegressionReport(sse / ((double) n * k), absolute / ((double) n * k), Arrays.stream(r2).average().orElse(Double.NaN), r2, n);
        }
    }
}
