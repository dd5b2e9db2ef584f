// Offline checks of the Kubernetes manifests: each overlay of deploy/k8s/overlays and deploy/mosquitto are rendered
// with `kubectl kustomize`, every object is validated against its schema (kubernetes-models), and the deployment
// rules of deploy/k8s/README.md are asserted with their exact values. Run: `npm test` in this folder (test.sh
// installs the packages first and skips when kubectl is missing).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");
const NAMESPACE = "wattwitness";

// What each service is: its port, the variable its application.properties reads the port from, and the only
// secrets it uses (each from its own Secret <service>-secrets).
const SERVICES = {
  "ingest-service": { kind: "StatefulSet", port: 8081, portVar: "HTTP_PORT", replicas: 2, secrets: ["MQTT_PASSWORD"] },
  "query-service": {
    kind: "Deployment",
    port: 8082,
    portVar: "QUERY_HTTP_PORT",
    replicas: 2,
    secrets: [
      "DB_PASSWORD",
      "WATTWITNESS_TOKENS_OPERATOR",
      "WATTWITNESS_TOKENS_ANCHORING",
      "WATTWITNESS_TOKENS_DEVICE",
    ],
  },
  "verify-service": { kind: "Deployment", port: 8083, portVar: "HTTP_PORT", replicas: 3, secrets: ["DB_PASSWORD"] },
  "chain-listener-service": {
    kind: "Deployment",
    port: 8084,
    portVar: "HTTP_PORT",
    replicas: 1,
    secrets: ["DB_PASSWORD", "ANCHORING_TOKEN"],
  },
};

const OVERLAYS = {
  "local-anvil": {
    CHAIN_RPC_URL: "http://host.containers.internal:8545",
    CHAIN_ID: "43113",
    ANCHOR_CONTRACT_ADDRESS: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  },
  fuji: {
    CHAIN_RPC_URL: "https://api.avax-test.network/ext/bc/C/rpc",
    CHAIN_ID: "43113",
    ANCHOR_CONTRACT_ADDRESS: "",
    CHAIN_EXPLORER_TX_URL: "https://testnet.snowtrace.io/tx/{tx}",
  },
  mainnet: {
    CHAIN_RPC_URL: "https://api.avax.network/ext/bc/C/rpc",
    CHAIN_ID: "43114",
    ANCHOR_CONTRACT_ADDRESS: "",
    CHAIN_EXPLORER_TX_URL: "https://snowtrace.io/tx/{tx}",
  },
};

const SCRAPER = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
  podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
};
const INGRESS_CONTROLLER = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } };

