package cloud.angryninja.keeper.copilot;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The keeper's one verdict per workspace: whether GitHub Copilot works there, and if not, why. The
 * fixed label set of {@code opencode_keeper_copilot_state{state}}; {@link #sentence()} says what a
 * state means and what to do, and {@link #reseedFixes()} whether a new auth.json fixes it.
 */
@RegisterForReflection
public enum CopilotState {
    WORKING(false, "Copilot works: OpenCode is up, the github-copilot provider is loaded, the Copilot API accepts the credential"
            + " and enables at least one model in the picker. Nothing to do."),
    REVOKED(true, "The Copilot API refuses the credential with HTTP 401, confirmed by a second check: the token is revoked or"
            + " expired. A reseed fixes it: log in again and POST /reseed."),
    NO_ENTITLEMENT(false, "The Copilot API refuses the credential with HTTP 403, confirmed by a second check: the account has no"
            + " Copilot entitlement or an organisation or enterprise policy blocks it. A reseed does not fix it: give the account a"
            + " Copilot seat or change the policy."),
    NO_MODELS(false, "The Copilot API accepts the credential but enables no model in the model picker, so OpenCode shows no"
            + " Copilot models. A reseed does not fix it (the reseed refuses such a credential): enable models in the account's or"
            + " organisation's Copilot settings."),
    RATE_LIMITED(false, "The credential is accepted, but the workspace's Copilot requests were refused with HTTP 429 (quota,"
            + " e.g. user_weekly_rate_limited) within the rate-limit window. A reseed does not fix it: wait for the quota to reset"
            + " or raise the plan."),
    NOT_LOADED(true, "OpenCode runs without a usable github-copilot credential: auth.json was missing or unreadable when its"
            + " instance started, or the workspace Secret holds no usable auth.json. A reseed fixes it."),
    UNSUPPORTED(false, "This OpenCode is one the keeper cannot judge: OpenCode 2.x routes answer while /global/health is 404,"
            + " or its version is outside keeper.probe.supported-versions. A reseed does not fix it (2.x ignores a re-seeded"
            + " auth.json): pin the image to a supported version."),
    DOWN(false, "OpenCode does not answer GET /global/health healthy (pod down, wrong server password, or not reachable)."
            + " Check the workspace pod."),
    UNKNOWN(false, "The keeper could not decide: the Copilot API or the Kubernetes API did not answer, or no probe has run yet."
            + " It retries every probe interval; see the reasons in /workspaces and the check errors.");

    private final boolean reseedFixes;
    private final String sentence;

    CopilotState(boolean reseedFixes, String sentence) {
        this.reseedFixes = reseedFixes;
        this.sentence = sentence;
    }

    /** The label value: {@code working}, {@code revoked}, ... */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What the state means and what to do; holds no workspace data and no secret. */
    public String sentence() {
        return sentence;
    }

    /** Whether a reseed (a new auth.json) fixes this state. */
    public boolean reseedFixes() {
        return reseedFixes;
    }
}
