// Checks deploy/docker without a Docker engine (none runs on the build machines):
//  Dockerfile
//   - stages from Debian 12; one target per service and the gateway, each running its own binary as a
//     numeric non-root user, exposing the binary's default ports, listening on 0.0.0.0;
//   - the runtime stages install every package whose shared libraries the built binaries
//     load (`ldd` + `dpkg -S` on this Debian 12 machine), directly or as a dependency
//     (`apt-cache depends --recurse`), unless debian:12 always has it (Priority: required);
//   - the build stage installs the build packages deploy/local/lib.sh installs;
//   - every COPY from the build context exists; the context ignores build output.
//  compose.yaml
//   - every build target is a Dockerfile stage, every dependency and volume exists;
//   - each service: only flags its binary has, its own database role, the password the
//     bootstrap sets, ports on 127.0.0.1 matching the binary's defaults, health check on its
//     metrics port, read-only root, capabilities dropped, each of its directory flags (--*_dir)
//     set to a mounted volume (--mail_dir writable); Redis with AOF; databases unpublished.
// Then breaks copies of both in several ways and expects each to be caught. Exit 1 on a problem.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const SOURCE_DIR = process.env.MELTINGDOC_SOURCE_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BINARY_DIR = process.env.MELTINGDOC_BINARY_DIR ?? path.join(SOURCE_DIR, 'build');
const SERVICES = ['identity', 'profiles', 'discussions', 'search'];

const read = (p) => fs.readFileSync(path.join(SOURCE_DIR, p), 'utf8');
const sh = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

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

