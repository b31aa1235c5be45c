package cloud.angryninja.keeper.probe;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The keeper's own health. Ready once the configuration is valid (start-up got this far) and the
 * first probe cycle ran; a down workspace never makes the keeper unready. Live while probe cycles
 * keep completing.
 */
@jakarta.inject.Singleton
public class KeeperHealth {

    @Inject
    Prober prober;

    @Inject
    ProbeConfig config;

    /** Pure: live unless the last cycle ended more than three intervals plus a minute ago. */
    static boolean cyclesKeepRunning(Instant lastCycleEnd, Instant now, Duration interval) {
        return lastCycleEnd == null || !now.isAfter(lastCycleEnd.plus(interval.multipliedBy(3)).plusSeconds(60));
    }

    @jakarta.enterprise.inject.Produces
    @Readiness
    @ApplicationScoped
    HealthCheck firstCycleDone() {
        return () -> HealthCheckResponse.named("probe-cycle")
                .status(prober.cycles() > 0)
                .withData("cycles", prober.cycles())
                .build();
    }

    @jakarta.enterprise.inject.Produces
    @Liveness
    @ApplicationScoped
    HealthCheck cyclesRunning() {
        return () -> HealthCheckResponse.named("probe-scheduler")
                .status(cyclesKeepRunning(prober.lastCycleEnd().orElse(null), Instant.now(), config.interval()))
                .withData("cycles", prober.cycles())
                .build();
    }
}
