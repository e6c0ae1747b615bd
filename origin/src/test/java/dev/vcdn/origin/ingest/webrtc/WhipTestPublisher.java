package dev.vcdn.origin.ingest.webrtc;

import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.TimeBase;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UDPTransport;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A WHIP publisher in plain Java, written from the RFCs independently of the server's code paths
 * it checks: a controlling ICE agent's binding request, Bouncy Castle's DTLS client with a
 * certificate of its own, and RTP packetized here (single NAL units and FU-A, RFC 6184; Opus,
 * RFC 7587), protected with the client's SRTP keys. It answers NACKs by resending, as browsers
 * do. Blocking: runs on a test's worker thread.
 */
public final class WhipTestPublisher implements AutoCloseable {

    static final int VIDEO_PT = 108;
    static final int AUDIO_PT = 111;
    private static final int MAX_RTP_PAYLOAD = 1100;
    private static final long VIDEO_SSRC = 0x1111_2222L;
    private static final long AUDIO_SSRC = 0x3333_4444L;

    private final SecureRandom random = new SecureRandom();
    private final DtlsIdentity identity = DtlsIdentity.generate(random);
    /** The certificate the offer names: our own, unless the test has us lie about it. */
    private DtlsIdentity advertised = identity;
    private final IceCredentials ice = IceCredentials.random(random);
    private final DatagramSocket socket;
    private final Map<Integer, byte[]> sentVideo = new ConcurrentHashMap<>();
    private final AtomicInteger nacksAnswered = new AtomicInteger();
    private InetSocketAddress server;
    private SrtpContext outbound;
    private SrtpContext inbound;
    private Thread feedbackReader;
    private volatile boolean closed;
    private int videoSequence = 1000;
    private int audioSequence = 5000;

