package cloud.angryninja.keeper.reseed;

import java.time.Duration;

import cloud.angryninja.keeper.credential.ReportedCredentials;
import cloud.angryninja.keeper.kube.DeploymentRollout;
import cloud.angryninja.keeper.kube.Outcome;
import cloud.angryninja.keeper.kube.RolloutResult;
import cloud.angryninja.keeper.workspace.Workspace;

/** {@link Step#ROLLOUT}: exactly one rollout of the Deployment after the Secret changed, recorded on it, then verify-after. */
final class RolloutApply {

    private final DeploymentRollout rollout;
    private final ReportedCredentials held;
    private final VerifyAfter verify;

    RolloutApply(DeploymentRollout rollout, ReportedCredentials held, VerifyAfter verify) {
        this.rollout = rollout;
        this.held = held;
        this.verify = verify;
    }

    void apply(ReseedRun run, WorkspaceApply.Plan plan, WorkspaceApply.Credential c) {
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
        verify.record(run, w, verify.verify(w, c.fingerprint(), c.sha()), ReseedRun.APPLIED_ROLLOUT);
    }
}
