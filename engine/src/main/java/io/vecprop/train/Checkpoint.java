package io.vecprop.train;

import io.vecprop.nn.Parameters;
import java.util.List;
import java.util.Objects;

/**
 * Where a run stood after an epoch, beyond the network's weights: what
 * {@link MiniBatchTrainer#train(io.vecprop.nn.DenseNetwork, io.vecprop.data.Dataset, io.vecprop.data.Dataset,
 * MiniBatchTrainer.Options, MiniBatchTrainer.Listener, MiniBatchTrainer.Steps, MiniBatchTrainer.Checkpoints)}
 * needs to go on from there as if it had never stopped. With the weights of that moment it gives the
 * same bits as the run that did not stop.
 *
 * <p>The shuffle's generator is a {@link java.util.SplittableRandom} seeded with the options' seed
 * that has shuffled once per epoch done: its state is (seed, epochs), and resuming replays those
 * shuffles, which also rebuilds the order of the rows. Dropout's masks are a hash of the epoch and
 * the sample, so they need no state.
 *
 * @param epoch the epochs done, at least 1
 * @param rows the training rows, which the shuffle's replay needs unchanged
 * @param options the run's options; a resumed run must use the same but for its epochs
 * @param optimizer the optimizer's state after the epoch (velocities, moments, steps)
 * @param plateauBest the schedule's plateau memory: the best loss so far
 * @param plateauBadEpochs epochs since it improved
 * @param plateauReductions times the rate was cut
 * @param bestEpoch with early stopping, the epoch of the lowest validation loss so far (0: none yet)
 * @param bestLoss its validation loss (infinite when none)
 * @param bestWeights its weights, in the network's precision; null without early stopping or before a best
 * @param history every epoch's figures, 1 to epoch
 * @param finished whether the run ended at this epoch (its last, its target loss, or early stopping)
 */
public record Checkpoint(int epoch, int rows, MiniBatchTrainer.Options options, Optimizer.State optimizer,
        double plateauBest, int plateauBadEpochs, int plateauReductions, int bestEpoch, double bestLoss,
        Parameters bestWeights, List<MiniBatchTrainer.Epoch> history, boolean finished) {

    public Checkpoint {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(optimizer, "optimizer");
        history = List.copyOf(history);
        if (epoch < 1 || history.size() != epoch) {
            throw new IllegalArgumentException("a checkpoint after epoch " + epoch + " with " + history.size()
                    + " epochs of history");
        }
        if (rows < 1) {
            throw new IllegalArgumentException("a checkpoint of " + rows + " training rows");
        }
        if (bestEpoch < 0 || bestEpoch > epoch || (bestEpoch > 0) != (bestWeights != null)) {
            throw new IllegalArgumentException("a checkpoint's best epoch " + bestEpoch + " of " + epoch
                    + (bestWeights == null ? " without" : " with") + " its weights");
        }
    }

    /**
     * Why a run of these options cannot go on from this checkpoint, or null when it can: the same
     * options but for the epochs (the first that differs is named), more epochs than are done, and a run
     * that had not stopped early or reached its target.
     */
    public String mismatch(MiniBatchTrainer.Options o, int trainingRows) {
        MiniBatchTrainer.Options c = options;
        Object[][] pairs = {
            {"batch size", c.batchSize(), o.batchSize()}, {"learning rate", c.learningRate(), o.learningRate()},
            {"optimizer", c.optimizer(), o.optimizer()}, {"seed", c.seed(), o.seed()}, {"shuffle", c.shuffle(), o.shuffle()},
            {"bias training", c.trainBias(), o.trainBias()}, {"target loss", c.targetLoss(), o.targetLoss()},
            {"early-stopping patience", c.earlyStop(), o.earlyStop()}, {"schedule", c.schedule(), o.schedule()},
            {"warm-up", c.warmup(), o.warmup()}, {"clip norm", c.clipNorm(), o.clipNorm()}, {"dropout", c.dropout(), o.dropout()},
        };
        for (Object[] p : pairs) {
            if (!p[1].equals(p[2])) {
                return "its run trained with " + p[0] + " " + p[1] + ", this one with " + p[2];
            }
        }
        if (rows != trainingRows) {
            return "its run trained on " + rows + " rows, this one on " + trainingRows;
        }
        if (o.epochs() <= epoch) {
            return "it is after epoch " + epoch + ", and this run has " + o.epochs() + " epochs: ask for more";
        }
        if (finished && epoch < c.epochs()) {
            return "its run ended at epoch " + epoch + " of " + c.epochs() + " ("
                    + (c.earlyStop() > 0 ? "early stopping" : "its target loss") + "): there is nothing to resume";
        }
        return null;
    }
}
