package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.testing.Tier;

/**
 * The emulated CPU the release workflow starts the native executable on before it pushes the image
 * ({@code scripts/release/on-nehalem}: qemu-x86_64 -cpu Nehalem) can tell a good build from a bad one: its CPUID
 * reports every feature of x86-64-v2, the level the native build targets (keeper/pom.xml), and none of those x86-64-v3 adds,
 * Mandrel's default (features as GraalVM's CPUTypeAMD64 lists them); an AVX2 instruction stops there with SIGILL, as
 * an executable built for x86-64-v3 would be refused. The same probes on qemu's Haswell model show the features and
 * run the instruction: the probes themselves work. gcc builds the probes; no native image is built here.
 */
@Tier.Integration
class CpuBaselineTest {

    /** x86-64-v2's features beyond x86-64 (GraalVM: POPCNT, SSE3, SSE4_1, SSE4_2, SSSE3), as gcc names them. */
    static final List<String> V2 = List.of("popcnt", "sse3", "sse4.1", "sse4.2", "ssse3");
    /** Some of what x86-64-v3 adds (GraalVM: AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT), as gcc names them. */
    static final List<String> V3 = List.of("avx", "avx2", "bmi", "bmi2", "fma");
    static final int SIGILL = 4;

    @TempDir
    Path dir;

    @Test
    void nehalemRunsWhatX8664V2NeedsAndRefusesAvx2() throws Exception {
        assertThat(Repo.read(Repo.root().resolve("keeper/pom.xml"))).contains("-march=x86-64-v2");
        Path probe = compile("features", featuresProgram());
        Path avx2 = compile("avx2", "int main(void) { __asm__ volatile(\"vpxor %%ymm0, %%ymm0, %%ymm0\" ::: \"xmm0\"); return 0; }\n");
        String onNehalem = Repo.root().resolve("scripts/release/on-nehalem").toString();

        Map<String, Boolean> nehalem = features(run(List.of(onNehalem, probe.toString())));
        V2.forEach(f -> assertThat(nehalem).as("Nehalem has %s", f).containsEntry(f, true));
        V3.forEach(f -> assertThat(nehalem).as("Nehalem lacks %s", f).containsEntry(f, false));
        Tools.Result refused = Tools.run(List.of(onNehalem, avx2.toString()), dir, Map.of(), false, Duration.ofSeconds(60));
        assertThat(refused.exitCode()).as("an AVX2 instruction on Nehalem: %s", refused.output()).isEqualTo(128 + SIGILL);

        String qemu = Tools.require("qemu-x86_64").toString();
        Map<String, Boolean> haswell = features(run(List.of(qemu, "-cpu", "Haswell", probe.toString())));
        V3.forEach(f -> assertThat(haswell).as("Haswell has %s", f).containsEntry(f, true));
        assertThat(run(List.of(qemu, "-cpu", "Haswell", avx2.toString()))).as("the AVX2 probe on Haswell").isNotNull();
    }

    private Path compile(String name, String source) throws Exception {
        Path c = dir.resolve(name + ".c");
        Files.writeString(c, source);
        Path binary = dir.resolve(name);
        String gcc = Tools.require("gcc").toString();
        Tools.Result r = Tools.run(List.of(gcc, "-O1", "-o", binary.toString(), c.toString()), dir, Map.of(), false, Duration.ofSeconds(60));
        assertThat(r.exitCode()).as("gcc %s: %s", name, r.output()).isZero();
        return binary;
    }

    private String run(List<String> command) {
        Tools.Result r = Tools.run(command, dir, Map.of(), false, Duration.ofSeconds(60));
        assertThat(r.exitCode()).as("%s: %s", command, r.output()).isZero();
        return r.stdout();
    }

    /** A C program printing, per feature, name=0 or name=1 as the CPU's CPUID reports it. */
    private static String featuresProgram() {
        StringBuilder c = new StringBuilder("#include <stdio.h>\nint main(void) {\n  __builtin_cpu_init();\n");
        for (String f : concat()) {
            c.append("  printf(\"").append(f).append("=%d\\n\", !!__builtin_cpu_supports(\"").append(f).append("\"));\n");
        }
        return c.append("  return 0;\n}\n").toString();
    }

    private static List<String> concat() {
        return java.util.stream.Stream.concat(V2.stream(), V3.stream()).toList();
    }

    private static Map<String, Boolean> features(String output) {
        Map<String, Boolean> found = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^([a-z0-9.]+)=([01])$").matcher(output);
        while (m.find()) {
            found.put(m.group(1), m.group(2).equals("1"));
        }
        assertThat(found.keySet()).as("features the probe printed").containsExactlyElementsOf(concat());
        return found;
    }
}
