package cloud.angryninja.keeper.probe;

import java.time.Instant;
import java.util.Optional;

import io.quarkus.runtime.annotations.RegisterForReflection;

import cloud.angryninja.keeper.copilot.CopilotState;

/**
 * What the keeper knows about one workspace after its last probe. Holds no secret: the credential
 * is named by its fingerprint.
 *
 * @param workspace             workspace name
 * @param state                 the one verdict: whether Copilot works there, and if not why ({@link CopilotState})
 * @param stateSentence         what {@code state} means and what to do
 * @param up                    probe 1: OpenCode answers {@code /global/health} as healthy
 * @param copilotProvider       probe 2: OpenCode lists github-copilot with models
 * @param credential            probe 3: the Copilot API accepts the credential in the Secret
 * @param repository            OpenCode sees its working directory as a git repository ({@code GET /project/current});
 *                              not part of the Copilot verdict nor of {@link #healthy()}: a broken git provisioning
 *                              leaves Copilot working, without project context and undo
 * @param copilotModels         models the Copilot API enables for the credential (0 unless valid)
 * @param openCodeVersion       version reported by OpenCode
 * @param credentialFingerprint first 12 hex chars of SHA-256 of the refresh token
 * @param lastProbe             when the last probe started; empty before the first
 * @param durationMillis        how long the last probe took
 * @param lastSuccess           last time all three probes passed
 */
@RegisterForReflection
public record WorkspaceState(String workspace, CopilotState state, String stateSentence, ProbeResult up,
        ProbeResult copilotProvider, ProbeResult credential, ProbeResult repository, int copilotModels, Optional<String> openCodeVersion, Optional<String> credentialFingerprint,
        Optional<Instant> lastProbe, long durationMillis, Optional<Instant> lastSuccess) {

    public static WorkspaceState pending(String workspace) {
        return new WorkspaceState(workspace, CopilotState.UNKNOWN, CopilotState.UNKNOWN.sentence(), ProbeResult.PENDING,
                ProbeResult.PENDING, ProbeResult.PENDING, ProbeResult.PENDING, 0,
                Optional.empty(), Optional.empty(), Optional.empty(), 0, Optional.empty());
    }

    /** All three Copilot probes passed (the repository check does not count). */
    public boolean healthy() {
        return up.outcome() == ProbeResult.Outcome.PASS
                && copilotProvider.outcome() == ProbeResult.Outcome.PASS
                && credential.outcome() == ProbeResult.Outcome.PASS;
    }
}
