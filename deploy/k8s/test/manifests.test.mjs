// Offline checks of the Kubernetes manifests: each overlay of deploy/k8s/overlays (with the data layer's components),
// the same overlay without each component in turn, and deploy/mosquitto are rendered with `kubectl kustomize`; every
// object is validated against its schema (kubernetes-models; the operators' custom resources, which it does not know,
// by the structural checks below), and the deployment rules of deploy/k8s/README.md are asserted with their exact
// values. What the services configure (topics, consumer groups, database, pools, addresses) is read from their
// application.properties, resolved with the environment the manifests give each pod. Run: `npm test` in this folder
// (test.sh installs the packages first and skips when kubectl is missing or too old).
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
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

// The data layer: one kustomize component per part (deploy/k8s/components), all of them in every shipped overlay.
const COMPONENTS = ["kafka", "postgres", "mosquitto"];
const KAFKA_CLUSTER = "wattwitness"; // Strimzi: Services <cluster>-kafka-bootstrap, pod label strimzi.io/cluster
const DB_CLUSTER = "wattwitness-db"; // CloudNativePG: Service <cluster>-rw, Secret <cluster>-app, label cnpg.io/cluster
const svcAddress = (service) => `${service}.${NAMESPACE}.svc.cluster.local`;
// Replication of every topic: 3 replicas, a write acknowledged by 2 (README.md, "Data layer").
const REPLICATION = { replicas: 3, minInsync: 2 };
// The custom resources of the operators (kubernetes-models has no schema for them): checked by checkKafka and
// checkPostgres instead, and nothing else may go unvalidated.
const CUSTOM_RESOURCES = {
  "kafka.strimzi.io/v1beta2": ["Kafka", "KafkaNodePool", "KafkaTopic"],
  "postgresql.cnpg.io/v1": ["Cluster"],
};
// The objects each component adds to an overlay (generated names without their hash).
const COMPONENT_OBJECTS = {
  kafka: [
    "Kafka/wattwitness",
    "KafkaNodePool/broker",
    "KafkaNodePool/controller",
    "KafkaTopic/devices-acks",
    "KafkaTopic/devices-status",
    "KafkaTopic/readings-raw",
    "KafkaTopic/readings-rejected",
    "KafkaTopic/readings-verified",
    "NetworkPolicy/kafka",
  ],
  postgres: ["Cluster/wattwitness-db", "NetworkPolicy/wattwitness-db"],
  mosquitto: ["ConfigMap/mosquitto-config", "NetworkPolicy/mosquitto", "Service/mosquitto", "StatefulSet/mosquitto"],
};

function render(dir) {
  return renderPath(path.join(repo, dir));
}
function renderPath(dir) {
  // stderr is kept for the error of a failed render
  const out = execFileSync("kubectl", ["kustomize", dir], {
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

/**
 * The fuji overlay with only the given components, as an operator with managed services writes it: a kustomization
 * in a temporary folder (kustomize takes relative paths only) with the overlay's chain.env.
 */
const variantDirs = [];
function renderVariant(components) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wattwitness-k8s-"));
  variantDirs.push(dir);
  const rel = (p) => path.relative(dir, path.join(repo, p));
  copyFileSync(path.join(repo, "deploy/k8s/overlays/fuji/chain.env"), path.join(dir, "chain.env"));
  const lines = [
    "apiVersion: kustomize.config.k8s.io/v1beta1",
    "kind: Kustomization",
    `namespace: ${NAMESPACE}`,
    "resources:",
    `  - ${rel("deploy/k8s/base")}`,
    ...(components.length ? ["components:", ...components.map((c) => `  - ${rel(`deploy/k8s/components/${c}`)}`)] : []),
    "configMapGenerator:",
    "  - name: wattwitness-chain",
    "    envs:",
    "      - chain.env",
  ];
  writeFileSync(path.join(dir, "kustomization.yaml"), lines.join("\n") + "\n");
  return renderPath(dir);
}

// --- application.properties: the port variable and every environment variable a service reads -------------------
function properties(service) {
  return readFileSync(path.join(repo, service, "src/main/resources/application.properties"), "utf8");
}
/** The production properties of a service (profile lines such as %test. left out). */
function propertyMap(service) {
  const props = new Map();
  for (const raw of properties(service).split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith("%")) continue;
    const eq = line.indexOf("=");
    props.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return props;
}
/** The environment a service's pod gets: plain env values, its ConfigMaps' data; a Secret's value is unknown. */
function podEnvironment(objects, name) {
  const c = one(objects, SERVICES[name].kind, name).spec.template.spec.containers[0];
  const env = new Map();
  for (const from of c.envFrom ?? []) {
    if (!from.configMapRef) continue;
    const cm = one(objects, "ConfigMap", from.configMapRef.name);
    for (const [k, v] of Object.entries(cm.data ?? {})) env.set(k, v);
  }
  for (const e of c.env ?? []) env.set(e.name, e.valueFrom?.secretKeyRef ? "<secret>" : e.value);
  return env;
}
const PER_INSTANCE = "<instance>";
/**
 * A property of a service as its pod sees it: ${property} and ${VAR:default} expressions resolved against its other
 * properties and the pod's environment (a variable set there wins over the default). ${quarkus.uuid} is a value of
 * each instance (PER_INSTANCE). null when the service has no such property.
 */
function setting(objects, service, key) {
  const props = propertyMap(service);
  const env = podEnvironment(objects, service);
  const expand = (value, depth) => {
    assert.ok(depth < 10, `${service}: ${key} does not resolve`);
    return value.replace(/\$\{([^}:]+)(?::([^}]*))?\}/g, (_, name, fallback) => {
      if (name === "quarkus.uuid") return PER_INSTANCE;
      if (props.has(name)) return expand(props.get(name), depth + 1);
      if (env.has(name)) return env.get(name);
      assert.ok(fallback !== undefined, `${service}: ${name} is neither set nor defaulted`);
      return fallback;
    });
  };
  return props.has(key) ? expand(props.get(key), 0) : null;
}
/** The services that have the given property (the ones that connect to that part of the data layer). */
const servicesWith = (key) => Object.keys(SERVICES).filter((name) => propertyMap(name).has(key));
const KAFKA_SERVICES = servicesWith("kafka.bootstrap.servers"); // ingest, verify, query
const DB_SERVICES = servicesWith("quarkus.datasource.db-kind"); // verify, query, chain-listener
const MQTT_SERVICES = servicesWith("ingest.mqtt.host"); // ingest
/** Every Kafka channel of every service: topic, direction and (incoming) consumer group, as the pods see them. */
function kafkaChannels(objects) {
  const channels = [];
  for (const service of KAFKA_SERVICES) {
    for (const key of propertyMap(service).keys()) {
      const m = key.match(/^mp\.messaging\.(incoming|outgoing)\.([^.]+)\.topic$/);
      if (!m) continue;
      const group = m[1] === "incoming" ? setting(objects, service, `mp.messaging.incoming.${m[2]}.group.id`) : null;
      if (m[1] === "incoming") assert.ok(group, `${service}: channel ${m[2]} has no group.id`);
      channels.push({ service, direction: m[1], channel: m[2], topic: setting(objects, service, key), group });
    }
  }
  return channels;
}
function portVariable(service) {
  const m = properties(service).match(/^quarkus\.http\.port=\$\{([A-Z_]+):(\d+)\}$/m);
  assert.ok(m, `${service}: quarkus.http.port=\${VAR:port} not found`);
  return { name: m[1], defaultPort: Number(m[2]) };
}
function variablesRead(service) {
  return new Set([...properties(service).matchAll(/\$\{([A-Z][A-Z0-9_]*)[:}]/g)].map((m) => m[1]));
}

