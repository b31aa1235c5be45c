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
 * {@code ${VAR=default}} (a default may hold references: {@code ${A:-${B}}}), {@code ${VAR/a/b}} (first
 * a replaced by b) and {@code ${VAR//a/b}} (every a), as the cluster writes {@code ${SECRET_DOMAIN/./-}};
 * {@code $${VAR}} is the escape for a literal {@code ${VAR}}; {@code $VAR}
 * without braces is left alone. Strict, like Flux with {@code StrictPostBuildSubstitutions}: a
 * variable without a value or default, or any other {@code ${...}} form, is an error here (Flux
 * without the feature gate would silently make it empty, which is exactly the bug to catch).
 */
public final class FluxSubstitution {

    public static final String DISABLED_KEY = "kustomize.toolkit.fluxcd.io/substitute";

    private static final Pattern BODY = Pattern.compile("([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-=])(.*)|(//?)([^/]*)/(.*))?", Pattern.DOTALL);
    private static final Pattern REFERENCE = Pattern.compile(
            "\\$\\$\\{|\\$\\{([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-=])([^}]*))?}|\\$\\{");

    private FluxSubstitution() {
    }

    /** Substitutes one resource's YAML text, strictly: a variable without value or default is an error. */
    public static String substitute(String text, Map<String, String> vars) {
        return substitute(text, vars, true);
    }

    /**
     * Substitutes one resource's YAML text. {@code strict} false is Flux without
     * {@code StrictPostBuildSubstitutions}: a variable without value or default becomes empty.
     */
    public static String substitute(String text, Map<String, String> vars, boolean strict) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int close = closingBrace(text, i + 2);
                out.append(expand(text, i, text.substring(i + 2, close), vars, strict));
                i = close + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString();
    }

    /** The index of the brace that closes a reference whose body starts at {@code from} (nested references allowed). */
    private static int closingBrace(String text, int from) {
        int depth = 0;
        for (int i = from; i < text.length(); i++) {
            if (text.startsWith("${", i)) {
                depth++;
                i++;
            } else if (text.charAt(i) == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        throw unsupported(text, from - 2);
    }

    /** One reference's value: {@code NAME}, {@code NAME[:]-default}, {@code NAME[:]=default}, {@code NAME/a/b}, {@code NAME//a/b}. */
    private static String expand(String text, int at, String body, Map<String, String> vars, boolean strict) {
        Matcher m = BODY.matcher(body);
        if (!m.matches()) {
            throw unsupported(text, at);
        }
        String name = m.group(1);
        String value = vars.get(name);
        if (m.group(2) != null) {
            String op = m.group(2);
            if (value == null || (value.isEmpty() && op.startsWith(":"))) {
                value = substitute(m.group(3), vars, strict);
            }
            return value;
        }
        if (value == null) {
            if (strict) {
                throw new IllegalArgumentException("variable ${" + name + "} has no value (postBuild.substitute) and no default");
            }
            value = "";
        }
        if (m.group(4) != null) {
            String pattern = m.group(5);
            String replacement = m.group(6);
            return m.group(4).equals("//") ? value.replace(pattern, replacement) : value.replaceFirst(Pattern.quote(pattern),
                    Matcher.quoteReplacement(replacement));
        }
        return value;
    }

    private static IllegalArgumentException unsupported(String text, int at) {
        int end = Math.min(text.length(), at + 40);
        return new IllegalArgumentException("unsupported substitution near: " + text.substring(at, end).replace('\n', ' '));
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
        return substituteBuild(built, vars, true);
    }

    /** As {@link #substituteBuild(String, Map)}, strict or not ({@link #substitute(String, Map, boolean)}). */
    public static List<String> substituteBuild(String built, Map<String, String> vars, boolean strict) {
        List<String> result = new ArrayList<>();
        for (String doc : documents(built)) {
            result.add(isDisabled(Yaml.read(doc)) ? doc : substitute(doc, vars, strict));
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
