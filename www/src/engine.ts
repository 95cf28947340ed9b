// The page's side of the engine worker: promise-returning calls, progress events, and a
// restart if the WebAssembly module ever traps (the page keeps working).
import type { Progress, Reply, Request } from './protocol';
import { unpackReply } from './results-unpack';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class Engine {
  private worker!: Worker;
  private next = 1;
  private pending = new Map<number, Pending>();
  onProgress: (p: Progress['progress'] | null) => void = () => {};
  /// Called after the worker had to be restarted (state lost: framework and data reload).
  onRestart: () => void = () => {};

  constructor() {
    this.start();
  }

  private start(): void {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<Reply | Progress>) => {
      const msg = ev.data;
      if ('progress' in msg) {
        this.onProgress(msg.progress);
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) this.onProgress(null);
      if (msg.ok) p.resolve(unpackReply(msg.result));
      else {
        const e = new Error(msg.error?.message ?? 'unknown error');
        e.name = msg.error?.name ?? 'Error';
        if (e.name === 'RuntimeError') this.restart(e);
        p.reject(e);
      }
    };
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      this.restart(new Error(ev.message || 'the engine stopped'));
    };
  }

  private restart(cause: Error): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(cause);
    this.pending.clear();
    this.onProgress(null);
    this.start();
    this.onRestart();
  }

  call<T>(req: Request): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, req });
    });
  }
}
