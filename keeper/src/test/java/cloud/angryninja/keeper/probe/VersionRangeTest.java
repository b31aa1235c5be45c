package cloud.angryninja.keeper.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

@Tier.Unit
class VersionRangeTest {

    @Test
    void theDefaultRangeHoldsThe118LineUpToButNotIncluding2() {
        VersionRange r = VersionRange.parse(">=1.18 <2");
        assertThat(r.contains("1.18.33")).isTrue();
        assertThat(r.contains("1.18.0")).isTrue();
        assertThat(r.contains("1.19.2")).isTrue();
        assertThat(r.contains("1.17.9")).isFalse();
        assertThat(r.contains("2.0.0")).isFalse();
        assertThat(r.contains("2.0.3")).isFalse();
        assertThat(r.contains("2.0.0-beta.1")).as("a pre-release suffix is ignored").isFalse();
        assertThat(r.contains("v1.18.33")).isTrue();
    }

    @Test
    void aVersionThatIsNotDottedNumbersIsOutside() {
        assertThat(VersionRange.parse(">=1.18 <2").contains("latest")).isFalse();
        assertThat(VersionRange.parse(">=1.18 <2").contains("")).isFalse();
    }

    @Test
    void everyOperator() {
        assertThat(VersionRange.parse("=1.18.33").contains("1.18.33")).isTrue();
        assertThat(VersionRange.parse("=1.18.33").contains("1.18.34")).isFalse();
        assertThat(VersionRange.parse(">1.18").contains("1.18.0")).isFalse();
        assertThat(VersionRange.parse(">1.18").contains("1.18.1")).isTrue();
        assertThat(VersionRange.parse("<=1.18").contains("1.18")).isTrue();
        assertThat(VersionRange.parse("<=1.18").contains("1.18.1")).isFalse();
    }

    @Test
    void aBadRangeIsAClearError() {
        assertThatThrownBy(() -> VersionRange.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> VersionRange.parse("1.18-2")).hasMessageContaining("\"1.18-2\" is not a version constraint");
        assertThatThrownBy(() -> VersionRange.parse(">=1.x")).hasMessageContaining("not a version constraint");
    }
}
