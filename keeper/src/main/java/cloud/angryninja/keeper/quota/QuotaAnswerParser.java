package cloud.angryninja.keeper.quota;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalDouble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cloud.angryninja.keeper.quota.CopilotQuota.Allowance;

/**
 * Reads the answer of {@code GET /copilot_internal/user} into a {@link CopilotQuota}. Pure and lenient: the endpoint is
 * undocumented and its fields have changed over time (numbers sent as strings, {@code remaining} next to or replaced by
 * {@code quota_remaining} and {@code percent_remaining}, dates as {@code 2026-08-01}, {@code 2026-08-01T00:00:00.000Z} or epoch seconds), so each
 * field is read on its own and one it cannot read is left empty rather than guessed. Two shapes are known: paid plans
 * answer {@code quota_snapshots.{premium_interactions,chat,completions}} with {@code quota_reset_date(_utc)}; free plans
 * answered {@code limited_user_quotas} (left) and {@code monthly_quotas} (per month) with {@code limited_user_reset_date}.
 * Where both appear, the snapshot wins. The sources of the shapes are listed in
 * {@code src/test/resources/copilot-quota/README.md}.
 */
public final class QuotaAnswerParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private QuotaAnswerParser() {
    }

    /** The quota an answer's body holds; empty when it is no JSON object or holds nothing the keeper reads. */
    public static Optional<CopilotQuota> parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) { // never passed on: a parser message quotes the input
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        JsonNode snapshots = root.path("quota_snapshots");
        CopilotQuota quota = new CopilotQuota(
                text(root.get("login")),
                Plan.of(text(root.get("copilot_plan")), text(root.get("access_type_sku"))),
                instant(root.get("quota_reset_date_utc")).or(() -> instant(root.get("quota_reset_date")))
                        .or(() -> instant(root.get("limited_user_reset_date"))),
                allowance(snapshots, root, QuotaKind.PREMIUM_INTERACTIONS),
                allowance(snapshots, root, QuotaKind.CHAT),
                allowance(snapshots, root, QuotaKind.COMPLETIONS));
        return quota.isEmpty() ? Optional.empty() : Optional.of(quota);
    }

    private static Optional<Allowance> allowance(JsonNode snapshots, JsonNode root, QuotaKind kind) {
        JsonNode snapshot = snapshots.get(kind.label());
        if (snapshot != null && snapshot.isObject()) {
            OptionalDouble entitlement = number(snapshot.get("entitlement"));
            Allowance a = new Allowance(entitlement, remaining(snapshot, entitlement), bool(snapshot.get("unlimited")));
            if (!a.isEmpty()) {
                return Optional.of(a);
            }
        }
        Allowance legacy = new Allowance(number(root.path("monthly_quotas").get(kind.label())),
                number(root.path("limited_user_quotas").get(kind.label())), Optional.empty());
        return legacy.isEmpty() ? Optional.empty() : Optional.of(legacy);
    }

    /**
     * {@code remaining}, else {@code quota_remaining} (newer answers carry only this one, with a fraction), else
     * {@code percent_remaining} of the entitlement.
     */
    private static OptionalDouble remaining(JsonNode snapshot, OptionalDouble entitlement) {
        OptionalDouble remaining = number(snapshot.get("remaining"));
        if (remaining.isPresent()) {
            return remaining;
        }
        OptionalDouble quotaRemaining = number(snapshot.get("quota_remaining"));
        if (quotaRemaining.isPresent()) {
            return quotaRemaining;
        }
        OptionalDouble percent = number(snapshot.get("percent_remaining"));
        return percent.isPresent() && entitlement.isPresent()
                ? OptionalDouble.of(entitlement.getAsDouble() * percent.getAsDouble() / 100) : OptionalDouble.empty();
    }

    /** A non-blank string. */
    static Optional<String> text(JsonNode node) {
        return node != null && node.isTextual() && !node.textValue().isBlank() ? Optional.of(node.textValue().strip()) : Optional.empty();
    }

    /** A finite JSON number, or a string holding one ({@code "300"}); anything else is unknown. */
    static OptionalDouble number(JsonNode node) {
        if (node == null) {
            return OptionalDouble.empty();
        }
        double d;
        if (node.isNumber()) {
            d = node.doubleValue();
        } else if (node.isTextual()) {
            try {
                d = new BigDecimal(node.textValue().strip()).doubleValue();
            } catch (NumberFormatException e) {
                return OptionalDouble.empty();
            }
        } else {
            return OptionalDouble.empty();
        }
        return Double.isFinite(d) ? OptionalDouble.of(d) : OptionalDouble.empty();
    }

    static Optional<Boolean> bool(JsonNode node) {
        return node != null && node.isBoolean() ? Optional.of(node.booleanValue()) : Optional.empty();
    }

    /**
     * A point in time: an ISO date-time with offset ({@code 2026-08-01T00:00:00.000Z}), an ISO date (midnight UTC), or
     * a number of epoch seconds (milliseconds when it is that large).
     */
    static Optional<Instant> instant(JsonNode node) {
        if (node == null) {
            return Optional.empty();
        }
        if (node.isNumber()) {
            double d = node.doubleValue();
            if (!Double.isFinite(d) || d <= 0) {
                return Optional.empty();
            }
            long millis = d >= 1e11 ? (long) d : (long) (d * 1000);
            return Optional.of(Instant.ofEpochMilli(millis));
        }
        Optional<String> text = text(node);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String s = text.get();
        try {
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e) {
            // not a date-time with offset: a date?
        }
        try {
            return Optional.of(LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
