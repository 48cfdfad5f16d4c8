package io.zeroheap.util;

import java.util.ResourceBundle;

/**
 * Loggers that find their {@link System.Logger} on first use: the JDK's logging (its
 * configuration files included) is loaded only when zeroheap first has something to log,
 * not when its classes are initialized on the first allocation's path.
 */
public final class Loggers {

    private Loggers() {
    }

    /**
     * Returns a logger named {@code name} that asks {@link System#getLogger} for the real one
     * the first time it is used. Thread-safe.
     *
     * @throws NullPointerException if {@code name} is null
     */
    public static System.Logger lazy(String name) {
        return new Lazy(Checks.requireNonNull(name, "name"));
    }

    private static final class Lazy implements System.Logger {
        private final String name;
        private volatile System.Logger delegate;

        Lazy(String name) {
            this.name = name;
        }

        private System.Logger delegate() {
            System.Logger logger = delegate;
            if (logger == null) {
                logger = System.getLogger(name); // racing threads get the same logger
                delegate = logger;
            }
            return logger;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return delegate().isLoggable(level);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            delegate().log(level, bundle, message, thrown);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            delegate().log(level, bundle, format, params);
        }
    }
}
