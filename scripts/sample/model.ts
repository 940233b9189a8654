/**
 * The generating model behind the sample exports. Every effect the analyses should find is a
 * parameter here, so tests can check that they recover it; `docs/sample-data.md` explains
 * each one in words.
 */
import { configSchema } from "../../loaders/contract/config.js";

export const OUR_BRAND = "Northwind";
export const COMPETITORS = ["Contoso", "Fabrikam", "Globex"] as const;
export const BRANDS = [OUR_BRAND, ...COMPETITORS] as const;
export type Brand = (typeof BRANDS)[number];

/** First and last day of the CRM history (inclusive), as ISO dates. */
export const HISTORY_START = "2023-01-01";
export const HISTORY_MONTHS = 36;

/** Quarterly survey waves; fieldwork runs in the middle month of each quarter. */
export const WAVES = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"] as const;

export interface Segment {
  id: string;
  /** Expected share of won deals. */
  share: number;
  /** Mean orders per active month (a gamma-distributed customer rate has this mean). */
  ordersPerMonth: number;
  /** Multiplies quantities ordered. */
  volume: number;
  /** Monthly probability that an average customer (attitude 0) stops buying for good. */
  monthlyChurn: number;
}

export const SEGMENTS: readonly Segment[] = [
  { id: "Enterprise", share: 0.15, ordersPerMonth: 2.8, volume: 3, monthlyChurn: 0.012 },
  { id: "Mid-market", share: 0.35, ordersPerMonth: 1.65, volume: 1.6, monthlyChurn: 0.022 },
  { id: "Small business", share: 0.5, ordersPerMonth: 0.9, volume: 1, monthlyChurn: 0.038 }
];

export const REGIONS = ["North", "South", "East", "West"] as const;
export const REGION_SHARES = [0.3, 0.2, 0.28, 0.22] as const;

/**
 * Each customer (and each survey respondent) has a latent attitude u ~ N(0, 1). It raises
 * their ratings of our brand (and so satisfaction and likelihood to recommend), lowers their
 * churn hazard and raises their spend: promoters really do retain and spend more.
 */
export const ATTITUDE = {
  /** Churn hazard multiplier exp(-churn * u). */
  churn: 0.6,
  /** Spend multiplier exp(spend * u). */
  spend: 0.12,
  /** Halo on ratings of our brand: halo * u. */
  halo: 0.7,
  /** Likelihood to recommend reflects the relationship beyond satisfaction: + recommend * u. */
  recommend: 0.5
} as const;

/** Retention levers: multipliers on the monthly churn hazard. */
export const LEVERS = {
  rewardsMemberChurn: 0.7,
  /** After a complaint that was never resolved the hazard doubles for good. */
  unresolvedComplaintChurn: 2.0,
  /** Probability that a complaint is resolved. */
  complaintResolved: 0.8,
  /** Monthly complaint probability at attitude 0, multiplied by exp(-0.5 u). */
  complaintRate: 0.02,
  requestRate: 0.04
} as const;

/**
 * Purchases that must be activated before they are used (licences, service plans, training
 * seats): every order line of these categories. Whether and when it is activated comes from a
 * random stream of its own, so the other exports do not depend on it. Engaged customers (high
 * attitude u) put what they buy to use: P(activated) = 1 / (1 + exp(-(logit + attitude * u))).
 * There is no direct effect on churn: the association the levers page shows runs through u.
 */
export const ACTIVATION = {
  categories: ["Software", "Services", "Training"] as readonly string[],
  /** Log-odds of activation at attitude 0 (about 83%). */
  logit: 1.6,
  attitude: 1.0,
  /** Days from purchase to activation ~ 1 + Gamma(shape, scale): mean about 13 days. */
  delayShape: 2,
  delayScale: 6
} as const;

/**
 * The cohort effect: customers won in the 2024 spring promotion (acquired 2024-Q2) came for
 * the discount. Twice as many deals were closed that quarter and those customers churn 1.8x
 * as fast and spend 20% less.
 */
export const PROMOTION_COHORT = { quarter: "2024-Q2", dealMultiplier: 2, churn: 1.8, spend: 0.8 } as const;

