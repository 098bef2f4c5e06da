package org.ogpcatalog.solr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.solr.common.cloud.SolrZkClient;
import org.apache.solr.common.cloud.ZkMaintenanceUtils;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;

/**
 * The project's Solr on loopback, one process per role (scripts/solr.sh starts and stops them):
 *
 * <pre>
 *   node       --port P --home DIR --configset DIR   one Solr node with a standalone core "ckan"
 *   zk         --port P --data DIR --configset DIR   ZooKeeper, with the configset uploaded as "ckan"
 *   cloud-node --port P --home DIR --zk HOST:PORT    one SolrCloud node
 * </pre>
 *
 * Every process runs until it is killed (SIGTERM stops Jetty and ZooKeeper cleanly).
 */
public final class Launcher {
  /** solr.xml of a standalone node: Solr's defaults. */
  private static final String SOLR_XML = "<solr/>\n";

  /** solr.xml of a SolrCloud node; Jetty sets hostPort, the launcher zkHost. */
  private static final String SOLR_XML_CLOUD =
      "<solr>\n"
          + "  <solrcloud>\n"
          + "    <str name=\"host\">127.0.0.1</str>\n"
          + "    <int name=\"hostPort\">${hostPort:0}</int>\n"
          + "    <str name=\"hostContext\">${hostContext:solr}</str>\n"
          + "    <str name=\"zkHost\">${zkHost}</str>\n"
          + "    <int name=\"zkClientTimeout\">${zkClientTimeout:15000}</int>\n"
          + "    <bool name=\"genericCoreNodeNames\">true</bool>\n"
          + "  </solrcloud>\n"
          + "</solr>\n";

  private Launcher() {}

  public static void main(String[] argv) {
    try {
      run(argv);
    } catch (Throwable e) {
      // Jetty's threads would keep a half-started JVM alive: exit, so that solr.sh sees it.
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] argv) throws Exception {
    if (argv.length == 0) {
      usage("no mode given");
    }
    Map<String, String> args = options(argv);
    switch (argv[0]) {
      case "node" -> {
        Path home = Path.of(need(args, "home"));
        copyConfigset(Path.of(need(args, "configset")), home.resolve("ckan/conf"));
        Files.writeString(home.resolve("ckan/core.properties"), "name=ckan\n");
        startSolr(home, Integer.parseInt(need(args, "port")), new Properties(), SOLR_XML);
      }
      case "cloud-node" -> {
        Properties props = new Properties();
        props.setProperty("zkHost", need(args, "zk"));
        startSolr(Path.of(need(args, "home")), Integer.parseInt(need(args, "port")), props,
            SOLR_XML_CLOUD);
      }
      case "zk" -> startZooKeeper(Integer.parseInt(need(args, "port")), Path.of(need(args, "data")),
          Path.of(need(args, "configset")));
      default -> usage("unknown mode " + argv[0]);
    }
  }

  private static void startSolr(Path home, int port, Properties props, String solrXml)
      throws Exception {
    Files.createDirectories(home);
    Files.writeString(home.resolve("solr.xml"), solrXml);
    JettyConfig config = JettyConfig.builder().setPort(port).setContext("/solr")
        .stopAtShutdown(true).build();
    JettySolrRunner jetty = new JettySolrRunner(home.toString(), props, config);
    jetty.start();
    if (jetty.getCoreContainer() == null || jetty.getCoreContainer().isShutDown()) {
      throw new IllegalStateException("Solr did not start: read the errors above");
    }
    System.out.println("solr: listening on " + jetty.getBaseUrl());
    Thread.currentThread().join();
  }

  private static void startZooKeeper(int port, Path data, Path configset) throws Exception {
    Files.createDirectories(data);
    Properties zk = new Properties();
    zk.setProperty("dataDir", data.toString());
    zk.setProperty("clientPort", Integer.toString(port));
    zk.setProperty("clientPortAddress", "127.0.0.1");
    zk.setProperty("tickTime", "2000");
    zk.setProperty("maxClientCnxns", "0");
    zk.setProperty("admin.enableServer", "false");
    zk.setProperty("4lw.commands.whitelist", "ruok,mntr,stat");
    QuorumPeerConfig quorum = new QuorumPeerConfig();
    quorum.parseProperties(zk);
    ServerConfig config = new ServerConfig();
    config.readFrom(quorum);
    ZooKeeperServerMain server = new ZooKeeperServerMain();
    Thread thread = new Thread(() -> {
      try {
        server.runFromConfig(config);
      } catch (Exception e) {
        e.printStackTrace();
        System.exit(1);
      }
    }, "zookeeper");
    thread.start();
    String address = "127.0.0.1:" + port;
    try (SolrZkClient client = new SolrZkClient.Builder().withUrl(address)
        .withTimeout(15, TimeUnit.SECONDS).withConnTimeOut(30, TimeUnit.SECONDS).build()) {
      String path = ZkMaintenanceUtils.CONFIGS_ZKNODE + "/ckan";
      if (client.exists(path, true)) {
        ZkMaintenanceUtils.clean(client, path);
      }
      ZkMaintenanceUtils.uploadToZK(client, configset, path,
          ZkMaintenanceUtils.UPLOAD_FILENAME_EXCLUDE_PATTERN);
    }
    System.out.println("zookeeper: listening on " + address + ", configset ckan uploaded");
    thread.join();
  }

  /** Replaces {@code target} with a copy of {@code source} (the repository's configset). */
  private static void copyConfigset(Path source, Path target) throws IOException {
    if (!Files.isRegularFile(source.resolve("solrconfig.xml"))) {
      usage("no solrconfig.xml in " + source);
    }
    if (Files.exists(target)) {
      try (Stream<Path> old = Files.walk(target)) {
        for (Path p : old.sorted((a, b) -> b.compareTo(a)).toList()) {
          Files.delete(p);
        }
      }
    }
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : files.toList()) {
        Path dest = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static Map<String, String> options(String[] argv) {
    Map<String, String> out = new HashMap<>();
    for (int i = 1; i < argv.length; i += 2) {
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
        usage("bad argument " + argv[i]);
      }
      out.put(argv[i].substring(2), argv[i + 1]);
    }
    return out;
  }

  private static String need(Map<String, String> args, String name) {
    String value = args.get(name);
    if (value == null) {
      usage("missing --" + name);
    }
    return value;
  }

  private static void usage(String problem) {
    System.err.println("Launcher: " + problem + "\nusage: Launcher node --port P --home DIR"
        + " --configset DIR | zk --port P --data DIR --configset DIR"
        + " | cloud-node --port P --home DIR --zk HOST:PORT");
    System.exit(2);
  }
}
