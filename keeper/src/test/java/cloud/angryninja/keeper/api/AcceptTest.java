package cloud.angryninja.keeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import cloud.angryninja.keeper.testing.Tier;

@Tier.Unit
class AcceptTest {

    @Test
    void textRepliesAreAskedForExplicitly() {
        assertThat(Accept.wantsText("text/plain")).isTrue();
        assertThat(Accept.wantsText("application/json, text/plain")).isFalse();
        assertThat(Accept.wantsText("*/*")).isFalse();
        assertThat(Accept.wantsText(null)).isFalse();
    }
}
