package cloud.angryninja.keeper.events;

import java.time.Duration;

/** Exponential reconnect delays: initial, doubled per failed attempt, capped, with up to 20 % jitter. */
record Backoff(Duration initial, Duration max) {

    Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("the initial backoff must be positive");
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("the maximal backoff must not be shorter than the initial one");
        }
    }

    /**
     * The wait before attempt {@code failures + 1}; {@code jitter} in [0, 1) stretches it by up to
     * 20 % so that many streams dropped together do not reconnect together.
     */
    Duration delay(int failures, double jitter) {
        Duration d = initial;
        for (int i = 0; i < failures && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        if (d.compareTo(max) > 0) {
            d = max;
        }
        return d.plusMillis((long) (d.toMillis() * 0.2 * Math.max(0, Math.min(jitter, 1))));
    }
}
