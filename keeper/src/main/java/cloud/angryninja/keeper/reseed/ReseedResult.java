package cloud.angryninja.keeper.reseed;

import java.util.Locale;

/** How a reseed ended for a workspace: the {@code result} label of {@code opencode_keeper_reseed_total}. */
public enum ReseedResult {
    /** Every step done and the workspace verified on the new credential. */
    SUCCESS,
    /** A step failed (Doppler, ESO, rollout, verify, the Copilot API unreachable, the Kubernetes API). */
    FAILURE,
    /** A step that waits (ESO sync, rollout) ran past its deadline. */
    TIMEOUT,
    /** Refused before anything changed: bad input, a credential Copilot rejects, a cluster that cannot take it. */
    REJECTED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
