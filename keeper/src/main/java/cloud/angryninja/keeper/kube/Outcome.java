package cloud.angryninja.keeper.kube;

import java.util.Locale;

/** How a step ended. */
public enum Outcome {
    SUCCESS,
    FAILURE,
    TIMEOUT,
    SKIPPED;

    /** Lower-case form for reports, logs and metric labels. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
