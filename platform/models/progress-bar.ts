import type { Writable } from "node:stream";

/**
 * A one-line progress bar redrawn in place with \r, for terminals only: piped output
 * and logs get no control characters. Redraws at most every 100 ms.
 */
export function progressBar(
  stream: Writable & { isTTY?: boolean },
  label: string,
  enabled = true,
): { update(done: number, total: number): void; end(): void } {
  if (!enabled || !stream.isTTY) return { update() {}, end() {} };
  let last = 0;
  let drawn = false;
  const draw = (done: number, total: number) => {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(frac * width);
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    stream.write(`\r${label} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${mb(done)}/${mb(total)} MB`);
    drawn = true;
  };
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      draw(done, total);
    },
    end() {
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
}

function mb(n: number): string {
  return (n / 1e6).toFixed(1);
}
