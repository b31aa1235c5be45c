package cloud.angryninja.keeper.quota;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * What one call of {@code GET /copilot_internal/user} gave: the quota, or why there is none. A failure never says
 * anything about the credential itself (the Copilot verdict is the probe's alone).
 *
 * @param result what happened
 * @param quota  the quota read ({@link Result#ANSWERED} only)
 * @param reason one line for people; never holds the token or the answer's body
 * @param at     when the call ended
 */
public record QuotaAnswer(Result result, Optional<CopilotQuota> quota, String reason, Instant at) {

    /** How a call ended. */
    public enum Result {
        /** 200 with a body the keeper could read (some fields may still be missing). */
        ANSWERED,
        /** 200 with nothing the keeper reads in it: the endpoint changed. */
        UNKNOWN_SHAPE,
        /** 404: the API has no such endpoint for this token (an Enterprise server, or GitHub removed it). */
        NOT_FOUND,
        /** 401 or 403: this token may not read it (the Copilot verdict is still the probe's). */
        REFUSED,
        /** 429: GitHub's rate limit. */
        RATE_LIMITED,
        SERVER_ERROR,
        UNEXPECTED_STATUS,
        TIMEOUT,
        CONNECTION;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static QuotaAnswer answered(CopilotQuota quota, Instant at) {
        return new QuotaAnswer(Result.ANSWERED, Optional.of(quota), "HTTP 200", at);
    }

    public static QuotaAnswer failed(Result result, String reason, Instant at) {
        return new QuotaAnswer(result, Optional.empty(), reason, at);
    }
}
