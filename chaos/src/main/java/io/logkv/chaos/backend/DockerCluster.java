package io.logkv.chaos.backend;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import io.logkv.chaos.fault.ProxyFaults;
import io.logkv.cluster.HttpProbe;
import io.logkv.kafkalocal.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * A chaos cluster in containers: a KRaft quorum of Kafka brokers, the project's Toxiproxy-API
 * server, the nodes and nginx, on two networks of their own.
 *
 * <pre>
 *   nginx --[front]-- n1..nN --[back]-- toxiproxy --[back]-- kafka1..kafkaM
 * </pre>
 *
 * <p>Node {@code i} bootstraps at {@code toxiproxy:19101+100b+i} for each broker {@code b}, a proxy
 * to that broker's listener {@code kafka<b>:9101+i} that advertises the same proxy address, so all
 * of a node's Kafka traffic crosses its own proxies (latency toxics) and the back network (a
 * partition is a real {@code network disconnect}; a broker disconnected from it is cut off from
 * the nodes and from its peers). Each broker also has a listener mapped to a host port, for the
 * suite's own admin client. The front network carries only nginx's traffic to the nodes, so a node
 * can be cut from nginx while it keeps Kafka. Every container has a fixed address on each network
 * and every node a fixed host port, because a reconnected or restarted container must come back
 * where nginx (which resolves its upstreams once) and the test's probes expect it.
 */
final class DockerCluster implements ChaosCluster {
  private static final Logger LOG = LoggerFactory.getLogger(DockerCluster.class);
  private static final int NODE_PORT = 8081;
  private static final int NGINX_PORT = 8080;
  private static final int API_PORT = 8474;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final DockerClient docker = DockerClientFactory.instance().client();
  private final ClusterSpec spec;
  private final String prefix = "logkv-chaos-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
  private final Path logDir;
  private final List<OwnNetwork> networks = new ArrayList<>();
  private final List<GenericContainer<?>> nodes = new ArrayList<>();
  private final List<Integer> nodeHostPorts = new ArrayList<>();
  /** [node][broker]. */
  private final List<List<Proxy>> proxies = new ArrayList<>();
  private final List<GenericContainer<?>> kafkas = new ArrayList<>();
  private final List<Integer> kafkaHostPorts = new ArrayList<>();
  private int[] brokerStarts;
  private OwnNetwork back;
  private OwnNetwork front;
  private GenericContainer<?> toxiproxy;
  private GenericContainer<?> nginx;
  private boolean closed;

  private DockerCluster(ClusterSpec spec) {
    this.spec = spec;
    this.logDir = spec.dataDir().resolve("logs");
  }

