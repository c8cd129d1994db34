// The failure view's page: header, summary (mean and median of every metric, Dice histogram) over the rows
// shown, filters, and the table of images, worst first by default. Stable ids (#cases, #class, #dice-below,
// #empty, #text, #shown) and data-sort / data-index attributes are the contract for assistive technology and
// for the host tests. Keyboard: Tab reaches the headers (buttons) and the table; in the table, the arrow keys,
// Home, End, Page Up and Page Down move between rows and Enter or Space opens the image in compare mode.
import { type GroundTruthMadeBy, METRIC_NAMES, type MetricName } from '../../common/evaluation';
import type { FailureRow, FailureViewData, ReportFileKind } from '../../common/failureProtocol';
import { diceHistogram, summarize } from '../../eval/metrics';
import { el } from '../dom';
import { renderHistogram } from './histogram';
import {
  EMPTY_FILTERS,
  type EmptyFilter,
  METRIC_LABELS,
  type SortColumn,
  type TableQuery,
  cellValue,
  parseDiceBelow,
  sortedBy,
  summaryValues,
  visibleRows,
} from './table';

export interface FailurePageEvents {
  readonly onQuery: (query: TableQuery) => void;
  /** `order`: the shown cases in the table's order, for Next/Previous in compare mode. */
  readonly onOpen: (index: number, order: readonly number[]) => void;
  readonly onOpenReport: (file: ReportFileKind) => void;
  /** Where the person is in the list (the page keeps it across tab switches). */
  readonly onPlace: (place: ListPlace) => void;
}

/** The case whose row has the keyboard focus, and how far the list is scrolled. */
export interface ListPlace {
  readonly current: number | undefined;
  readonly scrollTop: number;
}

const COLUMN_LABELS: Readonly<Record<SortColumn, string>> = {
  name: 'Image',
  ...METRIC_LABELS,
  groundTruthArea: 'GT px',
  predictedArea: 'Pred px',
  uncertainty: 'Uncertainty',
};

const COLUMN_TITLES: Readonly<Partial<Record<SortColumn, string>>> = {
  groundTruthArea: 'Ground-truth foreground pixels',
  predictedArea: 'Predicted foreground pixels',
  uncertainty: 'How unsure the model was (share of undecided pixels); only for images the model predicted',
  hd95: '95th-percentile Hausdorff distance between the mask boundaries, in pixels (lower is better)',
};

const EMPTY_LABELS: Readonly<Record<EmptyFilter, string>> = {
  any: 'Any',
  prediction: 'Missed (prediction empty)',
  groundTruth: 'False alarm (ground truth empty)',
  both: 'Both empty',
  neither: 'Both non-empty',
};

const PAGE_ROWS = 10;
/** Rows drawn at once when the list changes; the rest follow ROWS_PER_TURN per event-loop turn. */
const FIRST_ROWS = 200;
const ROWS_PER_TURN = 500;
/** The name filter applies once typing pauses this long. */
const TYPING_PAUSE_MS = 150;

export function formatValue(column: Exclude<SortColumn, 'name'>, value: number | undefined): string {
  if (value === undefined) return '–';
  if (column === 'hd95') return value.toFixed(2);
  if (column === 'groundTruthArea' || column === 'predictedArea') return String(value);
  if (column === 'uncertainty') return value.toFixed(4); // as evaluation.md writes it
  return value.toFixed(4);
}

export class FailurePage {
  private data: FailureViewData | undefined;
  private query: TableQuery;
  private shown: FailureRow[] = [];
  /** The row that holds the table's tab stop (report index), kept across re-renders. */
  private current: number | undefined;
  private opened: number | undefined;
  /** Cases whose ground truth changed since the evaluation (see the 'groundTruthChanged' message). */
  private readonly changedTruth = new Set<number>();
  /** The meta line as show() wrote it, before the note about changed ground truth. */
  private metaText = '';

