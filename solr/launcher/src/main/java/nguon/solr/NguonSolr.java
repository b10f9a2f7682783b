package nguon.solr;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.solr.core.CoreContainer;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Hosts one real Apache Solr node for nguon, bound to 127.0.0.1, with Solr's own {@link
 * JettySolrRunner} (from solr-test-framework, the artifact Maven Central has; there is no Solr
 * tarball to download here).
 *
 * <p>Settings, each taken from the first of: command-line flag, Java system property, environment
 * variable, default:
 *
 * <ul>
 *   <li>solr home (must hold solr.xml): {@code --home}, {@code -Dsolr.solr.home}, {@code
 *       SOLR_HOME}, default {@code solr/home}
 *   <li>port: {@code --port}, {@code -Dsolr.port}, {@code SOLR_PORT}, default 8983
 *   <li>data home (index files, one sub-directory per core): {@code --data-dir}, {@code
 *       -Dsolr.data.home}, {@code SOLR_DATA_DIR}, default {@code var/solr-data}
 * </ul>
 *
 * <p>Relative paths are taken from the working directory. Prints one line starting with {@code
 * nguon-solr: ready} when every core has loaded; on SIGTERM / SIGINT it stops Solr cleanly (commit
 * on close) before the JVM exits. Errors are one line starting with {@code nguon-solr: ERROR} and a
 * non-zero exit: 2 for a port already in use, 1 for anything else.
 */
public final class NguonSolr {

  static final String HOST = "127.0.0.1";
  static final String CONTEXT = "/solr";
  static final long CORE_LOAD_TIMEOUT_MS = 300_000L;

  /**
   * Jersey (Solr's v2 API) logs through java.util.logging, outside log4j2; its start-up notes are
   * not wanted. Held here because java.util.logging keeps loggers only weakly.
   */
  private static final java.util.logging.Logger JERSEY_LOG =
      java.util.logging.Logger.getLogger("org.glassfish.jersey");

  private NguonSolr() {}

