/**
 * The pure half of the randomized history test: what the definitions should be after each pull
 * request, and the faults armed for its runs. Everything is derived from fast-check's choices (no
 * other randomness), so a seed and a path replay a history exactly.
 *
 * Extend it in two tables: OPERATIONS (a new kind of change to the definitions) and FAULTS (a new way
 * a run can be hurt; `history-driver.ts` arms it).
 */
import fc from 'fast-check';
import { JARS } from './world.js';

export const NAMESPACES = ['default', 'staging'] as const;
export type Namespace = (typeof NAMESPACES)[number];

/** The same connector from a new JAR, nothing else changed: the workspace cannot tell it from 1.0.0. */
const KAFKA_PATCH = 'oss://flink-artifacts/connectors/kafka-orders-1.1.0.jar';

/**
 * The connectors a history may declare (name = type, as their JARs declare them) and the JARs each
 * may come from: the first is the one it is added with.
 */
export const POOL: Readonly<Record<string, readonly string[]>> = {
  'kafka-orders': [JARS.kafkaV1, JARS.kafkaV2, KAFKA_PATCH],
  'http-lookup': [JARS.http],
  'mysql-cdc': [JARS.mysql],
  's3-archive': [JARS.s3],
  'pulsar-events': [JARS.pulsar],
};

/** One connector's definition: declared in a namespace from a JAR, or declared `state: absent` there. */
export interface Declared {
  readonly namespace: Namespace;
  readonly jar: string;
  readonly absent?: true;
}

/** The definitions on the default branch, by connector name; a name not in it has no file. */
export type Definitions = Readonly<Record<string, Declared>>;

/** An operation as fast-check chose it, before it meets the definitions it applies to. */
export interface OperationChoice {
  readonly kind: OperationKind;
  /** Which of the candidate connectors (modulo their number). */
  readonly pick: number;
  /** A free choice the operation interprets (namespace, JAR, how a removal is written). */
  readonly variant: number;
}

/** A change to the definitions: which connectors it may act on, and what it makes of them. */
interface Operation {
  candidates(defs: Definitions): string[];
  apply(defs: Definitions, name: string, variant: number): { defs: Definitions; says: string };
}

const present = (defs: Definitions): string[] => Object.keys(defs).filter((name) => defs[name]?.absent === undefined);
const otherNamespace = (ns: Namespace): Namespace => (ns === 'default' ? 'staging' : 'default');
const jarName = (jar: string): string => jar.slice(jar.lastIndexOf('/') + 1);

const OPERATIONS = {
  add: {
    candidates: (defs) => Object.keys(POOL).filter((name) => defs[name]?.absent !== undefined || defs[name] === undefined),
    apply: (defs, name, variant) => {
      const namespace = NAMESPACES[variant % NAMESPACES.length] ?? 'default';
      const jar = POOL[name]?.[0] ?? '';
      return { defs: { ...defs, [name]: { namespace, jar } }, says: `add ${name} in ${namespace} from ${jarName(jar)}` };
    },
  },
  bump: {
    candidates: (defs) => present(defs).filter((name) => (POOL[name]?.length ?? 0) > 1),
    apply: (defs, name, variant) => {
      const current = defs[name] as Declared;
      const others = (POOL[name] ?? []).filter((jar) => jar !== current.jar);
      const jar = others[variant % others.length] ?? current.jar;
      return { defs: { ...defs, [name]: { ...current, jar } }, says: `bump ${name} in ${current.namespace}: ${jarName(current.jar)} -> ${jarName(jar)}` };
    },
  },
  move: {
    candidates: present,
    apply: (defs, name) => {
      const current = defs[name] as Declared;
      const namespace = otherNamespace(current.namespace);
      return { defs: { ...defs, [name]: { ...current, namespace } }, says: `move ${name}: ${current.namespace} -> ${namespace}` };
    },
  },
  remove: {
    candidates: present,
    apply: (defs, name, variant) => {
      const current = defs[name] as Declared;
      const rest = Object.fromEntries(Object.entries(defs).filter(([other]) => other !== name));
      // Deleting the last file leaves no definition at all, which the action refuses (a missing
      // checkout must not plan the delete of everything): the last one is removed with state: absent.
      if (variant % 2 === 0 && Object.keys(rest).length > 0) {
        return { defs: rest, says: `remove ${name} from ${current.namespace} (file deleted)` };
      }
      return { defs: { ...defs, [name]: { ...current, absent: true } }, says: `remove ${name} from ${current.namespace} (state: absent)` };
    },
  },
} satisfies Record<string, Operation>;

