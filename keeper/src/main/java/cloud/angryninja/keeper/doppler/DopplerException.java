package cloud.angryninja.keeper.doppler;

/**
 * A Doppler call failed for good: bad settings, a rejected token, a refused request, or retries used up.
 * The message names the operation, the secret names and the reason; never the token or a secret value.
 */
public class DopplerException extends RuntimeException {

    /** Why the call failed, for the caller's reply and metrics. */
    public enum Reason {
        /** keeper.doppler.token, project or config is not set, or the request itself is invalid. */
        NOT_CONFIGURED,
        /** 401 or 403: the token is wrong, revoked or lacks access. */
        UNAUTHORIZED,
        /** Another 4xx: Doppler refused the request. */
        REJECTED,
        /** 429, 5xx, timeouts or connection errors, still failing after the bounded retries. */
        UNAVAILABLE
    }

    private final Reason reason;
    private final int attempts;

    public DopplerException(Reason reason, String message, int attempts) {
        super(message, null, false, false);
        this.reason = reason;
        this.attempts = attempts;
    }

    public Reason reason() {
        return reason;
    }

    /** HTTP attempts made before giving up (0 when nothing was sent). */
    public int attempts() {
        return attempts;
    }
}
