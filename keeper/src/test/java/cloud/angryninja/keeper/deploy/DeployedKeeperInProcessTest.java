package cloud.angryninja.keeper.deploy;

import io.quarkus.test.junit.QuarkusTest;

import cloud.angryninja.keeper.testing.Tier;

/**
 * {@link DeployedKeeperTest} in the test's JVM: integration, because the deployed configuration is read from the built
 * k8s/ tree (kubectl, the cluster snapshot).
 */
@Tier.Integration
@QuarkusTest
class DeployedKeeperInProcessTest extends DeployedKeeperTest {
}
