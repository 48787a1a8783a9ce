// The quota rules through the routes on SQLite ([Note: one payer per file], [Note: upload holds]);
// quota.medium.test.ts runs the same scenarios on PostgreSQL, with races and the data migration.
import { quotaScenarios } from './quota-scenarios.ts';

quotaScenarios('sqlite');
