package cloud.angryninja.keeper.manifests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository the tests run in: its root (the folder holding k8s/) and its files. */
public final class Repo {

    private Repo() {
    }

    /** The nearest folder at or above the working directory that holds {@code k8s/}. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("k8s"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new AssertionError("no k8s/ folder above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** A path relative to the repository root. */
    public static Path path(String relative) {
        return root().resolve(relative);
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
