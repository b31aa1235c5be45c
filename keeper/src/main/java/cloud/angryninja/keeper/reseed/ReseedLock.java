package cloud.angryninja.keeper.reseed;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import cloud.angryninja.keeper.workspace.Workspace;

/**
 * One reseed at a time: a reseed takes the lock after its input was read and gives it back when it ends. A dry run takes
 * none, but is refused like any reseed while one runs (its verdict could be stale at once).
 */
public final class ReseedLock implements ReseedStep {

    /** The reseed running now. */
    public record Running(String id, Instant started, List<String> workspaces) {
    }

    private final AtomicReference<Running> running = new AtomicReference<>();
    private final Clock clock = Clock.systemUTC();

    Optional<Running> running() {
        return Optional.ofNullable(running.get());
    }

    @Override
    public Optional<Exit> run(Reseed r) {
        Running me = new Running(r.run.id(), clock.instant(), r.run.targets().stream().map(Workspace::name).toList());
        if (r.dryRun ? running.get() != null : !running.compareAndSet(null, me)) {
            Running other = running.get();
            return Optional.of(new Exit(409, other == null ? "another reseed was running; try again"
                    : "reseed " + other.id() + " is running (started " + other.started() + ", workspaces " + other.workspaces()
                            + "); nothing changed, try again when it is done", false));
        }
        r.holding = r.dryRun ? null : me;
        return Optional.empty();
    }

    @Override
    public void after(Reseed r) {
        if (r.holding != null) {
            running.compareAndSet(r.holding, null);
        }
    }
}