  static DockerCluster start(ClusterSpec spec) {
    DockerCluster c = new DockerCluster(spec);
    try {
      Files.createDirectories(c.logDir);
      c.startAll();
      return c;
    } catch (IOException e) {
      c.close();
      throw new UncheckedIOException("creating " + c.logDir + " failed", e);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void startAll() {
    back = OwnNetwork.create(docker, prefix + "-back");
    networks.add(back);
    front = OwnNetwork.create(docker, prefix + "-front");
    networks.add(front);

    int brokers = spec.brokers();
    String voters = IntStream.range(0, brokers).mapToObj(b -> (b + 1) + "@" + brokerHost(b) + ":9093")
        .collect(Collectors.joining(","));
    String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
    brokerStarts = new int[brokers];
    List<GenericContainer<?>> first = new ArrayList<>();
    for (int b = 0; b < brokers; b++) {
      int broker = b;
      int hostPort = FreePorts.next();
      kafkaHostPorts.add(hostPort);
      String listeners = IntStream.range(0, spec.nodes())
          .mapToObj(i -> "N" + (i + 1) + ":" + brokerPort(i) + ":toxiproxy:" + proxyPort(i, broker))
          .collect(Collectors.joining(",")) + ",HOST:9200:127.0.0.1:" + hostPort;
      GenericContainer<?> kafka = container(DockerBackend.KAFKA_IMAGE, brokerHost(b), back, brokerHost(b), kafkaAddress(b))
          .withEnv("LOGKV_KAFKA_ADVERTISED_HOST", brokerHost(b))
          .withEnv("LOGKV_KAFKA_LISTENERS", listeners)
          .withExposedPorts(9200)
          .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
              new PortBinding(Ports.Binding.bindPort(hostPort), ExposedPort.tcp(9200))))
          .waitingFor(Wait.forLogMessage(".*broker up.*", 1).withStartupTimeout(START_TIMEOUT));
      if (brokers > 1) {
        kafka.withEnv("LOGKV_KAFKA_NODE_ID", Integer.toString(b + 1))
            .withEnv("LOGKV_KAFKA_VOTERS", voters)
            .withEnv("LOGKV_KAFKA_CLUSTER_ID", clusterId);
      }
      kafkas.add(kafka);
      first.add(kafka);
      brokerStarts[b] = 1;
    }
    toxiproxy = container(DockerBackend.TOXIPROXY_IMAGE, "toxiproxy", back, "toxiproxy", 11)
        .withExposedPorts(API_PORT)
        .waitingFor(Wait.forHttp("/proxies").forPort(API_PORT).withStartupTimeout(START_TIMEOUT));
    first.add(toxiproxy);
    Startables.deepStart(first).join(); // the brokers together: none answers before a quorum is up

    ToxiproxyClient api = new ToxiproxyClient(toxiproxy.getHost(), toxiproxy.getMappedPort(API_PORT));
    for (int i = 0; i < spec.nodes(); i++) {
      List<Proxy> row = new ArrayList<>();
      for (int b = 0; b < brokers; b++) {
        try {
          row.add(api.createProxy(brokerHost(b) + "-" + nodeId(i), "0.0.0.0:" + proxyPort(i, b),
              brokerHost(b) + ":" + brokerPort(i)));
        } catch (IOException e) {
          throw new UncheckedIOException("creating the Kafka proxy of " + nodeId(i) + " to " + brokerHost(b) + " failed", e);
        }
      }
      proxies.add(row);
    }

    for (int i = 0; i < spec.nodes(); i++) {
      int index = i;
      int hostPort = FreePorts.next();
      nodeHostPorts.add(hostPort);
      NodeContainer node =
          new NodeContainer(containerId -> connect(containerId, front, nodeId(index), nodeHost(index)));
      node.withNetwork(back)
          .withNetworkAliases(nodeId(i))
          .withExposedPorts(NODE_PORT)
          .withCreateContainerCmdModifier(cmd -> {
            cmd.withName(prefix + "-" + nodeId(index)).withIpv4Address(back.address(nodeHost(index)));
            cmd.getHostConfig().withPortBindings(
                new PortBinding(Ports.Binding.bindPort(hostPort), ExposedPort.tcp(NODE_PORT)));
          })
          .withEnv("LOGKV_BOOTSTRAP_SERVERS", IntStream.range(0, brokers)
              .mapToObj(b -> "toxiproxy:" + proxyPort(index, b)).collect(Collectors.joining(",")))
          .withEnv("LOGKV_NODE_ID", nodeId(i))
          // Bound to 0.0.0.0 on the run's private networks, which only the suite reaches: no tokens.
          .withEnv("LOGKV_INSECURE", "true")
          .withEnv("LOGKV_PORT", Integer.toString(NODE_PORT))
          .withEnv(shardedEnv())
          .withCommand(spec.nodeArgs().toArray(new String[0]))
          .waitingFor(Wait.forHttp("/health/ready").forPort(NODE_PORT).withStartupTimeout(START_TIMEOUT));
      nodes.add(node);
    }
    Startables.deepStart(nodes).join();

    String servers = IntStream.range(0, spec.nodes())
        .mapToObj(i -> "        server " + nodeId(i) + ":" + NODE_PORT + " max_fails=1 fail_timeout=2s;")
        .collect(Collectors.joining("\n"));
    long readTimeout = spec.balancerTimeout().toMillis();
    nginx = container(DockerBackend.NGINX_IMAGE, "nginx", front, "nginx", 10)
        .withExposedPorts(NGINX_PORT)
        .withEnv("LOGKV_NGINX_SERVERS", servers)
        // The workload reaches nginx from the docker gateway's address: never rate limited.
        .withEnv("LOGKV_NGINX_RATE_EXEMPT", "0.0.0.0/0 ::/0")
        .withEnv("LOGKV_NGINX_READ_TIMEOUT", readTimeout + "ms")
        .withEnv("LOGKV_NGINX_RETRY_WINDOW", (3 * readTimeout) + "ms")
        .waitingFor(Wait.forHttp("/nginx-health").forPort(NGINX_PORT).withStartupTimeout(START_TIMEOUT));
    nginx.start();
    LOG.info("docker cluster {} up: nginx at {}, nodes at {}", prefix, balancerUrl(),
        IntStream.range(0, size()).mapToObj(this::nodeUrl).toList());
  }