export interface Attribute {
  id: string;
  label: string;
  group: "quality" | "price";
  /** The business function that owns the attribute (Gale's what/who matrix). */
  owner: string;
  /** The value factor the attribute belongs to. */
  factor: "product" | "service" | "personnel" | "image" | "price";
  /** True mean rating (1-10) of each brand in the first wave. */
  means: Record<Brand, number>;
  /** Effect of one rating point on overall satisfaction (0: no direct effect). */
  driver: number;
  /** Mean stated importance (1-10). */
  statedImportance: number;
}

export const ATTRIBUTES: readonly Attribute[] = [
  {
    id: "product_quality",
    label: "Product quality",
    group: "quality",
    owner: "Product management",
    factor: "product",
    means: { Northwind: 7.8, Contoso: 7.1, Fabrikam: 6.6, Globex: 6.9 },
    driver: 0.3,
    statedImportance: 9.0
  },
  {
    id: "reliability",
    label: "Reliability",
    group: "quality",
    owner: "Operations",
    factor: "product",
    means: { Northwind: 7.6, Contoso: 7.0, Fabrikam: 6.8, Globex: 6.7 },
    driver: 0.15,
    statedImportance: 8.2
  },
  {
    id: "innovation",
    label: "Innovation",
    group: "quality",
    owner: "Product management",
    factor: "product",
    means: { Northwind: 7.1, Contoso: 6.8, Fabrikam: 6.2, Globex: 7.0 },
    driver: 0,
    statedImportance: 6.2
  },
  {
    id: "service",
    label: "Customer service",
    group: "quality",
    owner: "Customer service",
    factor: "service",
    means: { Northwind: 6.9, Contoso: 7.2, Fabrikam: 6.5, Globex: 6.2 },
    driver: 0.25,
    statedImportance: 8.4
  },
  {
    id: "delivery",
    label: "Delivery speed",
    group: "quality",
    owner: "Logistics",
    factor: "service",
    means: { Northwind: 7.0, Contoso: 7.3, Fabrikam: 6.8, Globex: 6.9 },
    driver: 0,
    statedImportance: 7.5
  },
  {
    id: "ease_of_business",
    label: "Ease of doing business",
    group: "quality",
    owner: "Sales operations",
    factor: "service",
    means: { Northwind: 6.8, Contoso: 7.0, Fabrikam: 6.9, Globex: 6.7 },
    driver: 0.05,
    statedImportance: 6.8
  },
  {
    id: "personnel",
    label: "Staff expertise",
    group: "quality",
    owner: "Sales",
    factor: "personnel",
    means: { Northwind: 7.3, Contoso: 6.9, Fabrikam: 6.7, Globex: 6.8 },
    driver: 0,
    statedImportance: 6.5
  },
  {
    id: "image",
    label: "Brand reputation",
    group: "quality",
    owner: "Marketing",
    factor: "image",
    means: { Northwind: 7.4, Contoso: 7.5, Fabrikam: 6.4, Globex: 6.6 },
    driver: 0,
    statedImportance: 5.8
  },
  {
    id: "price",
    label: "Price",
    group: "price",
    owner: "Pricing",
    factor: "price",
    means: { Northwind: 5.9, Contoso: 6.4, Fabrikam: 7.4, Globex: 6.8 },
    driver: 0.2,
    statedImportance: 8.6
  },
  {
    id: "terms",
    label: "Payment terms and fees",
    group: "price",
    owner: "Finance",
    factor: "price",
    means: { Northwind: 6.5, Contoso: 6.7, Fabrikam: 7.0, Globex: 6.6 },
    driver: 0,
    statedImportance: 6.9
  }
];

/** The competitor gaining on one attribute: added to its true mean at each wave after the first. */
export const TREND = { brand: "Globex" as Brand, attribute: "service", perWave: 0.15 } as const;

