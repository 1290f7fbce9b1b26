package io.vecprop.train;

import io.vecprop.data.Scaler;
import io.vecprop.io.DataFormatException;
import io.vecprop.io.Json;
import io.vecprop.io.JsonReader;
import io.vecprop.io.ModelFile;
import io.vecprop.io.Safetensors;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Precision;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Parameters;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoints on disk: one safetensors file per checkpoint, {@code DIR/epoch-000003.safetensors},
 * each a {@link ModelFile} model (so {@code eval}, {@code predict} and {@code --init} take it as
 * it is) plus the optimizer's arrays as tensors {@code checkpoint.optimizer.NAME} (flat, in the
 * parameters' layout and the model's dtype), early stopping's best weights as
 * {@code checkpoint.best}, and the rest of the {@link Checkpoint} as JSON in the metadata entry
 * {@code checkpoint}. Every double in that JSON is a string Java writes and reads back to the same
 * bits (NaN and infinities included).
 *
 * <p>Each file is written atomically ({@link io.vecprop.io.AtomicFiles}: a temporary, then a
 * rename), and a checkpoint never replaces another's file, so a kill at any moment leaves every
 * checkpoint already written whole; a resumed run starts from the latest.
 */
public final class CheckpointFile {

    /** The metadata entry that makes a model file a checkpoint. */
    public static final String KEY = "checkpoint";
    private static final Pattern NAME = Pattern.compile("epoch-(\\d{6,9})\\.safetensors");
    private static final int VERSION = 1;

    private CheckpointFile() {}

    /** A checkpoint as read: the model (its network holding the checkpoint's weights) and the state. */
    public record Loaded(Path file, ModelFile.Model model, Checkpoint checkpoint, int every) {}

    /** The file of the checkpoint after this epoch, in dir. */
    public static Path path(Path dir, int epoch) {
        return dir.resolve(String.format(Locale.ROOT, "epoch-%06d.safetensors", epoch));
    }

