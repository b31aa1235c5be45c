package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.leader.LeadershipConfig;
import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.sandbox.ApiCalls.ApiCall;
import cloud.angryninja.keeper.testing.Tier;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;

/**
 * The optional leader-election rules of the keeper's Role (commented out in {@code app/rbac.yaml}
 * between {@code # BEGIN leader-election} and {@code # END leader-election}) against the requests
 * the keeper's election really makes on a mock API (acquire, renew, a second candidate reading the
 * Lease, release, which lets the other take over before the Lease expires): the Role as deployed refuses them, the Role with the rules uncommented allows
 * them, and the rules grant no verb the election does not use.
 */
@Tier.Integration
class LeaderElectionRbacTest extends OptionalRoleRulesTest {

    /** The commented-out rules, uncommented. */
    static JsonNode optionalRules() {
        return K8sTree.optionalRoleRules("leader-election");
    }

    record Durations(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) implements LeadershipConfig {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public String leaseName() {
            return Leadership.DEFAULT_LEASE;
        }

        @Override
        public Optional<String> leaseNamespace() {
            return Optional.empty();
        }

        @Override
        public Optional<String> identity() {
            return Optional.empty();
        }
    }

    private List<ApiCall> electionCalls() {
        Durations fast = new Durations(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(200));
        AtomicBoolean aLeads = new AtomicBoolean();
        CompletableFuture<?> a = cluster.client().leaderElector().withConfig(Leadership.electionConfig(namespace,
                Leadership.DEFAULT_LEASE, "keeper-a", fast, new LeaderCallbacks(() -> aLeads.set(true), () -> aLeads.set(false), h -> {
                }))).build().start();
        AtomicBoolean bLeads = new AtomicBoolean();
        CompletableFuture<?> b = null;
        try {
            await("keeper-a leads").atMost(Duration.ofSeconds(10)).untilTrue(aLeads);
            b = cluster.client().leaderElector().withConfig(Leadership.electionConfig(namespace, Leadership.DEFAULT_LEASE, "keeper-b",
                    fast, new LeaderCallbacks(() -> bLeads.set(true), () -> bLeads.set(false), h -> {
                    }))).build().start();
            await("keeper-a renews the Lease").atMost(Duration.ofSeconds(10))
                    .until(() -> cluster.calls().keeperCalls("patch", "leases").size() >= 2);
            assertThat(bLeads).as("one leader at a time").isFalse();
            a.cancel(true); // as at the keeper's shutdown: releases the Lease
            // Without the release keeper-b would wait for the Lease to expire (3 s after keeper-a's last renewal).
            await("keeper-b takes the released Lease before it expires").atMost(Duration.ofSeconds(2)).untilTrue(bLeads);
        } finally {
            a.cancel(true);
            if (b != null) {
                b.cancel(true);
            }
        }
        return cluster.calls().keeperCalls();
    }

    @Test
    void theDeployedRoleRefusesTheElectionAndTheOptionalRulesAllowExactlyIt() throws IOException {
        List<ApiCall> calls = electionCalls();
        assertThat(calls).extracting(ApiCall::verb).contains("create", "get", "patch");
        assertThat(calls).allSatisfy(c -> assertThat(c.resource()).isEqualTo("leases"));

        assertThat(calls).as("leader election is off in the deployed Role").noneMatch(deployed()::allows);

        RoleRules optional = withOptional(optionalRules());
        assertThat(calls).as("calls the Role with the leader-election rules refuses").allMatch(optional::allows);

        Set<String> used = used(calls);
        Set<String> granted = new TreeSet<>();
        for (JsonNode rule : optionalRules()) {
            for (String verb : Yaml.texts(rule.path("verbs"))) {
                granted.add(verb + " coordination.k8s.io/leases");
            }
            if (!Yaml.texts(rule.path("verbs")).contains("create")) {
                assertThat(Yaml.texts(rule.path("resourceNames"))).as("get/update pinned to the one Lease")
                        .containsExactly(Leadership.DEFAULT_LEASE);
            }
        }
        assertThat(granted).as("the rules grant what the election uses, nothing more").isEqualTo(used);

        RoleRules rulesAlone = RoleRules.of(Yaml.JSON.createObjectNode().set("rules", optionalRules()), namespace);
        assertThat(rulesAlone.allows(new ApiCall("patch", "coordination.k8s.io", "leases", "", namespace, "another-lease", "", "test")))
                .as("no other Lease can be taken").isFalse();
    }
}
