package cloud.angryninja.keeper.manifests;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which provider key (Doppler name) each key of an ExternalSecret's target Secret comes from, in
 * both ways the cluster writes them: {@code spec.data[]} (secretKey, remoteRef.key), and the house
 * style of dataFrom {@code find.path} prefixes with a v2 template whose values are exactly
 * {@code "{{ .NAME }}"} (NAME must start with one of the prefixes: the template sees only what was found).
 */
public final class ExternalSecretKeys {

    private static final Pattern ONE_NAME = Pattern.compile("\\{\\{ *\\.([A-Za-z0-9_]+) *}}");

    private ExternalSecretKeys() {
    }

    /** secretKey to provider key; an AssertionError for a template value that is not one plain reference. */
    public static Map<String, String> remoteKeys(JsonNode externalSecret) {
        Map<String, String> keys = new TreeMap<>();
        JsonNode spec = externalSecret.path("spec");
        spec.path("data").forEach(d -> keys.put(d.path("secretKey").asText(), d.path("remoteRef").path("key").asText()));
        List<String> prefixes = new ArrayList<>();
        spec.path("dataFrom").forEach(f -> {
            if (f.path("find").has("path")) {
                prefixes.add(f.path("find").path("path").asText());
            }
        });
        spec.path("target").path("template").path("data").properties().forEach(e -> {
            String name = templateName(e.getValue().asText())
                    .orElseThrow(() -> new AssertionError("template value of " + e.getKey() + " is not one {{ .NAME }}"));
            if (!spec.path("data").findValuesAsText("key").contains(name) && prefixes.stream().noneMatch(name::startsWith)) {
                throw new AssertionError("template key " + e.getKey() + " reads " + name + ", which no data entry or find.path fetches");
            }
            keys.put(e.getKey(), name);
        });
        return keys;
    }

    /** The keys of the ExternalSecret's target Secret, whatever their values: {@code data[].secretKey} and the template's. */
    public static java.util.Set<String> secretKeys(JsonNode externalSecret) {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        JsonNode spec = externalSecret.path("spec");
        spec.path("data").forEach(d -> keys.add(d.path("secretKey").asText()));
        spec.path("target").path("template").path("data").fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** NAME of a template value that is exactly {@code {{ .NAME }}}. */
    public static Optional<String> templateName(String value) {
        Matcher m = ONE_NAME.matcher(value.strip());
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
