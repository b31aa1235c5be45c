package cloud.angryninja.keeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

@Tier.Unit
class BearerTokenFilterTest {

    private static final byte[] EXPECTED = BearerTokenFilter.sha256("right-token");

    @Test
    void acceptsOnlyTheExactBearerToken() {
        assertThat(BearerTokenFilter.accepts("Bearer right-token", EXPECTED)).isTrue();
        assertThat(BearerTokenFilter.accepts("bearer right-token", EXPECTED)).isTrue();
        assertThat(BearerTokenFilter.accepts("Bearer right-token2", EXPECTED)).isFalse();
        assertThat(BearerTokenFilter.accepts("Bearer right-toke", EXPECTED)).isFalse();
        assertThat(BearerTokenFilter.accepts("Basic right-token", EXPECTED)).isFalse();
        assertThat(BearerTokenFilter.accepts("right-token", EXPECTED)).isFalse();
        assertThat(BearerTokenFilter.accepts("Bearer ", EXPECTED)).isFalse();
        assertThat(BearerTokenFilter.accepts(null, EXPECTED)).isFalse();
    }
}
