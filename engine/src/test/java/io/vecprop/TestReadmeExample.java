package io.vecprop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.data.Dataset;
import io.vecprop.io.ModelFile;
import io.vecprop.data.Scaler;
import io.vecprop.data.Synthetic;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.KernelsF32;
import io.vecprop.nn.Init;
import io.vecprop.nn.Loss;
import io.vecprop.train.MiniBatchTrainer;
import io.vecprop.train.OptimizerSpec;
import io.vecprop.train.Schedule;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import io.vecprop.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * The documentation's Java examples, run as written, and a check that the files still show them: the
 * README's network example, docs/training.md's data example and docs/f32.md's float example.
 */
class TestReadmeExample {

    @Test
    void readmeExampleTrainsAndReportsGradients() {
        // 3 inputs, 16 hidden units, 2 outputs; nn.Linear's initialisation from seed 42
        Network net = Network.builder().input(3).dense(16).dense(2).seed(42).build(Kernels.scalar());

        // a batch: one sample per row (N x inputs), targets N x outputs
        DMatrixRMaj x = new DMatrixRMaj(new double[][] {{0.1, 0.2, 0.3}, {0.9, 0.1, 0.5}});
        DMatrixRMaj t = new DMatrixRMaj(new double[][] {{0.2, 0.8}, {0.7, 0.3}});

        double before = net.loss(x, t);                  // mean over samples of 1/2 sum (t - out)^2
        for (int step = 0; step < 2000; step++) {
            net.trainStep(x, t, 0.5, true);              // lr 0.5, biases trained; allocates nothing
        }
        DMatrixRMaj out = net.forward(x);                // N x outputs, live in the network's workspace

        // or let the trainer stop at a target loss
        Trainer.Result r = Trainer.train(net, x, t, new Trainer.Options(0.5, true, 1e-6, 1_000_000), Trainer.Listener.NONE);

        // gradients without updating: backward fills the workspace
        net.backward(x, t);
        DMatrixRMaj dW0 = net.workspace().gradW(0);     // dE/dW of the first layer, out x in

        assertTrue(net.loss(x, t) < before / 100, "training lowered the loss");
        assertEquals(0.2, out.get(0, 0), 0.1);
        assertTrue(r.reachedTarget());
        assertEquals(16, dW0.numRows);
        assertEquals(3, dW0.numCols);
    }

    @Test
    void readmeDataExampleTrainsSavesAndLoads(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Dataset train = Synthetic.blobs(2000, 64, 10, 1.0, 5);           // or CsvReader.read, IdxReader.read
        Dataset test = Synthetic.blobs(500, 64, 10, 1.0, 5, 1);           // the same centres, fresh points
        Scaler scaler = Scaler.fit(Scaler.Kind.STANDARD, train.inputs()); // statistics of the training data
        scaler.apply(train.inputs());
        scaler.apply(test.inputs());

        Network wide = Network.builder().input(64).dense(256, Activation.RELU).dense(256, Activation.RELU)
                .dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(7).build(Kernels.scalar());
        MiniBatchTrainer.Options o = MiniBatchTrainer.Options.builder().epochs(3).batch(32).learningRate(1e-3)
                .optimizer(OptimizerSpec.adam()).schedule(Schedule.cosine()).seed(7).earlyStop(2).build(); // the rest: defaults
        MiniBatchTrainer.Result run = MiniBatchTrainer.train(wide, train, test, o, MiniBatchTrainer.Listener.NONE);
        assertEquals(new MiniBatchTrainer.Options(3, 32, 1e-3, OptimizerSpec.adam(), 7, true, true, 0, 2, Schedule.cosine(), 0, 0), o);
        double accuracy = run.kept().validationAccuracy();                // the kept epoch's: the best, early stopping

        ModelFile.write(dir.resolve("blobs.safetensors"), new ModelFile.Model(wide, scaler, train.classes()));
        ModelFile.Model back = ModelFile.read(dir.resolve("blobs.safetensors"), Kernels.scalar());

        assertTrue(accuracy > 0.95, "accuracy " + accuracy);
        assertEquals(scaler, back.scaler());
        assertEquals(MiniBatchTrainer.evaluate(wide, test, 100), MiniBatchTrainer.evaluate(back.network(), test, 100));
    }

