package cloud.angryninja.keeper.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** promtool from Debian's prometheus package, and the shipped PrometheusRule as a plain rules file. */
final class Promtool {

    static final Path PROMETHEUS_RULE = Tools.KEEPER_APP.resolve("prometheusrule.yaml");

    private Promtool() {
    }

    static Path binary() {
        return Tools.require("promtool", "install the Debian package prometheus (.ci/run does)");
    }

    static Tools.Result run(Path workDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary().toString());
        cmd.addAll(List.of(args));
        return Tools.run(workDir, Duration.ofMinutes(2), cmd.toArray(String[]::new));
    }

    /** The rule groups of the shipped PrometheusRule, as {@code {groups: [...]}}. */
    static ObjectNode shippedRuleGroups() {
        JsonNode rule = Manifests.readYaml(PROMETHEUS_RULE);
        if (!"PrometheusRule".equals(rule.path("kind").asText())) {
            throw new AssertionError(PROMETHEUS_RULE + " is not a PrometheusRule");
        }
        ObjectNode file = Manifests.JSON.createObjectNode();
        file.set("groups", rule.path("spec").path("groups").deepCopy());
        return file;
    }

    /** Alert name to PromQL expression, in file order. */
    static Map<String, String> shippedAlerts() {
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

    static void writeYaml(Path file, JsonNode content) {
        try {
            Files.writeString(file, Manifests.YAML.writeValueAsString(content));
        } catch (IOException e) {
            throw new AssertionError("cannot write " + file, e);
        }
    }

    /** Each expression as a recording rule, so {@code promtool check rules} parses every one. */
    static ObjectNode asRecordingRules(Map<String, String> expressions) {
        ObjectNode file = Manifests.JSON.createObjectNode();
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
