/**
 * Progress bar for long loads, drawn only when stderr is a terminal, so piped output and
 * logs stay clean. Shows bytes read of the file, quads parsed and quads per second.
 */
import { SingleBar } from 'cli-progress';

export interface LoadProgress {
  update(bytesRead: number, quads: number): void;
  stop(): void;
}

export function createLoadProgress(label: string, totalBytes: number): LoadProgress {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };

  const started = performance.now();
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {percentage}% | {quads} quads | {rate} quads/s | {eta_formatted} left`,
    barCompleteChar: '=',
    barIncompleteChar: ' ',
    hideCursor: true,
    etaBuffer: 50,
    fps: 10,
  });
  bar.start(Math.max(totalBytes, 1), 0, { quads: 0, rate: 0 });
  return {
    update(bytesRead, quads) {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(quads / seconds) : 0;
      bar.update(Math.min(bytesRead, totalBytes), {
        quads: quads.toLocaleString('en'),
        rate: rate.toLocaleString('en'),
      });
    },
    stop() {
      bar.update(totalBytes);
      bar.stop();
    },
  };
}
