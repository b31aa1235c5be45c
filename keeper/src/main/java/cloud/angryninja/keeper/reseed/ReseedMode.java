package cloud.angryninja.keeper.reseed;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How a reseed reaches the running OpenCode: {@code ?mode=} on {@code POST /reseed}. */
public enum ReseedMode {
    /** Forced: one rollout of the Deployment; the new pods read the new Secret at start. */
    ROLLOUT,
    /**
     * The default, no restart: {@code PUT /auth/github-copilot} on the running OpenCode (and {@code POST /instance/dispose}
     * when needed); one rollout only for a workspace that does not take it live (down, refuses).
     */
    LIVE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Pure: absent is {@link #LIVE}; else exactly {@code rollout} or {@code live}. The refusal never echoes the value. */
    public static ReseedMode parse(String value) {
        if (value == null) {
            return LIVE;
        }
        return switch (value) {
            case "rollout" -> ROLLOUT;
            case "live" -> LIVE;
            default -> throw new IllegalArgumentException("?mode takes exactly rollout or live (or is left out)");
        };
    }

    /** The steps of a reseed in this mode, in order. */
    public List<Step> steps() {
        return Arrays.stream(Step.values()).filter(this::has).toList();
    }

    /** The steps of a reseed in this mode: live mode has the live apply, and the rollout for a workspace that needs one. */
    public boolean has(Step step) {
        return step != Step.LIVE_APPLY || this == LIVE;
    }
}
