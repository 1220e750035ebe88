/**
 * Structural checks of deploy/kubernetes: the pod and container security settings, probes,
 * volumes, the Service, the PersistentVolumeClaim and the NetworkPolicy, and their agreement
 * with the image's config file.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readConfigFile } from '../../src/config.js';
import { DEPLOY_DIR, loadYamlDocuments } from './deploy-files.js';

// Loosely typed views of the manifests: the tests assert every field they read.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Manifest = Record<string, any>;

const manifests: Manifest[] = readdirSync(path.join(DEPLOY_DIR, 'kubernetes'))
  .filter((name) => name.endsWith('.yaml'))
  .flatMap((name) => loadYamlDocuments(`deploy/kubernetes/${name}`));
const imageConfig = readConfigFile(path.join(DEPLOY_DIR, 'container-config.json'));

function only(kind: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  assert.equal(found.length, 1, `expected one ${kind}, found ${found.length}`);
  return found[0]!;
}

const deployment = only('Deployment');
const pod = deployment.spec.template.spec;
const server = pod.containers.find((container: Manifest) => container.name === 'seven-tick');
const allContainers: Manifest[] = [...(pod.initContainers ?? []), ...pod.containers];

describe('kubernetes deployment', () => {
  test('pod runs as non-root', () => {
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(Number.isInteger(pod.securityContext.runAsUser));
    assert.ok(pod.securityContext.runAsUser > 0);
    assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
    assert.equal(pod.automountServiceAccountToken, false);
  });

  test('every container is locked down', () => {
    assert.ok(server, 'no container named seven-tick');
    for (const container of allContainers) {
      const context = container.securityContext;
      const name = container.name;
      assert.equal(context.runAsNonRoot, true, name);
      assert.ok(context.runAsUser > 0, name);
      assert.equal(context.allowPrivilegeEscalation, false, name);
      assert.equal(context.readOnlyRootFilesystem, true, name);
      assert.deepEqual(context.capabilities.drop, ['ALL'], name);
      assert.equal(context.capabilities.add, undefined, name);
      assert.equal(context.privileged, undefined, name);
      assert.equal(context.seccompProfile.type, 'RuntimeDefault', name);
      for (const kind of ['requests', 'limits']) {
        assert.ok(container.resources[kind].cpu, `${name} has no cpu ${kind}`);
        assert.ok(container.resources[kind].memory, `${name} has no memory ${kind}`);
      }
    }
  });

  test('single replica with Recreate', () => {
    assert.equal(deployment.spec.replicas, 1);
    assert.equal(deployment.spec.strategy.type, 'Recreate');
  });

  test('probes hit /health and /ready', () => {
    const port = server.ports.find((entry: Manifest) => entry.name === 'https');
    assert.equal(port.containerPort, imageConfig.port);
    assert.equal(server.livenessProbe.httpGet.path, '/health');
    assert.equal(server.readinessProbe.httpGet.path, '/ready');
    for (const probe of [server.livenessProbe, server.readinessProbe]) {
      assert.equal(probe.httpGet.port, 'https');
      assert.equal(probe.httpGet.scheme, 'HTTPS');
    }
  });

  test('writable only data dir and /tmp', () => {
    const writable = server.volumeMounts
      .filter((mount: Manifest) => mount.readOnly !== true)
      .map((mount: Manifest) => mount.mountPath)
      .sort();
    assert.deepEqual(writable, [imageConfig.dataDir, '/tmp'].sort());
    const volumes = new Map(pod.volumes.map((volume: Manifest) => [volume.name, volume]));
    const mountOf = (mountPath: string) =>
      volumes.get(
        server.volumeMounts.find((mount: Manifest) => mount.mountPath === mountPath).name,
      ) as Manifest;
    assert.equal(
      mountOf(imageConfig.dataDir!).persistentVolumeClaim.claimName,
      only('PersistentVolumeClaim').metadata.name,
    );
    assert.ok(mountOf('/tmp').emptyDir, '/tmp is not an emptyDir');
  });

  test('TLS comes from a Secret', () => {
    const tlsDir = path.dirname(imageConfig.tlsCert!);
    assert.equal(path.dirname(imageConfig.tlsKey!), tlsDir);
    const tlsMount = server.volumeMounts.find((mount: Manifest) => mount.mountPath === tlsDir);
    assert.ok(tlsMount, `nothing is mounted at ${tlsDir}`);
    assert.equal(tlsMount.readOnly, true);
    const secretVolume = pod.volumes.find((volume: Manifest) => volume.secret);
    assert.equal(secretVolume.secret.secretName, 'seven-tick-tls');
    // The init container copies both files with mode 0600, because the server rejects a key
    // file that group or others can read.
    const copier = pod.initContainers.find((container: Manifest) =>
      container.volumeMounts.some((mount: Manifest) => mount.name === secretVolume.name),
    );
    assert.ok(copier, 'no init container reads the TLS Secret');
    const command: string[] = copier.command;
    assert.deepEqual(command.slice(0, 3), ['install', '-m', '0600']);
    const secretMount = copier.volumeMounts.find(
      (mount: Manifest) => mount.name === secretVolume.name,
    );
    assert.deepEqual(command.slice(3, -1), [
      `${secretMount.mountPath}/${path.basename(imageConfig.tlsCert!)}`,
      `${secretMount.mountPath}/${path.basename(imageConfig.tlsKey!)}`,
    ]);
    assert.equal(command.at(-1), `${tlsDir}/`);
    const target = copier.volumeMounts.find((mount: Manifest) => mount.mountPath === tlsDir);
    assert.equal(target.name, tlsMount.name);
  });
});

describe('kubernetes service and network', () => {
  test('service selects the pod', () => {
    const service = only('Service');
    assert.deepEqual(service.spec.selector, deployment.spec.template.metadata.labels);
    const names = server.ports.map((entry: Manifest) => entry.name);
    for (const port of service.spec.ports) assert.ok(names.includes(port.targetPort));
  });

  test('network policy has no egress', () => {
    const policy = only('NetworkPolicy');
    assert.deepEqual(policy.spec.podSelector.matchLabels, deployment.spec.template.metadata.labels);
    assert.deepEqual([...policy.spec.policyTypes].sort(), ['Egress', 'Ingress']);
    assert.deepEqual(policy.spec.egress, []);
  });

  test('network policy admits only the port', () => {
    const policy = only('NetworkPolicy');
    assert.equal(policy.spec.ingress.length, 1);
    assert.deepEqual(policy.spec.ingress[0].ports, [{ port: imageConfig.port, protocol: 'TCP' }]);
  });

  test('volume claim is ReadWriteOnce', () => {
    const claim = only('PersistentVolumeClaim');
    assert.deepEqual(claim.spec.accessModes, ['ReadWriteOnce']);
    assert.ok(claim.spec.resources.requests.storage);
  });
});
