package nguon.solr;

import java.io.InputStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.cloud.ZkTestServer;
import org.apache.solr.common.cloud.DocCollection;
import org.apache.solr.common.cloud.Replica;
import org.apache.solr.common.cloud.Slice;
import org.apache.solr.common.cloud.SolrZkClient;
import org.apache.solr.common.cloud.ZkMaintenanceUtils;
import org.apache.solr.common.cloud.ZkStateReader;
import org.apache.solr.core.CoreContainer;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * SolrCloud for nguon's cluster on one machine, one JVM per part so that a part can be killed
 * for real (SIGKILL) in fault tests. Three modes, each its own process:
 *
 * <ul>
 *   <li>{@code zk --port P --data-dir DIR}: a ZooKeeper server (solr-test-framework's {@link
 *       ZkTestServer}, ZooKeeper from Maven Central) on 127.0.0.1:P, data kept in DIR, with the
 *       chroot {@code /solr} that the nodes use. Runs until SIGTERM.
 *   <li>{@code node --zk-host 127.0.0.1:P/solr --port N --home DIR}: one cloud-mode Solr node
 *       ({@link JettySolrRunner}) on http://127.0.0.1:N/solr; DIR holds its solr.xml (written
 *       from the launcher jar) and its replicas. Runs until SIGTERM.
 *   <li>{@code setup --zk-host ... --configset DIR [--collection plone] [--nodes 3] [--replicas
 *       3]}: one-shot and idempotent: waits for the nodes, uploads the configset (only when it
 *       differs from ZooKeeper's copy, then reloads the collection), creates the collection (one
 *       shard, one replica per node) when missing, adds replicas up to the count, and waits until
 *       every replica is active. Exits 0 when the collection is ready.
 * </ul>
 *
 * <p>Each mode prints one line starting with {@code nguon-solr: ready} when done; errors are one
 * line starting with {@code nguon-solr: ERROR}, exit code 2 for a port in use, 1 otherwise.
 */
public final class NguonCloud {

  static final String CHROOT = "/solr";
  static final String CONFIGS = "/configs";
  static final String SOLR_XML_RESOURCE = "cloud-solr.xml";

  private static final java.util.logging.Logger JERSEY_LOG =
      java.util.logging.Logger.getLogger("org.glassfish.jersey");

  private NguonCloud() {}

