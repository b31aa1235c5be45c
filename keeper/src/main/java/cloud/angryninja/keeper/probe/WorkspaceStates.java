package cloud.angryninja.keeper.probe;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * The store of workspace states: the last probe of each workspace, as {@code GET /workspaces} shows it. Each change is
 * announced to its observers ({@link StateChange}): the metrics, the change log and the quota reads follow it; the store
 * knows none of them. It records only while it is open: the probe cycle opens it when this replica starts leading and
 * closes it when it stops (every state back to pending), so a probe that ends after the loss records nothing.
 */
@ApplicationScoped
public class WorkspaceStates {

    private final Workspaces workspaces;
    private final Consumer<StateChange> observers;
    private final Map<String, WorkspaceState> states = new ConcurrentHashMap<>();
    private boolean open;

    @Inject
    public WorkspaceStates(Workspaces workspaces, Event<StateChange> changes) {
        this(workspaces, changes::fire);
    }

    /** Closed until {@link #open()}; {@code observers} hear every change. */
    public WorkspaceStates(Workspaces workspaces, Consumer<StateChange> observers) {
        this.workspaces = workspaces;
        this.observers = observers;
    }

    /** Every workspace's state, sorted by name; pending for one not probed yet. */
    public List<WorkspaceState> all() {
        return workspaces.all().stream().map(w -> last(w.name())).toList();
    }

    /** The workspace's state, when it has one. */
    public Optional<WorkspaceState> of(String workspace) {
        return Optional.ofNullable(states.get(workspace));
    }

    WorkspaceState last(String workspace) {
        return states.getOrDefault(workspace, WorkspaceState.pending(workspace));
    }

    /**
     * Records a probe's state and announces it; nothing while closed (this replica does not lead) or for a workspace that
     * left while it was probed.
     */
    synchronized void record(WorkspaceState after, Finding.Credential credential) {
        if (!open || workspaces.byName(after.workspace()).isEmpty()) {
            return;
        }
        WorkspaceState before = last(after.workspace());
        states.put(after.workspace(), after);
        observers.accept(new StateChange.Probed(before, after, credential.checkError(), credential.unconfirmed(), credential.credential()));
    }

    /** Probes are recorded from now on. */
    public synchronized void open() {
        open = true;
        observers.accept(new StateChange.Resumed());
    }

    /** Records nothing from now on, and forgets every state. */
    public synchronized void close() {
        open = false;
        states.replaceAll((name, old) -> WorkspaceState.pending(name));
        observers.accept(new StateChange.Forgotten());
    }

    /** A workspace that left is forgotten. */
    void forget(String workspace) {
        states.remove(workspace);
    }
}
