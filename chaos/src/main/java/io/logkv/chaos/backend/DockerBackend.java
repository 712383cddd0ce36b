package io.logkv.chaos.backend;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.util.List;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * Containers through Testcontainers, from the images that {@code chaos/docker/prepare-images.sh}
 * builds from the project's Dockerfiles. Nothing is pulled: an image that is missing makes the
 * backend unavailable, with the reason, rather than a pull.
 */
final class DockerBackend implements Backend {
  static final String NODE_IMAGE = "logkv/node:dev";
  static final String KAFKA_IMAGE = "logkv/kafka:dev";
  static final String NGINX_IMAGE = "logkv/nginx:dev";
  static final String TOXIPROXY_IMAGE = "logkv/toxiproxy:dev";
  static final List<String> IMAGES = List.of(NODE_IMAGE, KAFKA_IMAGE, NGINX_IMAGE, TOXIPROXY_IMAGE);
  static final String PREPARE = "chaos/docker/prepare-images.sh (then source the env file it names)";

  @Override
  public String name() {
    return "docker";
  }

  @Override
  public Optional<String> unavailable() {
    DockerClient docker;
    try {
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        return Optional.of("no Docker engine answers (DOCKER_HOST=" + System.getenv("DOCKER_HOST") + "); run " + PREPARE);
      }
      docker = DockerClientFactory.instance().client();
    } catch (RuntimeException e) {
      return Optional.of("no Docker engine answers (" + e.getMessage() + "); run " + PREPARE);
    }
    for (String image : IMAGES) {
      try {
        docker.inspectImageCmd(image).exec();
      } catch (NotFoundException e) {
        return Optional.of("image " + image + " is not on the engine and is never pulled; run " + PREPARE);
      }
    }
    return Optional.empty();
  }

  @Override
  public ChaosCluster start(ClusterSpec spec) {
    unavailable().ifPresent(why -> {
      throw new IllegalStateException("the docker backend cannot run: " + why);
    });
    return DockerCluster.start(spec);
  }
}
