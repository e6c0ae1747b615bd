package dev.vcdn.geo.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vcdn.geo.health.EdgeChooser;
import dev.vcdn.geo.health.EdgeHealth;
import dev.vcdn.geo.health.HealthyEdge;
import dev.vcdn.geo.locate.Continents;
import dev.vcdn.geo.locate.GeoIp;
import dev.vcdn.geo.locate.RegionLocator;
import dev.vcdn.geo.testing.GeoIpDatabase;
import dev.vcdn.geo.world.World;
import dev.vcdn.geo.world.WorldConfig;
import dev.vcdn.shared.config.ConfigSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;

/**
 * Coverage-guided fuzzing of the geo-DNS server's input: any datagram or TCP message is either not
 * answered (malformed, a response, not one question) or answered with a message that parses, has
 * the query's id and question, and fits the transport's limit (512 bytes without EDNS, the offered
 * size up to 1232 with it, 65535 over TCP). The rate limiter's truncated "slip" answer likewise.
 * The first input byte picks the transport. Stored inputs run in {@code mvn test}.
 */
class DnsQueryFuzzTest {

    private static GeoIp geoIp;
    private static DnsResponder responder;

    @BeforeAll
    static void responder() throws Exception {
        World world = WorldConfig.read(ConfigSource.ofEnvironment(Map.of()));
        EdgeHealth health = new EdgeHealth();
        health.update("eu", EdgeHealth.Source.STATIC, List.of(edge("eu", "127.0.0.2")));
        health.update("na", EdgeHealth.Source.STATIC, List.of(edge("na", "::1")));
        geoIp = GeoIp.open(GeoIpDatabase.path());
        responder = new DnsResponder(Name.fromString("live.vcdn.test."), Set.of(Name.fromString("play.live.vcdn.test.")),
                Name.fromString("ns1.live.vcdn.test."), Optional.of(InetAddress.getByName("127.0.0.53")), 20, 2,
                new RegionLocator(world, Optional.of(geoIp), Continents.bundled()), new EdgeChooser(world, health), 1);
    }

    @AfterAll
    static void close() throws IOException {
        if (geoIp != null) {
            geoIp.close();
        }
    }

    private static HealthyEdge edge(String region, String ip) throws IOException {
        InetAddress address = InetAddress.getByName(ip);
        return HealthyEdge.answering(region, URI.create("http://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":8081"),
                Optional.of(address));
    }

    @FuzzTest(maxDuration = "10m")
    void query(byte[] input) throws IOException {
        if (input.length < 1) {
            return;
        }
        DnsResponder.Transport transport = (input[0] & 1) == 0 ? DnsResponder.Transport.UDP : DnsResponder.Transport.TCP;
        byte[] query = Arrays.copyOfRange(input, 1, input.length);
        Optional<byte[]> slip = DnsResponder.slip(query);
        Optional<DnsResponder.Answer> answer = responder.respond(query, InetAddress.getLoopbackAddress(), transport);
        assertThat(slip.isPresent()).as("what is answered is what a rate limit may slip").isEqualTo(answer.isPresent());
        if (answer.isEmpty()) {
            return;
        }
        Message request = new Message(query);
        byte[] wire = answer.get().wire();
        int limit = transport == DnsResponder.Transport.TCP ? DnsResponder.TCP_LIMIT
                : request.getOPT() == null ? DnsResponder.PLAIN_UDP_LIMIT
                : Math.max(DnsResponder.PLAIN_UDP_LIMIT, Math.min(request.getOPT().getPayloadSize(), DnsResponder.EDNS_UDP_LIMIT));
        assertThat(wire.length).isLessThanOrEqualTo(limit);
        Message response = new Message(wire);
        assertThat(response.getHeader().getID()).isEqualTo(request.getHeader().getID());
        assertThat(response.getSection(Section.QUESTION)).isEqualTo(request.getSection(Section.QUESTION));
        assertThat(response.getHeader().getRcode()).isEqualTo(answer.get().rcode());

        Message slipped = new Message(slip.get());
        assertThat(slip.get().length).isLessThanOrEqualTo(DnsResponder.PLAIN_UDP_LIMIT);
        assertThat(slipped.getHeader().getFlag(Flags.TC)).as("a slip says: ask again over TCP").isTrue();
        assertThat(slipped.getHeader().getID()).isEqualTo(request.getHeader().getID());
    }
}
