/**
 * Promoters, passives and detractors on the 0-10 likelihood-to-recommend question (Reichheld,
 * "The One Number You Need to Grow", 2003): one definition for NPS, the paired brand
 * comparison, the loyalty linkage and the comments, so that a group means the same everywhere.
 */

/** A promoter answers at least this. */
export const PROMOTER_FROM = 9;
/** A detractor answers at most this; between the two is a passive. */
export const DETRACTOR_UP_TO = 6;

export const isPromoter = (answer: string) => `${answer} >= ${PROMOTER_FROM}`;
export const isDetractor = (answer: string) => `${answer} <= ${DETRACTOR_UP_TO}`;

/** The group of an answer (SQL), 'no answer' when it is NULL. */
export const recommendGroupSql = (answer: string) =>
  `CASE WHEN ${isPromoter(answer)} THEN 'promoter' WHEN ${isDetractor(answer)} THEN 'detractor' WHEN ${answer} IS NOT NULL THEN 'passive' ELSE 'no answer' END`;

/** Each answer scored +100 promoter, 0 passive, −100 detractor: the mean of the scores is the NPS. */
export const promoterScoreSql = (answer: string) =>
  `CASE WHEN ${isPromoter(answer)} THEN 100 WHEN ${isDetractor(answer)} THEN -100 ELSE 0 END`;
