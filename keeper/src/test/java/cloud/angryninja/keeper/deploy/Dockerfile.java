package cloud.angryninja.keeper.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import cloud.angryninja.keeper.manifests.Repo;

/**
 * Just enough of a Dockerfile reader to check what can be checked without Docker: stages, their
 * base images (with ARG defaults applied), and each stage's instructions.
 */
record Dockerfile(Map<String, String> args, List<Stage> stages) {

    record Instruction(String keyword, String arguments) {

        /** COPY/ADD flags such as {@code --from=builder}, by name. */
        Map<String, String> flags() {
            Map<String, String> flags = new LinkedHashMap<>();
            for (String word : arguments.split("\\s+")) {
                if (word.startsWith("--")) {
                    String[] kv = word.substring(2).split("=", 2);
                    flags.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
            }
            return flags;
        }

        /** The non-flag words: for COPY, the sources followed by the destination. */
        List<String> operands() {
            List<String> words = new ArrayList<>();
            for (String word : arguments.trim().split("\\s+")) {
                if (!word.startsWith("--")) {
                    words.add(word);
                }
            }
            return words;
        }
    }

    record Stage(String image, String name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        Optional<Instruction> last(String keyword) {
            List<Instruction> found = all(keyword);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getLast());
        }

        /** The value of the last ENV setting of {@code name} in this stage, if any. */
        Optional<String> env(String name) {
            Pattern p = Pattern.compile("(?:^|\\s)" + Pattern.quote(name) + "=(\"[^\"]*\"|\\S+)");
            String value = null;
            for (Instruction env : all("ENV")) {
                Matcher m = p.matcher(env.arguments());
                if (m.find()) {
                    value = m.group(1).replaceAll("^\"|\"$", "");
                }
            }
            return Optional.ofNullable(value);
        }
    }

    static Dockerfile read(Path file) {
        return parse(Repo.read(file));
    }

    static Dockerfile parse(String text) {
        Map<String, String> args = new LinkedHashMap<>();
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        for (String line : logicalLines(text)) {
            String[] parts = line.trim().split("\\s+", 2);
            String keyword = parts[0].toUpperCase();
            String arguments = parts.length > 1 ? parts[1].trim() : "";
            if (keyword.equals("FROM")) {
                String[] from = arguments.split("\\s+");
                String image = substitute(from[0], args);
                String name = from.length >= 3 && from[1].equalsIgnoreCase("AS") ? from[2] : null;
                current = new ArrayList<>();
                stages.add(new Stage(image, name, current));
            } else if (current == null && keyword.equals("ARG")) {
                String[] kv = arguments.split("=", 2);
                args.put(kv[0], kv.length > 1 ? kv[1] : "");
            } else if (current != null) {
                current.add(new Instruction(keyword, arguments));
            } else {
                throw new AssertionError("instruction before the first FROM: " + line);
            }
        }
        return new Dockerfile(args, stages);
    }

    Stage finalStage() {
        return stages.getLast();
    }

    Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no stage named " + name));
    }

    private static String substitute(String text, Map<String, String> args) {
        Matcher m = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            if (!args.containsKey(name)) {
                throw new AssertionError("FROM uses ARG " + name + " without a default");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(args.get(name)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Lines with comments and blank lines dropped and backslash continuations joined. */
    private static List<String> logicalLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            if (!pending.toString().isBlank()) {
                lines.add(pending.toString());
            }
            pending.setLength(0);
        }
        return lines;
    }
}