/** Facts of the local stack and the docs that the data layer must match (read, so that they cannot drift apart). */
function projectFacts() {
  const brokerSource = "kafka-broker/src/main/java/io/wattwitness/kafka/LocalKafkaBroker.java";
  const broker = readFileSync(path.join(repo, brokerSource), "utf8");
  const partitions = broker.match(/"num\.partitions=(\d+)"/);
  assert.ok(partitions, "LocalKafkaBroker: num.partitions not found");
  const pom = readFileSync(path.join(repo, "pom.xml"), "utf8").match(/<kafka\.broker\.version>([^<]+)</);
  assert.ok(pom, "pom.xml: kafka.broker.version not found");
  const reliability = readFileSync(path.join(repo, "docs/reliability.md"), "utf8");
  const retention = reliability.match(/\| Kafka `readings\.raw` \| the topic's retention \((\d+) days\)/);
  assert.ok(retention, "docs/reliability.md: the retention of readings.raw not found");
  const mosquittoConf = readFileSync(path.join(repo, "deploy/mosquitto/mosquitto.conf"), "utf8");
  const baseConfig = parseAllDocuments(readFileSync(path.join(repo, "deploy/k8s/base/config.yaml"), "utf8"))[0].toJS();
  return {
    partitions: Number(partitions[1]),
    kafkaVersion: pom[1],
    retentionMs: Number(retention[1]) * 24 * 3600 * 1000,
    mosquittoConf,
    baseConfig: baseConfig.data,
  };
}
const FACTS = projectFacts();

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
    if (CUSTOM_RESOURCES[obj.apiVersion]?.includes(obj.kind)) {
      // no schema offline: a valid name and a spec; checkKafka and checkPostgres check the rest
      assert.match(obj.metadata.name, /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, `${obj.kind} name`);
      assert.equal(typeof obj.spec, "object", `${obj.kind} ${obj.metadata.name}: spec`);
      continue;
    }
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

/**
 * Where a service's secret comes from: its own Secret <service>-secrets, key = the variable; but DB_PASSWORD from the
 * Secret CloudNativePG makes for the database owner (<cluster>-app, key password) when the overlay runs PostgreSQL.
 */
function secretSource(objects, service, variable) {
  if (variable === "DB_PASSWORD" && find(objects, "Cluster", DB_CLUSTER).length)
    return { name: `${DB_CLUSTER}-app`, key: "password" };
  return { name: `${service}-secrets`, key: variable };
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
    const { name: secret, key } = e.valueFrom.secretKeyRef;
    assert.deepEqual({ name: secret, key }, secretSource(objects, name, e.name), `${name}: source of ${e.name}`);
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

function checkNetworkPolicies(objects, components) {
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
  // the base's five and one per component of the data layer (checked by its own check)
  assert.equal(find(objects, "NetworkPolicy").length, 5 + components.length, "NetworkPolicies");
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

// --- the data layer ----------------------------------------------------------------------------------------------
const podSelectorOf = (name) => ({ podSelector: { matchLabels: { "app.kubernetes.io/name": name } } });
/** A NetworkPolicy's peers in a fixed order (their order means nothing). */
const peers = (list) => (list ? [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) : list);
const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};
function checkOperatorPod(template, where, { fsGroup } = {}) {
  const podSc = template?.pod?.securityContext ?? {};
  assert.equal(podSc.runAsNonRoot, true, `${where}: pod runAsNonRoot`);
  assert.deepEqual(podSc.seccompProfile, { type: "RuntimeDefault" }, `${where}: pod seccompProfile`);
  if (fsGroup !== undefined) assert.equal(podSc.fsGroup, fsGroup, `${where}: fsGroup of the volumes`);
}

/** Strimzi: Kafka in KRaft mode with node pools, its topics as the services use them, and the way to it. */
function checkKafka(objects) {
  const strimzi = "kafka.strimzi.io/v1beta2";
  const kafka = one(objects, "Kafka", KAFKA_CLUSTER);
  assert.equal(kafka.apiVersion, strimzi, "Kafka apiVersion");
  assert.equal(kafka.metadata.annotations?.["strimzi.io/kraft"], "enabled", "Kafka: KRaft mode");
  assert.equal(kafka.metadata.annotations?.["strimzi.io/node-pools"], "enabled", "Kafka: node pools");
  assert.equal(kafka.spec.zookeeper, undefined, "Kafka: no ZooKeeper");
  assert.equal(kafka.spec.kafka.replicas, undefined, "Kafka: replicas belong to the node pools");
  assert.equal(kafka.spec.kafka.storage, undefined, "Kafka: storage belongs to the node pools");
  // the version the services are tested against, and its metadata version
  assert.equal(kafka.spec.kafka.version, FACTS.kafkaVersion, "Kafka version = kafka.broker.version of pom.xml");
  const [major, minor] = FACTS.kafkaVersion.split(".");
  assert.match(kafka.spec.kafka.metadataVersion ?? "", new RegExp(`^${major}\\.${minor}-IV\\d+$`), "metadataVersion");
  // durability: replicated, acknowledged by a quorum, nothing created by accident
  assert.deepEqual(
    kafka.spec.kafka.config,
    {
      "default.replication.factor": REPLICATION.replicas,
      "min.insync.replicas": REPLICATION.minInsync,
      "offsets.topic.replication.factor": REPLICATION.replicas,
      "transaction.state.log.replication.factor": REPLICATION.replicas,
      "transaction.state.log.min.isr": REPLICATION.minInsync,
      "auto.create.topics.enable": false,
    },
    "Kafka config",
  );
  assert.ok(kafka.spec.entityOperator?.topicOperator, "the Topic Operator reconciles the KafkaTopics");
  checkOperatorPod(kafka.spec.entityOperator.template, "entity operator");
  assert.deepEqual(
    kafka.spec.entityOperator.template.topicOperatorContainer?.securityContext,
    RESTRICTED_CONTAINER,
    "topic operator container security context",
  );

  // one plain internal listener, for the services that use Kafka only
  const kafkaPeers = peers(KAFKA_SERVICES.map(podSelectorOf));
  assert.deepEqual(
    kafka.spec.kafka.listeners.map((l) => ({ ...l, networkPolicyPeers: peers(l.networkPolicyPeers) })),
    [{ name: "plain", port: 9092, type: "internal", tls: false, networkPolicyPeers: kafkaPeers }],
    "Kafka listeners",
  );

  // node pools: dedicated controllers (an odd quorum of at least 3) and brokers (at least the replication factor),
  // on persistent volumes kept when a pool shrinks, restricted security contexts
  const pools = find(objects, "KafkaNodePool");
  const byRole = { controller: [], broker: [] };
  for (const pool of pools) {
    const where = `KafkaNodePool ${pool.metadata.name}`;
    assert.equal(pool.apiVersion, strimzi, `${where}: apiVersion`);
    assert.equal(pool.metadata.labels?.["strimzi.io/cluster"], KAFKA_CLUSTER, `${where}: strimzi.io/cluster`);
    assert.equal(pool.spec.roles.length, 1, `${where}: one role per pool`);
    assert.ok(pool.spec.roles[0] in byRole, `${where}: role ${pool.spec.roles[0]}`);
    byRole[pool.spec.roles[0]].push(pool);
    const volumes = pool.spec.storage.type === "jbod" ? pool.spec.storage.volumes : [pool.spec.storage];
    assert.ok(volumes.length > 0, `${where}: storage`);
    for (const v of volumes) {
      assert.equal(v.type, "persistent-claim", `${where}: persistent storage`);
      assert.match(v.size ?? "", /^\d+Gi$/, `${where}: volume size`);
      assert.equal(v.deleteClaim, false, `${where}: volumes kept`);
    }
    checkOperatorPod(pool.spec.template, where, { fsGroup: 0 });
    assert.deepEqual(pool.spec.template.kafkaContainer?.securityContext, RESTRICTED_CONTAINER, `${where}: container`);
  }
  assert.equal(byRole.controller.length, 1, "one controller pool");
  assert.equal(byRole.broker.length, 1, "one broker pool");
  const controllers = byRole.controller[0].spec.replicas;
  assert.ok(controllers >= 3 && controllers % 2 === 1, `controller quorum of ${controllers}`);
  const brokers = byRole.broker[0].spec.replicas;
  assert.ok(brokers >= REPLICATION.replicas, `${brokers} brokers for ${REPLICATION.replicas} replicas`);

  // topics: exactly the ones of the services' application.properties, as many partitions as the local stack's Kafka,
  // at least one per consumer of each shared group, replicated, kept as long as docs/reliability.md says
  const channels = kafkaChannels(objects);
  const topics = find(objects, "KafkaTopic");
  const topicNames = topics.map((t) => t.spec.topicName ?? t.metadata.name).sort();
  assert.deepEqual(topicNames, [...new Set(channels.map((c) => c.topic))].sort(), "KafkaTopics = the services' topics");
  for (const t of topics) {
    const where = `KafkaTopic ${t.spec.topicName}`;
    assert.equal(t.apiVersion, strimzi, `${where}: apiVersion`);
    assert.equal(t.metadata.labels?.["strimzi.io/cluster"], KAFKA_CLUSTER, `${where}: strimzi.io/cluster`);
    assert.equal(t.spec.partitions, FACTS.partitions, `${where}: partitions = num.partitions of the local Kafka`);
    assert.equal(t.spec.replicas, REPLICATION.replicas, `${where}: replicas`);
    assert.deepEqual(
      t.spec.config,
      { "retention.ms": FACTS.retentionMs, "min.insync.replicas": REPLICATION.minInsync, "cleanup.policy": "delete" },
      `${where}: config`,
    );
  }
  for (const c of channels.filter((ch) => ch.group && !ch.group.includes(PER_INSTANCE))) {
    const t = topics.find((x) => (x.spec.topicName ?? x.metadata.name) === c.topic);
    const replicas = one(objects, SERVICES[c.service].kind, c.service).spec.replicas;
    assert.ok(t.spec.partitions >= replicas, `${c.topic}: ${replicas} consumers of group ${c.group}`);
  }

  // the services reach the bootstrap Service of this cluster, through a NetworkPolicy on Strimzi's broker labels
  for (const service of KAFKA_SERVICES)
    assert.equal(
      setting(objects, service, "kafka.bootstrap.servers"),
      `${svcAddress(`${KAFKA_CLUSTER}-kafka-bootstrap`)}:9092`,
      `${service}: kafka.bootstrap.servers`,
    );
  const kafkaPolicy = one(objects, "NetworkPolicy", "kafka").spec;
  assert.deepEqual(
    { ...kafkaPolicy, ingress: kafkaPolicy.ingress.map((r) => ({ ...r, from: peers(r.from) })) },
    {
      podSelector: { matchLabels: { "strimzi.io/cluster": KAFKA_CLUSTER, "strimzi.io/broker-role": "true" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: kafkaPeers, ports: [{ protocol: "TCP", port: 9092 }] }],
    },
    "NetworkPolicy kafka",
  );
}

/** CloudNativePG: three instances on volumes, the services' database and owner, the services wired to it. */
function checkPostgres(objects) {
  const cluster = one(objects, "Cluster", DB_CLUSTER);
  assert.equal(cluster.apiVersion, "postgresql.cnpg.io/v1", "Cluster apiVersion");
  assert.equal(cluster.spec.instances, 3, "PostgreSQL instances");
  assert.match(cluster.spec.storage?.size ?? "", /^\d+Gi$/, "PostgreSQL storage size (a PVC per instance)");
  assert.match(cluster.spec.imageName ?? "", /:\d+\.\d+$/, "PostgreSQL image pinned to a minor version");
  assert.equal(Object.keys(cluster.spec.bootstrap ?? {}).join(), "initdb", "bootstrap by initdb");
  const initdb = cluster.spec.bootstrap.initdb;
  const maxConnections = Number(cluster.spec.postgresql?.parameters?.max_connections ?? 100);
  let pools = 0;
  for (const service of DB_SERVICES) {
    // what each pod connects to: the primary's read-write Service, the database and owner initdb makes
    const url = setting(objects, service, "quarkus.datasource.jdbc.url");
    assert.equal(url, `jdbc:postgresql://${svcAddress(`${DB_CLUSTER}-rw`)}:5432/${initdb.database}`, `${service}: url`);
    assert.equal(setting(objects, service, "quarkus.datasource.username"), initdb.owner, `${service}: username`);
    // its password: key password of <cluster>-app (checkService, secretSource)
    const replicas = one(objects, SERVICES[service].kind, service).spec.replicas;
    const size = (kind) => Number(setting(objects, service, `quarkus.datasource.${kind}.max-size`));
    pools += replicas * (size("jdbc") + size("reactive"));
  }
  assert.ok(pools < maxConnections, `${pools} pooled connections, max_connections ${maxConnections}`);
  // the owner's Secret goes to the services that use the database, to no other pod (checkService: not to the others)
  for (const o of podTemplates(objects))
    for (const c of [...(o.spec.template.spec.initContainers ?? []), ...o.spec.template.spec.containers])
      for (const ref of [
        ...(c.env ?? []).map((e) => e.valueFrom?.secretKeyRef),
        ...(c.envFrom ?? []).map((f) => f.secretRef),
      ])
        if (ref?.name === `${DB_CLUSTER}-app`)
          assert.ok(DB_SERVICES.includes(o.metadata.name), `${o.metadata.name}: the database owner's password`);

  const operator = {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "cnpg-system" } },
    podSelector: { matchLabels: { "app.kubernetes.io/name": "cloudnative-pg" } },
  };
  const instances = { podSelector: { matchLabels: { "cnpg.io/cluster": DB_CLUSTER } } };
  const dbPolicy = one(objects, "NetworkPolicy", DB_CLUSTER).spec;
  assert.deepEqual(
    { ...dbPolicy, ingress: dbPolicy.ingress.map((r) => ({ ...r, from: peers(r.from) })) },
    {
      podSelector: { matchLabels: { "cnpg.io/cluster": DB_CLUSTER } },
      policyTypes: ["Ingress"],
      ingress: [
        { from: peers([...DB_SERVICES.map(podSelectorOf), instances]), ports: [{ protocol: "TCP", port: 5432 }] },
        {
          from: [operator],
          ports: [
            { protocol: "TCP", port: 8000 },
            { protocol: "TCP", port: 5432 },
          ],
        },
      ],
    },
    `NetworkPolicy ${DB_CLUSTER}`,
  );
}

