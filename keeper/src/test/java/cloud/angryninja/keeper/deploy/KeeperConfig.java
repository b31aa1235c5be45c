package cloud.angryninja.keeper.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import cloud.angryninja.keeper.manifests.K8sTree;

/**
 * The keeper's in-cluster configuration as the pod gets it: {@code application.properties} from the
 * built ConfigMap {@code opencode-keeper-config}.
 */
record KeeperConfig(String text, Properties properties) {

    static final String CONFIG_MAP = "opencode-keeper-config";
    private static final Pattern WORKSPACE_KEY = Pattern.compile("keeper\\.workspaces\\.([^.]+)\\..+");
    /** {@code ${NAME}}, or {@code ${NAME:}}: empty when the variable is missing. */
    private static final Pattern EXPRESSION = Pattern.compile("^\\$\\{([A-Z_][A-Z0-9_]*)(:)?}$");
    private static final Pattern ANY_EXPRESSION = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)(?::[^}]*)?}");

    static KeeperConfig deployed() {
        String text = K8sTree.named(K8sTree.build(K8sTree.keeperApp()), "ConfigMap", CONFIG_MAP)
                .path("data").path("application.properties").asText();
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return new KeeperConfig(text, properties);
    }

    String get(String key) {
        return properties.getProperty(key);
    }

    /** The workspace names the config defines (keeper.workspaces.NAME.*). */
    Set<String> workspaces() {
        Set<String> names = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            Matcher m = WORKSPACE_KEY.matcher(key);
            if (m.matches()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    String workspace(String workspace, String field) {
        return get("keeper.workspaces." + workspace + "." + field);
    }

    /** The values of one field over every workspace. */
    Set<String> workspaceValues(String field) {
        Set<String> values = new TreeSet<>();
        workspaces().forEach(ws -> values.add(workspace(ws, field)));
        return values;
    }

    /** The environment variable a value of the form {@code ${NAME}} or {@code ${NAME:}} names. */
    static String variable(String expression) {
        return expression(expression).group(1);
    }

    /** Whether the expression has an (empty) default, {@code ${NAME:}}: a missing variable is no start-up error. */
    static boolean emptyWhenMissing(String expression) {
        return expression(expression).group(2) != null;
    }

    private static Matcher expression(String expression) {
        Matcher m = EXPRESSION.matcher(expression);
        if (!m.matches()) {
            throw new AssertionError("not a ${VARIABLE} expression: " + expression);
        }
        return m;
    }

    /** Every variable named by an expression anywhere in the config. */
    Set<String> variables() {
        Set<String> variables = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            Matcher m = ANY_EXPRESSION.matcher(properties.getProperty(key));
            while (m.find()) {
                variables.add(m.group(1));
            }
        }
        return variables;
    }
}