function render(dir) {
  // stderr is kept for the error of a failed render (and hides the deprecation warning of `bases`)
  const out = execFileSync("kubectl", ["kustomize", path.join(repo, dir)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Kubernetes reads a plain 0x… scalar too large for an integer (a contract address) as a string; the YAML 1.2
  // core schema would make it a number, so hexadecimal integers are left out of the schema.
  const customTags = (tags) => tags.filter((t) => t.format !== "HEX");
  return parseAllDocuments(out, { customTags })
    .map((d) => {
      if (d.errors.length) throw d.errors[0];
      return d.toJS();
    })
    .filter(Boolean);
}

// --- application.properties: the port variable and every environment variable a service reads -------------------
function properties(service) {
  return readFileSync(path.join(repo, service, "src/main/resources/application.properties"), "utf8");
}
function portVariable(service) {
  const m = properties(service).match(/^quarkus\.http\.port=\$\{([A-Z_]+):(\d+)\}$/m);
  assert.ok(m, `${service}: quarkus.http.port=\${VAR:port} not found`);
  return { name: m[1], defaultPort: Number(m[2]) };
}
function variablesRead(service) {
  return new Set([...properties(service).matchAll(/\$\{([A-Z][A-Z0-9_]*)[:}]/g)].map((m) => m[1]));
}

// --- schema validation ----------------------------------------------------------------------------------------------
async function modelFor(obj) {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : [null, obj.apiVersion];
  const modulePath = group
    ? `kubernetes-models/${group}/${version}/${obj.kind}`
    : `kubernetes-models/${version}/${obj.kind}`;
  const mod = await import(modulePath);
  return mod[obj.kind];
}
async function validateAll(objects) {
  for (const obj of objects) {
    const Model = await modelFor(obj);
    assert.ok(Model, `no schema for ${obj.apiVersion} ${obj.kind}`);
    new Model(obj).validate();
  }
}

// --- rules -----------------------------------------------------------------------------------------------------------
const find = (objects, kind, name) =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const one = (objects, kind, name) => {
  const found = find(objects, kind, name);
  assert.equal(found.length, 1, `expected exactly one ${kind} ${name}`);
  return found[0];
};
const podTemplates = (objects) =>
  objects.filter((o) => ["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind));

function resolvePort(container, port) {
  if (typeof port === "number") return port;
  const named = (container.ports ?? []).find((p) => p.name === port);
  assert.ok(named, `${container.name}: no container port named ${port}`);
  return named.containerPort;
}

/** Every container (init containers too) of every pod: non-root, no escalation, read-only root, no capability. */
function checkSecurityContexts(objects) {
  for (const w of podTemplates(objects)) {
    const pod = w.spec.template.spec;
    const podSc = pod.securityContext ?? {};
    assert.equal(podSc.runAsNonRoot, true, `${w.metadata.name}: pod runAsNonRoot`);
    assert.deepEqual(podSc.seccompProfile, { type: "RuntimeDefault" }, `${w.metadata.name}: pod seccompProfile`);
    assert.equal(pod.automountServiceAccountToken, false, `${w.metadata.name}: automountServiceAccountToken`);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      const sc = c.securityContext ?? {};
      const where = `${w.metadata.name}/${c.name}`;
      assert.equal(sc.runAsNonRoot, true, `${where}: runAsNonRoot`);
      assert.equal(sc.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation`);
      assert.equal(sc.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
      assert.deepEqual(sc.capabilities, { drop: ["ALL"] }, `${where}: capabilities`);
      assert.deepEqual(sc.seccompProfile, { type: "RuntimeDefault" }, `${where}: seccompProfile`);
      assert.ok(sc.privileged !== true, `${where}: privileged`);
    }
  }
}

/** Ports, probes, port variable, metrics annotations, Service, /tmp, resources, secrets of one service. */
function checkService(objects, name) {
  const spec = SERVICES[name];
  const w = one(objects, spec.kind, name);
  assert.equal(w.spec.replicas, spec.replicas, `${name}: replicas`);
  const pod = w.spec.template.spec;
  assert.equal(pod.containers.length, 1, `${name}: one container`);
  const c = pod.containers[0];
  assert.deepEqual(c.ports, [{ name: "http", containerPort: spec.port }], `${name}: container ports`);

  // the port variable is the one the service reads, and it is set to the declared port
  assert.equal(portVariable(name).name, spec.portVar, `${name}: port variable of application.properties`);
  const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
  assert.equal(env[spec.portVar]?.value, String(spec.port), `${name}: ${spec.portVar}`);
  const portVars = (c.env ?? []).filter((e) => /HTTP_PORT$/.test(e.name)).map((e) => e.name);
  assert.deepEqual(portVars, [spec.portVar], `${name}: exactly one port variable`);

  // probes
  const probes = {
    startupProbe: "/q/health/started",
    readinessProbe: "/q/health/ready",
    livenessProbe: "/q/health/live",
  };
  for (const [probe, probePath] of Object.entries(probes)) {
    assert.ok(c[probe]?.httpGet, `${name}: ${probe}`);
    assert.equal(c[probe].httpGet.path, probePath, `${name}: ${probe} path`);
    assert.equal(resolvePort(c, c[probe].httpGet.port), spec.port, `${name}: ${probe} port`);
  }

  // metrics annotations on the same port
  assert.deepEqual(
    w.spec.template.metadata.annotations,
    {
      "prometheus.io/scrape": "true",
      "prometheus.io/path": "/q/metrics",
      "prometheus.io/port": String(spec.port),
    },
    `${name}: prometheus annotations`,
  );

  // Service: same port, target resolving to the container port, selecting the pods
  const svc = one(objects, "Service", name);
  assert.equal(svc.spec.ports.length, 1, `${name}: Service ports`);
  assert.equal(svc.spec.ports[0].port, spec.port, `${name}: Service port`);
  assert.equal(resolvePort(c, svc.spec.ports[0].targetPort), spec.port, `${name}: Service targetPort`);
  assert.deepEqual(svc.spec.selector, { "app.kubernetes.io/name": name }, `${name}: Service selector`);

  // read-only root: /tmp is an emptyDir
  const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
  assert.ok(tmp, `${name}: /tmp mount`);
  const tmpVolume = (pod.volumes ?? []).find((v) => v.name === tmp.name);
  assert.deepEqual(tmpVolume, { name: tmp.name, emptyDir: { sizeLimit: "64Mi" } }, `${name}: /tmp volume`);

  // resources as before (no measurement in docs/benchmarks.md to size them from)
  assert.deepEqual(
    c.resources,
    { requests: { cpu: "250m", memory: "384Mi" }, limits: { memory: "768Mi" } },
    `${name}: resources`,
  );

  // secrets: only its own Secret, only the keys it reads, exactly the expected ones
  for (const from of c.envFrom ?? []) assert.equal(from.secretRef, undefined, `${name}: envFrom of a Secret`);
  for (const v of pod.volumes ?? []) assert.equal(v.secret, undefined, `${name}: Secret volume ${v.name}`);
  const secretEnv = (c.env ?? []).filter((e) => e.valueFrom?.secretKeyRef);
  const read = variablesRead(name);
  for (const e of secretEnv) {
    const ref = e.valueFrom.secretKeyRef;
    assert.equal(ref.name, `${name}-secrets`, `${name}: ${e.name} from another service's Secret`);
    assert.equal(ref.key, e.name, `${name}: ${e.name} key`);
    assert.ok(read.has(e.name), `${name}: ${e.name} is given to the pod but not read by the service`);
  }
  assert.deepEqual(secretEnv.map((e) => e.name).sort(), [...spec.secrets].sort(), `${name}: secret keys`);
  // and every password or token the service reads comes from its Secret (none left unset, none in a ConfigMap)
  const secretsRead = [...read].filter((v) => /PASSWORD|TOKEN/.test(v)).sort();
  assert.deepEqual(secretsRead, [...spec.secrets].sort(), `${name}: passwords and tokens read by the service`);
}

function checkIngress(objects) {
  const ing = one(objects, "Ingress", "query-service");
  assert.equal(ing.spec.ingressClassName, "nginx");
  assert.deepEqual(
    ing.spec.tls,
    [{ hosts: ["wattwitness.example.org"], secretName: "query-service-tls" }],
    "Ingress tls",
  );
  assert.equal(ing.spec.defaultBackend, undefined, "Ingress defaultBackend");
  const tlsHosts = new Set(ing.spec.tls.flatMap((t) => t.hosts));
  const paths = [];
  for (const rule of ing.spec.rules) {
    assert.ok(tlsHosts.has(rule.host), `Ingress host ${rule.host} without TLS`);
    for (const p of rule.http.paths) {
      assert.ok(!p.path.startsWith("/q"), `Ingress exposes ${p.path}`);
      assert.deepEqual(
        p.backend,
        { service: { name: "query-service", port: { name: "http" } } },
        `backend of ${p.path}`,
      );
      paths.push([p.path, p.pathType]);
    }
  }
  assert.deepEqual(
    paths,
    [
      ["/api", "Prefix"],
      ["/assets", "Prefix"],
      ["/", "Exact"],
      ["/health", "Exact"],
    ],
    "Ingress paths",
  );
  assert.equal(one(objects, "Service", "query-service").spec.ports[0].name, "http");
}

function checkNetworkPolicies(objects) {
  const deny = one(objects, "NetworkPolicy", "default-deny-ingress");
  assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress"] }, "default deny");
  const expected = {
    "query-service": [
      INGRESS_CONTROLLER,
      { podSelector: { matchLabels: { "app.kubernetes.io/name": "chain-listener-service" } } },
      SCRAPER,
    ],
    "ingest-service": [SCRAPER],
    "verify-service": [SCRAPER],
    "chain-listener-service": [SCRAPER],
  };
  for (const [name, from] of Object.entries(expected)) {
    const np = one(objects, "NetworkPolicy", name);
    assert.deepEqual(
      np.spec,
      {
        podSelector: { matchLabels: { "app.kubernetes.io/name": name } },
        policyTypes: ["Ingress"],
        ingress: [{ from, ports: [{ protocol: "TCP", port: SERVICES[name].port }] }],
      },
      `NetworkPolicy ${name}`,
    );
  }
  assert.equal(find(objects, "NetworkPolicy").length, 5, "NetworkPolicies");
}

function checkDisruptionBudgets(objects) {
  for (const name of ["ingest-service", "query-service", "verify-service"]) {
    const pdb = one(objects, "PodDisruptionBudget", name);
    assert.deepEqual(
      pdb.spec,
      { minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": name } } },
      `PodDisruptionBudget ${name}`,
    );
    assert.ok(SERVICES[name].replicas > 1, `${name}: a budget of 1 needs more than one replica`);
  }
}

function checkConfig(objects, overlay) {
  const config = one(objects, "ConfigMap", "wattwitness-config").data;
  assert.equal(config.MQTT_SHARED_GROUP, "wattwitness-ingest");
  assert.equal(
    config.QUERY_SERVICE_URL,
    `http://query-service.${NAMESPACE}.svc.cluster.local:${SERVICES["query-service"].port}`,
  );
  for (const key of Object.keys(config))
    assert.ok(!key.startsWith("CHAIN_") && key !== "ANCHOR_CONTRACT_ADDRESS", `base ${key}`);
  for (const key of Object.keys(config)) assert.ok(!/PASSWORD|TOKEN/.test(key), `secret ${key} in the ConfigMap`);

  const chain = find(objects, "ConfigMap").filter((c) => c.metadata.name.startsWith("wattwitness-chain-"));
  assert.equal(chain.length, 1, "the overlay's chain ConfigMap");
  assert.deepEqual(chain[0].data, OVERLAYS[overlay], `${overlay}: chain settings`);
  for (const name of ["query-service", "chain-listener-service"]) {
    const c = one(objects, SERVICES[name].kind, name).spec.template.spec.containers[0];
    const refs = c.envFrom.map((f) => f.configMapRef);
    assert.deepEqual(refs, [{ name: "wattwitness-config" }, { name: chain[0].metadata.name }], `${name}: envFrom`);
  }
  const ingest = one(objects, "StatefulSet", "ingest-service").spec.template.spec.containers[0];
  assert.deepEqual(
    ingest.env.find((e) => e.name === "MQTT_CLIENT_ID").valueFrom,
    { fieldRef: { fieldPath: "metadata.name" } },
    "ingest client id from the pod name",
  );
  assert.ok(!JSON.stringify(objects).includes("0x0000000000000000000000000000000000000000"), "zero address");
  for (const o of objects)
    if (o.kind !== "Namespace") assert.equal(o.metadata.namespace, NAMESPACE, `${o.kind} ${o.metadata.name}`);
}

export function checkOverlay(objects, overlay) {
  for (const name of Object.keys(SERVICES)) checkService(objects, name);
  checkSecurityContexts(objects);
  checkIngress(objects);
  checkNetworkPolicies(objects);
  checkDisruptionBudgets(objects);
  checkConfig(objects, overlay);
  assert.equal(find(objects, "Secret").length, 0, "no Secret is shipped");
}

function checkMosquitto(objects) {
  checkSecurityContexts(objects);
  const np = one(objects, "NetworkPolicy", "mosquitto");
  assert.deepEqual(np.spec, {
    podSelector: { matchLabels: { "app.kubernetes.io/name": "mosquitto" } },
    policyTypes: ["Ingress"],
    ingress: [{ ports: [{ protocol: "TCP", port: 1883 }] }],
  });
  const c = one(objects, "StatefulSet", "mosquitto").spec.template.spec.containers[0];
  assert.equal(resolvePort(c, c.readinessProbe.tcpSocket.port), 1883);
  assert.equal(resolvePort(c, one(objects, "Service", "mosquitto").spec.ports[0].targetPort), 1883);
}

const rendered = {};
for (const overlay of Object.keys(OVERLAYS)) rendered[overlay] = render(`deploy/k8s/overlays/${overlay}`);

for (const overlay of Object.keys(OVERLAYS)) {
  describe(`overlay ${overlay}`, () => {
    test("every object matches its Kubernetes schema", async () => validateAll(rendered[overlay]));
    test("objects rendered", () => {
      const kinds = rendered[overlay].map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, "")}`).sort();
      assert.deepEqual(kinds, [
        "ConfigMap/wattwitness-chain",
        "ConfigMap/wattwitness-config",
        "Deployment/chain-listener-service",
        "Deployment/query-service",
        "Deployment/verify-service",
        "Ingress/query-service",
        "Namespace/wattwitness",
        "NetworkPolicy/chain-listener-service",
        "NetworkPolicy/default-deny-ingress",
        "NetworkPolicy/ingest-service",
        "NetworkPolicy/query-service",
        "NetworkPolicy/verify-service",
        "PodDisruptionBudget/ingest-service",
        "PodDisruptionBudget/query-service",
        "PodDisruptionBudget/verify-service",
        "Service/chain-listener-service",
        "Service/ingest-service",
        "Service/query-service",
        "Service/verify-service",
        "StatefulSet/ingest-service",
      ]);
    });
    for (const name of Object.keys(SERVICES))
      test(`${name}: port, probes, metrics, Service, secrets`, () => checkService(rendered[overlay], name));
    test("security context of every container", () => checkSecurityContexts(rendered[overlay]));
    test("Ingress: TLS, /api, the dashboard and /health only", () => checkIngress(rendered[overlay]));
    test("NetworkPolicies", () => checkNetworkPolicies(rendered[overlay]));
    test("PodDisruptionBudgets", () => checkDisruptionBudgets(rendered[overlay]));
    test("configuration and chain settings", () => checkConfig(rendered[overlay], overlay));
  });
}

describe("deploy/mosquitto", () => {
  const objects = render("deploy/mosquitto");
  test("every object matches its Kubernetes schema", async () => validateAll(objects));
  test("security context, port, NetworkPolicy", () => checkMosquitto(objects));
});

describe("a broken manifest is caught", () => {
  // Each case breaks one rule in a copy of the fuji overlay; the checks must refuse it.
  const broken = (change) => {
    const copy = structuredClone(rendered.fuji);
    change(copy);
    return copy;
  };
  const container = (objects, name) => one(objects, SERVICES[name].kind, name).spec.template.spec.containers[0];
  const cases = {
    "probe on another port": (o) => {
      container(o, "verify-service").readinessProbe.httpGet.port = 8080;
    },
    "port variable not set to the container port": (o) => {
      container(o, "ingest-service").env.find((e) => e.name === "HTTP_PORT").value = "8080";
    },
    "query-service given HTTP_PORT, which it does not read": (o) => {
      container(o, "query-service").env.find((e) => e.name === "QUERY_HTTP_PORT").name = "HTTP_PORT";
    },
    "metrics annotation on another port": (o) => {
      one(o, "Deployment", "chain-listener-service").spec.template.metadata.annotations["prometheus.io/port"] = "8080";
    },
    "a token given to a pod that does not use it": (o) => {
      container(o, "verify-service").env.push({
        name: "ANCHORING_TOKEN",
        valueFrom: { secretKeyRef: { name: "verify-service-secrets", key: "ANCHORING_TOKEN" } },
      });
    },
    "a password the service reads left out": (o) => {
      const env = container(o, "ingest-service").env;
      env.splice(env.findIndex((e) => e.name === "MQTT_PASSWORD"), 1);
    },
    "another service's Secret": (o) => {
      container(o, "verify-service").env.find((e) => e.name === "DB_PASSWORD").valueFrom.secretKeyRef.name =
        "query-service-secrets";
    },
    "a whole Secret as environment": (o) => {
      container(o, "ingest-service").envFrom.push({ secretRef: { name: "wattwitness-secrets" } });
    },
    "writable root filesystem": (o) => {
      container(o, "query-service").securityContext.readOnlyRootFilesystem = false;
    },
    "a capability kept": (o) => {
      container(o, "ingest-service").securityContext.capabilities = { drop: ["ALL"], add: ["NET_RAW"] };
    },
    "/q exposed by the Ingress": (o) => {
      one(o, "Ingress", "query-service").spec.rules[0].http.paths.push({
        path: "/q",
        pathType: "Prefix",
        backend: { service: { name: "query-service", port: { name: "http" } } },
      });
    },
    "Ingress without TLS": (o) => {
      delete one(o, "Ingress", "query-service").spec.tls;
    },
    "no default deny": (o) => {
      o.splice(
        o.findIndex((x) => x.metadata.name === "default-deny-ingress"),
        1,
      );
    },
    "ingest open to every pod": (o) => {
      one(o, "NetworkPolicy", "ingest-service").spec.ingress[0].from = [{ podSelector: {} }];
    },
    "zero contract address": (o) => {
      find(o, "ConfigMap").find((c) => c.metadata.name.startsWith("wattwitness-chain-")).data.ANCHOR_CONTRACT_ADDRESS =
        "0x0000000000000000000000000000000000000000";
    },
  };
  for (const [what, change] of Object.entries(cases)) {
    test(what, () => assert.throws(() => checkOverlay(broken(change), "fuji"), assert.AssertionError));
  }
  test("the unbroken overlay passes the same checks", () =>
    checkOverlay(
      broken(() => {}),
      "fuji",
    ));
  test("a wrong type is refused by the schema", async () => {
    const o = broken((x) => {
      container(x, "verify-service").ports[0].containerPort = "8083";
    });
    await assert.rejects(validateAll(o));
  });
});
