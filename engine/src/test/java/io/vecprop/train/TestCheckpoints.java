package io.vecprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.data.Dataset;
import io.vecprop.data.Scaler;
import io.vecprop.data.Synthetic;
import io.vecprop.io.ModelFile;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Precision;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Init;
import io.vecprop.nn.Loss;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Resume is exact: 3 epochs, a checkpoint written to disk and read back, then 2 more give the
 * bits of 5 epochs in one run, for every update rule, with and without a schedule (plateau's
 * memory included), dropout, early stopping and clipping, in f64 and f32. And the checkpoint is a
 * model file, and a checkpoint of other options is refused by name.
 */
class TestCheckpoints {

    @TempDir
    Path dir;

    private static final Dataset ALL = Synthetic.blobs(360, 8, 3, 1.5, 17);
    private static final Dataset TRAIN = ALL.select("train", range(0, 300));
    private static final Dataset VALIDATION = ALL.select("validation", range(300, 360));

    private static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    private static DenseNetwork network(Precision precision) {
        return DenseNetwork.random(precision, KernelSelection.scalar(), Loss.CROSS_ENTROPY,
                List.of(Activation.RELU, Activation.TANH, Activation.SOFTMAX), Init.AUTO, 29, 8, 16, 12, 3);
    }

    static Stream<Arguments> runs() {
        List<Arguments> all = new ArrayList<>();
        for (Precision p : Precision.values()) {
            for (OptimizerSpec spec : new OptimizerSpec[] {OptimizerSpec.sgd(0), OptimizerSpec.sgd(0.9),
                OptimizerSpec.nesterov(0.9).withWeightDecay(1e-3), OptimizerSpec.adam(), OptimizerSpec.adamW()}) {
                for (String schedule : new String[] {"constant", "cosine", "plateau:patience=0,factor=0.5"}) {
                    for (double dropout : new double[] {0, 0.3}) {
                        all.add(Arguments.of(p, spec, schedule, dropout));
                    }
                }
            }
        }
        return all.stream();
    }

    private static MiniBatchTrainer.Options options(OptimizerSpec spec, String schedule, double dropout, int epochs) {
        return MiniBatchTrainer.Options.builder().epochs(epochs).batch(32).optimizer(spec)
                .learningRate(spec.kind().adam() ? 0.01 : 0.1).seed(19).schedule(Schedule.parse(schedule))
                .warmup(schedule.equals("cosine") ? 1 : 0).clipNorm(spec.kind() == OptimizerSpec.Kind.NESTEROV ? 1 : 0)
                .earlyStop(schedule.startsWith("plateau") ? 0 : 4).dropout(dropout).build();
    }

