import type { FactRepository } from '../data-access/fact-repository';
import type { RollupRepository } from '../data-access/rollup-repository';

/** What the reports use cases work with: the facts, the rollups, and when a day is closed. */
export interface ReportsDeps {
  facts: FactRepository;
  rollups: RollupRepository;
  /** A day gets its rollups this many hours after it ended (REPORTS_ROLLUP_AFTER_HOURS). */
  rollupAfterHours: number;
  /** The clock (tests set it). */
  now: () => Date;
}
