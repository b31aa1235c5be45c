package cloud.angryninja.keeper.reseed;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.credential.ReportedCredentials;
import cloud.angryninja.keeper.kube.DeploymentRollout;
import cloud.angryninja.keeper.kube.ExternalSecretSync;
import cloud.angryninja.keeper.kube.Outcome;
import cloud.angryninja.keeper.kube.RolloutResult;
import cloud.angryninja.keeper.kube.RolloutSnapshot;
import cloud.angryninja.keeper.kube.SyncRequest;
import cloud.angryninja.keeper.kube.SyncResult;
import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.probe.Prober;
import cloud.angryninja.keeper.probe.WorkspaceState;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * The steps of a reseed for one target workspace once Doppler holds the credential: the forced ESO sync, then the
 * credential into the running OpenCode ({@code PUT /auth/github-copilot}, and {@code POST /instance/dispose} when the
 * provider was not loaded) or one rollout, then verify by probing. Live mode (the default) rolls out only a workspace
 * that does not take the credential live: its OpenCode refuses or does not answer the {@code PUT}, or is then found
 * down or without the provider. The workspace that reported the credential (an adoption) gets neither: it holds it.
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

    /** What verify-after saw: verified or not, one line of it, and the last probe. */
    private record Verification(boolean verified, String seen, Duration took, WorkspaceState last) {
    }

    private final ExternalSecretSync sync;
    private final DeploymentRollout rollout;
    private final OpenCodeClient openCode;
    private final Prober prober;
    private final KubernetesClient kube;
    private final ReportedCredentials held;
    private final Duration verifyTimeout;
    private final Duration verifyInterval;

    WorkspaceApply(ExternalSecretSync sync, DeploymentRollout rollout, OpenCodeClient openCode, Prober prober, KubernetesClient kube,
            ReportedCredentials held, Duration verifyTimeout, Duration verifyInterval) {
        this.sync = sync;
        this.rollout = rollout;
        this.openCode = openCode;
        this.prober = prober;
        this.kube = kube;
        this.held = held;
        this.verifyTimeout = verifyTimeout;
        this.verifyInterval = verifyInterval;
    }

    /** Every step of one workspace, recorded in {@code run}. */
    void apply(ReseedRun run, Plan plan, ReseedMode mode, Origin origin, Credential c) {
        Workspace w = plan.workspace();
        if (!synced(run, plan)) {
            return;
        }
        if (mode == ReseedMode.ROLLOUT) {
            rollout(run, plan, c);
            return;
        }
        if (origin.holds(w.name())) {
            run.record(w.name(), Step.LIVE_APPLY, Outcome.SKIPPED, Duration.ZERO, "not needed: the workspace holds credential "
                    + c.fingerprint() + " (it reported it)");
            run.record(w.name(), Step.ROLLOUT, Outcome.SKIPPED, Duration.ZERO, "not needed: the workspace holds the credential");
            recordVerification(run, w, verify(w, c.fingerprint(), null), ReseedRun.APPLIED_HELD);
            return;
        }
        long t = System.nanoTime();
        String liveFailure = live(run, plan, c);
        if (liveFailure == null) {
            Verification v = verify(w, c.fingerprint(), null);
            if (v.verified() || ReseedDecisions.tookItLive(v.last())) {
                run.record(w.name(), Step.ROLLOUT, Outcome.SKIPPED, Duration.ZERO, "not needed: the running OpenCode took the credential");
                recordVerification(run, w, v, ReseedRun.APPLIED_LIVE);
                return;
            }
            liveFailure = "then not verified within " + verifyTimeout.toSeconds() + " s: " + v.seen();
        }
        run.record(w.name(), Step.LIVE_APPLY, Outcome.FAILURE, since(t), liveFailure + "; rolling the workspace out instead");
        rollout(run, plan, c);
    }

    /** The ESO step of one workspace, recorded; whether its Secret now holds the new value. */
    private boolean synced(ReseedRun run, Plan plan) {
        SyncResult synced = sync.sync(plan.sync());
        run.record(plan.workspace().name(), Step.ESO, synced.outcome(), synced.duration(), synced.detail()
                + (plan.secretAlreadyHeld() ? " (it held it before the reseed)" : ""));
        return synced.succeeded();
    }

    /**
     * The credential into the running OpenCode; records the live-apply step when it succeeds and answers null, else
     * answers why it failed (recorded by the caller, with the rollout that follows).
     */
    private String live(ReseedRun run, Plan plan, Credential c) {
        Workspace w = plan.workspace();
        long t = System.nanoTime();
        OpenCodeClient.Provider before = openCode.copilotProvider(w);
        OpenCodeClient.Change put = openCode.setCopilotAuth(w, c.liveEntry());
        if (!put.done()) {
            return "PUT /auth/" + OpenCodeClient.COPILOT_PROVIDER + " refused or unanswered: " + put.reason();
        }
        held.gave(w.name(), c.credential(), c.authJson());
        String detail = "PUT /auth/" + OpenCodeClient.COPILOT_PROVIDER + " stored credential " + c.fingerprint()
                + " in the running OpenCode";
        if (before.loaded()) {
            detail += "; the provider was loaded, no dispose (its Copilot requests read the stored credential)";
        } else {
            OpenCodeClient.Change disposed = openCode.disposeInstance(w);
            if (!disposed.done()) {
                return detail + "; then POST /instance/dispose failed: " + disposed.reason();
            }
            detail += "; the provider was not loaded (" + before.reason() + "): POST /instance/dispose, the next request loads it";
        }
        if (plan.before() != null && plan.before().watchedByReloader()) {
            detail += "; note: Reloader watches Deployment " + w.namespace() + "/" + w.deployment()
                    + " and restarts its pod because the Secret changed";
        }
        run.record(w.name(), Step.LIVE_APPLY, Outcome.SUCCESS, since(t), detail);
        return null;
    }

    private void rollout(ReseedRun run, Plan plan, Credential c) {
        Workspace w = plan.workspace();
        if (plan.before() == null) {
            run.record(w.name(), Step.ROLLOUT, Outcome.FAILURE, Duration.ZERO, "Deployment " + w.namespace() + "/" + w.deployment()
                    + " not found; Doppler and the Secret hold the new credential (a later restart picks it up)");
            return;
        }
        RolloutResult rolled = rollout.rolloutOnceFor(plan.before(), c.sha());
        run.record(w.name(), Step.ROLLOUT, rolled.outcome(), rolled.duration(), rolled.detail());
        if (!rolled.succeeded()) {
            return;
        }
        held.gave(w.name(), c.credential(), c.authJson()); // the new pods seeded it from the Secret
        recordVerification(run, w, verify(w, c.fingerprint(), c.sha()), ReseedRun.APPLIED_ROLLOUT);
    }

    private void recordVerification(ReseedRun run, Workspace w, Verification v, String applied) {
        run.applied(w.name(), applied);
        if (v.verified()) {
            run.verified(w.name());
            run.record(w.name(), Step.VERIFY_AFTER, Outcome.SUCCESS, v.took(), "verified: " + v.seen());
        } else {
            run.record(w.name(), Step.VERIFY_AFTER, Outcome.FAILURE, v.took(), "not verified within " + verifyTimeout.toSeconds()
                    + " s: " + v.seen());
        }
    }

    /**
     * Probes until the workspace is verified or {@code verifyTimeout} ran out; {@code sha} null is live mode, where no pod
     * is expected to be newer than the Secret.
     */
    private Verification verify(Workspace w, String fingerprint, String sha) {
        long start = System.nanoTime();
        while (true) {
            WorkspaceState state = prober.probeNow(w);
            boolean verified;
            String seen;
            if (sha == null) {
                verified = ReseedDecisions.liveVerified(state, fingerprint);
                seen = ReseedDecisions.observedLive(state, fingerprint);
            } else {
                Deployment d;
                try {
                    d = kube.apps().deployments().inNamespace(w.namespace()).withName(w.deployment()).get();
                } catch (KubernetesClientException e) {
                    d = null;
                }
                verified = ReseedDecisions.probeVerified(state, fingerprint) && ReseedDecisions.podsNewerThanSecret(d, sha);
                seen = ReseedDecisions.observed(state, fingerprint, d, sha);
            }
            Duration took = since(start);
            Duration left = verifyTimeout.minus(took);
            if (verified || left.isNegative() || left.isZero()) {
                return new Verification(verified, seen, took, state);
            }
            LockSupport.parkNanos(Math.min(verifyInterval.toNanos(), left.toNanos()));
            if (Thread.currentThread().isInterrupted()) {
                return new Verification(false, "interrupted: " + seen, since(start), state);
            }
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
