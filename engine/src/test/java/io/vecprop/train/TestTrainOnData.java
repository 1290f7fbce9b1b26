package io.vecprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.data.Dataset;
import io.vecprop.data.Scaler;
import io.vecprop.data.Synthetic;
import io.vecprop.io.ModelFile;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Precision;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Loss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train-on-data use case called as a library, against the same steps taken by hand. */
class TestTrainOnData {

    private static final String BLOBS = "blobs:n=300,features=5,classes=3";
    private static final TrainOnData.Loader LOADER = (seed, inputs, outputs, classes) -> Synthetic.generate(BLOBS, seed);

    private static TrainOnData.Options options(int[] layers, Path init, Path modelOut) {
        return new TrainOnData.Options(KernelSelection.scalar(), null, init, layers, init == null ? Loss.CROSS_ENTROPY : null,
                init == null ? Scaler.Kind.STANDARD : null, 0.2, true, 9, 3, 16, 0.1, 0.9, true, 0, modelOut, null);
    }

    @Test
    void trainsAsTheTrainerDoesOnTheSplitAndScaledData(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("m.safetensors");
        List<String> events = new ArrayList<>();
        TrainOnData.Outcome outcome = TrainOnData.run(options(new int[] {5, 8, 3}, null, model), LOADER,
                new TrainOnData.Listener() {
                    @Override
                    public void planned(TrainOnData.Plan plan) {
                        events.add("planned " + plan.train().size() + "+" + plan.validation().size());
                    }

                    @Override
                    public void epochDone(MiniBatchTrainer.Epoch e) {
                        events.add("epoch " + e.epoch());
                    }
                });
        assertEquals(List.of("planned 240+60", "epoch 1", "epoch 2", "epoch 3"), events);

        // by hand: the same split, the same scaling, a network of the same seed, the same options
        Dataset[] parts = TrainOnData.split(Synthetic.generate(BLOBS, 9), 0.2, 9, true);
        Scaler scaler = Scaler.fit(Scaler.Kind.STANDARD, parts[0].inputs());
        scaler.apply(parts[0].inputs());
        scaler.apply(parts[1].inputs());
        DenseNetwork byHand = DenseNetwork.random(Precision.F64, KernelSelection.scalar(), Loss.CROSS_ENTROPY, 9, 5, 8, 3);
        MiniBatchTrainer.Result expected = MiniBatchTrainer.train(byHand, parts[0], parts[1],
                new MiniBatchTrainer.Options(3, 16, 0.1, 0.9, 9, true, true, 0), MiniBatchTrainer.Listener.NONE);
        assertEquals(expected.last().validationLoss(), outcome.result().last().validationLoss(), 0.0);
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(byHand.weightValues(l), outcome.plan().network().weightValues(l), 0.0, "layer " + l);
        }
        // and saved: the file holds the trained weights
        ModelFile.Model saved = ModelFile.read(model, null, KernelSelection.scalar());
        assertArrayEquals(byHand.weightValues(1), saved.network().weightValues(1), 0.0);
        assertEquals(List.of("0", "1", "2"), saved.classes());
    }

    @Test
    void optionsThatDisagreeAreConflictsAndNothingIsWritten(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("m.safetensors");
        TrainOnData.run(options(new int[] {5, 8, 3}, null, model), LOADER, new TrainOnData.Listener() {});
        Path out = dir.resolve("out.safetensors");
        TrainOnData.Conflict layers = assertThrows(TrainOnData.Conflict.class,
                () -> TrainOnData.run(options(new int[] {5, 9, 3}, model, out), LOADER, new TrainOnData.Listener() {}));
        assertEquals("--layers 5,9,3 disagrees with --init m.safetensors, whose widths are 5,8,3 "
                + "(leave --layers out to train that network)", layers.getMessage());
        TrainOnData.Conflict none = assertThrows(TrainOnData.Conflict.class,
                () -> TrainOnData.run(options(null, null, out), LOADER, new TrainOnData.Listener() {}));
        assertTrue(none.getMessage().startsWith("--data needs --layers"), none.getMessage());
        assertTrue(Files.notExists(out));
        // from the model, with its own loss and scaling: trains on
        TrainOnData.Outcome again = TrainOnData.run(options(null, model, out), LOADER, new TrainOnData.Listener() {});
        assertEquals(Loss.CROSS_ENTROPY, again.plan().loss());
        assertEquals(Scaler.Kind.STANDARD, again.plan().scaler().kind());
        assertTrue(again.plan().start().network() == again.plan().network(), "the model's own network is trained");
        assertTrue(Files.size(out) > 0);
    }

    @Test
    void theLossFollowsTheTargetsWhenNotGiven() throws IOException {
        TrainOnData.Options classes = new TrainOnData.Options(KernelSelection.scalar(), null, null, new int[] {5, 8, 3}, null,
                null, 0, true, 9, 1, 16, 0.1, 0, true, 0, null, null);
        assertEquals(Loss.CROSS_ENTROPY, TrainOnData.run(classes, LOADER, new TrainOnData.Listener() {}).plan().loss());
        TrainOnData.Options numbers = new TrainOnData.Options(KernelSelection.scalar(), null, null, new int[] {2, 4, 1}, null,
                null, 0, true, 9, 1, 4, 0.1, 0, true, 0, null, null);
        TrainOnData.Loader xor = (seed, inputs, outputs, names) -> Synthetic.generate("xor", seed);
        assertEquals(Loss.HALF_SQUARED_ERROR, TrainOnData.run(numbers, xor, new TrainOnData.Listener() {}).plan().loss());
    }
}
