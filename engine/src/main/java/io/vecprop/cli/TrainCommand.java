package io.vecprop.cli;

import io.vecprop.io.AtomicFiles;
import io.vecprop.io.Json;
import static io.vecprop.cli.Values.sig9;

import io.vecprop.example.WorkedExample;
import io.vecprop.example.WorkedExampleF32;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import io.vecprop.kernels.Precision;
import org.ejml.data.FMatrixRMaj;
import io.vecprop.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ejml.data.DMatrixRMaj;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "train",
        mixinStandardHelpOptions = true,
        header = "Train a network on data by mini-batch SGD, or the worked example until E_total falls below a target.",
        description = {
            "With --data: trains a network of --layers (or the model of --init) on a CSV file, MNIST IDX files or a "
                + "synthetic set by mini-batch SGD with optional momentum, shuffling each epoch from --seed; reports "
                + "training loss, validation loss and accuracy and samples/s per epoch (a progress bar on a terminal), "
                + "stops early at --target-loss, and saves the model (safetensors) and a loss plot (PNG) if asked.",
            "",
            "Without --data: trains the worked example's 2-2-2 network by gradient descent on its one sample until "
                + "E_total falls below --target-loss (default 1e-6) or --max-steps is reached, printing progress at 1, "
                + "2, 5, 10, 20, 50, ... steps and a summary (steps, outputs, E_total, wall time)."},
        footer = {"", "Examples:",
            "  ./vecprop train --data synthetic:blobs --layers 64,256,256,10 --loss cross-entropy --epochs 5 --batch 32 \\",
            "      --lr 0.1 --momentum 0.9 --validation 0.1 --model-out blobs.safetensors --plot blobs.png",
            "  ./vecprop train --data train-images-idx3-ubyte.gz --labels train-labels-idx1-ubyte.gz \\",
            "      --layers 784,1024,1024,10 --loss cross-entropy --batch 128 --epochs 10 --validation 0.1",
            "  ./vecprop train --data iris.csv --label-column species --scale standard --layers 4,16,3 --epochs 200",
            "  ./vecprop train --data synthetic:spirals --layers 2,64,64,3 --activations relu --epochs 200 --lr 0.05",
            "  ./vecprop train --data synthetic:regression --layers 8,64,1 --activations tanh,linear --loss mse --scale standard",
            "  ./vecprop train --data synthetic:blobs:features=64 --autoencoder --layers 64,8,64 --scale minmax \\",
            "      --activations relu,sigmoid --model-out ae.safetensors",
            "  ./vecprop train --data synthetic:blobs:n=100000,features=512,classes=10 --layers 512,2048,10 \\",
            "      --loss cross-entropy --batch 1024 --spark 'local[2]'",
            "  ./vecprop train", "  ./vecprop train --freeze-bias --lr 0.5",
            "  ./vecprop train --target-loss 0 --max-steps 2000000 --jfr /tmp/train.jfr",
            "  ./vecprop train --format json"})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernelOptions;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--layers", split = ",", paramLabel = "WIDTHS",
            description = "With --data: the widths from input to output, such as 784,1024,1024,10 (not needed with --init).")
    int[] layers;

    @Option(names = "--loss", paramLabel = "LOSS", converter = Values.LossConverter.class,
            description = "With --data: half-squared-error (the worked example's, sigmoid outputs by default), mse "
                    + "(mean squared error, for regression: linear outputs by default), binary-cross-entropy (sigmoid "
                    + "outputs, each its own yes/no: multi-label) or cross-entropy (softmax outputs, for classes). "
                    + "Default: the one that fits an output activation given in --activations (softmax: cross-entropy, "
                    + "sigmoid: binary-cross-entropy for classes, else half-squared-error; any other: mse); otherwise "
                    + "cross-entropy for class targets (--labels, --label-column, synthetic blobs or spirals), else "
                    + "half-squared-error.")
    io.vecprop.nn.Loss loss;

    @Option(names = "--activations", split = ",", paramLabel = "ACTS", converter = Values.ActivationConverter.class,
            description = "With --data: each layer's activation, one per layer (relu,relu,softmax) or one for every "
                    + "hidden layer (relu): sigmoid, tanh, relu, leaky-relu[:SLOPE] (default slope 0.01), gelu (tanh form), "
                    + "linear, or softmax (the output layer only, with cross-entropy). Default: sigmoid hidden layers and "
                    + "the loss's output (sigmoid, linear for mse, softmax for cross-entropy).")
    List<io.vecprop.kernels.Activation> activations;

    @Option(names = "--weight-init", paramLabel = "INIT", converter = Values.InitConverter.class,
            description = "With --data: how a new network's weights are drawn: pytorch (nn.Linear's, uniform in "
                    + "±1/sqrt(in)), he (Kaiming normal), he-uniform, xavier (Glorot uniform), xavier-normal, or auto "
                    + "(default: he for relu, leaky-relu and gelu layers, xavier for tanh, pytorch for the rest).")
    io.vecprop.nn.Init weightInit;

    @Option(names = "--autoencoder",
            description = "With --data: train the network to give back its (scaled) inputs, as an auto-encoder: the "
                    + "targets are the inputs, so the first and last --layers widths must match (784,64,784); data "
                    + "targets or labels are ignored. Use --scale minmax with sigmoid outputs, or --loss mse.")
    boolean autoencoder;

    @Option(names = "--epochs", converter = Values.PositiveInt.class, paramLabel = "E",
            description = "With --data: passes over the training samples (default: 10).")
    Long epochs;

    @Option(names = "--batch", converter = Values.PositiveInt.class, paramLabel = "B",
            description = "With --data: samples per step (default: 64).")
    Long batch;

    @Option(names = "--lr", defaultValue = "0.1", converter = Values.PositiveDouble.class, paramLabel = "RATE",
            description = "Learning rate, positive (default: ${DEFAULT-VALUE}, the text's).")
    double lr;

    @Option(names = "--momentum", converter = Values.Fraction.class, paramLabel = "M",
            description = "With --data: the momentum M in [0, 1) of sgd, momentum and nesterov: v = M·v + g (default: 0, "
                    + "plain SGD; 0.9 for --optimizer momentum and nesterov). Alone it means --optimizer momentum.")
    Double momentum;

    @Option(names = "--optimizer", paramLabel = "RULE", converter = Values.OptimizerConverter.class,
            description = "With --data: the update rule, each PyTorch's: sgd (W -= lr·g), momentum (v = M·v + g, W -= lr·v), "
                    + "nesterov (W -= lr·(g + M·v)), adam or adamw (decoupled weight decay) (default: sgd, or momentum "
                    + "when --momentum is given).")
    io.vecprop.train.OptimizerSpec.Kind optimizer;

    @Option(names = "--beta1", converter = Values.Fraction.class, paramLabel = "B1",
            description = "With adam or adamw: the first moment's decay in [0, 1) (default: 0.9).")
    Double beta1;

    @Option(names = "--beta2", converter = Values.Fraction.class, paramLabel = "B2",
            description = "With adam or adamw: the second moment's decay in [0, 1) (default: 0.999).")
    Double beta2;

    @Option(names = "--eps", converter = Values.PositiveDouble.class, paramLabel = "EPS",
            description = "With adam or adamw: added to the denominator sqrt(v) (default: 1e-8).")
    Double eps;

    @Option(names = "--weight-decay", converter = Values.NonNegativeDouble.class, paramLabel = "WD",
            description = "With --data: weight decay; an L2 term g += WD·W for sgd, momentum, nesterov and adam, "
                    + "decoupled W *= 1 - lr·WD for adamw (default: 0; 0.01 for adamw).")
    Double weightDecay;

    @Option(names = "--schedule", paramLabel = "SCHEDULE", converter = Values.ScheduleConverter.class,
            description = "With --data: the learning rate per epoch: constant, step:every=E,gamma=G (times G every E "
                    + "epochs), cosine (down to 0 at the end) or plateau:patience=P,factor=F (times F when the validation "
                    + "loss, else the training loss, stalls for more than P epochs) (default: constant).")
    io.vecprop.train.Schedule schedule;

    @Option(names = "--warmup", converter = Values.NonNegativeInt.class, paramLabel = "E",
            description = "With --data: ramp the rate up over the first E epochs, epoch e at lr·e/(E+1), before the "
                    + "schedule starts (default: 0).")
    Long warmup;

    @Option(names = "--clip-norm", converter = Values.PositiveDouble.class, paramLabel = "N",
            description = "With --data: scale each step's gradient down to global L2 norm N when it is longer, as "
                    + "PyTorch's clip_grad_norm_ (default: no clipping).")
    Double clipNorm;

    @Option(names = "--dropout", converter = Values.Fraction.class, paramLabel = "P",
            description = "With --data: drop each hidden unit with probability P in training steps and scale the "
                    + "kept ones by 1/(1-P) (inverted dropout, as PyTorch's nn.Dropout; masks drawn from --seed); "
                    + "eval and predict never drop (default: 0).")
    Double dropout;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "With --data: save a checkpoint (the model, the optimizer's state, the epoch, the shuffle's and "
                    + "the schedule's place) as DIR/epoch-NNNNNN.safetensors after every --checkpoint-every epochs and "
                    + "after the last, each written atomically; a checkpoint is also a model for eval, predict and --init.")
    Path checkpoint;

    @Option(names = "--checkpoint-every", converter = Values.PositiveInt.class, paramLabel = "E",
            description = "With --checkpoint (or --resume): save a checkpoint every E epochs (default: 1; resuming: as the "
                    + "resumed run did).")
    Long checkpointEvery;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "With --data and the flags the run was started with: go on from the latest checkpoint in DIR "
                    + "as if the run had not stopped (the same weights, bit for bit); --epochs may grow. Checkpoints go on "
                    + "into DIR unless --checkpoint says otherwise.")
    Path resume;

    @Option(names = "--seed", converter = Values.PositiveLong.class, paramLabel = "S",
            description = "With --data: seeds the initial weights, the validation split, the shuffle and synthetic data (default: 1).")
    Long seed;

    @Option(names = "--validation", converter = Values.Fraction.class, paramLabel = "SHARE",
            description = "With --data: the share of samples held out to validate after each epoch, such as 0.1 (default: 0, none).")
    Double validation;

    @Option(names = "--scale", paramLabel = "none|minmax|standard", converter = Values.ScaleConverter.class,
            description = "With --data: scale each input column by statistics of the training part, saved with the model "
                    + "(default: none).")
    io.vecprop.data.Scaler.Kind scale;

    @Option(names = "--init", paramLabel = "FILE",
            description = "With --data: start from a saved model's weights, loss and scaling (resume, fine-tune, or start "
                    + "where another framework did).")
    Path init;

    @Option(names = "--no-shuffle", description = "With --data: keep the data's order in every epoch (and hold out its last rows for validation).")
    boolean noShuffle;

    @Option(names = "--model-out", paramLabel = "FILE",
            description = "With --data: save the trained model here (safetensors, written to a temporary file and renamed).")
    Path modelOut;

    @Option(names = "--plot", paramLabel = "FILE.png", converter = Values.PngPath.class,
            description = "With --data: draw training and validation loss (and accuracy) per epoch into a PNG.")
    Path plot;

    @Option(names = "--spark", arity = "0..1", fallbackValue = "", paramLabel = "MASTER",
            description = "With --data: train on Apache Spark, data-parallel: each step the executors compute the gradient "
                    + "of their share of the batch and the driver sums them and steps. MASTER is local[N], spark://host:port, "
                    + "yarn or k8s://...; without it, the master spark-submit set. Needs the vecprop-spark module, which "
                    + "./vecprop adds. Same results as without --spark, up to the order of summation.")
    String spark;

    @Option(names = "--spark-partitions", converter = Values.PositiveInt.class, paramLabel = "P",
            description = "With --spark: split the training rows (and each batch) into P parts, one task each "
                    + "(default: Spark's default parallelism, such as N for local[N]).")
    Long sparkPartitions;

    @Option(names = "--freeze-bias", description = "Keep the biases fixed, as the text does (default: train them).")
    boolean freezeBias;

    @Option(names = "--target-loss", converter = Values.NonNegativeDouble.class, paramLabel = "LOSS",
            description = "Stop once the loss is below this: E_total for the worked example (default: 1e-6), the epoch's "
                    + "training loss with --data (default: 0, run every epoch).")
    Double targetLoss;

    @Option(names = "--early-stop", converter = Values.PositiveInt.class, paramLabel = "PATIENCE",
            description = "With --data and --validation: stop when the validation loss has not improved for PATIENCE "
                    + "epochs in a row, and end (and save) with the weights of the epoch of the lowest validation loss, "
                    + "which the summary names (default: every epoch runs, the last epoch's weights stay).")
    Long earlyStop;

    @Option(names = "--max-steps", defaultValue = "10000000", converter = Values.PositiveLong.class,
            paramLabel = "N", description = "Worked example: stop after this many steps at most (default: ${DEFAULT-VALUE}).")
    long maxSteps;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "text (progress and summary, default) or json (worked example: one summary object; with --data: "
                    + "one JSON line per epoch and a last one for the run, nothing else on standard output).")
    Values.Format format;

    @Option(names = "--jfr", paramLabel = "FILE",
            description = "Record the run with Java Flight Recorder (1 ms method sampling) into FILE, then print "
                    + "its ten hottest methods.")
    Path jfr;

    @Override
    public Integer call() throws java.io.IOException {
        // what will be written, checked before any work: writable, not an input, not named twice;
        // --init and --model-out may be the same model (it is read whole before training, replaced whole after)
        new CommandFiles().output("--model-out", dataOptions.data != null ? modelOut : null)
                .output("--plot", dataOptions.data != null ? plot : null).output("--jfr", jfr)
                .data(dataOptions.data).input("--labels", dataOptions.labels).input("--init", init)
                .check(spec.commandLine(), (out, in) -> out.equals("--model-out") && in.equals("--init"));
        if (layers != null && (layers.length < 2 || java.util.Arrays.stream(layers).anyMatch(w -> w < 1))) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--layers': '"
                    + DataTraining.commas(layers) + "' needs at least an input and an output width, each at least 1, "
                    + "such as 784,128,10");
        }
        if (dataOptions.data != null) {
            Recording recording = startRecording();
            int exit = new DataTraining(this, spec.commandLine()).run();
            finishRecording(recording, format == Values.Format.json);
            return exit;
        }
        String dataOnly = dataOnlyOptionGiven();
        if (dataOnly != null) {
            throw new ParameterException(spec.commandLine(), dataOnly + " needs --data (without it, train runs the worked example)");
        }
        return workedExample();
    }

    /** The first option given that only applies with --data, or null. */
    private String dataOnlyOptionGiven() {
        Object[][] options = {{"--layers", layers}, {"--loss", loss}, {"--activations", activations},
            {"--weight-init", weightInit}, {"--autoencoder", autoencoder ? Boolean.TRUE : null}, {"--epochs", epochs}, {"--batch", batch},
            {"--early-stop", earlyStop}, {"--momentum", momentum}, {"--optimizer", optimizer}, {"--beta1", beta1},
            {"--beta2", beta2}, {"--eps", eps}, {"--weight-decay", weightDecay}, {"--schedule", schedule},
            {"--warmup", warmup}, {"--clip-norm", clipNorm}, {"--dropout", dropout}, {"--checkpoint", checkpoint},
            {"--checkpoint-every", checkpointEvery},
            {"--resume", resume}, {"--seed", seed}, {"--validation", validation}, {"--scale", scale}, {"--init", init},
            {"--model-out", modelOut}, {"--plot", plot}, {"--labels", dataOptions.labels},
            {"--label-column", dataOptions.labelColumn}, {"--no-shuffle", noShuffle ? Boolean.TRUE : null},
            {"--spark", spark}, {"--spark-partitions", sparkPartitions}};
        for (Object[] o : options) {
            if (o[1] != null) {
                return (String) o[0];
            }
        }
        return null;
    }

    private Recording startRecording() {
        if (jfr == null) {
            return null;
        }
        Recording recording = new Recording();
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
        recording.start();
        return recording;
    }

    /** Stops the recording, writes it to --jfr and prints its hottest methods (to standard error with json). */
    private void finishRecording(Recording recording, boolean json) throws java.io.IOException {
        if (recording == null) {
            return;
        }
        recording.stop();
        try {
            AtomicFiles.write(jfr, recording::dump);
        } finally {
            recording.close();
        }
        PrintWriter to = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        to.print(JfrHotMethods.report(jfr, 10));
        to.flush();
    }

    private int workedExample() throws java.io.IOException {
        double targetLoss = this.targetLoss != null ? this.targetLoss : 1e-6;
        PrintWriter out = spec.commandLine().getOut();
        boolean json = format == Values.Format.json;
        Precision precision = kernelOptions.precision(Precision.F64);
        KernelSelection kernels = kernelOptions.selection(spec.commandLine().getErr());
        Trainer.Options options = new Trainer.Options(lr, !freezeBias, targetLoss, maxSteps);
        if (!json) {
            out.printf("training the worked example (2-2-2, lr %s, biases %s, %s) until E_total < %s or %d steps%n",
                    sig9(lr), freezeBias ? "frozen" : "trained", precision, sig9(targetLoss), maxSteps);
            out.flush();
        }
        Trainer.Listener listener = json ? Trainer.Listener.NONE
                : (steps, loss) -> {
                    out.printf("  step %10d   E_total %s%n", steps, sig9(loss));
                    out.flush();
                };
        Recording recording = startRecording();
        Trainer.Result result;
        double o1, o2;
        if (precision == Precision.F32) {
            NetworkF32 network = WorkedExampleF32.network(kernels.f32());
            FMatrixRMaj x = WorkedExampleF32.input();
            result = Trainer.train(network, x, WorkedExampleF32.target(), options, listener);
            FMatrixRMaj o = network.forward(x);
            o1 = o.get(0, 0);
            o2 = o.get(0, 1);
        } else {
            Network network = WorkedExample.network(kernels.f64());
            DMatrixRMaj x = WorkedExample.input();
            result = Trainer.train(network, x, WorkedExample.target(), options, listener);
            DMatrixRMaj o = network.forward(x);
            o1 = o.get(0, 0);
            o2 = o.get(0, 1);
        }
        finishRecording(recording, json);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("precision", precision.id());
            m.put("steps", result.steps());
            m.put("e_total", result.loss());
            m.put("out", List.of(o1, o2));
            m.put("seconds", result.seconds());
            out.println(Json.write(m));
        } else {
            out.printf("%s after %d steps: E_total = %s, out(o1) = %s (target 0.5), out(o2) = %s (target 0.9), %s s%n",
                    result.reachedTarget() ? "reached the target" : "stopped at --max-steps, target not reached,",
                    result.steps(), sig9(result.loss()), sig9(o1), sig9(o2),
                    sig9(result.seconds()));
        }
        out.flush();
        return 0;
    }
}
