package dev.braid.components.model.routing;

import dev.braid.components.model.api.Target;
import dev.braid.components.model.pricing.PriceTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.random.RandomGenerator;

/**
 * Target selection: the order in which a {@link RoutingPolicy}'s targets are tried, as its
 * {@link RoutingStrategy} decides it at the moment of the call (measured latencies, prices, a random
 * draw for weights). Circuits are not consulted here: an open target keeps its place and is skipped
 * when its turn comes.
 */
final class TargetOrder {

    private final LatencyTracker latencies;
    private final PriceTable prices;
    private final RandomGenerator random;

    TargetOrder(LatencyTracker latencies, PriceTable prices, RandomGenerator random) {
        this.latencies = latencies;
        this.prices = prices;
        this.random = random;
    }

    /** The order in which the targets will be tried for one call, as the strategy decides it now. */
    List<Target> of(RoutingPolicy policy) {
        List<Target> targets = policy.targets();
        return switch (policy.strategy()) {
            case FALLBACK -> targets;
            case WEIGHTED -> weightedOrder(targets);
            case LEAST_LATENCY -> targets.stream()
                    // never-observed targets first, so every target gets measured
                    .sorted(Comparator.comparingDouble(t -> {
                        OptionalDouble avg = latencies.average(t);
                        return avg.isPresent() ? avg.getAsDouble() : -1.0;
                    }))
                    .toList();
            case CHEAPEST -> targets.stream()
                    // unpriced targets last: an unknown price may be any price
                    .sorted(Comparator.comparingDouble(t -> prices.priceOf(t)
                            .map(PriceTable.Price::blended)
                            .orElse(Double.MAX_VALUE)))
                    .toList();
        };
    }

    private List<Target> weightedOrder(List<Target> targets) {
        List<Target> remaining = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        List<Target> zero = new ArrayList<>();
        for (Target t : targets) {
            double w = weightOf(t);
            if (w > 0) {
                remaining.add(t);
                weights.add(w);
            } else {
                zero.add(t);
            }
        }
        List<Target> order = new ArrayList<>(targets.size());
        while (!remaining.isEmpty()) {
            double sum = 0;
            for (double w : weights) {
                sum += w;
            }
            double r = random.nextDouble() * sum;
            int pick = remaining.size() - 1;
            for (int i = 0; i < remaining.size(); i++) {
                r -= weights.get(i);
                if (r < 0) {
                    pick = i;
                    break;
                }
            }
            order.add(remaining.remove(pick));
            weights.remove(pick);
        }
        order.addAll(zero);
        return order;
    }

    private static double weightOf(Target t) {
        String w = t.options().get(ModelRouter.WEIGHT_OPTION);
        if (w == null) {
            return 1.0;
        }
        try {
            double v = Double.parseDouble(w);
            if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "target " + t.qualifiedName() + ": weight must be a number >= 0, got '" + w + "'");
        }
    }
}
