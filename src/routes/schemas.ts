// Response shapes shared by the routes (TypeBox: validated, serialized and published in OpenAPI).
import { Type, type Static, type TSchema } from '@sinclair/typebox'

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
export const IsoTime = Type.String({ format: 'date-time' })
const Uuid = Type.String({ format: 'uuid' })
export const NullableIsoTime = Nullable(IsoTime)
export const JobStatus = Type.Union([Type.Literal('PROCESSING'), Type.Literal('COMPLETED'), Type.Literal('FAILED')])

/** Every 4xx/5xx: `{detail: "what was wrong"}`. */
export const errorReply = (description: string) => Type.Object({ detail: Type.String({ description: 'What was wrong and what was expected' }) }, { description })

export const AlreadyProcessingDetail = Type.Object({
  error: Type.Literal('ALREADY_PROCESSING'),
  job_id: Uuid,
  status: Type.Literal('PROCESSING'),
  started_at: IsoTime,
  elapsed_seconds: Type.Integer(),
  message: Type.String()
})
export const AlreadyCompletedDetail = Type.Object({
  error: Type.Literal('ALREADY_COMPLETED'),
  job_id: Uuid,
  completed_at: IsoTime,
  bundles_created: Type.Integer(),
  days_since_install: Type.Integer(),
  can_retry_in_days: Type.Integer(),
  message: Type.String()
})
export const ConflictReply = Type.Object({ detail: Type.Union([AlreadyProcessingDetail, AlreadyCompletedDetail]) },
  { description: 'An install is already processing, or completed within the cooldown' })

export const QuickInstallStarted = Type.Object({
  job_id: Uuid,
  status: Type.Literal('PROCESSING'),
  message: Type.String(),
  is_retry: Type.Boolean()
})

const StatusFields = { has_quick_install: Type.Boolean(), can_run: Type.Boolean(), message: Type.String() }
const CompletedFields = {
  job_id: Uuid,
  status: Type.Literal('COMPLETED'),
  created_at: IsoTime,
  completed_at: IsoTime,
  bundles_created: Type.Integer(),
  days_since_install: Type.Integer()
}

const StatusShapes = Type.Union([
  Type.Object({ ...StatusFields, has_quick_install: Type.Literal(false), can_run: Type.Literal(true) }, { title: 'NeverRun', description: 'No install of this shop yet' }),
  Type.Object({
    ...StatusFields,
    has_quick_install: Type.Literal(true),
    can_run: Type.Literal(false),
    job_id: Uuid,
    status: Type.Literal('PROCESSING'),
    created_at: IsoTime,
    started_at: IsoTime,
    elapsed_seconds: Type.Integer()
  }, { title: 'Processing', description: 'An install is running: poll again in 2 s' }),
  Type.Object({
    ...StatusFields,
    has_quick_install: Type.Literal(true),
    can_run: Type.Literal(false),
    ...CompletedFields,
    can_retry_in_days: Type.Integer({ minimum: 1 })
  }, { title: 'CompletedWithinCooldown', description: 'Completed less than QUICK_INSTALL_COOLDOWN_DAYS ago: a new upload is refused (409) for can_retry_in_days more days' }),
  Type.Object({
    ...StatusFields,
    has_quick_install: Type.Literal(true),
    can_run: Type.Literal(true),
    ...CompletedFields,
    can_retry_in_days: Type.Unsafe<0>(Type.Integer({ enum: [0] }))
  }, { title: 'CompletedAfterCooldown', description: 'Completed, and the cooldown is over: a new upload may start' }),
  Type.Object({
    ...StatusFields,
    has_quick_install: Type.Literal(true),
    can_run: Type.Literal(true),
    job_id: Uuid,
    status: Type.Literal('FAILED'),
    created_at: IsoTime,
    error_message: Type.String(),
    failed_at: IsoTime,
    last_completed_job_id: Type.Union([Uuid, Type.Null()], {
      description: 'The newest completed install, whose bundles GET /api/bundles still serves; null when no install of this shop ever completed'
    })
  }, { title: 'Failed', description: 'The latest install failed; a new upload may start' })
])

