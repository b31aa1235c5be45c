package cloud.angryninja.keeper.reseed;

import cloud.angryninja.keeper.credential.ReportedCredentials;
import cloud.angryninja.keeper.kube.Outcome;
import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * {@link Step#LIVE_APPLY}: the credential into the running OpenCode, {@code PUT /auth/github-copilot}, then
 * {@code POST /instance/dispose} when the provider was not loaded (the next request loads it).
 */
final class LiveApply {

    private final OpenCodeClient openCode;
    private final ReportedCredentials held;

    LiveApply(OpenCodeClient openCode, ReportedCredentials held) {
        this.openCode = openCode;
        this.held = held;
    }

    /**
     * Records the step when it succeeds and answers null, else answers why it failed (recorded by the caller, with the
     * rollout that follows).
     */
    String apply(ReseedRun run, WorkspaceApply.Plan plan, WorkspaceApply.Credential c) {
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
        run.record(w.name(), Step.LIVE_APPLY, Outcome.SUCCESS, ReseedStep.since(t), detail);
        return null;
    }
}
