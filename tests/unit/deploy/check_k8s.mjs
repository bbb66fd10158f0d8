// Renders deploy/k8s (base, dev, prod) and checks what a cluster would only tell us too late:
//  - every workload container: resources (cpu and memory requests, memory limit), non-root,
//    read-only root filesystem, no privilege escalation, capabilities dropped, seccomp;
//  - every service Deployment: startup, liveness (GET /healthz on the metrics port) and native
//    gRPC readiness probes, the readiness probe on the health port asking for the service's
//    full name (from its .proto), topology spread, no replicas field (the HPA owns it), and a
//    Service, a PodDisruptionBudget, a HorizontalPodAutoscaler, a NetworkPolicy, a Certificate
//    and a --migrate_only Job with the same image;
//  - every container port and MELTINGDOC_<SVC>_*_PORT matches the binary's default
//    (services/<svc>/main.cc), and every MELTINGDOC_<SVC>_<FLAG> names a flag the binary has;
//  - every Service selects pods and names their ports; every NetworkPolicy selector and peer
//    matches pods of the rendering, on ports those pods listen on; who may call whom is the
//    intended graph (gateway -> services, search -> profiles/discussions, services -> identity);
//  - every ConfigMap/Secret/PersistentVolumeClaim reference is rendered, issued by
//    cert-manager, or made by deploy/k8s/create_secrets.sh (run here with --print);
//  - with kubectl on the machine, our rendering equals `kubectl kustomize`.
// Then it breaks a copy of the manifests in several ways and expects each to be caught, so the
// checks are known to bite. Exit status 1 on any problem.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocuments, podSpec, render } from './kustomize.mjs';

const SOURCE_DIR = process.env.MELTINGDOC_SOURCE_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BINARY_DIR = process.env.MELTINGDOC_BINARY_DIR ?? path.join(SOURCE_DIR, 'build');
const K8S = path.join(SOURCE_DIR, 'deploy/k8s');
const SERVICES = ['identity', 'profiles', 'discussions', 'search'];
const NAMESPACE = 'meltingdoc';
// Flags the manifests set ahead of the binary that will read them (ignored until then).
const PENDING_FLAGS = { identity: ['signing_key_file'] };
// Who calls whom over gRPC (DESIGN.md): the NetworkPolicies must allow exactly this.
const CALLERS = {
  identity: ['gateway', 'profiles', 'discussions', 'search'],
  profiles: ['gateway', 'search', 'discussions'],
  discussions: ['gateway', 'search'],
  search: ['gateway'],
};

// ---- facts from the source tree -----------------------------------------------------------

function read(p) { return fs.readFileSync(path.join(SOURCE_DIR, p), 'utf8'); }

function walk(dir, ext) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, ext));
    else if (p.endsWith(ext)) out.push(p);
  }
  return out;
}

function flagsIn(dirs) {
  const flags = new Set();
  for (const d of dirs) {
    for (const f of walk(path.join(SOURCE_DIR, d), '.cc')) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/ABSL_FLAG\(\s*[\w:<>]+\s*,\s*(\w+)/g)) flags.add(m[1]);
    }
  }
  return flags;
}