/** Survey answers of a respondent, each before rounding and clamping to its scale. */
export const SURVEY = {
  /** Mean overall satisfaction (1-10) when every rating sits at our brand's first-wave mean. */
  satisfactionIntercept: 7.0,
  satisfactionNoise: 0.9,
  /** Satisfaction points lost after an unresolved complaint. */
  unresolvedComplaintSatisfaction: -1.0,
  ratingNoise: 1.1,
  /** Respondent-level scale-use bias, shared by every brand they rate. */
  scaleUseSd: 0.6,
  /** Respondent x brand halo for competitors. */
  brandHaloSd: 0.5,
  /** Probability that a respondent rates each competitor (at least one is rated). */
  ratesCompetitor: 0.75,
  /** Share of competitor ratings answered "don't know" (code 99). */
  dontKnow: 0.03,
  /** Probability an active customer is surveyed in a wave. */
  customerSampling: 0.1,
  /** Respondents per wave who are not linked to a CRM customer (prospects), at scale 1. */
  prospectsPerWave: 200,
  /** Share of respondents who also answer the stated-importance block. */
  answersImportance: 0.5,
  /** Scale of the Gumbel noise in "which brand would you choose" (rating points). */
  preferenceNoise: 0.8,
  /** Mean likelihood to recommend a competitor the respondent rates at the market average. */
  competitorRecommendIntercept: 6.8,
  /** Share who write a comment, and of those, how many put personal details in it. */
  comments: 0.35,
  commentsWithPii: 0.12
} as const;

export const DONT_KNOW_CODE = 99;

/** Won/lost deals: win probability against each competitor, by month since HISTORY_START. */
export const DEALS = {
  /** Deals per month at scale 1 before growth; about 55% are won. */
  perMonth: 155,
  /** Monthly growth of the deal flow. */
  growth: 0.02,
  /** Share of deals contested by each competitor; the rest have none named. */
  contested: { Contoso: 0.25, Fabrikam: 0.25, Globex: 0.25 } as Record<string, number>,
  winRate: { none: 0.7, Contoso: 0.5, Fabrikam: 0.55, Globex: 0.58 } as Record<string, number>,
  /** Globex's service push lowers our win rate against it from 2024-01 by this much a month. */
  globexWinRateDeclinePerMonth: 0.008,
  globexDeclineStartMonth: 12,
  lostReasons: {
    Contoso: { Relationship: 0.4, "Product fit": 0.3, Price: 0.2, Service: 0.1 },
    Fabrikam: { Price: 0.6, Terms: 0.15, Relationship: 0.15, "Product fit": 0.1 },
    Globex: { Service: 0.45, Price: 0.3, Relationship: 0.15, "Product fit": 0.1 },
    none: { "No decision": 0.6, Budget: 0.4 }
  } as Record<string, Record<string, number>>,
  wonReasons: { "Product quality": 0.4, Reliability: 0.2, Relationship: 0.2, Price: 0.1, Service: 0.1 }
} as const;

export const PRODUCT_CATEGORIES = [
  { id: "Hardware", products: 10, price: [120, 900], margin: 0.28 },
  { id: "Software", products: 8, price: [40, 400], margin: 0.7 },
  { id: "Services", products: 8, price: [150, 1200], margin: 0.45 },
  { id: "Supplies", products: 10, price: [8, 60], margin: 0.35 },
  { id: "Training", products: 4, price: [200, 800], margin: 0.55 }
] as const;

/** Share of orders followed by a refund row (negative amount and cost). */
export const REFUND_RATE = 0.015;

export const EVENTS: readonly { date: string; brand: Brand; title: string }[] = [
  { date: "2023-03-01", brand: "Northwind", title: "New product line launched" },
  { date: "2024-01-15", brand: "Globex", title: "Globex opens a 24/7 service desk" },
  { date: "2024-04-01", brand: "Northwind", title: "Spring promotion: 20% off the first order" },
  { date: "2024-09-01", brand: "Fabrikam", title: "Fabrikam cuts list prices by 10%" },
  { date: "2025-02-01", brand: "Northwind", title: "Rewards programme relaunched" },
  { date: "2025-06-01", brand: "Contoso", title: "Contoso acquires a regional distributor" }
];

/** Survey answer scales, written to the sample's cva.config.json: the config's defaults. */
export const SCALES = configSchema.parse({}).scales;

/**
 * Defects real exports have, at rates that leave a handful of each in the default sample, so
 * ingest and the data-quality page have something to reject. They are drawn from their own
 * random stream: the rest of the sample does not depend on them.
 */
export const DEFECTS = {
  /** An order date exported as MySQL's zero date. */
  zeroOrderDate: 0.0001,
  /** An order naming a customer id that is in no customers export (C000000). */
  unknownCustomer: 0.00003,
  /** A ticket resolved "before" it was opened (clock skew between systems). */
  resolvedBeforeOpened: 0.001,
  /** A rating keyed as 11 on the 1-10 scale. */
  ratingTypo: 0.00005
} as const;

export const DEFAULT_SEED = 20260101;
