package dev.vcdn.origin.ingest.srt;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SocketAddress;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SrtCookiesTest {

    private final SrtCookies cookies = new SrtCookies(new SecureRandom());

    @Test
    void aCookieHoldsOnlyForTheAddressItWasMadeFor() {
        SocketAddress caller = SocketAddress.inetSocketAddress(40000, "192.0.2.7");
        int cookie = cookies.current(caller);
        assertThat(cookies.valid(caller, cookie)).isTrue();
        assertThat(cookies.valid(SocketAddress.inetSocketAddress(40001, "192.0.2.7"), cookie)).as("other port").isFalse();
        assertThat(cookies.valid(SocketAddress.inetSocketAddress(40000, "192.0.2.8"), cookie)).as("other host").isFalse();
        assertThat(cookies.valid(caller, cookie + 1)).as("made up").isFalse();
        assertThat(new SrtCookies(new SecureRandom()).valid(caller, cookie)).as("another listener's secret").isFalse();
    }
}