export function sourceFacts() {
  const facts = {};
  for (const svc of SERVICES) {
    const main = read(`services/${svc}/main.cc`);
    const grpc = Number(main.match(/default_grpc_port\s*=\s*(\d+)/)?.[1]);
    const metrics = Number(main.match(/default_metrics_port\s*=\s*(\d+)/)?.[1]);
    const protoDir = path.join(SOURCE_DIR, `protos/meltingdoc/${svc}/v1`);
    let fullName;
    for (const f of walk(protoDir, '.proto')) {
      const text = fs.readFileSync(f, 'utf8');
      const pkg = text.match(/^package\s+([\w.]+);/m)?.[1];
      const service = text.match(/^service\s+(\w+)/m)?.[1];
      if (pkg && service) fullName = `${pkg}.${service}`;
    }
    assert.ok(grpc && metrics, `services/${svc}/main.cc: default ports not found`);
    assert.ok(fullName, `protos/meltingdoc/${svc}/v1: no service found`);
    // Its own directory flags (--register_dir, --mail_dir): the root filesystem is read-only.
    const dirFlags = [...flagsIn([`services/${svc}`])].filter((f) => f.endsWith('_dir'));
    facts[svc] = { grpc, metrics, fullName, flags: flagsIn(['libs', `services/${svc}`]), dirFlags };
  }
  // The gateway links libs/tls for its flags, not libs/server's service flags.
  const gatewayMain = read('gateway/main.cc');
  facts.gateway = {
    http: Number(gatewayMain.match(/ABSL_FLAG\(int,\s*port,\s*(\d+)/)?.[1]),
    metrics: Number(gatewayMain.match(/ABSL_FLAG\(int,\s*metrics_port,\s*(\d+)/)?.[1]),
    flags: flagsIn(['gateway', 'libs/tls']),
  };
  assert.ok(facts.gateway.http && facts.gateway.metrics, 'gateway/main.cc: default ports not found');
  return facts;
}

// The objects deploy/k8s/create_secrets.sh makes (rendered with --print, no cluster needed).
function externalObjects() {
  const keygen = path.join(BINARY_DIR, 'libs/auth/meltingdoc-keygen');
  const out = execFileSync(path.join(K8S, 'create_secrets.sh'), ['--dev', '--print'], {
    env: { ...process.env, MELTINGDOC_KEYGEN: keygen }, encoding: 'utf8',
  });
  return parseDocuments(out, 'create_secrets.sh --print');
}

// ---- helpers ----------------------------------------------------------------------------------

const id = (o) => `${o.kind}/${o.metadata?.name}`;
const labelsMatch = (selector, labels) =>
  Object.entries(selector ?? {}).every(([k, v]) => (labels ?? {})[k] === v);
const podLabels = (o) => o.spec?.template?.metadata?.labels ?? {};
const workloads = (objs) => objs.filter((o) => podSpec(o) && o.kind !== 'CronJob');
const serviceOf = (o) => SERVICES.find((s) => o.metadata?.labels?.['app.kubernetes.io/name'] === s);

function containerPorts(o) {
  const ports = {};
  for (const c of podSpec(o).containers ?? []) for (const p of c.ports ?? []) ports[p.name ?? p.containerPort] = p.containerPort;
  return ports;
}

function envValue(container, name) {
  return (container.env ?? []).find((e) => e.name === name);
}

// ---- the checks --------------------------------------------------------------------------------

export function check(objs, facts, external, overlay) {
  const errors = [];
  const fail = (msg) => errors.push(`${overlay}: ${msg}`);
  const all = [...objs, ...external];
  const byKind = (k) => objs.filter((o) => o.kind === k);

  for (const o of objs) {
    if (!['Namespace'].includes(o.kind) && o.metadata?.namespace !== NAMESPACE) fail(`${id(o)} is not in namespace ${NAMESPACE}`);
  }

  // Every workload: resources and the security context.
  for (const w of workloads(objs)) {
    const spec = podSpec(w);
    const podSc = spec.securityContext ?? {};
    if (podSc.seccompProfile?.type !== 'RuntimeDefault') fail(`${id(w)}: pod seccompProfile is not RuntimeDefault`);
    if (spec.automountServiceAccountToken !== false) fail(`${id(w)}: automountServiceAccountToken is not false`);
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      const where = `${id(w)} container ${c.name}`;
      const r = c.resources ?? {};
      if (!r.requests?.cpu || !r.requests?.memory) fail(`${where}: no cpu/memory requests`);
      if (!r.limits?.memory) fail(`${where}: no memory limit`);
      const sc = c.securityContext ?? {};
      if (!(sc.runAsNonRoot === true || (sc.runAsNonRoot === undefined && podSc.runAsNonRoot === true))) fail(`${where}: not runAsNonRoot`);
      if ((sc.runAsUser ?? podSc.runAsUser) === 0) fail(`${where}: runs as uid 0`);
      if (sc.readOnlyRootFilesystem !== true) fail(`${where}: root filesystem is writable`);
      if (sc.allowPrivilegeEscalation !== false) fail(`${where}: allowPrivilegeEscalation is not false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) fail(`${where}: capabilities not dropped`);
      if (sc.privileged) fail(`${where}: privileged`);
    }
  }

  const deployments = byKind('Deployment');
  for (const svc of SERVICES) {
    const f = facts[svc];
    const d = deployments.find((o) => o.metadata.name === svc);
    if (!d) { fail(`no Deployment ${svc}`); continue; }
    const c = podSpec(d).containers.find((x) => x.name === svc);
    if (!c) { fail(`Deployment ${svc}: no container named ${svc}`); continue; }
    const U = svc.toUpperCase();
    const ports = containerPorts(d);
    if (d.spec.replicas !== undefined) fail(`Deployment ${svc}: sets replicas, which an apply would reset under the HPA`);

    // Ports: container, flag values, binary defaults.
    if (ports.grpc !== f.grpc) fail(`Deployment ${svc}: port grpc ${ports.grpc} != binary default ${f.grpc}`);
    if (ports.metrics !== f.metrics) fail(`Deployment ${svc}: port metrics ${ports.metrics} != binary default ${f.metrics}`);
    for (const [flag, port] of [['GRPC_PORT', ports.grpc], ['METRICS_PORT', ports.metrics], ['HEALTH_PORT', ports.health]]) {
      const e = envValue(c, `MELTINGDOC_${U}_${flag}`);
      if (!e || Number(e.value) !== port) fail(`Deployment ${svc}: MELTINGDOC_${U}_${flag}=${e?.value} but the container port is ${port}`);
    }
    if (envValue(c, `MELTINGDOC_${U}_GRPC_HOST`)?.value !== '0.0.0.0') fail(`Deployment ${svc}: gRPC does not listen on 0.0.0.0`);
    for (const flag of ['TLS_CERT', 'TLS_KEY', 'TLS_CA']) {
      if (!envValue(c, `MELTINGDOC_${U}_${flag}`)) fail(`Deployment ${svc}: no MELTINGDOC_${U}_${flag} (mutual TLS)`);
    }

    // Probes.
    const liveness = c.livenessProbe?.httpGet;
    if (!liveness || liveness.path !== '/healthz' || (liveness.port !== 'metrics' && liveness.port !== ports.metrics)) {
      fail(`Deployment ${svc}: liveness is not GET /healthz on the metrics port`);
    }
    if (!c.startupProbe) fail(`Deployment ${svc}: no startup probe`);
    const readiness = c.readinessProbe?.grpc;
    if (!readiness) fail(`Deployment ${svc}: readiness is not a native gRPC probe`);
    else {
      if (readiness.port !== ports.health) fail(`Deployment ${svc}: gRPC readiness probe on ${readiness.port}, not the health port ${ports.health}`);
      if (readiness.service !== f.fullName) fail(`Deployment ${svc}: readiness asks for "${readiness.service}", the service is ${f.fullName}`);
    }
    const spread = podSpec(d).topologySpreadConstraints ?? [];
    if (spread.length === 0 || !spread.every((t) => labelsMatch(t.labelSelector?.matchLabels, podLabels(d)))) {
      fail(`Deployment ${svc}: no topology spread over its own pods`);
    }

    // Companions.
    const selects = (o) => labelsMatch(o.spec?.selector?.matchLabels ?? o.spec?.selector, podLabels(d));
    if (!byKind('Service').some((s) => s.metadata.name === svc && selects(s))) fail(`Deployment ${svc}: no Service ${svc} selecting it`);
    if (!byKind('PodDisruptionBudget').some(selects)) fail(`Deployment ${svc}: no PodDisruptionBudget`);
    const hpa = byKind('HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef?.name === svc);
    if (!hpa) fail(`Deployment ${svc}: no HorizontalPodAutoscaler`);
    else if (!(hpa.spec.minReplicas >= 1 && hpa.spec.maxReplicas >= hpa.spec.minReplicas)) fail(`HPA ${svc}: bad bounds`);
    const policies = byKind('NetworkPolicy').filter((n) => Object.keys(n.spec.podSelector?.matchLabels ?? {}).length > 0 && labelsMatch(n.spec.podSelector.matchLabels, podLabels(d)));
    if (policies.length === 0) fail(`Deployment ${svc}: no NetworkPolicy of its own`);
    const job = byKind('Job').find((j) => (podSpec(j).containers ?? []).some((x) => x.image === c.image && (x.args ?? []).includes('--migrate_only')));
    if (!job) fail(`Deployment ${svc}: no migration Job (--migrate_only, image ${c.image})`);
    else {
      const jc = podSpec(job).containers[0];
      for (const name of [`MELTINGDOC_${U}_PG_URL`, 'PGPASSWORD']) {
        if (JSON.stringify(envValue(jc, name)) !== JSON.stringify(envValue(c, name))) fail(`Job ${job.metadata.name}: ${name} differs from Deployment ${svc}'s`);
      }
    }

    // Directory flags: set, on a mounted volume (the root filesystem is read-only); the mail
    // directory writable.
    for (const flag of f.dirFlags) {
      const dir = envValue(c, `MELTINGDOC_${U}_${flag.toUpperCase()}`)?.value;
      const mount = dir && (c.volumeMounts ?? []).find((m) => dir === m.mountPath || dir.startsWith(`${m.mountPath}/`));
      if (!dir) fail(`Deployment ${svc}: --${flag} is not set (its default is off or on the read-only root filesystem)`);
      else if (!mount) fail(`Deployment ${svc}: --${flag}=${dir} is on no mounted volume (the root filesystem is read-only)`);
      else if (flag === 'mail_dir' && mount.readOnly) fail(`Deployment ${svc}: --${flag}=${dir} is mounted read-only`);
    }

    // Mutual TLS: the mounted secret comes from a Certificate naming the Service.
    const tlsVolume = (podSpec(d).volumes ?? []).find((v) => v.secret && envValue(c, `MELTINGDOC_${U}_TLS_CERT`)?.value?.startsWith(
      (c.volumeMounts ?? []).find((m) => m.name === v.name)?.mountPath ?? '\0'));
    const cert = tlsVolume && byKind('Certificate').find((x) => x.spec.secretName === tlsVolume.secret.secretName);
    if (!cert) fail(`Deployment ${svc}: its TLS files come from no cert-manager Certificate`);
    else {
      for (const dns of [svc, `${svc}.${NAMESPACE}.svc`]) if (!(cert.spec.dnsNames ?? []).includes(dns)) fail(`Certificate ${cert.metadata.name}: no dnsName ${dns}`);
      for (const u of ['server auth', 'client auth']) if (!(cert.spec.usages ?? []).includes(u)) fail(`Certificate ${cert.metadata.name}: no usage ${u}`);
      if (!objs.some((x) => ['Issuer', 'ClusterIssuer'].includes(x.kind) && x.kind === (cert.spec.issuerRef?.kind ?? 'Issuer') && x.metadata.name === cert.spec.issuerRef?.name)) {
        fail(`Certificate ${cert.metadata.name}: issuer ${cert.spec.issuerRef?.name} is not in the rendering`);
      }
    }
  }

  // The gateway: its ports, probes, companions, client certificate and an Ingress to it.
  const gw = deployments.find((o) => o.metadata.name === 'gateway');
  if (!gw) fail('no Deployment gateway');
  else {
    const c = podSpec(gw).containers[0];
    const ports = containerPorts(gw);
    const g = facts.gateway;
    if (ports.http !== g.http) fail(`Deployment gateway: port http ${ports.http} != binary default ${g.http}`);
    if (ports.metrics !== g.metrics) fail(`Deployment gateway: port metrics ${ports.metrics} != binary default ${g.metrics}`);
    for (const [flag, port] of [['PORT', ports.http], ['METRICS_PORT', ports.metrics]]) {
      if (Number(envValue(c, `MELTINGDOC_GATEWAY_${flag}`)?.value) !== port) fail(`Deployment gateway: MELTINGDOC_GATEWAY_${flag} is not ${port}`);
    }
    if (envValue(c, 'MELTINGDOC_GATEWAY_HOST')?.value !== '0.0.0.0') fail('Deployment gateway: does not listen on 0.0.0.0');
    for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) if (!c[p]?.httpGet) fail(`Deployment gateway: no HTTP ${p}`);
    if (c.livenessProbe?.httpGet?.path !== '/healthz') fail('Deployment gateway: liveness is not /healthz');
    for (const svc of SERVICES) {
      const addr = envValue(c, `MELTINGDOC_GATEWAY_${svc.toUpperCase()}_ADDR`)?.value ?? '';
      const [host, port] = addr.split(':');
      if (Number(port) !== facts[svc].grpc) fail(`Deployment gateway: ${svc} address ${addr} is not on port ${facts[svc].grpc}`);
      const target = byKind('Service').find((x) => x.metadata.name === host);
      if (!target) fail(`Deployment gateway: ${svc} address ${addr} names no Service`);
      const cert = byKind('Certificate').find((x) => x.spec.secretName === `${svc}-tls`);
      if (cert && !(cert.spec.dnsNames ?? []).includes(host)) fail(`Deployment gateway: dials ${host}, which ${svc}'s certificate does not name`);
    }
    for (const flag of ['TLS_CERT', 'TLS_KEY', 'TLS_CA']) if (!envValue(c, `MELTINGDOC_GATEWAY_${flag}`)) fail(`Deployment gateway: no MELTINGDOC_GATEWAY_${flag}`);
    if (gw.spec.replicas !== undefined) fail('Deployment gateway: sets replicas under an HPA');
    const selects = (o) => labelsMatch(o.spec?.selector?.matchLabels ?? o.spec?.selector, podLabels(gw));
    if (!byKind('PodDisruptionBudget').some(selects)) fail('Deployment gateway: no PodDisruptionBudget');
    if (!byKind('HorizontalPodAutoscaler').some((h) => h.spec.scaleTargetRef?.name === 'gateway')) fail('Deployment gateway: no HorizontalPodAutoscaler');
    const service = byKind('Service').find(selects);
    if (!service) fail('Deployment gateway: no Service');
    if (!byKind('Ingress').some((i) => (i.spec.rules ?? []).some((r) => (r.http?.paths ?? []).some((p) => p.backend?.service?.name === service?.metadata.name)))) {
      fail('Deployment gateway: no Ingress to it');
    }
    if (!byKind('NetworkPolicy').some((n) => Object.keys(n.spec.podSelector?.matchLabels ?? {}).length > 0 && labelsMatch(n.spec.podSelector.matchLabels, podLabels(gw)))) {
      fail('Deployment gateway: no NetworkPolicy of its own');
    }
  }

  // Every MELTINGDOC_<SVC>_<FLAG> of a MeltingDoc container names a flag of that binary.
  for (const w of workloads(objs)) {
    for (const c of podSpec(w).containers ?? []) {
      const svc = [...SERVICES, 'gateway'].find((s) => new RegExp(`(^|/)${s}(:|@|$)`).test(c.image));
      if (!svc) continue;
      const U = svc.toUpperCase();
      for (const e of c.env ?? []) {
        if (!e.name.startsWith('MELTINGDOC_')) continue;
        if (!e.name.startsWith(`MELTINGDOC_${U}_`)) { fail(`${id(w)}: ${e.name} is not read by meltingdoc-${svc}`); continue; }
        const flag = e.name.slice(`MELTINGDOC_${U}_`.length).toLowerCase();
        if (!facts[svc].flags.has(flag) && !(PENDING_FLAGS[svc] ?? []).includes(flag)) fail(`${id(w)}: ${e.name}: meltingdoc-${svc} has no flag --${flag}`);
      }
    }
  }

  // Services select pods and name their ports.
  for (const s of byKind('Service')) {
    const targets = workloads(objs).filter((w) => labelsMatch(s.spec.selector, podLabels(w)));
    if (targets.length === 0) { fail(`Service ${s.metadata.name} selects no pods`); continue; }
    for (const p of s.spec.ports ?? []) {
      const ok = targets.every((w) => {
        const ports = containerPorts(w);
        return typeof p.targetPort === 'string' ? p.targetPort in ports : Object.values(ports).includes(p.targetPort ?? p.port);
      });
      if (!ok) fail(`Service ${s.metadata.name}: port ${p.name} targets ${p.targetPort}, which its pods do not have`);
    }
  }

  // NetworkPolicies: selectors and peers are pods of the rendering, on their ports.
  const podsMatching = (sel) => workloads(objs).filter((w) => labelsMatch(sel?.matchLabels, podLabels(w)));
  const portsOf = (ws) => new Set(ws.flatMap((w) => Object.values(containerPorts(w))));
  for (const n of byKind('NetworkPolicy')) {
    const selected = podsMatching(n.spec.podSelector);
    if (selected.length === 0) fail(`NetworkPolicy ${n.metadata.name} selects no pods`);
    for (const rule of n.spec.ingress ?? []) {
      for (const peer of rule.from ?? []) {
        if (peer.podSelector && !peer.namespaceSelector) {
          const peers = podsMatching(peer.podSelector);
          if (peers.length === 0) fail(`NetworkPolicy ${n.metadata.name}: ingress peer ${JSON.stringify(peer.podSelector.matchLabels)} matches no pods`);
        }
      }
      const own = portsOf(selected);
      for (const p of rule.ports ?? []) if (!own.has(p.port)) fail(`NetworkPolicy ${n.metadata.name}: ingress port ${p.port} is not a port of its pods`);
    }
    for (const rule of n.spec.egress ?? []) {
      for (const peer of rule.to ?? []) {
        if (peer.podSelector && !peer.namespaceSelector) {
          const peers = podsMatching(peer.podSelector);
          if (peers.length === 0) { fail(`NetworkPolicy ${n.metadata.name}: egress peer ${JSON.stringify(peer.podSelector.matchLabels)} matches no pods`); continue; }
          const theirs = portsOf(peers);
          for (const p of rule.ports ?? []) if (!theirs.has(p.port)) fail(`NetworkPolicy ${n.metadata.name}: egress port ${p.port} is not a port of ${JSON.stringify(peer.podSelector.matchLabels)}`);
        }
      }
    }
  }
  // The call graph: who may open a connection to each service's gRPC port.
  for (const svc of SERVICES) {
    const allowed = new Set();
    for (const n of byKind('NetworkPolicy')) {
      if (!labelsMatch(n.spec.podSelector?.matchLabels, { 'app.kubernetes.io/name': svc, 'app.kubernetes.io/component': 'service' })) continue;
      for (const rule of n.spec.ingress ?? []) {
        if (!(rule.ports ?? []).some((p) => p.port === facts[svc].grpc)) continue;
        for (const peer of rule.from ?? []) {
          if (!peer.podSelector || peer.namespaceSelector) { allowed.add('<outside the namespace>'); continue; }
          allowed.add(peer.podSelector.matchLabels?.['app.kubernetes.io/name'] ?? JSON.stringify(peer.podSelector));
        }
      }
    }
    const want = [...CALLERS[svc]].sort().join(',');
    const got = [...allowed].sort().join(',');
    if (want !== got) fail(`NetworkPolicy: ${svc}'s gRPC port is open to [${got}], intended [${want}]`);
    for (const caller of CALLERS[svc]) {
      const egressOk = byKind('NetworkPolicy').some((n) => n.spec.podSelector?.matchLabels?.['app.kubernetes.io/name'] === caller &&
        (n.spec.egress ?? []).some((r) => (r.to ?? []).some((p) => p.podSelector?.matchLabels?.['app.kubernetes.io/name'] === svc) &&
          (r.ports ?? []).some((p) => p.port === facts[svc].grpc)));
      if (!egressOk) fail(`NetworkPolicy: ${caller} has no egress to ${svc}:${facts[svc].grpc}`);
    }
  }

  // ConfigMap / Secret references.
  const has = (kind, name, key) => all.some((o) => o.kind === kind && o.metadata.name === name &&
    (key === undefined || (o.data ?? {})[key] !== undefined || (o.stringData ?? {})[key] !== undefined));
  const certSecrets = new Set(byKind('Certificate').map((c) => c.spec.secretName));
  for (const w of workloads(objs)) {
    const spec = podSpec(w);
    for (const c of spec.containers ?? []) {
      for (const e of c.env ?? []) {
        const cm = e.valueFrom?.configMapKeyRef;
        if (cm && !has('ConfigMap', cm.name, cm.key)) fail(`${id(w)}: ${e.name} reads ConfigMap ${cm.name} key ${cm.key}, which nothing provides`);
        const sk = e.valueFrom?.secretKeyRef;
        if (sk && !has('Secret', sk.name, sk.key)) fail(`${id(w)}: ${e.name} reads Secret ${sk.name} key ${sk.key}, which nothing provides`);
      }
    }
    for (const v of spec.volumes ?? []) {
      if (v.secret && !has('Secret', v.secret.secretName) && !certSecrets.has(v.secret.secretName)) fail(`${id(w)}: volume ${v.name}: Secret ${v.secret.secretName} is made by nothing`);
      if (v.configMap && !has('ConfigMap', v.configMap.name)) fail(`${id(w)}: volume ${v.name}: ConfigMap ${v.configMap.name} is made by nothing`);
      if (v.persistentVolumeClaim && !has('PersistentVolumeClaim', v.persistentVolumeClaim.claimName)) fail(`${id(w)}: volume ${v.name}: PersistentVolumeClaim ${v.persistentVolumeClaim.claimName} is made by nothing`);
    }
  }

  // Ingress backends are Services of the rendering, on their ports.
  for (const ing of byKind('Ingress')) {
    for (const rule of ing.spec.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const b = p.backend?.service;
        const s = byKind('Service').find((x) => x.metadata.name === b?.name);
        if (!s) fail(`Ingress ${ing.metadata.name}: backend ${b?.name} is no Service`);
        else if (!(s.spec.ports ?? []).some((sp) => sp.name === b.port?.name || sp.port === b.port?.number)) fail(`Ingress ${ing.metadata.name}: Service ${b.name} has no port ${JSON.stringify(b.port)}`);
      }
    }
  }
  return errors;
}

