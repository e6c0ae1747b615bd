package dev.vcdn.origin.ingest;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import java.util.function.BiConsumer;

/**
 * A UDP listener's socket (SRT, WebRTC): a Netty channel on the verticle's own event loop,
 * datagrams handed to it on its context. Not Vert.x's {@code DatagramSocket}: that one sizes the
 * buffer of every read by the socket's receive queue, so the deep kernel queue needed for
 * keyframe bursts (megabytes) would cost a buffer of that size per datagram (measured with a 4 MiB
 * queue: 5.2 s of CPU instead of 1.8 s for four 6 Mb/s SRT publishers over 20 s). Here the queue
 * is deep and each read takes one datagram's room.
 */
public final class UdpSocket {

    /** Larger than any packet of ours (at most the 1500-byte MTU); a longer datagram is cut and then refused. */
    private static final int MAX_DATAGRAM = 2048;

    private final ContextInternal context;
    private final DatagramChannel channel;

    private UdpSocket(ContextInternal context, DatagramChannel channel) {
        this.context = context;
        this.channel = channel;
    }

    /**
     * @param receiveQueue the kernel receive queue in bytes (SO_RCVBUF; capped by net.core.rmem_max)
     * @param handler      each datagram with its sender, on {@code context}
     */
    public static Future<UdpSocket> bind(ContextInternal context, String host, int port, int receiveQueue,
                                  BiConsumer<Buffer, SocketAddress> handler) {
        VertxInternal vertx = context.owner();
        DatagramChannel channel = vertx.transport().datagramChannel();
        channel.config().setReceiveBufferSize(receiveQueue);
        channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(MAX_DATAGRAM));
        channel.pipeline().addLast(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                Buffer data = Buffer.buffer(ByteBufUtil.getBytes(packet.content()));
                SocketAddress sender = SocketAddress.inetSocketAddress(packet.sender());
                context.emit(data, received -> handler.accept(received, sender));
            }
        });
        PromiseInternal<Void> registered = context.promise();
        context.nettyEventLoop().register(channel).addListener(registered);
        return registered.compose(done -> {
            PromiseInternal<Void> bound = context.promise();
            channel.bind(new InetSocketAddress(host, port)).addListener(bound);
            return bound;
        }).map(new UdpSocket(context, channel));
    }

    /** The receive queue the kernel granted (Linux reports twice what it keeps for data). */
    public int receiveQueue() {
        return channel.config().getReceiveBufferSize();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public void send(Buffer packet, InetSocketAddress to) {
        channel.writeAndFlush(new DatagramPacket(((BufferInternal) packet).getByteBuf(), to));
    }

    public Future<Void> close() {
        PromiseInternal<Void> closed = context.promise();
        channel.close().addListener(closed);
        return closed;
    }
}
