package cloud.angryninja.keeper.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Maven Central as a loopback stand-in for a build that must not reach the network: serves this
 * machine's local repository ({@code ~/.m2/repository}) with the remote layout, and the Maven
 * distribution mvnw downloads (zipped from the one mvnw unpacked under {@code ~/.m2/wrapper}).
 * A local repository names its metadata {@code maven-metadata-central.xml}; it is served as
 * {@code maven-metadata.xml}. Records what was asked for and what was missing, so a test can say
 * why a build failed.
 */
public final class LocalMavenMirror implements AutoCloseable {

    private static final Path M2 = Path.of(System.getProperty("user.home"), ".m2");

    private final HttpServer server;
    private final Path repository;
    private final Set<String> served = new ConcurrentSkipListSet<>();
    private final Set<String> missing = new ConcurrentSkipListSet<>();

    private LocalMavenMirror(HttpServer server, Path repository) {
        this.server = server;
        this.repository = repository;
    }

    /** Serves {@code ~/.m2/repository} on a free port of 127.0.0.1. */
    public static LocalMavenMirror start() throws IOException {
        Path repository = M2.resolve("repository");
        if (!Files.isDirectory(repository)) {
            throw new IllegalStateException(repository + " is missing: ./mvnw fills it on the first build");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64); // its own free port: no window
        LocalMavenMirror mirror = new LocalMavenMirror(server, repository);
        server.createContext("/maven2/", mirror::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return mirror;
    }

    /** The base URL, the same shape as {@code https://repo.maven.apache.org/maven2}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/maven2";
    }

    /** A settings.xml making this mirror the mirror of every repository. */
    public String settingsXml() {
        return """
                <settings>
                  <mirrors>
                    <mirror>
                      <id>loopback</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(url());
    }

    /** Paths answered 200, relative to the repository root. */
    public Set<String> served() {
        return new TreeSet<>(served);
    }

    /** Paths asked for and answered 404 (other than checksums and metadata, which Maven asks for speculatively). */
    public Set<String> missing() {
        return new TreeSet<>(missing);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String relative = exchange.getRequestURI().getPath().substring("/maven2/".length());
            Path file = repository.resolve(relative).normalize();
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            if (!file.startsWith(repository) || relative.contains("..")) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            if (file.getFileName().toString().equals("maven-metadata.xml")) {
                file = file.resolveSibling("maven-metadata-central.xml");
            }
            byte[] body;
            if (Files.isRegularFile(file)) {
                body = Files.readAllBytes(file);
            } else if (relative.matches("org/apache/maven/apache-maven/[^/]+/apache-maven-[^/]+-bin\\.zip")) {
                body = wrapperDistribution(relative.replaceAll(".*/(apache-maven-[^/]+)-bin\\.zip", "$1"));
            } else {
                body = null;
            }
            if (body == null) {
                if (!relative.matches(".*\\.(sha1|md5|sha256|sha512|asc)$") && !relative.endsWith("maven-metadata.xml")) {
                    missing.add(relative);
                }
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            served.add(relative);
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /**
     * The distribution mvnw unpacked (~/.m2/wrapper/dists/NAME/HASH/), zipped again under NAME/ with
     * its POSIX permissions (bin/mvn must stay executable); null when absent.
     */
    private static byte[] wrapperDistribution(String name) throws IOException {
        Path dists = M2.resolve("wrapper/dists").resolve(name);
        if (!Files.isDirectory(dists)) {
            return null;
        }
        List<Path> homes;
        try (Stream<Path> list = Files.list(dists)) {
            homes = list.filter(p -> Files.isDirectory(p.resolve("bin"))).toList();
        }
        if (homes.isEmpty()) {
            return null;
        }
        Path home = homes.getFirst();
        Path zipFile = Files.createTempFile(name, ".zip");
        Files.delete(zipFile);
        try {
            try (FileSystem zip = FileSystems.newFileSystem(zipFile, Map.of("create", "true", "enablePosixFileAttributes", "true"));
                    Stream<Path> walk = Files.walk(home)) {
                for (Path p : walk.sorted().toList()) {
                    if (p.getFileName().toString().equals("mvnw.url")) {
                        continue;
                    }
                    Path target = zip.getPath(name, home.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(p));
                }
            }
            return Files.readAllBytes(zipFile);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            Files.deleteIfExists(zipFile);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
