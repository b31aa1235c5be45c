package cloud.angryninja.keeper.sandbox.dev;

import java.util.List;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Hands the keeper its dev-mode settings ({@link SandboxWorld#keeperConfig()}), in the dev profile only: in any other
 * profile (the tests, which have this jar on their class path too) it adds nothing. Registered through
 * {@code META-INF/services}. Its ordinal, 200, is below {@code application.properties} (250), the environment (300)
 * and system properties (400): each of them can still change one of these settings.
 */
public class SandboxConfig implements ConfigSourceFactory {

    static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("dev")) {
            return List.of();
        }
        return List.of(new PropertiesConfigSource(SandboxWorld.keeperConfig(), "opencode-keeper-sandbox", ORDINAL));
    }
}
