package cloud.angryninja.keeper.quota;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The Copilot plan as the quota answer names it ({@code copilot_plan}): the fixed label set of {@code plan} on
 * {@code opencode_keeper_copilot_quota_plan_info}. A value outside the set is {@link #OTHER}.
 */
public enum Plan {
    /** Copilot Free: {@code access_type_sku} {@code free_limited_copilot} (its {@code copilot_plan} says {@code individual}). */
    FREE,
    /** Copilot Pro. */
    INDIVIDUAL,
    /** Copilot Pro+. */
    INDIVIDUAL_PRO,
    INDIVIDUAL_MAX,
    BUSINESS,
    ENTERPRISE,
    /** Any other non-empty {@code copilot_plan}. */
    OTHER;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Pure: the plan of an answer's {@code copilot_plan} and {@code access_type_sku}; empty when neither names one. A free
     * account answers {@code copilot_plan: individual} with the SKU {@code free_limited_copilot}, so the SKU decides first.
     */
    public static Optional<Plan> of(Optional<String> copilotPlan, Optional<String> accessTypeSku) {
        if (accessTypeSku.map(s -> s.strip().toLowerCase(Locale.ROOT).startsWith("free_limited")).orElse(false)) {
            return Optional.of(FREE);
        }
        return copilotPlan.map(String::strip).filter(p -> !p.isEmpty()).map(p -> {
            for (Plan plan : values()) {
                if (plan != OTHER && plan.label().equals(p.toLowerCase(Locale.ROOT))) {
                    return plan;
                }
            }
            return OTHER;
        });
    }
}
