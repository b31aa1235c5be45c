package cloud.angryninja.keeper.credential;

import java.util.Optional;

import cloud.angryninja.keeper.config.CheckedConfig;
import cloud.angryninja.keeper.config.ConfigCheck;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code keeper.adopt.*}: what the keeper does with a working credential a workspace reports and Doppler does not hold. */
@ConfigMapping(prefix = "keeper.adopt")
public interface AdoptConfig extends CheckedConfig {

    /**
     * Write it to Doppler for every workspace and give it live to the other running ones (one GitHub account serves them
     * all, and separate logins revoke each other); false: only for the workspace that reported it.
     */
    @WithDefault("true")
    boolean spread();

    /**
     * The GitHub login every adopted credential must belong to, pinned; unset: the account on record in Doppler
     * ({@link #accountSecret()}). A credential of another account waits for a person's confirmation.
     */
    Optional<String> account();

    /**
     * The Doppler secret (same project and config as the credentials) where every reseed, login and adoption records
     * the GitHub login of the credential it wrote: the account on record.
     */
    @WithDefault("OPENCODE_KEEPER_COPILOT_ACCOUNT")
    String accountSecret();

    @Override
    default void check(ConfigCheck check) {
        check.that("account", account().map(String::trim).filter(a -> !a.isEmpty()).map(AccountRecord::isLogin).orElse(true),
                () -> "is not a GitHub login (letters, digits and inner hyphens, at most 39 characters)");
    }
}
