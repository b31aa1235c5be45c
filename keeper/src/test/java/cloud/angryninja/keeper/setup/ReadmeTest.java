package cloud.angryninja.keeper.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.testing.Tier;

/**
 * README.md as it is at test time: every relative link (into docs/ or elsewhere) resolves to a file or folder of the
 * repository, and every repository command its code blocks run ({@code ./mvnw}, {@code scripts/...}) exists and is
 * executable. The same for the links of every file in docs/.
 */
@Tier.Unit
class ReadmeTest {

    static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    static final Pattern COMMAND = Pattern.compile("(?:^|[\\s;&|(=`])((?:\\./)?(?:mvnw|scripts/[A-Za-z0-9._-]+|\\.ci/run))(?=$|[\\s;&|)`])");

    @Test
    void everyRelativeLinkOfTheReadmeAndDocsResolves() throws Exception {
        List<Path> pages = new ArrayList<>(List.of(Repo.path("README.md")));
        try (Stream<Path> docs = Files.list(Repo.path("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> dead = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            for (String target : relativeLinks(Repo.read(page))) {
                checked++;
                Path file = page.getParent().resolve(target).normalize();
                if (!file.startsWith(Repo.root()) || !Files.exists(file)) {
                    dead.add(Repo.root().relativize(page) + " -> " + target);
                }
            }
        }
        assertThat(checked).as("relative links found in README.md and docs/").isPositive();
        assertThat(dead).as("dead relative links").isEmpty();
    }

    @Test
    void theReadmeLinksIntoDocs() {
        assertThat(relativeLinks(Repo.read(Repo.path("README.md")))).as("README.md's links").anyMatch(l -> l.startsWith("docs/"));
    }

    @Test
    void everyRepositoryCommandTheReadmeRunsExists() {
        Set<String> commands = new LinkedHashSet<>();
        for (String line : codeLines(Repo.read(Repo.path("README.md")))) {
            Matcher m = COMMAND.matcher(line.replaceAll("#.*$", ""));
            while (m.find()) {
                commands.add(m.group(1).replaceFirst("^\\./", ""));
            }
        }
        assertThat(commands).as("repository commands in README.md's code blocks").contains("mvnw");
        for (String command : commands) {
            Path file = Repo.path(command);
            assertThat(file).as("README.md runs " + command).exists();
            assertThat(Files.isExecutable(file)).as(command + " is executable").isTrue();
        }
    }

    /** The link targets that are paths in the repository: no scheme, no mail, no in-page anchor; the anchor dropped. */
    static List<String> relativeLinks(String markdown) {
        List<String> out = new ArrayList<>();
        Matcher m = LINK.matcher(markdown);
        while (m.find()) {
            String target = m.group(1);
            if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || target.startsWith("#")) {
                continue;
            }
            out.add(target.replaceFirst("#.*$", ""));
        }
        return out;
    }

    /** The lines inside fenced code blocks. */
    static List<String> codeLines(String markdown) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : markdown.lines().toList()) {
            if (line.strip().startsWith("```")) {
                in = !in;
            } else if (in) {
                out.add(line);
            }
        }
        return out;
    }
}
