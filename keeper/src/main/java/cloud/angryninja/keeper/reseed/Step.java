package cloud.angryninja.keeper.reseed;

import java.util.Locale;

/**
 * The steps of a reseed as its reply, its audit lines and the {@code step} label of its metrics name them, in order;
 * each is recorded per workspace with outcome, duration and detail. {@link ReseedSteps} lists the classes that take them.
 */
public enum Step {
    /** The body: size, JSON object, a github-copilot oauth entry with a refresh token. */
    INPUT,
    /** The same Copilot {@code /models} call as the probe, before anything changes. */
    VERIFY_BEFORE,
    /** One write of the reduced auth.json to every target workspace's Doppler secret, skipped when unchanged. */
    DOPPLER,
    /** {@code force-sync} on the ExternalSecret, then wait for ESO and for the Secret to hold the value. */
    ESO,
    /**
     * Live mode: {@code PUT /auth/github-copilot} on the running OpenCode, then {@code POST /instance/dispose} when the
     * provider was not loaded.
     */
    LIVE_APPLY,
    /** Exactly one rollout of the Deployment after the Secret changed (live mode: only where the live apply failed). */
    ROLLOUT,
    /**
     * Probe the workspace: OpenCode up, provider loaded, the new credential valid, and (rollout mode) pods newer than
     * the Secret.
     */
    VERIFY_AFTER;

    /** {@code verify_before}: the metric label and the name in replies and audit lines. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
