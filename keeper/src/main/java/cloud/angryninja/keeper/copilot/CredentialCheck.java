package cloud.angryninja.keeper.copilot;

import java.time.Duration;

/**
 * What the Copilot API said about a credential.
 *
 * @param verdict    VALID (200), INVALID (401 revoked/expired, 403 no entitlement), UNKNOWN (anything else)
 * @param httpStatus the HTTP status, 0 when no answer came
 * @param models     models with {@code model_picker_enabled} (only for VALID)
 * @param reason     one line for people; never holds the token
 * @param duration   how long the call took
 */
public record CredentialCheck(Verdict verdict, int httpStatus, int models, String reason, Duration duration) {

    public enum Verdict {
        VALID, INVALID, UNKNOWN
    }

    /** Why a check stayed UNKNOWN: the fixed label set of {@code opencode_keeper_copilot_check_errors_total}. */
    public enum Error {
        TIMEOUT, CONNECTION, SERVER_ERROR, UNEXPECTED_STATUS;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static final String TIMEOUT_PREFIX = "no answer within ";
    static final String CONNECTION_PREFIX = "connection failed: ";

    public static CredentialCheck timeout(Duration timeout, Duration took) {
        return new CredentialCheck(Verdict.UNKNOWN, 0, 0, TIMEOUT_PREFIX + timeout.toMillis() + " ms", took);
    }

    public static CredentialCheck connectionFailed(String what, Duration took) {
        return new CredentialCheck(Verdict.UNKNOWN, 0, 0, CONNECTION_PREFIX + what, took);
    }

    /** The error class of an UNKNOWN verdict; empty otherwise. */
    public java.util.Optional<Error> error() {
        if (verdict != Verdict.UNKNOWN) {
            return java.util.Optional.empty();
        }
        if (httpStatus >= 500) {
            return java.util.Optional.of(Error.SERVER_ERROR);
        }
        if (httpStatus > 0) {
            return java.util.Optional.of(Error.UNEXPECTED_STATUS);
        }
        return java.util.Optional.of(reason.startsWith(TIMEOUT_PREFIX) ? Error.TIMEOUT : Error.CONNECTION);
    }

    /** A refusal the keeper confirms by a second check before it reports it: 401 or 403. */
    public boolean refused() {
        return verdict == Verdict.INVALID;
    }

    /**
     * What this answer alone says of the credential: {@code working} (200 with picker models),
     * {@code no_models} (200 without), {@code revoked} (401), {@code no_entitlement} (403); empty
     * when the API gave no verdict.
     */
    public java.util.Optional<CopilotState> credentialState() {
        return switch (httpStatus) {
            case 200 -> verdict == Verdict.VALID
                    ? java.util.Optional.of(models > 0 ? CopilotState.WORKING : CopilotState.NO_MODELS)
                    : java.util.Optional.empty();
            case 401 -> java.util.Optional.of(CopilotState.REVOKED);
            case 403 -> java.util.Optional.of(CopilotState.NO_ENTITLEMENT);
            default -> java.util.Optional.empty();
        };
    }

    /** The pure mapping from an HTTP status to a verdict. */
    public static Verdict verdictOf(int httpStatus) {
        return switch (httpStatus) {
            case 200 -> Verdict.VALID;
            case 401, 403 -> Verdict.INVALID;
            default -> Verdict.UNKNOWN;
        };
    }

    static String reasonOf(int httpStatus, int models) {
        return switch (httpStatus) {
            case 200 -> models == 0 ? "HTTP 200: no model enabled in the model picker"
                    : "HTTP 200: " + models + " models enabled in the model picker";
            case 401 -> "HTTP 401: the token is revoked or expired";
            case 403 -> "HTTP 403: the account has no Copilot entitlement";
            default -> httpStatus >= 500 ? "HTTP " + httpStatus + ": Copilot API server error"
                    : "HTTP " + httpStatus + ": unexpected answer from the Copilot API";
        };
    }
}
