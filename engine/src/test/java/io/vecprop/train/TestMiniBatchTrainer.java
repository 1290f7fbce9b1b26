package io.vecprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.data.Dataset;
import io.vecprop.data.Synthetic;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.SimdSupport;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.GradientSum;
import io.vecprop.nn.Loss;
import io.vecprop.nn.Parameters;
import io.vecprop.kernels.Precision;
import io.vecprop.nn.Network;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class TestMiniBatchTrainer {

    private static MiniBatchTrainer.Options options(int epochs, int batch, double lr, double momentum, long seed) {
        return new MiniBatchTrainer.Options(epochs, batch, lr, momentum, seed, true, true, 0);
    }

    @Test
    void xorIsLearnedByA241Network() {
        Dataset xor = Synthetic.xor(1);
        Network network = Network.random(Kernels.scalar(), 3, 2, 4, 1);
        MiniBatchTrainer.Result r = MiniBatchTrainer.train(network, xor, null, options(3000, 4, 2.0, 0.9, 3),
                MiniBatchTrainer.Listener.NONE);
        DMatrixRMaj out = network.forward(xor.inputs());
        for (int i = 0; i < 4; i++) {
            assertEquals(xor.targets().get(i, 0), out.get(i, 0), 0.1, "XOR of sample " + i + ", after " + r.epochs().size() + " epochs");
        }
        assertTrue(r.last().trainLoss() < 0.005, "loss " + r.last().trainLoss());
    }

    @Test
    void aWideNetworkLearnsBlobsInAFewEpochs() {
        // 64-256-256-10 with softmax on cross-entropy, 2000 Gaussian blobs in 64 dimensions: above 95% on
        // 500 held-out samples after 3 epochs (measured: 99.2% after the first). Sigmoid outputs on the
        // half-squared error learn this far slower through two sigmoid layers (near 20% after 3 epochs
        // at any learning rate tried), as expected of that loss on 10 classes.
        Dataset all = Synthetic.blobs(2500, 64, 10, 1.0, 5);
        int[] trainRows = java.util.stream.IntStream.range(0, 2000).toArray();
        int[] validRows = java.util.stream.IntStream.range(2000, 2500).toArray();
        Dataset train = all.select("train", trainRows), valid = all.select("valid", validRows);
        for (Loss loss : new Loss[] {Loss.CROSS_ENTROPY}) {
            Network network = Network.random(SimdSupport.kernels("simd"), loss, 7, 64, 256, 256, 10);
            double lr = 0.1;
            List<MiniBatchTrainer.Epoch> seen = new ArrayList<>();
            MiniBatchTrainer.Result r = MiniBatchTrainer.train(network, train, valid, options(3, 32, lr, 0.9, 7),
                    new MiniBatchTrainer.Listener() {
                        @Override
                        public void epochDone(MiniBatchTrainer.Epoch e) {
                            seen.add(e);
                        }
                    });
            assertEquals(r.epochs(), seen);
            assertEquals(3, r.epochs().size());
            MiniBatchTrainer.Epoch last = r.last();
            assertTrue(last.validationAccuracy() > 0.95, loss + ": validation accuracy " + last.validationAccuracy());
            assertTrue(last.trainLoss() < r.epochs().getFirst().trainLoss(), loss + ": the loss falls");
            assertEquals(2000, last.samples());
            // the reported validation figures are what evaluate gives
            MiniBatchTrainer.Evaluation e = MiniBatchTrainer.evaluate(network, valid, 100);
            assertEquals(e.loss(), last.validationLoss(), 1e-12);
            assertEquals(e.accuracy(), last.validationAccuracy());
        }
    }

    @Test
    void sameSeedSameWeightsOnOneAndTwoThreads() {
        Dataset blobs = Synthetic.blobs(700, 40, 5, 1.0, 11);
        double[][] weights = new double[2][];
        for (int threads = 1; threads <= 2; threads++) {
            Network network = Network.random(Kernels.of(SimdSupport.simd(threads)), Loss.CROSS_ENTROPY, 13, 40, 96, 5);
            // 700 = 21 batches of 32 and one of 28: the short last batch runs too
            MiniBatchTrainer.train(network, blobs, null, options(2, 32, 0.1, 0.9, 13), MiniBatchTrainer.Listener.NONE);
            weights[threads - 1] = flatten(network);
        }
        assertArrayEquals(weights[0], weights[1], "bit-identical weights on 1 and 2 threads");
        // and the scalar kernels from the same start agree within the kernels' tolerance
        Network scalar = Network.random(Kernels.scalar(), Loss.CROSS_ENTROPY, 13, 40, 96, 5);
        MiniBatchTrainer.train(scalar, blobs, null, options(2, 32, 0.1, 0.9, 13), MiniBatchTrainer.Listener.NONE);
        double[] s = flatten(scalar);
        for (int i = 0; i < s.length; i++) {
            assertEquals(s[i], weights[0][i], 1e-9 * Math.max(1, Math.abs(s[i])), "scalar vs SIMD weight " + i);
        }
    }

    @Test
    void shuffleDependsOnTheSeedAndNoShuffleKeepsTheOrder() {
        Dataset blobs = Synthetic.blobs(300, 8, 3, 1.0, 2);
        double[] a = trained(blobs, 21, true), b = trained(blobs, 21, true), c = trained(blobs, 22, true);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c), "another seed shuffles differently");
        // without shuffling, training equals plain steps over the rows in order
        Network byHand = Network.random(Kernels.scalar(), 5, 8, 6, 3);
        for (int from = 0; from < 300; from += 64) {
            int rows = Math.min(64, 300 - from);
            DMatrixRMaj x = new DMatrixRMaj(rows, 8), t = new DMatrixRMaj(rows, 3);
            System.arraycopy(blobs.inputs().data, from * 8, x.data, 0, rows * 8);
            System.arraycopy(blobs.targets().data, from * 3, t.data, 0, rows * 3);
            byHand.trainStep(x, t, 0.2, true);
        }
        assertArrayEquals(flatten(byHand), trained(blobs, 5, false));
    }

    private static double[] trained(Dataset data, long seed, boolean shuffle) {
        Network network = Network.random(Kernels.scalar(), 5, 8, 6, 3);
        MiniBatchTrainer.train(network, data, null, new MiniBatchTrainer.Options(1, 64, 0.2, 0, seed, shuffle, true, 0),
                MiniBatchTrainer.Listener.NONE);
        return flatten(network);
    }

    @Test
    void stopsAtTheTargetLossAndReportsEveryBatch() {
        Dataset xor = Synthetic.xor(8); // 32 samples, batches of 5: 7 per epoch, the last of 2
        Network network = Network.random(Kernels.scalar(), 3, 2, 4, 1);
        int[] batchesSeen = new int[1];
        long[] lastSamples = new long[1];
        MiniBatchTrainer.Result r = MiniBatchTrainer.train(network, xor, null,
                new MiniBatchTrainer.Options(100_000, 5, 2.0, 0.9, 3, true, true, 0.01),
                new MiniBatchTrainer.Listener() {
                    @Override
                    public void epochStarted(int epoch, int epochs, int batches) {
                        assertEquals(7, batches);
                        batchesSeen[0] = 0;
                    }

                    @Override
                    public void batchDone(int batchesDone, long samplesDone, double runningLoss) {
                        assertEquals(++batchesSeen[0], batchesDone);
                        lastSamples[0] = samplesDone;
                    }
                });
        assertTrue(r.reachedTarget());
        assertTrue(r.epochs().size() < 100_000);
        assertTrue(r.last().trainLoss() < 0.01);
        assertTrue(r.epochs().get(r.epochs().size() - 2).trainLoss() >= 0.01, "stops at the first epoch below the target");
        assertEquals(32, lastSamples[0]);
        assertTrue(Double.isNaN(r.last().trainAccuracy()), "no accuracy without classes");
        assertTrue(Double.isNaN(r.last().validationLoss()));
    }

    @Test
    void theLoopAllocatesNothingPerBatch() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean sun)
                || !sun.isThreadAllocatedMemorySupported()) {
            org.junit.jupiter.api.Assumptions.abort("thread allocation counting not supported");
            return;
        }
        Dataset blobs = Synthetic.blobs(1000, 16, 4, 1.0, 3);
        Network network = Network.random(Kernels.scalar(), Loss.CROSS_ENTROPY, 3, 16, 32, 4);
        long[] at = new long[3];
        MiniBatchTrainer.Listener probe = new MiniBatchTrainer.Listener() {
            @Override
            public void batchDone(int batchesDone, long samplesDone, double runningLoss) {
                // 1000 rows in batches of 31: 32 full and a short 33rd; from the end of the 2nd to the end of the last, 31 steps
                if (batchesDone == 2) {
                    at[0] = sun.getCurrentThreadAllocatedBytes();
                } else if (batchesDone == 33) {
                    at[1] = sun.getCurrentThreadAllocatedBytes();
                }
            }
        };
        MiniBatchTrainer.Options o = new MiniBatchTrainer.Options(30, 31, 0.1, 0.9, 3, true, true, 0);
        MiniBatchTrainer.train(network, blobs, null, o, probe); // warm-up: the JIT compiles the loop
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            MiniBatchTrainer.train(network, blobs, null, new MiniBatchTrainer.Options(1, 31, 0.1, 0.9, 3, true, true, 0), probe);
            least = Math.min(least, at[1] - at[0]);
        }
        assertTrue(least < 256, "31 steps allocated " + least + " bytes");
    }

    /**
     * Steps as a data-parallel trainer takes them, in one process: the training rows split into
     * contiguous blocks, one worker per block (its own copy of the network, set from the driver's
     * parameters each step, as a broadcast would) summing the gradient of the batch's rows in its
     * block; the sums added in block order and applied by the driver.
     */
    private static final class ShardedSteps implements MiniBatchTrainer.Steps {
        private final int parts;
        private final KernelSelection kernels;
        private DenseNetwork driver;
        private Dataset train;
        private MiniBatchTrainer.Options options;
        private Optimizer optimizer;
        private DenseNetwork[] workers;
        private BatchBuffers[] buffers;
        private long correct;

        ShardedSteps(int parts, KernelSelection kernels) {
            this.parts = parts;
            this.kernels = kernels;
        }

        @Override
        public void start(DenseNetwork network, Dataset train, MiniBatchTrainer.Options options, int batch) {
            this.driver = network;
            this.train = train;
            this.options = options;
            this.optimizer = Optimizer.of(options);
            workers = new DenseNetwork[parts];
            buffers = new BatchBuffers[parts];
            for (int p = 0; p < parts; p++) {
                workers[p] = network.precision() == Precision.F64 ? network.toF64(kernels.f64()) : network.toF32(kernels.f32());
                buffers[p] = BatchBuffers.of(workers[p], batch);
                workers[p].dropout(options.newDropout()); // each worker's own, the same masks
            }
        }

        @Override
        public double step(int epoch, int[] order, int from, int rows, double learningRate) {
            Parameters broadcast = driver.parameters();
            GradientSum total = null;
            int n = train.size();
            for (int p = 0; p < parts; p++) {
                int lo = (int) ((long) n * p / parts), hi = (int) ((long) n * (p + 1) / parts);
                int[] mine = java.util.stream.IntStream.range(from, from + rows).map(i -> order[i])
                        .filter(r -> r >= lo && r < hi).toArray();
                if (mine.length == 0) {
                    continue;
                }
                workers[p].setParameters(broadcast);
                if (workers[p].dropout() != null) {
                    workers[p].dropout().rows(epoch, mine, 0); // the rows' samples, wherever they fall in the batch
                }
                buffers[p].gather(train, mine, 0, mine.length);
                GradientSum g = buffers[p].gradientSum();
                total = total == null ? g : total.add(g);
            }
            assertEquals(rows, total.rows());
            optimizer.applyGradientSum(driver, total, learningRate);
            correct = total.correct();
            return total.lossSum() / rows;
        }

        @Override
        public long correct() {
            return correct;
        }

        @Override
        public Optimizer optimizer() {
            return optimizer;
        }
    }

    @ParameterizedTest(name = "{0}, dropout {1}")
    @CsvSource({"F64, 0", "F32, 0", "F64, 0.3", "F32, 0.3"})
    void dataParallelStepsTrainAsOneMachineUpToSummationOrder(Precision precision, double dropout) {
        // 8-16-3 on cross-entropy with momentum, 300 rows in batches of 32 (the last of 12), 2 epochs,
        // split over 3 workers; every batch, loss and accuracy as on one machine (with dropout, every
        // worker drops the units one machine drops: the masks follow the samples)
        Dataset blobs = Synthetic.blobs(300, 8, 3, 1.0, 17);
        KernelSelection kernels = KernelSelection.scalar();
        MiniBatchTrainer.Options o = MiniBatchTrainer.Options.builder().epochs(2).batch(32).learningRate(0.1)
                .momentum(0.9).seed(19).dropout(dropout).build();
        DenseNetwork local = DenseNetwork.random(precision, kernels, Loss.CROSS_ENTROPY, 23, 8, 16, 3);
        DenseNetwork sharded = DenseNetwork.random(precision, kernels, Loss.CROSS_ENTROPY, 23, 8, 16, 3);
        MiniBatchTrainer.Result a = MiniBatchTrainer.train(local, blobs, null, o, MiniBatchTrainer.Listener.NONE);
        MiniBatchTrainer.Result b = MiniBatchTrainer.train(sharded, blobs, null, o, MiniBatchTrainer.Listener.NONE,
                new ShardedSteps(3, kernels));
        // double: a few ulps per step of a value of order 1; float: the same in float ulps
        double rel = precision == Precision.F64 ? 1e-12 : 1e-5;
        for (int l = 0; l < local.layerCount(); l++) {
            double[] wa = local.weightValues(l), wb = sharded.weightValues(l);
            double max = java.util.Arrays.stream(wa).map(Math::abs).max().orElseThrow();
            for (int i = 0; i < wa.length; i++) {
                assertEquals(wa[i], wb[i], rel * max, "W of layer " + l + " [" + i + "]");
            }
            double[] ba = local.biasValues(l), bb = sharded.biasValues(l);
            for (int i = 0; i < ba.length; i++) {
                assertEquals(ba[i], bb[i], rel * max, "b of layer " + l + " [" + i + "]");
            }
        }
        assertFalse(java.util.Arrays.equals(local.weightValues(0),
                DenseNetwork.random(precision, kernels, Loss.CROSS_ENTROPY, 23, 8, 16, 3).weightValues(0)), "the weights moved");
        for (int e = 0; e < 2; e++) {
            MiniBatchTrainer.Epoch ea = a.epochs().get(e), eb = b.epochs().get(e);
            assertEquals(ea.trainLoss(), eb.trainLoss(), rel * ea.trainLoss(), "epoch " + (e + 1) + " loss");
            assertEquals(ea.trainAccuracy(), eb.trainAccuracy(), "epoch " + (e + 1) + " accuracy");
        }
        assertNull(local.dropout(), "the trained network no longer drops");
        if (dropout > 0) {
            DenseNetwork plain = DenseNetwork.random(precision, kernels, Loss.CROSS_ENTROPY, 23, 8, 16, 3);
            MiniBatchTrainer.train(plain, blobs, null, MiniBatchTrainer.Options.builder().epochs(2).batch(32)
                    .learningRate(0.1).momentum(0.9).seed(19).build(), MiniBatchTrainer.Listener.NONE);
            assertFalse(java.util.Arrays.equals(plain.weightValues(0), local.weightValues(0)), "dropout changed the run");
        }
    }

    @Test
    void badOptionsAndMismatchedDataAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> options(0, 1, 0.1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> options(1, 0, 0.1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> options(1, 1, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> options(1, 1, 0.1, 1, 1));
        Network network = Network.random(Kernels.scalar(), 3, 3, 4, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MiniBatchTrainer.train(
                network, Synthetic.xor(1), null, options(1, 4, 0.1, 0, 1), MiniBatchTrainer.Listener.NONE));
        assertTrue(e.getMessage().contains("2 inputs") && e.getMessage().contains("takes 3"), e.getMessage());
    }

    private static double[] flatten(Network network) {
        int size = 0;
        for (int l = 0; l < network.layerCount(); l++) {
            size += network.layer(l).weights().getNumElements() + network.layer(l).bias().getNumElements();
        }
        double[] all = new double[size];
        int at = 0;
        for (int l = 0; l < network.layerCount(); l++) {
            DMatrixRMaj w = network.layer(l).weights(), b = network.layer(l).bias();
            System.arraycopy(w.data, 0, all, at, w.getNumElements());
            at += w.getNumElements();
            System.arraycopy(b.data, 0, all, at, b.getNumElements());
            at += b.getNumElements();
        }
        return all;
    }
}
