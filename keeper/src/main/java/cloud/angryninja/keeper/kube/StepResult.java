package cloud.angryninja.keeper.kube;

import java.time.Duration;

/** What every cluster action reports: how it ended, how long it took, and a sentence saying why. */
public interface StepResult {

    Outcome outcome();

    Duration duration();

    /** Human-readable; never holds a secret value. */
    String detail();

    default boolean succeeded() {
        return outcome() == Outcome.SUCCESS;
    }
}
