package cloud.angryninja.keeper.deploy;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.sandbox.ApiCalls.ApiCall;
import cloud.angryninja.keeper.sandbox.MockCluster;

/**
 * What the tests of the keeper Role's optional rules share (the rules commented out in {@code app/rbac.yaml} between
 * {@code # BEGIN name} and {@code # END name}): the Role as {@code k8s/} builds it, a mock API per test whose calls are
 * recorded, and the Role with the optional rules added.
 */
abstract class OptionalRoleRulesTest {

    final String namespace = K8sTree.fluxKustomization(K8sTree.KEEPER).targetNamespace();
    final JsonNode builtRole = K8sTree.single(K8sTree.build(K8sTree.keeperApp()), "Role");
    MockCluster cluster;

    @BeforeEach
    void start() {
        cluster = MockCluster.start();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    /** The Role as deployed. */
    RoleRules deployed() {
        return RoleRules.of(builtRole, namespace);
    }

    /** The Role with {@code rules} (an array of rules) added, as uncommenting them gives it. */
    RoleRules withOptional(JsonNode rules) {
        ObjectNode role = builtRole.deepCopy();
        rules.forEach(((ArrayNode) role.path("rules"))::add);
        return RoleRules.of(role, namespace);
    }

    /** What the calls used, as {@code verb group/resource}. */
    static Set<String> used(List<ApiCall> calls) {
        return new TreeSet<>(calls.stream().map(c -> c.verb() + " " + c.group() + "/" + c.resource()).toList());
    }
}
