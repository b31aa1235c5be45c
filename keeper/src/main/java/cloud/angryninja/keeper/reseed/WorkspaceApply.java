package cloud.angryninja.keeper.reseed;

import java.time.Duration;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.kube.ExternalSecretSync;
import cloud.angryninja.keeper.kube.Outcome;
import cloud.angryninja.keeper.kube.RolloutSnapshot;
import cloud.angryninja.keeper.kube.SyncRequest;
import cloud.angryninja.keeper.kube.SyncResult;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * The steps of a reseed for one target workspace once Doppler holds the credential: the forced ESO sync ({@link Step#ESO}),
 * then the credential into the running OpenCode ({@link LiveApply}) or one rollout ({@link RolloutApply}), then verify
 * ({@link VerifyAfter}). Live mode (the default) rolls out only a workspace that does not take the credential live: its
 * OpenCode refuses or does not answer the {@code PUT}, or is then found down or without the provider. The workspace that
 * reported the credential (an adoption) gets neither: it holds it.
 */
final class WorkspaceApply {

    /** A target workspace that passed the checks: what to sync, and its Deployment before anything changed (null: none). */
    record Plan(Workspace workspace, SyncRequest sync, RolloutSnapshot before, boolean secretAlreadyHeld) {
    }

    /**
     * The credential applied.
     *
     * @param credential the credential
     * @param authJson   the reduced auth.json Doppler and the Secret hold; a secret
     * @param sha        SHA-256 of {@code authJson} (the Secret's value)
     * @param liveEntry  the body of {@code PUT /auth/github-copilot}; a secret
     */
    record Credential(CopilotCredential credential, String authJson, String sha, String liveEntry) {

        String fingerprint() {
            return credential.fingerprint();
        }

        /** Never prints the secrets. */
        @Override
        public String toString() {
            return "Credential[" + fingerprint() + "]";
        }
    }

    private final ExternalSecretSync sync;
    private final LiveApply live;
    private final RolloutApply rollout;
    private final VerifyAfter verify;

    WorkspaceApply(ExternalSecretSync sync, LiveApply live, RolloutApply rollout, VerifyAfter verify) {
        this.sync = sync;
        this.live = live;
        this.rollout = rollout;
        this.verify = verify;
    }

    /** Every step of one workspace, recorded in {@code run}. */
    void apply(ReseedRun run, Plan plan, ReseedMode mode, Origin origin, Credential c) {
        Workspace w = plan.workspace();
        SyncResult synced = sync.sync(plan.sync());
        run.record(w.name(), Step.ESO, synced.outcome(), synced.duration(), synced.detail()
                + (plan.secretAlreadyHeld() ? " (it held it before the reseed)" : ""));
        if (!synced.succeeded()) {
            return;
        }
        if (mode == ReseedMode.ROLLOUT) {
            rollout.apply(run, plan, c);
            return;
        }
        if (origin.holds(w.name())) {
            run.record(w.name(), Step.LIVE_APPLY, Outcome.SKIPPED, Duration.ZERO, "not needed: the workspace holds credential "
                    + c.fingerprint() + " (it reported it)");
            run.record(w.name(), Step.ROLLOUT, Outcome.SKIPPED, Duration.ZERO, "not needed: the workspace holds the credential");
            verify.record(run, w, verify.verify(w, c.fingerprint(), null), ReseedRun.APPLIED_HELD);
            return;
        }
        long t = System.nanoTime();
        String liveFailure = live.apply(run, plan, c);
        if (liveFailure == null) {
            VerifyAfter.Verification v = verify.verify(w, c.fingerprint(), null);
            if (v.verified() || ReseedDecisions.tookItLive(v.last())) {
                run.record(w.name(), Step.ROLLOUT, Outcome.SKIPPED, Duration.ZERO, "not needed: the running OpenCode took the credential");
                verify.record(run, w, v, ReseedRun.APPLIED_LIVE);
                return;
            }
            liveFailure = "then not verified within " + verify.timeout().toSeconds() + " s: " + v.seen();
        }
        run.record(w.name(), Step.LIVE_APPLY, Outcome.FAILURE, ReseedStep.since(t), liveFailure + "; rolling the workspace out instead");
        rollout.apply(run, plan, c);
    }
}
