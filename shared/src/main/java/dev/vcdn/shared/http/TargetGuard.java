package dev.vcdn.shared.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Refuses with 400 a request target that only makes sense as an attack: dot segments, empty
 * segments, encoded dots, slashes or backslashes, control characters. Mounted first, it looks
 * at the raw target, before the router normalizes {@code /live/a/../../x} into something else.
 */
public final class TargetGuard implements Handler<RoutingContext> {

    @Override
    public void handle(RoutingContext ctx) {
        if (isSuspicious(ctx.request().uri())) {
            ctx.fail(400);
            return;
        }
        ctx.next();
    }

    public static boolean isSuspicious(String target) {
        if (target == null || target.isEmpty() || target.charAt(0) != '/') {
            return true;
        }
        int question = target.indexOf('?');
        String path = (question < 0 ? target : target.substring(0, question)).toLowerCase(Locale.ROOT);
        if (path.contains("..") || path.contains("//") || path.contains("\\") || path.contains("%2e") || path.contains("%2f")
                || path.contains("%5c") || path.contains("%00")) {
            return true;
        }
        return target.chars().anyMatch(c -> c < 0x21 || c == 0x7f);
    }
}
