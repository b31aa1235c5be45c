package cloud.angryninja.keeper.kube;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How a forced ExternalSecret sync ended.
 *
 * @param forcedAt when the {@code force-sync} annotation was set; empty when nothing was patched
 */
public record SyncResult(Outcome outcome, Duration duration, String detail, Optional<Instant> forcedAt) implements StepResult {

    public static SyncResult skipped(String detail) {
        return new SyncResult(Outcome.SKIPPED, Duration.ZERO, detail, Optional.empty());
    }
}
