package cloud.angryninja.keeper.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.TestWorkspaces;
import cloud.angryninja.keeper.testing.Tier;

/**
 * An unreachable Kubernetes API: the client retries with backoff (its defaults, as in the keeper), and the Secret
 * read gives up after the probe timeout with a reason that says so, so the first cycle and readiness wait no longer.
 */
@Tier.Unit
class CredentialSourceTest {

    @Test
    void anUnreachableKubernetesApiCostsAtMostTheDeadline() {
        String api = "http://127.0.0.1:" + Loopback.freePort();
        try (KubernetesClient kube = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(api).build()).build()) {
            CredentialSource source = new CredentialSource(kube, Duration.ofMillis(1500), HeldCredentials.NONE);

            long start = System.nanoTime();
            CredentialSource.Lookup lookup = source.lookup(TestWorkspaces.named("alpha", "http://127.0.0.1:1"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(lookup.credential()).isEmpty();
            assertThat(lookup.error()).isEqualTo(CredentialSource.ERROR_KUBE);
            assertThat(lookup.reason()).isEqualTo(
                    "cannot read secret opencode/alpha-copilot: the Kubernetes API did not answer within 1500 ms (keeper.probe.timeout)");
            assertThat(took).as("waited for the deadline only").isLessThan(Duration.ofMillis(1500 + 2000));
        }
    }
}
