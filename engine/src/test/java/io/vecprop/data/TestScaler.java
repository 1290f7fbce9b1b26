package io.vecprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class TestScaler {

    private static DMatrixRMaj data() {
        // columns: 1..4, constant 7, and -2, 0, 2, 8
        return new DMatrixRMaj(new double[][] {{1, 7, -2}, {2, 7, 0}, {3, 7, 2}, {4, 7, 8}});
    }

    @Test
    void minmaxMapsTheTrainingRangeToZeroOne() {
        DMatrixRMaj x = data();
        Scaler s = Scaler.fit(Scaler.Kind.MINMAX, x);
        s.apply(x);
        assertArrayEquals(new double[] {0, 0, 0, 1.0 / 3, 0, 0.2, 2.0 / 3, 0, 0.4, 1, 0, 1}, x.data, 1e-15);
        // a value outside the training range maps outside [0, 1]: the statistics are the training part's
        DMatrixRMaj later = new DMatrixRMaj(new double[][] {{7, 7, 18}});
        s.apply(later);
        assertArrayEquals(new double[] {2, 0, 2}, later.data, 1e-15);
    }

    @Test
    void standardGivesMeanZeroAndUnitVariance() {
        DMatrixRMaj x = data();
        Scaler s = Scaler.fit(Scaler.Kind.STANDARD, x);
        assertArrayEquals(new double[] {2.5, 7, 2}, s.shift(), 1e-15);
        // population deviations: sqrt(1.25), constant column gets factor 1, sqrt(14)
        assertArrayEquals(new double[] {1 / Math.sqrt(1.25), 1, 1 / Math.sqrt(14)}, s.factor(), 1e-15);
        s.apply(x);
        for (int j = 0; j < 3; j++) {
            double mean = 0, sq = 0;
            for (int i = 0; i < 4; i++) {
                mean += x.get(i, j) / 4;
                sq += x.get(i, j) * x.get(i, j) / 4;
            }
            assertEquals(0, mean, 1e-15);
            assertEquals(j == 1 ? 0 : 1, sq, 1e-14);
        }
    }

    @Test
    void noneChangesNothingAndWidthsMustMatch() {
        DMatrixRMaj x = data();
        Scaler.fit(Scaler.Kind.NONE, x).apply(x);
        assertArrayEquals(data().data, x.data);
        assertThrows(IllegalArgumentException.class, () -> Scaler.none(2).apply(x));
        assertEquals(Scaler.Kind.MINMAX, Scaler.Kind.of("minmax"));
        assertThrows(IllegalArgumentException.class, () -> Scaler.Kind.of("zscore"));
    }
}
