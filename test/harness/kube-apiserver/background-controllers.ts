/**
 * Runs the in-process controllers (garbage collector, namespace controller, CRD cleanup) soon after a
 * change, off the request path, until nothing more changes, as the real controllers converge eventually.
 */
import type { ApiContext } from './api-context.js';
import type { CrdController } from './crd-controller.js';
import { collectGarbage } from './garbage-collector.js';
import { finalizeNamespaces } from './namespace-controller.js';

const MAX_PASSES = 20;

export class BackgroundControllers {
  private pending: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(
    private readonly ctx: ApiContext,
    private readonly crds: CrdController,
    private readonly onError: (err: unknown) => void,
  ) {}

  schedule(): void {
    if (this.pending || this.closed) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      this.run();
    });
  }

  private run(): void {
    try {
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        const changed = [collectGarbage(this.ctx), finalizeNamespaces(this.ctx), this.crds.cleanup()].some(Boolean);
        if (!changed) return;
      }
      this.schedule();
    } catch (err) {
      this.onError(err);
    }
  }

  close(): void {
    this.closed = true;
    if (this.pending) clearImmediate(this.pending);
    this.pending = undefined;
  }
}