  private readonly title = el('h1', { id: 'title' });
  private readonly meta = el('p', { class: 'meta', id: 'meta' });
  private readonly reportLinks = el('nav', { class: 'report-links', 'aria-label': 'Report files' });
  private readonly stats = el('table', { class: 'stats', id: 'stats' });
  private readonly statsCaption = el('p', { class: 'caption', id: 'stats-caption' });
  private readonly histogram = el('figure', { class: 'histogram-figure', id: 'histogram' });
  private readonly classSelect = el('select', { id: 'class' });
  private readonly diceBelow = el('input', { id: 'dice-below', type: 'text', inputmode: 'decimal', placeholder: 'e.g. 0.7', size: '6', 'aria-describedby': 'dice-below-hint' });
  private readonly diceHint = el('span', { id: 'dice-below-hint', class: 'hint' });
  private readonly emptySelect = el('select', { id: 'empty' });
  private readonly text = el('input', { id: 'text', type: 'search', placeholder: 'part of the file name', size: '18' });
  private readonly count = el('span', { id: 'shown', role: 'status', 'aria-live': 'polite' });
  private readonly head = el('tr', { 'aria-rowindex': '1' });
  private readonly body = el('tbody');
  private readonly table = el('table', { id: 'cases', class: 'cases', 'aria-label': 'Images, worst first', 'aria-describedby': 'cases-hint' }, el('thead', {}, this.head), this.body);
  private readonly tableHint = el('p', { id: 'cases-hint', class: 'table-hint' }, 'Enter or a click opens the image in compare mode; the arrow keys, Home, End and Page Up/Down move between rows.');
  private readonly failed = el('details', { id: 'failed', class: 'failed' });
  private readonly banner = el('div', { id: 'banner', class: 'banner', role: 'alert', tabindex: '0', hidden: '' });
  /** The table's row of each shown case drawn so far, by case index. */
  private readonly rowElements = new Map<number, HTMLTableRowElement>();
  /** How many rows of `shown` are in the table (the rest follow a chunk per event-loop turn). */
  private rendered = 0;
  private renderToken = 0;
  private columns: readonly SortColumn[] = [];
  private textTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly wrap = el('div', { class: 'table-wrap' }, this.table);
  private placeFrame = 0;