/** The shipped Mosquitto: its configuration, persistence on a PersistentVolumeClaim, port, NetworkPolicy. */
function checkMosquitto(objects) {
  checkSecurityContexts(objects);
  const np = one(objects, "NetworkPolicy", "mosquitto");
  assert.deepEqual(np.spec, {
    podSelector: { matchLabels: { "app.kubernetes.io/name": "mosquitto" } },
    policyTypes: ["Ingress"],
    ingress: [{ ports: [{ protocol: "TCP", port: 1883 }] }],
  });
  const sts = one(objects, "StatefulSet", "mosquitto");
  const c = sts.spec.template.spec.containers[0];
  assert.equal(resolvePort(c, c.readinessProbe.tcpSocket.port), 1883);
  assert.equal(resolvePort(c, one(objects, "Service", "mosquitto").spec.ports[0].targetPort), 1883);

  // the configuration is deploy/mosquitto/mosquitto.conf (the one the local stack and the tests run), mounted
  const configs = find(objects, "ConfigMap").filter((x) => x.metadata.name.startsWith("mosquitto-config-"));
  assert.equal(configs.length, 1, "ConfigMap mosquitto-config");
  const conf = configs[0].data["mosquitto.conf"];
  const volume = sts.spec.template.spec.volumes.find((v) => v.name === "config");
  assert.equal(volume?.configMap?.name, configs[0].metadata.name, "mosquitto.conf mounted");
  const confMount = c.volumeMounts.find((m) => m.name === "config").mountPath;
  assert.equal(c.command.at(-1), `${confMount}/mosquitto.conf`, "mosquitto -c the mounted mosquitto.conf");

  // persistence on, and its folder (with the plugin's state) on the claim of the StatefulSet's volume template
  const directive = (key) => [...conf.matchAll(new RegExp(`^${key} (.+)$`, "gm"))].map((m) => m[1]);
  assert.deepEqual(directive("persistence"), ["true"], "persistence true");
  const location = directive("persistence_location")[0]?.replace(/\/$/, "");
  const dataMount = c.volumeMounts.find((m) => m.mountPath.replace(/\/$/, "") === location);
  assert.ok(dataMount, `a volume at persistence_location ${location}`);
  const pluginState = directive("plugin_opt_config_file")[0] ?? "";
  assert.ok(pluginState.startsWith(`${location}/`), "the plugin's state beside mosquitto.db");
  assert.ok(!sts.spec.template.spec.volumes.some((v) => v.name === dataMount.name), "data is not a pod volume");
  const claim = (sts.spec.volumeClaimTemplates ?? []).find((t) => t.metadata.name === dataMount.name);
  assert.ok(claim, `volume ${dataMount.name} from a PersistentVolumeClaim template`);
  assert.deepEqual(claim.spec.accessModes, ["ReadWriteOnce"], "the claim's access mode");
  assert.match(claim.spec.resources.requests.storage, /^\d+Gi$/, "the claim's size");
  assert.equal(sts.spec.replicas, 1, "one broker (its sessions live on its volume)");
  // and otherwise the file as it is
  assert.equal(conf, FACTS.mosquittoConf, "mosquitto.conf = deploy/mosquitto/mosquitto.conf");
}

