package cloud.angryninja.keeper.deploy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.sandbox.ApiCalls.ApiCall;

/**
 * A namespaced Role's rules, deciding requests as Kubernetes RBAC does: a rule allows a request when
 * its apiGroups, resources (with {@code resource/subresource}) and verbs match, and, if it has
 * resourceNames, the request names one of them. A get or patch names its object in the path; a
 * list or watch names one only through the field selector {@code metadata.name=<name>}.
 */
record RoleRules(String namespace, List<Rule> rules) {

    record Rule(Set<String> apiGroups, Set<String> resources, Set<String> resourceNames, Set<String> verbs) {
    }

    static RoleRules of(JsonNode role, String namespace) {
        List<Rule> rules = new ArrayList<>();
        for (JsonNode rule : role.path("rules")) {
            rules.add(new Rule(set(rule.path("apiGroups")), set(rule.path("resources")), set(rule.path("resourceNames")),
                    set(rule.path("verbs"))));
        }
        return new RoleRules(namespace, rules);
    }

    boolean allows(ApiCall call) {
        if (!namespace.equals(call.namespace())) {
            return false;
        }
        String resource = call.subresource().isEmpty() ? call.resource() : call.resource() + "/" + call.subresource();
        Optional<String> name = requestedName(call);
        return rules.stream().anyMatch(r -> matches(r.verbs(), call.verb()) && matches(r.apiGroups(), call.group())
                && matches(r.resources(), resource)
                && (r.resourceNames().isEmpty() || name.filter(r.resourceNames()::contains).isPresent()));
    }

    /** Every (verb, group/resource, name) the rules grant, as "verb group/resource name". */
    Set<String> grants() {
        Set<String> grants = new TreeSet<>();
        for (Rule r : rules) {
            for (String verb : r.verbs()) {
                for (String group : r.apiGroups()) {
                    for (String resource : r.resources()) {
                        for (String name : r.resourceNames()) {
                            grants.add(grant(verb, group, resource, name));
                        }
                    }
                }
            }
        }
        return grants;
    }

    static String grant(ApiCall call) {
        return grant(call.verb(), call.group(), call.resource(), requestedName(call).orElse("*"));
    }

    static String grant(String verb, String group, String resource, String name) {
        return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + " " + name;
    }

    /** The object a request names, as the API server's request info sees it. */
    static Optional<String> requestedName(ApiCall call) {
        if (!call.name().isEmpty()) {
            return Optional.of(call.name());
        }
        if (!call.verb().equals("list") && !call.verb().equals("watch")) {
            return Optional.empty();
        }
        for (String parameter : call.query().split("&")) {
            String[] kv = parameter.split("=", 2);
            if (kv.length == 2 && kv[0].equals("fieldSelector")) {
                for (String requirement : URLDecoder.decode(kv[1], StandardCharsets.UTF_8).split(",")) {
                    String[] field = requirement.split("==?", 2);
                    if (field.length == 2 && field[0].equals("metadata.name")) {
                        return Optional.of(field[1]);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean matches(Set<String> allowed, String value) {
        return allowed.contains(value) || allowed.contains("*");
    }

    private static Set<String> set(JsonNode array) {
        return new TreeSet<>(Yaml.texts(array));
    }
}
