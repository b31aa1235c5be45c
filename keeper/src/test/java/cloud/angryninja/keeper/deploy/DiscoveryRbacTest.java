package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.sandbox.ApiCalls.ApiCall;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.WorkspaceDiscovery;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The optional discovery rule of the keeper's Role (commented out in {@code app/rbac.yaml} between
 * {@code # BEGIN discovery} and {@code # END discovery}) against the requests the discovery informer
 * really makes on a mock API: the Role as deployed refuses them, the Role with the rule uncommented
 * allows them, and the rule grants nothing the informer does not use.
 */
@Tier.Integration
class DiscoveryRbacTest extends OptionalRoleRulesTest {

    /** The commented-out rule, uncommented. */
    static JsonNode optionalRule() {
        JsonNode rules = K8sTree.optionalRoleRules("discovery");
        assertThat(rules.size()).as("one rule").isEqualTo(1);
        return rules.get(0);
    }

    private List<ApiCall> informerCalls() {
        SharedIndexInformer<Deployment> informer = WorkspaceDiscovery.informer(cluster.client(), namespace, Duration.ofMinutes(5));
        try {
            informer.start().toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(10)).until(() -> !cluster.calls().keeperCalls("watch", "deployments").isEmpty());
        } finally {
            informer.close();
        }
        return cluster.calls().keeperCalls();
    }

    @Test
    void theDeployedRoleRefusesDiscoveryAndTheOptionalRuleAllowsExactlyIt() throws IOException {
        List<ApiCall> calls = informerCalls();
        assertThat(calls).extracting(ApiCall::verb).contains("list", "watch");
        assertThat(calls).allSatisfy(c -> assertThat(c.query()).contains("labelSelector=opencode-keeper.angryninja.cloud%2Fworkspace"));

        assertThat(calls).as("discovery is off in the deployed Role").noneMatch(deployed()::allows);

        RoleRules optional = withOptional(Yaml.JSON.createArrayNode().add(optionalRule()));
        assertThat(calls).as("calls the Role with the discovery rule refuses").allMatch(optional::allows);

        RoleRules ruleAlone = RoleRules.of(Yaml.JSON.createObjectNode().set("rules", Yaml.JSON.createArrayNode().add(optionalRule())),
                namespace);
        Set<String> used = used(calls);
        Set<String> granted = new TreeSet<>();
        for (String verb : Yaml.texts(optionalRule().path("verbs"))) {
            granted.add(verb + " apps/deployments");
        }
        assertThat(granted).as("the rule grants what the informer uses, nothing more").isEqualTo(used);
        assertThat(ruleAlone.allows(new ApiCall("get", "", "secrets", "", namespace, "any", "", "test"))).isFalse();
    }
}
