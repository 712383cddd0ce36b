package io.logkv.chaos.workload;

import io.logkv.chaos.history.History;
import io.logkv.chaos.history.ReadMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Client threads that write unique values over a hot key set and read them back through one
 * client (nginx), recording every operation in a history.
 *
 * <p>Mix per operation: 45% PUT, 5% DELETE, 20% default read, 20% TOKEN read (the thread's session
 * token), 10% STRONG read. Values are {@code <prefix>-p<thread>-<n>}: unique per key, as the checker
 * requires. Each thread is bounded by a count and a duration, so a hung cluster cannot keep the
 * run alive; {@link #stop()} ends them sooner.
 */
public final class Workload implements AutoCloseable {
  private final WorkloadSpec spec;
  private final Ops ops;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  private Workload(WorkloadSpec spec, Ops ops) {
    this.spec = spec;
    this.ops = ops;
  }

  /** Starts the threads; processes are numbered from {@code firstProcess}. */
  public static Workload start(WorkloadSpec spec, Ops ops, int firstProcess) {
    Workload w = new Workload(spec, ops);
    for (int t = 0; t < spec.threads(); t++) {
      int process = firstProcess + t;
      Thread thread = new Thread(() -> w.run(process), "workload-p" + process);
      thread.setDaemon(true);
      w.threads.add(thread);
      thread.start();
    }
    return w;
  }

  private void run(int process) {
    SplittableRandom random = new SplittableRandom(0x10C4L * 31 + process);
    Session session = new Session();
    long deadline = System.nanoTime() + spec.maxDuration().toNanos();
    long thinkNanos = spec.think().toNanos();
    for (long n = 0; n < spec.maxOpsPerThread() && !stopping.get() && System.nanoTime() < deadline; n++) {
      String key = spec.key(random.nextInt(spec.keys()));
      int dice = random.nextInt(100);
      if (dice < 45) {
        ops.put(process, key, spec.keyPrefix() + "-p" + process + "-" + n, session);
      } else if (dice < 50) {
        ops.delete(process, key, session);
      } else if (dice < 70) {
        ops.get(process, key, ReadMode.DEFAULT, session);
      } else if (dice < 90) {
        ops.get(process, key, ReadMode.TOKEN, session);
      } else {
        ops.get(process, key, ReadMode.STRONG, session);
      }
      if (thinkNanos > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(thinkNanos);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Tells the threads to stop and waits for their last operation (bounded by the client timeout). */
  public void stop() {
    stopping.set(true);
    for (Thread t : threads) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}