/** A part the overlay leaves out: none of its objects, and the base's placeholder addresses for the managed service. */
function checkLeftOut(objects, component) {
  const names = objectNames(objects);
  for (const name of COMPONENT_OBJECTS[component]) assert.ok(!names.includes(name), `${name} without ${component}`);
  const config = one(objects, "ConfigMap", "wattwitness-config").data;
  const keys = { kafka: ["KAFKA_BOOTSTRAP_SERVERS"], postgres: ["DB_HOST"], mosquitto: ["MQTT_HOST", "MQTT_PORT"] };
  for (const key of keys[component]) assert.equal(config[key], FACTS.baseConfig[key], `${key} as the base has it`);
}

export function checkOverlay(objects, overlay, components = COMPONENTS) {
  for (const name of Object.keys(SERVICES)) checkService(objects, name);
  checkSecurityContexts(objects);
  checkIngress(objects);
  checkNetworkPolicies(objects, components);
  checkDisruptionBudgets(objects);
  checkConfig(objects, overlay);
  const checks = { kafka: checkKafka, postgres: checkPostgres, mosquitto: checkMosquitto };
  for (const component of COMPONENTS) {
    if (components.includes(component)) checks[component](objects);
    else checkLeftOut(objects, component);
  }
  if (components.includes("mosquitto"))
    for (const service of MQTT_SERVICES) {
      assert.equal(setting(objects, service, "ingest.mqtt.host"), svcAddress("mosquitto"), `${service}: MQTT host`);
      assert.equal(setting(objects, service, "ingest.mqtt.port"), "1883", `${service}: MQTT port`);
    }
  assert.equal(find(objects, "Secret").length, 0, "no Secret is shipped");
}

