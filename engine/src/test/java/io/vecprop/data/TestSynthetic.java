package io.vecprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestSynthetic {

    /** The class of each row (the column of its one 1), checking the row is one-hot. */
    private static int[] labels(Dataset d) {
        DMatrixRMaj t = d.targets();
        int[] labels = new int[t.numRows];
        for (int i = 0; i < t.numRows; i++) {
            int ones = 0;
            double sum = 0;
            for (int j = 0; j < t.numCols; j++) {
                double v = t.get(i, j);
                assertTrue(v == 0 || v == 1, "row " + i + " has " + v);
                sum += v;
                if (v == 1) {
                    labels[i] = j;
                    ones++;
                }
            }
            assertEquals(1, ones, "row " + i);
            assertEquals(1.0, sum, "row " + i);
        }
        return labels;
    }

    private static int[] counts(int[] labels, int k) {
        int[] counts = new int[k];
        for (int c : labels) {
            counts[c]++;
        }
        return counts;
    }

    private static boolean sameBits(Dataset a, Dataset b) {
        return Arrays.equals(a.inputs().data, b.inputs().data) && Arrays.equals(a.targets().data, b.targets().data);
    }

    // ---------------------------------------------------------------- xor

    @Test
    void xorValuesAreExact() {
        Dataset d = Synthetic.xor(3);
        assertEquals(12, d.size());
        assertEquals(2, d.inputWidth());
        assertEquals(1, d.targetWidth());
        assertFalse(d.hasClasses());
        double[][] table = {{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}};
        for (int i = 0; i < d.size(); i++) {
            double[] row = table[i % 4];
            assertEquals(row[0], d.inputs().get(i, 0));
            assertEquals(row[1], d.inputs().get(i, 1));
            assertEquals(row[2], d.targets().get(i, 0));
        }
        Dataset g = Synthetic.generate("xor", 99);
        assertEquals("synthetic:xor", g.name());
        assertEquals(4, g.size());
        assertTrue(sameBits(g, Synthetic.xor(1)));
        assertEquals(8, Synthetic.generate("xor:copies=2", 1).size());
    }

    // ---------------------------------------------------------------- regression

    @Test
    void regressionIsItsFormulaPlusNoiseOfTheGivenSpread() {
        Dataset clean = Synthetic.generate("regression:n=500,features=3,noise=0", 5);
        Dataset noisy = Synthetic.generate("regression:n=500,features=3,noise=0.5", 5);
        assertEquals(3, clean.inputWidth());
        assertEquals(1, clean.targetWidth());
        assertFalse(clean.hasClasses());
        // the same inputs and function, so the difference is the noise: mean about 0, std about 0.5
        double sum = 0, sq = 0;
        for (int i = 0; i < 500; i++) {
            assertEquals(clean.inputs().get(i, 0), noisy.inputs().get(i, 0), 0.0);
            double x0 = clean.inputs().get(i, 0);
            assertTrue(x0 >= -2 && x0 < 2, "inputs in [-2, 2)");
            double e = noisy.targets().get(i, 0) - clean.targets().get(i, 0);
            sum += e;
            sq += e * e;
        }
        assertEquals(0, sum / 500, 0.1);
        assertEquals(0.5, Math.sqrt(sq / 500), 0.05);
        // y = 3 + Σ c_f sin(1.5 x_f) + 0.5 x_0 x_1: the c_f from three rows solve the other rows
        double[][] a = new double[3][3];
        double[] rhs = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int f = 0; f < 3; f++) {
                a[i][f] = Math.sin(1.5 * clean.inputs().get(i, f));
            }
            rhs[i] = clean.targets().get(i, 0) - 3 - 0.5 * clean.inputs().get(i, 0) * clean.inputs().get(i, 1);
        }
        org.ejml.data.DMatrixRMaj c = new org.ejml.data.DMatrixRMaj(3, 1);
        assertTrue(org.ejml.dense.row.CommonOps_DDRM.solve(new org.ejml.data.DMatrixRMaj(a),
                new org.ejml.data.DMatrixRMaj(3, 1, true, rhs), c));
        for (int i = 3; i < 500; i++) {
            double y = 3 + 0.5 * clean.inputs().get(i, 0) * clean.inputs().get(i, 1);
            for (int f = 0; f < 3; f++) {
                y += c.get(f) * Math.sin(1.5 * clean.inputs().get(i, f));
            }
            assertEquals(y, clean.targets().get(i, 0), 1e-9, "row " + i);
        }
        // draw=1: the same function on fresh points
        Dataset other = Synthetic.generate("regression:n=500,features=3,noise=0,draw=1", 5);
        assertNotEquals(clean.inputs().get(0, 0), other.inputs().get(0, 0));
        double y = 3 + 0.5 * other.inputs().get(7, 0) * other.inputs().get(7, 1);
        for (int f = 0; f < 3; f++) {
            y += c.get(f) * Math.sin(1.5 * other.inputs().get(7, f));
        }
        assertEquals(y, other.targets().get(7, 0), 1e-9);
    }

    // ---------------------------------------------------------------- determinism and shapes

    @Test
    void sameSpecAndSeedGiveTheSameBits() {
        for (String spec : List.of("blobs:n=500,features=8,classes=3", "spirals:n=300", "blobs", "spirals")) {
            Dataset a = Synthetic.generate(spec, 42);
            Dataset b = Synthetic.generate(spec, 42);
            Dataset c = Synthetic.generate(spec, 43);
            assertTrue(sameBits(a, b), spec);
            assertFalse(Arrays.equals(a.inputs().data, c.inputs().data), spec);
            assertEquals("synthetic:" + spec, a.name());
        }
        // the direct calls give what the spec gives
        assertTrue(sameBits(Synthetic.generate("blobs:n=50,features=4,classes=5,spread=0.5", 3),
                Synthetic.blobs(50, 4, 5, 0.5, 3)));
        assertTrue(sameBits(Synthetic.generate("spirals:noise=0.1,n=60", 3), Synthetic.spirals(60, 0.1, 3)));
    }

    @Test
    void defaultShapesAndClassNames() {
        Dataset blobs = Synthetic.generate("blobs", 1);
        assertEquals(2000, blobs.size());
        assertEquals(64, blobs.inputWidth());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), blobs.classes());
        Dataset spirals = Synthetic.generate("spirals", 1);
        assertEquals(1000, spirals.size());
        assertEquals(2, spirals.inputWidth());
        assertEquals(List.of("0", "1"), spirals.classes());
        for (double v : spirals.inputs().data) {
            assertTrue(Math.abs(v) < 1.3, "spiral coordinate " + v);
        }
    }

    @Test
    void classesAreOneHotAndBalanced() {
        int[] blobCounts = counts(labels(Synthetic.blobs(103, 5, 10, 1.0, 9)), 10);
        for (int c = 0; c < 10; c++) {
            assertEquals(c < 3 ? 11 : 10, blobCounts[c], "class " + c);
        }
        assertArrayEquals(new int[] {501, 500}, counts(labels(Synthetic.spirals(1001, 0.05, 9)), 2));
    }

    // ---------------------------------------------------------------- blobs

    @Test
    void blobsAreShuffledAndNearTheirOwnClassMean() {
        Dataset d = Synthetic.generate("blobs", 5);
        int[] labels = labels(d);
        int n = d.size();
        int f = d.inputWidth();
        int k = d.targetWidth();
        boolean inOrder = true;
        for (int i = 0; i < n; i++) {
            inOrder &= labels[i] == i % k;
        }
        assertFalse(inOrder, "rows are shuffled");
        assertTrue(nearestMeanAccuracy(d, labels) > 0.95);
        // far wider than the centres are apart, the clusters overlap: the check above can fail
        Dataset wide = Synthetic.generate("blobs:spread=30", 5);
        assertTrue(nearestMeanAccuracy(wide, labels(wide)) < 0.5);
        assertEquals(2000, n);
        assertEquals(64, f);
    }

    private static double nearestMeanAccuracy(Dataset d, int[] labels) {
        int n = d.size();
        int f = d.inputWidth();
        int k = d.targetWidth();
        double[][] means = new double[k][f];
        int[] counts = counts(labels, k);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                means[labels[i]][j] += d.inputs().get(i, j) / counts[labels[i]];
            }
        }
        int right = 0;
        for (int i = 0; i < n; i++) {
            int best = -1;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double dist = 0;
                for (int j = 0; j < f; j++) {
                    double e = d.inputs().get(i, j) - means[c][j];
                    dist += e * e;
                }
                if (dist < bestDistance) {
                    bestDistance = dist;
                    best = c;
                }
            }
            right += best == labels[i] ? 1 : 0;
        }
        return (double) right / n;
    }

    @Test
    void blobsWithoutSpreadSitOnTheirCentres() {
        Dataset d = Synthetic.blobs(60, 3, 4, 0.0, 11);
        int[] labels = labels(d);
        double[][] first = new double[4][];
        for (int i = 0; i < d.size(); i++) {
            double[] row = Arrays.copyOfRange(d.inputs().data, 3 * i, 3 * i + 3);
            if (first[labels[i]] == null) {
                first[labels[i]] = row;
            }
            assertArrayEquals(first[labels[i]], row, 0.0, "row " + i);
        }
        assertFalse(Arrays.equals(first[0], first[1]));
    }

    // ---------------------------------------------------------------- spirals

    @Test
    void spiralRadiusGrowsWithAngleAndTheClassesAreHalfATurnApart() {
        Dataset d = Synthetic.spirals(200, 0.0, 1);
        int[] labels = labels(d);
        double[] lastAngle = {Double.NaN, Double.NaN};
        double[] lastRadius = {0, 0};
        for (int i = 0; i < d.size(); i++) {
            double x = d.inputs().get(i, 0);
            double y = d.inputs().get(i, 1);
            double r = Math.hypot(x, y);
            double a = Math.atan2(y, x);
            int c = labels[i];
            assertTrue(r > lastRadius[c] && r <= 1, "radius grows along class " + c + " at row " + i);
            if (!Double.isNaN(lastAngle[c])) {
                double step = Math.IEEEremainder(a - lastAngle[c], 2 * Math.PI);
                assertTrue(step > 0 && step < 0.5, "angle grows a little along class " + c + " at row " + i + ": " + step);
            }
            lastAngle[c] = a;
            lastRadius[c] = r;
        }
        // the samples alternate classes, and class 1 is class 0 turned by half a turn
        for (int i = 0; i < d.size(); i += 2) {
            assertEquals(0, labels[i]);
            assertEquals(1, labels[i + 1]);
            assertEquals(-d.inputs().get(i, 0), d.inputs().get(i + 1, 0), 1e-12);
            assertEquals(-d.inputs().get(i, 1), d.inputs().get(i + 1, 1), 1e-12);
        }
    }

    @Test
    void noisySpiralsKeepTheirNeighbours() {
        Dataset d = Synthetic.generate("spirals", 3);
        int[] labels = labels(d);
        int n = d.size();
        int right = 0;
        for (int i = 0; i < n; i++) {
            int nearest = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double dx = d.inputs().get(i, 0) - d.inputs().get(j, 0);
                double dy = d.inputs().get(i, 1) - d.inputs().get(j, 1);
                double dist = dx * dx + dy * dy;
                if (j != i && dist < best) {
                    best = dist;
                    nearest = j;
                }
            }
            right += labels[nearest] == labels[i] ? 1 : 0;
        }
        assertTrue((double) right / n > 0.95, "1-NN accuracy " + (double) right / n);
    }

    // ---------------------------------------------------------------- bad specs

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "moons | unknown data set 'moons' (known: xor, spirals, blobs, regression)",
        "blobs:size=3 | unknown key 'size' (accepted: n, features, classes, spread, draw)",
        "xor:n=3 | unknown key 'n' (accepted: copies)",
        "spirals:n=3,spread=1 | unknown key 'spread' (accepted: n, noise)",
        "blobs:n=abc | n=abc is not a whole number",
        "spirals:noise=lots | noise=lots is not a number",
        "blobs:classes=1 | classes=1 must be at least 2",
        "blobs:n=5 | n=5 must be from classes=10",
        "blobs:n=20000000 | n=20000000 must be from",
        "blobs:features=0 | features=0 must be at least 1",
        "blobs:spread=-1 | spread=-1.0 must be a finite number >= 0",
        "spirals:noise=NaN | noise=NaN must be a finite number >= 0",
        "spirals:n=1 | n=1 must be from 2",
        "xor:copies=0 | copies=0 must be from 1",
        "blobs:n=100,n=200 | key 'n' given twice",
        "blobs:n | expected key=value, found 'n'",
        "blobs: | expected key=value, found ''",
        "blobs:n=10, | expected key=value, found ''",
    })
    void badSpecsNameTheBadPart(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Synthetic.generate(spec, 1));
        assertTrue(e.getMessage().startsWith("synthetic:" + spec + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void anotherDrawHasTheSameCentresButOtherPoints() {
        Dataset a = Synthetic.blobs(500, 16, 4, 0.5, 9), b = Synthetic.blobs(500, 16, 4, 0.5, 9, 1);
        assertEquals("synthetic:blobs:n=500,features=16,classes=4,spread=0.5,draw=1", b.name());
        assertFalse(java.util.Arrays.equals(a.inputs().data, b.inputs().data), "other points");
        // class means of the two draws lie within a few spread/sqrt(125) of each other: the same centres
        for (int c = 0; c < 4; c++) {
            double[] ma = classMean(a, c), mb = classMean(b, c);
            for (int f = 0; f < 16; f++) {
                assertEquals(ma[f], mb[f], 0.25, "class " + c + " feature " + f);
            }
        }
        assertArrayEquals(Synthetic.blobs(500, 16, 4, 0.5, 9, 0).inputs().data, a.inputs().data);
        assertArrayEquals(b.inputs().data, Synthetic.generate("blobs:n=500,features=16,classes=4,spread=0.5,draw=1", 9).inputs().data);
    }

    private static double[] classMean(Dataset d, int c) {
        double[] mean = new double[d.inputWidth()];
        int count = 0;
        for (int i = 0; i < d.size(); i++) {
            if (d.targets().get(i, c) == 1) {
                count++;
                for (int f = 0; f < mean.length; f++) {
                    mean[f] += d.inputs().get(i, f);
                }
            }
        }
        for (int f = 0; f < mean.length; f++) {
            mean[f] /= count;
        }
        return mean;
    }
}
