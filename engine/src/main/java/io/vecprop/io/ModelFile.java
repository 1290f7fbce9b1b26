package io.vecprop.io;

import io.vecprop.data.Scaler;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Kernels;
import io.vecprop.nn.DenseLayer;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Loss;
import io.vecprop.nn.Network;
import io.vecprop.kernels.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;

/**
 * A trained network as a safetensors file that PyTorch loads directly: tensors
 * {@code layers.N.weight} (out x in) and {@code layers.N.bias} (out), F64 for a double network and
 * F32 for a float one (all tensors of a file share one dtype), as the state dict of a
 * {@code nn.ModuleList} named {@code layers} of {@code nn.Linear}; and in {@code __metadata__}
 * the architecture and what {@code eval} and {@code predict} need to take raw data:
 *
 * <pre>
 * format       vecprop
 * widths       784,1024,1024,10
 * activations  relu,relu,softmax           (one per layer: sigmoid, tanh, relu, leaky-relu:SLOPE, gelu, linear, softmax)
 * loss         half-squared-error | mse | binary-cross-entropy | cross-entropy
 * classes      ["0","1",...]                (JSON array of class names, when trained on classes)
 * task         autoencoder                  (when the targets were the inputs: eval compares outputs with inputs)
 * scaling      none | minmax | standard
 * scaling.shift, scaling.factor            (JSON arrays, one number per input, exact)
 * </pre>
 *
 * A file without vecprop's metadata (saved from PyTorch with only the state dict) loads too: the
 * widths come from the tensors, sigmoid outputs and the half-squared error are assumed, and
 * there is no scaling. A model loads in its file's precision; converting to the other happens only
 * when the caller asks for it ({@code --precision}). Anything inconsistent (a missing or extra tensor, a shape that disagrees
 * with another layer or with the metadata, an activation that does not fit the loss) is an error
 * naming the file and the tensor, and nothing is loaded.
 *
 * <p>A file may carry more than the model: tensors named {@code checkpoint.*} and metadata that a
 * checkpoint adds ({@link #write(Path, Model, Map, Map)}). They are read back by
 * {@link #readStored} and passed over by {@link #read}, so a checkpoint is also a model.
 */
public final class ModelFile {

    /**
     * A network with what it was trained with: its input scaling and class names (empty if none).
     *
     * @param stored the precision of the file's tensors (for a model about to be written: the network's)
     */
    public record Model(DenseNetwork network, Scaler scaler, List<String> classes, Precision stored, boolean autoencoder) {
        /** A model to write, stored in the network's precision. */
        public Model(DenseNetwork network, Scaler scaler, List<String> classes) {
            this(network, scaler, classes, network.precision(), false);
        }

        /** A model as read, not an auto-encoder. */
        public Model(DenseNetwork network, Scaler scaler, List<String> classes, Precision stored) {
            this(network, scaler, classes, stored, false);
        }

        /** This model marked as an auto-encoder (its targets are its scaled inputs), or not. */
        public Model withAutoencoder(boolean autoencoder) {
            return new Model(network, scaler, classes, stored, autoencoder);
        }

        /** Whether loading converted the weights to the other precision. */
        public boolean converted() {
            return stored != network.precision();
        }

        public Model {
            classes = List.copyOf(classes);
            if (scaler.width() != network.inputs()) {
                throw new IllegalArgumentException("the scaler has " + scaler.width() + " columns but the network takes "
                        + network.inputs() + " inputs");
            }
            if (!classes.isEmpty() && classes.size() != network.outputs()) {
                throw new IllegalArgumentException(classes.size() + " class names for " + network.outputs() + " outputs");
            }
            if (autoencoder && network.inputs() != network.outputs()) {
                throw new IllegalArgumentException("an auto-encoder of " + network.inputs() + " inputs and " + network.outputs()
                        + " outputs: they must match");
            }
        }
    }

    private ModelFile() {}

    /** The prefix of the tensors a file may carry besides the model's. */
    public static final String EXTRA = "checkpoint.";

    /**
     * A model as read, with the tensors named {@code checkpoint.*} and every metadata entry of its file.
     */
    public record Stored(Model model, Map<String, Safetensors.Tensor> extra, Map<String, String> metadata) {
        public Stored {
            extra = Map.copyOf(extra);
            metadata = Map.copyOf(metadata);
        }
    }

