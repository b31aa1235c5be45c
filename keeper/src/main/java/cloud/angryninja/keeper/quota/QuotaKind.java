package cloud.angryninja.keeper.quota;

import java.util.Locale;

/** The quotas the keeper reads: the fixed label set of {@code quota} on the quota series. */
public enum QuotaKind {
    /** Premium requests: what the models with a premium multiplier cost; what runs out first. */
    PREMIUM_INTERACTIONS,
    CHAT,
    COMPLETIONS;

    /** The label value and the answer's key: {@code premium_interactions}, {@code chat}, {@code completions}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
