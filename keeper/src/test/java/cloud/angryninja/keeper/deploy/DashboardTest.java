package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.testing.Tier;

/** Static checks of the Grafana dashboard: valid JSON, a query in every panel, PromQL that parses. */
@Tier.Integration
class DashboardTest {

    /** The keeper's metric names as pinned by the core, reseed, workspace-git and quota issues (docs/metrics.md). */
    static final Set<String> KEEPER_METRICS = Set.of(
            "opencode_keeper_workspace_up",
            "opencode_keeper_workspace_project_vcs",
            "opencode_keeper_copilot_provider_loaded",
            "opencode_keeper_copilot_credential_valid",
            "opencode_keeper_copilot_check_errors_total",
            "opencode_keeper_copilot_models",
            "opencode_keeper_copilot_state",
            "opencode_keeper_probe_duration_seconds",
            "opencode_keeper_probe_last_success_timestamp_seconds",
            "opencode_keeper_build_info",
            "opencode_keeper_reseed_total",
            "opencode_keeper_reseed_step_duration_seconds",
            "opencode_keeper_reseed_last_success_timestamp_seconds",
            "opencode_keeper_copilot_quota_remaining",
            "opencode_keeper_copilot_quota_entitlement",
            "opencode_keeper_copilot_quota_unlimited",
            "opencode_keeper_copilot_quota_reset_timestamp_seconds",
            "opencode_keeper_copilot_quota_plan_info",
            "opencode_keeper_credential_drift");

    @TempDir
    Path dir;

