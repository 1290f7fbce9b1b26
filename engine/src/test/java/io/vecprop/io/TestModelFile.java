package io.vecprop.io;

import io.vecprop.data.Scaler;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.KernelsF32;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Loss;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import io.vecprop.kernels.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestModelFile {

    @TempDir
    Path dir;

    private static DMatrixRMaj inputs(int n, int width, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        DMatrixRMaj x = new DMatrixRMaj(n, width);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = rnd.nextDouble(-3, 3);
        }
        return x;
    }

    @Test
    void savedAndLoadedModelsGiveExactlyTheSameOutputs() throws IOException {
        for (Loss loss : Loss.values()) {
            Network network = Network.random(Kernels.scalar(), loss, 5, 6, 9, 7, 4);
            DMatrixRMaj x = inputs(11, 6, 1);
            Scaler scaler = Scaler.fit(Scaler.Kind.STANDARD, x);
            List<String> classes = List.of("cat", "dog, large", "\"quoted\"", "ünïcode");
            Path file = dir.resolve(loss + ".safetensors");
            ModelFile.write(file, new ModelFile.Model(network, scaler, classes));

            ModelFile.Model back = ModelFile.read(file, Kernels.scalar());
            assertEquals(loss, back.network().lossFunction());
            assertArrayEquals(network.widths(), back.network().widths());
            assertEquals(scaler, back.scaler(), "scaling statistics come back bit for bit");
            assertEquals(classes, back.classes());
            DMatrixRMaj expected = network.forward(x).copy();
            DMatrixRMaj actual = ((Network) back.network()).forward(x);
            assertArrayEquals(expected.data, actual.data, "outputs of the loaded model equal the saved one's exactly");
        }
    }

    @Test
    void theFileIsAPyTorchStateDictWithMetadata() throws IOException {
        Network network = Network.random(Kernels.scalar(), Loss.CROSS_ENTROPY, 2, 3, 5, 2);
        Path file = dir.resolve("m.safetensors");
        ModelFile.write(file, new ModelFile.Model(network, Scaler.none(3), List.of()));
        Safetensors.Contents c = Safetensors.read(file);
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"),
                List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new long[] {5, 3}, c.tensors().get("layers.0.weight").shape());
        assertArrayEquals(new long[] {5}, c.tensors().get("layers.0.bias").shape());
        assertEquals("F64", c.tensors().get("layers.1.weight").dtype());
        assertArrayEquals(network.layer(1).weights().data, c.tensors().get("layers.1.weight").values());
        assertEquals("3,5,2", c.metadata().get("widths"));
        assertEquals("sigmoid,softmax", c.metadata().get("activations"));
        assertEquals("cross-entropy", c.metadata().get("loss"));
        assertEquals("none", c.metadata().get("scaling"));
    }

    @Test
    void aStateDictWithoutMetadataLoadsAsASigmoidNetwork() throws IOException {
        // as safetensors.torch.save_file(model.state_dict(), ...) writes it
        Map<String, Safetensors.Tensor> t = new LinkedHashMap<>();
        t.put("layers.0.weight", new Safetensors.Tensor("F64", new long[] {2, 2}, new double[] {0.15, 0.20, 0.25, 0.30}));
        t.put("layers.0.bias", new Safetensors.Tensor("F64", new long[] {2}, new double[] {0.35, 0.35}));
        t.put("layers.1.weight", new Safetensors.Tensor("F64", new long[] {2, 2}, new double[] {0.40, 0.45, 0.50, 0.55}));
        t.put("layers.1.bias", new Safetensors.Tensor("F64", new long[] {2}, new double[] {0.60, 0.60}));
        Path file = dir.resolve("torch.safetensors");
        Safetensors.write(file, t, Map.of());
        ModelFile.Model m = ModelFile.read(file, Kernels.scalar());
        assertEquals(Loss.HALF_SQUARED_ERROR, m.network().lossFunction());
        // the worked example's network: out(o1) = 0.75136507 for inputs 0.05, 0.10
        DMatrixRMaj out = ((Network) m.network()).forward(new DMatrixRMaj(1, 2, true, 0.05, 0.10));
        assertEquals(0.75136507, out.get(0, 0), 1e-8);
        assertEquals(0.772928465, out.get(0, 1), 1e-9);
    }

    @Test
    void inconsistentFilesAreRejectedNamingWhatIsWrong() throws IOException {
        Map<String, Safetensors.Tensor> good = new LinkedHashMap<>();
        good.put("layers.0.weight", new Safetensors.Tensor("F64", new long[] {3, 2}, new double[6]));
        good.put("layers.0.bias", new Safetensors.Tensor("F64", new long[] {3}, new double[3]));
        good.put("layers.1.weight", new Safetensors.Tensor("F64", new long[] {1, 3}, new double[3]));
        good.put("layers.1.bias", new Safetensors.Tensor("F64", new long[] {1}, new double[1]));
        Map<String, String> meta = Map.of("widths", "2,3,1", "activations", "sigmoid,sigmoid", "loss", "half-squared-error");
        assertLoads(good, meta);

        assertRejected(with(good, "layers.1.weight", new Safetensors.Tensor("F64", new long[] {1, 4}, new double[4])), meta,
                "layers.1.weight", "[1, 4]", "3 outputs");
        assertRejected(with(good, "layers.0.bias", new Safetensors.Tensor("F64", new long[] {2}, new double[2])), meta,
                "layers.0.bias", "expected [3]");
        assertRejected(without(good, "layers.1.bias"), meta, "layers.1.bias", "missing");
        assertRejected(with(good, "extra", new Safetensors.Tensor("F64", new long[] {1}, new double[1])), meta,
                "unexpected", "extra");
        assertRejected(with(good, "layers.0.weight", new Safetensors.Tensor("F32", new long[] {3, 2}, new double[6])), meta,
                "layers.0.weight", "F32");
        assertRejected(Map.of("w", new Safetensors.Tensor("F64", new long[] {1}, new double[1])), Map.of(),
                "layers.0.weight");
        assertRejected(good, Map.of("widths", "2,4,1", "activations", "sigmoid,sigmoid", "loss", "half-squared-error"),
                "widths", "2,4,1", "2,3,1");
        assertRejected(good, Map.of("widths", "2,3,1", "activations", "sigmoid,softmax", "loss", "half-squared-error"),
                "activations", "sigmoid,softmax");
        assertRejected(good, Map.of("widths", "2,3,1", "activations", "sigmoid,sigmoid", "loss", "hinge"),
                "loss", "hinge");
        assertRejected(good, Map.of("widths", "2,3,1", "activations", "sigmoid,sigmoid", "loss", "half-squared-error",
                "classes", "[\"a\",\"b\"]"), "2 classes", "1 outputs");
        assertRejected(good, Map.of("widths", "2,3,1", "activations", "sigmoid,sigmoid", "loss", "half-squared-error",
                "scaling", "standard", "scaling.shift", "[0, 1]"), "scaling.factor");
        assertRejected(good, Map.of("widths", "2,3,1", "activations", "sigmoid,sigmoid", "loss", "half-squared-error",
                "scaling", "minmax", "scaling.shift", "[0, 1]", "scaling.factor", "[1, 0]"), "scaling", "non-zero");
        double[] nan = new double[6];
        nan[4] = Double.NaN;
        assertRejected(with(good, "layers.0.weight", new Safetensors.Tensor("F64", new long[] {3, 2}, nan)), meta,
                "layer 0", "NaN");
    }

    /** A float network is saved as F32 tensors and loads back as a float network, bit for bit. */
    @Test
    void aFloatModelIsStoredAsF32AndLoadsAsFloatUnlessAskedOtherwise() throws IOException {
        NetworkF32 network = NetworkF32.random(KernelsF32.scalar(), Loss.CROSS_ENTROPY, 9, 5, 8, 3);
        Path file = dir.resolve("f32.safetensors");
        ModelFile.write(file, new ModelFile.Model(network, Scaler.none(5), List.of("a", "b", "c")));
        Safetensors.Contents raw = Safetensors.read(file);
        assertEquals(4, raw.tensors().size());
        raw.tensors().forEach((name, t) -> assertEquals("F32", t.dtype(), name));
        // 4 bytes a value: the data section is half the F64 file's
        Path f64File = dir.resolve("f64.safetensors");
        ModelFile.write(f64File, new ModelFile.Model(network.toF64(Kernels.scalar()), Scaler.none(5), List.of("a", "b", "c")));
        long values = 5 * 8 + 8 + 8 * 3 + 3;
        assertEquals(values * 4, Files.size(f64File) - Files.size(file) - (headerBytes(f64File) - headerBytes(file)));

        KernelSelection kernels = KernelSelection.scalar();
        ModelFile.Model same = ModelFile.read(file, null, kernels);
        assertTrue(same.network() instanceof NetworkF32);
        assertEquals(Precision.F32, same.stored());
        assertTrue(!same.converted());
        FMatrixRMaj x = new FMatrixRMaj(4, 5);
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (float) rnd.nextDouble(-2, 2);
        }
        float[] expected = network.forward(x).data.clone();
        assertArrayEquals(expected, ((NetworkF32) same.network()).forward(x).data, "the loaded float model computes the same bits");

        // asked for f64: widened exactly, so every weight equals the float one
        ModelFile.Model wide = ModelFile.read(file, Precision.F64, kernels);
        assertTrue(wide.network() instanceof Network);
        assertTrue(wide.converted());
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(network.weightValues(l), wide.network().weightValues(l), 0.0);
            assertArrayEquals(network.biasValues(l), wide.network().biasValues(l), 0.0);
        }
        // the old entry point is a double load: it converts too
        assertTrue(ModelFile.read(file, Kernels.scalar()).network() instanceof Network);
    }

    /** A double model loads as double, and as float only when asked: each weight rounded to the nearest float. */
    @Test
    void aDoubleModelLoadsAsFloatOnlyWhenAsked() throws IOException {
        Network network = Network.random(Kernels.scalar(), 4, 3, 6, 2);
        Path file = dir.resolve("d.safetensors");
        ModelFile.write(file, new ModelFile.Model(network, Scaler.none(3), List.of()));
        assertTrue(ModelFile.read(file, null, KernelSelection.scalar()).network() instanceof Network);
        DenseNetwork narrow = ModelFile.read(file, Precision.F32, KernelSelection.scalar()).network();
        assertEquals(Precision.F32, narrow.precision());
        int differ = 0;
        for (int l = 0; l < 2; l++) {
            double[] a = network.weightValues(l), b = narrow.weightValues(l);
            for (int i = 0; i < a.length; i++) {
                assertEquals((double) (float) a[i], b[i], 0.0);
                differ += a[i] != b[i] ? 1 : 0;
            }
        }
        assertTrue(differ > 0, "random doubles are not all floats");
        // the same seed draws the same network in float, rounded
        NetworkF32 drawn = NetworkF32.random(KernelsF32.scalar(), 4, 3, 6, 2);
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(narrow.weightValues(l), drawn.weightValues(l), 0.0);
            assertArrayEquals(narrow.biasValues(l), drawn.biasValues(l), 0.0);
        }
    }

    @Test
    void aDoubleBeyondFloatRangeCannotLoadAsFloat() throws IOException {
        Map<String, Safetensors.Tensor> t = new LinkedHashMap<>();
        t.put("layers.0.weight", new Safetensors.Tensor("F64", new long[] {1, 2}, new double[] {0.5, 1e300}));
        t.put("layers.0.bias", new Safetensors.Tensor("F64", new long[] {1}, new double[] {0}));
        Path file = dir.resolve("huge.safetensors");
        Safetensors.write(file, t, Map.of());
        assertTrue(ModelFile.read(file, null, KernelSelection.scalar()).network() instanceof Network);
        DataFormatException e = assertThrows(DataFormatException.class, () -> ModelFile.read(file, Precision.F32, KernelSelection.scalar()));
        assertTrue(e.getMessage().startsWith("huge.safetensors: cannot compute in f32: "), e.getMessage());
        assertTrue(e.getMessage().contains("Infinity at (0, 1)"), e.getMessage());
    }

    private static long headerBytes(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        return 8 + java.nio.ByteBuffer.wrap(b, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void aFailedWriteLeavesTheOldModelInPlace() throws IOException {
        Path file = dir.resolve("keep.safetensors");
        Network network = Network.random(Kernels.scalar(), 1, 2, 3, 1);
        ModelFile.write(file, new ModelFile.Model(network, Scaler.none(2), List.of()));
        byte[] before = Files.readAllBytes(file);
        // a write that fails part way (here: into a folder that vanished) never touches the old file
        Path gone = dir.resolve("gone");
        Files.createDirectory(gone);
        Files.delete(gone);
        assertThrows(IOException.class, () -> ModelFile.write(gone.resolve("m.safetensors"),
                new ModelFile.Model(network, Scaler.none(2), List.of())));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    private void assertLoads(Map<String, Safetensors.Tensor> tensors, Map<String, String> meta) throws IOException {
        Path file = dir.resolve("ok.safetensors");
        Safetensors.write(file, tensors, meta);
        ModelFile.read(file, Kernels.scalar());
    }

    private void assertRejected(Map<String, Safetensors.Tensor> tensors, Map<String, String> meta, String... parts)
            throws IOException {
        Path file = dir.resolve("bad.safetensors");
        Safetensors.write(file, tensors, meta);
        DataFormatException e = assertThrows(DataFormatException.class, () -> ModelFile.read(file, Kernels.scalar()));
        assertTrue(e.getMessage().startsWith("bad.safetensors: "), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "\"" + e.getMessage() + "\" should contain \"" + part + "\"");
        }
    }

    private static Map<String, Safetensors.Tensor> with(Map<String, Safetensors.Tensor> m, String k, Safetensors.Tensor v) {
        Map<String, Safetensors.Tensor> copy = new LinkedHashMap<>(m);
        copy.put(k, v);
        return copy;
    }

    private static Map<String, Safetensors.Tensor> without(Map<String, Safetensors.Tensor> m, String k) {
        Map<String, Safetensors.Tensor> copy = new LinkedHashMap<>(m);
        copy.remove(k);
        return copy;
    }
}
