package cloud.angryninja.keeper.copilot;

/** auth.json text that holds no usable github-copilot credential. The message never quotes the input. */
public class AuthJsonException extends IllegalArgumentException {

    public AuthJsonException(String message) {
        super(message);
    }
}
