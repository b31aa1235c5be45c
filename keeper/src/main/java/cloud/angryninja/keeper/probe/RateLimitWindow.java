package cloud.angryninja.keeper.probe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The 429 window: {@code rate_limited} holds while OpenCode reported a user's Copilot request of the workspace refused
 * with 429 within {@code keeper.probe.rate-limit-window} (passive detection tells it); a window that has passed is
 * forgotten.
 */
@ApplicationScoped
public class RateLimitWindow {

    private final Duration window;
    private final Clock clock;
    /** When OpenCode last reported a user's Copilot request refused with 429, per workspace. */
    private final Map<String, Instant> limitedAt = new ConcurrentHashMap<>();

    @Inject
    public RateLimitWindow(ProbeConfig config) {
        this(config.rateLimitWindow(), Clock.systemUTC());
    }

    public RateLimitWindow(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /** OpenCode reported a user's Copilot request of the workspace refused with {@code status}: a 429 starts or extends the window. */
    public void refused(String workspace, int status) {
        if (status == 429) {
            limitedAt.put(workspace, clock.instant());
        }
    }

    /** Whether the workspace's window is open now. */
    public boolean limited(String workspace) {
        Instant limited = limitedAt.get(workspace);
        boolean inWindow = limited != null && Duration.between(limited, clock.instant()).compareTo(window) < 0;
        if (limited != null && !inWindow) {
            limitedAt.remove(workspace, limited);
        }
        return inWindow;
    }

    /** A workspace that left is forgotten. */
    public void forget(String workspace) {
        limitedAt.remove(workspace);
    }

    /** Forgets every window: a replica that stops leading starts over when it leads again. */
    public void clear() {
        limitedAt.clear();
    }
}
