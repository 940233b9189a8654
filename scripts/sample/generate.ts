import { RESPONSE_FIELDS } from "../../loaders/contract/source-config.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CsvWriter, type CsvValue } from "./csv-writer.js";
import {
  ACTIVATION,
  ATTITUDE,
  ATTRIBUTES,
  COMPETITORS,
  DEALS,
  DEFAULT_SEED,
  DEFECTS,
  DONT_KNOW_CODE,
  EVENTS,
  HISTORY_MONTHS,
  HISTORY_START,
  LEVERS,
  OUR_BRAND,
  PRODUCT_CATEGORIES,
  PROMOTION_COHORT,
  REFUND_RATE,
  REGIONS,
  REGION_SHARES,
  SCALES,
  SEGMENTS,
  SURVEY,
  TREND,
  WAVES,
  type Brand
} from "./model.js";
import { fakeComment, fakePerson } from "./people.js";
import { Random } from "./random.js";

export interface SampleOptions {
  /** Folder to write the exports into (created if missing; existing files are overwritten). */
  outDir: string;
  /** Multiplies customers, orders, deals and respondents; 1 gives ~5,000 customers. */
  scale?: number;
  seed?: number;
  /** Called once per simulated month, for progress reporting. */
  onMonth?: (month: number, months: number) => void;
}

/** Rows written per file. */
export type SampleSummary = Record<string, number>;

