package io.vecprop.train;

import java.util.Locale;

/**
 * Which update rule trains the network, and its constants: what {@code --optimizer}, {@code --momentum},
 * {@code --beta1}, {@code --beta2}, {@code --eps} and {@code --weight-decay} say. Each rule is PyTorch's:
 * <ul>
 *   <li>{@code sgd}: {@code torch.optim.SGD(lr, weight_decay=wd)}, {@code g = dW + wd · W}, {@code W -= lr · g};
 *   <li>{@code momentum}: {@code SGD(momentum=mu)}, {@code v = mu · v + g}, {@code W -= lr · v};
 *   <li>{@code nesterov}: {@code SGD(momentum=mu, nesterov=True)}, {@code v = mu · v + g},
 *       {@code W -= lr · (g + mu · v)};
 *   <li>{@code adam}: {@code torch.optim.Adam(betas=(beta1, beta2), eps, weight_decay=wd)}, the decay an L2 term
 *       added to the gradient;
 *   <li>{@code adamw}: {@code torch.optim.AdamW}, the decay decoupled: {@code W *= 1 − lr · wd} before Adam's step.
 * </ul>
 *
 * @param momentum 0 for sgd and Adam, mu in (0, 1) for momentum and nesterov
 * @param beta1 Adam's first-moment decay in [0, 1)
 * @param beta2 Adam's second-moment decay in [0, 1)
 * @param eps Adam's denominator term, positive and finite
 * @param weightDecay zero or positive and finite
 */
public record OptimizerSpec(Kind kind, double momentum, double beta1, double beta2, double eps, double weightDecay) {

    /** The update rules, by their {@code --optimizer} names. */
    public enum Kind {
        SGD, MOMENTUM, NESTEROV, ADAM, ADAMW;

        /** As on the command line: sgd, momentum, nesterov, adam, adamw. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean adam() {
            return this == ADAM || this == ADAMW;
        }

        /** The rule a {@code --optimizer} name gives; the message lists the names. */
        public static Kind parse(String id) {
            for (Kind k : values()) {
                if (k.id().equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown optimizer '" + id + "': sgd, momentum, nesterov, adam or adamw");
        }
    }

    /** PyTorch's defaults: Adam's betas (0.9, 0.999) and eps 1e-8. */
    public static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;
    /** The momentum of momentum and nesterov when none is given, and AdamW's weight decay (PyTorch's 0.01). */
    public static final double MOMENTUM = 0.9, ADAMW_DECAY = 0.01;

    public OptimizerSpec {
        if (kind == null) {
            throw new IllegalArgumentException("no optimizer kind");
        }
        if (kind.adam() ? momentum != 0 : !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException(kind.adam() ? kind.id() + " takes no momentum (its beta1 is the first moment's decay)"
                    : "momentum " + momentum + " must be in [0, 1)");
        }
        // one spelling per rule: sgd is momentum 0, momentum and nesterov have one above 0
        if (kind == Kind.SGD && momentum != 0) {
            throw new IllegalArgumentException("sgd has no momentum: momentum " + momentum + " is the momentum rule");
        }
        if ((kind == Kind.MOMENTUM || kind == Kind.NESTEROV) && momentum == 0) {
            throw new IllegalArgumentException(kind.id() + " needs a momentum in (0, 1)");
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 " + beta1 + " must be in [0, 1)");
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 " + beta2 + " must be in [0, 1)");
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("eps " + eps + " must be positive and finite");
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay " + weightDecay + " must be zero or positive and finite");
        }
    }

    /** SGD, plain (mu 0) or with classical momentum, without weight decay: what {@code --momentum} alone always meant. */
    public static OptimizerSpec sgd(double momentum) {
        return new OptimizerSpec(momentum == 0 ? Kind.SGD : Kind.MOMENTUM, momentum, BETA1, BETA2, EPS, 0);
    }

    /** Nesterov momentum mu, without weight decay. */
    public static OptimizerSpec nesterov(double momentum) {
        return new OptimizerSpec(Kind.NESTEROV, momentum, BETA1, BETA2, EPS, 0);
    }

    /** Adam with PyTorch's defaults and no weight decay. */
    public static OptimizerSpec adam() {
        return new OptimizerSpec(Kind.ADAM, 0, BETA1, BETA2, EPS, 0);
    }

    /** AdamW with PyTorch's defaults: weight decay 0.01. */
    public static OptimizerSpec adamW() {
        return new OptimizerSpec(Kind.ADAMW, 0, BETA1, BETA2, EPS, ADAMW_DECAY);
    }

    /** This rule with weight decay wd. */
    public OptimizerSpec withWeightDecay(double wd) {
        return new OptimizerSpec(kind, momentum, beta1, beta2, eps, wd);
    }

    /** This Adam rule with these betas and eps. */
    public OptimizerSpec withBetas(double beta1, double beta2, double eps) {
        return new OptimizerSpec(kind, momentum, beta1, beta2, eps, weightDecay);
    }

    /**
     * Arrays the size of the weights that the rule allocates: 0 (plain SGD), 1 (momentum's velocities), 2
     * (Nesterov's velocities and gradients) or 3 (Adam's two moments and its gradients).
     */
    public int stateArrays() {
        return switch (kind) {
            case SGD -> 0;
            case MOMENTUM -> 1;
            case NESTEROV -> 2;
            case ADAM, ADAMW -> 3;
        };
    }

    /** As the summary prints it: "adam (beta1 0.9, beta2 0.999, eps 1e-08)", "momentum 0.9, weight decay 0.0005". */
    @Override
    public String toString() {
        String s = switch (kind) {
            case SGD -> "sgd";
            case MOMENTUM, NESTEROV -> kind.id() + " " + momentum;
            case ADAM, ADAMW -> kind.id() + " (beta1 " + beta1 + ", beta2 " + beta2 + ", eps " + eps + ")";
        };
        return weightDecay == 0 ? s : s + ", weight decay " + weightDecay;
    }
}
