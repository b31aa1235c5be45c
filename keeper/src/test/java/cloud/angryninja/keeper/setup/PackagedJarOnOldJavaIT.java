package cloud.angryninja.keeper.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.testing.Tier;

/** The packaged jar started for real on this machine's Java older than 21: one line saying why, exit 1. */
@Tier.Packaged
class PackagedJarOnOldJavaIT {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();

    @Test
    void saysInOneLineThatItNeedsJava21() {
        assertThat(JAR).exists();
        OldJava.Jvm old = OldJava.require();

        Tools.Result r = Tools.run(List.of(old.java().toString(), "-jar", JAR.toString()), null, Map.of(), true, Duration.ofSeconds(60));

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output().strip()).isEqualTo("opencode-keeper needs Java 21 or newer; this is Java " + old.feature() + " (" + old.home() + ")");
    }
}
