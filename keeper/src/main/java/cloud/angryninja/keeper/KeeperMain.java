package cloud.angryninja.keeper;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The packaged keeper's entry point: on a Java older than 21 it says so in one line and exits 1, where the
 * application's classes (compiled for 21) would fail to load without a word. Then it starts Quarkus as its
 * generated main does.
 *
 * <p>This one class is compiled again with {@code --release 17}, the oldest Java that Quarkus 3's launcher runs on, over
 * the class compiled for 21 (the {@code launcher-for-java-17} execution of maven-antrun-plugin in keeper/pom.xml, at
 * process-classes): it must use nothing newer.
 */
@QuarkusMain
public final class KeeperMain {

    static final int REQUIRED_JAVA = 21;

    KeeperMain() {
    }

    public static void main(String... args) {
        int feature = Runtime.version().feature();
        if (feature < REQUIRED_JAVA) {
            System.err.println("opencode-keeper needs Java " + REQUIRED_JAVA + " or newer; this is Java " + feature + " ("
                    + System.getProperty("java.home") + ")");
            System.exit(1);
        }
        Quarkus.run(args);
    }
}
