import type { z } from 'zod';
import { KubeApiError, type KubeRequest, type KubeRequester } from '../../../src/runtime/kube-json-client.js';

/** A scripted stand-in for the Kubernetes API: records requests and answers with `reply`. */
export class FakeRequester implements KubeRequester {
  readonly requests: KubeRequest[] = [];
  constructor(private readonly reply: (req: KubeRequest) => unknown = () => ({})) {}

  async request(req: KubeRequest): Promise<unknown> {
    this.requests.push(req);
    await Promise.resolve();
    return this.reply(req);
  }

  async requestParsed<S extends z.ZodType>(req: KubeRequest, schema: S): Promise<z.infer<S>> {
    return schema.parse(await this.request(req));
  }

  count(method: string, pathPart = ''): number {
    return this.requests.filter((r) => r.method === method && r.path.includes(pathPart)).length;
  }
}

export function apiError(status: number, reason: string, req: KubeRequest): KubeApiError {
  return new KubeApiError(`${req.method} ${req.path}: ${reason}`, { status, reason, method: req.method, path: req.path });
}