function serviceFacts() {
  const facts = {};
  for (const svc of SERVICES) {
    const main = read(`services/${svc}/main.cc`);
    const flags = new Set();
    for (const d of ['libs', `services/${svc}`]) {
      for (const f of walk(path.join(SOURCE_DIR, d), '.cc')) {
        for (const m of fs.readFileSync(f, 'utf8').matchAll(/ABSL_FLAG\(\s*[\w:<>]+\s*,\s*(\w+)/g)) flags.add(m[1]);
      }
    }
    // The service's own directory flags (--register_dir, --mail_dir): the root filesystem is
    // read-only, so each must point at a mounted volume.
    const dirFlags = new Set();
    for (const f of walk(path.join(SOURCE_DIR, `services/${svc}`), '.cc')) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/ABSL_FLAG\(\s*[\w:<>]+\s*,\s*(\w+_dir)\b/g)) dirFlags.add(m[1]);
    }
    facts[svc] = {
      dirFlags,
      grpc: Number(main.match(/default_grpc_port\s*=\s*(\d+)/)[1]),
      metrics: Number(main.match(/default_metrics_port\s*=\s*(\d+)/)[1]),
      flags,
    };
  }
  const gatewayMain = read('gateway/main.cc');
  const gatewayFlags = new Set();
  for (const d of ['gateway', 'libs/tls']) {
    for (const f of walk(path.join(SOURCE_DIR, d), '.cc')) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/ABSL_FLAG\(\s*[\w:<>]+\s*,\s*(\w+)/g)) gatewayFlags.add(m[1]);
    }
  }
  facts.gateway = {
    http: Number(gatewayMain.match(/ABSL_FLAG\(int,\s*port,\s*(\d+)/)[1]),
    metrics: Number(gatewayMain.match(/ABSL_FLAG\(int,\s*metrics_port,\s*(\d+)/)[1]),
    flags: gatewayFlags,
  };
  return facts;
}

// ---- Dockerfile ---------------------------------------------------------------------------------

export function parseDockerfile(text) {
  const lines = text.split('\n').filter((l) => !/^\s*#/.test(l));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  const args = {};
  const stages = [];
  let stage = null;
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const [instr, ...restParts] = line.split(/\s+/);
    const rest = restParts.join(' ');
    const subst = (s) => s.replace(/\$\{(\w+)\}/g, (_, v) => args[v] ?? '');
    switch (instr.toUpperCase()) {
      case 'ARG': {
        const [k, v] = rest.split('=');
        if (!stage) args[k] = v;
        break;
      }
      case 'FROM': {
        const m = rest.match(/^(\S+)(?:\s+AS\s+(\S+))?$/i);
        stage = { from: subst(m[1]), name: m[2], packages: [], copies: [], env: {}, expose: [], user: undefined, entrypoint: undefined, runs: [] };
        stages.push(stage);
        break;
      }
      case 'RUN': {
        stage.runs.push(rest);
        for (const m of rest.matchAll(/apt-get install([^&]*)/g)) {
          stage.packages.push(...m[1].trim().split(/\s+/).filter((t) => t && !t.startsWith('-')));
        }
        break;
      }
      case 'COPY': {
        const from = rest.match(/--from=(\S+)/)?.[1];
        const parts = rest.replace(/--\S+/g, '').trim().split(/\s+/);
        stage.copies.push({ from, sources: parts.slice(0, -1), dest: parts[parts.length - 1] });
        break;
      }
      case 'ENV': {
        for (const m of rest.matchAll(/(\w+)=(\S+)/g)) stage.env[m[1]] = m[2];
        break;
      }
      case 'EXPOSE': stage.expose.push(...rest.split(/\s+/).map(Number)); break;
      case 'USER': stage.user = rest; break;
      case 'ENTRYPOINT': stage.entrypoint = JSON.parse(rest); break;
      default: break;
    }
  }
  return stages;
}

// The stage and its ancestors, nearest first.
function lineage(stages, stage) {
  const out = [stage];
  let s = stage;
  while ((s = stages.find((x) => x.name === s.from))) out.push(s);
  return out;
}

// Every package `packages` installs (apt-cache depends --recurse), one apt-cache call per
// package list, cached: the broken variants below reuse it.
const dependencyCache = new Map();
function closure(packages) {
  const key = [...packages].sort().join(' ');
  if (!dependencyCache.has(key)) {
    const out = sh('apt-cache', ['depends', '--recurse', '--no-recommends', '--no-suggests', '--no-conflicts',
      '--no-breaks', '--no-replaces', '--no-enhances', ...packages]);
    const set = new Set(packages);
    for (const line of out.split('\n')) {
      const m = line.match(/^\s*\|?(?:Pre)?Depends:\s*<?([^>\s:]+)/) ?? line.match(/^(\S+)$/);
      if (m) set.add(m[1]);
    }
    dependencyCache.set(key, set);
  }
  return dependencyCache.get(key);
}

// The packages owning the shared libraries each binary loads: one `ldd` per binary, one
// `dpkg -S` for every library (dpkg is slow to start; the files may be known by their real path
// or, with merged /usr, by the /lib path ldd prints).
function libraryPackages(binaries) {
  const libsOf = {};
  const paths = new Set();
  for (const [name, binary] of Object.entries(binaries)) {
    libsOf[name] = [];
    for (const line of sh('ldd', [binary]).split('\n')) {
      const m = line.match(/=>\s+(\/\S+)/);
      if (!m) continue;
      const candidates = [m[1], fs.realpathSync(m[1])];
      libsOf[name].push(candidates);
      candidates.forEach((c) => paths.add(c));
    }
  }
  const owner = {};
  const out = spawnSync('dpkg', ['-S', ...paths], { encoding: 'utf8' }).stdout;
  for (const line of out.split('\n')) {
    const m = line.match(/^([^:\s]+)(?::\w+)?: (\S+)$/);
    if (m) owner[m[2]] = m[1];
  }
  const result = {};
  for (const [name, libs] of Object.entries(libsOf)) {
    result[name] = new Set();
    for (const candidates of libs) {
      const pkg = candidates.map((c) => owner[c]).find(Boolean);
      if (!pkg) throw new Error(`${binaries[name]}: no package owns ${candidates[0]}`);
      result[name].add(pkg);
    }
  }
  return result;
}

const priorityCache = new Map();
function priority(pkg) {
  if (!priorityCache.has(pkg)) {
    let p = '';
    try { p = sh('dpkg-query', ['-W', '-f=${Priority}', pkg]).trim(); } catch { /* not installed */ }
    priorityCache.set(pkg, p);
  }
  return priorityCache.get(pkg);
}

export function checkDockerfile(stages, facts, libraries, dockerignore) {
  const errors = [];
  const fail = (m) => errors.push(`Dockerfile: ${m}`);
  const byName = (n) => stages.find((s) => s.name === n);
  const build = byName('build');
  if (!build) return ['Dockerfile: no build stage'];
  for (const s of stages) {
    const root = lineage(stages, s).at(-1);
    if (!/^debian:12(-slim)?$/.test(root.from)) fail(`stage ${s.name} is not based on debian:12 (${root.from})`);
  }
  // Build packages: the -dev packages and the toolchain deploy/local/lib.sh installs (a new
  // library there is a new build dependency here; its test tools are not).
  const libsh = read('deploy/local/lib.sh');
  const listed = libsh.match(/MELTINGDOC_PACKAGES=\(([\s\S]*?)\n\)/)[1].replace(/#.*$/gm, '').split(/\s+/).filter(Boolean);
  const toolchain = new Set(['cmake', 'g++', 'pkg-config', 'protobuf-compiler', 'protobuf-compiler-grpc', 'grpc-proto', 'googletest', 'john-data']);
  for (const p of listed) {
    if ((p.endsWith('-dev') || toolchain.has(p)) && !build.packages.includes(p)) fail(`build stage lacks ${p} (deploy/local/lib.sh builds with it)`);
  }
  const buildRun = build.runs.join(' ');
  for (const t of [...SERVICES.map((s) => `meltingdoc-${s}`), 'meltingdoc-keygen']) {
    if (!buildRun.includes(t)) fail(`build stage does not build ${t}`);
  }

  const binaryStages = { keygen: [] };
  for (const svc of SERVICES) {
    const s = byName(svc);
    if (!s) { fail(`no target ${svc}`); continue; }
    const chain = lineage(stages, s);
    const user = chain.find((x) => x.user !== undefined)?.user;
    if (!user || !/^[1-9]\d*(:\d+)?$/.test(user)) fail(`target ${svc} runs as "${user}", not a numeric non-root user`);
    const binary = `/usr/local/bin/meltingdoc-${svc}`;
    if (JSON.stringify(s.entrypoint) !== JSON.stringify([binary])) fail(`target ${svc}: entrypoint ${JSON.stringify(s.entrypoint)}, expected ["${binary}"]`);
    if (!s.copies.some((c) => c.from === 'build' && c.sources.includes(`/out/meltingdoc-${svc}`))) fail(`target ${svc} does not copy its binary from the build stage`);
    for (const port of [facts[svc].grpc, facts[svc].metrics]) if (!s.expose.includes(port)) fail(`target ${svc} does not expose ${port}`);
    const host = chain.map((x) => x.env[`MELTINGDOC_${svc.toUpperCase()}_GRPC_HOST`]).find((v) => v !== undefined);
    if (host !== '0.0.0.0') fail(`target ${svc}: gRPC listens on ${host ?? '127.0.0.1 (default)'}, unreachable from outside the container`);
    binaryStages[svc] = chain;
  }
  const gw = byName('gateway');
  if (!gw) fail('no target gateway');
  else {
    const chain = lineage(stages, gw);
    const user = chain.find((x) => x.user !== undefined)?.user;
    if (!user || !/^[1-9]\d*(:\d+)?$/.test(user)) fail(`target gateway runs as "${user}", not a numeric non-root user`);
    if (JSON.stringify(gw.entrypoint) !== JSON.stringify(['/usr/local/bin/meltingdoc-gateway'])) fail('target gateway: wrong entrypoint');
    for (const port of [facts.gateway.http, facts.gateway.metrics]) if (!gw.expose.includes(port)) fail(`target gateway does not expose ${port}`);
    if (chain.map((x) => x.env.MELTINGDOC_GATEWAY_HOST).find((v) => v !== undefined) !== '0.0.0.0') fail('target gateway: listens on 127.0.0.1 only');
    for (const key of chain.flatMap((x) => Object.keys(x.env))) {
      if (key.startsWith('MELTINGDOC_GATEWAY_') && !facts.gateway.flags.has(key.slice('MELTINGDOC_GATEWAY_'.length).toLowerCase())) fail(`target gateway: ${key} names no flag`);
    }
    binaryStages.gateway = chain;
  }
  if (!buildRun.includes('meltingdoc-gateway')) fail('build stage does not build meltingdoc-gateway');
  const tools = byName('tools');
  if (!tools) fail('no target tools');
  for (const s of stages) if (s.copies.some((c) => c.sources.includes('/out/meltingdoc-keygen'))) binaryStages.keygen.push(lineage(stages, s));

  // Shared libraries: installed, a dependency of what is installed, or in every debian:12.
  for (const [bin, pkgs] of Object.entries(libraries)) {
    const chains = bin === 'keygen' ? binaryStages.keygen : [binaryStages[bin]];
    for (const chain of chains) {
      if (!chain) continue;
      const installed = chain.flatMap((x) => x.packages);
      if (installed.length === 0) { fail(`${chain[0].name}: installs no packages`); continue; }
      const have = closure(installed);
      for (const p of pkgs) {
        if (have.has(p)) continue;
        const prio = priority(p);
        if (prio === 'required') continue;
        fail(`target ${chain[0].name}: meltingdoc-${bin} needs package ${p} (priority ${prio || 'unknown'}), which the image does not install`);
      }
    }
  }

  for (const s of stages) {
    for (const c of s.copies) {
      if (c.from) continue;
      for (const src of c.sources) if (src !== '.' && !fs.existsSync(path.join(SOURCE_DIR, src))) fail(`stage ${s.name}: COPY ${src}: no such file in the repository`);
    }
  }
  for (const must of ['build*/', '.local/', '.git']) if (!dockerignore.split('\n').some((l) => l.trim() === must || l.trim() === `**/${must}`)) fail(`Dockerfile.dockerignore does not ignore ${must}`);
  return errors;
}

// ---- compose ----------------------------------------------------------------------------------

const defaultOf = (value, variable) => String(value).match(new RegExp(`\\$\\{${variable}:-([^}]*)\\}`))?.[1];

export function checkCompose(compose, stages, facts) {
  const errors = [];
  const fail = (m) => errors.push(`compose.yaml: ${m}`);
  const services = compose.services ?? {};
  const stageNames = new Set(stages.map((s) => s.name));
  for (const [name, s] of Object.entries(services)) {
    if (s.build) {
      if (!stageNames.has(s.build.target)) fail(`${name}: build target ${s.build.target} is no Dockerfile stage`);
      const context = path.resolve(SOURCE_DIR, 'deploy/docker', s.build.context);
      if (context !== SOURCE_DIR) fail(`${name}: build context ${s.build.context} is not the repository root`);
      if (!fs.existsSync(path.join(context, s.build.dockerfile))) fail(`${name}: no Dockerfile ${s.build.dockerfile}`);
    }
    for (const dep of Object.keys(s.depends_on ?? {})) if (!services[dep]) fail(`${name}: depends on unknown ${dep}`);
    for (const v of s.volumes ?? []) {
      const vol = String(v).split(':')[0];
      if (!vol.startsWith('.') && !vol.startsWith('/') && !(compose.volumes ?? {})[vol]) fail(`${name}: volume ${vol} is not declared`);
    }
  }
  for (const db of ['postgres', 'redis']) {
    if (!services[db]) fail(`no ${db}`);
    else if (services[db].ports) fail(`${db} is published on the host`);
  }
  if (!/--appendonly\s+yes/.test((services.redis?.command ?? []).join(' '))) fail('redis runs without AOF');
  const bootstrap = services['db-bootstrap'];
  if (!bootstrap) fail('no db-bootstrap');

  for (const svc of SERVICES) {
    const s = services[svc];
    if (!s) { fail(`no service ${svc}`); continue; }
    const U = svc.toUpperCase();
    if (s.build?.target !== svc) fail(`${svc}: builds target ${s.build?.target}`);
    for (const key of Object.keys(s.environment ?? {})) {
      if (!key.startsWith('MELTINGDOC_')) continue;
      const flag = key.slice(`MELTINGDOC_${U}_`.length).toLowerCase();
      if (!key.startsWith(`MELTINGDOC_${U}_`) || !(facts[svc].flags.has(flag) || (svc === 'identity' && flag === 'signing_key_file'))) {
        fail(`${svc}: ${key} names no flag of meltingdoc-${svc}`);
      }
    }
    const url = String(s.environment?.[`MELTINGDOC_${U}_PG_URL`] ?? '');
    const m = url.match(/^postgresql:\/\/([^:@]+):(.*)@postgres:5432\/meltingdoc$/);
    if (!m) fail(`${svc}: PG_URL ${url} is not its role on postgres:5432/meltingdoc`);
    else {
      if (m[1] !== svc) fail(`${svc}: connects as role ${m[1]}`);
      const wanted = `MELTINGDOC_${U}_DB_PASSWORD`;
      const inUrl = defaultOf(m[2], wanted);
      const inBootstrap = defaultOf(bootstrap?.environment?.[wanted] ?? '', wanted);
      if (inUrl === undefined || inUrl !== inBootstrap) fail(`${svc}: password \${${wanted}} defaults to "${inUrl}" in the URL, "${inBootstrap}" in db-bootstrap`);
    }
    const ports = (s.ports ?? []).map(String);
    for (const p of [facts[svc].grpc, facts[svc].metrics]) if (!ports.includes(`127.0.0.1:${p}:${p}`)) fail(`${svc}: port ${p} not published on 127.0.0.1:${p}`);
    if (ports.some((p) => !p.startsWith('127.0.0.1:'))) fail(`${svc}: a port is published beyond 127.0.0.1`);
    const test = (s.healthcheck?.test ?? []).join(' ');
    if (!test.includes(`meltingdoc-healthz ${facts[svc].metrics}`)) fail(`${svc}: health check "${test}" is not /healthz on ${facts[svc].metrics}`);
    if (s.read_only !== true) fail(`${svc}: root filesystem is writable`);
    const mounts = (s.volumes ?? []).map((v) => String(v).split(':')).map(([, target, mode]) => ({ target, ro: mode === 'ro' }));
    for (const flag of facts[svc].dirFlags) {
      const dir = s.environment?.[`MELTINGDOC_${U}_${flag.toUpperCase()}`];
      const mount = dir && mounts.find((m) => dir === m.target || dir.startsWith(`${m.target}/`));
      if (!dir) fail(`${svc}: --${flag} is not set (its default is off or on the read-only root filesystem)`);
      else if (!mount) fail(`${svc}: --${flag}=${dir} is on no mounted volume (the root filesystem is read-only)`);
      else if (flag === 'mail_dir' && mount.ro) fail(`${svc}: --${flag}=${dir} is mounted read-only`);
    }
    if (!(s.cap_drop ?? []).includes('ALL')) fail(`${svc}: capabilities kept`);
    for (const dep of ['db-bootstrap', 'redis']) if (!s.depends_on?.[dep]) fail(`${svc}: does not wait for ${dep}`);
  }
  const g = services.gateway;
  if (!g) fail('no gateway');
  else {
    if (g.build?.target !== 'gateway') fail(`gateway: builds target ${g.build?.target}`);
    for (const key of Object.keys(g.environment ?? {})) {
      if (!key.startsWith('MELTINGDOC_GATEWAY_') || !facts.gateway.flags.has(key.slice('MELTINGDOC_GATEWAY_'.length).toLowerCase())) fail(`gateway: ${key} names no flag of meltingdoc-gateway`);
    }
    for (const svc of SERVICES) {
      const addr = g.environment?.[`MELTINGDOC_GATEWAY_${svc.toUpperCase()}_ADDR`];
      if (addr !== `${svc}:${facts[svc].grpc}`) fail(`gateway: ${svc} address is ${addr}, not ${svc}:${facts[svc].grpc}`);
      if (!g.depends_on?.[svc]) fail(`gateway: does not wait for ${svc}`);
    }
    const ports = (g.ports ?? []).map(String);
    for (const p of [facts.gateway.http, facts.gateway.metrics]) if (!ports.includes(`127.0.0.1:${p}:${p}`)) fail(`gateway: port ${p} not published on 127.0.0.1:${p}`);
    if (g.read_only !== true) fail('gateway: root filesystem is writable');
  }
  return errors;
}

// ---- main -------------------------------------------------------------------------------------

function main() {
  const facts = serviceFacts();
  const dockerfileText = read('deploy/docker/Dockerfile');
  const stages = parseDockerfile(dockerfileText);
  const dockerignore = read('deploy/docker/Dockerfile.dockerignore');
  const binaries = { keygen: path.join(BINARY_DIR, 'libs/auth/meltingdoc-keygen'), gateway: path.join(BINARY_DIR, 'gateway/meltingdoc-gateway') };
  for (const svc of SERVICES) binaries[svc] = path.join(BINARY_DIR, `services/${svc}/meltingdoc-${svc}`);
  const libraries = libraryPackages(binaries);
  const composeText = read('deploy/docker/compose.yaml');
  const compose = YAML.parse(composeText, { merge: true, version: '1.1' });

  const problems = [...checkDockerfile(stages, facts, libraries, dockerignore), ...checkCompose(compose, stages, facts)];
  console.log(`Dockerfile: ${stages.length} stages; libraries of ${Object.keys(libraries).length} binaries from ${new Set(Object.values(libraries).flatMap((s) => [...s])).size} packages`);

  const mutations = [
    ['a runtime library not installed', () => checkDockerfile(parseDockerfile(dockerfileText.replace(/ libsodium23 /, ' ')), facts, libraries, dockerignore), 'needs package libsodium23'],
    ['keygen library missing in tools', () => checkDockerfile(parseDockerfile(dockerfileText.replace('redis-tools libsodium23 libabsl20220623', 'redis-tools libsodium23')), facts, libraries, dockerignore), 'target tools: meltingdoc-keygen needs package libabsl20220623'],
    ['root user', () => checkDockerfile(parseDockerfile(dockerfileText.replace('USER 10001:10001\nWORKDIR /\n', 'USER root\nWORKDIR /\n')), facts, libraries, dockerignore), 'not a numeric non-root user'],
    ['wrong exposed port', () => checkDockerfile(parseDockerfile(dockerfileText.replace('EXPOSE 50053 9103', 'EXPOSE 50053 9113')), facts, libraries, dockerignore), 'target discussions does not expose 9103'],
    ['loopback only', () => checkDockerfile(parseDockerfile(dockerfileText.replace('ENV MELTINGDOC_SEARCH_GRPC_HOST=0.0.0.0\n', '')), facts, libraries, dockerignore), 'target search: gRPC listens on 127.0.0.1'],
    ['a build package missing', () => checkDockerfile(parseDockerfile(dockerfileText.replace('libpqxx-dev ', '')), facts, libraries, dockerignore), 'build stage lacks libpqxx-dev'],
    ['compose password mismatch', () => { const c = structuredClone(compose); c.services['db-bootstrap'].environment.MELTINGDOC_SEARCH_DB_PASSWORD = '${MELTINGDOC_SEARCH_DB_PASSWORD:-other}'; return checkCompose(c, stages, facts); }, 'search: password'],
    ['compose unknown flag', () => { const c = structuredClone(compose); c.services.profiles.environment.MELTINGDOC_PROFILES_REDDIS = 'redis:6379'; return checkCompose(c, stages, facts); }, 'MELTINGDOC_PROFILES_REDDIS names no flag'],
    ['compose port published widely', () => { const c = structuredClone(compose); c.services.identity.ports = ['50051:50051', '127.0.0.1:9101:9101']; return checkCompose(c, stages, facts); }, 'identity: port 50051 not published'],
    ['gateway calling a wrong port', () => { const c = structuredClone(compose); c.services.gateway.environment.MELTINGDOC_GATEWAY_SEARCH_ADDR = 'search:50053'; return checkCompose(c, stages, facts); }, 'gateway: search address is search:50053'],
    ['gateway env typo in the image', () => checkDockerfile(parseDockerfile(dockerfileText.replace('MELTINGDOC_GATEWAY_WEB_ROOT=', 'MELTINGDOC_GATEWAY_WEBROOT=')), facts, libraries, dockerignore), 'MELTINGDOC_GATEWAY_WEBROOT names no flag'],
    ['compose without the register directory', () => { const c = structuredClone(compose); delete c.services.identity.environment.MELTINGDOC_IDENTITY_REGISTER_DIR; return checkCompose(c, stages, facts); }, 'identity: --register_dir is not set'],
    ['compose mail directory on the read-only root', () => { const c = structuredClone(compose); c.services.identity.volumes = c.services.identity.volumes.filter((v) => !String(v).startsWith('mail:')); return checkCompose(c, stages, facts); }, 'identity: --mail_dir=/var/lib/meltingdoc/mail is on no mounted volume'],
    ['compose redis without AOF', () => { const c = structuredClone(compose); c.services.redis.command = ['redis-server']; return checkCompose(c, stages, facts); }, 'redis runs without AOF'],
  ];
  for (const [what, run, expect] of mutations) {
    const errors = run();
    if (!errors.some((e) => e.includes(expect))) problems.push(`the check missed a broken file (${what}): got ${JSON.stringify(errors)}`);
  }
  console.log(`${mutations.length} broken variants: each caught`);
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log('deploy/docker: ok');
}

main();
