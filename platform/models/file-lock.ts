import { open, rm, stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

/** A lock older than this was left by a crashed process. */
const STALE_MS = 30_000;
const GIVE_UP_MS = 60_000;

/**
 * Run `fn` holding `<path>.lock`, created exclusively (O_EXCL), so concurrent writers
 * of one file (two pushes into one layout's index.json) take turns instead of losing updates.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  const deadline = Date.now() + GIVE_UP_MS;
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      await (await open(lock, "wx")).close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_MS) await rm(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`${lock} held for over ${GIVE_UP_MS / 1000} s; remove it if no modelplane process is running`);
      else await sleep(wait);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}