  public static void main(String[] args) {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
      System.out.println(USAGE);
      return;
    }
    Map<String, String> options;
    try {
      options = options(Arrays.copyOfRange(args, 1, args.length));
    } catch (IllegalArgumentException e) {
      NguonSolr.fail(1, e.getMessage());
      return;
    }
    JERSEY_LOG.setLevel(java.util.logging.Level.SEVERE);
    // ZooKeeper's own admin web server would take port 8080; the nodes need none of it.
    System.setProperty("zookeeper.admin.enableServer", "false");
    System.setProperty("zookeeper.4lw.commands.whitelist", "stat,ruok,mntr,srvr");
    try {
      switch (args[0]) {
        case "zk":
          zookeeper(options);
          break;
        case "node":
          node(options);
          break;
        case "setup":
          setup(options);
          System.exit(0); // the clients' pools may hold threads open
          break;
        default:
          NguonSolr.fail(1, "unknown mode '" + args[0] + "'\n" + USAGE);
      }
    } catch (Exception e) {
      if (NguonSolr.causedBy(e, BindException.class)) {
        NguonSolr.fail(2, "port " + options.get("port") + " on 127.0.0.1 is already in use");
      }
      NguonSolr.fail(1, args[0] + " failed: " + NguonSolr.rootMessage(e));
    }
  }

  static final String USAGE =
      "usage: NguonCloud zk --port P --data-dir DIR\n"
          + "       NguonCloud node --zk-host 127.0.0.1:P/solr --port N --home DIR"
          + " [--zk-timeout MS]\n"
          + "       NguonCloud setup --zk-host 127.0.0.1:P/solr --configset DIR"
          + " [--collection plone] [--nodes 3] [--replicas 3] [--timeout S]";

  // ---------------------------------------------------------------- zookeeper

  static void zookeeper(Map<String, String> o) throws Exception {
    int port = port(o);
    Path data = path(o, "data-dir");
    if (!NguonSolr.portIsFree(port)) {
      NguonSolr.fail(2, "port " + port + " on 127.0.0.1 is already in use (ZooKeeper)");
    }
    Files.createDirectories(data);
    setLogDir(data);
    ZkTestServer zk = new ZkTestServer(data, port);
    // A killed node leaves the cluster after its session timeout, which ZooKeeper
    // clamps into [min, max]: allow short ones for the tests, long ones for slow machines.
    zk.setMinSessionTimeout(2_000);
    zk.setMaxSessionTimeout(120_000);
    CountDownLatch stopped = onShutdown("zookeeper", zk::shutdown);
    zk.run(false); // false: keep what the data dir holds (a restart is not a new cluster)
    zk.ensurePathExists(CHROOT);
    ready("zookeeper on " + zk.getZkAddress() + " data=" + data);
    stopped.await();
  }

  // ---------------------------------------------------------------- node

  static void node(Map<String, String> o) throws Exception {
    int port = port(o);
    String zkHost = required(o, "zk-host");
    Path home = path(o, "home");
    if (!NguonSolr.portIsFree(port)) {
      NguonSolr.fail(2, NguonSolr.portInUse(port));
    }
    Files.createDirectories(home);
    try (InputStream xml = NguonCloud.class.getResourceAsStream(SOLR_XML_RESOURCE)) {
      if (xml == null) {
        NguonSolr.fail(1, "the launcher jar has no " + SOLR_XML_RESOURCE + " (rebuild solr/launcher)");
      }
      Files.write(home.resolve("solr.xml"), xml.readAllBytes());
    }
    System.setProperty("solr.solr.home", home.toString());
    System.setProperty("hostPort", Integer.toString(port));
    System.setProperty("solr.zkclienttimeout", o.getOrDefault("zk-timeout", "30000"));
    setLogDir(home);

    long started = System.nanoTime();
    Properties nodeProperties = new Properties();
    nodeProperties.setProperty("zkHost", zkHost);
    JettyConfig config =
        JettyConfig.builder()
            .setPort(port)
            .setContext(NguonSolr.CONTEXT)
            .stopAtShutdown(false)
            .withPortRetryTime(0)
            .waitForLoadingCoresToFinish(NguonSolr.CORE_LOAD_TIMEOUT_MS)
            .build();
    JettySolrRunner solr = new JettySolrRunner(home.toString(), nodeProperties, config);
    CountDownLatch stopped = onShutdown("node " + port, solr::stop);
    solr.start();
    CoreContainer cores = solr.getCoreContainer();
    if (cores == null || !cores.isZooKeeperAware()) {
      NguonSolr.fail(1, "Solr did not start in cloud mode (see the log above)");
    }
    for (Map.Entry<String, CoreContainer.CoreLoadFailure> failure :
        cores.getCoreInitFailures().entrySet()) {
      // A replica that cannot load is reported but does not stop the node: the others serve.
      System.err.println(
          "nguon-solr: ERROR core '"
              + failure.getKey()
              + "' failed to load: "
              + NguonSolr.rootMessage(failure.getValue().exception));
    }
    ready(
        String.format(
            "node %s on http://127.0.0.1:%d/solr zk=%s cores=%s home=%s (%.1fs)",
            solr.getNodeName(),
            port,
            zkHost,
            String.join(",", cores.getLoadedCoreNames()),
            home,
            (System.nanoTime() - started) / 1e9));
    stopped.await();
  }

  // ---------------------------------------------------------------- setup

  static void setup(Map<String, String> o) throws Exception {
    String zkHost = required(o, "zk-host");
    Path confDir = path(o, "configset");
    String collection = o.getOrDefault("collection", "plone");
    String configName = o.getOrDefault("config-name", collection);
    int nodes = number(o, "nodes", 3);
    int replicas = number(o, "replicas", nodes);
    long timeout = number(o, "timeout", 120);
    if (!Files.isRegularFile(confDir.resolve("solrconfig.xml"))) {
      NguonSolr.fail(1, "no solrconfig.xml in configset " + confDir);
    }
    int slash = zkHost.indexOf('/');
    String servers = slash < 0 ? zkHost : zkHost.substring(0, slash);
    Optional<String> chroot = slash < 0 ? Optional.empty() : Optional.of(zkHost.substring(slash));
    setLogDir(Paths.get(System.getProperty("java.io.tmpdir")));
    long started = System.nanoTime();

    try (SolrZkClient zk =
            new SolrZkClient.Builder()
                .withUrl(zkHost)
                .withTimeout(30, TimeUnit.SECONDS)
                .withConnTimeOut(30, TimeUnit.SECONDS)
                .build();
        CloudSolrClient client =
            new CloudSolrClient.Builder(List.of(servers.split(",")), chroot).build()) {
      ZkStateReader state = ZkStateReader.from(client);
      client.connect();
      try {
        state.waitForLiveNodes(timeout, TimeUnit.SECONDS, (old, live) -> live.size() >= nodes);
      } catch (TimeoutException e) {
        NguonSolr.fail(
            1,
            "only "
                + state.getClusterState().getLiveNodes().size()
                + " of "
                + nodes
                + " Solr nodes joined ZooKeeper "
                + zkHost
                + " within "
                + timeout
                + " s");
      }

      String configPath = CONFIGS + "/" + configName;
      boolean changed = !sameConfig(zk, confDir, configPath);
      if (changed) {
        if (zk.exists(configPath, true)) {
          zk.clean(configPath); // a file removed from the configset goes from ZooKeeper too
        }
        ZkMaintenanceUtils.uploadToZK(
            zk, confDir, configPath, ZkMaintenanceUtils.UPLOAD_FILENAME_EXCLUDE_PATTERN);
        say("configset '" + configName + "' uploaded from " + confDir);
      }

      DocCollection existing = state.getClusterState().getCollectionOrNull(collection);
      if (existing == null) {
        CollectionAdminRequest.createCollection(collection, configName, 1, replicas)
            .process(client);
        say("collection '" + collection + "' created: 1 shard, " + replicas + " replicas");
      } else {
        if (changed) {
          CollectionAdminRequest.reloadCollection(collection).process(client);
          say("collection '" + collection + "' reloaded with the new configset");
        }
        addMissingReplicas(client, state, collection, replicas);
      }

      try {
        state.waitForState(
            collection,
            timeout,
            TimeUnit.SECONDS,
            (live, coll) -> allActive(live, coll, replicas));
      } catch (TimeoutException e) {
        NguonSolr.fail(
            1,
            "collection '"
                + collection
                + "' has not "
                + replicas
                + " active replicas after "
                + timeout
                + " s: "
                + state.getClusterState().getCollectionOrNull(collection));
      }
      ready(
          String.format(
              "collection %s on %s: 1 shard, %d active replicas (%.1fs)",
              collection, zkHost, replicas, (System.nanoTime() - started) / 1e9));
    }
  }

  /** Adds a replica on each live node without one until the collection has {@code wanted}. */
  static void addMissingReplicas(
      CloudSolrClient client, ZkStateReader state, String collection, int wanted)
      throws Exception {
    DocCollection coll = state.getClusterState().getCollectionOrNull(collection);
    Slice shard = coll.getSlices().iterator().next();
    Set<String> holders = new HashSet<>();
    for (Replica replica : shard.getReplicas()) {
      holders.add(replica.getNodeName());
    }
    int count = shard.getReplicas().size();
    List<String> live = new ArrayList<>(state.getClusterState().getLiveNodes());
    live.sort(null);
    for (String node : live) {
      if (count >= wanted) {
        break;
      }
      if (!holders.contains(node)) {
        CollectionAdminRequest.addReplicaToShard(collection, shard.getName())
            .setNode(node)
            .process(client);
        say("replica of '" + collection + "' added on " + node);
        count++;
      }
    }
  }

  static boolean allActive(Set<String> live, DocCollection coll, int replicas) {
    if (coll == null) {
      return false;
    }
    int active = 0;
    for (Slice slice : coll.getSlices()) {
      if (slice.getLeader() == null) {
        return false;
      }
      for (Replica replica : slice.getReplicas()) {
        if (replica.isActive(live)) {
          active++;
        }
      }
    }
    return active >= replicas;
  }

  /** True when ZooKeeper holds exactly the files of the local configset, byte for byte. */
  static boolean sameConfig(SolrZkClient zk, Path confDir, String configPath) throws Exception {
    if (!zk.exists(configPath, true)) {
      return false;
    }
    Map<String, byte[]> local = new HashMap<>();
    try (Stream<Path> files = Files.walk(confDir)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String name = file.getFileName().toString();
        if (ZkMaintenanceUtils.UPLOAD_FILENAME_EXCLUDE_PATTERN.matcher(name).matches()) {
          continue;
        }
        local.put(confDir.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
      }
    }
    Map<String, byte[]> remote = new HashMap<>();
    readTree(zk, configPath, "", remote);
    if (!local.keySet().equals(remote.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> entry : local.entrySet()) {
      if (!Arrays.equals(entry.getValue(), remote.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  static void readTree(SolrZkClient zk, String base, String rel, Map<String, byte[]> out)
      throws Exception {
    String path = rel.isEmpty() ? base : base + "/" + rel;
    List<String> children = zk.getChildren(path, null, true);
    if (children.isEmpty()) {
      if (!rel.isEmpty()) {
        byte[] data = zk.getData(path, null, null, true);
        out.put(rel, data == null ? new byte[0] : data);
      }
      return;
    }
    for (String child : children) {
      readTree(zk, base, rel.isEmpty() ? child : rel + "/" + child, out);
    }
  }

  // ---------------------------------------------------------------- helpers

  interface Stopper {
    void stop() throws Exception;
  }

  /** Stops the part cleanly on SIGTERM / SIGINT; the returned latch opens once it is stopped. */
  static CountDownLatch onShutdown(String what, Stopper stopper) {
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean once = new AtomicBoolean(false);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (!once.compareAndSet(false, true)) {
                    return;
                  }
                  System.out.println("nguon-solr: stopping " + what);
                  try {
                    stopper.stop();
                  } catch (Exception e) {
                    System.err.println(
                        "nguon-solr: ERROR while stopping " + what + ": " + NguonSolr.rootMessage(e));
                  }
                  System.out.println("nguon-solr: stopped " + what);
                  System.out.flush();
                  stopped.countDown();
                },
                "nguon-solr-shutdown"));
    return stopped;
  }

  static void ready(String text) {
    System.out.println("nguon-solr: ready " + text);
    System.out.flush();
  }

  static void say(String text) {
    System.out.println("nguon-solr: " + text);
    System.out.flush();
  }

  static void setLogDir(Path dir) {
    if (System.getProperty("solr.log.dir") == null) {
      System.setProperty("solr.log.dir", dir.resolve("logs").toString());
    }
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || i + 1 >= args.length || args[i + 1].isEmpty()) {
        throw new IllegalArgumentException("bad argument '" + arg + "'\n" + USAGE);
      }
      out.put(arg.substring(2), args[++i]);
    }
    return out;
  }

  static String required(Map<String, String> o, String name) {
    String value = o.get(name);
    if (value == null || value.isBlank()) {
      NguonSolr.fail(1, "--" + name + " is needed\n" + USAGE);
    }
    return value;
  }

  static Path path(Map<String, String> o, String name) {
    return Paths.get(required(o, name)).toAbsolutePath().normalize();
  }

  static int number(Map<String, String> o, String name, int fallback) {
    String value = o.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      NguonSolr.fail(1, "--" + name + " '" + value + "' is not a number");
      return fallback;
    }
  }

  static int port(Map<String, String> o) {
    int port = number(o, "port", -1);
    if (port < 1 || port > 65535) {
      NguonSolr.fail(1, "--port is needed (1-65535)\n" + USAGE);
    }
    return port;
  }
}
