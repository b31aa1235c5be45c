package cloud.angryninja.keeper.probe;

import java.util.Optional;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.copilot.CopilotState;

/** What one {@link Probe} found: its result, and what the state decision and the record need of it. Holds no secret in text. */
public sealed interface Finding {

    ProbeResult result();

    default boolean passed() {
        return result().outcome() == ProbeResult.Outcome.PASS;
    }

    /**
     * Probe 1: OpenCode answers its health route as healthy.
     *
     * @param version  the version OpenCode reports
     * @param otherApi {@code /global/health} is 404 while OpenCode 2.x's {@code /api/health} answers healthy
     */
    record Up(ProbeResult result, Optional<String> version, boolean otherApi) implements Finding {
    }

    /** Probe 2: OpenCode lists github-copilot with a credential and models. */
    record Provider(ProbeResult result) implements Finding {
    }

    /**
     * Probe 3: the Copilot API accepts the credential the workspace holds (a refusal confirmed by a second check).
     *
     * @param models      models the Copilot API enables in the picker (0 unless accepted)
     * @param fingerprint the credential's fingerprint, when there is one
     * @param checkError  why the check could not say valid: a label of {@code opencode_keeper_copilot_check_errors_total}, or empty
     * @param state       what the check says of the credential (working, no_models, revoked, no_entitlement, not_loaded); empty: no verdict
     * @param unconfirmed a first 401 or 403 the second check did not repeat
     * @param credential  the credential checked, for the features that call GitHub with it
     */
    record Credential(ProbeResult result, int models, Optional<String> fingerprint, String checkError, Optional<CopilotState> state,
            Optional<Integer> unconfirmed, Optional<CopilotCredential> credential) implements Finding {

        /** Never prints the token. */
        @Override
        public String toString() {
            return "Credential[" + result + ", " + fingerprint.orElse("-") + "]";
        }
    }

    /** OpenCode sees its working directory as a git repository: outside the Copilot verdict. */
    record Repository(ProbeResult result) implements Finding {
    }
}