    /** Trains network for the options, saving a checkpoint file after every epoch into dir. */
    private MiniBatchTrainer.Result train(DenseNetwork network, MiniBatchTrainer.Options o, Path dir,
            CheckpointFile.Loaded from) {
        MiniBatchTrainer.Checkpoints checkpoints = new MiniBatchTrainer.Checkpoints(from == null ? null : from.checkpoint(),
                1, (net, c) -> {
                    try {
                        CheckpointFile.write(dir, net, Scaler.none(net.inputs()), TRAIN.classes(), false, 1, c);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        return MiniBatchTrainer.train(network, TRAIN, VALIDATION, o, MiniBatchTrainer.Listener.NONE,
                MiniBatchTrainer.local(), checkpoints);
    }

    @ParameterizedTest(name = "{0} {1} {2} dropout {3}")
    @MethodSource("runs")
    void threeEpochsThenResumedTwoAreFiveEpochsBitForBit(Precision precision, OptimizerSpec spec, String schedule,
            double dropout) throws IOException {
        MiniBatchTrainer.Options five = options(spec, schedule, dropout, 5);
        DenseNetwork straight = network(precision);
        Path all = dir.resolve("all");
        MiniBatchTrainer.Result whole = train(straight, five, all, null);

        // the run killed after its third epoch's checkpoint: read that back from disk and go on
        CheckpointFile.Loaded third = CheckpointFile.read(CheckpointFile.path(all, 3), KernelSelection.scalar());
        assertEquals(3, third.checkpoint().epoch());
        DenseNetwork resumed = third.model().network();
        assertEquals(precision, resumed.precision());
        Path more = dir.resolve("more");
        MiniBatchTrainer.Result rest = train(resumed, five, more, third);

        for (int l = 0; l < straight.layerCount(); l++) {
            assertArrayEquals(straight.weightValues(l), resumed.weightValues(l), "W of layer " + l);
            assertArrayEquals(straight.biasValues(l), resumed.biasValues(l), "b of layer " + l);
        }
        assertEquals(whole.epochs().size(), rest.epochs().size(), "the resumed result holds every epoch");
        for (int e = 0; e < whole.epochs().size(); e++) {
            MiniBatchTrainer.Epoch a = whole.epochs().get(e), b = rest.epochs().get(e);
            assertEquals(a.trainLoss(), b.trainLoss(), 0, "epoch " + (e + 1) + " loss");
            assertEquals(a.validationLoss(), b.validationLoss(), 0, "epoch " + (e + 1) + " validation loss");
            assertEquals(a.learningRate(), b.learningRate(), 0, "epoch " + (e + 1) + " rate");
        }
        assertEquals(whole.keptEpoch(), rest.keptEpoch());
        // the resumed run's checkpoints are the straight run's, state and all
        for (int e = 4; e <= whole.epochs().size(); e++) {
            Checkpoint a = CheckpointFile.read(CheckpointFile.path(all, e), KernelSelection.scalar()).checkpoint();
            Checkpoint b = CheckpointFile.read(CheckpointFile.path(more, e), KernelSelection.scalar()).checkpoint();
            assertEquals(a.optimizer().steps(), b.optimizer().steps());
            assertEquals(a.optimizer().arrays().keySet(), b.optimizer().arrays().keySet());
            for (String name : a.optimizer().arrays().keySet()) {
                io.vecprop.nn.Parameters pa = a.optimizer().arrays().get(name), pb = b.optimizer().arrays().get(name);
                if (precision == Precision.F64) {
                    assertArrayEquals(pa.f64(), pb.f64(), name + " after epoch " + e);
                } else {
                    assertArrayEquals(pa.f32(), pb.f32(), name + " after epoch " + e);
                }
            }
            assertEquals(a.plateauReductions(), b.plateauReductions());
        }
    }

    @Test
    void theStateIsThereAndACheckpointIsAModel() throws IOException {
        MiniBatchTrainer.Options o = options(OptimizerSpec.adam(), "plateau:patience=0,factor=0.5", 0.3, 4);
        DenseNetwork net = network(Precision.F32);
        train(net, o, dir, null);
        CheckpointFile.Loaded loaded = CheckpointFile.read(CheckpointFile.path(dir, 2), KernelSelection.scalar());
        Checkpoint c = loaded.checkpoint();
        assertEquals(o, c.options());
        assertEquals(300, c.rows());
        assertEquals(2 * 10, c.optimizer().steps(), "Adam's t: 10 batches per epoch");
        assertEquals(java.util.Set.of("m", "v"), c.optimizer().arrays().keySet());
        assertEquals(Precision.F32, c.optimizer().arrays().get("m").precision());
        assertFalse(c.finished());
        assertTrue(CheckpointFile.read(CheckpointFile.path(dir, 4), KernelSelection.scalar()).checkpoint().finished());
        // a model for eval, predict and --init: the same weights
        ModelFile.Model model = ModelFile.read(CheckpointFile.path(dir, 2), null, KernelSelection.scalar());
        assertArrayEquals(loaded.model().network().weightValues(1), model.network().weightValues(1));
        // a plain model is not a checkpoint
        Path plain = dir.resolve("plain.safetensors");
        ModelFile.write(plain, model);
        IOException e = assertThrows(IOException.class, () -> CheckpointFile.read(plain, KernelSelection.scalar()));
        assertTrue(e.getMessage().contains("plain.safetensors: a model without a checkpoint"), e.getMessage());
        assertEquals(CheckpointFile.path(dir, 4), CheckpointFile.latest(dir).orElseThrow());
        assertTrue(CheckpointFile.latest(dir.resolve("none")).isEmpty());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(5, files.count(), "four checkpoints and the plain model, no temporary");
        }
    }

    @Test
    void aCheckpointOfOtherOptionsIsRefusedByName() throws IOException {
        MiniBatchTrainer.Options o = options(OptimizerSpec.sgd(0.9), "constant", 0, 4);
        train(network(Precision.F64), o, dir, null);
        CheckpointFile.Loaded second = CheckpointFile.read(CheckpointFile.path(dir, 2), KernelSelection.scalar());
        Checkpoint c = second.checkpoint();
        assertEquals("its run trained with learning rate 0.1, this one with 0.2",
                c.mismatch(MiniBatchTrainer.Options.builder().epochs(4).batch(32).optimizer(OptimizerSpec.sgd(0.9))
                        .learningRate(0.2).seed(19).earlyStop(4).build(), 300));
        assertTrue(c.mismatch(options(OptimizerSpec.adam(), "constant", 0, 4), 300).startsWith("its run trained with learning rate"));
        assertTrue(c.mismatch(options(OptimizerSpec.sgd(0.9), "constant", 0.5, 4), 300).contains("dropout 0.0, this one with 0.5"));
        assertEquals("its run trained on 300 rows, this one on 299", c.mismatch(o, 299));
        assertEquals("it is after epoch 2, and this run has 2 epochs: ask for more",
                c.mismatch(options(OptimizerSpec.sgd(0.9), "constant", 0, 2), 300));
        assertEquals(null, c.mismatch(options(OptimizerSpec.sgd(0.9), "constant", 0, 9), 300), "more epochs are fine");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MiniBatchTrainer.train(
                second.model().network(), TRAIN.select("fewer", range(0, 299)), VALIDATION, o, MiniBatchTrainer.Listener.NONE,
                MiniBatchTrainer.local(), new MiniBatchTrainer.Checkpoints(c, 0, null)));
        assertTrue(e.getMessage().contains("300 rows, this one on 299"), e.getMessage());
    }
}