    @Test
    void everyPanelHasAQueryOnTheDashboardsDatasource() {
        JsonNode dashboard = Dashboard.read();
        assertThat(dashboard.path("uid").asText()).isEqualTo("opencode-keeper");
        JsonNode variable = dashboard.path("templating").path("list").get(0);
        assertThat(variable.path("name").asText()).isEqualTo("DS_PROMETHEUS");
        assertThat(variable.path("type").asText()).isEqualTo("datasource");
        assertThat(variable.path("query").asText()).isEqualTo("prometheus");
        List<JsonNode> panels = Dashboard.panels(dashboard);
        assertThat(panels).hasSizeGreaterThanOrEqualTo(10);
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(title).isNotBlank();
            assertThat(panel.path("targets").size()).as("queries of %s", title).isPositive();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as("query of %s", title).isNotBlank();
                assertThat(target.path("datasource").path("uid").asText()).as("datasource of %s", title).isEqualTo("${DS_PROMETHEUS}");
            }
        }
    }

    @Test
    void theDashboardShowsWhatTheIssueAsksFor() {
        String all = String.join("\n", Dashboard.expressions(Dashboard.read()).values());
        assertThat(all).contains(
                "opencode_keeper_workspace_up",
            "opencode_keeper_workspace_project_vcs", "opencode_keeper_copilot_provider_loaded",
                "opencode_keeper_copilot_credential_valid", "opencode_keeper_copilot_models",
                "opencode_keeper_probe_duration_seconds", "time() - (opencode_keeper_probe_last_success_timestamp_seconds > 0)",
                "opencode_keeper_reseed_total", "opencode_keeper_reseed_last_success_timestamp_seconds",
                "kube_pod_container_status_restarts_total", "kube_pod_container_status_last_terminated_reason",
                "container_memory_working_set_bytes", "kube_pod_container_resource_limits",
                "pod=~\"opencode-(flux|ha)-.*\"");
        // Unknown credential shows as "unknown", not as an empty or zero value.
        JsonNode credential = Dashboard.panels(Dashboard.read()).stream()
                .filter(p -> p.path("title").asText().equals("Copilot credential")).findFirst().orElseThrow();
        assertThat(credential.path("fieldConfig").path("defaults").path("mappings").toString())
                .contains("\"match\":\"nan\"", "\"text\":\"unknown\"", "\"text\":\"invalid\"");
        // Both last-success timestamps are 0 before the first success: the age panel leaves such a workspace out
        // (instead of an age of 56 years), the reseed panel says "never".
        JsonNode lastReseed = Dashboard.panels(Dashboard.read()).stream()
                .filter(p -> p.path("title").asText().equals("Last successful reseed")).findFirst().orElseThrow();
        assertThat(lastReseed.path("fieldConfig").path("defaults").path("mappings").toString())
                .contains("{\"0\":{\"text\":\"never\"");
    }

    @Test
    void theWorkspaceTableShowsTheStateAsTextWithAColourForEachState() {
        JsonNode table = Dashboard.panels(Dashboard.read()).stream()
                .filter(p -> p.path("title").asText().equals("Copilot state")).findFirst().orElseThrow();
        assertThat(table.path("type").asText()).isEqualTo("table");
        assertThat(table.path("targets").get(0).path("expr").asText())
                .isEqualTo("max by (workspace, state) (opencode_keeper_copilot_state == 1)");
        JsonNode state = null;
        for (JsonNode override : table.path("fieldConfig").path("overrides")) {
            if (override.path("matcher").path("options").asText().equals("State")) {
                state = override;
            }
        }
        assertThat(state).as("an override of the State column").isNotNull();
        JsonNode mappings = null;
        boolean background = false;
        for (JsonNode property : state.path("properties")) {
            if (property.path("id").asText().equals("mappings")) {
                mappings = property.path("value").get(0).path("options");
            }
            background |= property.path("id").asText().equals("custom.cellOptions")
                    && property.path("value").path("type").asText().equals("color-background");
        }
        assertThat(background).as("coloured cells").isTrue();
        assertThat(mappings).isNotNull();
        for (cloud.angryninja.keeper.copilot.CopilotState s : cloud.angryninja.keeper.copilot.CopilotState.values()) {
            JsonNode m = mappings.path(s.label());
            assertThat(m.path("text").asText()).as(s.label()).isEqualTo(s.label());
            assertThat(m.path("color").asText()).as(s.label()).isNotBlank();
        }
        assertThat(mappings.path("working").path("color").asText()).isEqualTo("green");
        assertThat(mappings.path("revoked").path("color").asText()).isEqualTo("red");
    }

    @Test
    void theQuotaTableStandsBesideTheStateWithPlanPremiumLeftEntitlementAndReset() {
        List<JsonNode> panels = Dashboard.panels(Dashboard.read());
        JsonNode state = panels.stream().filter(p -> p.path("title").asText().equals("Copilot state")).findFirst().orElseThrow();
        JsonNode quota = panels.stream().filter(p -> p.path("title").asText().equals("Copilot quota")).findFirst().orElseThrow();
        assertThat(quota.path("type").asText()).isEqualTo("table");
        assertThat(quota.path("gridPos").path("y").asInt()).as("the same row").isEqualTo(state.path("gridPos").path("y").asInt());
        assertThat(quota.path("gridPos").path("x").asInt()).as("right beside it")
                .isEqualTo(state.path("gridPos").path("x").asInt() + state.path("gridPos").path("w").asInt());
        for (JsonNode p : panels) {
            if (p != quota && p.path("gridPos").path("y").asInt() == quota.path("gridPos").path("y").asInt()) {
                int x = p.path("gridPos").path("x").asInt();
                int end = x + p.path("gridPos").path("w").asInt();
                int qx = quota.path("gridPos").path("x").asInt();
                assertThat(end <= qx || x >= qx + quota.path("gridPos").path("w").asInt()).as("%s overlaps", p.path("title").asText()).isTrue();
                assertThat(end).as("%s fits the 24 columns", p.path("title").asText()).isLessThanOrEqualTo(24);
            }
        }
        Map<String, String> columns = new java.util.TreeMap<>();
        quota.path("transformations").forEach(t -> t.path("options").path("renameByName").fields()
                .forEachRemaining(e -> columns.put(e.getValue().asText(), e.getKey())));
        assertThat(columns.keySet()).contains("Workspace", "Plan", "Premium left", "Per period", "Left", "Resets");
        Map<String, String> byRef = new java.util.TreeMap<>();
        quota.path("targets").forEach(t -> byRef.put(t.path("refId").asText(), t.path("expr").asText()));
        assertThat(byRef.get(columns.get("Premium left").replace("Value #", "")))
                .contains("opencode_keeper_copilot_quota_remaining{quota=\"premium_interactions\"}");
        assertThat(byRef.get(columns.get("Per period").replace("Value #", "")))
                .contains("opencode_keeper_copilot_quota_entitlement{quota=\"premium_interactions\"}");
        assertThat(byRef.get(columns.get("Resets").replace("Value #", ""))).contains("opencode_keeper_copilot_quota_reset_timestamp_seconds");
        assertThat(byRef.values()).anyMatch(e -> e.contains("opencode_keeper_copilot_quota_plan_info == 1"));
        quota.path("targets").forEach(t -> assertThat(t.path("format").asText()).as("one row per workspace").isEqualTo("table"));
    }

    @Test
    void everyExpressionOfTheDashboardAndTheAlertsParses() {
        Map<String, String> expressions = Dashboard.allExpressions();
        Yaml.write(dir.resolve("expressions.yaml"), Promtool.asRecordingRules(expressions));
        Tools.Result check = Promtool.run(dir, "check", "rules", "expressions.yaml");
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + expressions.size() + " rules found");
    }

    /** The check above can fail: one broken expression is reported. */
    @Test
    void aBrokenExpressionIsReported() {
        Yaml.write(dir.resolve("broken.yaml"), Promtool.asRecordingRules(Map.of("broken", "sum by (pod (up)")));
        assertThat(Promtool.run(dir, "check", "rules", "broken.yaml").exitCode()).isNotZero();
    }

    @Test
    void everyKeeperMetricNameUsedIsAPinnedOne() {
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("opencode_keeper_[a-z_]+").matcher(String.join("\n", Dashboard.allExpressions().values()));
        while (m.find()) {
            used.add(m.group());
        }
        assertThat(used).isNotEmpty().allMatch(KEEPER_METRICS::contains);
    }

    @Test
    void theDashboardShipsInALabelledConfigMapUntouchedByFlux() {
        JsonNode configMap = K8sTree.named(K8sTree.build(K8sTree.keeperApp()), "ConfigMap", "opencode-keeper-dashboard");
        assertThat(configMap.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        assertThat(configMap.path("metadata").path("annotations").path("kustomize.toolkit.fluxcd.io/substitute").asText())
                .isEqualTo("disabled");
        assertThat(configMap.path("data").path("opencode-keeper.json").asText()).isEqualTo(Repo.read(Dashboard.FILE));
    }
}
