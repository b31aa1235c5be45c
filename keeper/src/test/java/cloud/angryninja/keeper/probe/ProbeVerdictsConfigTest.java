package cloud.angryninja.keeper.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;

import cloud.angryninja.keeper.testing.Tier;

/** {@code keeper.probe.confirm-delay}, {@code rate-limit-window}, {@code supported-versions}: defaults and bad values. */
@Tier.Unit
class ProbeVerdictsConfigTest {

    private static ProbeConfig config(Duration confirm, Duration window, String versions) {
        return new Stub(confirm, window, versions);
    }

    /**
     * A record, not an anonymous class: the mapping's validation constraints are interceptor bindings to Quarkus, which
     * refuses them on an anonymous class.
     */
    private record Stub(Duration confirmDelay, Duration rateLimitWindow, String supportedVersions) implements ProbeConfig {

        public Duration interval() {
            return Duration.ofSeconds(60);
        }

        public Duration timeout() {
            return Duration.ofSeconds(10);
        }

        public int concurrency() {
            return 64;
        }
    }

    @Test
    void theDefaultsAreAccepted() {
        Prober.Verdicts v = Prober.Verdicts.of(config(Duration.ofSeconds(5), Duration.ofMinutes(15), ">=1.18 <2"));
        assertThat(v.confirmDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(v.supportedVersions().contains("1.18.33")).isTrue();
        assertThat(v.supportedVersions().contains("2.0.0")).isFalse();
    }

    @Test
    void badValuesAreAClearConfigurationError() {
        assertThatThrownBy(() -> Prober.Verdicts.of(config(Duration.ofSeconds(5), Duration.ofMinutes(15), "1.18..2")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("keeper.probe: \"1.18..2\" is not a version constraint");
        assertThatThrownBy(() -> Prober.Verdicts.of(config(Duration.ofSeconds(-1), Duration.ofMinutes(15), ">=1.18 <2")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("keeper.probe.confirm-delay must not be negative");
        assertThatThrownBy(() -> Prober.Verdicts.of(config(Duration.ofSeconds(5), Duration.ZERO, ">=1.18 <2")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("keeper.probe.rate-limit-window must be positive");
    }
}