    /**
     * Saves the model atomically ({@link AtomicFiles}). A network with a NaN or infinite parameter
     * (a diverged run) is refused before anything is written, so a good file at that path survives.
     */
    public static void write(Path file, Model model) throws IOException {
        write(file, model, Map.of(), Map.of());
    }

    /**
     * Saves the model atomically with more tensors, each named {@code checkpoint.*} and of the model's
     * dtype, and more metadata, whose keys must not be the model's own.
     *
     * @throws IllegalArgumentException for an extra tensor of another name or dtype, or a metadata key the model uses
     */
    public static void write(Path file, Model model, Map<String, Safetensors.Tensor> extra, Map<String, String> extraMeta)
            throws IOException {
        DenseNetwork network = model.network();
        String dtype = network.precision().dtype();
        int[] widths = network.widths();
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        List<String> activations = new ArrayList<>();
        for (int l = 0; l < network.layerCount(); l++) {
            double[] weight = requireFinite(file, l, "weight", network.weightValues(l));
            double[] bias = requireFinite(file, l, "bias", network.biasValues(l));
            tensors.put("layers." + l + ".weight", new Safetensors.Tensor(dtype, new long[] {widths[l + 1], widths[l]}, weight));
            tensors.put("layers." + l + ".bias", new Safetensors.Tensor(dtype, new long[] {widths[l + 1]}, bias));
            activations.add(network.activation(l).id());
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "vecprop");
        meta.put("widths", join(network.widths()));
        meta.put("activations", String.join(",", activations));
        meta.put("loss", network.lossFunction().id());
        if (model.autoencoder()) {
            meta.put("task", "autoencoder");
        }
        if (!model.classes().isEmpty()) {
            meta.put("classes", Json.write(model.classes()));
        }
        Scaler scaler = model.scaler();
        meta.put("scaling", scaler.kind().id());
        if (scaler.kind() != Scaler.Kind.NONE) {
            meta.put("scaling.shift", Json.write(boxed(scaler.shift())));
            meta.put("scaling.factor", Json.write(boxed(scaler.factor())));
        }
        for (Map.Entry<String, Safetensors.Tensor> e : extra.entrySet()) {
            if (!e.getKey().startsWith(EXTRA) || !e.getValue().dtype().equals(dtype)) {
                throw new IllegalArgumentException("extra tensor " + e.getKey() + " (" + e.getValue().dtype()
                        + "): extra tensors are named " + EXTRA + "* and stored as " + dtype + ", as the model");
            }
            tensors.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : extraMeta.entrySet()) {
            if (meta.containsKey(e.getKey()) || e.getKey().startsWith("scaling")) {
                throw new IllegalArgumentException("metadata " + e.getKey() + " is the model's own");
            }
            meta.put(e.getKey(), e.getValue());
        }
        Safetensors.write(file, tensors, meta);
    }

    /** Reads a model as a double network computing with kernels, widening F32 tensors exactly. */
    public static Model read(Path file, Kernels kernels) throws IOException {
        return read(file, Precision.F64, new KernelSelection(kernels, null, null));
    }

    /**
     * Reads a model computing with kernels of the given precision, or, when precision is null, of
     * the file's own (F64 or F32). F32 tensors widen to double exactly; F64 tensors are rounded to
     * the nearest float only when f32 is asked for.
     */
    public static Model read(Path file, Precision precision, KernelSelection kernels) throws IOException {
        return readStored(file, precision, kernels).model();
    }