/**
 * GET /api/bundles/quick-install/status: one of five shapes, told apart by `has_quick_install` (false:
 * never run), then `status`, then `can_run` between the two COMPLETED ones. No OpenAPI `discriminator`:
 * the never-run shape has no `status` to name. Every property keeps one place in the order of all of
 * them (has_quick_install, can_run, message, job_id, status, created_at, ...), so the bytes are those
 * the one all-optional object wrote before. The serializer tries the shapes in turn (never-run
 * first) with its validator: about 1.1-1.5 µs more per answer than the all-optional object (about 1%
 * of a status request), and an answer that fits no shape is a 500, not a silent drift from the contract.
 */
export type QuickInstallStatus = Static<typeof StatusShapes>
export const QuickInstallStatusShapes = Type.Unsafe<QuickInstallStatus>({
  oneOf: StatusShapes.anyOf,
  description: 'One of five shapes: never run, processing, completed within cooldown, completed after cooldown, failed'
})

export const JobStatusReply = Type.Object({
  job_id: Uuid,
  status: JobStatus,
  processed_count: Type.Integer({ description: 'Bundles created' }),
  error_count: Type.Integer({ description: 'Rows that could not be read (skipped), per the engine summary' }),
  error_message: Nullable(Type.String()),
  created_at: IsoTime,
  processed_at: NullableIsoTime
})

/** A string from a fixed set, published as an enum (serialized as a plain string: no anyOf to match). */
const StringEnum = <T extends string>(values: readonly T[], description: string) => Type.Unsafe<T>(Type.String({ enum: [...values], description }))

/**
 * The engine's pricing (BundlePricing in src/engine/types.ts). Every field optional: stored runs of
 * older versions may lack one (tiers came later), and the serializer must never refuse a stored row.
 */
export const BundlePricingReply = Type.Object({
  currency: Type.Optional(Nullable(Type.String({ description: 'ISO 4217 code when the file named one' }))),
  list_price: Type.Optional(Nullable(Type.Number({ description: 'Sum of the items\' unit prices × quantities; null when a price is unknown' }))),
  discount_percent: Type.Optional(Type.Number()),
  bundle_price: Type.Optional(Nullable(Type.Number({ description: 'Never above list_price; null when a price is unknown' }))),
  explanation: Type.Optional(Type.String({ description: 'Why this discount, for the merchant' })),
  tiers: Type.Optional(Type.Array(Type.Object({
    quantity: Type.Integer(),
    discount_percent: Type.Number(),
    unit_price: Nullable(Type.Number()),
    total_price: Nullable(Type.Number())
  }, { additionalProperties: true }), { description: 'VOLUME only: the quantity breaks' }))
}, { additionalProperties: true })

export const BundleReply = Type.Object({
  id: Uuid,
  type: StringEnum(['FBT', 'VOLUME'] as const, 'FBT: bought together; VOLUME: quantity breaks of one product'),
  items: Type.Array(Type.Object({
    key: Type.String(),
    title: Type.String(),
    skus: Type.Array(Type.String()),
    price: Nullable(Type.Number()),
    quantity: Type.Integer()
  }, { additionalProperties: true })),
  stats: Nullable(Type.Object({
    count: Type.Number(),
    support: Type.Number(),
    confidence: Type.Array(Type.Number()),
    lift: Nullable(Type.Number()),
    leverage: Nullable(Type.Number())
  }, { additionalProperties: true })),
  pricing: BundlePricingReply,
  score: Type.Number(),
  rank: Type.Integer(),
  source: StringEnum(['orders', 'catalog'] as const, 'orders: measured on the orders; catalog: a heuristic from a product catalog (stats null)'),
  reason: Type.String(),
  created_at: IsoTime
})

export const BundlesPage = Type.Object({
  job_id: Uuid,
  status: JobStatus,
  completed_at: NullableIsoTime,
  total: Type.Integer({ description: 'Bundles of this install' }),
  page: Type.Integer(),
  page_size: Type.Integer(),
  sort: Type.String(),
  summary: Nullable(Type.Object({}, { additionalProperties: true, description: 'The engine run summary' })),
  bundles: Type.Array(BundleReply)
})
