package cloud.angryninja.keeper.probe;

import java.util.Optional;

import cloud.angryninja.keeper.copilot.CopilotCredential;

/**
 * The held-credential lookup: the credential a workspace holds in its auth.json, as far as the keeper knows (it reported
 * it, or the keeper gave it); empty when unknown, and the probe reads the workspace's Secret instead. Kept by the
 * credential store ({@code credential.ReportedCredentials}); the probe only asks.
 */
@FunctionalInterface
public interface HeldCredentials {

    /** None known: every probe reads the Secret. */
    HeldCredentials NONE = workspace -> Optional.empty();

    Optional<CopilotCredential> heldBy(String workspace);
}
