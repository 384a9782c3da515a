import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { leaderElectionMetrics, reconcileMetrics, workQueueMetrics } from '../../src/runtime/controller-metrics.js';

const allNames = [
  'controller_runtime_reconcile_total',
  'controller_runtime_reconcile_errors_total',
  'controller_runtime_reconcile_time_seconds',
  'controller_runtime_max_concurrent_reconciles',
  'controller_runtime_active_workers',
  'workqueue_depth',
  'workqueue_adds_total',
  'workqueue_queue_duration_seconds',
  'workqueue_work_duration_seconds',
  'workqueue_retries_total',
  'workqueue_unfinished_work_seconds',
  'workqueue_longest_running_processor_seconds',
  'leader_election_master_status',
];

describe('controller metrics', () => {
  it('registers every family under controller-runtime names with zero series before any work', async () => {
    const registry = new Registry();
    workQueueMetrics(registry, 'kasmgroup');
    reconcileMetrics(registry, 'kasmgroup');
    leaderElectionMetrics(registry, 'kasm-operator');
    for (const name of allNames) expect(registry.getSingleMetric(name), name).toBeDefined();
    const text = await registry.metrics();
    expect(text).toContain('controller_runtime_reconcile_errors_total{controller="kasmgroup"} 0');
    expect(text).toContain('controller_runtime_reconcile_total{controller="kasmgroup",result="requeue"} 0');
    expect(text).toContain('workqueue_unfinished_work_seconds{name="kasmgroup"} 0');
    expect(text).toContain('leader_election_master_status{name="kasm-operator"} 0');
  });

  it('shares one family between controllers on the same registry, told apart by label', async () => {
    const registry = new Registry();
    const users = reconcileMetrics(registry, 'kasmuser');
    const groups = reconcileMetrics(registry, 'kasmgroup');
    users.reconciled('success', 0.1);
    users.reconciled('error', 0.2);
    groups.reconciled('requeue', 0.3);
    const again = reconcileMetrics(registry, 'kasmuser');
    again.reconciled('success', 0.1);
    const text = await registry.metrics();
    expect(text).toContain('controller_runtime_reconcile_total{controller="kasmuser",result="success"} 2');
    expect(text).toContain('controller_runtime_reconcile_errors_total{controller="kasmuser"} 1');
    expect(text).toContain('controller_runtime_reconcile_total{controller="kasmgroup",result="requeue"} 1');
    expect(text).toContain('controller_runtime_reconcile_errors_total{controller="kasmgroup"} 0');
  });

  it('reads in-flight figures at scrape time, summing queues that share a name', async () => {
    const registry = new Registry();
    const a = workQueueMetrics(registry, 'q');
    const b = workQueueMetrics(registry, 'q');
    a.trackInFlight(() => ({ unfinishedSeconds: 3, longestRunningSeconds: 2 }));
    const stop = b.trackInFlight(() => ({ unfinishedSeconds: 4, longestRunningSeconds: 4 }));
    let text = await registry.metrics();
    expect(text).toContain('workqueue_unfinished_work_seconds{name="q"} 7');
    expect(text).toContain('workqueue_longest_running_processor_seconds{name="q"} 4');
    stop();
    text = await registry.metrics();
    expect(text).toContain('workqueue_unfinished_work_seconds{name="q"} 3');
    expect(text).toContain('workqueue_longest_running_processor_seconds{name="q"} 2');
  });

  it('reports leadership as 1 or 0', async () => {
    const registry = new Registry();
    const leader = leaderElectionMetrics(registry, 'kasm-operator');
    leader.leading(true);
    expect(await registry.metrics()).toContain('leader_election_master_status{name="kasm-operator"} 1');
    leader.leading(false);
    expect(await registry.metrics()).toContain('leader_election_master_status{name="kasm-operator"} 0');
  });

  it('refuses a name already taken by a metric of another type', () => {
    const registry = new Registry();
    new Counter({ name: 'workqueue_depth', help: 'clash', labelNames: ['name'], registers: [registry] });
    expect(() => workQueueMetrics(registry, 'q')).toThrow(/workqueue_depth is already registered with a different type/);
  });
});
