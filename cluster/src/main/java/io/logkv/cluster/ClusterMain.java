package io.logkv.cluster;

import io.logkv.cluster.tls.LocalCertificates;
import io.logkv.cluster.tls.TlsFiles;
import io.logkv.kafkalocal.KafkaBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar logkv-cluster.jar up [--nodes 3] [--port 8080] [--data-dir DIR] [--tls]
 * [--auth-file FILE]}, and {@code certs} to make the TLS files alone.
 */
@Command(
    name = "logkv-cluster",
    mixinStandardHelpOptions = true,
    subcommands = {ClusterMain.Up.class, ClusterMain.Certs.class},
    description = "A logkv cluster on this machine: Kafka brokers, nodes and nginx, as local processes.")
public final class ClusterMain implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new ClusterMain()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Starts Kafka brokers (a KRaft quorum), the nodes and nginx on 127.0.0.1, waits until all are ready,",
        "prints their URLs and runs until Ctrl-C or SIGTERM, which stops every child. If this process",
        "is killed outright (SIGKILL), every child notices and exits by itself."
      })
  static final class Up implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "3", description = "Number of nodes. Default: ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--port", defaultValue = "8080", description = "nginx port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--node-port", defaultValue = "8081",
        description = "First node's port; the others follow. Default: ${DEFAULT-VALUE}.")
    int nodePort;

    @Option(names = "--replicas", defaultValue = "0",
        description = "Sharded mode: how many nodes hold each partition (R); 0: every node a full copy. The cluster holds up to N/R times what one node can, less the uneven deal of partitions: with --nodes 4 --replicas 2 and 24 partitions, about 1.6 times (33 partitions: 1.94). Default: ${DEFAULT-VALUE}.")
    int replicas;

    @Option(names = "--partitions",
        description = "Partitions of the log topic when it is created. Default: 6, or 24 with --replicas (several per node spread the data evenly).")
    Integer partitions;

    @Option(names = "--brokers", defaultValue = "3",
        description = "Kafka brokers, a KRaft quorum of combined broker+controllers; 3 survives the loss of one, 1 suits a small machine. Default: ${DEFAULT-VALUE}.")
    int brokers;

    @Option(names = "--kafka-port", defaultValue = "9092",
        description = "First broker's client port; the others follow. Default: ${DEFAULT-VALUE}.")
    int kafkaPort;

    @Option(names = "--controller-port", defaultValue = "9192",
        description = "First broker's KRaft controller port; the others follow. Default: ${DEFAULT-VALUE}.")
    int controllerPort;

    @Option(names = "--data-dir", defaultValue = "logkv-data",
        description = "Broker data, node files and logs (DIR/logs); kept, so a second `up` has the data. Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(names = "--nginx", defaultValue = "nginx",
        description = "nginx binary, a name on the PATH or a path. Default: ${DEFAULT-VALUE}.")
    String nginx;

    @Option(names = "--node-heap", defaultValue = "512m", description = "Each node's -Xmx. Default: ${DEFAULT-VALUE}.")
    String nodeHeap;

    @Option(names = "--node-option", paramLabel = "OPTION",
        description = "Extra option for every node, repeatable, e.g. --node-option=--write-timeout=2s.")
    List<String> nodeOptions = new ArrayList<>();

    @Option(names = "--auth-file", paramLabel = "FILE",
        description = "Bearer tokens for every node ('<token> <role>[,<role>...]' a line; roles read, write, admin); reloaded when it changes. Default: none, no token asked (everything binds 127.0.0.1).")
    Path authFile;

    @Option(names = "--tls",
        description = "nginx serves HTTPS on --port (plain HTTP there is refused), with a server certificate from a local CA, both made in DIR/tls on the first run and reused after; clients trust DIR/tls/ca.crt.")
    boolean tls;

    @Option(names = "--tls-name", paramLabel = "NAME",
        description = "A host name or address the generated certificate names besides localhost, 127.0.0.1 and ::1, repeatable.")
    List<String> tlsNames = new ArrayList<>();

    @Option(names = "--tls-cert", paramLabel = "FILE",
        description = "Serve HTTPS with this certificate (PEM, the server's first, then its chain) instead of a generated one; needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The private key (PEM) of --tls-cert.")
    Path tlsKey;

    @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "200",
        description = "Requests per second nginx accepts from one client address; beyond it, and a burst, it answers 429. Default: ${DEFAULT-VALUE}.")
    int rateLimit;

    @Option(names = "--rate-burst", paramLabel = "N", defaultValue = "400",
        description = "Requests a client may send at once above --rate-limit. Default: ${DEFAULT-VALUE}.")
    int rateBurst;

    @Option(names = "--rate-limit-exempt", paramLabel = "CIDR", split = ",", defaultValue = "127.0.0.0/8,::1",
        description = "Client addresses or ranges never rate limited, comma separated or repeated; 0.0.0.0/0,::/0 turns the limit off. Default: ${DEFAULT-VALUE}.")
    List<String> rateLimitExempt = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
      if (nodes < 1 || nodes > 64) {
        System.err.println("--nodes must be 1..64");
        return 2;
      }
      if (replicas < 0 || (replicas > 0 && replicas > nodes)) {
        System.err.println("--replicas must be 0 (full copy) or 1.." + nodes + " (the node count)");
        return 2;
      }
      if (brokers < 1 || brokers > 9) {
        System.err.println("--brokers must be 1..9");
        return 2;
      }
      if ((tlsCert == null) != (tlsKey == null)) {
        System.err.println("--tls-cert and --tls-key go together");
        return 2;
      }
      NginxSettings.RateLimit limit;
      List<String> args = new ArrayList<>(nodeOptions);
      try {
        limit = new NginxSettings.RateLimit(rateLimit, rateBurst, rateLimitExempt);
        if (authFile != null) {
          if (!java.nio.file.Files.isReadable(authFile)) {
            throw new IllegalArgumentException("--auth-file " + authFile + " cannot be read");
          }
          args.add("--auth-file=" + authFile.toAbsolutePath());
        }
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      System.out.printf("starting %d Kafka broker(s) and %d node(s)%s; data and logs in %s%n", brokers, nodes,
          replicas > 0 && replicas < nodes ? ", sharded: each partition on " + replicas : "", dataDir.toAbsolutePath());
      LocalCluster.Builder builder =
          LocalCluster.builder()
              .nodes(nodes)
              .replicas(replicas)
              .partitions(partitions != null ? partitions : replicas > 0 ? 24 : 6)
              .brokers(brokers)
              .dataDir(dataDir)
              .kafkaPort(kafkaPort)
              .controllerPort(controllerPort)
              .firstNodePort(nodePort)
              .nginxPort(port)
              .nginx(nginx)
              .nodeJvmOptions(LocalCluster.Builder.defaultNodeJvmOptions(nodeHeap))
              .superviseNodes(true)
              .nodeArgs(args)
              .nginxRateLimit(limit);
      if (tlsCert != null) {
        try {
          builder.nginxTls(TlsFiles.userProvided(tlsCert, tlsKey));
        } catch (IllegalArgumentException e) {
          System.err.println(e.getMessage());
          return 2;
        }
      } else if (tls || !tlsNames.isEmpty()) {
        builder.nginxTlsGenerated(tlsNames);
      }
      LocalCluster cluster = builder.build();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        System.out.println("stopping the cluster...");
        cluster.close();
        System.out.println("stopped.");
        stopped.countDown();
      }, "cluster-shutdown"));
      try {
        cluster.start();
      } catch (RuntimeException e) {
        System.err.println("the cluster did not start: " + e.getMessage());
        return 1;
      }
      printTable(cluster, authFile);
      stopped.await();
      return 0;
    }

    private static void printTable(LocalCluster cluster, Path authFile) {
      StringBuilder t = new StringBuilder("\nlogkv cluster is up\n");
      String row = "  %-7s %-26s %-8s %s%n";
      t.append(String.format(row, "ROLE", "ADDRESS", "PID", "LOG"));
      cluster.nginx().ifPresent(n -> t.append(String.format(row, "nginx", n.url(), n.process().pid(),
          cluster.logDir().resolve("nginx-error.log"))));
      for (NodeProcess n : cluster.nodes()) {
        t.append(String.format(row, n.id(), n.url(), n.process().pid(), n.process().logFile()));
      }
      for (KafkaBroker b : cluster.kafka().brokers()) {
        t.append(String.format(row, "kafka-" + b.nodeId(), b.bootstrapServers(), b.process().pid(), b.process().logFile()));
      }
      if (cluster.nginx().isEmpty()) {
        t.append('\n').append(Nginx.installHint()).append('\n');
      }
      String url = cluster.url();
      String curl = "curl ";
      Optional<TlsFiles> tls = cluster.nginx().flatMap(n -> n.settings().tls());
      if (tls.isPresent()) {
        t.append("\nHTTPS at nginx with ").append(tls.get().certificate());
        if (tls.get().ca().isPresent()) {
          t.append("; clients trust ").append(tls.get().ca().get());
          curl += "--cacert " + tls.get().ca().get() + " ";
        }
        t.append('\n');
      }
      if (authFile != null) {
        t.append("\nThe nodes ask for bearer tokens from ").append(authFile.toAbsolutePath()).append('\n');
        curl += "-H \"Authorization: Bearer $TOKEN\" ";
      }
      t.append("\nTry:\n")
          .append("  ").append(curl).append("-X PUT --data-binary 'hello' ").append(url).append("/keys/greeting\n")
          .append("  ").append(curl).append(url).append("/keys/greeting\n")
          .append("\nPress Ctrl-C to stop everything.\n");
      System.out.print(t);
      System.out.flush();
    }
  }

  @Command(
      name = "certs",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Makes (or reuses) a local CA and a server certificate for nginx, as `up --tls` does, e.g. for",
        "docker-compose.secure.yml: ca.crt (what clients trust), ca.key, server.crt and server.key in DIR."
      })
  static final class Certs implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "logkv-data/tls",
        description = "Where the PEM files go. Default: ${DEFAULT-VALUE}.")
    Path dir;

    @Option(names = "--tls-name", paramLabel = "NAME",
        description = "A host name or address the certificate names besides localhost, 127.0.0.1 and ::1, repeatable.")
    List<String> names = new ArrayList<>();

    @Override
    public Integer call() {
      TlsFiles files = LocalCertificates.ensure(dir, names, java.time.InstantSource.system());
      System.out.println("server certificate: " + files.certificate());
      System.out.println("server key:         " + files.key());
      System.out.println("CA (clients trust): " + files.ca().orElseThrow());
      return 0;
    }
  }
}
