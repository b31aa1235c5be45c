package cloud.angryninja.keeper.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenCode versions the keeper can judge ({@code keeper.probe.supported-versions}): constraints
 * separated by spaces, all of which must hold, each an operator ({@code >=}, {@code >}, {@code <=},
 * {@code <}, {@code =}) and a dotted version ({@code 1.18}, {@code 2}); missing parts count as 0,
 * a pre-release or build suffix ({@code -beta}, {@code +x}) is ignored. Default {@code >=1.18 <2}.
 */
public record VersionRange(String text, List<Constraint> constraints) {

    private static final Pattern CONSTRAINT = Pattern.compile("(>=|<=|>|<|=)(\\d+(?:\\.\\d+)*)");
    private static final Pattern VERSION = Pattern.compile("v?(\\d+(?:\\.\\d+)*)([-+].*)?");

    /** One comparison with a version. */
    public record Constraint(String operator, List<Integer> version) {
        boolean holds(List<Integer> v) {
            int c = compare(v, version);
            return switch (operator) {
                case ">=" -> c >= 0;
                case ">" -> c > 0;
                case "<=" -> c <= 0;
                case "<" -> c < 0;
                default -> c == 0;
            };
        }
    }

    public VersionRange {
        constraints = List.copyOf(constraints);
    }

    /** Parses the range; a clear {@link IllegalArgumentException} for anything else. */
    public static VersionRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the supported version range is empty; write e.g. \">=1.18 <2\"");
        }
        List<Constraint> out = new ArrayList<>();
        for (String part : text.trim().split("\\s+")) {
            Matcher m = CONSTRAINT.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("\"" + part + "\" is not a version constraint; write an operator (>=, >, <=, <, =)"
                        + " and a version, e.g. \">=1.18 <2\"");
            }
            out.add(new Constraint(m.group(1), numbers(m.group(2))));
        }
        return new VersionRange(text.trim(), out);
    }

    /** Why {@code text} is not a range ({@link #parse}'s message), or empty when it is one. */
    public static Optional<String> problem(String text) {
        try {
            parse(text);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Whether the version OpenCode reports is in the range; a version that is not dotted numbers is not. */
    public boolean contains(String version) {
        Matcher m = VERSION.matcher(version.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return false;
        }
        List<Integer> v = numbers(m.group(1));
        return constraints.stream().allMatch(c -> c.holds(v));
    }

    private static List<Integer> numbers(String dotted) {
        List<Integer> n = new ArrayList<>();
        for (String p : dotted.split("\\.")) {
            try {
                n.add(Integer.parseInt(p));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("version part \"" + p + "\" is too large");
            }
        }
        return List.copyOf(n);
    }

    static int compare(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            int x = i < a.size() ? a.get(i) : 0;
            int y = i < b.size() ? b.get(i) : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
