package io.vecprop.spark;

import io.vecprop.nn.GradientSum;
import io.vecprop.nn.Parameters;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * One step's work in one partition: the gradient, summed over the rows of the batch that fall in
 * the partition's block, of the weights the driver broadcast for this step. Runs on an executor;
 * yields one {@link GradientSum}, or nothing when no row of the batch is in the block.
 */
final class GradientTask implements FlatMapFunction<Iterator<Integer>, GradientSum> {

    private static final long serialVersionUID = 1L;

    /** Test seam: called in each task before it computes, with its partition, step and attempt. */
    interface Observer {
        void beforeStep(int partition, long step, int attempt);
    }

    static volatile Observer observer;

    private final String run;
    private final long step;
    private final int epoch;
    private final Workers.Recipe recipe;
    private final List<Broadcast<Block>> blocks;
    private final Broadcast<Parameters> parameters;
    private final int[] batch;

    GradientTask(String run, long step, int epoch, Workers.Recipe recipe, List<Broadcast<Block>> blocks,
            Broadcast<Parameters> parameters, int[] batch) {
        this.run = run;
        this.step = step;
        this.epoch = epoch;
        this.recipe = recipe;
        this.blocks = blocks;
        this.parameters = parameters;
        this.batch = batch;
    }

    @Override
    public Iterator<GradientSum> call(Iterator<Integer> partitions) {
        int partition = partitions.next(); // one index per partition: which block is this partition's
        Block block = blocks.get(partition).value();
        TaskContext context = TaskContext.get();
        Observer o = observer;
        if (o != null) {
            o.beforeStep(partition, step, context == null ? 0 : context.attemptNumber());
        }
        int count = 0;
        for (int r : batch) {
            if (block.holds(r)) {
                count++;
            }
        }
        if (count == 0) {
            return Collections.emptyIterator();
        }
        int threads = recipe.threads() > 0 ? recipe.threads() : context == null ? 1 : Math.max(1, context.cpus());
        Workers.Worker worker = Workers.borrow(run, recipe, threads);
        try {
            int n = 0;
            for (int r : batch) {
                if (block.holds(r)) {
                    worker.samples[n] = r; // the training set's: dropout's masks follow the sample
                    worker.rows[n++] = r - block.firstRow; // the block's own row index
                }
            }
            if (worker.network.dropout() != null) {
                worker.network.dropout().rows(epoch, worker.samples, 0);
            }
            worker.network.setParameters(parameters.value());
            worker.buffers.gather(block.dataset(), worker.rows, 0, count);
            return List.of(worker.buffers.gradientSum()).iterator();
        } finally {
            Workers.giveBack(run, worker);
        }
    }
}
