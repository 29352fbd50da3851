/**
 * Prints the bad-input table of docs/reliability.md from the suite's data:
 * `npx tsx __tests__/faults/print-table.ts`. A test fails when the doc and the data differ.
 */
import { badInputTable } from './bad-inputs.js';

process.stdout.write(`${badInputTable()}\n`);
