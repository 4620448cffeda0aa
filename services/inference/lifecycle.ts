/**
 * Process lifecycle for the container and `modelplane serve`: start, then on SIGTERM (or SIGINT)
 * drain gracefully and report whether every request finished. A second signal does not cut the drain
 * short: Kubernetes sends SIGKILL when its grace period ends.
 */
import type { ServerConfig } from "./config.ts";
import { startServer, type RunningServer, type StartOptions } from "./server.ts";

export interface SignalSource {
  once(signal: "SIGTERM" | "SIGINT", listener: () => void): unknown;
  off(signal: "SIGTERM" | "SIGINT", listener: () => void): unknown;
}

/** Runs the server until a signal; resolves with the exit code (0 after a clean drain, 1 otherwise). */
export async function runUntilSignal(
  config: ServerConfig,
  opts: StartOptions & { signals?: SignalSource; onStarted?: (s: RunningServer) => void } = {},
): Promise<number> {
  const server = await startServer(config, opts);
  opts.onStarted?.(server);
  const signals = opts.signals ?? process;
  const signal = await new Promise<string>((resolve) => {
    const term = (): void => finish("SIGTERM");
    const int = (): void => finish("SIGINT");
    const finish = (name: string): void => {
      signals.off("SIGTERM", term);
      signals.off("SIGINT", int);
      resolve(name);
    };
    signals.once("SIGTERM", term);
    signals.once("SIGINT", int);
  });
  server.log.info({ signal }, "shutting down");
  // Keep a later signal from killing the process with the default handler mid-drain.
  const ignore = (): void => undefined;
  process.on("SIGTERM", ignore);
  process.on("SIGINT", ignore);
  try {
    const { clean } = await server.drain();
    return clean ? 0 : 1;
  } finally {
    process.off("SIGTERM", ignore);
    process.off("SIGINT", ignore);
  }
}