  constructor(
    root: HTMLElement,
    initial: TableQuery,
    private readonly events: FailurePageEvents,
  ) {
    this.query = initial;
    for (const value of EMPTY_FILTERS) this.emptySelect.append(el('option', { value }, EMPTY_LABELS[value]));
    root.append(
      el('header', { class: 'top' }, this.title, this.meta, this.reportLinks),
      this.banner,
      el('section', { class: 'summary', 'aria-label': 'Summary' }, el('div', {}, this.statsCaption, this.stats), this.histogram),
      el(
        'section',
        { class: 'filters', role: 'search', 'aria-label': 'Filters' },
        el('label', {}, 'Class ', this.classSelect),
        el('label', {}, 'Dice below ', this.diceBelow),
        this.diceHint,
        el('label', {}, 'Empty masks ', this.emptySelect),
        el('label', {}, 'Name ', this.text),
        this.count,
      ),
      this.tableHint,
      this.wrap,
      this.failed,
    );
    this.classSelect.addEventListener('change', () => this.update({ ...this.query, classIndex: Number(this.classSelect.value) }));
    this.emptySelect.addEventListener('change', () => this.update({ ...this.query, empty: this.emptySelect.value as EmptyFilter }));
    // A large report redraws its list on every filter change: wait until typing pauses.
    this.text.addEventListener('input', () => {
      clearTimeout(this.textTimer);
      this.textTimer = setTimeout(() => this.update({ ...this.query, text: this.text.value }), TYPING_PAUSE_MS);
    });
    this.diceBelow.addEventListener('input', () => {
      const value = parseDiceBelow(this.diceBelow.value);
      this.diceBelow.setAttribute('aria-invalid', String(value === undefined));
      // What the box shows is what filters: text that is no number in (0, 1] filters nothing, and says so.
      this.diceHint.textContent = value === undefined ? 'not applied: type a number from 0 to 1, e.g. 0.7' : '';
      this.update({ ...this.query, diceBelow: value ?? null });
    });
    this.body.addEventListener('click', (event) => {
      const row = (event.target as Element).closest('tr[data-index]');
      if (row) this.open(Number(row.getAttribute('data-index')));
    });
    this.body.addEventListener('keydown', (event) => this.onKey(event));
    this.banner.addEventListener('click', () => (this.banner.hidden = true));
    this.banner.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' || event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        this.banner.hidden = true;
      }
    });
    this.wrap.addEventListener('scroll', () => this.placeChanged(), { passive: true });
  }

  /** Makes case `index`'s row the table's one Tab stop (roving tabindex); its row, once drawn. */
  private moveTabStop(index: number): HTMLElement | undefined {
    if (this.current !== undefined) this.rowElements.get(this.current)?.setAttribute('tabindex', '-1');
    this.current = index;
    const row = this.rowElements.get(index);
    row?.setAttribute('tabindex', '0');
    return row;
  }

  /** Reports where the person is, once per frame at most. */
  private placeChanged(): void {
    if (this.placeFrame !== 0) return;
    this.placeFrame = requestAnimationFrame(() => {
      this.placeFrame = 0;
      this.events.onPlace({ current: this.current, scrollTop: this.wrap.scrollTop });
    });
  }

  /** After a tab switch rebuilt the page: the focused case and the scroll position as they were. */
  restorePlace(place: ListPlace): void {
    const position = place.current === undefined ? -1 : this.shown.findIndex((r) => r.index === place.current);
    const rowHeight = this.rowElements.values().next().value?.offsetHeight ?? 0;
    const rowsToScroll = rowHeight > 0 ? Math.ceil((place.scrollTop + this.wrap.clientHeight) / rowHeight) : 0;
    this.renderUpTo(Math.max(position + 1, rowsToScroll));
    if (position >= 0 && place.current !== undefined) {
      const row = this.moveTabStop(place.current);
      // A rebuilt page has nothing focused: the keys that move between rows work on a focused row.
      if (document.activeElement === null || document.activeElement === document.body) row?.focus({ preventScroll: true });
    }
    this.wrap.scrollTop = place.scrollTop;
  }

  show(data: FailureViewData, query: TableQuery): void {
    this.data = data;
    this.changedTruth.clear(); // a new report (or the same again): the host says afresh what changed since
    this.banner.hidden = true;
    this.query = query;
    this.title.textContent = `Evaluation of ${data.imagesDir}`;
    const predicted = data.rows.filter((r) => r.prediction === 'model').length;
    this.metaText =
      `Ground truth ${data.gtDir}${data.predDir ? `, predictions ${data.predDir}` : ''}; model ${data.modelName}. ` +
      `${data.rows.length} image(s) scored (${predicted} predicted by the model), ${data.failed.length} failed` +
      `${data.stopped !== undefined ? `; the run stopped before the end: ${data.stopped}` : data.cancelled ? '; the run was cancelled before the end' : ''}.` +
      data.groundTruthNotes.map((note) => ` ${note}`).join('');
    this.meta.textContent = this.metaText;
    this.reportLinks.replaceChildren();
    if (data.reportPath !== undefined) {
      for (const [kind, label] of [['markdown', 'Markdown report'], ['csv', 'CSV'], ['json', 'JSON']] as const) {
        const button = el('button', { type: 'button', class: 'link', 'data-report': kind }, label);
        button.addEventListener('click', () => this.events.onOpenReport(kind));
        this.reportLinks.append(button);
      }
    }
    this.classSelect.replaceChildren(el('option', { value: '0' }, data.classNames.length > 2 ? 'All (mean over classes)' : 'Image'));
    data.classNames.forEach((name, index) => index > 0 && this.classSelect.append(el('option', { value: String(index) }, `${index}: ${name}`)));
    this.classSelect.disabled = data.classNames.length <= 2;
    this.classSelect.value = String(query.classIndex);
    this.emptySelect.value = query.empty;
    this.text.value = query.text;
    this.diceBelow.value = query.diceBelow === null ? '' : String(query.diceBelow);
    this.renderFailed(data);
    this.render();
  }

  /** Marks cases whose ground truth changed since the evaluation: their scores are the report's, not the files'. */
  markGroundTruthChanged(indices: readonly number[]): void {
    for (const index of indices) {
      if (this.changedTruth.has(index)) continue;
      this.changedTruth.add(index);
      const row = this.rowElements.get(index);
      if (row) markChangedTruth(row);
    }
    const n = this.changedTruth.size;
    this.meta.textContent = `${this.metaText} ${n} ground-truth mask(s) changed since this evaluation (marked ${CHANGED_MARK}): their scores are the evaluation's; evaluate again for new ones.`;
  }

  /** The host opened case `index`: mark its row. */
  markOpened(index: number): void {
    const before = this.opened === undefined ? undefined : this.rowElements.get(this.opened);
    before?.classList.remove('opened');
    before?.removeAttribute('aria-current');
    this.opened = index;
    this.rowElements.get(index)?.classList.add('opened');
    this.rowElements.get(index)?.setAttribute('aria-current', 'true');
    this.banner.hidden = true; // an earlier error is about another case
  }

  showError(message: string): void {
    this.banner.textContent = message;
    this.banner.title = 'Click, or Escape while it has the focus, to dismiss';
    this.banner.hidden = false;
  }

  private update(query: TableQuery): void {
    this.query = query;
    this.events.onQuery(query);
    this.render();
  }

  private render(): void {
    const data = this.data;
    if (!data) return;
    const hasUncertainty = data.rows.some((r) => r.uncertainty !== undefined);
    const columns: SortColumn[] = ['name', ...METRIC_NAMES, 'groundTruthArea', 'predictedArea', ...(hasUncertainty ? ['uncertainty' as const] : [])];
    this.renderHead(columns);
    this.shown = visibleRows(data.rows, this.query);
    this.renderSummary(data);
    this.count.textContent = `${this.shown.length} of ${data.rows.length} image(s) shown`;
    this.table.setAttribute('aria-rowcount', String(this.shown.length + 1)); // the header row is row 1
    if (this.current === undefined || !this.shown.some((r) => r.index === this.current)) this.current = this.shown[0]?.index;
    this.columns = columns;
    // The rows are drawn again (a new report, a filter): a focused row would leave the focus on the page.
    const rowHadFocus = document.activeElement instanceof HTMLElement && this.body.contains(document.activeElement);
    this.rowElements.clear();
    this.rendered = 0;
    this.body.replaceChildren();
    const token = ++this.renderToken;
    if (this.shown.length === 0) {
      const why = data.rows.length === 0 ? 'No image was scored (see the failures below).' : 'No image matches the filters.';
      this.body.append(el('tr', {}, el('td', { colspan: String(columns.length), class: 'none' }, why)));
      return;
    }
    // The first screenfuls now, the rest a chunk per event-loop turn: thousands of rows would freeze the page.
    this.renderUpTo(FIRST_ROWS);
    if (rowHadFocus && this.current !== undefined) this.focusRow(this.current);
    const more = (): void => {
      if (token !== this.renderToken || this.rendered >= this.shown.length) return;
      this.renderUpTo(this.rendered + ROWS_PER_TURN);
      setTimeout(more, 0);
    };
    setTimeout(more, 0);
  }

  /** Appends the rows of `shown` up to position `end` (exclusive) that are not in the table yet. */
  private renderUpTo(end: number): void {
    const stop = Math.min(end, this.shown.length);
    const rows: HTMLTableRowElement[] = [];
    for (let position = this.rendered; position < stop; position++) {
      const row = this.shown[position]!;
      const tr = el('tr', { 'data-index': String(row.index), tabindex: row.index === this.current ? '0' : '-1', 'aria-rowindex': String(position + 2) });
      if (row.index === this.opened) {
        tr.classList.add('opened');
        tr.setAttribute('aria-current', 'true');
      }
      for (const column of this.columns) {
        if (column === 'name') {
          tr.append(el('th', { scope: 'row', class: 'name', title: row.name }, row.name));
          if (row.groundTruthFromModel !== undefined) markModelMade(tr, row.groundTruthFromModel);
          if (this.changedTruth.has(row.index)) markChangedTruth(tr);
          continue;
        }
        const value = cellValue(row, column, this.query.classIndex);
        const td = el('td', { class: 'num' }, formatValue(column, value));
        if (column === 'dice' && value !== undefined && value < 0.5) td.classList.add('bad');
        tr.append(td);
      }
      this.rowElements.set(row.index, tr);
      rows.push(tr);
    }
    this.rendered = Math.max(this.rendered, stop);
    this.body.append(...rows);
  }

  private renderHead(columns: readonly SortColumn[]): void {
    const order = this.query.direction === 'ascending' ? 'ascending' : 'descending';
    this.table.setAttribute('aria-label', `Images sorted by ${COLUMN_LABELS[this.query.sort]} (${order})`);
    this.head.replaceChildren(
      ...columns.map((column) => {
        const sorted = this.query.sort === column;
        const th = el('th', { scope: 'col', 'aria-sort': sorted ? this.query.direction : 'none', class: column === 'name' ? 'name' : 'num' });
        const arrow = el('span', { 'aria-hidden': 'true' }, sorted ? (this.query.direction === 'ascending' ? ' ▲' : ' ▼') : '');
        const button = el('button', { type: 'button', 'data-sort': column, title: `${COLUMN_TITLES[column] ?? COLUMN_LABELS[column]}. Click to sort (first click: worst first).` }, COLUMN_LABELS[column], arrow);
        button.addEventListener('click', () => {
          this.update(sortedBy(this.query, column));
          this.head.querySelector<HTMLButtonElement>(`button[data-sort="${column}"]`)?.focus();
        });
        th.append(button);
        return th;
      }),
    );
  }

  private renderSummary(data: FailureViewData): void {
    const values = summaryValues(this.shown, this.query.classIndex);
    const summary = summarize(values);
    const what = this.query.classIndex === 0 ? '' : ` for class ${data.classNames[this.query.classIndex] ?? this.query.classIndex}`;
    this.statsCaption.textContent = `Over the ${values.length} shown image(s)${what}:`;
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Metric'), el('th', { scope: 'col', class: 'num' }, 'Mean'), el('th', { scope: 'col', class: 'num' }, 'Median'));
    const rows = METRIC_NAMES.map((m: MetricName) =>
      el('tr', { 'data-metric': m }, el('th', { scope: 'row' }, METRIC_LABELS[m]), el('td', { class: 'num mean' }, formatValue(m, values.length ? summary[m].mean : undefined)), el('td', { class: 'num median' }, formatValue(m, values.length ? summary[m].median : undefined))),
    );
    this.stats.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
    const caption = `Dice histogram of the ${values.length} shown image(s)${what}`;
    this.histogram.replaceChildren(renderHistogram(diceHistogram(values.map((v) => v.dice)), caption), el('figcaption', {}, caption));
  }

  private renderFailed(data: FailureViewData): void {
    this.failed.hidden = data.failed.length === 0;
    this.failed.open = data.rows.length === 0; // nothing scored: the reasons are what there is to read
    this.failed.replaceChildren(
      el('summary', {}, `${data.failed.length} image(s) could not be scored`),
      el('ul', {}, ...data.failed.map((f) => el('li', {}, el('code', {}, f.name), `: ${f.reason}`))),
    );
  }

  private open(index: number): void {
    this.focusRow(index);
    this.events.onOpen(index, this.shown.map((r) => r.index));
  }

  private focusRow(index: number): void {
    const position = this.shown.findIndex((r) => r.index === index);
    if (position >= this.rendered) this.renderUpTo(position + 1); // End before the rest has been drawn
    const row = this.moveTabStop(index);
    if (!row) return;
    row.focus();
    row.scrollIntoView({ block: 'nearest' });
    this.placeChanged();
  }

  private onKey(event: KeyboardEvent): void {
    const row = (event.target as Element).closest('tr[data-index]');
    if (!row) return;
    const index = Number(row.getAttribute('data-index'));
    const position = this.shown.findIndex((r) => r.index === index);
    const last = this.shown.length - 1;
    const moves: Record<string, number> = { ArrowDown: position + 1, ArrowUp: position - 1, Home: 0, End: last, PageDown: position + PAGE_ROWS, PageUp: position - PAGE_ROWS };
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.open(index);
    } else if (event.key in moves) {
      event.preventDefault();
      const target = this.shown[Math.max(0, Math.min(last, moves[event.key]!))];
      if (target) this.focusRow(target.index);
    }
  }
}

