/**
 * deploy/kubernetes: the kustomize base and the example overlay render with `kubectl kustomize`,
 * every rendered object validates against the Kubernetes API schemas (kubernetes-models, and the
 * Prometheus Operator's for the ServiceMonitor), the pieces fit together (selectors, ports, probes,
 * grace above the gateway's shutdown grace), and the configuration they ship passes `--check`.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { runCli } from '../helpers/start-gateway.js';

const DEPLOY = fileURLToPath(new URL('../../../deploy/kubernetes', import.meta.url));
const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type K8sObject = Record<string, any>;

/** A model class per kind: constructing one and calling validate() checks it against the API schema. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  ConfigMap,
  Deployment,
  HorizontalPodAutoscaler,
  Namespace,
  PodDisruptionBudget,
  Secret,
  Service,
  ServiceAccount,
  ServiceMonitor,
};

function render(dir: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', path.join(DEPLOY, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
}

/** The one object of `kind` (of the gateway's component for Deployments and Services, which Redis has too). */
function one(objects: K8sObject[], kind: string, component = 'gateway'): K8sObject {
  const found = objects.filter(
    (o) =>
      o.kind === kind &&
      (!['Deployment', 'Service'].includes(kind) ||
        (o.metadata?.labels?.['app.kubernetes.io/component'] ?? o.spec?.template?.metadata?.labels?.['app.kubernetes.io/component']) ===
          component),
  );
  assert.equal(found.length, 1, `one ${kind} (${component})`);
  return found[0]!;
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

for (const dir of ['base', 'overlays/example']) {
  describe(`deploy/kubernetes/${dir}`, { skip: KUBECTL ? false : 'kubectl is not installed (.ci/run installs it)' }, () => {
    const objects = KUBECTL ? render(dir) : [];

    it('every rendered object validates against its API schema', () => {
      assert.ok(objects.length >= 7);
      for (const o of objects) {
        const Model = MODELS[o.kind as string];
        assert.ok(Model, `a schema for ${o.kind}`);
        assert.doesNotThrow(() => new Model(o as never).validate(), `${o.kind}/${o.metadata?.name}`);
      }
      // The validator is not a formality: the same Deployment with a wrong type is rejected.
      const broken = structuredClone(one(objects, 'Deployment'));
      broken.spec.replicas = 'two';
      assert.throws(() => new Deployment(broken as never).validate());
    });

    it('the Deployment: ≥ 2 replicas, probes, resources, non-root, the config watched, secrets from a Secret', () => {
      const dep = one(objects, 'Deployment');
      const pod = dep.spec.template.spec;
      const c = pod.containers[0];
      assert.ok(dep.spec.replicas >= 2);
      assert.equal(dep.spec.strategy.rollingUpdate.maxUnavailable, 0);
      assert.ok(matches(dep.spec.selector.matchLabels, dep.spec.template.metadata.labels));
      assert.deepEqual(c.args, ['--config', '/etc/switchyard/config.yaml', '--watch']);
      assert.equal(c.livenessProbe.httpGet.path, '/healthz');
      assert.equal(c.readinessProbe.httpGet.path, '/readyz');
      assert.ok(c.resources.requests.cpu && c.resources.limits.memory);
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false);
      assert.equal(c.envFrom[0].secretRef.name, 'switchyard-secrets');
      const configVolume = pod.volumes.find((v: K8sObject) => v.name === 'config');
      const configMount = c.volumeMounts.find((m: K8sObject) => m.name === 'config');
      assert.equal(configMount.mountPath, '/etc/switchyard');
      assert.equal(configMount.subPath, undefined, 'a subPath mount is never updated by Kubernetes');
      assert.equal(configVolume.configMap.name, one(objects, 'ConfigMap').metadata.name);
      const annotations = dep.spec.template.metadata.annotations;
      assert.equal(annotations['prometheus.io/scrape'], 'true');
      assert.equal(annotations['prometheus.io/port'], '9091');
    });

    it('terminationGracePeriodSeconds is above the configuration’s shutdown_grace_seconds', () => {
      const pod = one(objects, 'Deployment').spec.template.spec;
      const config = parseYaml(one(objects, 'ConfigMap').data['config.yaml']) as K8sObject;
      assert.ok(pod.terminationGracePeriodSeconds > config.server.shutdown_grace_seconds);
    });

    it('the Service, PodDisruptionBudget, HPA and ServiceMonitor point at the gateway pods and ports', () => {
      const dep = one(objects, 'Deployment');
      const podLabels = dep.spec.template.metadata.labels;
      const svc = one(objects, 'Service');
      assert.ok(matches(svc.spec.selector, podLabels));
      const containerPorts = dep.spec.template.spec.containers[0].ports.map((p: K8sObject) => p.name);
      for (const p of svc.spec.ports) assert.ok(containerPorts.includes(p.targetPort), p.targetPort);
      const pdb = one(objects, 'PodDisruptionBudget');
      assert.ok(matches(pdb.spec.selector.matchLabels, podLabels));
      assert.ok(pdb.spec.minAvailable >= 1 && pdb.spec.minAvailable < dep.spec.replicas);
      const hpa = one(objects, 'HorizontalPodAutoscaler');
      assert.equal(hpa.spec.scaleTargetRef.name, dep.metadata.name);
      assert.ok(hpa.spec.minReplicas >= 2);
      assert.equal(hpa.spec.metrics[0].resource.name, 'cpu');
      const sm = one(objects, 'ServiceMonitor');
      assert.ok(matches(sm.spec.selector.matchLabels, svc.metadata.labels));
      assert.ok(svc.spec.ports.some((p: K8sObject) => p.name === sm.spec.endpoints[0].port));
    });

    it('Redis for shared limits: its Deployment and Service fit together, non-root, and the configuration points at it', () => {
      const dep = one(objects, 'Deployment', 'redis');
      const svc = one(objects, 'Service', 'redis');
      const pod = dep.spec.template.spec;
      assert.ok(matches(svc.spec.selector, dep.spec.template.metadata.labels));
      assert.ok(
        !matches(one(objects, 'Service').spec.selector, dep.spec.template.metadata.labels),
        'the gateway Service never selects Redis',
      );
      assert.equal(pod.containers[0].ports[0].name, svc.spec.ports[0].targetPort);
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(pod.containers[0].securityContext.allowPrivilegeEscalation, false);
      const config = parseYaml(one(objects, 'ConfigMap').data['config.yaml']) as K8sObject;
      const url = /^\$\{REDIS_URL:-(.+)\}$/.exec(config.state.redis.url as string)?.[1];
      assert.equal(url, `redis://${svc.metadata.name}:${svc.spec.ports[0].port}`);
      assert.equal(config.server.workers, 'auto');
    });

    it('the shipped configuration passes switchyard --check', async () => {
      const cm = one(objects, 'ConfigMap');
      const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-k8s-'));
      try {
        const file = path.join(dir, 'config.yaml');
        // The journal path is the pod's volume; check the file with a writable one here.
        writeFileSync(file, cm.data['config.yaml'].replace('/var/lib/switchyard/requests.jsonl', path.join(dir, 'requests.jsonl')));
        const r = await runCli(['--check', '--config', file], { VLLM_API_KEY: 'k', SWITCHYARD_API_KEY: 'k' });
        assert.equal(r.code, 0, r.stderr + r.stdout);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