const DAY_MS = 86_400_000;
const startDay = Date.parse(`${HISTORY_START}T00:00:00Z`) / DAY_MS;
const isoCache: string[] = [];
/** ISO date of a day number (days since 1970-01-01), cached: the sample spans ~1,100 days. */
function isoDate(day: number): string {
  return (isoCache[day - startDay] ??= new Date(day * DAY_MS).toISOString().slice(0, 10));
}
function monthStartDay(month: number): number {
  const start = new Date(`${HISTORY_START}T00:00:00Z`);
  return Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + month, 1) / DAY_MS;
}
function quarterOfMonth(month: number): string {
  const date = new Date(monthStartDay(month) * DAY_MS);
  return `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}
const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);
const round2 = (x: number) => Math.round(x * 100) / 100;
const pad = (n: number, width: number) => String(n).padStart(width, "0");

/**
 * Rows of one month collected by day, so that ids (orders, tickets, respondents) increase with
 * their date as in a real system. Memory is bounded by one month of activity.
 */
class DayBuckets {
  private readonly days: CsvValue[][][] = [];
  add(dayOfMonth: number, row: CsvValue[]): void {
    (this.days[dayOfMonth] ??= []).push(row);
  }
  /** Yields the month's rows with their day of month, in day order, and forgets them. */
  *drain(): Generator<[number, CsvValue[]]> {
    for (let day = 0; day < this.days.length; ++day) for (const row of this.days[day] ?? []) yield [day, row];
    this.days.length = 0;
  }
}

/**
 * Writes a deterministic sample company as CRM and survey-tool exports (the v1 data contract)
 * plus its `cva.config.json`. Customers are simulated month by month; their state lives in
 * flat arrays (a few numbers each) and every row is written as soon as its month is done, so
 * memory grows with the number of customers, never with orders or ratings.
 */
export function generateSample(options: SampleOptions): SampleSummary {
  const { outDir, scale = 1, seed = DEFAULT_SEED, onMonth } = options;
  if (!(scale > 0)) throw new Error(`invalid scale: ${scale} (expected a positive number)`);
  mkdirSync(outDir, { recursive: true });
  const random = new Random(seed);
  const defects = new Random(seed ^ 0x5eed);
  const file = (name: string, header: string[]) => new CsvWriter(join(outDir, `${name}.csv`), header);

  const products = writeProducts(file("products", ["product_id", "name", "category"]), random);
  const productById = new Map(products.map((p) => [p.id, p]));
  const customersOut = file("customers", [
    "customer_id",
    "name",
    "email",
    "phone",
    "segment",
    "region",
    "acquired_at",
    "rewards_member"
  ]);
  const ordersOut = file("orders", [
    "order_id",
    "customer_id",
    "ordered_at",
    "amount",
    "cost",
    "product_id",
    "quantity"
  ]);
  const dealsOut = file("opportunities", [
    "opportunity_id",
    "closed_at",
    "outcome",
    "competitor",
    "reason",
    "amount",
    "customer_id",
    "segment"
  ]);
  const ticketsOut = file("tickets", ["ticket_id", "customer_id", "opened_at", "resolved_at", "kind", "satisfaction"]);
  // Every answer the responses export can hold, in the contract's order.
  const responsesOut = file("responses", ["respondent_id", "wave", ...RESPONSE_FIELDS]);
  const ratingsOut = file("ratings", ["respondent_id", "wave", "brand", "attribute", "score"]);
  const importanceOut = file("importance", ["respondent_id", "wave", "attribute", "weight"]);
  const recommendationsOut = file("recommendations", ["respondent_id", "wave", "brand", "likelihood_to_recommend"]);
  // Competitors' recommend answers come from a stream of their own, so adding them left every
  // other file of the sample unchanged.
  const recommendRandom = new Random(seed ^ 0x7ec0);
  const preferenceRandom = new Random(seed ^ 0x9ef0);
  const activationsOut = file("activations", [
    "activation_id",
    "customer_id",
    "purchased_at",
    "activated_at",
    "order_id",
    "product_id"
  ]);
  const activationRandom = new Random(seed ^ 0xac71);
  let activationSeq = 0;
  const lastDay = monthStartDay(HISTORY_MONTHS) - 1;
  const eventsOut = file("events", ["date", "brand", "title"]);
  for (const event of EVENTS) eventsOut.write([event.date, event.brand, event.title]);

  // Customer state, one entry per customer ever won (index = id - 1).
  const segmentOf: number[] = [];
  const regionOf: number[] = [];
  const attitude: number[] = [];
  const orderRate: number[] = [];
  const churnHazard: number[] = [];
  const spendFactor: number[] = [];
  const acquiredDay: number[] = [];
  const unresolvedComplaint: boolean[] = [];
  let active: number[] = [];

  let orderSeq = 0;
  let dealSeq = 0;
  let ticketSeq = 0;
  const segmentShares = SEGMENTS.map((s) => s.share);

  for (let month = 0; month < HISTORY_MONTHS; ++month) {
    const first = monthStartDay(month);
    const length = monthStartDay(month + 1) - first;
    const quarter = quarterOfMonth(month);
    const orders = new DayBuckets();
    const tickets = new DayBuckets();

    // Deals closed this month; those won become customers from their closing day.
    const promotion = quarter === PROMOTION_COHORT.quarter;
    const dealCount = random.poisson(
      DEALS.perMonth * scale * Math.pow(1 + DEALS.growth, month) * (promotion ? PROMOTION_COHORT.dealMultiplier : 1)
    );
    const dealDays = Array.from({ length: dealCount }, () => random.int(length)).sort((a, b) => a - b);
    for (const dayOfMonth of dealDays) {
      const day = first + dayOfMonth;
      const segment = random.weighted(
        SEGMENTS.map((_, i) => i),
        segmentShares
      );
      const competitor = random.weighted(
        [...COMPETITORS, "none"],
        [
          ...COMPETITORS.map((c) => DEALS.contested[c]!),
          1 - COMPETITORS.reduce((sum, c) => sum + DEALS.contested[c]!, 0)
        ]
      );
      const won = random.bernoulli(winRate(competitor, month));
      const seg = SEGMENTS[segment]!;
      const dealValue = Math.round(seg.ordersPerMonth * 12 * 150 * seg.volume * random.logNormal(0, 0.4));
      let customerId: string | null = null;
      if (won) {
        const u = random.normal();
        const index = segmentOf.length;
        customerId = customerIdOf(index);
        const rewards = random.bernoulli(clamp(0.3 + 0.1 * u, 0.05, 0.9));
        segmentOf.push(segment);
        regionOf.push(
          random.weighted(
            REGIONS.map((_, i) => i),
            REGION_SHARES
          )
        );
        attitude.push(u);
        orderRate.push(seg.ordersPerMonth * random.gamma(2, 0.5) * (rewards ? 1.1 : 1));
        churnHazard.push(
          seg.monthlyChurn *
            Math.exp(-ATTITUDE.churn * u) *
            (rewards ? LEVERS.rewardsMemberChurn : 1) *
            (promotion ? PROMOTION_COHORT.churn : 1)
        );
        spendFactor.push(Math.exp(ATTITUDE.spend * u) * (promotion ? PROMOTION_COHORT.spend : 1));
        acquiredDay.push(day);
        unresolvedComplaint.push(false);
        active.push(index);
        const person = fakePerson(random);
        customersOut.write([
          customerId,
          person.name,
          person.email,
          person.phone,
          seg.id,
          REGIONS[regionOf[index]!],
          isoDate(day),
          rewards
        ]);
      }
      const reasons = won ? DEALS.wonReasons : DEALS.lostReasons[competitor]!;
      const reason = random.weighted(Object.keys(reasons), Object.values(reasons));
      dealsOut.write([
        `D${pad(++dealSeq, 7)}`,
        isoDate(day),
        won ? "won" : "lost",
        competitor === "none" ? "" : competitor,
        reason,
        dealValue,
        customerId,
        seg.id
      ]);
    }

    // A month in the life of every active customer.
    const wave = WAVES.indexOf(quarter as (typeof WAVES)[number]);
    const fieldwork = wave >= 0 && month % 3 === 1;
    const respondents = new DayBuckets();
    const stillActive: number[] = [];
    for (const c of active) {
      const acquired = acquiredDay[c]!;
      const isNew = acquired >= first;
      if (!isNew && random.bernoulli(churnHazard[c]! * (unresolvedComplaint[c] ? LEVERS.unresolvedComplaintChurn : 1)))
        continue;
      stillActive.push(c);
      const fromDay = isNew ? acquired - first : 0;
      const span = length - fromDay;
      const count = random.poisson((orderRate[c]! * span) / length) + (isNew ? 1 : 0);
      for (let k = 0; k < count; ++k) {
        const dayOfMonth = isNew && k === 0 ? fromDay : fromDay + random.int(span);
        const product = random.pick(products);
        const quantity = 1 + random.poisson(SEGMENTS[segmentOf[c]!]!.volume * 1.2 - 1 + 0.2);
        const amount = round2(product.price * quantity * spendFactor[c]! * random.logNormal(0, 0.08));
        const cost = round2(product.price * (1 - product.margin) * quantity);
        // The customer's index rides along as an eighth value, taken off before writing.
        orders.add(dayOfMonth, [null, customerIdOf(c), null, amount, cost, product.id, quantity, c]);
        if (random.bernoulli(REFUND_RATE)) {
          const refundDay = Math.min(length - 1, dayOfMonth + 1 + random.int(20));
          orders.add(refundDay, [null, customerIdOf(c), null, -amount, -cost, product.id, -quantity, null]);
        }
      }
      const u = attitude[c]!;
      for (const kind of ["complaint", "request"] as const) {
        const rate = kind === "complaint" ? LEVERS.complaintRate * Math.exp(-0.5 * u) : LEVERS.requestRate;
        if (!random.bernoulli((rate * span) / length)) continue;
        const dayOfMonth = fromDay + random.int(span);
        const resolved = kind === "request" || random.bernoulli(LEVERS.complaintResolved);
        if (!resolved) unresolvedComplaint[c] = true;
        const opened = first + dayOfMonth;
        const resolvedAt = resolved ? opened + Math.ceil(random.gamma(2, kind === "complaint" ? 2.5 : 1)) : null;
        const satisfaction = random.bernoulli(0.25)
          ? null
          : Math.round(clamp(random.normal(kind === "request" ? 4.2 : resolved ? 3.8 : 1.6, 0.7), 1, 5));
        tickets.add(dayOfMonth, [
          null,
          customerIdOf(c),
          isoDate(opened),
          resolvedAt === null ? null : isoDate(resolvedAt),
          kind,
          satisfaction
        ]);
      }
      if (fieldwork && random.bernoulli(SURVEY.customerSampling)) {
        const dayOfMonth = fromDay + random.int(span);
        respondents.add(dayOfMonth, [
          customerIdOf(c),
          SEGMENTS[segmentOf[c]!]!.id,
          REGIONS[regionOf[c]!],
          u,
          unresolvedComplaint[c] ? 1 : 0
        ]);
      }
    }
    active = stillActive;

    for (const [dayOfMonth, row] of orders.drain()) {
      const customer = row.pop() as number | null;
      row[0] = `O${pad(++orderSeq, 8)}`;
      row[2] = defects.bernoulli(DEFECTS.zeroOrderDate) ? "0000-00-00" : isoDate(first + dayOfMonth);
      if (customer !== null && productById.get(row[5] as string)!.activated) {
        const purchased = first + dayOfMonth;
        const p = 1 / (1 + Math.exp(-(ACTIVATION.logit + ACTIVATION.attitude * attitude[customer]!)));
        const activated = activationRandom.bernoulli(p)
          ? purchased + 1 + Math.floor(activationRandom.gamma(ACTIVATION.delayShape, ACTIVATION.delayScale))
          : null;
        activationsOut.write([
          `A${pad(++activationSeq, 8)}`,
          row[1],
          isoDate(purchased),
          activated === null || activated > lastDay ? null : isoDate(activated),
          row[0],
          row[5]
        ]);
      }
      if (defects.bernoulli(DEFECTS.unknownCustomer)) row[1] = customerIdOf(-1);
      ordersOut.write(row);
    }
    for (const [, row] of tickets.drain()) {
      row[0] = `T${pad(++ticketSeq, 7)}`;
      if (row[3] !== null && defects.bernoulli(DEFECTS.resolvedBeforeOpened))
        row[3] = isoDate(Date.parse(`${row[2]}T00:00:00Z`) / DAY_MS - 2);
      ticketsOut.write(row);
    }
    if (fieldwork) {
      const prospects = random.poisson(SURVEY.prospectsPerWave * scale);
      for (let k = 0; k < prospects; ++k) {
        respondents.add(random.int(length), [
          null,
          random.weighted(
            SEGMENTS.map((s) => s.id),
            segmentShares
          ),
          random.weighted([...REGIONS], REGION_SHARES),
          random.normal(),
          0
        ]);
      }
      let respondentSeq = 0;
      const survey = {
        wave,
        waveId: WAVES[wave]!,
        responsesOut,
        ratingsOut,
        importanceOut,
        recommendationsOut,
        random,
        defects,
        recommendRandom,
        preferenceRandom
      };
      for (const [dayOfMonth, row] of respondents.drain()) {
        const [customerId, segment, region, u, complained] = row as [string | null, string, string, number, number];
        writeRespondent(
          survey,
          `R${pad(++respondentSeq, 6)}`,
          isoDate(first + dayOfMonth),
          customerId,
          segment,
          region,
          u,
          complained === 1
        );
      }
    }
    onMonth?.(month + 1, HISTORY_MONTHS);
  }

  const writers = {
    customers: customersOut,
    orders: ordersOut,
    opportunities: dealsOut,
    tickets: ticketsOut,
    responses: responsesOut,
    ratings: ratingsOut,
    importance: importanceOut,
    recommendations: recommendationsOut,
    activations: activationsOut,
    events: eventsOut
  };
  const summary: SampleSummary = { products: products.length };
  for (const [name, writer] of Object.entries(writers)) {
    writer.close();
    summary[name] = writer.rows;
  }
  writeFileSync(join(outDir, "cva.config.json"), JSON.stringify(sampleConfig(), null, 2) + "\n");
  return summary;
}

const customerIdOf = (index: number) => `C${pad(index + 1, 6)}`;

/** Our win probability against a competitor in a month since HISTORY_START. */
function winRate(competitor: string, month: number): number {
  const base = DEALS.winRate[competitor]!;
  if (competitor !== TREND.brand || month < DEALS.globexDeclineStartMonth) return base;
  return base - DEALS.globexWinRateDeclinePerMonth * (month - DEALS.globexDeclineStartMonth);
}

interface Product {
  id: string;
  price: number;
  margin: number;
  /** Bought as something to activate: a licence, service plan or seat. */
  activated: boolean;
}

const PRODUCT_NAMES: Record<string, readonly string[]> = {
  Hardware: ["Router", "Switch", "Server", "Scanner", "Printer", "Terminal", "Tablet", "Sensor", "Gateway", "Dock"],
  Software: [
    "Analytics suite",
    "Backup",
    "Security",
    "Invoicing",
    "Scheduling",
    "Inventory",
    "CRM add-on",
    "Reporting"
  ],
  Services: [
    "Installation",
    "Maintenance plan",
    "Audit",
    "Migration",
    "Support plan",
    "Integration",
    "Managed service",
    "Repair"
  ],
  Supplies: [
    "Cables",
    "Labels",
    "Toner",
    "Paper",
    "Batteries",
    "Adapters",
    "Cleaning kit",
    "Mounts",
    "Cases",
    "Filters"
  ],
  Training: ["Onboarding course", "Admin certification", "Workshop", "Webinar series"]
};

function writeProducts(out: CsvWriter, random: Random): Product[] {
  const products: Product[] = [];
  for (const category of PRODUCT_CATEGORIES) {
    const [lo, hi] = category.price;
    for (let i = 0; i < category.products; ++i) {
      const id = `P${pad(products.length + 1, 3)}`;
      const price = round2(lo * Math.pow(hi / lo, random.uniform()));
      products.push({ id, price, margin: category.margin, activated: ACTIVATION.categories.includes(category.id) });
      out.write([id, PRODUCT_NAMES[category.id]![i], category.id]);
    }
  }
  out.close();
  return products;
}

interface SurveyOutput {
  wave: number;
  waveId: string;
  responsesOut: CsvWriter;
  ratingsOut: CsvWriter;
  importanceOut: CsvWriter;
  recommendationsOut: CsvWriter;
  random: Random;
  defects: Random;
  recommendRandom: Random;
  preferenceRandom: Random;
}

const attributeMean = (brand: Brand, attribute: (typeof ATTRIBUTES)[number], wave: number) =>
  attribute.means[brand] + (brand === TREND.brand && attribute.id === TREND.attribute ? TREND.perWave * wave : 0);

/**
 * One respondent: ratings of our brand and of the competitors they know, then the global
 * perceptions and loyalty intentions that follow from the ratings of our brand.
 */
function writeRespondent(
  out: SurveyOutput,
  respondentId: string,
  respondedAt: string,
  customerId: string | null,
  segment: string,
  region: string,
  u: number,
  complained: boolean
): void {
  const { random, waveId, wave } = out;
  const scaleUse = random.normal(0, SURVEY.scaleUseSd);
  const known = COMPETITORS.filter(() => random.bernoulli(SURVEY.ratesCompetitor));
  if (known.length === 0) known.push(random.pick(COMPETITORS));
  let satisfaction = SURVEY.satisfactionIntercept + (complained ? SURVEY.unresolvedComplaintSatisfaction : 0);
  let priceScore = 0;
  const recommendations: CsvValue[][] = [];
  let preferred: Brand = OUR_BRAND;
  let bestUtility = -Infinity;
  for (const brand of [OUR_BRAND, ...known] as Brand[]) {
    const halo = brand === OUR_BRAND ? ATTITUDE.halo * u : random.normal(0, SURVEY.brandHaloSd);
    let ratingSum = 0;
    for (const attribute of ATTRIBUTES) {
      const score = Math.round(
        clamp(
          attributeMean(brand, attribute, wave) + scaleUse + halo + random.normal(0, SURVEY.ratingNoise),
          SCALES.rating.min,
          SCALES.rating.max
        )
      );
      if (brand === OUR_BRAND) {
        satisfaction += attribute.driver * (score - attribute.means[OUR_BRAND]);
        if (attribute.id === "price") priceScore = score;
      }
      ratingSum += score;
      const answer = brand !== OUR_BRAND && random.bernoulli(SURVEY.dontKnow) ? DONT_KNOW_CODE : score;
      out.ratingsOut.write([
        respondentId,
        waveId,
        brand,
        attribute.id,
        out.defects.bernoulli(DEFECTS.ratingTypo) ? 11 : answer
      ]);
    }
    // "Which would you choose": a logit choice on the brand's mean rating (Gumbel noise).
    const utility =
      ratingSum / ATTRIBUTES.length -
      Math.log(-Math.log(out.preferenceRandom.uniform() || Number.MIN_VALUE)) * SURVEY.preferenceNoise;
    if (utility > bestUtility) [bestUtility, preferred] = [utility, brand];
    if (brand !== OUR_BRAND) {
      // Recommending a competitor follows how well the respondent rates it.
      const recommend =
        SURVEY.competitorRecommendIntercept +
        0.9 * (ratingSum / ATTRIBUTES.length - 6.9) +
        out.recommendRandom.normal(0, 1.3);
      recommendations.push([
        respondentId,
        waveId,
        brand,
        Math.round(clamp(recommend, SCALES.likelihood_to_recommend.min, SCALES.likelihood_to_recommend.max))
      ]);
    }
  }
  for (const row of recommendations) out.recommendationsOut.write(row);
  satisfaction += random.normal(0, SURVEY.satisfactionNoise);
  const value = 6.2 + 0.5 * (satisfaction - 7) + 0.3 * (priceScore - 5.9) + random.normal(0, 0.9);
  const recommend =
    7.6 + 0.9 * (satisfaction - 7) + 0.25 * (value - 6.2) + ATTITUDE.recommend * u + random.normal(0, 1);
  const repurchase = 3.7 + 0.45 * (satisfaction - 7) + random.normal(0, 0.6);
  const scaled = (x: number, scale: { min: number; max: number }) => Math.round(clamp(x, scale.min, scale.max));
  const overall = scaled(satisfaction, SCALES.overall_satisfaction);
  const comment = random.bernoulli(SURVEY.comments)
    ? fakeComment(random, overall, random.bernoulli(SURVEY.commentsWithPii))
    : null;
  out.responsesOut.write([
    respondentId,
    waveId,
    respondedAt,
    customerId,
    segment,
    region,
    overall,
    scaled(value, SCALES.perceived_value),
    random.bernoulli(0.02) ? null : scaled(recommend, SCALES.likelihood_to_recommend),
    scaled(repurchase, SCALES.repurchase_intent),
    preferred,
    comment
  ]);
  if (random.bernoulli(SURVEY.answersImportance)) {
    for (const attribute of ATTRIBUTES) {
      out.importanceOut.write([
        respondentId,
        waveId,
        attribute.id,
        scaled(random.normal(attribute.statedImportance, 1.2), SCALES.importance)
      ]);
    }
  }
}

/** The sample company's cva.config.json (validated by the config schema at ingest). */
export function sampleConfig() {
  return {
    $schema: "../docs/cva.config.schema.json",
    brand: OUR_BRAND,
    competitors: [...COMPETITORS],
    attributes: ATTRIBUTES.map(({ id, label, group, owner, factor }) => ({ id, label, group, owner, factor })),
    scales: SCALES,
    dontKnowCodes: [DONT_KNOW_CODE],
    minCellSize: 10
  };
}