export type OperationKind = keyof typeof OPERATIONS;
const OPERATION_KINDS = Object.keys(OPERATIONS) as OperationKind[];

/**
 * Applies a choice to the definitions. When the chosen kind has nothing to act on (a bump with no
 * bumpable connector), the next kind that has is used, so every choice means something. Connectors in
 * `busy` (already changed by the same pull request) are left alone, so changes do not cancel out.
 */
export function applyChoice(defs: Definitions, choice: OperationChoice, busy: ReadonlySet<string> = new Set()): { defs: Definitions; says: string; name?: string } {
  const start = OPERATION_KINDS.indexOf(choice.kind);
  for (let i = 0; i < OPERATION_KINDS.length; i++) {
    const kind = OPERATION_KINDS[(start + i) % OPERATION_KINDS.length] as OperationKind;
    const operation: Operation = OPERATIONS[kind];
    const candidates = operation.candidates(defs).filter((name) => !busy.has(name));
    const name = candidates[choice.pick % Math.max(1, candidates.length)];
    if (name !== undefined) return { ...operation.apply(defs, name, choice.variant), name };
  }
  return { defs, says: 'nothing to change' };
}

/** Where a run's API calls can be hurt. */
export const FAULT_ACTIONS = ['ListCustomConnectors', 'RegisterCustomConnector', 'DeleteCustomConnector'] as const;

/**
 * The ways a run can be hurt. `cloud` faults hit the workspace API (the emulator), `github` ones the
 * GitHub API (the fake); `phase` says which run they are armed for.
 */
export const FAULTS = {
  /** A gateway's 503, JSON body. */
  'gateway-503': { side: 'cloud', phase: 'apply' },
  /** A load balancer's HTML error page. */
  'html-502': { side: 'cloud', phase: 'apply' },
  /** The service's own envelope with a 500. */
  'envelope-500': { side: 'cloud', phase: 'apply' },
  /** The service acted, then answered 500. */
  'error-after-acting': { side: 'cloud', phase: 'apply' },
  /** The connection is reset before the service saw the call. */
  'reset-before': { side: 'cloud', phase: 'apply' },
  /** The service acted, then the connection was reset: the answer is lost. */
  'reset-after': { side: 'cloud', phase: 'apply' },
  /** A slow answer, within `request-timeout`. */
  slow: { side: 'cloud', phase: 'apply' },
  /** The service acted, but answered after `request-timeout`. */
  'timeout-acted': { side: 'cloud', phase: 'apply' },
  /** The service did not act, and a gateway's 504 came after `request-timeout`. */
  'timeout-not-acted': { side: 'cloud', phase: 'apply' },
  /** 429 Throttling.User with a retry-after. */
  throttled: { side: 'cloud', phase: 'apply' },
  /** The plan's list of a namespace fails (any of the cloud faults above, on a list call). */
  'plan-list-503': { side: 'cloud', phase: 'plan' },
  /** A write of the record (intent marks, outcome, statuses) fails, maybe after GitHub carried it out. */
  'record-write-fails': { side: 'github', phase: 'apply' },
  /** A read of the record fails. */
  'record-read-fails': { side: 'github', phase: 'plan' },
  /** Writing the PR comment fails, maybe after GitHub created or updated it. */
  'comment-write-fails': { side: 'github', phase: 'plan' },
  /** The apply's update of the PR comment fails, maybe after GitHub carried it out. */
  'comment-update-fails': { side: 'github', phase: 'apply' },
} as const satisfies Record<string, { side: 'cloud' | 'github'; phase: 'plan' | 'apply' }>;

