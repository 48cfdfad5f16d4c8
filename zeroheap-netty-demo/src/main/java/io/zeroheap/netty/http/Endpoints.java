package io.zeroheap.netty.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * The server's endpoints, on whole (aggregated) requests. Every buffer comes from the
 * channel's allocator ({@code ctx.alloc()}), direct:
 * <ul>
 * <li>{@code GET /body/1k|16k|256k}: a body of that many bytes of the pattern, written into a
 *     fresh buffer;</li>
 * <li>{@code GET /zeroed/1k|16k|256k}: the same, with {@code setZero} over the buffer first
 *     (what a pooled allocator's user pays to never send stale data);</li>
 * <li>{@code POST /secret}: copies the request body into a fresh buffer and releases it
 *     (a request that leaves a secret behind in freed memory);</li>
 * <li>{@code GET /buggy}: the deliberate length bug: a 4 KiB buffer, 16 bytes written, the
 *     writer index set to 4096, all of it sent;</li>
 * <li>{@code GET /admin/stats}: one line about the allocator's memory ({@link Allocators#stats}).</li>
 * </ul>
 * Anything else is a 404. Responses keep the connection open unless the request asked to
 * close it.
 *
 * <p>Shareable and stateless: one instance serves every channel, on any event loop.
 */
@ChannelHandler.Sharable
final class Endpoints extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final Allocators kind;

    Endpoints(Allocators kind) {
        this.kind = kind;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        ByteBufAllocator alloc = ctx.alloc();
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        boolean get = request.method().equals(HttpMethod.GET);
        FullHttpResponse response;
        if (get && path.startsWith("/body/") && Bodies.byteSize(path.substring(6)) > 0) {
            response = ok(body(alloc, Bodies.byteSize(path.substring(6)), false));
        } else if (get && path.startsWith("/zeroed/") && Bodies.byteSize(path.substring(8)) > 0) {
            response = ok(body(alloc, Bodies.byteSize(path.substring(8)), true));
        } else if (request.method().equals(HttpMethod.POST) && path.equals("/secret")) {
            response = ok(storeSecret(alloc, request.content()));
        } else if (get && path.equals("/buggy")) {
            response = ok(buggy(alloc));
        } else if (get && path.equals("/admin/stats")) {
            response = ok(text(alloc, kind.stats(alloc) + "\n"));
        } else {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                    text(alloc, "not found: " + request.method() + " " + path + "\n"));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        }
        HttpUtil.setContentLength(response, response.content().readableBytes());
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private static FullHttpResponse ok(ByteBuf content) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        return response;
    }

    private static ByteBuf body(ByteBufAllocator alloc, int byteSize, boolean zeroFirst) {
        ByteBuf buf = alloc.directBuffer(byteSize);
        if (zeroFirst) {
            buf.setZero(0, byteSize);
        }
        return buf.writeBytes(Bodies.pattern(), 0, byteSize);
    }

    /** Keeps the secret only as long as a real handler would use it; the answer is its length. */
    private static ByteBuf storeSecret(ByteBufAllocator alloc, ByteBuf requestBody) {
        int byteSize = requestBody.readableBytes();
        ByteBuf stored = alloc.directBuffer(byteSize);
        try {
            stored.writeBytes(requestBody);
        } finally {
            stored.release();
        }
        return text(alloc, "stored " + byteSize + " bytes\n");
    }

    private static ByteBuf buggy(ByteBufAllocator alloc) {
        ByteBuf buf = alloc.directBuffer(Bodies.BUGGY_BYTES);
        buf.writeBytes(Bodies.BUGGY_HEAD);
        return buf.writerIndex(Bodies.BUGGY_BYTES); // the bug: sends bytes it never wrote
    }

    private static ByteBuf text(ByteBufAllocator alloc, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return alloc.directBuffer(bytes.length).writeBytes(bytes);
    }
}
