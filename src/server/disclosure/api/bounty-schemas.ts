import { type TSchema, Type } from '@sinclair/typebox';
import { LEDGER_KINDS, MODULE_SECTIONS, REWARD_STATES } from '../../../disclosure/index.js';

// The JSON shapes of the bug bounty's routes (bounty.ts).

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const literals = (list: readonly string[]) => Type.Union(list.map((s) => Type.Literal(s)));
const Cents = (description = 'US cents') => Type.Integer({ description });
const SEVERITY = ['critical', 'high', 'moderate', 'low', 'info'];

export const ModuleSchema = Type.Object({
  name: Type.String({ description: 'an npm package, or @scope for every package of the scope' }),
  section: literals(MODULE_SECTIONS),
  approvedBy: Type.String({ description: 'the maintainer who approved the module joining the bounty' }),
  approvedOn: Type.String({ description: 'YYYY-MM-DD' }),
  downloads: Nullable(Type.Integer({ description: 'downloads last month at the last count' })),
  downloadsAsOf: Nullable(Type.String()),
  downloadsSource: Nullable(literals(['registry', 'override'])),
  eligible: Type.Boolean({
    description: 'confirmed, and at least 1,000 downloads a month at the last count',
  }),
  addedAt: Type.String(),
  updatedAt: Type.String(),
});

export const ModuleBody = Type.Object(
  {
    section: literals(MODULE_SECTIONS),
    approvedBy: Type.String({ maxLength: 200 }),
    approvedOn: Type.String({ maxLength: 10 }),
  },
  { additionalProperties: false },
);

export const TableSchema = Type.Object(
  Object.fromEntries(SEVERITY.map((s) => [s, Cents()])) as Record<string, ReturnType<typeof Cents>>,
);

export const TableBody = Type.Object(
  Object.fromEntries(
    SEVERITY.map((s) => [s, Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 }))]),
  ),
  { additionalProperties: false },
);

export const OverviewSchema = Type.Object({
  modules: Type.Array(ModuleSchema),
  table: TableSchema,
  paid: Cents('paid so far'),
  paidRewards: Type.Integer(),
});

const RewardFields = {
  id: Type.String(),
  reportId: Type.String(),
  advisoryId: Nullable(Type.String()),
  researcherId: Type.String(),
  packageName: Type.String(),
  moduleName: Type.String(),
  severity: literals(SEVERITY),
  amount: Cents('the whole reward, the maintainer share included'),
  maintainerId: Nullable(Type.String()),
  maintainerShare: Cents(),
  state: literals(REWARD_STATES),
  reason: Nullable(Type.String({ description: 'why it is ineligible' })),
  proposedAt: Type.String(),
  approvedAt: Nullable(Type.String()),
  paidAt: Nullable(Type.String()),
};

/** A reward as the team reads it. */
export const RewardSchema = Type.Object({
  ...RewardFields,
  proposedBy: Nullable(Type.String({ description: 'null: proposed by the program at publication' })),
  approvedBy: Nullable(Type.String()),
  paidBy: Nullable(Type.String()),
  paymentReference: Nullable(Type.String()),
});

/** A reward as its researcher reads it: who decided and the payment's reference stay with the team. */
export const OwnRewardSchema = Type.Object(RewardFields);

export const LedgerEntrySchema = Type.Object({
  seq: Type.Integer(),
  kind: literals(LEDGER_KINDS),
  amount: Cents('signed: deposits and releases add, reservations take'),
  balance: Cents('the balance after the movement'),
  rewardId: Nullable(Type.String()),
  by: Type.String(),
  at: Type.String(),
  reason: Type.String(),
});

export const FiguresSchema = Type.Object({
  balance: Cents(),
  reserved: Cents(),
  paid: Cents(),
  waiting: Cents(),
});

export const ModuleParams = Type.Object({ module: Type.String({ maxLength: 214 }) });
export const RewardParams = Type.Object({ rewardId: Type.String({ maxLength: 100 }) });