export type FaultKind = keyof typeof FAULTS;

/** A fault as fast-check chose it; the driver reads the fields its kind needs. */
export interface FaultChoice {
  readonly kind: FaultKind;
  readonly action: (typeof FAULT_ACTIONS)[number];
  /** Undefined: any namespace. */
  readonly namespace: Namespace | undefined;
  /** How many matching calls it hurts: 1 or 2 are usually retried away, 3 or 4 fail the run (then it is re-run). */
  readonly times: number;
  /** Matching calls let through first (GitHub faults), and whether the failing one is carried out. */
  readonly after: number;
  readonly afterServing: boolean;
}

/** One pull request: the changes it makes and the faults armed for its plan and its first apply. */
export interface StepChoice {
  readonly operations: readonly OperationChoice[];
  readonly faults: readonly FaultChoice[];
}

export interface HistoryBudget {
  readonly minSteps: number;
  readonly maxSteps: number;
  /** Operations in one pull request. */
  readonly maxOperations: number;
  /** Faults armed per pull request. */
  readonly maxFaults: number;
  /** The fault kinds to draw from (default: all). */
  readonly faultKinds?: readonly FaultKind[];
}

const operationArb: fc.Arbitrary<OperationChoice> = fc.record({
  kind: fc.constantFrom(...OPERATION_KINDS),
  pick: fc.nat({ max: 31 }),
  variant: fc.nat({ max: 31 }),
});

function faultArb(kinds: readonly FaultKind[]): fc.Arbitrary<FaultChoice> {
  return fc.record({
    kind: fc.constantFrom(...kinds),
    action: fc.constantFrom(...FAULT_ACTIONS),
    namespace: fc.constantFrom<Namespace | undefined>(...NAMESPACES, undefined),
    times: fc.integer({ min: 1, max: 4 }),
    after: fc.nat({ max: 3 }),
    afterServing: fc.boolean(),
  });
}

/** A history: the first pull request always adds something, so later ones have something to change. */
export function historyArb(budget: HistoryBudget): fc.Arbitrary<StepChoice[]> {
  const kinds = budget.faultKinds ?? (Object.keys(FAULTS) as FaultKind[]);
  const step = fc.record({
    operations: fc.array(operationArb, { minLength: 1, maxLength: budget.maxOperations }),
    faults: fc.array(faultArb(kinds), { maxLength: budget.maxFaults }),
  });
  return fc.array(step, { minLength: budget.minSteps, maxLength: budget.maxSteps });
}

/** A step resolved against the definitions before it. */
export interface Step {
  readonly index: number;
  readonly before: Definitions;
  readonly after: Definitions;
  readonly says: readonly string[];
  readonly faults: readonly FaultChoice[];
}

/** Plays the operations of every step on the definitions, from none. */
export function resolveHistory(choices: readonly StepChoice[]): Step[] {
  const steps: Step[] = [];
  let defs: Definitions = {};
  choices.forEach((choice, index) => {
    const before = defs;
    const says: string[] = [];
    const busy = new Set<string>();
    for (const operation of choice.operations) {
      const next = applyChoice(defs, operation, busy);
      defs = next.defs;
      if (next.name !== undefined) busy.add(next.name);
      says.push(next.says);
    }
    // A fault on a call the apply does not make would be wasted: it moves to one it makes, in a
    // namespace the step changes.
    const calls = callsOf({ before, after: defs });
    const changed = NAMESPACES.filter((ns) => [...touchedBy({ before, after: defs })].some((key) => key.startsWith(`${ns}/`)));
    const faults = choice.faults.map((f) => ({
      ...f,
      action: calls.includes(f.action) ? f.action : (calls[FAULT_ACTIONS.indexOf(f.action) % calls.length] ?? f.action),
      namespace: f.namespace === undefined || changed.length === 0 || changed.includes(f.namespace) ? f.namespace : changed[0],
    }));
    steps.push({ index, before, after: defs, says, faults });
  });
  return steps;
}

