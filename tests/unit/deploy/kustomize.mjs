// A small kustomize, enough for deploy/k8s: `kubectl kustomize` is not a Debian 12 package, and
// the tests must render the overlays on a fresh machine. Supported (and nothing else, which is
// refused rather than ignored): resources (files and directories), namespace, labels (pairs,
// metadata only), images (newName, newTag, digest), patches with `path` (strategic merge of
// maps; lists replaced) or with `target` (kind, name, labelSelector k=v[,k=v]) and an inline
// JSON 6902 `patch` (add, replace, remove). Where kubectl exists, check_k8s.mjs compares this
// rendering with kubectl's, object by object.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ClusterIssuer',
  'CustomResourceDefinition', 'StorageClass', 'PersistentVolume', 'PriorityClass']);
const KNOWN_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'patches']);

export function parseDocuments(text, file) {
  const docs = YAML.parseAllDocuments(text, { version: '1.1', merge: true });
  const out = [];
  for (const d of docs) {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0].message}`);
    const value = d.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

function readKustomization(dir) {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) {
      const [k] = parseDocuments(fs.readFileSync(file, 'utf8'), file);
      for (const field of Object.keys(k)) {
        if (!KNOWN_FIELDS.has(field)) throw new Error(`${file}: field ${field} not supported by this renderer`);
      }
      return { k, file };
    }
  }
  throw new Error(`${dir}: no kustomization.yaml`);
}

export function render(dir) {
  const { k, file } = readKustomization(dir);
  let objects = [];
  for (const r of k.resources ?? []) {
    const p = path.join(dir, r);
    if (fs.statSync(p).isDirectory()) objects.push(...render(p));
    else objects.push(...parseDocuments(fs.readFileSync(p, 'utf8'), p));
  }
  for (const patch of k.patches ?? []) applyPatch(objects, patch, dir, file);
  if (k.namespace) {
    for (const o of objects) {
      if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
    }
  }
  for (const l of k.labels ?? []) {
    if (l.includeSelectors || l.includeTemplates) throw new Error(`${file}: labels with selectors/templates not supported`);
    for (const o of objects) o.metadata.labels = { ...(o.metadata.labels ?? {}), ...l.pairs };
  }
  for (const img of k.images ?? []) {
    for (const c of allContainers(objects)) {
      const { name, tag } = splitImage(c.image);
      if (name !== img.name) continue;
      const newName = img.newName ?? name;
      if (img.digest) c.image = `${newName}@${img.digest}`;
      else c.image = img.newTag !== undefined ? `${newName}:${img.newTag}` : (tag ? `${newName}:${tag}` : newName);
    }
  }
  return objects;
}

function splitImage(image) {
  const at = image.indexOf('@');
  if (at >= 0) return { name: image.slice(0, at), tag: null };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return { name: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { name: image, tag: null };
}

export function podSpec(o) {
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet'].includes(o.kind)) return o.spec?.template?.spec;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  if (o.kind === 'Pod') return o.spec;
  return undefined;
}

export function allContainers(objects) {
  const out = [];
  for (const o of objects) {
    const spec = podSpec(o);
    if (spec) out.push(...(spec.containers ?? []), ...(spec.initContainers ?? []));
  }
  return out;
}

function matchesTarget(o, t) {
  if (t.kind && o.kind !== t.kind) return false;
  if (t.name && !new RegExp(`^(?:${t.name})$`).test(o.metadata?.name ?? '')) return false;
  if (t.labelSelector) {
    for (const term of t.labelSelector.split(',')) {
      const [key, value] = term.split('=').map((s) => s.trim());
      if ((o.metadata?.labels ?? {})[key] !== value) return false;
    }
  }
  for (const f of Object.keys(t)) {
    if (!['kind', 'name', 'labelSelector', 'group', 'version'].includes(f)) throw new Error(`patch target field ${f} not supported`);
  }
  return true;
}

function applyPatch(objects, patch, dir, file) {
  if (patch.path && !patch.target) {
    const docs = parseDocuments(fs.readFileSync(path.join(dir, patch.path), 'utf8'), patch.path);
    for (const d of docs) {
      const target = objects.find((o) => o.kind === d.kind && o.metadata.name === d.metadata.name);
      if (!target) throw new Error(`${file}: patch ${patch.path} matches no ${d.kind}/${d.metadata.name}`);
      const merged = strategicMerge(target, d);
      Object.assign(target, merged);
    }
    return;
  }
  if (!patch.target || typeof patch.patch !== 'string') throw new Error(`${file}: patch form not supported`);
  const ops = YAML.parse(patch.patch, { version: '1.1' });
  if (!Array.isArray(ops)) throw new Error(`${file}: only JSON 6902 inline patches are supported with a target`);
  const targets = objects.filter((o) => matchesTarget(o, patch.target));
  if (targets.length === 0) throw new Error(`${file}: patch target ${JSON.stringify(patch.target)} matches nothing`);
  for (const o of targets) for (const op of ops) applyJsonPatchOp(o, op, file);
}

function strategicMerge(base, patch) {
  if (patch === null) return undefined;
  if (typeof patch !== 'object' || Array.isArray(patch) || typeof base !== 'object' || base === null || Array.isArray(base)) {
    return structuredClone(patch);
  }
  const out = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const merged = strategicMerge(base[key], value);
    if (merged === undefined) delete out[key];
    else out[key] = merged;
  }
  return out;
}

function pointer(p) {
  return p.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyJsonPatchOp(o, op, file) {
  const parts = pointer(op.path);
  const last = parts.pop();
  let node = o;
  for (const part of parts) {
    node = Array.isArray(node) ? node[Number(part)] : node?.[part];
    if (node === undefined) throw new Error(`${file}: ${op.op} ${op.path}: no such path in ${o.kind}/${o.metadata.name}`);
  }
  const exists = Array.isArray(node) ? Number(last) < node.length : Object.prototype.hasOwnProperty.call(node, last);
  switch (op.op) {
    case 'replace':
      if (!exists) throw new Error(`${file}: replace ${op.path}: no such path in ${o.kind}/${o.metadata.name}`);
      node[Array.isArray(node) ? Number(last) : last] = structuredClone(op.value);
      break;
    case 'add':
      if (Array.isArray(node)) {
        if (last === '-') node.push(structuredClone(op.value));
        else node.splice(Number(last), 0, structuredClone(op.value));
      } else {
        node[last] = structuredClone(op.value);
      }
      break;
    case 'remove':
      if (!exists) throw new Error(`${file}: remove ${op.path}: no such path in ${o.kind}/${o.metadata.name}`);
      if (Array.isArray(node)) node.splice(Number(last), 1);
      else delete node[last];
      break;
    default:
      throw new Error(`${file}: JSON patch op ${op.op} not supported`);
  }
}
