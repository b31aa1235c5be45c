package cloud.angryninja.keeper.reseed;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How a reseed reaches the running OpenCode: {@code ?mode=} on {@code POST /reseed}. */
public enum ReseedMode {
    /** The default: one rollout of the Deployment; the new pods read the new Secret at start. */
    ROLLOUT,
    /** No restart: {@code PUT /auth/github-copilot} on the running OpenCode (and {@code POST /instance/dispose} when needed). */
    LIVE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Pure: absent is {@link #ROLLOUT}; else exactly {@code rollout} or {@code live}. The refusal never echoes the value. */
    public static ReseedMode parse(String value) {
        if (value == null) {
            return ROLLOUT;
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

    /** The steps of a reseed in this mode: a live apply instead of the rollout. */
    public boolean has(Step step) {
        return switch (step) {
            case ROLLOUT -> this == ROLLOUT;
            case LIVE_APPLY -> this == LIVE;
            default -> true;
        };
    }
}
