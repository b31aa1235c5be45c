package cloud.angryninja.keeper.probe;

import java.util.Optional;

import cloud.angryninja.keeper.copilot.CopilotCredential;

/**
 * A change of the {@link WorkspaceStates}, as its observers (the metrics, the change log, the quota reads) hear it: CDI
 * events fired synchronously by the store; an observer returns at once and never throws.
 */
public sealed interface StateChange {

    /**
     * A workspace was probed and its state recorded.
     *
     * @param before      the state recorded before ({@link WorkspaceState#pending} for the first)
     * @param after       the new state
     * @param checkError  why the credential check could not say valid: a label of
     *                    {@code opencode_keeper_copilot_check_errors_total}, or empty
     * @param unconfirmed a first 401 or 403 of the Copilot API that the second check did not repeat
     * @param credential  the credential checked; its {@code toString} never prints the token
     */
    record Probed(WorkspaceState before, WorkspaceState after, String checkError, Optional<Integer> unconfirmed,
            Optional<CopilotCredential> credential) implements StateChange {

        /** What the quota reads follow: the workspace's credential and what the Copilot API said of it. */
        public CredentialProbed credentialProbed() {
            return new CredentialProbed(after.workspace(), credential, after.credential().outcome());
        }
    }

    /** The states are this replica's again: it leads, and its probes are recorded. */
    record Resumed() implements StateChange {
    }

    /** Every state went back to pending: this replica stopped leading, and knows nothing current. */
    record Forgotten() implements StateChange {
    }
}
