package cloud.angryninja.keeper.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Yaml;

/** The shipped Grafana dashboard and its PromQL. */
final class Dashboard {

    static final Path FILE = K8sTree.keeperApp().resolve("dashboard/opencode-keeper.json");

    /**
     * Grafana's interval variables, given the values Grafana would give them at a 1m scrape
     * interval, so the expressions can be handed to Prometheus as they are.
     */
    private static final Map<String, String> GRAFANA_VARIABLES = Map.of(
            "$__rate_interval", "4m",
            "$__interval", "1m",
            "$__range", "24h");

    private Dashboard() {
    }

    static JsonNode read() {
        try {
            return Yaml.JSON.readTree(Repo.read(FILE));
        } catch (IOException e) {
            throw new AssertionError(FILE + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Every panel that is not a row, including panels nested in collapsed rows. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if ("row".equals(panel.path("type").asText())) {
                panel.path("panels").forEach(panels::add);
            } else {
                panels.add(panel);
            }
        }
        return panels;
    }

    /** "panel title / refId" to the expression with Grafana's variables replaced. */
    static Map<String, String> expressions(JsonNode dashboard) {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                for (Map.Entry<String, String> v : GRAFANA_VARIABLES.entrySet()) {
                    expr = expr.replace(v.getKey(), v.getValue());
                }
                expressions.put(panel.path("title").asText() + " / " + target.path("refId").asText(), expr);
            }
        }
        return expressions;
    }

    /** The dashboard's expressions followed by the alerts', each labelled. */
    static Map<String, String> allExpressions() {
        Map<String, String> all = new LinkedHashMap<>(expressions(read()));
        Promtool.shippedAlerts().forEach((alert, expr) -> all.put("alert " + alert, expr));
        return all;
    }
}
