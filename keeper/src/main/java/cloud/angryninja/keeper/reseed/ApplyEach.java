package cloud.angryninja.keeper.reseed;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jboss.logging.Logger;

import cloud.angryninja.keeper.kube.Outcome;

/**
 * Apply and verify: every planned workspace in parallel ({@link WorkspaceApply}), then how the reseed ends: 200 when every
 * target workspace is verified, else 504 when a step timed out, else 502 ({@link ReseedDecisions#statusAfterCluster}).
 */
final class ApplyEach implements ReseedStep {

    private static final Logger LOG = Logger.getLogger(ReseedWorkflow.class);

    private final WorkspaceApply apply;

    ApplyEach(WorkspaceApply apply) {
        this.apply = apply;
    }

    @Override
    public Optional<Exit> run(Reseed r) {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (WorkspaceApply.Plan plan : r.plans.values()) {
                all.add(threads.submit(() -> apply.apply(r.run, plan, r.mode, r.origin, r.credential)));
            }
            for (Future<?> f : all) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    LOG.errorf("reseed %s: a workspace ended with %s", r.run.id(), e.getCause().getClass().getName());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        int status = ReseedDecisions.statusAfterCluster(r.run.steps().values(), r.run.verifiedCount());
        return Exit.with(status, status == 200
                ? "every target workspace verified on credential " + r.credential.fingerprint()
                : "not every target workspace verified: " + failures(r.run) + "; re-running the same reseed converges"
                        + " (Doppler and each synced Secret hold the new credential: a later rollout or pod restart also picks it up)");
    }

    private static String failures(ReseedRun run) {
        List<String> failed = new ArrayList<>();
        run.steps().forEach((workspace, steps) -> steps.values().stream()
                .filter(s -> s.outcome().equals(Outcome.FAILURE.label()) || s.outcome().equals(Outcome.TIMEOUT.label()))
                .findFirst()
                .ifPresent(s -> failed.add(workspace + " " + s.step() + " " + s.outcome())));
        return String.join(", ", failed.stream().sorted().toList());
    }
}