// ---- main -------------------------------------------------------------------------------------

function canonical(objs) {
  const sortKeys = (v) => Array.isArray(v) ? v.map(sortKeys)
    : (v && typeof v === 'object') ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])])) : v;
  return Object.fromEntries(objs.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, JSON.stringify(sortKeys(o))]));
}

function kubectlAvailable() {
  try { execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' }); return true; } catch { return false; }
}

// Each mutation must make check() report an error containing `expect`.
const MUTATIONS = [
  ['no readiness probe', (o) => { dep(o, 'profiles').readinessProbe = undefined; }, 'readiness is not a native gRPC probe'],
  ['readiness for another service', (o) => { dep(o, 'search').readinessProbe.grpc.service = 'meltingdoc.search.v1.Search'; }, 'the service is meltingdoc.search.v1.SearchService'],
  ['writable root filesystem', (o) => { dep(o, 'identity').securityContext.readOnlyRootFilesystem = false; }, 'root filesystem is writable'],
  ['privilege escalation', (o) => { delete dep(o, 'discussions').securityContext.allowPrivilegeEscalation; }, 'allowPrivilegeEscalation'],
  ['no memory limit', (o) => { delete dep(o, 'search').resources.limits; }, 'no memory limit'],
  ['grpc port off the binary default', (o) => { dep(o, 'profiles').ports[0].containerPort = 50099; }, "port grpc 50099 != binary default"],
  ['env port off the container port', (o) => { envOf(dep(o, 'identity'), 'MELTINGDOC_IDENTITY_METRICS_PORT').value = '9999'; }, 'MELTINGDOC_IDENTITY_METRICS_PORT=9999'],
  ['unknown flag', (o) => { dep(o, 'search').env.push({ name: 'MELTINGDOC_SEARCH_GRPC_POTR', value: '1' }); }, 'has no flag --grpc_potr'],
  ['service selecting nothing', (o) => { find(o, 'Service', 'search').spec.selector['app.kubernetes.io/name'] = 'serach'; }, 'Service search selects no pods'],
  ['no PDB', (o) => { remove(o, 'PodDisruptionBudget', 'discussions'); }, 'Deployment discussions: no PodDisruptionBudget'],
  ['no HPA', (o) => { remove(o, 'HorizontalPodAutoscaler', 'identity'); }, 'Deployment identity: no HorizontalPodAutoscaler'],
  ['no migration Job', (o) => { remove(o, 'Job', 'profiles-migrate'); }, 'no migration Job'],
  ['policy peer with a typo', (o) => { find(o, 'NetworkPolicy', 'profiles').spec.egress.push({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'identiy' } } }] }); }, 'matches no pods'],
  ['search reachable by profiles', (o) => { find(o, 'NetworkPolicy', 'search').spec.ingress[0].from.push({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'profiles' } } }); }, "search's gRPC port is open to"],
  ['secret key nobody makes', (o) => { envOf(dep(o, 'search'), 'PGPASSWORD').valueFrom.secretKeyRef.key = 'search-pasword'; }, 'which nothing provides'],
  ['gateway dialling a name the certificate lacks', (o) => { envOf(podSpec(find(o, 'Deployment', 'gateway')).containers[0], 'MELTINGDOC_GATEWAY_SEARCH_ADDR').value = 'search-api:50054'; }, 'names no Service'],
  ['gateway without egress to profiles', (o) => { const n = find(o, 'NetworkPolicy', 'gateway'); n.spec.egress = n.spec.egress.filter((r) => r.to[0].podSelector?.matchLabels?.['app.kubernetes.io/name'] !== 'profiles'); }, 'gateway has no egress to profiles'],
  ['no Ingress', (o) => { remove(o, 'Ingress', 'gateway'); }, 'no Ingress to it'],
  ['gateway flag typo', (o) => { podSpec(find(o, 'Deployment', 'gateway')).containers[0].env.push({ name: 'MELTINGDOC_GATEWAY_TLS_CERTS', value: 'x' }); }, 'meltingdoc-gateway has no flag --tls_certs'],
  ['identity without the register directory', (o) => { const c = dep(o, 'identity'); c.env = c.env.filter((e) => e.name !== 'MELTINGDOC_IDENTITY_REGISTER_DIR'); }, 'Deployment identity: --register_dir is not set'],
  ['register directory not mounted', (o) => { const c = dep(o, 'identity'); c.volumeMounts = c.volumeMounts.filter((m) => m.name !== 'register'); }, 'Deployment identity: --register_dir=/var/lib/meltingdoc/register is on no mounted volume'],
  ['register claim made by nothing', (o) => { remove(o, 'PersistentVolumeClaim', 'identity-register'); }, 'PersistentVolumeClaim identity-register is made by nothing'],
  ['replicas under an HPA', (o) => { find(o, 'Deployment', 'profiles').spec.replicas = 2; }, 'sets replicas'],
];
function find(objs, kind, name) { const o = objs.find((x) => x.kind === kind && x.metadata.name === name); assert.ok(o, `${kind}/${name}`); return o; }
function dep(objs, name) { return podSpec(find(objs, 'Deployment', name)).containers[0]; }
function envOf(c, name) { const e = c.env.find((x) => x.name === name); assert.ok(e, name); return e; }
function remove(objs, kind, name) { objs.splice(objs.indexOf(find(objs, kind, name)), 1); }

