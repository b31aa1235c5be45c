package cloud.angryninja.keeper.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.manifests.Yaml;

/** promtool from Debian's prometheus package, and the shipped PrometheusRule as a plain rules file. */
public final class Promtool {


    private Promtool() {
    }

    public static Path binary() {
        return Tools.require("promtool");
    }

    public static Tools.Result run(Path workDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary().toString());
        cmd.addAll(List.of(args));
        return Tools.run(workDir, Duration.ofMinutes(2), cmd.toArray(String[]::new));
    }

    /** The rule groups of the PrometheusRule Flux applies from the keeper's app folder, as {@code {groups: [...]}}. */
    public static ObjectNode shippedRuleGroups() {
        JsonNode rule = K8sTree.single(K8sTree.build(K8sTree.keeperApp()), "PrometheusRule");
        ObjectNode file = Yaml.JSON.createObjectNode();
        file.set("groups", rule.path("spec").path("groups").deepCopy());
        return file;
    }

    /** Alert name to PromQL expression, in file order. */
    public static Map<String, String> shippedAlerts() {
        Map<String, String> alerts = new LinkedHashMap<>();
        for (JsonNode group : shippedRuleGroups().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    alerts.put(rule.path("alert").asText(), rule.path("expr").asText());
                }
            }
        }
        return alerts;
    }

    /** Each expression as a recording rule, so {@code promtool check rules} parses every one. */
    static ObjectNode asRecordingRules(Map<String, String> expressions) {
        ObjectNode file = Yaml.JSON.createObjectNode();
        ObjectNode group = file.putArray("groups").addObject();
        group.put("name", "expressions");
        ArrayNode rules = group.putArray("rules");
        int i = 0;
        for (Map.Entry<String, String> e : expressions.entrySet()) {
            rules.addObject().put("record", "expression_" + (i++)).put("expr", e.getValue());
        }
        return file;
    }
}
