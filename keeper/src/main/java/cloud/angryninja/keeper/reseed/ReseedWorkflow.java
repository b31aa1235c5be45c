package cloud.angryninja.keeper.reseed;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * One reseed: the {@link ReseedSteps} run in their order until one ends it, every step recorded in the reseed's
 * {@link ReseedRun} and every end made by it, so no path leaves a workspace uncounted or a step unlogged; what a step
 * holds is given back however the reseed ends. {@code POST /reseed}, a login and an adoption run the same steps.
 * <p>
 * Live mode, the default: once the Secret holds the new credential (so a later restart keeps it),
 * {@code PUT /auth/github-copilot} on the running OpenCode, then {@code POST /instance/dispose} when the provider was
 * not loaded; a workspace that does not take it live (down, refuses) is rolled out once instead.
 * {@code ?mode=rollout} rolls every workspace out, as before live mode was the default.
 */
@ApplicationScoped
public class ReseedWorkflow {

    private static final Logger LOG = Logger.getLogger(ReseedWorkflow.class);

    private final Workspaces workspaces;
    private final ReseedSteps steps;
    private final ReseedMetrics metrics;

    public ReseedWorkflow(Workspaces workspaces, ReseedSteps steps, ReseedMetrics metrics) {
        this.workspaces = workspaces;
        this.steps = steps;
        this.metrics = metrics;
    }

    /** The reseed running now, if any. */
    public Optional<ReseedLock.Running> running() {
        return steps.lock().running();
    }

    /**
     * A request refused before it is read (a bad query parameter): the reply and the audit line of a rejected reseed,
     * {@code status} a 4xx; nothing changed.
     */
    public ReseedReply refuse(int status, String message) {
        return new ReseedRun(Reseed.newId(), List.of(), false, metrics, Clock.systemUTC()).finish(status, message + "; nothing changed");
    }

    /** Runs one reseed to its end and returns the reply; never throws. */
    public ReseedReply reseed(ReseedRequest request) {
        Reseed r;
        try {
            r = Reseed.of(request, workspaces.all(), metrics);
        } catch (IllegalArgumentException e) {
            return refuse(400, e.getMessage());
        }
        Deque<ReseedStep> ran = new ArrayDeque<>();
        try {
            for (ReseedStep step : steps.all()) {
                ran.push(step);
                Optional<ReseedStep.Exit> exit = step.run(r);
                if (exit.isPresent()) {
                    return exit.get().end(r.run);
                }
            }
            return r.run.finish(500, "internal error: no step ended the reseed; the audit log shows the steps done");
        } catch (RuntimeException e) {
            LOG.errorf("reseed %s: unexpected %s", r.run.id(), e.getClass().getName());
            return r.run.finish(500, "internal error (" + e.getClass().getSimpleName() + "); the audit log shows the steps done");
        } finally {
            ran.forEach(step -> step.after(r));
            if (!r.run.finished()) {
                r.run.finish(500, "internal error; the audit log shows the steps done");
            }
        }
    }
}
