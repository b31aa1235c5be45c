package cloud.angryninja.keeper.login;

import java.net.URI;
import java.time.Duration;

import cloud.angryninja.keeper.config.CheckedConfig;
import cloud.angryninja.keeper.config.ConfigCheck;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code keeper.login.*}: the GitHub device flow of {@code POST /login}, with OpenCode 1.18.33's client id and scope. */
@ConfigMapping(prefix = "keeper.login")
public interface LoginConfig extends CheckedConfig {

    /** GitHub's base URL for github.com logins: {@code /login/device/code} and {@code /login/oauth/access_token} are under it. */
    @WithDefault("https://github.com")
    URI githubUrl();

    /**
     * Scheme of a GitHub Enterprise domain given with {@code ?enterprise=}: its own {@code /login/device/code} is used.
     * {@code https}; {@code http} only for a test stand-in on loopback.
     */
    @WithDefault("https")
    String enterpriseScheme();

    /** OAuth client id of the device flow: OpenCode's GitHub Copilot app, so the token is the one OpenCode would get. */
    @WithDefault("Ov23li8tweQw6odWQebz")
    String clientId();

    /** OAuth scope asked for, as OpenCode asks. */
    @WithDefault("read:user")
    String scope();

    /** Added to every wait between two polls of the token endpoint, as OpenCode adds 3 s to GitHub's {@code interval}. */
    @WithDefault("3s")
    Duration pollMargin();

    /** Added to the interval after a {@code slow_down} answer that names no interval (RFC 8628: 5 s). */
    @WithDefault("5s")
    Duration slowDownIncrease();

    /** Whole-call deadline of one request to GitHub. */
    @WithDefault("10s")
    Duration timeout();

    @Override
    default void check(ConfigCheck check) {
        check.that("enterprise-scheme", "https".equals(enterpriseScheme()) || "http".equals(enterpriseScheme()),
                        () -> "takes https or http, not '" + DeviceFlow.shorten(enterpriseScheme()) + "'")
                .positive("poll-margin", pollMargin())
                .positive("slow-down-increase", slowDownIncrease())
                .positive("timeout", timeout());
    }
}