    /** The latest checkpoint in dir (the highest epoch), if it holds any; empty when dir does not exist. */
    public static Optional<Path> latest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Path latest = null;
        long most = -1;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches() && Files.isRegularFile(f) && Long.parseLong(m.group(1)) > most) {
                    most = Long.parseLong(m.group(1));
                    latest = f;
                }
            }
        }
        return Optional.ofNullable(latest);
    }

    /**
     * Writes the checkpoint of network (its weights as they are now) into dir, created when missing,
     * atomically, and returns the file.
     *
     * @param every how often the run saves a checkpoint, for a resumed run to go on saving so
     */
    public static Path write(Path dir, DenseNetwork network, Scaler scaler, List<String> classes, boolean autoencoder,
            int every, Checkpoint c) throws IOException {
        Files.createDirectories(dir);
        String dtype = network.precision().dtype();
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameters> e : new TreeMap<>(c.optimizer().arrays()).entrySet()) {
            tensors.put(ModelFile.EXTRA + "optimizer." + e.getKey(), tensor(dtype, e.getValue()));
        }
        if (c.bestWeights() != null) {
            tensors.put(ModelFile.EXTRA + "best", tensor(dtype, c.bestWeights()));
        }
        MiniBatchTrainer.Options o = c.options();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("epochs", o.epochs());
        options.put("batch", o.batchSize());
        options.put("learning_rate", str(o.learningRate()));
        OptimizerSpec spec = o.optimizer();
        options.put("optimizer", map("kind", spec.kind().id(), "momentum", str(spec.momentum()), "beta1", str(spec.beta1()),
                "beta2", str(spec.beta2()), "eps", str(spec.eps()), "weight_decay", str(spec.weightDecay())));
        options.put("seed", o.seed());
        options.put("shuffle", o.shuffle());
        options.put("train_bias", o.trainBias());
        options.put("target_loss", str(o.targetLoss()));
        options.put("early_stop", o.earlyStop());
        Schedule s = o.schedule();
        options.put("schedule", map("kind", s.kind().id(), "every", s.every(), "gamma", str(s.gamma()), "patience",
                s.patience(), "factor", str(s.factor())));
        options.put("warmup", o.warmup());
        options.put("clip_norm", str(o.clipNorm()));
        options.put("dropout", str(o.dropout()));
        List<Object> history = new ArrayList<>();
        for (MiniBatchTrainer.Epoch e : c.history()) {
            history.add(List.of(e.epoch(), str(e.trainLoss()), str(e.trainAccuracy()), str(e.validationLoss()),
                    str(e.validationAccuracy()), e.samples(), e.nanos(), str(e.learningRate())));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", VERSION);
        json.put("epoch", c.epoch());
        json.put("rows", c.rows());
        json.put("every", every);
        json.put("finished", c.finished());
        json.put("options", options);
        json.put("optimizer_steps", c.optimizer().steps());
        json.put("plateau", map("best", str(c.plateauBest()), "bad_epochs", c.plateauBadEpochs(), "reductions",
                c.plateauReductions()));
        json.put("early_stop", map("epoch", c.bestEpoch(), "loss", str(c.bestLoss())));
        json.put("shuffle", map("seed", o.seed(), "shuffles", o.shuffle() ? c.epoch() : 0));
        json.put("history", history);
        Path file = path(dir, c.epoch());
        ModelFile.write(file, new ModelFile.Model(network, scaler, classes).withAutoencoder(autoencoder), tensors,
                Map.of(KEY, Json.write(json)));
        return file;
    }

    /**
     * Reads a checkpoint as {@link ModelFile#read(Path, Precision, KernelSelection)} reads a model, in its own
     * precision unless another is asked for (then the optimizer's state cannot follow: an error).
     *
     * @throws DataFormatException naming the file and what is wrong, when it is not a checkpoint of this version
     */
    public static Loaded read(Path file, KernelSelection kernels) throws IOException {
        ModelFile.Stored stored = ModelFile.readStored(file, null, kernels);
        String name = file.getFileName().toString();
        String text = stored.metadata().get(KEY);
        if (text == null) {
            throw new DataFormatException(name + ": a model without a checkpoint (no '" + KEY + "' metadata)");
        }
        try {
            Map<String, Object> json = obj(JsonReader.parse(text));
            if (integer(json, "version") != VERSION) {
                throw new IllegalArgumentException("version " + json.get("version") + ", this vecprop reads " + VERSION);
            }
            Map<String, Object> o = obj(json.get("options"));
            Map<String, Object> spec = obj(o.get("optimizer"));
            Map<String, Object> s = obj(o.get("schedule"));
            MiniBatchTrainer.Options options = new MiniBatchTrainer.Options(integer(o, "epochs"), integer(o, "batch"),
                    dbl(o, "learning_rate"), new OptimizerSpec(OptimizerSpec.Kind.parse((String) spec.get("kind")),
                            dbl(spec, "momentum"), dbl(spec, "beta1"), dbl(spec, "beta2"), dbl(spec, "eps"),
                            dbl(spec, "weight_decay")),
                    lng(o, "seed"), bool(o, "shuffle"), bool(o, "train_bias"), dbl(o, "target_loss"), integer(o, "early_stop"),
                    new Schedule(Schedule.Kind.valueOf(((String) s.get("kind")).toUpperCase(Locale.ROOT)), integer(s, "every"),
                            dbl(s, "gamma"), integer(s, "patience"), dbl(s, "factor")),
                    integer(o, "warmup"), dbl(o, "clip_norm"), dbl(o, "dropout"));
            DenseNetwork network = stored.model().network();
            Map<String, Parameters> arrays = new TreeMap<>();
            Parameters best = null;
            for (Map.Entry<String, Safetensors.Tensor> e : stored.extra().entrySet()) {
                String tensor = e.getKey().substring(ModelFile.EXTRA.length());
                Parameters p = parameters(network, e.getKey(), e.getValue());
                if (tensor.startsWith("optimizer.")) {
                    arrays.put(tensor.substring("optimizer.".length()), p);
                } else if (tensor.equals("best")) {
                    best = p;
                } else {
                    throw new IllegalArgumentException("unexpected tensor " + e.getKey());
                }
            }
            List<MiniBatchTrainer.Epoch> history = new ArrayList<>();
            for (Object row : (List<?>) json.get("history")) {
                List<?> r = (List<?>) row;
                history.add(new MiniBatchTrainer.Epoch(((Number) r.get(0)).intValue(), dbl(r.get(1)), dbl(r.get(2)),
                        dbl(r.get(3)), dbl(r.get(4)), ((Number) r.get(5)).longValue(), ((Number) r.get(6)).longValue(),
                        dbl(r.get(7))));
            }
            Map<String, Object> plateau = obj(json.get("plateau"));
            Map<String, Object> early = obj(json.get("early_stop"));
            Checkpoint c = new Checkpoint(integer(json, "epoch"), integer(json, "rows"), options,
                    new Optimizer.State(arrays, lng(json, "optimizer_steps")), dbl(plateau, "best"),
                    integer(plateau, "bad_epochs"), integer(plateau, "reductions"), integer(early, "epoch"),
                    dbl(early, "loss"), best, history, bool(json, "finished"));
            return new Loaded(file, stored.model(), c, integer(json, "every"));
        } catch (RuntimeException e) { // a missing key, a wrong type, a value out of its range
            throw new DataFormatException(name + ": not a checkpoint this vecprop reads: " + e.getMessage());
        }
    }

    private static Safetensors.Tensor tensor(String dtype, Parameters p) {
        double[] values = switch (p.precision()) {
            case F64 -> p.f64();
            case F32 -> {
                float[] f = p.f32();
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                yield d;
            }
        };
        return new Safetensors.Tensor(dtype, new long[] {values.length}, values);
    }

    private static Parameters parameters(DenseNetwork network, String name, Safetensors.Tensor t) {
        double[] v = t.values();
        if (t.shape().length != 1 || v.length != network.parameterCount()) {
            throw new IllegalArgumentException("tensor " + name + " holds " + v.length + " values for a network of "
                    + network.parameterCount() + " parameters");
        }
        if (network.precision() == Precision.F64) {
            return Parameters.of(v.clone());
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i]; // exact: the file's F32 values, widened
        }
        return Parameters.of(f);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String str(double d) {
        return Double.toString(d);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Object o) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("expected an object, found " + o);
        }
        return (Map<String, Object>) m;
    }

    private static Object get(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return v;
    }

    private static int integer(Map<String, Object> m, String key) {
        return Math.toIntExact(lng(m, key));
    }

    private static long lng(Map<String, Object> m, String key) {
        if (!(get(m, key) instanceof Long l)) {
            throw new IllegalArgumentException("'" + key + "' is " + m.get(key) + ", not an integer");
        }
        return l;
    }

    private static boolean bool(Map<String, Object> m, String key) {
        if (!(get(m, key) instanceof Boolean b)) {
            throw new IllegalArgumentException("'" + key + "' is " + m.get(key) + ", not true or false");
        }
        return b;
    }

    private static double dbl(Map<String, Object> m, String key) {
        return dbl(get(m, key));
    }

    private static double dbl(Object v) {
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(v + " is not a number written as a string");
        }
        return Double.parseDouble(s);
    }
}
