package cloud.angryninja.keeper.quota;

import java.time.Instant;
import java.util.Optional;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The workspace's Copilot quota in {@code GET /workspaces}: the account and plan of its credential, the premium
 * requests left and the reset date, as the last call read them. Never holds the token.
 *
 * @param status             {@code KNOWN} (the last call answered), {@code UNKNOWN} (it failed: {@code reason} says
 *                           why), {@code PENDING} (no answer yet) or {@code NOT_ASKED} (no credential, a refused one,
 *                           or quota reading off)
 * @param reason             one line for people
 * @param account            the GitHub account ({@code login}) the credential belongs to
 * @param plan               the Copilot plan ({@link Plan#label()})
 * @param premiumRemaining   premium requests left this period
 * @param premiumEntitlement premium requests per period
 * @param premiumUnlimited   whether premium requests have no limit
 * @param resetsAt           when the quotas reset
 * @param checkedAt          when the last call ended
 */
@RegisterForReflection
public record QuotaView(Status status, String reason, Optional<String> account, Optional<String> plan,
        Optional<Number> premiumRemaining, Optional<Number> premiumEntitlement, Optional<Boolean> premiumUnlimited,
        Optional<Instant> resetsAt, Optional<Instant> checkedAt) {

    public enum Status {
        KNOWN, UNKNOWN, PENDING, NOT_ASKED
    }

    static QuotaView pending(String reason) {
        return new QuotaView(Status.PENDING, reason, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    static QuotaView notAsked(String reason) {
        return new QuotaView(Status.NOT_ASKED, reason, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    static QuotaView of(QuotaAnswer answer) {
        if (answer.quota().isEmpty()) {
            return new QuotaView(Status.UNKNOWN, answer.reason(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(answer.at()));
        }
        CopilotQuota q = answer.quota().get();
        Optional<CopilotQuota.Allowance> premium = q.premium();
        return new QuotaView(Status.KNOWN, answer.reason(), q.login(), q.plan().map(Plan::label),
                premium.flatMap(a -> boxed(a.remaining())), premium.flatMap(a -> boxed(a.entitlement())),
                premium.flatMap(CopilotQuota.Allowance::unlimited), q.resetsAt(), Optional.of(answer.at()));
    }

    private static Optional<Number> boxed(java.util.OptionalDouble d) {
        return d.isPresent() ? Optional.of(number(d.getAsDouble())) : Optional.empty();
    }

    /** A whole number as a long ({@code 250}, not {@code 250.0}), any other as it is. */
    static Number number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Number) (long) d : (Number) d;
    }
}
