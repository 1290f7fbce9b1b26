package io.vecprop.nn;

import io.vecprop.kernels.Precision;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Parameters and GradientSum: through Java serialization (what Spark sends) every bit comes back; sums add. */
class TestGradientSum {

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value, int[] size) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        size[0] = bytes.size();
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    /** Random values over the whole range, and the awkward ones. */
    private static double[] doubles(int n) {
        SplittableRandom rnd = new SplittableRandom(3);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = rnd.nextDouble(-1, 1) * Math.pow(10, rnd.nextInt(-300, 300));
        }
        d[0] = -0.0;
        d[1] = Double.NaN;
        d[2] = Double.NEGATIVE_INFINITY;
        d[3] = Double.MIN_VALUE;
        d[n - 1] = Double.longBitsToDouble(0x7ff0000000000123L); // a NaN with a payload: Java serialization keeps NaN, not its payload
        return d;
    }

    @Test
    void doublesComeBackBitForBit() throws Exception {
        int[] size = new int[1];
        double[] d = doubles(8192 * 3 + 17);
        Parameters p = roundTrip(Parameters.of(d.clone()), size);
        assertEquals(Precision.F64, p.precision());
        assertEquals(d.length, p.size());
        for (int i = 0; i < d.length; i++) {
            assertEquals(Double.doubleToLongBits(d[i]), Double.doubleToRawLongBits(p.f64()[i]), "value " + i);
        }
        assertTrue(size[0] < 8 * d.length + 1024, size[0] + " bytes for " + d.length + " doubles");

        GradientSum g = roundTrip(GradientSum.of(d.clone(), 12.5, 7, 9), size);
        assertEquals(12.5, g.lossSum());
        assertEquals(7, g.correct());
        assertEquals(9, g.rows());
        for (int i = 0; i < d.length; i++) {
            assertEquals(Double.doubleToLongBits(d[i]), Double.doubleToRawLongBits(g.f64()[i]), "gradient value " + i);
        }
    }

    @Test
    void floatsComeBackBitForBit() throws Exception {
        int[] size = new int[1];
        double[] d = doubles(16384 * 2 + 5);
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        GradientSum g = roundTrip(GradientSum.of(f.clone(), 1, 0, 3), size);
        assertEquals(Precision.F32, g.precision());
        assertArrayEquals(f, g.f32());
        assertTrue(size[0] < 4 * f.length + 1024, size[0] + " bytes for " + f.length + " floats");
        assertArrayEquals(new float[0], ((GradientSum) roundTrip(GradientSum.of(new float[0], 0, 0, 0), size)).f32());
    }

    @Test
    void sumsAddValueByValueAndRefuseAMismatch() {
        GradientSum a = GradientSum.of(new double[] {1, 2, 3}, 0.5, 1, 2);
        a.add(GradientSum.of(new double[] {10, 20, 30}, 0.25, 2, 3));
        assertArrayEquals(new double[] {11, 22, 33}, a.f64());
        assertEquals(0.75, a.lossSum());
        assertEquals(3, a.correct());
        assertEquals(5, a.rows());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(GradientSum.of(new float[3], 0, 0, 1)));
        assertTrue(e.getMessage().contains("3 f32 values to one of 3 f64 values"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradientSum.of(new double[1], 0, 3, 2));
        assertThrows(IllegalStateException.class, a::f32);
    }
}