    /** As {@link #read(Path, Precision, KernelSelection)}, with the file's {@code checkpoint.*} tensors and all its metadata. */
    public static Stored readStored(Path file, Precision precision, KernelSelection kernels) throws IOException {
        Safetensors.Contents contents = Safetensors.read(file);
        String name = file.getFileName().toString();
        Map<String, Safetensors.Tensor> tensors = contents.tensors();
        Map<String, String> meta = contents.metadata();
        int layers = 0;
        while (tensors.containsKey("layers." + layers + ".weight")) {
            layers++;
        }
        if (layers == 0) {
            throw new DataFormatException(name + ": no tensor 'layers.0.weight': not a vecprop model "
                    + "(tensors: " + new TreeSet<>(tensors.keySet()) + ")");
        }
        Set<String> unexpected = new TreeSet<>(tensors.keySet());
        String dtype = tensors.get("layers.0.weight").dtype();
        List<DenseLayer> list = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            String wName = "layers." + l + ".weight", bName = "layers." + l + ".bias";
            Safetensors.Tensor w = tensors.get(wName), b = tensors.get(bName);
            unexpected.remove(wName);
            unexpected.remove(bName);
            if (b == null) {
                throw new DataFormatException(name + ": tensor " + Excerpt.quote(bName) + " is missing (" + wName + " is there)");
            }
            requireDtype(name, wName, w, dtype);
            requireDtype(name, bName, b, dtype);
            if (w.shape().length != 2) {
                throw new DataFormatException(name + ": tensor " + Excerpt.quote(wName) + " has shape " + Arrays.toString(w.shape())
                        + ", expected [out, in]");
            }
            int out = (int) w.shape()[0], in = (int) w.shape()[1];
            if (b.shape().length != 1 || b.shape()[0] != out) {
                throw new DataFormatException(name + ": tensor " + Excerpt.quote(bName) + " has shape " + Arrays.toString(b.shape())
                        + ", expected [" + out + "] to match " + wName + " " + Arrays.toString(w.shape()));
            }
            if (l > 0 && in != list.get(l - 1).outputs()) {
                throw new DataFormatException(name + ": tensor " + Excerpt.quote(wName) + " has shape " + Arrays.toString(w.shape())
                        + " but layer " + (l - 1) + " has " + list.get(l - 1).outputs() + " outputs");
            }
            try {
                list.add(new DenseLayer(DMatrixRMaj.wrap(out, in, w.values()), DMatrixRMaj.wrap(out, 1, b.values())));
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(name + ": layer " + l + ": " + e.getMessage());
            }
        }
        Map<String, Safetensors.Tensor> extra = new LinkedHashMap<>();
        for (String t : List.copyOf(unexpected)) {
            if (t.startsWith(EXTRA)) {
                extra.put(t, tensors.get(t));
                unexpected.remove(t);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new DataFormatException(name + ": unexpected tensors " + unexpected + " besides layers.0.." + (layers - 1));
        }
        int[] widths = new int[layers + 1];
        widths[0] = list.getFirst().inputs();
        for (int l = 0; l < layers; l++) {
            widths[l + 1] = list.get(l).outputs();
        }
        Loss loss = Loss.HALF_SQUARED_ERROR;
        List<Activation> activations = null; // sigmoid layers, the loss's output
        boolean autoencoder = false;
        Scaler scaler = Scaler.none(widths[0]);
        List<String> classes = List.of();
        if (meta.containsKey("widths") || meta.containsKey("loss")) {
            String declared = meta.getOrDefault("widths", "");
            if (!declared.equals(join(widths))) {
                throw new DataFormatException(name + ": metadata widths " + Excerpt.quote(declared) + " but the tensors give "
                        + join(widths));
            }
            try {
                loss = Loss.of(meta.getOrDefault("loss", ""));
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(name + ": metadata loss: " + e.getMessage());
            }
            activations = readActivations(name, meta.get("activations"), layers, loss);
            classes = readClasses(name, meta.get("classes"), widths[layers]);
            String task = meta.getOrDefault("task", "");
            if (!task.isEmpty() && !task.equals("autoencoder")) {
                throw new DataFormatException(name + ": metadata task " + Excerpt.quote(task) + ": expected autoencoder or none");
            }
            autoencoder = task.equals("autoencoder") && widths[0] == widths[layers];
            scaler = readScaler(name, meta, widths[0]);
        }
        // built in double (exact for F32 values), then rounded to float when float is wanted
        Network network = activations == null ? Network.of(kernels.f64(), loss, list)
                : Network.of(kernels.f64(), loss, activations, list);
        Precision stored = Precision.ofDtype(dtype);
        DenseNetwork loaded = network;
        if ((precision != null ? precision : stored) == Precision.F32) {
            try {
                loaded = network.toF32(kernels.f32());
            } catch (IllegalArgumentException e) { // a double beyond float's range
                throw new DataFormatException(name + ": cannot compute in f32: " + e.getMessage());
            }
        }
        return new Stored(new Model(loaded, scaler, classes, stored, autoencoder), extra, meta);
    }

