package dev.vcdn.geo.dns;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class DnsResponderTest {

    private static final InetAddress RESOLVER = address("127.0.0.1");
    private static GeoIp geoIp;
    private static DnsResponder responder;
    private static EdgeHealth health;

    @BeforeAll
    static void world() throws Exception {
        geoIp = GeoIp.open(GeoIpDatabase.path());
        World world = WorldConfig.read(ConfigSource.ofEnvironment(Map.of()));
        health = new EdgeHealth();
        health.update("eu", EdgeHealth.Source.STATIC, List.of(edge("eu", "127.0.0.2")));
        health.update("na", EdgeHealth.Source.STATIC, List.of(edge("na", "127.0.0.3")));
        responder = new DnsResponder(Name.fromString("live.vcdn.test."), Set.of(), Name.fromString("ns1.live.vcdn.test."),
                Optional.of(address("127.0.0.53")), 20, 2,
                new RegionLocator(world, Optional.of(geoIp), Continents.bundled()), new EdgeChooser(world, health), 1);
    }

    @AfterAll
    static void close() throws Exception {
        if (geoIp != null) {
            geoIp.close();
        }
    }

    private static HealthyEdge edge(String region, String ip) {
        return HealthyEdge.answering(region, URI.create("http://" + ip + ":8081"), Optional.of(address(ip)));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] query(String name, int type, Optional<ClientSubnetOption> subnet, int udpSize) throws Exception {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        if (udpSize > 0) {
            query.addRecord(new OPTRecord(udpSize, 0, 0, 0, subnet.map(s -> List.<EDNSOption>of(s)).orElse(List.of())),
                    Section.ADDITIONAL);
        }
        return query.toWire();
    }

    private static Message ask(byte[] query, DnsResponder.Transport transport) throws Exception {
        return new Message(responder.respond(query, RESOLVER, transport).orElseThrow().wire());
    }

    private static List<String> addresses(Message answer) {
        return answer.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
    }

    @Test
    void clientSubnetPicksTheRegionAndIsEchoedWithItsScope() throws Exception {
        Message eu = ask(query("live.vcdn.test.", Type.A, Optional.of(new ClientSubnetOption(24, address("193.0.6.0"))), 1232),
                DnsResponder.Transport.UDP);
        assertThat(eu.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(eu.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(addresses(eu)).containsExactly("127.0.0.2");
        ClientSubnetOption echoed = (ClientSubnetOption) eu.getOPT().getOptions(EDNSOption.Code.CLIENT_SUBNET).get(0);
        assertThat(echoed.getSourcePrefixLength()).isEqualTo(24);
        assertThat(echoed.getScopePrefixLength()).isEqualTo(24);
        assertThat(echoed.getAddress()).isEqualTo(address("193.0.6.0"));

        Message na = ask(query("live.vcdn.test.", Type.A, Optional.of(new ClientSubnetOption(24, address("8.8.8.0"))), 1232),
                DnsResponder.Transport.UDP);
        assertThat(addresses(na)).containsExactly("127.0.0.3");
        Message noSubnet = ask(query("live.vcdn.test.", Type.A, Optional.empty(), 0), DnsResponder.Transport.UDP);
        assertThat(addresses(noSubnet)).as("the resolver's own (private) address: default region").containsExactly("127.0.0.2");
    }

    @Test
    void aRegionWithoutHealthyEdgesFallsBack() throws Exception {
        Message brazil = ask(query("live.vcdn.test.", Type.A, Optional.of(new ClientSubnetOption(24, address("200.160.2.0"))), 1232),
                DnsResponder.Transport.UDP);
        assertThat(addresses(brazil)).as("sa has none: its first fallback is na").containsExactly("127.0.0.3");
    }

    @Test
    void theApexHasSoaAndNsAndOtherNamesAreNxdomain() throws Exception {
        Message soa = ask(query("live.vcdn.test.", Type.SOA, Optional.empty(), 0), DnsResponder.Transport.UDP);
        assertThat(soa.getSection(Section.ANSWER)).singleElement().satisfies(r -> assertThat(r.getType()).isEqualTo(Type.SOA));
        Message ns = ask(query("live.vcdn.test.", Type.NS, Optional.empty(), 0), DnsResponder.Transport.UDP);
        assertThat(addresses(ns)).containsExactly("ns1.live.vcdn.test.");
        assertThat(addresses(ask(query("ns1.live.vcdn.test.", Type.A, Optional.empty(), 0), DnsResponder.Transport.UDP)))
                .containsExactly("127.0.0.53");
        Message missing = ask(query("nope.live.vcdn.test.", Type.A, Optional.empty(), 0), DnsResponder.Transport.UDP);
        assertThat(missing.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(missing.getSection(Section.AUTHORITY)).singleElement().satisfies(r -> assertThat(r.getType()).isEqualTo(Type.SOA));
        Message v6 = ask(query("live.vcdn.test.", Type.AAAA, Optional.empty(), 0), DnsResponder.Transport.UDP);
        assertThat(v6.getRcode()).as("no IPv6 edge: NODATA").isEqualTo(Rcode.NOERROR);
        assertThat(v6.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void namesOutsideTheZoneAreRefusedNeverResolved() throws Exception {
        for (String name : new String[] {"example.com.", "vcdn.test.", "evil-live.vcdn.test."}) {
            Message refused = ask(query(name, Type.A, Optional.empty(), 0), DnsResponder.Transport.UDP);
            assertThat(refused.getRcode()).as(name).isEqualTo(Rcode.REFUSED);
            assertThat(refused.getSection(Section.ANSWER)).isEmpty();
        }
    }

    @Test
    void malformedPacketsAndResponsesGetNoAnswer() throws Exception {
        assertThat(responder.respond(new byte[] {1, 2, 3}, RESOLVER, DnsResponder.Transport.UDP)).isEmpty();
        assertThat(responder.respond(new byte[0], RESOLVER, DnsResponder.Transport.UDP)).isEmpty();
        byte[] response = ask(query("live.vcdn.test.", Type.A, Optional.empty(), 0), DnsResponder.Transport.UDP).toWire();
        assertThat(responder.respond(response, RESOLVER, DnsResponder.Transport.UDP)).as("a response is never answered").isEmpty();
        byte[] truncatedQuery = java.util.Arrays.copyOf(query("live.vcdn.test.", Type.A, Optional.empty(), 0), 20);
        assertThat(responder.respond(truncatedQuery, RESOLVER, DnsResponder.Transport.UDP)).isEmpty();
    }

    @Test
    void anAnswerTooBigForUdpIsTruncatedAndWholeOverTcp() throws Exception {
        World world = WorldConfig.read(ConfigSource.ofEnvironment(Map.of()));
        EdgeHealth many = new EdgeHealth();
        List<HealthyEdge> edges = new ArrayList<>();
        for (int i = 1; i <= 16; i++) {
            edges.add(HealthyEdge.answering("eu", URI.create("http://2001:db8::" + i), Optional.of(address("2001:db8::" + i))));
        }
        many.update("eu", EdgeHealth.Source.STATIC, edges);
        DnsResponder big = new DnsResponder(Name.fromString("a-rather-long-zone-name-for-a-big-answer.vcdn.test."), Set.of(),
                Name.fromString("ns1.vcdn.test."), Optional.empty(), 20, 16,
                new RegionLocator(world, Optional.empty(), Continents.bundled()), new EdgeChooser(world, many), 1);
        byte[] question = query("a-rather-long-zone-name-for-a-big-answer.vcdn.test.", Type.AAAA, Optional.empty(), 0);
        DnsResponder.Answer udp = big.respond(question, RESOLVER, DnsResponder.Transport.UDP).orElseThrow();
        assertThat(udp.truncated()).isTrue();
        assertThat(udp.wire().length).isLessThanOrEqualTo(512);
        assertThat(new Message(udp.wire()).getHeader().getFlag(Flags.TC)).isTrue();
        DnsResponder.Answer tcp = big.respond(question, RESOLVER, DnsResponder.Transport.TCP).orElseThrow();
        assertThat(tcp.truncated()).isFalse();
        assertThat(new Message(tcp.wire()).getSection(Section.ANSWER)).hasSize(16);
    }

    @Test
    void aFloodFromOnePrefixIsCutAndSlipsTruncatedAnswers() {
        AtomicLong now = new AtomicLong();
        ResponseRateLimiter limiter = new ResponseRateLimiter(10, now::get);
        InetAddress victim = address("198.51.100.7");
        int answered = 0;
        int slipped = 0;
        for (int i = 0; i < 100; i++) {
            switch (limiter.check(i % 2 == 0 ? victim : address("198.51.100.200"))) {
                case ANSWER -> answered++;
                case SLIP -> slipped++;
                default -> { }
            }
        }
        assertThat(answered).as("one /24 shares one bucket").isEqualTo(10);
        assertThat(slipped).isEqualTo(45);
        assertThat(limiter.check(address("203.0.113.1"))).as("another prefix").isEqualTo(ResponseRateLimiter.Verdict.ANSWER);
        now.addAndGet(1_000_000_000L);
        assertThat(limiter.check(victim)).as("refilled after a second").isEqualTo(ResponseRateLimiter.Verdict.ANSWER);
    }
}
