package dev.braid.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible upstream built to cost as little as possible, so that what the suite measures
 * is Braid: Netty on one event-loop thread, keep-alive, bodies serialised once per model name and
 * served from cached bytes, no JSON parsing (the model and {@code stream} flag are found with a
 * regex). A model named {@code delay-<ms>} answers after that many milliseconds, scheduled on the
 * event loop (no thread sleeps). {@code "stream": true} answers server-sent events: a role chunk and
 * the first content chunk at once, the rest of the content 5 ms later, a finish chunk, a usage chunk
 * and {@code [DONE]}.
 */
public final class MockUpstream implements AutoCloseable {

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final Pattern DELAY = Pattern.compile("delay-(\\d+)");
    /** The gap between the first content chunk and the rest of a stream. */
    static final long STREAM_GAP_MS = 5;

    private final EventLoopGroup group;
    private final Channel channel;
    private final Map<String, Bodies> bodies = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();

    private record Bodies(byte[] completion, byte[] streamHead, byte[] streamTail, long delayMs) {
    }

    private MockUpstream(int threads) throws InterruptedException {
        group = new NioEventLoopGroup(threads);
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    /** Starts on a free loopback port with one event-loop thread (enough: it never blocks). */
    public static MockUpstream start() throws InterruptedException {
        return new MockUpstream(1);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The base URL a provider's {@code base-url} takes: {@code http://127.0.0.1:<port>/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    public long requests() {
        return requests.get();
    }

    private Bodies bodies(String model) {
        return bodies.computeIfAbsent(model, m -> {
            Matcher d = DELAY.matcher(m);
            long delay = d.find() ? Long.parseLong(d.group(1)) : 0;
            String head = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\""
                    + m + "\",\"choices\":[{\"index\":0,\"delta\":";
            String completion = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\""
                    + m + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello from the mock upstream.\"},"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":6,\"total_tokens\":15}}";
            String streamHead = "data: " + head + "{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
                    + "data: " + head + "{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n";
            String streamTail = "data: " + head + "{\"content\":\" from the mock\"},\"finish_reason\":null}]}\n\n"
                    + "data: " + head + "{\"content\":\" upstream.\"},\"finish_reason\":null}]}\n\n"
                    + "data: " + head + "{},\"finish_reason\":\"stop\"}]}\n\n"
                    + "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\""
                    + m + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":6,\"total_tokens\":15}}\n\n"
                    + "data: [DONE]\n\n";
            return new Bodies(completion.getBytes(StandardCharsets.UTF_8), streamHead.getBytes(StandardCharsets.UTF_8),
                    streamTail.getBytes(StandardCharsets.UTF_8), delay);
        });
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            requests.incrementAndGet();
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            String body = request.content().toString(StandardCharsets.UTF_8);
            Matcher m = MODEL.matcher(body);
            Bodies b = bodies(m.find() ? m.group(1) : "unknown");
            boolean stream = STREAM.matcher(body).find();
            Runnable answer = stream ? () -> stream(ctx, b, keepAlive) : () -> complete(ctx, b, keepAlive);
            if (b.delayMs() > 0) {
                ctx.executor().schedule(answer, b.delayMs(), TimeUnit.MILLISECONDS);
            } else {
                answer.run();
            }
        }

        private void complete(ChannelHandlerContext ctx, Bodies b, boolean keepAlive) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(b.completion()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, b.completion().length);
            if (!keepAlive) {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(response);
            }
        }

        private void stream(ChannelHandlerContext ctx, Bodies b, boolean keepAlive) {
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ctx.write(response);
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(b.streamHead())));
            ctx.executor().schedule(() -> {
                ByteBuf tail = Unpooled.wrappedBuffer(b.streamTail());
                ctx.write(new DefaultHttpContent(tail));
                var done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                if (!keepAlive) {
                    done.addListener(ChannelFutureListener.CLOSE);
                }
            }, STREAM_GAP_MS, TimeUnit.MILLISECONDS);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
