package cloud.angryninja.keeper.manifests;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Flux's post-build variable substitution, as kustomize-controller applies it: after
 * {@code kustomize build}, on each resulting resource separately, unless the resource is labelled
 * or annotated {@code kustomize.toolkit.fluxcd.io/substitute: disabled} (kustomize-controller checks
 * both, and leaves such a resource exactly as built).
 *
 * <p>Forms: {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR:=default}}, {@code ${VAR-default}},
 * {@code ${VAR=default}}; {@code $${VAR}} is the escape for a literal {@code ${VAR}}; {@code $VAR}
 * without braces is left alone. Strict, like Flux with {@code StrictPostBuildSubstitutions}: a
 * variable without a value or default, or any other {@code ${...}} form, is an error here (Flux
 * without the feature gate would silently make it empty, which is exactly the bug to catch).
 */
public final class FluxSubstitution {

    public static final String DISABLED_KEY = "kustomize.toolkit.fluxcd.io/substitute";

    private static final Pattern REFERENCE = Pattern.compile(
            "\\$\\$\\{|\\$\\{([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-=])([^}]*))?}|\\$\\{");

    private FluxSubstitution() {
    }

    /** Substitutes one resource's YAML text. */
    public static String substitute(String text, Map<String, String> vars) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String token = m.group();
            String replacement;
            if (token.equals("$${")) {
                replacement = "${";
            } else if (m.group(1) == null) {
                int end = Math.min(text.length(), m.start() + 40);
                throw new IllegalArgumentException("unsupported substitution near: "
                        + text.substring(m.start(), end).replace('\n', ' '));
            } else {
                String name = m.group(1);
                String op = m.group(2);
                String value = vars.get(name);
                if (value == null || (value.isEmpty() && op != null && op.startsWith(":"))) {
                    if (op == null) {
                        throw new IllegalArgumentException("variable ${" + name + "} has no value (postBuild.substitute) and no default");
                    }
                    value = m.group(3);
                }
                replacement = value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Splits {@code kustomize build} output into its resources' YAML texts. */
    public static List<String> documents(String built) {
        List<String> docs = new ArrayList<>();
        for (String doc : built.split("(?m)^---\\s*$")) {
            if (!doc.isBlank()) {
                docs.add(doc.strip() + "\n");
            }
        }
        return docs;
    }

    /** Substitutes every resource of a build, leaving alone those labelled or annotated as Flux allows. */
    public static List<String> substituteBuild(String built, Map<String, String> vars) {
        List<String> result = new ArrayList<>();
        for (String doc : documents(built)) {
            result.add(isDisabled(Yaml.read(doc)) ? doc : substitute(doc, vars));
        }
        return result;
    }

    /** Whether kustomize-controller skips this resource: label or annotation {@code substitute: disabled}. */
    public static boolean isDisabled(JsonNode resource) {
        JsonNode metadata = resource.path("metadata");
        return "disabled".equals(metadata.path("labels").path(DISABLED_KEY).asText(null))
                || "disabled".equals(metadata.path("annotations").path(DISABLED_KEY).asText(null));
    }

    /** The variable names a text refers to as {@code ${NAME}} (with or without a default), escapes left out. */
    public static Set<String> references(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            if (m.group(1) != null) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
