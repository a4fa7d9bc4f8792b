package dev.braid.server.http;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections the way Apache's and nginx's "lingering close" does: when the server ends a
 * connection, it first sends what it wrote, then half-closes (FIN), and reads and drops what the
 * client still sends until the client closes too, for at most {@link #MAX_MILLIS} (and
 * {@link #IDLE_MILLIS} without data). A plain close with unread bytes in the socket makes the
 * kernel send a reset, which destroys the answer before the client reads it: a client sending a
 * body over the limit with {@code Connection: close} got {@code EPIPE} instead of the 413 (issue 13,
 * item 18). Installed first in every connection's pipeline, so every close passes through it.
 */
@Singleton
public final class LingeringClose implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    /** The longest a closing connection is kept to drain what the client still sends. */
    static final long MAX_MILLIS = 5_000;
    /** A closing connection whose client sends nothing for this long is closed at once. */
    static final long IDLE_MILLIS = 1_000;
    static final String HANDLER = "braid-lingering-close";

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new Customizer(null));
        return event.getBean();
    }

    private record Customizer(Channel channel) implements NettyServerCustomizer {

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return role == ChannelRole.CONNECTION ? new Customizer(channel) : this;
        }

        @Override
        public void onInitialPipelineBuilt() {
            if (channel instanceof DuplexChannel && channel.pipeline().get(HANDLER) == null) {
                channel.pipeline().addFirst(HANDLER, new Lingering());
            }
        }
    }

    /** One per connection; runs on its event loop only. */
    static final class Lingering extends ChannelDuplexHandler {

        private boolean lingering;
        private long started;
        private long lastRead;
        private ScheduledFuture<?> check;

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            Channel channel = ctx.channel();
            if (lingering) {
                // closed again while draining (by the framework): the drain's own deadline decides
                channel.closeFuture().addListener(f -> promise.trySuccess());
                return;
            }
            if (!channel.isActive() || !(channel instanceof DuplexChannel duplex) || duplex.isOutputShutdown()) {
                ctx.close(promise);
                return;
            }
            lingering = true;
            started = System.nanoTime();
            lastRead = started;
            channel.closeFuture().addListener(f -> promise.trySuccess());
            // writes complete in order: once this empty one is written, the answer before it is out
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
                if (!written.isSuccess() || !channel.isActive()) {
                    ctx.close();
                    return;
                }
                duplex.shutdownOutput().addListener(halfClosed -> {
                    if (!halfClosed.isSuccess()) {
                        ctx.close();
                        return;
                    }
                    channel.config().setAutoRead(true);
                    ctx.read();
                    check = ctx.executor().scheduleAtFixedRate(() -> {
                        long now = System.nanoTime();
                        if (now - started > TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS)
                                || now - lastRead > TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS)) {
                            ctx.close();
                        }
                    }, 100, 100, TimeUnit.MILLISECONDS);
                });
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (lingering) {
                ReferenceCountUtil.release(msg); // the rest of a body nobody will read
                lastRead = System.nanoTime();
                return;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (lingering) {
                return;
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (check != null) {
                check.cancel(false);
            }
            super.channelInactive(ctx);
        }
    }
}
