package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import cloud.angryninja.keeper.manifests.Tools;

/**
 * Folders standing in for the filesystems of the workspace pod's two images, for what the tests
 * run in them (no image can be pulled here):
 * <ul>
 * <li>{@code alpine/git} (the init container): busybox applets in /bin, git in /usr/bin, its helpers
 * at /usr/libexec/git-core (Alpine's exec path, not Debian's /usr/lib/git-core), the templates at
 * /usr/share/git-core/templates, and {@code ldd} as musl's is (the loader's {@code --list}). Built
 * from this machine's Debian git; its libraries stay where the system has them (/lib/...), as
 * Alpine's stay in /lib and /usr/lib.</li>
 * <li>{@code ghcr.io/anomalyco/opencode} (the server container): busybox applets (/bin/sh),
 * ripgrep in /usr/bin and opencode in /usr/local/bin. No git: that is the point.</li>
 * </ul>
 * The machine is glibc, the images musl: what is proven here is the layout and the copying, not
 * that Alpine's git runs against the OpenCode image's musl (docs/workspace-git.md).
 */
final class ImageLayouts {

    private ImageLayouts() {
    }

    /** The alpine/git stand-in under {@code root}. */
    static Path alpineGit(Path root) {
        Path git = Tools.require("git");
        Path execPath = Path.of(run(List.of(git.toString(), "--exec-path")).strip());
        Path usr = root.resolve("usr");
        mkdirs(usr.resolve("bin"), usr.resolve("libexec"), usr.resolve("share/git-core"));
        busyboxApplets(root.resolve("bin"));
        copy(git, usr.resolve("bin/git"));
        copy(execPath, usr.resolve("libexec/git-core"));
        copy(execPath.resolveSibling("..").resolve("share/git-core/templates").normalize(), usr.resolve("share/git-core/templates"));
        // musl's ldd is `exec /lib/ld-musl-x86_64.so.1 --list "$@"`; glibc's loader has the same option.
        write(usr.resolve("bin/ldd"), "#!/bin/sh\nexec " + loader(git) + " --list \"$@\"\n");
        return root;
    }

    /**
     * The environment the alpine/git image gives the init container: its PATH, and GIT_EXEC_PATH
     * standing in for Alpine's compiled-in exec path (Debian's git has /usr/lib/git-core built in).
     */
    static Map<String, String> alpineGitEnv(Path root) {
        return Map.of("PATH", root.resolve("usr/bin") + ":" + root.resolve("bin"),
                "GIT_EXEC_PATH", root.resolve("usr/libexec/git-core").toString());
    }

    /**
     * The OpenCode image stand-in under {@code root}: busybox applets, ripgrep and the OpenCode binary the tests run
     * (at /usr/local/bin/opencode, on the image's PATH), nothing else.
     */
    static Path openCodeImage(Path root) {
        busyboxApplets(root.resolve("bin"));
        mkdirs(root.resolve("usr/bin"), root.resolve("usr/local/bin"), root.resolve("sbin"), root.resolve("usr/sbin"),
                root.resolve("usr/local/sbin"));
        link(root.resolve("usr/bin/rg"), Tools.require("rg"));
        link(root.resolve("usr/local/bin/opencode"), cloud.angryninja.keeper.sandbox.OpenCodeInstall.require());
        return root;
    }

    private static void busyboxApplets(Path bin) {
        Path busybox = Tools.require("busybox");
        mkdirs(bin);
        for (String applet : run(List.of(busybox.toString(), "--list")).lines().map(String::strip).filter(a -> !a.isEmpty()).toList()) {
            assertThat(applet).as("busybox applets").isNotEqualTo("git");
            link(bin.resolve(applet), busybox);
        }
        assertThat(bin.resolve("sh")).exists();
    }

    /** The loader the binary names (its PT_INTERP), as ldd reports it. */
    private static String loader(Path binary) {
        Matcher m = Pattern.compile("(?m)^\\s*(/\\S*ld-\\S+)\\s").matcher(run(List.of("ldd", binary.toString())));
        assertThat(m.find()).as("the loader of %s", binary).isTrue();
        return m.group(1);
    }

    private static void copy(Path from, Path to) {
        assertThat(from).exists();
        Tools.Result r = Tools.run(List.of(Tools.require("busybox").toString(), "cp", "-a", from.toString(), to.toString()), null, Map.of(),
                false, Duration.ofSeconds(60));
        assertThat(r.exitCode()).as("cp -a %s %s: %s", from, to, r.output()).isZero();
    }

    private static String run(List<String> command) {
        Tools.Result r = Tools.run(command, null, Map.of(), false, Duration.ofSeconds(30));
        assertThat(r.exitCode()).as("%s: %s", command, r.output()).isZero();
        return r.stdout();
    }

    private static void link(Path link, Path target) {
        try {
            Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mkdirs(Path... dirs) {
        try {
            for (Path d : dirs) {
                Files.createDirectories(d);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
