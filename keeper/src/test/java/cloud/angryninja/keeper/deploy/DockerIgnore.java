package cloud.angryninja.keeper.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import cloud.angryninja.keeper.manifests.Repo;

/**
 * The rules of a {@code .dockerignore} as Docker applies them: patterns relative to the context
 * root, {@code *} and {@code ?} within one path element, {@code **} across elements, {@code !}
 * re-includes, the last matching rule wins, and a rule matching a directory applies to everything
 * under it.
 */
record DockerIgnore(List<Rule> rules) {

    record Rule(Pattern pattern, boolean exclude, String text) {
    }

    static DockerIgnore read(Path file) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : Repo.read(file).split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean exclude = !line.startsWith("!");
            String pattern = exclude ? line : line.substring(1).strip();
            pattern = pattern.replaceAll("^/+", "").replaceAll("/+$", "");
            rules.add(new Rule(Pattern.compile(toRegex(pattern)), exclude, line));
        }
        return new DockerIgnore(rules);
    }

    /** True when a file at {@code relativePath} (with '/' separators) is sent to the build. */
    boolean sends(String relativePath) {
        boolean excluded = false;
        for (Rule rule : rules) {
            if (matchesSelfOrParent(rule.pattern(), relativePath)) {
                excluded = rule.exclude();
            }
        }
        return !excluded;
    }

    private static boolean matchesSelfOrParent(Pattern pattern, String path) {
        String candidate = path;
        while (true) {
            if (pattern.matcher(candidate).matches()) {
                return true;
            }
            int slash = candidate.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            candidate = candidate.substring(0, slash);
        }
    }

    private static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                    i++;
                    regex.append("/?");
                }
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
