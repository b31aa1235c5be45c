package cloud.angryninja.keeper.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.ConfigProblems;

import cloud.angryninja.keeper.testing.Tier;

/**
 * {@code keeper.probe.confirm-delay}, {@code rate-limit-window}, {@code supported-versions}: the defaults, and bad values
 * refused by the mapping's constraints with one message each, as start-up reports them.
 */
@Tier.Unit
class ProbeVerdictsConfigTest {

    @Test
    void theDefaultsAreAccepted() {
        assertThat(ConfigProblems.of(ProbeConfig.class, Map.of())).isEmpty();
        VersionRange versions = VersionRange.parse(">=1.18 <2");
        assertThat(versions.contains("1.18.33")).isTrue();
        assertThat(versions.contains("2.0.0")).isFalse();
        assertThat(ConfigProblems.of(ProbeConfig.class, Map.of("keeper.probe.confirm-delay", "0s"))).as("no wait is a wait").isEmpty();
    }

    @Test
    void badValuesAreAClearConfigurationError() {
        assertThat(ConfigProblems.of(ProbeConfig.class, Map.of("keeper.probe.supported-versions", "1.18..2"))).containsExactly(
                "keeper.probe.supported-versions \"1.18..2\" is not a version constraint; write an operator (>=, >, <=, <, =) and a"
                        + " version, e.g. \">=1.18 <2\"");
        assertThat(ConfigProblems.of(ProbeConfig.class, Map.of("keeper.probe.confirm-delay", "-1s")))
                .containsExactly("keeper.probe.confirm-delay must not be negative (a duration such as 0s, 500ms or 5s)");
        assertThat(ConfigProblems.of(ProbeConfig.class, Map.of("keeper.probe.rate-limit-window", "0s")))
                .containsExactly("keeper.probe.rate-limit-window must be longer than 0 (a duration such as 500ms, 10s or 5m)");
    }

    @Test
    void aSettingThatQuotesATemplateIsQuotedAsItIs() {
        assertThat(ConfigProblems.of(ProbeConfig.class, Map.of("keeper.probe.supported-versions", "{problem}")))
                .containsExactly("keeper.probe.supported-versions \"{problem}\" is not a version constraint; write an operator (>=, >,"
                        + " <=, <, =) and a version, e.g. \">=1.18 <2\"");
    }
}
