package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import cloud.angryninja.keeper.manifests.Tools;

/** A bare git repository on disk standing in for a workspace's GitHub repository. */
final class GitFixtures {

    private GitFixtures() {
    }

    static Tools.Result git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(Tools.require("git").toString(), "-c", "user.name=test",
                "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", "-c", "safe.directory=*"));
        command.addAll(List.of(args));
        Tools.Result r = Tools.run(command, dir, Map.of("GIT_CONFIG_NOSYSTEM", "1", "HOME", dir.toString()), false,
                Duration.ofSeconds(30));
        assertThat(r.exitCode()).as("git %s: %s", String.join(" ", args), r.stderr()).isZero();
        return r;
    }

    /** A bare repository with one commit (README.md), ready to be served over dumb HTTP too. */
    static Path bareRepository(Path root) {
        try {
            Path work = root.resolve("work");
            Files.createDirectories(work);
            git(work, "init", "-q");
            Files.writeString(work.resolve("README.md"), "workspace repository\n");
            git(work, "add", "README.md");
            git(work, "commit", "-q", "-m", "first");
            Path bare = root.resolve("repo.git");
            git(root, "clone", "-q", "--bare", work.toString(), bare.toString());
            git(bare, "update-server-info");
            return bare;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a commit to the bare repository (through its work clone) and returns the new HEAD. */
    static String commit(Path root, String file) {
        try {
            Path work = root.resolve("work");
            Files.writeString(work.resolve(file), file + "\n");
            git(work, "add", file);
            git(work, "commit", "-q", "-m", "add " + file);
            git(work, "push", "-q", root.resolve("repo.git").toString(), "HEAD:main");
            git(root.resolve("repo.git"), "update-server-info");
            return head(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String head(Path repo) {
        return git(repo, "rev-parse", "HEAD").stdout().strip();
    }
}
