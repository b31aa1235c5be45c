package cloud.angryninja.keeper.kube;

import java.time.Instant;

/**
 * A Deployment as it was before the Secret changed: the reference that tells a rollout started since
 * (by Reloader or anyone) from none.
 *
 * @param namespace           the Deployment's namespace
 * @param deployment          the Deployment's name
 * @param generation          {@code metadata.generation} at the time
 * @param templateFingerprint {@link Rollouts#templateFingerprint} at the time
 * @param watchedByReloader   whether Reloader is expected to roll it when {@code secret} changes
 * @param takenAt             when the snapshot was taken
 */
public record RolloutSnapshot(String namespace, String deployment, long generation, String templateFingerprint,
        boolean watchedByReloader, Instant takenAt) {

    /** The same snapshot, not expecting Reloader to roll: the Secret already held the new value, so it will not change. */
    public RolloutSnapshot withoutReloader() {
        return new RolloutSnapshot(namespace, deployment, generation, templateFingerprint, false, takenAt);
    }
}
