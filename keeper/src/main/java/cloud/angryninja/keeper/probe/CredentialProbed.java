package cloud.angryninja.keeper.probe;

import java.util.Optional;

import cloud.angryninja.keeper.copilot.CopilotCredential;

/**
 * A workspace's credential was probed and the result recorded ({@link StateChange.Probed#credentialProbed()}, heard
 * synchronously on the probe's thread: observers return at once and never throw). Carries the credential itself for
 * features that call GitHub with it; its {@code toString} never prints the token.
 *
 * @param workspace  the workspace
 * @param credential the credential read from its Secret; empty when there is none (Secret missing, unusable auth.json)
 * @param outcome    what the Copilot API said: {@code PASS} accepted, {@code FAIL} refused (401 or 403 confirmed by a
 *                   second check) or an unusable auth.json, {@code UNKNOWN} no answer
 */
public record CredentialProbed(String workspace, Optional<CopilotCredential> credential, ProbeResult.Outcome outcome) {

    /** The Copilot API refused this credential (confirmed): nothing may be asked with it. */
    public boolean refused() {
        return outcome == ProbeResult.Outcome.FAIL;
    }
}
