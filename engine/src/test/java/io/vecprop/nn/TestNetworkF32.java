package io.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.data.Dataset;
import io.vecprop.data.Synthetic;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Kernels;
import io.vecprop.train.Sgd;
import io.vecprop.kernels.KernelsF32;
import io.vecprop.kernels.SimdSupport;
import io.vecprop.train.MiniBatchTrainer;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The float network against the double one on the same weights: the double network is the
 * oracle (itself checked against central finite differences in TestNetwork), so the float
 * forward pass, loss, every gradient and a training step must agree with it to float precision.
 */
class TestNetworkF32 {

    /** Relative agreement expected of float results with double ones over these small layers: a few hundred float ulps. */
    private static final double FLOAT_REL = 2e-5;

    private static FMatrixRMaj narrow(DMatrixRMaj m) {
        FMatrixRMaj f = new FMatrixRMaj(m.numRows, m.numCols);
        for (int i = 0; i < f.data.length; i++) {
            f.data[i] = (float) m.data[i];
        }
        return f;
    }

    /** Inputs and targets that are floats already, so both networks see the same numbers. */
    private static DMatrixRMaj floats(int rows, int cols, SplittableRandom rnd, double lo, double hi) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) rnd.nextDouble(lo, hi);
        }
        return m;
    }

    private static void assertClose(double expected, double actual, double scale, String what) {
        assertEquals(expected, actual, FLOAT_REL * scale, what);
    }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void forwardLossAndGradientsAgreeWithDoubleOnTheSameWeights(Loss loss) {
        for (KernelSelection kernels : new KernelSelection[] {KernelSelection.scalar(),
                new KernelSelection(Kernels.of(SimdSupport.simd(2)), KernelsF32.of(SimdSupport.simdF32(2)), null)}) {
            NetworkF32 f = NetworkF32.random(kernels.f32(), loss, 11, 13, 37, 29, 5);
            Network d = f.toF64(kernels.f64()); // exactly the float weights
            SplittableRandom rnd = new SplittableRandom(4);
            DMatrixRMaj x = floats(17, 13, rnd, -2, 2);
            DMatrixRMaj t = loss == Loss.CROSS_ENTROPY ? oneHot(17, 5, rnd) : floats(17, 5, rnd, 0.05, 0.95);
            double eD = d.backward(x, t);
            float eF = f.backward(narrow(x), narrow(t));
            assertClose(eD, eF, eD, "loss");
            assertTrue(eF != eD, "a float loss equal to the double one to the bit was not computed in float");
            for (int l = 0; l < 3; l++) {
                DMatrixRMaj gD = d.workspace().gradW(l);
                FMatrixRMaj gF = f.workspace().gradW(l);
                double scale = maxAbs(gD.data);
                int checked = 0;
                for (int i = 0; i < gD.getNumElements(); i++) {
                    assertClose(gD.data[i], gF.data[i], scale, loss + " " + kernels.f32().info().name() + " dE/dW layer " + l + " [" + i + "]");
                    checked++;
                }
                assertEquals(gD.getNumElements(), checked);
                DMatrixRMaj bD = d.workspace().gradB(l);
                FMatrixRMaj bF = f.workspace().gradB(l);
                for (int i = 0; i < bD.getNumElements(); i++) {
                    assertClose(bD.data[i], bF.data[i], maxAbs(bD.data), "dE/db layer " + l);
                }
            }
        }
    }

    @Test
    void aTrainingStepWithMomentumMovesTheWeightsAsInDouble() {
        NetworkF32 f = NetworkF32.random(KernelsF32.scalar(), Loss.CROSS_ENTROPY, 3, 8, 16, 4);
        Network d = f.toF64(Kernels.scalar());
        SplittableRandom rnd = new SplittableRandom(8);
        DMatrixRMaj x = floats(6, 8, rnd, -1, 1);
        DMatrixRMaj t = oneHot(6, 4, rnd);
        Sgd sd = new Sgd(0.9, true), sf = new Sgd(0.9, true);
        for (int step = 0; step < 3; step++) {
            sd.step(d, x, t, 0.5);
            sf.step(f, narrow(x), narrow(t), 0.5f);
        }
        for (int l = 0; l < 2; l++) {
            double[] wd = d.weightValues(l), wf = f.weightValues(l);
            for (int i = 0; i < wd.length; i++) {
                assertClose(wd[i], wf[i], 1, "W layer " + l + " [" + i + "]");
            }
        }
    }

    @Test
    void theSameSeedDrawsTheDoubleNetworkRoundedToFloat() {
        Network d = Network.random(Kernels.scalar(), 42, 7, 9, 3);
        NetworkF32 f = NetworkF32.random(KernelsF32.scalar(), 42, 7, 9, 3);
        for (int l = 0; l < 2; l++) {
            double[] wd = d.weightValues(l), wf = f.weightValues(l);
            for (int i = 0; i < wd.length; i++) {
                assertEquals((float) wd[i], wf[i], 0.0);
            }
        }
    }

    /** A float network learns as the double one does: blobs to high accuracy through the same trainer. */
    @Test
    void aFloatNetworkLearnsBlobsThroughTheTrainer() {
        Dataset train = Synthetic.blobs(2000, 16, 4, 1.0, 5, 0);
        Dataset test = Synthetic.blobs(500, 16, 4, 1.0, 5, 1);
        NetworkF32 f = NetworkF32.random(KernelsF32.of(SimdSupport.simdF32(2)), Loss.CROSS_ENTROPY, 3, 16, 64, 4);
        MiniBatchTrainer.Options o = new MiniBatchTrainer.Options(3, 32, 0.1, 0.9, 1, true, true, 0);
        MiniBatchTrainer.Result r = MiniBatchTrainer.train(f, train, test, o, MiniBatchTrainer.Listener.NONE);
        Network d = Network.random(Kernels.scalar(), Loss.CROSS_ENTROPY, 3, 16, 64, 4);
        MiniBatchTrainer.Result rd = MiniBatchTrainer.train(d, train, test, o, MiniBatchTrainer.Listener.NONE);
        assertTrue(rd.last().validationAccuracy() > 0.9, "double accuracy " + rd.last().validationAccuracy());
        assertEquals(rd.last().validationAccuracy(), r.last().validationAccuracy(), 0.01, "float learns as double does");
        assertEquals(rd.last().trainLoss(), r.last().trainLoss(), 0.05 * rd.last().trainLoss() + 1e-3,
                "three epochs in float end near where double ends");
    }

    private static DMatrixRMaj oneHot(int rows, int classes, SplittableRandom rnd) {
        DMatrixRMaj t = new DMatrixRMaj(rows, classes);
        for (int r = 0; r < rows; r++) {
            t.set(r, rnd.nextInt(classes), 1);
        }
        return t;
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

}
