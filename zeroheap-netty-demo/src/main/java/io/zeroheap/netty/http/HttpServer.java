package io.zeroheap.netty.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A small Netty HTTP/1.1 server whose every buffer comes from one allocator chosen by name
 * (see {@link Endpoints} for what it serves, {@link Allocators} for the allocators). One
 * acceptor thread and {@code eventLoops} I/O threads, on epoll where Netty's native transport
 * loads, else NIO.
 *
 * <p>{@code java -cp ... io.zeroheap.netty.http.HttpServer [--allocator zeroheap|pooled|adaptive|unpooled]
 * [--port 8080] [--host 127.0.0.1] [--event-loops 1] [--transport auto|epoll|nio]} serves
 * until the process is killed; it prints one line once it listens.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread, once.
 */
public final class HttpServer implements AutoCloseable {

    /**
     * What to start.
     *
     * @param allocator  the allocator's name (see {@link Allocators#named})
     * @param host       the address to bind
     * @param port       the port, 0 for an ephemeral one
     * @param eventLoops I/O threads, {@code >= 1}
     * @param transport  {@code auto} (epoll where available), {@code epoll} or {@code nio}
     */
    public record Config(String allocator, String host, int port, int eventLoops, String transport) {

        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException if the allocator or transport is unknown, the port
         *                                  is outside [0, 65535] or {@code eventLoops < 1}
         */
        public Config {
            Allocators.named(allocator);
            if (!transport.equals("auto") && !transport.equals("epoll") && !transport.equals("nio")) {
                throw new IllegalArgumentException("transport: " + transport + " (expected: auto, epoll or nio)");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
            }
            if (eventLoops < 1) {
                throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: >= 1)");
            }
        }

        /** A loopback server on an ephemeral port, one event loop, the best transport. */
        public static Config loopback(String allocator) {
            return new Config(allocator, "127.0.0.1", 0, 1, "auto");
        }
    }

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;
    private final String transport;

    private HttpServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel, String transport) {
        this.boss = boss;
        this.workers = workers;
        this.channel = channel;
        this.transport = transport;
    }

    /**
     * Starts a server and returns once it listens.
     *
     * @throws IllegalStateException if {@code epoll} was asked for and does not load
     * @throws InterruptedException  if interrupted while binding
     * @throws io.netty.channel.ChannelException (or another exception of the bind) if the
     *                               address cannot be bound; nothing is left running
     */
    public static HttpServer start(Config config) throws InterruptedException {
        boolean epoll = switch (config.transport()) {
            case "epoll" -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("epoll transport unavailable", Epoll.unavailabilityCause());
                }
                yield true;
            }
            case "nio" -> false;
            default -> Epoll.isAvailable();
        };
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Allocators kind = Allocators.named(config.allocator());
        ByteBufAllocator alloc = kind.create();
        Endpoints endpoints = new Endpoints(kind);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(config.eventLoops(), io);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers).channel(channelType)
                    .option(ChannelOption.ALLOCATOR, alloc)
                    .childOption(ChannelOption.ALLOCATOR, alloc)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), endpoints);
                        }
                    });
            Channel channel = bootstrap.bind(config.host(), config.port()).sync().channel();
            return new HttpServer(boss, workers, channel, epoll ? "epoll" : "nio");
        } catch (Throwable e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Returns the port the server listens on. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Returns the transport in use: {@code epoll} or {@code nio}. */
    public String transport() {
        return transport;
    }

    /** Stops listening, closes every connection and stops the event loops, waiting up to 5 s. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * Runs a server until the process is killed (see the class doc for the options).
     * Exit code 2 for a bad argument, with one line saying which.
     */
    public static void main(String[] args) throws InterruptedException {
        Config config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("HttpServer: " + e.getMessage());
            System.err.println("usage: HttpServer [--allocator zeroheap|pooled|adaptive|unpooled] [--port N] "
                    + "[--host ADDRESS] [--event-loops N] [--transport auto|epoll|nio]");
            System.exit(2);
            return;
        }
        HttpServer server = start(config);
        System.out.println("listening on " + config.host() + ":" + server.port() + " allocator=" + config.allocator()
                + " transport=" + server.transport() + " event-loops=" + config.eventLoops()
                + " pid=" + ProcessHandle.current().pid());
        server.channel.closeFuture().sync();
    }

    private static Config parse(String[] args) {
        String allocator = "zeroheap";
        String host = "127.0.0.1";
        int port = 8080;
        int eventLoops = 1;
        String transport = "auto";
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + ": a value is missing");
            }
            String value = args[++i];
            switch (option) {
                case "--allocator" -> allocator = value;
                case "--host" -> host = value;
                case "--port" -> port = parseInt(option, value);
                case "--event-loops" -> eventLoops = parseInt(option, value);
                case "--transport" -> transport = value;
                default -> throw new IllegalArgumentException("unknown option: " + option);
            }
        }
        return new Config(allocator, host, port, eventLoops, transport);
    }

    private static int parseInt(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": " + value + " (expected: a number)");
        }
    }
}
