package dev.vcdn.geo.dns;

import dev.vcdn.geo.health.EdgeChooser;
import dev.vcdn.geo.health.HealthyEdge;
import dev.vcdn.geo.locate.RegionLocator;
import dev.vcdn.geo.world.Region;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The geo-DNS as a function from a query to its answer. Authoritative for one zone only:
 * SOA and NS at the apex, A/AAAA with the healthy edges nearest the client (located by EDNS
 * Client Subnet when present, echoed with its scope, else by the resolver's address), NXDOMAIN
 * for other names in the zone, REFUSED for everything outside it (never an open resolver).
 * Malformed packets and responses get no answer. UDP answers larger than the client takes are
 * truncated with TC so that it retries over TCP. Pure computation: safe on an event loop.
 */
public final class DnsResponder {

    public enum Transport {
        UDP,
        TCP
    }

    /** What a query got, for metrics. */
    public record Answer(byte[] wire, int rcode, boolean truncated) {
    }

    static final int PLAIN_UDP_LIMIT = 512;
    /** The EDNS buffer size we offer and accept at most: no IP fragmentation (DNS flag day 2020). */
    static final int EDNS_UDP_LIMIT = 1232;
    static final int TCP_LIMIT = 65_535;
    /** The answer for a location holds for the client's /24 (IPv4) or /56 (IPv6) at most. */
    static final int IPV4_SCOPE = 24;
    static final int IPV6_SCOPE = 56;

    private final Name zone;
    private final Set<Name> serviceNames;
    private final Name nameserver;
    private final Optional<InetAddress> nameserverAddress;
    private final long ttlSeconds;
    private final int addressesPerAnswer;
    private final RegionLocator locator;
    private final EdgeChooser chooser;
    private final SOARecord soa;

    /**
     * @param serviceNames      names in the zone, besides the apex, that answer with edges
     * @param nameserver        the name served in NS at the apex
     * @param nameserverAddress its address, served as A/AAAA of that name when it is in the zone
     */
    public DnsResponder(Name zone, Set<Name> serviceNames, Name nameserver, Optional<InetAddress> nameserverAddress,
                        long ttlSeconds, int addressesPerAnswer, RegionLocator locator, EdgeChooser chooser, long serial) {
        this.zone = zone;
        this.serviceNames = Set.copyOf(serviceNames);
        this.nameserver = nameserver;
        this.nameserverAddress = nameserverAddress;
        this.ttlSeconds = ttlSeconds;
        this.addressesPerAnswer = addressesPerAnswer;
        this.locator = locator;
        this.chooser = chooser;
        Name admin = Name.fromConstantString("hostmaster." + zone);
        this.soa = new SOARecord(zone, DClass.IN, ttlSeconds, nameserver, admin, serial, 3600, 600, 86_400, ttlSeconds);
    }

    public Optional<Answer> respond(byte[] query, InetAddress client, Transport transport) {
        Message request;
        try {
            request = new Message(query);
        } catch (IOException | RuntimeException malformed) {
            return Optional.empty();
        }
        Header header = request.getHeader();
        List<Record> questions = request.getSection(Section.QUESTION);
        if (header.getFlag(Flags.QR) || questions.size() != 1) {
            return Optional.empty();
        }
        Record question = questions.get(0);
        Message response = new Message(header.getID());
        response.getHeader().setFlag(Flags.QR);
        if (header.getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.addRecord(question, Section.QUESTION);

        OPTRecord opt = request.getOPT();
        Optional<ClientSubnetOption> subnet = opt == null ? Optional.empty() : opt.getOptions(EDNSOption.Code.CLIENT_SUBNET)
                .stream().filter(ClientSubnetOption.class::isInstance).map(ClientSubnetOption.class::cast).findFirst();
        boolean located = false;
        if (header.getOpcode() != Opcode.QUERY) {
            response.getHeader().setRcode(Rcode.NOTIMP);
        } else if (question.getDClass() != DClass.IN || !question.getName().subdomain(zone)) {
            response.getHeader().setRcode(Rcode.REFUSED);
        } else {
            response.getHeader().setFlag(Flags.AA);
            located = answer(response, question, subnet.filter(s -> s.getSourcePrefixLength() > 0)
                    .map(ClientSubnetOption::getAddress).orElse(client));
        }
        boolean dependsOnLocation = located;
        if (opt != null) {
            List<EDNSOption> options = subnet.map(s -> List.<EDNSOption>of(new ClientSubnetOption(s.getSourcePrefixLength(),
                    dependsOnLocation ? scope(s) : 0, s.getAddress()))).orElse(List.of());
            response.addRecord(new OPTRecord(EDNS_UDP_LIMIT, 0, 0, 0, options), Section.ADDITIONAL);
        }
        int limit = transport == Transport.TCP ? TCP_LIMIT
                : opt == null ? PLAIN_UDP_LIMIT : Math.max(PLAIN_UDP_LIMIT, Math.min(opt.getPayloadSize(), EDNS_UDP_LIMIT));
        byte[] wire = response.toWire(limit);
        boolean truncated = (wire[2] & 0x02) != 0;
        return Optional.of(new Answer(wire, response.getHeader().getRcode(), truncated));
    }

    /** The bare truncated answer a rate-limited query gets now and then: the resolver retries over TCP. */
    public static Optional<byte[]> slip(byte[] query) {
        try {
            Message request = new Message(query);
            List<Record> questions = request.getSection(Section.QUESTION);
            if (request.getHeader().getFlag(Flags.QR) || questions.size() != 1) {
                return Optional.empty();
            }
            Message response = new Message(request.getHeader().getID());
            response.getHeader().setFlag(Flags.QR);
            response.getHeader().setFlag(Flags.TC);
            response.addRecord(questions.get(0), Section.QUESTION);
            return Optional.of(response.toWire());
        } catch (IOException | RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /** Fills in a question about the zone; true when the answer depends on where the client is. */
    private boolean answer(Message response, Record question, InetAddress locateBy) {
        Name name = question.getName();
        int type = question.getType();
        boolean served = name.equals(zone) || serviceNames.contains(name);
        if (name.equals(zone) && type == Type.SOA) {
            response.addRecord(soa, Section.ANSWER);
            return false;
        }
        if (name.equals(zone) && type == Type.NS) {
            response.addRecord(new NSRecord(zone, DClass.IN, ttlSeconds, nameserver), Section.ANSWER);
            return false;
        }
        if (served && (type == Type.A || type == Type.AAAA || type == Type.ANY)) {
            boolean v6 = type == Type.AAAA;
            Region region = locator.locate(locateBy);
            chooser.choose(region, addressesPerAnswer).stream()
                    .map(HealthyEdge::address).flatMap(Optional::stream)
                    .filter(address -> v6 ? address instanceof Inet6Address : address instanceof Inet4Address)
                    .forEach(address -> response.addRecord(v6 ? new AAAARecord(name, DClass.IN, ttlSeconds, address)
                            : new ARecord(name, DClass.IN, ttlSeconds, address), Section.ANSWER));
            if (response.getSection(Section.ANSWER).isEmpty()) {
                response.addRecord(soa, Section.AUTHORITY);
            }
            return true;
        }
        if (name.equals(nameserver) && nameserverAddress.isPresent() && (type == Type.A || type == Type.AAAA)) {
            InetAddress address = nameserverAddress.get();
            if (type == Type.A && address instanceof Inet4Address) {
                response.addRecord(new ARecord(name, DClass.IN, ttlSeconds, address), Section.ANSWER);
            } else if (type == Type.AAAA && address instanceof Inet6Address) {
                response.addRecord(new AAAARecord(name, DClass.IN, ttlSeconds, address), Section.ANSWER);
            } else {
                response.addRecord(soa, Section.AUTHORITY);
            }
            return false;
        }
        if (!served && !name.equals(nameserver)) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        response.addRecord(soa, Section.AUTHORITY);
        return false;
    }

    private static int scope(ClientSubnetOption subnet) {
        int most = subnet.getFamily() == 1 ? IPV4_SCOPE : IPV6_SCOPE;
        return Math.min(subnet.getSourcePrefixLength(), most);
    }
}