function main() {
  const facts = sourceFacts();
  const external = externalObjects();
  const problems = [];
  const rendered = {};
  for (const overlay of ['dev', 'prod']) {
    rendered[overlay] = render(path.join(K8S, overlay));
    problems.push(...check(rendered[overlay], facts, external, overlay));
    console.log(`${overlay}: ${rendered[overlay].length} objects rendered and checked`);
  }
  // The base alone renders, and holds no Secret (those are made per cluster).
  const base = render(path.join(K8S, 'base'));
  if (base.some((o) => o.kind === 'Secret')) problems.push('base: carries a Secret');
  if (rendered.prod.some((o) => o.metadata.name === 'postgres' || o.metadata.name === 'redis')) problems.push('prod: runs its own PostgreSQL/Redis');

  if (kubectlAvailable()) {
    for (const overlay of ['base', 'dev', 'prod']) {
      const theirs = canonical(parseDocuments(execFileSync('kubectl', ['kustomize', path.join(K8S, overlay)], { encoding: 'utf8' }), `kubectl kustomize ${overlay}`));
      const ours = canonical(overlay === 'base' ? base : rendered[overlay]);
      for (const key of new Set([...Object.keys(theirs), ...Object.keys(ours)])) {
        if (theirs[key] !== ours[key]) problems.push(`${overlay}: ${key} differs from kubectl kustomize's rendering${theirs[key] && ours[key] ? '' : theirs[key] ? ' (missing here)' : ' (extra here)'}`);
      }
    }
    console.log('kubectl kustomize: same objects as this renderer');
  } else {
    console.log('kubectl not installed: rendered by tests/unit/deploy/kustomize.mjs only');
  }

  for (const [what, mutate, expect] of MUTATIONS) {
    const objs = structuredClone(rendered.dev);
    mutate(objs);
    const errors = check(objs, facts, external, 'dev (mutated)');
    if (!errors.some((e) => e.includes(expect))) problems.push(`the check missed a broken manifest (${what}): got ${JSON.stringify(errors)}`);
  }
  console.log(`${MUTATIONS.length} broken variants: each caught`);

  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log('deploy/k8s: ok');
}

main();
