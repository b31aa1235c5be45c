package cloud.angryninja.keeper.probe;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import cloud.angryninja.keeper.leader.LeadershipConfig;

/**
 * The keeper's own health. Ready once the configuration is valid (start-up got this far) and the
 * first probe cycle ran; a down workspace never makes the keeper unready. Live while probe cycles
 * keep completing. With leader election on, a follower is ready and live as soon as it started (it
 * answers health, metrics and a 503 naming the leader, so the Service keeps both replicas); the
 * leader is ready once it has probed, and live while its cycles keep completing since it leads.
 */
@jakarta.inject.Singleton
public class KeeperHealth {

    @Inject
    ProbeCycle cycle;

    @Inject
    ProbeConfig config;

    @Inject
    LeadershipConfig election;

    /** Pure: live unless the last cycle ended more than three intervals plus a minute ago. */
    static boolean cyclesKeepRunning(Instant lastCycleEnd, Instant now, Duration interval) {
        return lastCycleEnd == null || !now.isAfter(lastCycleEnd.plus(interval.multipliedBy(3)).plusSeconds(60));
    }

    @jakarta.enterprise.inject.Produces
    @Readiness
    @ApplicationScoped
    HealthCheck firstCycleDone() {
        return () -> HealthCheckResponse.named("probe-cycle")
                .status(cycle.cycles() > 0 || election.enabled() && !cycle.active())
                .withData("cycles", cycle.cycles())
                .withData("role", role())
                .build();
    }

    @jakarta.enterprise.inject.Produces
    @Liveness
    @ApplicationScoped
    HealthCheck cyclesRunning() {
        return () -> HealthCheckResponse.named("probe-scheduler")
                .status(!cycle.active() || cyclesKeepRunning(lastCycleOrLeadStart(cycle.lastCycleEnd().orElse(null),
                        cycle.activeSince().orElse(null)), Instant.now(), config.interval()))
                .withData("cycles", cycle.cycles())
                .withData("role", role())
                .build();
    }

    /** Pure: the later of the last cycle's end and the start of leadership (a new leader is not judged by old cycles). */
    static Instant lastCycleOrLeadStart(Instant lastCycleEnd, Instant leadingSince) {
        if (lastCycleEnd == null || leadingSince == null) {
            return lastCycleEnd;
        }
        return leadingSince.isAfter(lastCycleEnd) ? leadingSince : lastCycleEnd;
    }

    private String role() {
        return !election.enabled() ? "single" : cycle.active() ? "leader" : "follower";
    }
}
