package cloud.angryninja.keeper.kube;

import java.time.Duration;

/**
 * How a Deployment rollout ended.
 *
 * @param mode whether the keeper joined a rollout already under way or started one
 */
public record RolloutResult(Outcome outcome, Duration duration, String detail, Mode mode) implements StepResult {

    public enum Mode {
        /** A rollout (e.g. by Reloader) had started after the snapshot; the keeper only waited for it. */
        JOINED,
        /** The keeper set {@code kubectl.kubernetes.io/restartedAt}. */
        STARTED,
        /**
         * An earlier rollout already started after the Secret held the value ({@link KeeperAnnotations#ROLLED_OUT_FOR});
         * the keeper only waited for the current generation.
         */
        EARLIER,
        /** No rollout was joined or started (the Deployment is missing, or the patch failed). */
        NONE
    }

    public static RolloutResult skipped(String detail) {
        return new RolloutResult(Outcome.SKIPPED, Duration.ZERO, detail, Mode.NONE);
    }
}
