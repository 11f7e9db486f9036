import { fileURLToPath } from 'node:url';
import type { FromWorker, LoadResult, LoadSpec } from './load-spec.js';
import { baseEnv, spawnNode, type Child } from './processes.js';

const WORKER = fileURLToPath(new URL('../load-worker.js', import.meta.url));

/** A load generator process that runs one spec at a time. */
export class LoadWorker {
  private constructor(private readonly child: Child) {}

  static async start(name = 'load generator'): Promise<LoadWorker> {
    const child = spawnNode(name, WORKER, { ...baseEnv(), NODE_ENV: 'production' }, { ipc: true });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.type !== 'ready') return;
        child.child.off('message', onMessage);
        resolve();
      };
      child.child.on('message', onMessage);
      void child.exited.then(() =>
        reject(new Error(`${name} exited before it was ready:\n${child.output()}`)),
      );
    });
    return new LoadWorker(child);
  }

  run(spec: LoadSpec): Promise<LoadResult> {
    const { child } = this;
    return new Promise<LoadResult>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === 'ready') return;
        child.child.off('message', onMessage);
        if (message.type === 'result') resolve(message.result);
        else reject(new Error(`${child.name}: ${message.message}`));
      };
      child.child.on('message', onMessage);
      void child.exited.then(() =>
        reject(new Error(`${child.name} exited during a run:\n${child.output()}`)),
      );
      child.child.send({ type: 'run', spec });
    });
  }

  get pid() {
    return this.child.pid;
  }

  stop() {
    return this.child.stop();
  }
}
