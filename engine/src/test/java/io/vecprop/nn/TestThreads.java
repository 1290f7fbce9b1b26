package io.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.SimdSupport;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Training gives bit-identical weights on 1, 2 and 3 threads: the kernels split work only over
 * output elements, so every element keeps one reduction order.
 */
class TestThreads {

    static DMatrixRMaj random(SplittableRandom rnd, int rows, int cols, double lo, double hi) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextDouble(lo, hi);
        }
        return m;
    }

    /** Trains a copy of start with SIMD kernels on the given threads and returns its weights, layer by layer. */
    static double[][] train(Network start, int threads, int batch, int steps) {
        Network net = start.copy(Kernels.of(SimdSupport.simd(threads)));
        SplittableRandom rnd = new SplittableRandom(99);
        DMatrixRMaj x = random(rnd, batch, net.inputs(), -1, 1);
        DMatrixRMaj t = random(rnd, batch, net.outputs(), 0, 1);
        for (int s = 0; s < steps; s++) {
            net.trainStep(x, t, 0.2, true);
        }
        net.backward(x, t);
        double[][] weights = new double[net.layerCount() * 3][];
        for (int l = 0; l < net.layerCount(); l++) {
            weights[3 * l] = net.layer(l).weights().data.clone();
            weights[3 * l + 1] = net.layer(l).bias().data.clone();
            weights[3 * l + 2] = net.workspace().gradW(l).data.clone();
        }
        return weights;
    }

    @Test
    void sameWeightsOnOneTwoAndThreeThreadsForBatches() {
        // wide enough that the products and updates are split (see Tuning.MIN_WORK_PER_THREAD)
        Network start = Network.random(Kernels.scalar(), 7, 2053, 2053, 129, 10);
        for (int batch : new int[] {1, 37}) {
            double[][] one = train(start, 1, batch, 5);
            double[][] two = train(start, 2, batch, 5);
            double[][] three = train(start, 3, batch, 5);
            for (int i = 0; i < one.length; i++) {
                assertArrayEquals(one[i], two[i], "batch " + batch + ", array " + i + ": 1 vs 2 threads");
                assertArrayEquals(one[i], three[i], "batch " + batch + ", array " + i + ": 1 vs 3 threads");
            }
            // and the weights did move
            assertTrue(!java.util.Arrays.equals(one[0], start.layer(0).weights().data));
        }
    }
}
