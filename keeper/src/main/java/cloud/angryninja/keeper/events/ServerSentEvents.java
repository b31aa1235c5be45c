package cloud.angryninja.keeper.events;

import java.util.Optional;

/**
 * Assembles server-sent events from the lines of a {@code text/event-stream}: {@code data:} lines
 * are joined with newlines, a blank line ends the event; comments ({@code :}), {@code event:},
 * {@code id:} and {@code retry:} lines are ignored. One instance per connection, one reader thread.
 */
final class ServerSentEvents {

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    /** Feeds one line; answers the data of an event when this line completes one. */
    Optional<String> accept(String line) {
        if (line.isEmpty()) {
            if (!hasData) {
                return Optional.empty();
            }
            String event = data.toString();
            data.setLength(0);
            hasData = false;
            return Optional.of(event);
        }
        if (line.startsWith("data:")) {
            String value = line.substring(5);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if (hasData) {
                data.append('\n');
            }
            data.append(value);
            hasData = true;
        }
        return Optional.empty();
    }
}
