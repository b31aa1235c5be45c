package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.testing.Tier;

/**
 * The shipped alert rules, unit-tested with the real promtool: the rule groups are taken out of
 * the PrometheusRule manifest, so the rules tested are the rules deployed.
 */
@Tier.Integration
class AlertRulesTest {

    static final Path UNIT_TESTS = Repo.root().resolve("keeper/src/test/resources/promtool/opencode-keeper-alerts-test.yaml");

    @TempDir
    Path dir;

    @Test
    void theFourteenPinnedAlertsAreShipped() {
        assertThat(Promtool.shippedAlerts().keySet()).containsExactlyInAnyOrder(
                "OpencodeCopilotCredentialInvalid",
                "OpencodeCopilotCredentialDrift",
                "OpencodeCopilotNoEntitlement",
                "OpencodeCopilotNoModels",
                "OpencodeCopilotRateLimited",
                "OpencodeCopilotPremiumRequestsRunningOut",
                "OpencodeCopilotPremiumRequestsLow",
                "OpencodeWorkspaceUnsupported",
                "OpencodeCopilotProviderNotLoaded",
                "OpencodeWorkspaceNoRepository",
                "OpencodeWorkspaceDown",
                "OpencodeKeeperProbeStale",
                "OpencodeKeeperReseedFailed",
                "OpencodeKeeperDown");
    }

    @Test
    void promtoolAcceptsTheShippedRules() {
        Yaml.write(dir.resolve("rules.yaml"), Promtool.shippedRuleGroups());
        Tools.Result check = Promtool.run(dir, "check", "rules", "rules.yaml");
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: 14 rules found");
    }

    @Test
    void everyAlertPassesItsPromtoolUnitTests() throws Exception {
        Yaml.write(dir.resolve("rules.yaml"), Promtool.shippedRuleGroups());
        Files.copy(UNIT_TESTS, dir.resolve("tests.yaml"));
        Tools.Result result = Promtool.run(dir, "test", "rules", "tests.yaml");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertIsTestedFiringAndNotFiring() {
        JsonNode tests = Yaml.read(UNIT_TESTS);
        Set<String> firing = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (JsonNode test : tests.path("tests")) {
            for (JsonNode expectation : test.path("alert_rule_test")) {
                String alert = expectation.path("alertname").asText();
                (expectation.path("exp_alerts").isEmpty() ? quiet : firing).add(alert);
            }
        }
        assertThat(firing).as("alerts with a firing case").containsAll(Promtool.shippedAlerts().keySet());
        assertThat(quiet).as("alerts with a not-firing case").containsAll(Promtool.shippedAlerts().keySet());
        assertThat(tests.path("tests")).extracting(t -> t.path("name").asText())
                .contains("credential unknown (NaN) is not invalid", "a workspace down does not fire CredentialInvalid",
                        "two replicas, the leader's series fire once and the follower's NaN series stay quiet",
                        "a workspace never probed successfully since the keeper started fires once the keeper is up for 3 intervals",
                        "a confirmed 403 fires NoEntitlement after 5 minutes and not CredentialInvalid",
                        "an OpenCode 2.x workspace fires Unsupported, not ProviderNotLoaded, WorkspaceDown or CredentialInvalid",
                        "a failed quota call leaves a gap, not a NaN, and RunningOut keeps firing through it",
                        "a workspace that reports a working credential after a revoked one stops CredentialInvalid");
    }

    /** The harness can fail: a wrong expectation is reported by promtool as a failure. */
    @Test
    void aWrongExpectationFails() throws Exception {
        Yaml.write(dir.resolve("rules.yaml"), Promtool.shippedRuleGroups());
        ObjectNode tests = (ObjectNode) Yaml.read(UNIT_TESTS);
        for (JsonNode test : tests.path("tests")) {
            if (test.path("name").asText().equals("credential unknown (NaN) is not invalid")) {
                ArrayNode expected = (ArrayNode) test.path("alert_rule_test").get(0).path("exp_alerts");
                expected.addObject().putObject("exp_labels").put("severity", "critical").put("workspace", "opencode-flux");
            }
        }
        Yaml.write(dir.resolve("tests.yaml"), tests);
        Tools.Result result = Promtool.run(dir, "test", "rules", "tests.yaml");
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("FAILED", "credential unknown (NaN) is not invalid");
    }
}
