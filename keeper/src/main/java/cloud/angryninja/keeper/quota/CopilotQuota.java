package cloud.angryninja.keeper.quota;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What one answer of {@code GET /copilot_internal/user} told about a credential's account. The endpoint is
 * undocumented, so every part is optional: a field the answer lacks (or holds in a shape the keeper does not know) is
 * empty, and its series stays absent. Holds no secret.
 *
 * @param login       the GitHub account the token belongs to ({@code login})
 * @param plan        the Copilot plan ({@code copilot_plan}, {@code access_type_sku})
 * @param resetsAt    when the monthly quotas reset ({@code quota_reset_date_utc}, {@code quota_reset_date}, or a free
 *                    plan's {@code limited_user_reset_date})
 * @param premium     premium requests ({@code quota_snapshots.premium_interactions})
 * @param chat        chat ({@code quota_snapshots.chat}, or a free plan's {@code limited_user_quotas.chat} of
 *                    {@code monthly_quotas.chat})
 * @param completions completions (as chat)
 */
public record CopilotQuota(Optional<String> login, Optional<Plan> plan, Optional<Instant> resetsAt, Optional<Allowance> premium,
        Optional<Allowance> chat, Optional<Allowance> completions) {

    /**
     * One quota of the account.
     *
     * @param entitlement what the plan gives per period ({@code entitlement}; a free plan's {@code monthly_quotas})
     * @param remaining   what is left of it ({@code remaining}, else {@code quota_remaining}, else
     *                    {@code percent_remaining} of the entitlement; a free plan's {@code limited_user_quotas})
     * @param unlimited   whether the quota has no limit ({@code unlimited}; then entitlement and remaining say nothing)
     */
    public record Allowance(OptionalDouble entitlement, OptionalDouble remaining, Optional<Boolean> unlimited) {

        /** Nothing known of this quota. */
        public boolean isEmpty() {
            return entitlement.isEmpty() && remaining.isEmpty() && unlimited.isEmpty();
        }
    }

    public Optional<Allowance> allowance(QuotaKind kind) {
        return switch (kind) {
            case PREMIUM_INTERACTIONS -> premium;
            case CHAT -> chat;
            case COMPLETIONS -> completions;
        };
    }

    /** The answer told nothing the keeper reads about the quota (a login alone is no quota). */
    public boolean isEmpty() {
        return plan.isEmpty() && resetsAt.isEmpty() && premium.isEmpty() && chat.isEmpty() && completions.isEmpty();
    }
}
