package cloud.angryninja.keeper.events;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

import cloud.angryninja.keeper.metrics.WorkspaceMeters;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * Series of the passive detection: each workspace's event stream (connected, reconnects) and the
 * Copilot requests OpenCode reported refused (401, 403, 429 rate-limited). Registered for every workspace at start
 * (none when {@code keeper.events.enabled=false}), added when a workspace joins, removed when it leaves.
 */
@Startup
@ApplicationScoped
public class EventMetrics {

    public static final String AUTH_ERRORS = "opencode_keeper_copilot_auth_errors_total";
    public static final String STREAM_CONNECTED = "opencode_keeper_event_stream_connected";
    public static final String RECONNECTS = "opencode_keeper_event_stream_reconnects_total";

    private static final class Series {
        volatile double connected;
        Counter reconnects;
        final Map<Integer, Counter> authErrors = new ConcurrentHashMap<>();
    }

    private final boolean enabled;
    private final WorkspaceMeters<Series> series;

    @Inject
    public EventMetrics(MeterRegistry registry, Workspaces workspaces, EventsConfig config) {
        this(registry, workspaces.all(), config.enabled());
    }

    public EventMetrics(MeterRegistry registry, List<Workspace> workspaces, boolean enabled) {
        this.enabled = enabled;
        this.series = new WorkspaceMeters<>(registry, EventMetrics::register);
        workspaces.forEach(w -> register(w.name()));
    }

    /** Removes every series at shutdown, so none stays bound to a stopped keeper (see {@link WorkspaceMeters}). */
    void onStop(@Observes io.quarkus.runtime.ShutdownEvent event) {
        series.removeAll();
    }

    /** Joined and left discovered workspaces get and lose their series (none while disabled). */
    void onWorkspace(@Observes WorkspaceEvent event) {
        if (enabled) {
            series.on(event);
        }
    }

    /** Registers the workspace's series (connected 0, counters 0); does nothing when already there or disabled. */
    public void register(String workspace) {
        if (enabled) {
            series.register(workspace);
        }
    }

    private static Series register(String name, WorkspaceMeters.Registrar meters) {
        Series s = new Series();
        meters.add(Gauge.builder(STREAM_CONNECTED, s, x -> x.connected)
                .description("1 while the keeper reads the workspace's OpenCode event stream, 0 while it is down")
                .tag("workspace", name).register(meters.registry()));
        s.reconnects = meters.add(Counter.builder("opencode_keeper_event_stream_reconnects")
                .description("Attempts to reopen the workspace's event stream after it dropped or could not be opened")
                .tag("workspace", name).register(meters.registry()));
        for (int status : CopilotAuthErrors.STATUSES) {
            s.authErrors.put(status, meters.add(Counter.builder("opencode_keeper_copilot_auth_errors")
                    .description("Copilot requests of the workspace's users that OpenCode reported refused (401, 403, 429)")
                    .tag("workspace", name).tag("status", Integer.toString(status)).register(meters.registry())));
        }
        return s;
    }

    /** Removes every series of the workspace. */
    public void remove(String workspace) {
        series.remove(workspace);
    }

    public void connected(String workspace, boolean connected) {
        series.get(workspace).ifPresent(s -> s.connected = connected ? 1 : 0);
    }

    public void reconnecting(String workspace) {
        series.get(workspace).ifPresent(s -> s.reconnects.increment());
    }

    public void copilotAuthError(String workspace, int status) {
        series.get(workspace).map(s -> s.authErrors.get(status)).ifPresent(Counter::increment);
    }
}