/** The badge of a case whose ground truth a model made (what the row's scores are worth depends on it). */
function markModelMade(row: HTMLTableRowElement, made: NonNullable<FailureRow['groundTruthFromModel']>): void {
  const name = row.querySelector('th.name');
  if (!name) return;
  const whose = made.own ? "this model's" : "a model's";
  const [badge, words] =
    made.status === 'edited'
      ? ['edited', `ground truth is ${whose} pre-label, edited by a person since`]
      : [made.own ? 'own output' : 'model output', `ground truth is ${whose} prediction, pixel for pixel (${MODEL_MADE_WORDS[made.status]})${made.own ? ': its scores measure the model against itself' : ''}`];
  const ownOutput = made.own && made.status !== 'edited';
  name.append(' ', el('span', { class: `gt-model-badge${ownOutput ? ' own' : ''}`, title: words, 'aria-label': words }, badge));
}

const MODEL_MADE_WORDS: Readonly<Record<GroundTruthMadeBy, string>> = {
  predicted: 'unreviewed',
  accepted: 'a person kept it unchanged',
  rejected: 'a person rejected it',
  edited: 'edited',
};

/** The mark of a case whose ground truth changed since the evaluation (with words for screen readers and hover). */
const CHANGED_MARK = '✎';

function markChangedTruth(row: HTMLTableRowElement): void {
  const name = row.querySelector('th.name');
  if (!name || row.classList.contains('gt-changed')) return;
  row.classList.add('gt-changed');
  const words = 'ground truth changed since the evaluation';
  name.append(' ', el('span', { class: 'gt-changed-mark', title: words, 'aria-label': words }, CHANGED_MARK));
}