/** `namespace/name` of every connector the step changes (where it was and where it is to be). */
export function touchedBy(step: Pick<Step, 'before' | 'after'>): Set<string> {
  const touched = new Set<string>();
  for (const name of new Set([...Object.keys(step.before), ...Object.keys(step.after)])) {
    const was = step.before[name];
    const will = step.after[name];
    if (was?.namespace === will?.namespace && was?.jar === will?.jar && was?.absent === will?.absent) continue;
    if (was) touched.add(`${was.namespace}/${name}`);
    if (will) touched.add(`${will.namespace}/${name}`);
  }
  return touched;
}

/**
 * The workspace API calls the step's apply makes: a list always, a register when something is to be
 * live that was not (or from another JAR), a delete when something live is to go (or be replaced).
 */
export function callsOf(step: Pick<Step, 'before' | 'after'>): (typeof FAULT_ACTIONS)[number][] {
  const calls: (typeof FAULT_ACTIONS)[number][] = ['ListCustomConnectors'];
  const live = (d: Declared | undefined): boolean => d !== undefined && d.absent === undefined;
  const names = [...touchedNames(step)];
  if (names.some((n) => live(step.after[n]))) calls.push('RegisterCustomConnector');
  if (names.some((n) => live(step.before[n]))) calls.push('DeleteCustomConnector');
  return calls;
}

function touchedNames(step: Pick<Step, 'before' | 'after'>): Set<string> {
  return new Set([...touchedBy(step)].map((key) => key.slice(key.indexOf('/') + 1)));
}

/** The connectors that should be live in a namespace, sorted by name, with their JARs. */
export function expectedIn(defs: Definitions, namespace: Namespace): { name: string; jar: string }[] {
  return Object.entries(defs)
    .filter(([, d]) => d.namespace === namespace && d.absent === undefined)
    .map(([name, d]) => ({ name, jar: d.jar }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The definition files of `defs`: one file per connector. */
export function definitionFiles(defs: Definitions): Record<string, string> {
  return Object.fromEntries(
    Object.entries(defs).map(([name, d]) => [
      `connectors/${name}.yaml`,
      d.absent
        ? `connector_name: ${name}\nnamespace_name: ${d.namespace}\nstate: absent\n`
        : `connector_name: ${name}\nconnector_type: ${name}\njar_url: ${d.jar}\nnamespace_name: ${d.namespace}\n`,
    ]),
  );
}

/** A readable account of a resolved history, for failure messages. */
export function describeHistory(steps: readonly Step[]): string {
  return steps
    .map((s) => `  PR #${prOf(s.index)}: ${s.says.join('; ')}${s.faults.length > 0 ? `\n    faults: ${s.faults.map(describeFault).join('; ')}` : ''}`)
    .join('\n');
}

export function describeFault(f: FaultChoice): string {
  const { side, phase } = FAULTS[f.kind];
  const where = side === 'cloud' ? `${phase === 'plan' ? 'ListCustomConnectors' : f.action} in ${f.namespace ?? 'any namespace'} x${f.times}` : `after ${f.after}${f.afterServing ? ', carried out' : ''}`;
  return `${f.kind} (${phase}: ${where})`;
}

/** The pull request number of step `index`. */
export const prOf = (index: number): number => 101 + index;

/** A 40-hex commit SHA, distinct per (kind, n). */
export const shaOf = (kind: 'head' | 'merge', n: number): string => (kind === 'head' ? 'a' : 'f') + n.toString(16).padStart(39, '0');
