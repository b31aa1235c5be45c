package cloud.angryninja.keeper.reseed;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.KubernetesClient;

import cloud.angryninja.keeper.kube.DeploymentRollout;
import cloud.angryninja.keeper.kube.ExternalSecretSync;

/**
 * The cluster actions a reseed takes, with the deadlines of {@code keeper.reseed.*}: the kube package knows no reseed
 * setting, so the reseed makes its own.
 */
public class ClusterActions {

    @Produces
    @Singleton
    ExternalSecretSync externalSecretSync(KubernetesClient kube, ReseedConfig config) {
        return new ExternalSecretSync(kube, config.syncTimeout(), Clock.systemUTC());
    }

    @Produces
    @Singleton
    DeploymentRollout deploymentRollout(KubernetesClient kube, ReseedConfig config) {
        return new DeploymentRollout(kube, config.rolloutTimeout(), config.reloaderGrace(), Clock.systemUTC());
    }
}
