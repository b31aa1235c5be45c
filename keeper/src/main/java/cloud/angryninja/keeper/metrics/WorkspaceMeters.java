package cloud.angryninja.keeper.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import cloud.angryninja.keeper.workspace.WorkspaceEvent;

/**
 * The meters of one feature that the keeper must add and remove with workspaces: per workspace a
 * value holder {@code S} and the meters registered for it, plus the feature's meters without a
 * workspace label. A discovered workspace that joins gets its series, one that leaves loses them,
 * and {@link #removeAll()} at shutdown takes every meter out of the registry, which may outlive
 * the application (a new application in the same JVM, as in tests): a series must never stay
 * bound to a stopped keeper's values.
 *
 * @param <S> what the feature keeps per workspace (the values its gauges read, its counters)
 */
public final class WorkspaceMeters<S> {

    /** Creates a workspace's holder, registering its meters through {@code meters}. */
    @FunctionalInterface
    public interface Factory<S> {
        S create(String workspace, Registrar meters);
    }

    /** Registers meters in the registry and remembers them for removal. */
    public static final class Registrar {
        private final MeterRegistry registry;
        private final List<Meter> meters = new ArrayList<>();

        private Registrar(MeterRegistry registry) {
            this.registry = registry;
        }

        public MeterRegistry registry() {
            return registry;
        }

        /** {@code meter}, registered in {@link #registry()}, is removed with the workspace. */
        public <M extends Meter> M add(M meter) {
            meters.add(meter);
            return meter;
        }
    }

    private record Entry<S>(S values, List<Meter> meters) {
    }

    private final MeterRegistry registry;
    private final Factory<S> factory;
    private final Map<String, Entry<S>> workspaces = new ConcurrentHashMap<>();
    private final List<Meter> global = new CopyOnWriteArrayList<>();

    public WorkspaceMeters(MeterRegistry registry, Factory<S> factory) {
        this.registry = registry;
        this.factory = factory;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** {@code meter}, registered in {@link #registry()} without a workspace label, is removed at shutdown. */
    public <M extends Meter> M global(M meter) {
        global.add(meter);
        return meter;
    }

    /** Registers the workspace's series; does nothing when they exist. */
    public void register(String workspace) {
        workspaces.computeIfAbsent(workspace, name -> {
            Registrar meters = new Registrar(registry);
            S values = factory.create(name, meters);
            return new Entry<>(values, List.copyOf(meters.meters));
        });
    }

    /** Removes every series of the workspace. */
    public void remove(String workspace) {
        Entry<S> entry = workspaces.remove(workspace);
        if (entry != null) {
            entry.meters().forEach(registry::remove);
        }
    }

    /** The workspace's holder, empty for a workspace without series. */
    public Optional<S> get(String workspace) {
        return Optional.ofNullable(workspaces.get(workspace)).map(Entry::values);
    }

    /** Every workspace's holder. */
    public List<S> all() {
        return workspaces.values().stream().map(Entry::values).toList();
    }

    /** A joined workspace gets its series, a left one loses them; a changed one keeps its name and series. */
    public void on(WorkspaceEvent event) {
        switch (event.kind()) {
            case JOINED -> register(event.workspace().name());
            case LEFT -> remove(event.workspace().name());
            case CHANGED -> {
                // same name, same series
            }
        }
    }

    /** Removes every meter: each workspace's and the global ones. */
    public void removeAll() {
        List.copyOf(workspaces.keySet()).forEach(this::remove);
        global.forEach(registry::remove);
        global.clear();
    }
}