const BASE_OBJECTS = [
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
];
const objectNames = (objects) =>
  objects.map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, "")}`).sort();
const expectedObjects = (components) => [...BASE_OBJECTS, ...components.flatMap((c) => COMPONENT_OBJECTS[c])].sort();

const rendered = {};
for (const overlay of Object.keys(OVERLAYS)) rendered[overlay] = render(`deploy/k8s/overlays/${overlay}`);

for (const overlay of Object.keys(OVERLAYS)) {
  describe(`overlay ${overlay}`, () => {
    test("every object matches its Kubernetes schema", async () => validateAll(rendered[overlay]));
    test("objects rendered", () => assert.deepEqual(objectNames(rendered[overlay]), expectedObjects(COMPONENTS)));
    for (const name of Object.keys(SERVICES))
      test(`${name}: port, probes, metrics, Service, secrets`, () => checkService(rendered[overlay], name));
    test("security context of every container", () => checkSecurityContexts(rendered[overlay]));
    test("Ingress: TLS, /api, the dashboard and /health only", () => checkIngress(rendered[overlay]));
    test("NetworkPolicies", () => checkNetworkPolicies(rendered[overlay], COMPONENTS));
    test("PodDisruptionBudgets", () => checkDisruptionBudgets(rendered[overlay]));
    test("configuration and chain settings", () => checkConfig(rendered[overlay], overlay));
    test("Kafka (Strimzi, KRaft): node pools, topics of the services, listener, NetworkPolicy", () =>
      checkKafka(rendered[overlay]));
    test("PostgreSQL (CloudNativePG): instances, storage, database, the services wired to it", () =>
      checkPostgres(rendered[overlay]));
    test("Mosquitto: deploy/mosquitto's configuration, persistence on a PVC, NetworkPolicy", () =>
      checkMosquitto(rendered[overlay]));
    test("all rules at once, ingest-service at the shipped broker", () => checkOverlay(rendered[overlay], overlay));
  });
}

after(() => variantDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("an overlay without a part of the data layer (a managed service instead)", () => {
  const variants = [...COMPONENTS.map((left) => COMPONENTS.filter((c) => c !== left)), []];
  for (const components of variants) {
    const without = COMPONENTS.filter((c) => !components.includes(c)).join(", ");
    test(`without ${without}`, async () => {
      const objects = renderVariant(components);
      assert.deepEqual(objectNames(objects), expectedObjects(components), "objects rendered");
      await validateAll(objects);
      checkOverlay(objects, "fuji", components);
    });
  }
});

describe("deploy/mosquitto", () => {
  const objects = render("deploy/mosquitto");
  test("every object matches its Kubernetes schema", async () => validateAll(objects));
  test("security context, port, NetworkPolicy, configuration, persistence", () => checkMosquitto(objects));
  test("the same objects as the component of the overlays", () => {
    const names = objectNames(objects);
    assert.deepEqual(names, [...COMPONENT_OBJECTS.mosquitto].sort());
    for (const o of objects) {
      const same = rendered.fuji.find((x) => x.kind === o.kind && x.metadata.name === o.metadata.name);
      assert.deepEqual(same, o, `${o.kind} ${o.metadata.name}`);
    }
  });
});

describe("a broken manifest is caught", () => {
  // Each case breaks one rule in a copy of the fuji overlay; the checks must refuse it, with the message of that rule
  // (so that each check is shown to fail, not an earlier one by accident).
  const broken = (change, objects = rendered.fuji) => {
    const copy = structuredClone(objects);
    change(copy);
    return copy;
  };
  const container = (objects, name) => one(objects, SERVICES[name].kind, name).spec.template.spec.containers[0];
  const kafka = (o) => one(o, "Kafka", KAFKA_CLUSTER).spec;
  const pool = (o, name) => one(o, "KafkaNodePool", name).spec;
  const topic = (o, name) => one(o, "KafkaTopic", name).spec;
  const db = (o) => one(o, "Cluster", DB_CLUSTER).spec;
  const config = (o) => one(o, "ConfigMap", "wattwitness-config").data;
  const mosquittoConfig = (o) => find(o, "ConfigMap").find((c) => c.metadata.name.startsWith("mosquitto-config-"));
  const editConf = (o, from, to) => {
    const data = mosquittoConfig(o).data;
    data["mosquitto.conf"] = data["mosquitto.conf"].replace(from, to);
  };
  const mosquitto = (o) => one(o, "StatefulSet", "mosquitto").spec;
  const remove = (o, kind, name) => o.splice(o.indexOf(one(o, kind, name)), 1);
  const cases = {
    "probe on another port": [
      (o) => {
        container(o, "verify-service").readinessProbe.httpGet.port = 8080;
      },
      /readinessProbe port/,
    ],
    "port variable not set to the container port": [
      (o) => {
        container(o, "ingest-service").env.find((e) => e.name === "HTTP_PORT").value = "8080";
      },
      /ingest-service: HTTP_PORT/,
    ],
    "query-service given HTTP_PORT, which it does not read": [
      (o) => {
        container(o, "query-service").env.find((e) => e.name === "QUERY_HTTP_PORT").name = "HTTP_PORT";
      },
      /query-service: QUERY_HTTP_PORT/,
    ],
    "metrics annotation on another port": [
      (o) => {
        const annotations = one(o, "Deployment", "chain-listener-service").spec.template.metadata.annotations;
        annotations["prometheus.io/port"] = "8080";
      },
      /prometheus annotations/,
    ],
    "a token given to a pod that does not use it": [
      (o) => {
        container(o, "verify-service").env.push({
          name: "ANCHORING_TOKEN",
          valueFrom: { secretKeyRef: { name: "verify-service-secrets", key: "ANCHORING_TOKEN" } },
        });
      },
      /ANCHORING_TOKEN is given to the pod but not read/,
    ],
    "a password the service reads left out": [
      (o) => {
        const env = container(o, "ingest-service").env;
        env.splice(
          env.findIndex((e) => e.name === "MQTT_PASSWORD"),
          1,
        );
      },
      /ingest-service: secret keys/,
    ],
    "another service's Secret": [
      (o) => {
        const ref = container(o, "query-service").env.find((e) => e.name === "WATTWITNESS_TOKENS_OPERATOR").valueFrom;
        ref.secretKeyRef.name = "chain-listener-service-secrets";
      },
      /query-service: source of WATTWITNESS_TOKENS_OPERATOR/,
    ],
    "a whole Secret as environment": [
      (o) => {
        container(o, "ingest-service").envFrom.push({ secretRef: { name: "wattwitness-secrets" } });
      },
      /envFrom of a Secret/,
    ],
    "writable root filesystem": [
      (o) => {
        container(o, "query-service").securityContext.readOnlyRootFilesystem = false;
      },
      /query-service\/query-service: readOnlyRootFilesystem/,
    ],
    "a capability kept": [
      (o) => {
        container(o, "ingest-service").securityContext.capabilities = { drop: ["ALL"], add: ["NET_RAW"] };
      },
      /ingest-service\/ingest-service: capabilities/,
    ],
    "/q exposed by the Ingress": [
      (o) => {
        one(o, "Ingress", "query-service").spec.rules[0].http.paths.push({
          path: "/q",
          pathType: "Prefix",
          backend: { service: { name: "query-service", port: { name: "http" } } },
        });
      },
      /Ingress exposes \/q/,
    ],
    "Ingress without TLS": [
      (o) => {
        delete one(o, "Ingress", "query-service").spec.tls;
      },
      /Ingress tls/,
    ],
    "no default deny": [
      (o) => {
        remove(o, "NetworkPolicy", "default-deny-ingress");
      },
      /NetworkPolicy default-deny-ingress/,
    ],
    "ingest open to every pod": [
      (o) => {
        one(o, "NetworkPolicy", "ingest-service").spec.ingress[0].from = [{ podSelector: {} }];
      },
      /NetworkPolicy ingest-service/,
    ],
    "a NetworkPolicy letting everything in": [
      (o) => {
        o.push({
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: "allow-all", namespace: NAMESPACE },
          spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] },
        });
      },
      /NetworkPolicies/,
    ],
    "zero contract address": [
      (o) => {
        const chain = find(o, "ConfigMap").find((c) => c.metadata.name.startsWith("wattwitness-chain-"));
        chain.data.ANCHOR_CONTRACT_ADDRESS = "0x0000000000000000000000000000000000000000";
      },
      /chain settings/,
    ],
    // Kafka
    "Kafka without the KRaft annotation": [
      (o) => {
        delete one(o, "Kafka", KAFKA_CLUSTER).metadata.annotations["strimzi.io/kraft"];
      },
      /KRaft mode/,
    ],
    "Kafka without the node-pools annotation": [
      (o) => {
        one(o, "Kafka", KAFKA_CLUSTER).metadata.annotations["strimzi.io/node-pools"] = "disabled";
      },
      /Kafka: node pools/,
    ],
    "Kafka of another API version": [
      (o) => {
        one(o, "Kafka", KAFKA_CLUSTER).apiVersion = "kafka.strimzi.io/v1beta1";
      },
      /Kafka apiVersion/,
    ],
    "a ZooKeeper section": [
      (o) => {
        kafka(o).zookeeper = { replicas: 3, storage: { type: "ephemeral" } };
      },
      /no ZooKeeper/,
    ],
    "replicas on the Kafka instead of its pools": [
      (o) => {
        kafka(o).kafka.replicas = 3;
      },
      /replicas belong to the node pools/,
    ],
    "storage on the Kafka instead of its pools": [
      (o) => {
        kafka(o).kafka.storage = { type: "ephemeral" };
      },
      /storage belongs to the node pools/,
    ],
    "a Kafka version the services are not tested against": [
      (o) => {
        kafka(o).kafka.version = "3.9.0";
      },
      /Kafka version/,
    ],
    "a metadata version of another release": [
      (o) => {
        kafka(o).kafka.metadataVersion = "3.9-IV0";
      },
      /metadataVersion/,
    ],
    "min.insync.replicas 1": [
      (o) => {
        kafka(o).kafka.config["min.insync.replicas"] = 1;
      },
      /Kafka config/,
    ],
    "topics created on first use": [
      (o) => {
        kafka(o).kafka.config["auto.create.topics.enable"] = true;
      },
      /Kafka config/,
    ],
    "no Topic Operator": [
      (o) => {
        delete kafka(o).entityOperator.topicOperator;
      },
      /Topic Operator/,
    ],
    "the entity operator's pod without seccomp": [
      (o) => {
        delete kafka(o).entityOperator.template.pod.securityContext.seccompProfile;
      },
      /entity operator: pod seccompProfile/,
    ],
    "the topic operator with a capability": [
      (o) => {
        kafka(o).entityOperator.template.topicOperatorContainer.securityContext.capabilities = { add: ["NET_ADMIN"] };
      },
      /topic operator container/,
    ],
    "the Kafka listener open to every pod": [
      (o) => {
        delete kafka(o).kafka.listeners[0].networkPolicyPeers;
      },
      /Kafka listeners/,
    ],
    "a node pool of another API version": [
      (o) => {
        one(o, "KafkaNodePool", "controller").apiVersion = "kafka.strimzi.io/v1alpha1";
      },
      /KafkaNodePool controller: apiVersion/,
    ],
    "a node pool of another cluster": [
      (o) => {
        one(o, "KafkaNodePool", "broker").metadata.labels["strimzi.io/cluster"] = "other";
      },
      /KafkaNodePool broker: strimzi.io\/cluster/,
    ],
    "a pool with both roles": [
      (o) => {
        pool(o, "broker").roles = ["controller", "broker"];
      },
      /KafkaNodePool broker: one role per pool/,
    ],
    "a pool of an unknown role": [
      (o) => {
        pool(o, "broker").roles = ["zookeeper"];
      },
      /KafkaNodePool broker: role zookeeper/,
    ],
    "no controller pool": [
      (o) => {
        pool(o, "controller").roles = ["broker"];
      },
      /one controller pool/,
    ],
    "a second broker pool": [
      (o) => {
        const second = structuredClone(one(o, "KafkaNodePool", "broker"));
        second.metadata.name = "broker-b";
        o.push(second);
      },
      /one broker pool/,
    ],
    "an even controller quorum": [
      (o) => {
        pool(o, "controller").replicas = 2;
      },
      /controller quorum of 2/,
    ],
    "fewer brokers than replicas": [
      (o) => {
        pool(o, "broker").replicas = 2;
      },
      /2 brokers for 3 replicas/,
    ],
    "a pool without volumes": [
      (o) => {
        pool(o, "controller").storage.volumes = [];
      },
      /KafkaNodePool controller: storage/,
    ],
    "ephemeral broker storage": [
      (o) => {
        pool(o, "broker").storage.volumes[0].type = "ephemeral";
      },
      /KafkaNodePool broker: persistent storage/,
    ],
    "a volume without a size": [
      (o) => {
        delete pool(o, "controller").storage.volumes[0].size;
      },
      /KafkaNodePool controller: volume size/,
    ],
    "broker volumes deleted with the pool": [
      (o) => {
        pool(o, "broker").storage.volumes[0].deleteClaim = true;
      },
      /KafkaNodePool broker: volumes kept/,
    ],
    "a node pool without fsGroup 0": [
      (o) => {
        delete pool(o, "broker").template.pod.securityContext.fsGroup;
      },
      /KafkaNodePool broker: fsGroup/,
    ],
    "a Kafka container with a writable root": [
      (o) => {
        pool(o, "broker").template.kafkaContainer.securityContext.readOnlyRootFilesystem = false;
      },
      /KafkaNodePool broker: container/,
    ],
    "a topic the services use missing": [
      (o) => {
        remove(o, "KafkaTopic", "devices-acks");
      },
      /KafkaTopics = the services' topics/,
    ],
    "a topic name misspelt": [
      (o) => {
        topic(o, "readings-raw").topicName = "readings_raw";
      },
      /KafkaTopics = the services' topics/,
    ],
    "a topic no service uses": [
      (o) => {
        const extra = structuredClone(one(o, "KafkaTopic", "devices-acks"));
        extra.metadata.name = extra.spec.topicName = "devices.acks.v2";
        o.push(extra);
      },
      /KafkaTopics = the services' topics/,
    ],
    "a topic of another API version": [
      (o) => {
        one(o, "KafkaTopic", "devices-status").apiVersion = "kafka.strimzi.io/v1alpha1";
      },
      /KafkaTopic devices.status: apiVersion/,
    ],
    "a topic of another cluster": [
      (o) => {
        one(o, "KafkaTopic", "readings-rejected").metadata.labels["strimzi.io/cluster"] = "other";
      },
      /KafkaTopic readings.rejected: strimzi.io\/cluster/,
    ],
    "other partitions than the local Kafka": [
      (o) => {
        topic(o, "readings-raw").partitions = 2;
      },
      /readings.raw: partitions = num.partitions/,
    ],
    "a topic with one replica": [
      (o) => {
        topic(o, "devices-status").replicas = 1;
      },
      /KafkaTopic devices.status: replicas/,
    ],
    "a retention shorter than docs/reliability.md": [
      (o) => {
        topic(o, "readings-verified").config["retention.ms"] = 86400000;
      },
      /KafkaTopic readings.verified: config/,
    ],
    "verify-service scaled beyond the partitions of readings.raw": [
      (o) => {
        one(o, "Deployment", "verify-service").spec.replicas = 4;
        // the service's own check expects 4 for this case (restored after it): only the partition rule remains
        SERVICES["verify-service"].replicas = 4;
      },
      /readings.raw: 4 consumers of group verify-service/,
    ],
    "the services pointed at another Kafka": [
      (o) => {
        config(o).KAFKA_BOOTSTRAP_SERVERS = "kafka-bootstrap.data.svc.cluster.local:9092";
      },
      /kafka.bootstrap.servers/,
    ],
    "the Kafka NetworkPolicy on labels Strimzi does not set": [
      (o) => {
        one(o, "NetworkPolicy", "kafka").spec.podSelector.matchLabels = { "app.kubernetes.io/name": "kafka" };
      },
      /NetworkPolicy kafka/,
    ],
    "Kafka reachable by chain-listener-service, which does not use it": [
      (o) => {
        one(o, "NetworkPolicy", "kafka").spec.ingress[0].from.push(podSelectorOf("chain-listener-service"));
      },
      /NetworkPolicy kafka/,
    ],
    // PostgreSQL
    "PostgreSQL of another API version": [
      (o) => {
        one(o, "Cluster", DB_CLUSTER).apiVersion = "postgresql.cnpg.io/v1beta1";
      },
      /Cluster apiVersion/,
    ],
    "one PostgreSQL instance": [
      (o) => {
        db(o).instances = 1;
      },
      /PostgreSQL instances/,
    ],
    "PostgreSQL without storage": [
      (o) => {
        delete db(o).storage;
      },
      /PostgreSQL storage size/,
    ],
    "a floating PostgreSQL image": [
      (o) => {
        db(o).imageName = "ghcr.io/cloudnative-pg/postgresql:latest";
      },
      /PostgreSQL image pinned/,
    ],
    "bootstrap from a backup instead of initdb": [
      (o) => {
        db(o).bootstrap = { recovery: { source: "origin" } };
      },
      /bootstrap by initdb/,
    ],
    "initdb of another database than DB_NAME": [
      (o) => {
        db(o).bootstrap.initdb.database = "app";
      },
      /-service: url/,
    ],
    "a database owner other than DB_USER": [
      (o) => {
        db(o).bootstrap.initdb.owner = "app";
      },
      /-service: username/,
    ],
    "DB_HOST at the read-only replicas": [
      (o) => {
        config(o).DB_HOST = svcAddress(`${DB_CLUSTER}-ro`);
      },
      /-service: url/,
    ],
    "DB_PASSWORD from the service's own Secret while the operator owns it": [
      (o) => {
        container(o, "verify-service").env.find((e) => e.name === "DB_PASSWORD").valueFrom.secretKeyRef = {
          name: "verify-service-secrets",
          key: "DB_PASSWORD",
        };
      },
      /verify-service: source of DB_PASSWORD/,
    ],
    "DB_PASSWORD from another key of the app Secret": [
      (o) => {
        container(o, "query-service").env.find((e) => e.name === "DB_PASSWORD").valueFrom.secretKeyRef.key = "pgpass";
      },
      /query-service: source of DB_PASSWORD/,
    ],
    "the database password given to the broker": [
      (o) => {
        mosquitto(o).template.spec.containers[0].env = [
          { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: `${DB_CLUSTER}-app`, key: "password" } } },
        ];
      },
      /mosquitto: the database owner's password/,
    ],
    "fewer connections than the services' pools": [
      (o) => {
        db(o).postgresql.parameters.max_connections = "60";
      },
      /76 pooled connections, max_connections 60/,
    ],
    "PostgreSQL open to every pod": [
      (o) => {
        one(o, "NetworkPolicy", DB_CLUSTER).spec.ingress[0].from.push({ podSelector: {} });
      },
      /NetworkPolicy wattwitness-db/,
    ],
    "the operator's port closed": [
      (o) => {
        one(o, "NetworkPolicy", DB_CLUSTER).spec.ingress.pop();
      },
      /NetworkPolicy wattwitness-db/,
    ],
    // Mosquitto
    "two mosquitto configurations": [
      (o) => {
        const second = structuredClone(mosquittoConfig(o));
        second.metadata.name = "mosquitto-config-0000000000";
        o.push(second);
      },
      /ConfigMap mosquitto-config/,
    ],
    "the broker mounting another ConfigMap": [
      (o) => {
        mosquitto(o).template.spec.volumes.find((v) => v.name === "config").configMap.name = "mosquitto-config-old";
      },
      /mosquitto.conf mounted/,
    ],
    "the broker started with another configuration file": [
      (o) => {
        mosquitto(o).template.spec.containers[0].command = ["/usr/sbin/mosquitto"];
      },
      /mosquitto -c the mounted mosquitto.conf/,
    ],
    "mosquitto persistence off": [(o) => editConf(o, /^persistence true$/m, "persistence false"), /persistence true/],
    "mosquitto's persistence outside its volume": [
      (o) => editConf(o, /^persistence_location .*$/m, "persistence_location /tmp/"),
      /a volume at persistence_location/,
    ],
    "the plugin's state outside the volume": [
      (o) => editConf(o, /^plugin_opt_config_file .*$/m, "plugin_opt_config_file /tmp/dynamic-security.json"),
      /the plugin's state beside mosquitto.db/,
    ],
    "mosquitto's data on an emptyDir": [
      (o) => {
        delete mosquitto(o).volumeClaimTemplates;
        mosquitto(o).template.spec.volumes.push({ name: "data", emptyDir: {} });
      },
      /data is not a pod volume/,
    ],
    "mosquitto's claim template named otherwise": [
      (o) => {
        mosquitto(o).volumeClaimTemplates[0].metadata.name = "state";
      },
      /volume data from a PersistentVolumeClaim template/,
    ],
    "mosquitto's claim shared between nodes": [
      (o) => {
        mosquitto(o).volumeClaimTemplates[0].spec.accessModes = ["ReadWriteMany"];
      },
      /the claim's access mode/,
    ],
    "mosquitto's claim without a size in Gi": [
      (o) => {
        mosquitto(o).volumeClaimTemplates[0].spec.resources.requests.storage = "2000000000";
      },
      /the claim's size/,
    ],
    "two brokers": [
      (o) => {
        mosquitto(o).replicas = 2;
      },
      /one broker/,
    ],
    "a mosquitto.conf other than deploy/mosquitto's": [
      (o) => editConf(o, /^max_queued_messages .*$/m, "max_queued_messages 10"),
      /mosquitto.conf = deploy\/mosquitto\/mosquitto.conf/,
    ],
    "ingest-service pointed at another broker": [
      (o) => {
        config(o).MQTT_HOST = "mqtt.example.org";
      },
      /ingest-service: MQTT host/,
    ],
    "ingest-service on another MQTT port": [
      (o) => {
        config(o).MQTT_PORT = "8883";
      },
      /ingest-service: MQTT port/,
    ],
  };
  const replicas = SERVICES["verify-service"].replicas;
  for (const [what, [change, message]] of Object.entries(cases)) {
    test(what, () => {
      try {
        assert.throws(() => checkOverlay(broken(change), "fuji"), (e) => {
          assert.ok(e instanceof assert.AssertionError, `not an assertion: ${e}`);
          assert.match(e.message.split("\n")[0], message);
          return true;
        });
      } finally {
        SERVICES["verify-service"].replicas = replicas;
      }
    });
  }
  test("the unbroken overlay passes the same checks", () =>
    checkOverlay(
      broken(() => {}),
      "fuji",
    ));

  // an overlay that leaves a part out keeps nothing of it
  const withoutPostgres = COMPONENTS.filter((c) => c !== "postgres");
  const withoutKafka = COMPONENTS.filter((c) => c !== "kafka");
  const variantCases = {
    "without postgres, DB_HOST still at the operator's Service": [
      withoutPostgres,
      (o) => {
        config(o).DB_HOST = svcAddress(`${DB_CLUSTER}-rw`);
      },
      /DB_HOST as the base has it/,
    ],
    "without kafka, a KafkaTopic left behind": [
      withoutKafka,
      (o) => {
        o.push(structuredClone(one(rendered.fuji, "KafkaTopic", "readings-raw")));
      },
      /KafkaTopic\/readings-raw without kafka/,
    ],
    "without postgres, DB_PASSWORD from a Secret nobody creates": [
      withoutPostgres,
      (o) => {
        container(o, "query-service").env.find((e) => e.name === "DB_PASSWORD").valueFrom.secretKeyRef = {
          name: `${DB_CLUSTER}-app`,
          key: "password",
        };
      },
      /query-service: source of DB_PASSWORD/,
    ],
  };
  for (const [what, [components, change, message]] of Object.entries(variantCases)) {
    test(what, () => {
      const objects = broken(change, renderVariant(components));
      assert.throws(() => checkOverlay(objects, "fuji", components), (e) => {
        assert.ok(e instanceof assert.AssertionError, `not an assertion: ${e}`);
        assert.match(e.message.split("\n")[0], message);
        return true;
      });
    });
  }

  test("a wrong type is refused by the schema", async () => {
    const o = broken((x) => {
      container(x, "verify-service").ports[0].containerPort = "8083";
    });
    await assert.rejects(validateAll(o));
  });
  test("an unknown custom resource is refused", async () => {
    const o = broken((x) => {
      x.push({ apiVersion: "kafka.strimzi.io/v1beta2", kind: "KafkaUser", metadata: { name: "x" }, spec: {} });
    });
    await assert.rejects(validateAll(o));
  });
  test("a custom resource without a spec or with an invalid name is refused", async () => {
    const noSpec = broken((x) => delete one(x, "Cluster", DB_CLUSTER).spec);
    await assert.rejects(validateAll(noSpec), /Cluster wattwitness-db: spec/);
    await assert.rejects(validateAll(broken((x) => (one(x, "KafkaTopic", "readings-raw").metadata.name = "Readings"))));
  });
});