    /**
     * The layers' activations, as {@link Activation#id()} writes them, comma-separated; missing
     * (a file of a PyTorch state dict with vecprop's other metadata): sigmoid layers and the loss's output.
     */
    private static List<Activation> readActivations(String name, String text, int layers, Loss loss)
            throws DataFormatException {
        if (text == null) {
            return null;
        }
        List<Activation> activations = new ArrayList<>();
        try {
            for (String a : text.split(",", -1)) {
                activations.add(Activation.parse(a));
            }
            if (activations.size() != layers) {
                throw new IllegalArgumentException("it names " + activations.size() + " for " + layers + " layers");
            }
            DenseNetwork.checkActivations(activations, layers, loss);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(name + ": metadata activations " + Excerpt.quote(text) + ": " + e.getMessage());
        }
        return activations;
    }

    private static List<String> readClasses(String name, String json, int outputs) throws DataFormatException {
        if (json == null) {
            return List.of();
        }
        Object parsed = parse(name, "classes", json);
        if (!(parsed instanceof List<?> items) || !items.stream().allMatch(String.class::isInstance)) {
            throw new DataFormatException(name + ": metadata classes is not a JSON array of strings: " + json);
        }
        if (items.size() != outputs) {
            throw new DataFormatException(name + ": metadata names " + items.size() + " classes but the network has "
                    + outputs + " outputs");
        }
        List<String> classes = items.stream().map(String.class::cast).toList();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int k = 0; k < classes.size(); k++) {
            if (!seen.add(classes.get(k))) {
                // two outputs of one name would make predict --argmax and eval's labels ambiguous
                throw new DataFormatException(name + ": metadata classes names \"" + classes.get(k) + "\" twice (output "
                        + classes.indexOf(classes.get(k)) + " and output " + k + ")");
            }
        }
        return classes;
    }

    private static Scaler readScaler(String name, Map<String, String> meta, int inputs) throws DataFormatException {
        Scaler.Kind kind;
        try {
            kind = Scaler.Kind.of(meta.getOrDefault("scaling", "none"));
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(name + ": metadata scaling: " + e.getMessage());
        }
        if (kind == Scaler.Kind.NONE) {
            return Scaler.none(inputs);
        }
        double[] shift = numbers(name, "scaling.shift", meta.get("scaling.shift"), inputs);
        double[] factor = numbers(name, "scaling.factor", meta.get("scaling.factor"), inputs);
        try {
            return Scaler.of(kind, shift, factor);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(name + ": metadata scaling: " + e.getMessage());
        }
    }

    private static double[] numbers(String name, String key, String json, int count) throws DataFormatException {
        if (json == null) {
            throw new DataFormatException(name + ": metadata " + key + " is missing");
        }
        if (!(parse(name, key, json) instanceof List<?> items) || items.size() != count
                || !items.stream().allMatch(Number.class::isInstance)) {
            throw new DataFormatException(name + ": metadata " + key + " must be a JSON array of " + count + " numbers");
        }
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = ((Number) items.get(i)).doubleValue();
        }
        return values;
    }

    private static Object parse(String name, String key, String json) throws DataFormatException {
        try {
            return JsonReader.parse(json);
        } catch (RuntimeException e) {
            throw new DataFormatException(name + ": metadata " + key + " is not valid JSON: " + e.getMessage());
        }
    }

    /** Every tensor of a model shares the first weight's dtype (F64 or F32; Safetensors refuses others). */
    private static void requireDtype(String name, String tensor, Safetensors.Tensor t, String dtype) throws DataFormatException {
        if (!t.dtype().equals(dtype)) {
            throw new DataFormatException(name + ": tensor " + Excerpt.quote(tensor) + " is " + t.dtype() + " but layers.0.weight is "
                    + dtype + ": a model's tensors share one dtype (in PyTorch: model.float() or model.double() before saving)");
        }
    }

    private static String join(int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int w : widths) {
            sb.append(sb.isEmpty() ? "" : ",").append(w);
        }
        return sb.toString();
    }

    private static List<Double> boxed(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double v : values) {
            list.add(v);
        }
        return list;
    }

    private static double[] requireFinite(Path file, int layer, String what, double[] values) throws IOException {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IOException("not saving " + file + ": layer " + layer + "'s " + what + " [" + i + "] is " + values[i]
                        + " (training diverged)");
            }
        }
        return values;
    }
}
