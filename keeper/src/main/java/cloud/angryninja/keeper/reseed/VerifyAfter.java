package cloud.angryninja.keeper.reseed;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import cloud.angryninja.keeper.kube.Outcome;
import cloud.angryninja.keeper.probe.Prober;
import cloud.angryninja.keeper.probe.WorkspaceState;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * {@link Step#VERIFY_AFTER}: probes the workspace until it is verified on the new credential or
 * {@code keeper.reseed.verify-timeout} ran out: OpenCode up, provider loaded, the new credential accepted by Copilot, and
 * after a rollout its pods newer than the Secret ({@link ReseedDecisions}).
 */
final class VerifyAfter {

    /** What verify-after saw: verified or not, one line of it, and the last probe. */
    record Verification(boolean verified, String seen, Duration took, WorkspaceState last) {
    }

    private final Prober prober;
    private final KubernetesClient kube;
    private final Duration timeout;
    private final Duration interval;

    VerifyAfter(Prober prober, KubernetesClient kube, Duration timeout, Duration interval) {
        this.prober = prober;
        this.kube = kube;
        this.timeout = timeout;
        this.interval = interval;
    }

    Duration timeout() {
        return timeout;
    }

    /** Probes until verified or the deadline; {@code sha} null is live mode, where no pod is expected newer than the Secret. */
    Verification verify(Workspace w, String fingerprint, String sha) {
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
            Duration took = ReseedStep.since(start);
            Duration left = timeout.minus(took);
            if (verified || left.isNegative() || left.isZero()) {
                return new Verification(verified, seen, took, state);
            }
            LockSupport.parkNanos(Math.min(interval.toNanos(), left.toNanos()));
            if (Thread.currentThread().isInterrupted()) {
                return new Verification(false, "interrupted: " + seen, ReseedStep.since(start), state);
            }
        }
    }

    /** Records the verification, and how the credential reached the workspace ({@code applied}). */
    void record(ReseedRun run, Workspace w, Verification v, String applied) {
        run.applied(w.name(), applied);
        if (v.verified()) {
            run.verified(w.name());
            run.record(w.name(), Step.VERIFY_AFTER, Outcome.SUCCESS, v.took(), "verified: " + v.seen());
        } else {
            run.record(w.name(), Step.VERIFY_AFTER, Outcome.FAILURE, v.took(), "not verified within " + timeout.toSeconds() + " s: "
                    + v.seen());
        }
    }
}