  public static void main(String[] args) {
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      fail(1, e.getMessage());
      return;
    }
    if (settings == null) { // --help
      System.out.println(Settings.USAGE);
      return;
    }
    try {
      run(settings);
    } catch (Exception e) {
      if (causedBy(e, BindException.class)) {
        fail(2, portInUse(settings.port)); // lost a race for the port after our own check
      }
      fail(1, "Solr did not start: " + rootMessage(e));
    }
  }

  private static void run(Settings s) throws Exception {
    if (!Files.isRegularFile(s.home.resolve("solr.xml"))) {
      fail(1, "no solr.xml in solr home " + s.home + " (set --home or SOLR_HOME)");
    }
    if (!portIsFree(s.port)) {
      fail(2, portInUse(s.port));
    }
    Files.createDirectories(s.dataHome);
    // Read by Solr's NodeConfig: every core's index goes to <data home>/<core>/data,
    // and the data home is added to Solr's allowed paths.
    System.setProperty("solr.data.home", s.dataHome.toString());
    System.setProperty("solr.solr.home", s.home.toString());
    // Solr checks it is set; logging itself is configured by log4j2.xml (console only).
    if (System.getProperty("solr.log.dir") == null) {
      System.setProperty("solr.log.dir", s.dataHome.resolve("logs").toString());
    }
    JERSEY_LOG.setLevel(java.util.logging.Level.SEVERE);

    long started = System.nanoTime();
    JettyConfig config =
        JettyConfig.builder()
            .setPort(s.port)
            .setContext(CONTEXT)
            .stopAtShutdown(false) // our own hook below stops Solr, then the JVM exits
            .withPortRetryTime(0) // fail at once when the port is taken
            .waitForLoadingCoresToFinish(CORE_LOAD_TIMEOUT_MS)
            .build();
    JettySolrRunner solr = new JettySolrRunner(s.home.toString(), config);
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean(false);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  synchronized (stopping) {
                    stopping.set(true);
                    System.out.println("nguon-solr: stopping");
                  }
                  try {
                    solr.stop();
                  } catch (Exception e) {
                    System.err.println("nguon-solr: ERROR while stopping: " + rootMessage(e));
                  }
                  System.out.println("nguon-solr: stopped");
                  System.out.flush();
                  stopped.countDown();
                },
                "nguon-solr-shutdown"));

    solr.start();

    CoreContainer cores = solr.getCoreContainer();
    if (cores == null) {
      fail(1, "Solr did not start: no core container (see the log above)");
    }
    Map<String, CoreContainer.CoreLoadFailure> failures = cores.getCoreInitFailures();
    if (!failures.isEmpty()) {
      Map.Entry<String, CoreContainer.CoreLoadFailure> first = failures.entrySet().iterator().next();
      fail(
          1,
          "core '"
              + first.getKey()
              + "' failed to load: "
              + rootMessage(first.getValue().exception));
    }
    long millis = (System.nanoTime() - started) / 1_000_000L;
    synchronized (stopping) {
      if (!stopping.get()) { // no "ready" once a signal has started the shutdown
        System.out.printf(
            "nguon-solr: ready on http://%s:%d%s cores=%s home=%s data=%s (%.1fs)%n",
            HOST,
            solr.getLocalPort(),
            CONTEXT,
            String.join(",", cores.getLoadedCoreNames()),
            s.home,
            s.dataHome,
            millis / 1000.0);
        System.out.flush();
      }
    }
    stopped.await(); // Jetty's threads keep the JVM alive; this keeps main readable
  }

  /** Prints one error line and exits; shutdown hooks (if any) stop Solr on the way out. */
  static void fail(int code, String message) {
    System.err.println("nguon-solr: ERROR " + message);
    System.err.flush();
    System.exit(code);
  }

  static String portInUse(int port) {
    return "port "
        + port
        + " on "
        + HOST
        + " is already in use (is another Solr running? set SOLR_PORT to use another port)";
  }

  static boolean portIsFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true); // as Jetty does: TIME_WAIT leftovers do not count as taken
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getClass().getSimpleName() + ": " + root.getMessage();
    return text.replace('\n', ' ').replace('\r', ' ');
  }

  /** Where Solr's home, data and port come from. */
  static final class Settings {
    static final String USAGE =
        "usage: NguonSolr [--home DIR] [--port N] [--data-dir DIR]\n"
            + "  --home DIR      solr home holding solr.xml (-Dsolr.solr.home, SOLR_HOME;"
            + " default solr/home)\n"
            + "  --port N        HTTP port on 127.0.0.1 (-Dsolr.port, SOLR_PORT; default 8983)\n"
            + "  --data-dir DIR  index data home (-Dsolr.data.home, SOLR_DATA_DIR;"
            + " default var/solr-data)";

    final Path home;
    final int port;
    final Path dataHome;

    Settings(Path home, int port, Path dataHome) {
      this.home = home;
      this.port = port;
      this.dataHome = dataHome;
    }

    /** Returns null when help was asked for. */
    static Settings parse(String[] args) {
      String home = null;
      String port = null;
      String data = null;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "-h":
          case "--help":
            return null;
          case "--home":
            home = value(args, ++i, arg);
            break;
          case "--port":
            port = value(args, ++i, arg);
            break;
          case "--data-dir":
            data = value(args, ++i, arg);
            break;
          default:
            throw new IllegalArgumentException("unknown argument '" + arg + "'; " + oneLine());
        }
      }
      home = first(home, System.getProperty("solr.solr.home"), System.getenv("SOLR_HOME"), "solr/home");
      port = first(port, System.getProperty("solr.port"), System.getenv("SOLR_PORT"), "8983");
      data =
          first(data, System.getProperty("solr.data.home"), System.getenv("SOLR_DATA_DIR"), "var/solr-data");
      int portNumber;
      try {
        portNumber = Integer.parseInt(port.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("port '" + port + "' is not a number");
      }
      if (portNumber < 1 || portNumber > 65535) {
        throw new IllegalArgumentException("port " + portNumber + " is out of range 1-65535");
      }
      return new Settings(absolute(home), portNumber, absolute(data));
    }

    private static String value(String[] args, int i, String flag) {
      if (i >= args.length || args[i].isEmpty()) {
        throw new IllegalArgumentException(flag + " needs a value; " + oneLine());
      }
      return args[i];
    }

    private static String first(String... candidates) {
      for (String candidate : candidates) {
        if (candidate != null && !candidate.isBlank()) {
          return candidate;
        }
      }
      return null;
    }

    private static Path absolute(String path) {
      return Paths.get(path).toAbsolutePath().normalize();
    }

    private static String oneLine() {
      return "usage: NguonSolr [--home DIR] [--port N] [--data-dir DIR]";
    }
  }
}
