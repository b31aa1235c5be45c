package cloud.angryninja.keeper.leader;

import java.time.Duration;
import java.util.Optional;

import cloud.angryninja.keeper.config.CheckedConfig;
import cloud.angryninja.keeper.config.ConfigCheck;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code keeper.leader-election.*}: two replicas, one leader, elected on a coordination.k8s.io/v1 Lease. */
@ConfigMapping(prefix = "keeper.leader-election")
public interface LeadershipConfig extends CheckedConfig {

    /** Off: this replica always leads (one replica). On: only the holder of the Lease probes and reseeds. */
    @WithDefault("false")
    boolean enabled();

    /** Name of the Lease. */
    @WithDefault(Leadership.DEFAULT_LEASE)
    String leaseName();

    /** Namespace of the Lease; default the Kubernetes client's namespace (the pod's own). */
    Optional<String> leaseNamespace();

    /** This replica's name in the Lease; default the {@code HOSTNAME} variable (the pod name), else a generated one. */
    Optional<String> identity();

    /** How long a Lease holds without renewal: a dead leader is replaced within this time. */
    @WithDefault("15s")
    Duration leaseDuration();

    /** The leader gives up leadership when it could not renew for this long (shorter than the lease duration). */
    @WithDefault("10s")
    Duration renewDeadline();

    /** Time between two attempts to acquire or renew (shorter than the renew deadline). */
    @WithDefault("2s")
    Duration retryPeriod();

    @Override
    default void check(ConfigCheck check) {
        check.positive("lease-duration", leaseDuration())
                .positive("renew-deadline", renewDeadline())
                .positive("retry-period", retryPeriod());
        if (leaseDuration().isPositive() && renewDeadline().isPositive() && retryPeriod().isPositive()) {
            // once each is valid on its own: one message per bad setting
            check.mapping(Leadership.checkDurations(leaseDuration(), renewDeadline(), retryPeriod()));
        }
    }
}
