package cloud.angryninja.keeper.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where a secret shows up: process arguments and environments (what `ps` and /proc show), files. */
final class SecretScan {

    private SecretScan() {
    }

    /** Processes whose command line or environment holds the secret, as "pid N cmdline|environ". */
    static List<String> processesHolding(String secret) {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        List<String> hits = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(proc -> {
                for (String part : List.of("cmdline", "environ")) {
                    try {
                        if (indexOf(Files.readAllBytes(proc.resolve(part)), needle) >= 0) {
                            hits.add("pid " + proc.getFileName() + " " + part);
                        }
                    } catch (IOException | SecurityException e) {
                        // the process ended meanwhile, or is not ours to read
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hits;
    }

    /** Files under {@code root} whose content holds the secret. */
    static List<Path> filesHolding(Path root, String secret) {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return indexOf(Files.readAllBytes(f), needle) >= 0;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