    @Test
    void readmeFloatExampleTrainsSavesF32AndLoadsAsFloat(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Dataset train = Synthetic.blobs(2000, 64, 10, 1.0, 5);
        Dataset test = Synthetic.blobs(500, 64, 10, 1.0, 5, 1);
        Scaler scaler = Scaler.fit(Scaler.Kind.STANDARD, train.inputs());
        scaler.apply(train.inputs());
        scaler.apply(test.inputs());
        MiniBatchTrainer.Options o = new MiniBatchTrainer.Options(3, 32, 0.1, 0.9, 7, true, true, 0);

        // float: the same seed draws the double network's weights rounded; the same trainer runs it
        NetworkF32 small = NetworkF32.random(KernelsF32.scalar(), Loss.CROSS_ENTROPY, 7, 64, 256, 256, 10);
        MiniBatchTrainer.Result f32 = MiniBatchTrainer.train(small, train, test, o, MiniBatchTrainer.Listener.NONE);
        ModelFile.write(dir.resolve("blobs-f32.safetensors"), new ModelFile.Model(small, scaler, train.classes())); // F32 tensors
        ModelFile.Model asFloat = ModelFile.read(dir.resolve("blobs-f32.safetensors"), null, KernelSelection.scalar()); // the file's precision
        Network asDouble = small.toF64(Kernels.scalar());                  // widened exactly

        assertTrue(f32.last().validationAccuracy() > 0.95, "accuracy " + f32.last().validationAccuracy());
        assertTrue(asFloat.network() instanceof NetworkF32);
        assertEquals(MiniBatchTrainer.evaluate(small, test, 100), MiniBatchTrainer.evaluate(asFloat.network(), test, 100));
        assertEquals(MiniBatchTrainer.evaluate(small, test, 100).accuracy(), MiniBatchTrainer.evaluate(asDouble, test, 100).accuracy(), 0.01);
    }

    @Test
    void readmeShowsThisExample() throws IOException {
        assertShows(Path.of("..", "README.md"),
            "Network net = Network.builder().input(3).dense(16).dense(2).seed(42).build(Kernels.scalar());",
            "net.trainStep(x, t, 0.5, true);",
            "Trainer.Result r = Trainer.train(net, x, t, new Trainer.Options(0.5, true, 1e-6, 1_000_000), Trainer.Listener.NONE);",
            "DMatrixRMaj dW0 = net.workspace().gradW(0);");
    }

    /** The data example lives in docs/training.md ("In Java"). */
    @Test
    void trainingDocShowsTheDataExample() throws IOException {
        assertShows(Path.of("..", "docs", "training.md"),
            "Network wide = Network.builder().input(64).dense(256, Activation.RELU).dense(256, Activation.RELU)",
            "        .dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(7).build(Kernels.scalar());",
            "MiniBatchTrainer.Options o = MiniBatchTrainer.Options.builder().epochs(3).batch(32).learningRate(1e-3)",
            "        .optimizer(OptimizerSpec.adam()).schedule(Schedule.cosine()).seed(7).earlyStop(2).build(); // the rest: defaults",
            "MiniBatchTrainer.Result run = MiniBatchTrainer.train(wide, train, test, o, MiniBatchTrainer.Listener.NONE);",
            "ModelFile.write(Path.of(\"blobs.safetensors\"), new ModelFile.Model(wide, scaler, train.classes()));",
            "ModelFile.Model back = ModelFile.read(Path.of(\"blobs.safetensors\"), Kernels.scalar());",
            "Dataset test = Synthetic.blobs(500, 64, 10, 1.0, 5, 1);           // the same centres, fresh points");
    }

    /** The builder example of docs/activations.md ("In Java"), built and checked as it reads. */
    @Test
    void activationsDocBuildsWhatItSays() throws IOException {
        Network net = Network.builder().input(784).dense(1024, Activation.RELU).dense(10, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).init(Init.HE).seed(7).build(Kernels.scalar());
        assertEquals(java.util.List.of(Activation.RELU, Activation.SOFTMAX), net.activations());
        assertEquals(Loss.CROSS_ENTROPY, net.lossFunction());
        assertArrayEquals(new int[] {784, 1024, 10}, net.widths());
        assertShows(Path.of("..", "docs", "activations.md"),
            "Network net = Network.builder().input(784).dense(1024, Activation.RELU).dense(10, Activation.SOFTMAX)",
            "        .loss(Loss.CROSS_ENTROPY).init(Init.HE).seed(7).build(Kernels.scalar());");
    }

    /** The float example lives in docs/f32.md. */
    @Test
    void f32DocShowsTheFloatExample() throws IOException {
        assertShows(Path.of("..", "docs", "f32.md"),
            "NetworkF32 small = NetworkF32.random(KernelsF32.scalar(), Loss.CROSS_ENTROPY, 7, 64, 256, 256, 10);",
            "MiniBatchTrainer.Result f32 = MiniBatchTrainer.train(small, train, test, o, MiniBatchTrainer.Listener.NONE);",
            "ModelFile.write(Path.of(\"blobs-f32.safetensors\"), new ModelFile.Model(small, scaler, train.classes())); // F32 tensors",
            "ModelFile.Model asFloat = ModelFile.read(Path.of(\"blobs-f32.safetensors\"), null, KernelSelection.scalar()); // the file's precision",
            "Network asDouble = small.toF64(Kernels.scalar());                  // widened exactly");
    }

    private static void assertShows(Path file, String... lines) throws IOException {
        String text = Files.readString(file);
        for (String line : lines) {
            assertTrue(text.contains(line), file + " lacks: " + line);
        }
    }
}
