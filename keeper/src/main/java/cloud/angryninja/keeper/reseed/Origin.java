package cloud.angryninja.keeper.reseed;

import java.util.Optional;

/**
 * Who asked for a reseed, as its reply and audit line name it ({@code source}), and the workspace that already holds
 * the credential, if any: an adopted credential is not put back into the workspace that reported it.
 *
 * @param source {@code api} ({@code POST /reseed}), {@code login} ({@code POST /login}) or {@code workspace} (an adoption)
 * @param holder the workspace the credential came from
 */
public record Origin(String source, Optional<String> holder) {

    /** {@code POST /reseed}. */
    public static final Origin API = new Origin("api", Optional.empty());

    /** {@code POST /login}. */
    public static final Origin LOGIN = new Origin("login", Optional.empty());

    /** The adoption of a credential {@code workspace} reported. */
    public static Origin workspace(String workspace) {
        return new Origin("workspace", Optional.of(workspace));
    }

    /** Whether {@code workspace} already holds the credential. */
    public boolean holds(String workspace) {
        return holder.filter(workspace::equals).isPresent();
    }
}
