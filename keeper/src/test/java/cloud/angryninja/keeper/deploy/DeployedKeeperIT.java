package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;

import io.quarkus.test.junit.QuarkusIntegrationTest;

import cloud.angryninja.keeper.testing.Tier;

/**
 * {@link DeployedKeeperTest} on the packaged application, started as its own process with the deployed configuration
 * and the stand-ins: the fast-jar in {@code ./mvnw verify}; in the release workflow the native executable taken out of
 * the built image, the same executable on an emulated old CPU, and the image itself (docs/release.md). Its log (the
 * file the launcher gives it) names no secret of the run.
 */
@Tier.Packaged
@QuarkusIntegrationTest
class DeployedKeeperIT extends DeployedKeeperTest {

    @AfterAll
    static void theLogNamesNoSecret() throws IOException {
        Path log = Path.of(ConfigProvider.getConfig().getOptionalValue("quarkus.log.file.path", String.class).orElse("target/quarkus.log"));
        assertThat(log).as("the packaged keeper's log").isRegularFile();
        String text = Files.readString(log);
        assertThat(text).as("the log of the run").contains("reseed=").contains("opencode-ha");
        assertThat(text).doesNotContain(DeployedKeeperStandIns.API_TOKEN, DeployedKeeperStandIns.DOPPLER_TOKEN,
                DeployedKeeperStandIns.PASSWORD, DeployedKeeperStandIns.OLD, DeployedKeeperStandIns.NEW);
    }
}