    public WhipTestPublisher() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    }

    /** The offer Chromium 156 made with a fake camera and microphone (test resource). */
    public static String chromiumOffer() throws IOException {
        try (java.io.InputStream in = WhipTestPublisher.class.getResourceAsStream("/webrtc/chromium-offer.sdp")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Chromium's captured offer with this publisher's ICE credentials and certificate fingerprint. */
    public String offer() throws IOException {
        String fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(advertised.fingerprint());
        return chromiumOffer()
                .replaceAll("a=ice-ufrag:[^\r\n]*", "a=ice-ufrag:" + ice.ufrag())
                .replaceAll("a=ice-pwd:[^\r\n]*", "a=ice-pwd:" + Matcher.quoteReplacement(ice.password()))
                .replaceAll("a=fingerprint:sha-256 [^\r\n]*", "a=fingerprint:sha-256 " + fingerprint);
    }

    /** The offer will name another certificate than the one the DTLS handshake presents (an impostor). */
    public WhipTestPublisher advertisingAnotherCertificate() {
        advertised = DtlsIdentity.generate(random);
        return this;
    }

    public int nacksAnswered() {
        return nacksAnswered.get();
    }

    /** The connectivity check and the DTLS handshake against the answer's candidate. */
    public void connect(String answer) throws IOException {
        String ufrag = attribute(answer, "ice-ufrag");
        String password = attribute(answer, "ice-pwd");
        byte[] fingerprint = HexFormat.of().parseHex(attribute(answer, "fingerprint").split(" ")[1].replace(":", "")
                .toLowerCase(java.util.Locale.ROOT));
        Matcher candidate = Pattern.compile("a=candidate:\\S+ 1 udp \\d+ (\\S+) (\\d+) typ host").matcher(answer);
        if (!candidate.find()) {
            throw new IOException("no host candidate in the answer");
        }
        server = new InetSocketAddress(candidate.group(1), Integer.parseInt(candidate.group(2)));
        checkConnectivity(ufrag, password);
        socket.connect(server);
        DtlsClient client = new DtlsClient(new BcTlsCrypto(random), fingerprint);
        new DTLSClientProtocol().connect(client, new UDPTransport(socket, 1200));
        useKeys(server, client.keys);
    }

    /**
     * Skips ICE and DTLS: sends SRTP with keys agreed otherwise (SDES, as an SDP's a=crypto
     * gives them to ffmpeg), to {@code receiver}.
     */
    public void useKeys(InetSocketAddress receiver, SrtpKeys keys) {
        server = receiver;
        outbound = new SrtpContext(keys.clientKey(), keys.clientSalt());
        inbound = new SrtpContext(keys.serverKey(), keys.serverSalt());
        feedbackReader = new Thread(this::answerFeedback, "whip-test-feedback");
        feedbackReader.setDaemon(true);
        feedbackReader.start();
    }

    /** Sends a datagram from the publisher's own (checked) address. */
    void sendRaw(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, server));
    }

    /**
     * Sends the packets as RTP, paced by their timestamps; {@code dropFirstTransmission} decides
     * by video packet index which ones the network "loses" the first time (they come on NACK).
     */
    public void stream(List<MediaPacket> packets, IntPredicate dropFirstTransmission) throws IOException, InterruptedException {
        byte[] parameterSets = new byte[0];
        long started = System.nanoTime();
        long firstMillis = -1;
        int videoPackets = 0;
        for (MediaPacket packet : packets) {
            long millis = packet.timeBase().rescale(packet.pts(), TimeBase.MILLISECONDS);
            if (firstMillis < 0) {
                firstMillis = millis;
            }
            long due = started + (millis - firstMillis) * 1_000_000;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            if (packet.codec() == Codec.H264 && packet.isConfig()) {
                parameterSets = annexBParameterSets(packet.payload().toByteArray());
            } else if (packet.codec() == Codec.H264) {
                List<byte[]> nals = new ArrayList<>();
                if (packet.keyframe()) {
                    nals.addAll(splitLengthPrefixed(parameterSets));
                }
                nals.addAll(splitLengthPrefixed(packet.payload().toByteArray()));
                for (byte[] rtp : packetizeH264(nals, millis * 90)) {
                    int sequence = ((rtp[2] & 0xFF) << 8) | (rtp[3] & 0xFF);
                    byte[] protectedPacket = outbound.protectRtp(rtp, 0);
                    sentVideo.put(sequence, protectedPacket);
                    if (!dropFirstTransmission.test(videoPackets++)) {
                        sendRaw(protectedPacket);
                    }
                }
            } else if (packet.codec() == Codec.OPUS && !packet.isConfig()) {
                byte[] rtp = rtp(AUDIO_PT, audioSequence++, millis * 48, AUDIO_SSRC, true, packet.payload().toByteArray());
                sendRaw(outbound.protectRtp(rtp, 0));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
    }

    private void checkConnectivity(String serverUfrag, String serverPassword) throws IOException {
        byte[] transactionId = new byte[12];
        random.nextBytes(transactionId);
        byte[] username = (serverUfrag + ":" + ice.ufrag()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer attributes = ByteBuffer.allocate(4 + ((username.length + 3) & ~3) + 8 + 12 + 4);
        attributes.putShort((short) 0x0006).putShort((short) username.length).put(username);
        attributes.position(4 + ((username.length + 3) & ~3));
        attributes.putShort((short) 0x0024).putShort((short) 4).putInt(0x6E0001FF); // PRIORITY
        attributes.putShort((short) 0x802A).putShort((short) 8).putLong(random.nextLong()); // ICE-CONTROLLING
        attributes.putShort((short) 0x0025).putShort((short) 0); // USE-CANDIDATE
        byte[] body = attributes.array();
        ByteBuffer message = ByteBuffer.allocate(20 + body.length + 24 + 8);
        message.putShort((short) 1).putShort((short) (body.length + 24)).putInt(StunMessage.MAGIC_COOKIE).put(transactionId)
                .put(body);
        byte[] signed = Arrays.copyOf(message.array(), 20 + body.length);
        message.putShort((short) 0x0008).putShort((short) 20).put(hmacSha1(serverPassword, signed));
        message.putShort(2, (short) (body.length + 24 + 8));
        CRC32 crc = new CRC32();
        crc.update(message.array(), 0, 20 + body.length + 24);
        message.putShort((short) 0x8028).putShort((short) 4).putInt((int) crc.getValue() ^ 0x5354554E);
        byte[] request = message.array();
        socket.setSoTimeout(1000);
        for (int attempt = 0; attempt < 5; attempt++) {
            socket.send(new DatagramPacket(request, request.length, server));
            DatagramPacket response = new DatagramPacket(new byte[1500], 1500);
            try {
                socket.receive(response);
            } catch (SocketTimeoutException retry) {
                continue;
            }
            byte[] data = Arrays.copyOf(response.getData(), response.getLength());
            if (data.length >= 20 && data[0] == 0x01 && data[1] == 0x01
                    && Arrays.equals(Arrays.copyOfRange(data, 8, 20), transactionId)) {
                return;
            }
            throw new IOException("binding refused: type " + HexFormat.of().formatHex(data, 0, 2));
        }
        throw new IOException("no answer to the connectivity check");
    }

    /** Reads the server's SRTCP: NACKs are answered by resending, the rest (PLI, reports, REMB) is ignored. */
    private void answerFeedback() {
        byte[] buffer = new byte[1500];
        while (!closed) {
            try {
                DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
                socket.receive(datagram);
                byte[] rtcp = inbound.unprotectRtcp(Arrays.copyOf(buffer, datagram.getLength()), datagram.getLength());
                if ((rtcp[1] & 0xFF) == 205 && (rtcp[0] & 0x1F) == 1) {
                    for (int at = 12; at + 4 <= rtcp.length; at += 4) {
                        int lost = ((rtcp[at] & 0xFF) << 8) | (rtcp[at + 1] & 0xFF);
                        int mask = ((rtcp[at + 2] & 0xFF) << 8) | (rtcp[at + 3] & 0xFF);
                        resend(lost);
                        for (int bit = 0; bit < 16; bit++) {
                            if ((mask & (1 << bit)) != 0) {
                                resend((lost + bit + 1) & 0xFFFF);
                            }
                        }
                    }
                }
            } catch (SocketTimeoutException idle) {
                // keep reading until closed
            } catch (IOException | SrtpContext.SrtpException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void resend(int sequence) throws IOException {
        byte[] packet = sentVideo.get(sequence);
        if (packet != null) {
            nacksAnswered.incrementAndGet();
            sendRaw(packet);
        }
    }

    private List<byte[]> packetizeH264(List<byte[]> nals, long timestamp) {
        List<byte[]> packets = new ArrayList<>();
        for (int n = 0; n < nals.size(); n++) {
            byte[] nal = nals.get(n);
            boolean lastNal = n == nals.size() - 1;
            if (nal.length <= MAX_RTP_PAYLOAD) {
                packets.add(rtp(VIDEO_PT, videoSequence++, timestamp, VIDEO_SSRC, lastNal, nal));
                continue;
            }
            for (int at = 1; at < nal.length; at += MAX_RTP_PAYLOAD) {
                int length = Math.min(MAX_RTP_PAYLOAD, nal.length - at);
                boolean end = at + length >= nal.length;
                byte[] payload = new byte[2 + length];
                payload[0] = (byte) ((nal[0] & 0xE0) | 28);
                payload[1] = (byte) ((at == 1 ? 0x80 : 0) | (end ? 0x40 : 0) | (nal[0] & 0x1F));
                System.arraycopy(nal, at, payload, 2, length);
                packets.add(rtp(VIDEO_PT, videoSequence++, timestamp, VIDEO_SSRC, end && lastNal, payload));
            }
        }
        return packets;
    }

    private static byte[] rtp(int payloadType, int sequence, long timestamp, long ssrc, boolean marker, byte[] payload) {
        return ByteBuffer.allocate(12 + payload.length).put((byte) 0x80).put((byte) ((marker ? 0x80 : 0) | payloadType))
                .putShort((short) sequence).putInt((int) timestamp).putInt((int) ssrc).put(payload).array();
    }

    /** SPS and PPS of an avcC, as 4-byte length-prefixed NAL units. */
    private static byte[] annexBParameterSets(byte[] avcc) {
        ByteBuffer in = ByteBuffer.wrap(avcc, 5, avcc.length - 5);
        ByteBuffer out = ByteBuffer.allocate(avcc.length + 16);
        for (int kind = 0; kind < 2; kind++) {
            int count = kind == 0 ? in.get() & 0x1F : in.get() & 0xFF;
            for (int i = 0; i < count; i++) {
                int length = in.getShort() & 0xFFFF;
                byte[] unit = new byte[length];
                in.get(unit);
                out.putInt(length).put(unit);
            }
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    private static List<byte[]> splitLengthPrefixed(byte[] data) {
        List<byte[]> units = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(data);
        while (in.remaining() >= 4) {
            byte[] unit = new byte[in.getInt()];
            in.get(unit);
            units.add(unit);
        }
        return units;
    }

    private static String attribute(String sdp, String name) throws IOException {
        Matcher matcher = Pattern.compile("a=" + name + ":([^\r\n]+)").matcher(sdp);
        if (!matcher.find()) {
            throw new IOException("answer without a=" + name);
        }
        return matcher.group(1);
    }

    private static byte[] hmacSha1(String key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA1"));
            return mac.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** DTLS 1.2 client: our certificate, the server's pinned to the answer's fingerprint, use_srtp. */
    private final class DtlsClient extends DefaultTlsClient {
        private final BcTlsCrypto crypto;
        private final byte[] serverFingerprint;
        private SrtpKeys keys;

        DtlsClient(BcTlsCrypto crypto, byte[] serverFingerprint) {
            super(crypto);
            this.crypto = crypto;
            this.serverFingerprint = serverFingerprint;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
        }

        @Override
        public Hashtable getClientExtensions() throws IOException {
            Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
            TlsSRTPUtils.addUseSRTPExtension(extensions,
                    new UseSRTPData(new int[] {SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80}, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate certificate) throws IOException {
                    byte[] der = certificate.getCertificate().getCertificateAt(0).getEncoded();
                    if (!MessageDigest.isEqual(DtlsIdentity.sha256(der), serverFingerprint)) {
                        throw new TlsFatalAlert(org.bouncycastle.tls.AlertDescription.bad_certificate);
                    }
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    TlsCertificate own = crypto.createCertificate(identity.certificate());
                    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, identity.privateKey(),
                            new Certificate(new TlsCertificate[] {own}),
                            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            keys = SrtpKeys.fromExported(context.exportKeyingMaterial(SrtpKeys.EXPORTER_LABEL, null, SrtpKeys.EXPORTED_LENGTH));
        }
    }
}