  /**
   * Sharded mode, as docker-compose.sharded.yml sets it: every member at its alias on the back
   * network (where the nodes reach each other to forward) and R; nothing in full-copy mode.
   */
  private Map<String, String> shardedEnv() {
    if (spec.replicas() == 0) {
      return Map.of();
    }
    String members = IntStream.range(0, spec.nodes())
        .mapToObj(i -> nodeId(i) + "=http://" + nodeId(i) + ":" + NODE_PORT).collect(Collectors.joining(","));
    return Map.of("LOGKV_MEMBERS", members, "LOGKV_REPLICAS", Integer.toString(spec.replicas()));
  }

  /** A container on {@code network} at host number {@code host} of its subnet. */
  private GenericContainer<?> container(String image, String name, OwnNetwork network, String alias, int host) {
    return new GenericContainer<>(DockerImageName.parse(image))
        .withNetwork(network)
        .withNetworkAliases(alias)
        .withCreateContainerCmdModifier(cmd -> cmd.withName(prefix + "-" + name).withIpv4Address(network.address(host)));
  }

  private void connect(String containerId, OwnNetwork network, String alias, int host) {
    docker.connectToNetworkCmd()
        .withNetworkId(network.getId())
        .withContainerId(containerId)
        .withContainerNetwork(new ContainerNetwork()
            .withAliases(alias)
            .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(network.address(host))))
        .exec();
  }

  private boolean connected(GenericContainer<?> c, OwnNetwork network) {
    InspectContainerResponse info = docker.inspectContainerCmd(c.getContainerId()).exec();
    return info.getNetworkSettings().getNetworks().values().stream()
        .anyMatch(n -> network.getId().equals(n.getNetworkID()));
  }

  private static int brokerPort(int i) {
    return 9101 + i;
  }

  private static int proxyPort(int i, int broker) {
    return 19101 + 100 * broker + i;
  }

  private static String brokerHost(int b) {
    return "kafka" + (b + 1);
  }

  private static int kafkaAddress(int b) {
    return 31 + b;
  }

  private static int nodeHost(int i) {
    return 21 + i;
  }

  // ---- what a scenario sees

  @Override
  public String balancerUrl() {
    return "http://" + nginx.getHost() + ":" + nginx.getMappedPort(NGINX_PORT);
  }

  @Override
  public int size() {
    return spec.nodes();
  }

  @Override
  public int replicas() {
    return spec.replicas();
  }

  @Override
  public String nodeId(int i) {
    return "n" + (i + 1);
  }

  @Override
  public String nodeUrl(int i) {
    return "http://" + nodes.get(i).getHost() + ":" + nodeHostPorts.get(i);
  }

  @Override
  public void killNode(int i) {
    kill(nodes.get(i));
  }

  @Override
  public void stopNode(int i) {
    docker.stopContainerCmd(nodes.get(i).getContainerId()).withTimeout(30).exec();
  }

  @Override
  public void startNode(int i) {
    docker.startContainerCmd(nodes.get(i).getContainerId()).exec();
  }

  @Override
  public void awaitNodeReady(int i, Duration timeout) {
    String ready = nodeUrl(i) + "/health/ready";
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!HttpProbe.answers200(ready)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(nodeId(i) + " was not ready within " + timeout + "; logs in " + logDir);
      }
      sleep(100);
    }
  }

  @Override
  public void pauseNode(int i) {
    docker.pauseContainerCmd(nodes.get(i).getContainerId()).exec();
  }

  @Override
  public void resumeNode(int i) {
    InspectContainerResponse.ContainerState state = state(nodes.get(i));
    if (Boolean.TRUE.equals(state.getPaused())) {
      docker.unpauseContainerCmd(nodes.get(i).getContainerId()).exec();
    }
  }

  @Override
  public boolean nodeAlive(int i) {
    return Boolean.TRUE.equals(state(nodes.get(i)).getRunning());
  }

  @Override
  public int brokerCount() {
    return kafkas.size();
  }

  @Override
  public String kafkaBootstrap() {
    return kafkaHostPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  @Override
  public boolean brokerAlive(int b) {
    return Boolean.TRUE.equals(state(kafkas.get(b)).getRunning());
  }

  @Override
  public void killBroker(int b) {
    kill(kafkas.get(b));
  }

  @Override
  public void stopBroker(int b) {
    docker.stopContainerCmd(kafkas.get(b).getContainerId()).withTimeout(30).exec();
  }

  @Override
  public void startBroker(int b) {
    docker.startContainerCmd(kafkas.get(b).getContainerId()).exec();
    awaitBrokerUp(b);
  }

  @Override
  public void startStoppedBrokers() {
    List<Integer> stopped = IntStream.range(0, kafkas.size()).filter(b -> !brokerAlive(b)).boxed().toList();
    stopped.forEach(b -> docker.startContainerCmd(kafkas.get(b).getContainerId()).exec());
    stopped.forEach(this::awaitBrokerUp);
  }

  /** Waits for the container's next "broker up" line (BrokerMain logs it once the broker answers). */
  private void awaitBrokerUp(int b) {
    brokerStarts[b]++;
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (brokerUpLines(b) < brokerStarts[b]) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(brokerHost(b) + " did not come back within " + START_TIMEOUT);
      }
      sleep(200);
    }
  }

  private long brokerUpLines(int b) {
    return kafkas.get(b).getLogs().lines().filter(l -> l.contains("broker up")).count();
  }

  @Override
  public void pauseBroker(int b) {
    docker.pauseContainerCmd(kafkas.get(b).getContainerId()).exec();
  }

  @Override
  public void resumeBroker(int b) {
    if (Boolean.TRUE.equals(state(kafkas.get(b)).getPaused())) {
      docker.unpauseContainerCmd(kafkas.get(b).getContainerId()).exec();
    }
  }

  @Override
  public void cutBroker(int b) {
    docker.disconnectFromNetworkCmd().withNetworkId(back.getId()).withContainerId(kafkas.get(b).getContainerId())
        .withForce(true).exec();
  }

  @Override
  public boolean canCutBroker() {
    return kafkas.size() > 1;
  }

  @Override
  public void healBroker(int b) {
    GenericContainer<?> kafka = kafkas.get(b);
    if (Boolean.TRUE.equals(state(kafka).getRunning()) && !connected(kafka, back)) {
      connect(kafka.getContainerId(), back, brokerHost(b), kafkaAddress(b));
    }
  }

  @Override
  public void cutFromKafka(int i) {
    docker.disconnectFromNetworkCmd().withNetworkId(back.getId()).withContainerId(nodes.get(i).getContainerId())
        .withForce(true).exec();
  }

  @Override
  public void delayKafka(int i, long millis) {
    proxies.get(i).forEach(p -> ProxyFaults.delay(p, nodeId(i), millis));
  }

  @Override
  public void cutFromBalancer(int i) {
    docker.disconnectFromNetworkCmd().withNetworkId(front.getId()).withContainerId(nodes.get(i).getContainerId())
        .withForce(true).exec();
  }

  @Override
  public boolean canCutFromBalancer() {
    return true;
  }

  @Override
  public void healLinks(int i) {
    GenericContainer<?> node = nodes.get(i);
    if (!connected(node, back)) {
      connect(node.getContainerId(), back, nodeId(i), nodeHost(i));
    }
    if (!connected(node, front)) {
      connect(node.getContainerId(), front, nodeId(i), nodeHost(i));
    }
    proxies.get(i).forEach(p -> ProxyFaults.heal(p, nodeId(i)));
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> d = new LinkedHashMap<>();
    Info engine = DockerClientFactory.instance().getInfo();
    d.put("backend", "docker: Testcontainers " + GenericContainer.class.getPackage().getImplementationVersion()
        + " on " + engine.getServerVersion() + " (" + engine.getName()
        + "), images " + String.join(", ", DockerBackend.IMAGES));
    d.put("faults", "docker kill / stop / start of containers, docker pause (cgroup freezer) for a hung node,"
        + " network disconnect from the Kafka network or from nginx's network for partitions,"
        + " Toxiproxy latency toxics (the project's Toxiproxy-API server, in a container) on each node's Kafka link");
    d.put("pause", "docker pause (cgroup freezer), then unpause");
    d.put("kafka cut", "its container disconnected from the Kafka network");
    d.put("balancer cut", "its container disconnected from nginx's network");
    d.put("mode", mode());
    if (spec.replicas() > 0) {
      d.put("routing", "nginx round robin (the image's config has no owner routing); a node forwards a key it does"
          + " not own to an owner over the Kafka network");
    }
    d.put("brokers", kafkas.size() + " KRaft broker+controller container(s)");
    d.put("broker cut", "its container disconnected from the network of the nodes, the proxies and the other brokers");
    return d;
  }

  @Override
  public Path logDir() {
    return logDir;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<GenericContainer<?>> all = new ArrayList<>(nodes);
    all.add(nginx);
    all.add(toxiproxy);
    all.addAll(kafkas);
    for (GenericContainer<?> c : all) {
      if (c == null || c.getContainerId() == null) {
        continue;
      }
      String name = c.getContainerName().replaceFirst("^/", "").replace(prefix + "-", "");
      try {
        Files.writeString(logDir.resolve(name + ".log"), c.getLogs(), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not save the log of {}: {}", name, e.toString());
      }
      try {
        c.stop();
      } catch (RuntimeException e) {
        LOG.warn("could not remove container {}: {}", name, e.toString());
      }
    }
    for (OwnNetwork n : networks) {
      n.close();
    }
  }

  private void kill(GenericContainer<?> c) {
    docker.killContainerCmd(c.getContainerId()).exec();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Boolean.TRUE.equals(state(c).getRunning()) && System.nanoTime() < deadline) {
      sleep(50);
    }
  }

  private InspectContainerResponse.ContainerState state(GenericContainer<?> c) {
    return docker.inspectContainerCmd(c.getContainerId()).exec().getState();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A node: created on the back network, joined to the front one before it starts. */
  private static final class NodeContainer extends GenericContainer<NodeContainer> {
    private final Consumer<String> onCreated;

    NodeContainer(Consumer<String> onCreated) {
      super(DockerImageName.parse(DockerBackend.NODE_IMAGE));
      this.onCreated = onCreated;
    }

    @Override
    protected void containerIsCreated(String containerId) {
      onCreated.accept(containerId);
    }
  }

  /**
   * A bridge network with a /24 subnet of its own, so that containers get fixed addresses; the
   * subnet is drawn at random in 10.213.0.0/16 and drawn again if the engine already uses it.
   */
  private static final class OwnNetwork implements Network {
    private final DockerClient docker;
    private final String id;
    private final String subnetPrefix;

    private OwnNetwork(DockerClient docker, String id, String subnetPrefix) {
      this.docker = docker;
      this.id = id;
      this.subnetPrefix = subnetPrefix;
    }

    static OwnNetwork create(DockerClient docker, String name) {
      RuntimeException last = null;
      for (int attempt = 0; attempt < 8; attempt++) {
        String prefix = "10.213." + ThreadLocalRandom.current().nextInt(256) + ".";
        try {
          String id = docker.createNetworkCmd()
              .withName(name)
              .withDriver("bridge")
              .withIpam(new com.github.dockerjava.api.model.Network.Ipam()
                  .withConfig(new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet(prefix + "0/24")))
              .exec()
              .getId();
          return new OwnNetwork(docker, id, prefix);
        } catch (DockerException e) {
          if (!String.valueOf(e.getMessage()).contains("overlap")) {
            throw e;
          }
          last = e; // the subnet overlaps one in use: draw another
        }
      }
      throw new IllegalStateException("could not create network " + name + " with a free subnet", last);
    }

    String address(int host) {
      return subnetPrefix + host;
    }

    @Override
    public String getId() {
      return id;
    }

    @Override
    public void close() {
      try {
        docker.removeNetworkCmd(id).exec();
      } catch (RuntimeException e) {
        LOG.warn("could not remove network {}: {}", id, e.toString());
      }
    }
  }
}
