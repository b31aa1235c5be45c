package cloud.angryninja.keeper.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.ConfigProblems;
import cloud.angryninja.keeper.testing.Tier;

/** {@code keeper.adopt.account}: unset, blank or a GitHub login; anything else stops the start with one message. */
@Tier.Unit
class AdoptConfigTest {

    @Test
    void aPinnedAccountMustBeAGitHubLogin() {
        assertThat(ConfigProblems.of(AdoptConfig.class, Map.of())).isEmpty();
        assertThat(ConfigProblems.of(AdoptConfig.class, Map.of("keeper.adopt.account", " octo-cat "))).as("trimmed").isEmpty();
        assertThat(ConfigProblems.of(AdoptConfig.class, Map.of("keeper.adopt.account", "octo--cat")))
                .containsExactly("keeper.adopt.account is not a GitHub login (letters, digits and inner hyphens, at most 39 characters)");
        assertThat(ConfigProblems.of(AdoptConfig.class, Map.of("keeper.adopt.account", "a".repeat(40))))
                .containsExactly("keeper.adopt.account is not a GitHub login (letters, digits and inner hyphens, at most 39 characters)");
    }
}
