// What the failure view's table shows: which rows pass the filters and in which order, for the image means or
// one class. Pure (no DOM), so it is unit-tested; the page (failureView.ts) only renders what this decides.
import type { EmptyCase, MetricName, MetricValues } from '../../common/evaluation';
import { METRIC_NAMES, higherIsBetter } from '../../common/evaluation';
import type { FailureRow } from '../../common/failureProtocol';

export const SORT_COLUMNS = ['name', ...METRIC_NAMES, 'groundTruthArea', 'predictedArea', 'uncertainty'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];
export type SortDirection = 'ascending' | 'descending';

/** 'any' keeps every row; the others keep rows where the chosen class (or, for all classes, some class) is in that case. */
export const EMPTY_FILTERS = ['any', 'prediction', 'groundTruth', 'both', 'neither'] as const;
export type EmptyFilter = (typeof EMPTY_FILTERS)[number];

export interface TableQuery {
  readonly sort: SortColumn;
  readonly direction: SortDirection;
  /** 0: each image's mean over its classes; k >= 1: class k's own values. */
  readonly classIndex: number;
  /** Keep rows whose Dice is below this (0..1]; null keeps all. */
  readonly diceBelow: number | null;
  /** Case-insensitive part of the file name; '' keeps all. */
  readonly text: string;
  readonly empty: EmptyFilter;
}

export const DEFAULT_QUERY: TableQuery = { sort: 'dice', direction: 'ascending', classIndex: 0, diceBelow: null, text: '', empty: 'any' };

/** The direction a first click sorts in: worst first for metrics (low overlap, long distances, high uncertainty). */
export function worstFirstDirection(column: SortColumn): SortDirection {
  if (column === 'name') return 'ascending';
  if (column === 'uncertainty' || column === 'groundTruthArea' || column === 'predictedArea') return 'descending';
  return higherIsBetter(column) ? 'ascending' : 'descending';
}

/** The query after a click on `column`'s header: the same column flips, another starts worst first. */
export function sortedBy(query: TableQuery, column: SortColumn): TableQuery {
  const direction = query.sort === column ? (query.direction === 'ascending' ? 'descending' : 'ascending') : worstFirstDirection(column);
  return { ...query, sort: column, direction };
}

interface ClassValues extends MetricValues {
  readonly predictedArea: number;
  readonly groundTruthArea: number;
}

/** The row's values for the image (classIndex 0) or one class; undefined when the image lacks that class. */
export function valuesOf(row: FailureRow, classIndex: number): ClassValues | undefined {
  return classIndex === 0 ? row : row.classes.find((c) => c.classIndex === classIndex);
}

/** The number a column sorts by; undefined sorts last whatever the direction (no uncertainty for a label file). */
export function cellValue(row: FailureRow, column: Exclude<SortColumn, 'name'>, classIndex: number): number | undefined {
  if (column === 'uncertainty') return row.uncertainty;
  return valuesOf(row, classIndex)?.[column];
}

function emptyCases(row: FailureRow, classIndex: number): EmptyCase[] {
  return row.classes.filter((c) => classIndex === 0 || c.classIndex === classIndex).map((c) => c.empty);
}

export function visibleRows(rows: readonly FailureRow[], query: TableQuery): FailureRow[] {
  const text = query.text.trim().toLowerCase();
  const kept = rows.filter((row) => {
    const values = valuesOf(row, query.classIndex);
    if (!values) return false;
    if (query.diceBelow !== null && !(values.dice < query.diceBelow)) return false;
    if (text !== '' && !row.name.toLowerCase().includes(text)) return false;
    if (query.empty !== 'any' && !emptyCases(row, query.classIndex).includes(query.empty)) return false;
    return true;
  });
  const sign = query.direction === 'ascending' ? 1 : -1;
  const byName = (a: FailureRow, b: FailureRow): number => NAME_ORDER.compare(a.name, b.name) || a.index - b.index;
  const column = query.sort;
  if (column === 'name') return kept.sort((a, b) => sign * byName(a, b));
  return kept.sort((a, b) => {
    const x = cellValue(a, column, query.classIndex);
    const y = cellValue(b, column, query.classIndex);
    if (x === undefined || y === undefined) return x === y ? byName(a, b) : x === undefined ? 1 : -1;
    return sign * (x - y) || byName(a, b);
  });
}

/** The metric values the summary and histogram are computed from: the shown rows, for the chosen class. */
export function summaryValues(rows: readonly FailureRow[], classIndex: number): MetricValues[] {
  const out: MetricValues[] = [];
  for (const row of rows) {
    const values = valuesOf(row, classIndex);
    if (values) out.push(values);
  }
  return out;
}

/** A query read back from webview state (possibly written by an older version, possibly garbage): every field checked. */
export function sanitizeQuery(value: unknown, classCount: number): TableQuery {
  if (typeof value !== 'object' || value === null) return DEFAULT_QUERY;
  const v = value as Partial<Record<keyof TableQuery, unknown>>;
  const sort = (SORT_COLUMNS as readonly unknown[]).includes(v.sort) ? (v.sort as SortColumn) : DEFAULT_QUERY.sort;
  const direction = v.direction === 'ascending' || v.direction === 'descending' ? v.direction : worstFirstDirection(sort);
  const classIndex = Number.isInteger(v.classIndex) && (v.classIndex as number) >= 0 && (v.classIndex as number) < classCount ? (v.classIndex as number) : 0;
  const diceBelow = typeof v.diceBelow === 'number' && v.diceBelow > 0 && v.diceBelow <= 1 ? v.diceBelow : null;
  const text = typeof v.text === 'string' ? v.text.slice(0, 200) : '';
  const empty = (EMPTY_FILTERS as readonly unknown[]).includes(v.empty) ? (v.empty as EmptyFilter) : 'any';
  return { sort, direction, classIndex, diceBelow, text, empty };
}

/** Parses the "Dice below" field: '' (no filter) or a number in (0, 1]; undefined for anything else. */
/** Names in the order the Explorer shows files: numbers by value (img2 before img10), letter case aside. */
const NAME_ORDER = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function parseDiceBelow(text: string): number | null | undefined {
  const trimmed = text.trim().replace(',', '.'); // a decimal comma, as many keyboards type it
  if (trimmed === '') return null;
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value > 0 && value <= 1 ? value : undefined;
}

export const METRIC_LABELS: Readonly<Record<MetricName, string>> = { dice: 'Dice', iou: 'IoU', precision: 'Precision', recall: 'Recall', hd95: 'HD95 (px)' };
